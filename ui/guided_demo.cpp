#include "ui/guided_demo.h"

#include <QAction>
#include <QApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>

#include "core/models/model_summary.h"
#include "core/training/recipes.h"
#include "ui/draw_predict_page.h"
#include "ui/drawing_canvas.h"
#include "ui/main_window.h"
#include "ui/model_panel.h"
#include "ui/number_format.h"
#include "ui/prediction_panel.h"
#include "ui/training_controller.h"
#include "ui/training_page.h"

namespace mnist::ui {

GuidedDemo::GuidedDemo(MainWindow* window) : QObject(window), window_(window) {
    action_ = new QAction(tr("Guided &demo"), this);
    action_->setToolTip(
        tr("Step through the model, a quick training run, drawing and a mistake with the arrow "
           "keys or a presenter remote (F12)"));
    // A key of its own: in presentation mode the menu bar is hidden.
    action_->setShortcut(QKeySequence(Qt::Key_F12));
    connect(action_, &QAction::triggered, this, &GuidedDemo::start);

    QStyle* style = window->style();
    bar_ = new QToolBar(tr("Guided demo"), window);
    bar_->setObjectName(QStringLiteral("guidedDemoBar"));
    bar_->setMovable(false);
    bar_->setFloatable(false);
    bar_->toggleViewAction()->setVisible(false);  // not in the window's tool bar menu
    bar_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    counter_ = new QLabel;
    QFont counter_font = counter_->font();
    counter_font.setBold(true);
    counter_->setFont(counter_font);
    counter_->setContentsMargins(6, 0, 10, 0);
    caption_ = new QLabel;
    caption_->setTextFormat(Qt::PlainText);
    caption_->setWordWrap(true);
    QFont caption_font = caption_->font();
    caption_font.setBold(true);
    caption_->setFont(caption_font);
    note_ = new QLabel;
    note_->setTextFormat(Qt::PlainText);
    note_->setWordWrap(true);
    QFont note_font = note_->font();
    note_font.setItalic(true);
    note_->setFont(note_font);
    // Wrapped labels ask for no width of their own (a tool bar would otherwise take the whole
    // caption's width as its minimum) and get their height for the width they are given.
    for (QLabel* label : {caption_, note_})
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Minimum);
    auto* text = text_ = new QWidget;
    text->installEventFilter(this);
    auto* text_layout = new QVBoxLayout(text);
    text_layout->setContentsMargins(0, 2, 0, 2);
    text_layout->setSpacing(0);
    text_layout->addWidget(caption_);
    text_layout->addWidget(note_);
    text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);

    back_ = new QAction(style->standardIcon(QStyle::SP_ArrowBack), tr("Back"), this);
    back_->setToolTip(tr("The previous step (Left arrow or PageUp)"));
    connect(back_, &QAction::triggered, this, &GuidedDemo::previous);
    forward_ = new QAction(style->standardIcon(QStyle::SP_ArrowForward), tr("Next"), this);
    forward_->setToolTip(tr("The next step (Right arrow or PageDown)"));
    connect(forward_, &QAction::triggered, this, &GuidedDemo::next);
    auto* end = end_ =
        new QAction(style->standardIcon(QStyle::SP_DialogCloseButton), tr("End"), this);
    end->setToolTip(tr("End the guided demo"));
    connect(end, &QAction::triggered, this, &GuidedDemo::stop);

    bar_->addWidget(counter_);
    bar_->addWidget(text);
    bar_->addAction(back_);
    bar_->addAction(forward_);
    bar_->addAction(end);
    window->addToolBar(Qt::BottomToolBarArea, bar_);
    bar_->hide();

    connect(&mistake_watcher_, &QFutureWatcher<MistakeSearch>::finished, this,
            &GuidedDemo::onMistakeSearched);
    window->installEventFilter(this);
}

GuidedDemo::~GuidedDemo() {
    cancel_search_ = true;
    mistake_watcher_.waitForFinished();
}

QString GuidedDemo::caption() const {
    return caption_->text();
}

QString GuidedDemo::note() const {
    return note_->text();
}

QString GuidedDemo::captionKey(Step step) {
    switch (step) {
        case Step::Layers:
            return QStringLiteral("layers");
        case Step::Training:
            return QStringLiteral("training");
        case Step::Draw:
            return QStringLiteral("draw");
        case Step::Inside:
            return QStringLiteral("inside");
        case Step::Mistake:
            return QStringLiteral("mistake");
    }
    return {};
}

QWidget* GuidedDemo::insidePage() const {
    // Looked up by class name: the demo runs with or without the Inside tab.
    QTabWidget* tabs = window_->tabs();
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->widget(i)->inherits("mnist::ui::InsidePage")) return tabs->widget(i);
    }
    return nullptr;
}

void GuidedDemo::start() {
    caption_problems_.clear();
    captions_ = DemoCaptions::loadDefault(&caption_problems_);
    if (!caption_problems_.isEmpty()) {
        window_->statusBar()->showMessage(
            tr("Demo captions: %1").arg(caption_problems_.join(QStringLiteral("; "))));
    }
    planSteps();
    cancel_search_ = true;  // a search still running belongs to an earlier run
    mistake_done_ = false;
    mistake_ = {};
    mistake_error_.clear();
    trained_ = false;
    if (!running_) {
        running_ = true;
        qApp->installEventFilter(this);
        Q_EMIT runningChanged(true);
    }
    bar_->show();
    index_ = 0;
    enterStep();
}

void GuidedDemo::stop() {
    if (!running_) return;
    running_ = false;
    qApp->removeEventFilter(this);
    cancel_search_ = true;
    bar_->hide();
    index_ = -1;
    restoreRecipe();
    Q_EMIT runningChanged(false);
}

bool GuidedDemo::next() {
    if (!running_ || index_ + 1 >= steps_.size()) return false;
    ++index_;
    enterStep();
    return true;
}

bool GuidedDemo::previous() {
    if (!running_ || index_ <= 0) return false;
    --index_;
    enterStep();
    return true;
}

void GuidedDemo::planSteps() {
    const bool data = !window_->dataDir().isEmpty();
    const bool model = window_->predictionPanel()->hasModel();
    struct Plan {
        Step step;
        bool available;
        QString skipped;  // the note's caption key when it is left out
    };
    const QList<Plan> plan = {
        {Step::Layers, true, {}},
        {Step::Training, data, QStringLiteral("training_skipped")},
        {Step::Draw, true, {}},
        {Step::Inside, insidePage() != nullptr, {}},  // no note: the app has no such view
        {Step::Mistake, data && model, QStringLiteral("mistake_skipped")},
    };
    steps_.clear();
    notes_.clear();
    // A skipped step's note shows on the step that takes its place, or on the last one.
    QStringList pending;
    for (const Plan& p : plan) {
        if (!p.available) {
            if (!p.skipped.isEmpty()) pending << captions_.text(p.skipped);
            continue;
        }
        notes_[steps_.size()] = pending;
        pending.clear();
        steps_ << p.step;
    }
    if (!pending.isEmpty()) notes_[steps_.size() - 1] += pending;

    const QString name = window_->modelPanel()->currentModel();
    values_.clear();
    values_.insert(QStringLiteral("model"), name);
    try {
        const mnist::ModelSummary summary = mnist::summarize_model(name.toStdString());
        values_.insert(QStringLiteral("layers"), QString::number(summary.layers.size()));
        values_.insert(QStringLiteral("params"), groupThousands(summary.total_params));
        values_.insert(
            QStringLiteral("epochs"),
            QString::number(mnist::recommended_options(name.toStdString(), "fast").epochs));
    } catch (const std::exception& e) {
        window_->statusBar()->showMessage(tr("Demo: %1").arg(QString::fromStdString(e.what())));
    }
}

void GuidedDemo::enterStep() {
    QTabWidget* tabs = window_->tabs();
    switch (currentStep()) {
        case Step::Layers:
            // Presentation mode shows the model panel as a tab of its own.
            tabs->setCurrentWidget(window_->trainingPage());
            for (int i = 0; i < tabs->count(); ++i) {
                if (tabs->widget(i)->isAncestorOf(window_->modelPanel())) tabs->setCurrentIndex(i);
            }
            window_->modelPanel()->summaryTable()->scrollToTop();
            break;
        case Step::Training:
            tabs->setCurrentWidget(window_->trainingPage());
            startTraining();
            break;
        case Step::Draw:
            tabs->setCurrentWidget(window_->drawPage());
            window_->canvas()->clear();
            window_->canvas()->setFocus();
            break;
        case Step::Inside:
            if (QWidget* inside = insidePage()) tabs->setCurrentWidget(inside);
            break;
        case Step::Mistake:
            tabs->setCurrentWidget(window_->drawPage());
            if (mistake_done_)
                showMistake();
            else
                searchForMistake();
            break;
    }
    showText();
    back_->setEnabled(index_ > 0);
    forward_->setEnabled(index_ + 1 < steps_.size());
    Q_EMIT stepChanged(index_);
}

void GuidedDemo::showText() {
    counter_->setText(QStringLiteral("%1 / %2").arg(index_ + 1).arg(steps_.size()));
    QString key = captionKey(currentStep());
    QHash<QString, QString> values = values_;
    if (currentStep() == Step::Mistake) {
        if (!mistake_done_) {
            key = QStringLiteral("mistake_searching");
        } else if (!mistake_error_.isEmpty()) {
            key = QStringLiteral("mistake_skipped");
        } else if (!mistake_.found) {
            key = QStringLiteral("mistake_none");
            values.insert(QStringLiteral("scanned"), groupThousands(mistake_.scanned));
        } else {
            values.insert(QStringLiteral("label"), QString::number(mistake_.label));
            values.insert(QStringLiteral("predicted"), QString::number(mistake_.predicted));
            values.insert(QStringLiteral("confidence"),
                          QString::number(mistake_.confidence * 100.0, 'f', 1));
        }
    }
    caption_->setText(captions_.text(key, values));
    QStringList notes = notes_.value(index_);
    if (currentStep() == Step::Mistake && !mistake_error_.isEmpty()) notes << mistake_error_;
    note_->setText(notes.join(QLatin1Char(' ')));
    note_->setVisible(!note_->text().isEmpty());
    fitText();
}

void GuidedDemo::startTraining() {
    if (trained_ || window_->trainingController()->isRunning()) return;
    trained_ = true;
    ModelPanel* panel = window_->modelPanel();
    saved_recipe_ = std::make_unique<mnist::TrainOptions>(panel->options());
    panel->useQuickDemo();
    if (!window_->startTraining()) restoreRecipe();
}

void GuidedDemo::restoreRecipe() {
    if (!saved_recipe_) return;
    TrainingController* controller = window_->trainingController();
    if (controller->isRunning()) {
        // The recipe cannot change under a running training: put it back when the run ends.
        auto once = std::make_shared<QMetaObject::Connection>();
        *once =
            connect(controller, &TrainingController::runningChanged, this, [this, once](bool r) {
                if (r) return;
                disconnect(*once);
                if (!running_) restoreRecipe();
            });
        return;
    }
    ModelPanel* panel = window_->modelPanel();
    if (panel->currentModel().toStdString() == saved_recipe_->model)
        panel->setOptions(*saved_recipe_);
    saved_recipe_.reset();
}

void GuidedDemo::searchForMistake() {
    if (mistake_watcher_.isRunning()) return;
    cancel_search_ = false;
    const QString data = window_->dataDir();
    const QString checkpoint = window_->predictionPanel()->checkpointPath();
    mistake_watcher_.setFuture(QtConcurrent::run([this, data, checkpoint] {
        MistakeSearch search;
        try {
            search.mistake = findTestSetMistake(data, checkpoint, kMistakeSearch, &cancel_search_);
        } catch (const std::exception& e) {
            search.error = QString::fromStdString(e.what());
        }
        return search;
    }));
}

void GuidedDemo::onMistakeSearched() {
    const MistakeSearch search = mistake_watcher_.result();
    if (!running_) return;
    if (cancel_search_) {
        // A search of an earlier run: this run's starts now if it is waiting for one.
        if (currentStep() == Step::Mistake && !mistake_done_) searchForMistake();
        return;
    }
    mistake_ = search.mistake;
    mistake_error_ = search.error;
    mistake_done_ = true;
    if (currentStep() == Step::Mistake) {
        showMistake();
        showText();
    }
}

void GuidedDemo::showMistake() {
    if (mistake_.found) {
        // Nearest-neighbour, so the class sees MNIST's own 28x28 pixels; the panel reads the
        // 28x28 digit itself, as the search did, and so shows the same wrong answer.
        window_->canvas()->setPicture(
            mistake_.image.scaled(DrawingCanvas::kImageSide, DrawingCanvas::kImageSide,
                                  Qt::IgnoreAspectRatio, Qt::FastTransformation));
        window_->predictionPanel()->predictImage(mistake_.image);
    }
    Q_EMIT mistakeShown();
}

void GuidedDemo::fitText() {
    // A tool bar gives each widget its size hint, never more: the text asks for the window's
    // width less the counter and the buttons, and for the height its lines need at that width.
    int others = counter_->sizeHint().width() + 48;  // margins, spacing and the bar's handle
    for (QAction* a : {back_, forward_, end_}) {
        if (QWidget* button = bar_->widgetForAction(a)) others += button->sizeHint().width();
    }
    const int width = std::max(120, window_->width() - others);
    if (text_->minimumWidth() != width) text_->setFixedWidth(width);
    // A wrapped label's own size hint assumes some narrower width and would make the bar tall.
    int total =
        text_->layout()->contentsMargins().top() + text_->layout()->contentsMargins().bottom();
    for (QLabel* label : {caption_, note_}) {
        const int height = label->text().isEmpty() ? 0 : label->heightForWidth(width);
        if (label->minimumHeight() != height) label->setMinimumHeight(height);
        if (!label->isHidden()) total += height;
    }
    if (text_->height() != total || text_->minimumHeight() != total) text_->setFixedHeight(total);
}

bool GuidedDemo::eventFilter(QObject* watched, QEvent* event) {
    if ((watched == window_ && event->type() == QEvent::Resize) ||
        (watched == text_ && event->type() == QEvent::FontChange)) {
        fitText();
    }
    // Ended before the window saves its layout, so the bar is not remembered as shown.
    if (watched == window_ && event->type() == QEvent::Close) stop();
    if (event->type() != QEvent::KeyPress || !running_) return QObject::eventFilter(watched, event);
    auto* widget = qobject_cast<QWidget*>(watched);
    // Only keys typed in the main window: a dialog on top keeps its arrow keys.
    if (!widget || widget->window() != window_) return QObject::eventFilter(watched, event);
    const auto* key = static_cast<QKeyEvent*>(event);
    if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))
        return QObject::eventFilter(watched, event);
    switch (key->key()) {
        case Qt::Key_Right:
        case Qt::Key_PageDown:
            if (!key->isAutoRepeat()) next();
            return true;
        case Qt::Key_Left:
        case Qt::Key_PageUp:
            if (!key->isAutoRepeat()) previous();
            return true;
        default:
            return QObject::eventFilter(watched, event);
    }
}

}  // namespace mnist::ui
