#pragma once
// Help > Guided demo: a short sequence a teacher steps through with the arrow keys or a
// presenter remote (PageUp/PageDown) while talking: the model's layers and parameter count, a
// quick training run with live curves (the model's "fast" recipe), "draw a digit", what the
// network sees (the Inside tab, when the app has one) and a mistake from the test set. A bar at
// the bottom of the window shows each step's one-line caption, read from demo_captions.txt (see
// DemoCaptions). Steps that cannot run here are left out: without MNIST there is no training run
// and no test-set mistake, and a note under the caption says so.
#include <QFutureWatcher>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

#include "core/training/train_options.h"
#include "ui/demo_captions.h"
#include "ui/test_set_mistake.h"

class QAction;
class QLabel;
class QToolBar;
class QWidget;

namespace mnist::ui {

class MainWindow;

class GuidedDemo : public QObject {
    Q_OBJECT
  public:
    enum class Step { Layers, Training, Draw, Inside, Mistake };
    Q_ENUM(Step)
    // Test digits searched for a mistake: a handful of the bundled model's, in about a second.
    static constexpr qint64 kMistakeSearch = 1000;

    explicit GuidedDemo(MainWindow* window);
    ~GuidedDemo() override;

    // Help > Guided demo.
    QAction* action() const { return action_; }
    bool isRunning() const { return running_; }
    // This run's steps, in order; those that cannot run here are left out.
    const QList<Step>& steps() const { return steps_; }
    int currentIndex() const { return index_; }
    Step currentStep() const { return steps_.value(index_); }
    // The caption and the note about skipped steps as shown in the bar.
    QString caption() const;
    QString note() const;
    QToolBar* bar() const { return bar_; }
    // Problems met reading the caption files at the last start(), each naming file and line.
    const QStringList& captionProblems() const { return caption_problems_; }
    bool isSearchingForMistake() const { return mistake_watcher_.isRunning(); }
    const TestSetMistake& mistake() const { return mistake_; }

  public Q_SLOTS:
    // Starts at the first step; captions are read again, so an edited file shows at once.
    void start();
    // Ends the demo and puts back the recipe it switched to the quick one.
    void stop();
    // Next / previous step; false at either end.
    bool next();
    bool previous();

  Q_SIGNALS:
    void runningChanged(bool running);
    void stepChanged(int index);
    // The test-set mistake is on the canvas (or none was found).
    void mistakeShown();

  protected:
    // Arrow keys and PageUp/PageDown step the demo wherever the focus is in the window.
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    static QString captionKey(Step step);
    QWidget* insidePage() const;
    void planSteps();
    void enterStep();
    void showText();
    void fitText();
    void startTraining();
    void searchForMistake();
    void onMistakeSearched();
    void showMistake();
    void restoreRecipe();

    MainWindow* window_;
    QAction* action_ = nullptr;
    QToolBar* bar_ = nullptr;
    QLabel* counter_ = nullptr;
    QLabel* caption_ = nullptr;
    QLabel* note_ = nullptr;
    QWidget* text_ = nullptr;  // the caption and the note
    QAction* back_ = nullptr;
    QAction* forward_ = nullptr;
    QAction* end_ = nullptr;

    bool running_ = false;
    DemoCaptions captions_;
    QStringList caption_problems_;
    QList<Step> steps_;
    QHash<int, QStringList> notes_;  // step index -> notes about the steps skipped there
    int index_ = -1;
    QHash<QString, QString> values_;  // the captions' {placeholders}

    bool trained_ = false;  // this run's training step has started its run
    std::unique_ptr<mnist::TrainOptions> saved_recipe_;  // the teacher's, while the demo's runs

    struct MistakeSearch {
        TestSetMistake mistake;
        QString error;  // why the search could not run
    };
    QFutureWatcher<MistakeSearch> mistake_watcher_;
    std::atomic_bool cancel_search_{false};
    QString mistake_error_;
    TestSetMistake mistake_;
    bool mistake_done_ = false;
};

}  // namespace mnist::ui
