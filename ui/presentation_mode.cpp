#include "ui/presentation_mode.h"

#include <QAction>
#include <QApplication>
#include <QChartView>
#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLayout>
#include <QMenu>
#include <QMenuBar>
#include <QScreen>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>

#include <algorithm>

#include "ui/main_window.h"
#include "ui/model_panel.h"
#include "ui/prediction_panel.h"
#include "ui/runs_charts.h"
#include "ui/runs_page.h"
#include "ui/training_charts.h"
#include "ui/training_page.h"

namespace mnist::ui {
namespace {

// Text that is already display-sized (the predicted digit) grows only up to this many times the
// desktop size: doubling a 72 pt digit would push the bars beside it off a 720 px screen.
constexpr double kDisplayCap = 3.0;

QFont scaled(QFont font, double scale, double desktop_points) {
    if (font.pointSizeF() > 0) {
        const double points = font.pointSizeF();
        const double cap = std::max(points, kDisplayCap * scale * desktop_points);
        font.setPointSizeF(std::max(scale * desktop_points, std::min(points * scale, cap)));
    } else if (font.pixelSize() > 0) {
        font.setPixelSize(static_cast<int>(font.pixelSize() * scale + 0.5));
    }
    return font;
}

// Font changes reach the layouts through posted events. They must have run before the old
// geometry is restored, or the window's minimum size, still the larger one, would clamp it.
void settleLayouts(QWidget* window) {
    // Pages of the tab widget that are not shown keep their layouts' cached sizes otherwise.
    const QList<QWidget*> all = window->findChildren<QWidget*>();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        if (QLayout* layout = (*it)->layout()) {
            layout->invalidate();
            layout->activate();
        }
    }
    for (int pass = 0; pass < 8; ++pass)
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
}

QSplitter* splitterOf(MainWindow* window) {
    return qobject_cast<QSplitter*>(window->centralWidget());
}

}  // namespace

PresentationMode::PresentationMode(MainWindow* window) : QObject(window), window_(window) {
    action_ = new QAction(window->style()->standardIcon(QStyle::SP_TitleBarMaxButton),
                          tr("&Presentation mode"), this);
    action_->setCheckable(true);
    action_->setShortcut(QKeySequence(Qt::Key_F11));
    action_->setIconText(tr("Present"));
    action_->setToolTip(
        tr("Full screen with text twice as large, for a class to read from the back (F11)"));
    connect(action_, &QAction::toggled, this, &PresentationMode::setActive);

    advanced_ = new QAction(tr("&Recipe"), this);
    advanced_->setCheckable(true);
    advanced_->setEnabled(false);
    advanced_->setToolTip(
        tr("Show the training recipe and the augmentation ranges folded away in presentation "
           "mode"));
    connect(advanced_, &QAction::toggled, this, &PresentationMode::setAdvancedShown);

    // Plain buttons without a tool bar's frame: they must fit the tab bar's height.
    buttons_ = new QWidget;
    buttons_->setObjectName(QStringLiteral("presentationButtons"));
    auto* row = new QHBoxLayout(buttons_);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(2);
    for (QAction* a : {action_, advanced_}) {
        auto* button = new QToolButton;
        button->setDefaultAction(a);
        button->setAutoRaise(true);
        button->setToolButtonStyle(a == action_ ? Qt::ToolButtonTextBesideIcon
                                                : Qt::ToolButtonTextOnly);
        row->addWidget(button);
    }

    window->installEventFilter(this);
}

double PresentationMode::fontScaleFor(const QScreen* screen) {
    const int height = screen ? screen->geometry().height() : kFullHeight;
    // With the square of the height ratio, not the ratio: the layout's fixed parts (margins,
    // the canvas, the preview) do not shrink with the text, and at 540 px logical (1920x1080 at
    // QT_SCALE_FACTOR=2) a growth of 1.5 left the window taller than the screen. 1.125 there is
    // still 2.25 times the desktop size in device pixels, more than a 1280x720 screen shows.
    const double ratio = static_cast<double>(height) / kFullHeight;
    return std::clamp(kScale * ratio * ratio, 1.0, kScale);
}

std::vector<QWidget*> PresentationMode::advancedSections() const {
    // The panel's group boxes that are not inside another one: the recipe and augmentation.
    std::vector<QWidget*> sections;
    QWidget* panel = window_->modelPanel();
    for (QGroupBox* box : panel->findChildren<QGroupBox*>()) {
        bool nested = false;
        for (QWidget* p = box->parentWidget(); p && p != panel; p = p->parentWidget())
            nested = nested || qobject_cast<QGroupBox*>(p);
        if (!nested) sections.push_back(box);
    }
    return sections;
}

void PresentationMode::setActive(bool active) {
    if (active == active_) return;
    active_ = active;
    if (active)
        enter();
    else
        leave();
    {
        const QSignalBlocker block(action_);
        action_->setChecked(active);
    }
    Q_EMIT activeChanged(active);
}

void PresentationMode::enter() {
    QSplitter* splitter = splitterOf(window_);
    geometry_ = window_->saveGeometry();
    states_ = window_->windowState();
    splitter_state_ = splitter ? splitter->saveState() : QByteArray();
    visibility_.clear();
    for (QWidget* section : advancedSections())
        visibility_.push_back({section, section->isHidden()});
    model_side_ = splitter && splitter->count() > 1 ? splitter->widget(0) : nullptr;
    tab_ = window_->tabs()->currentIndex();

    // The status bar's line would cost the canvas a row of text; messages that matter also
    // come as dialogs.
    visibility_.push_back({window_->statusBar(), window_->statusBar()->isHidden()});
    window_->statusBar()->hide();
    // The menu bar costs a row of twice-sized text too. Its actions (F11, Esc, Ctrl+1...) are
    // added to the window itself, whose shortcuts work while the menus are hidden.
    for (QMenu* menu : window_->menuBar()->findChildren<QMenu*>()) {
        for (QAction* a : menu->actions()) {
            if (!a->isSeparator() && !a->menu()) window_->addAction(a);
        }
    }
    visibility_.push_back({window_->menuBar(), window_->menuBar()->isHidden()});
    window_->menuBar()->hide();
    scaleFonts(fontScaleFor(window_->screen()));
    shrinkCharts(window_->screen());
    window_->charts()->setPresentationScale(kScale);
    window_->runsPage()->charts()->setPresentationScale(kScale);
    window_->predictionPanel()->setCompact(true);
    window_->trainingPage()->setCompact(true);

    {
        const QSignalBlocker block(advanced_);
        advanced_->setChecked(false);
    }
    advanced_->setEnabled(true);
    setAdvancedShown(false);
    // The model panel becomes a tab of its own: beside the pages it would leave the canvas
    // and the charts too little of a 1280 px screen, and on its own its table reads from afar.
    if (model_side_) {
        const int tab = window_->tabs()->addTab(model_side_, tr("Model"));
        window_->tabs()->setTabToolTip(tab, tr("The model's layers and its recipe"));
    }
    // Full screen once the layout is final: midway (larger text, the model panel still beside
    // the pages) the window's minimum outgrows a 720 px screen. Sized to the screen first:
    // without a window manager (a kiosk, Xvfb) full screen is only a request nobody answers.
    for (int pass = 0; pass < 8; ++pass)
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    if (window_->screen()) window_->setGeometry(window_->screen()->geometry());
    window_->showFullScreen();
}

void PresentationMode::leave() {
    advanced_->setEnabled(false);
    if (model_side_) {
        window_->tabs()->removeTab(window_->tabs()->indexOf(model_side_));
        splitterOf(window_)->insertWidget(0, model_side_);
        model_side_->show();
    }
    model_side_ = nullptr;
    window_->tabs()->setCurrentIndex(tab_);
    window_->charts()->setPresentationScale(1.0);
    window_->runsPage()->charts()->setPresentationScale(1.0);
    window_->predictionPanel()->setCompact(false);
    window_->trainingPage()->setCompact(false);
    // Children first: a parent's font change must not reach a child before its own is back.
    for (auto it = fonts_.rbegin(); it != fonts_.rend(); ++it) {
        if (!it->widget) continue;
        // An empty font clears the widget's own font, so it inherits again as before.
        it->widget->setFont(it->explicit_font ? it->font : QFont());
    }
    fonts_.clear();
    for (const SavedRows& r : rows_) {
        if (auto* table = qobject_cast<QTableView*>(r.table.data()))
            table->verticalHeader()->setDefaultSectionSize(r.row_height);
    }
    rows_.clear();
    for (const SavedMinimum& m : minimums_) {
        if (m.widget) m.widget->setMinimumHeight(m.height);
    }
    minimums_.clear();
    for (const SavedVisibility& v : visibility_) {
        if (v.widget) v.widget->setHidden(v.hidden);
    }
    visibility_.clear();
    settleLayouts(window_);

    if (!(states_ & Qt::WindowFullScreen)) window_->showNormal();
    window_->restoreGeometry(geometry_);  // also maximizes again a window that was
    window_->setWindowState(states_);
    // Once the window has its desktop size: on a 960 px screen the model panel's scroll area,
    // given its desktop width inside the full-screen window, resized its panel back and forth
    // without end (a stack overflow).
    if (QSplitter* splitter = splitterOf(window_)) splitter->restoreState(splitter_state_);
}

void PresentationMode::scaleFonts(double scale) {
    const double desktop = QApplication::font().pointSizeF();
    // Recorded before anything changes: a widget that inherits its font must be read before its
    // parent grows, and left to inherit.
    fonts_.clear();
    fonts_.push_back({window_, window_->font(), window_->testAttribute(Qt::WA_SetFont)});
    for (QWidget* w : window_->findChildren<QWidget*>())
        fonts_.push_back({w, w->font(), w->testAttribute(Qt::WA_SetFont)});
    for (const SavedFont& f : fonts_) {
        // A style sheet (the bars' colours, the canvas hint's grey) keeps the font its widget
        // had when polished, so those widgets are given the larger font explicitly too.
        if (f.widget == window_ || f.explicit_font || !f.widget->styleSheet().isEmpty())
            f.widget->setFont(scaled(f.font, scale, desktop));
    }
    // Rows sized for the desktop font would cut the larger text.
    for (QTableView* table : window_->findChildren<QTableView*>()) {
        QHeaderView* rows = table->verticalHeader();
        rows_.push_back({table, rows->defaultSectionSize()});
        rows->setDefaultSectionSize(
            std::max(rows->defaultSectionSize(), table->fontMetrics().height() + 6));
    }
}

void PresentationMode::shrinkCharts(const QScreen* screen) {
    minimums_.clear();
    const int height = screen ? screen->geometry().height() : kFullHeight;
    if (height >= kFullHeight) return;
    // The charts' two rows of desktop-sized minimum heights, with the controls above them, are
    // taller than a 540 px logical screen (1920x1080 at QT_SCALE_FACTOR=2); the charts shrink
    // with the screen instead, as the text does.
    for (QChartView* view : window_->findChildren<QChartView*>()) {
        minimums_.push_back({view, view->minimumHeight()});
        view->setMinimumHeight(view->minimumHeight() * height / kFullHeight);
    }
}

void PresentationMode::setAdvancedShown(bool shown) {
    for (QWidget* section : advancedSections()) section->setVisible(shown);
}

bool PresentationMode::eventFilter(QObject* watched, QEvent* event) {
    if (watched == window_ && event->type() == QEvent::Close && active_) setActive(false);
    return QObject::eventFilter(watched, event);
}

}  // namespace mnist::ui
