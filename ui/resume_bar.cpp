#include "ui/resume_bar.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>

#include <cmath>

namespace mnist::ui {
namespace {

// The schedule as the recipe form names it ("OneCycle", "StepLR").
QString scheduleLabel(mnist::SchedulerKind kind) {
    for (const auto& choice : mnist::recipe_field("scheduler").choices) {
        if (choice.value == mnist::to_string(kind)) return QString::fromStdString(choice.label);
    }
    return QString::fromLatin1(mnist::to_string(kind));
}

}  // namespace

ResumeBar::ResumeBar(QWidget* parent) : QFrame(parent) {
    setFrameShape(QFrame::StyledPanel);
    setObjectName(QStringLiteral("resumeBar"));
    what_ = new QLabel;
    what_->setWordWrap(true);

    QWidget* lr = editors_.add("lr");
    lr->setObjectName(QStringLiteral("resumeLearningRate"));  // the recipe form has "lr"
    schedule_ = new QComboBox;
    schedule_->setObjectName(QStringLiteral("resumeSchedule"));
    extend_ = new QSpinBox;
    extend_->setObjectName(QStringLiteral("extendEpochs"));
    extend_->setRange(0, 500);
    extend_->setPrefix(tr("+"));
    extend_->setSuffix(tr(" epochs"));
    extend_->setSpecialValueText(tr("no"));
    resume_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Resume"));
    resume_->setToolTip(
        tr("Go on from the last finished epoch: the charts and the history "
           "continue, and the checkpoint keeps the best so far"));

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(what_, 1);
    layout->addWidget(new QLabel(tr("Learning rate")));
    layout->addWidget(lr);
    layout->addWidget(schedule_);
    layout->addWidget(new QLabel(tr("Extend by")));
    layout->addWidget(extend_);
    layout->addWidget(resume_);
    connect(resume_, &QPushButton::clicked, this, &ResumeBar::resumeRequested);
    hide();
}

QDoubleSpinBox* ResumeBar::learningRateField() const {
    return static_cast<QDoubleSpinBox*>(editors_.widget("lr"));
}

void ResumeBar::showRun(const mnist::RunRecord& run) {
    folder_ = QString::fromStdString(run.folder);
    epochs_ = run.options.epochs;
    const int done = run.history.empty() ? 0 : run.history.back().epoch;
    what_->setText(tr("<b>Paused</b> %1 after epoch %2 of %3 (best validation accuracy %4 %).")
                       .arg(QString::fromStdString(run.model).toHtmlEscaped())
                       .arg(done)
                       .arg(epochs_)
                       .arg(run.best_val_acc, 0, 'f', 2));
    what_->setToolTip(QString::fromStdString(run.folder));

    // Only these two schedules leave the learning rate to the user (core refuses the others).
    const mnist::SchedulerKind schedule = run.options.scheduler;
    const bool lr_free =
        schedule == mnist::SchedulerKind::None || schedule == mnist::SchedulerKind::ReduceOnPlateau;
    QDoubleSpinBox* lr = learningRateField();
    shown_lr_ = run.history.empty() ? run.options.lr : run.history.back().lr;
    editors_.setValue("lr", shown_lr_);
    lr->setEnabled(lr_free);
    lr->setToolTip(lr_free
                       ? tr("The learning rate from the resumed epoch on (it was %1)")
                             .arg(shown_lr_, 0, 'g', 3)
                       : tr("The %1 schedule sets the learning rate itself; only the constant and "
                            "plateau schedules take a new one")
                             .arg(scheduleLabel(schedule)));
    // The two schedules that leave the rate to the user may switch to each other (core's rule).
    schedule_kind_ = schedule;
    schedule_->clear();
    if (lr_free) {
        schedule_->addItem(tr("Constant"),
                           QString::fromLatin1(mnist::to_string(mnist::SchedulerKind::None)));
        schedule_->addItem(
            tr("Reduce on plateau"),
            QString::fromLatin1(mnist::to_string(mnist::SchedulerKind::ReduceOnPlateau)));
        schedule_->setCurrentIndex(schedule == mnist::SchedulerKind::None ? 0 : 1);
    } else {
        schedule_->addItem(scheduleLabel(schedule));
    }
    schedule_->setEnabled(lr_free);
    schedule_->setToolTip(lr_free ? tr("The schedule from the resumed epoch on: a constant rate, "
                                       "or one halved when validation loss stops falling")
                                  : tr("Only a constant or plateau schedule can be switched; "
                                       "this run follows %1")
                                        .arg(scheduleLabel(schedule)));
    // OneCycle's curve is laid out over the epochs it started with.
    const bool one_cycle = schedule == mnist::SchedulerKind::OneCycle;
    extend_->setValue(0);
    extend_->setEnabled(!one_cycle);
    extend_->setToolTip(one_cycle
                            ? tr("A OneCycle schedule is fixed to the %1 epochs it started "
                                 "with; start a new run to train longer")
                                  .arg(epochs_)
                            : tr("Train this many epochs more than the %1 planned").arg(epochs_));
    show();
}

mnist::ResumeChanges ResumeBar::changes() const {
    mnist::ResumeChanges changes;
    const QDoubleSpinBox* lr = learningRateField();
    const double value = mnist::field_number(editors_.value("lr"));
    // The field rounds to its decimals: unchanged means the value it was given, rounded.
    const double step = std::pow(10.0, -lr->decimals());
    if (lr->isEnabled() && std::abs(value - shown_lr_) > step / 2) changes.lr = value;
    if (schedule_->isEnabled()) {
        const auto chosen =
            mnist::parse_scheduler(schedule_->currentData().toString().toStdString());
        if (chosen != schedule_kind_) changes.scheduler = chosen;
    }
    if (extend_->value() > 0) changes.epochs = epochs_ + extend_->value();
    return changes;
}

}  // namespace mnist::ui
