#pragma once
// The Training page's strip for a paused run: what it is and how far it got, a new learning rate
// and a switch between those two schedules (the constant and plateau ones, which take them; the
// others say why not), more epochs, and Resume. It only shows a run and hands back what the user
// changed; the main window resumes.
#include <QFrame>
#include <QString>

#include "core/training/run_store.h"
#include "core/training/trainer.h"
#include "ui/recipe_field_editors.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace mnist::ui {

class ResumeBar : public QFrame {
    Q_OBJECT
  public:
    explicit ResumeBar(QWidget* parent = nullptr);

    // Shows the paused `run` (its folder, recipe and history as core reads them).
    void showRun(const mnist::RunRecord& run);
    QString runFolder() const { return folder_; }
    // What the fields ask for: the learning rate only when it was edited (a plateau schedule may
    // have lowered it since the last epoch's value shown), the schedule only when switched, more
    // epochs only when asked.
    mnist::ResumeChanges changes() const;

    QDoubleSpinBox* learningRateField() const;
    QComboBox* scheduleField() const { return schedule_; }
    QSpinBox* extendField() const { return extend_; }
    QPushButton* resumeButton() const { return resume_; }

  Q_SIGNALS:
    void resumeRequested();

  private:
    RecipeFieldEditors editors_;  // the learning rate, as the recipe form shows it
    QLabel* what_ = nullptr;
    QComboBox* schedule_ = nullptr;
    QSpinBox* extend_ = nullptr;
    QPushButton* resume_ = nullptr;
    QString folder_;
    int epochs_ = 0;         // the run's epochs in all
    double shown_lr_ = 0.0;  // the learning rate of its last finished epoch
    mnist::SchedulerKind schedule_kind_ = mnist::SchedulerKind::None;  // the run's schedule
};

}  // namespace mnist::ui
