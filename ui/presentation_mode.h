#pragma once
// Presentation mode (View > Presentation mode, F11): the window as a class sees it from the back
// of the room. Full screen; every font and the charts' text at least twice the desktop size;
// thicker chart lines and larger markers; the model panel a tab of its own ("Model"), so the
// canvas and the charts get the whole screen; the recipe and augmentation sections folded away
// behind one button. Leaving it puts back exactly the layout it found: window geometry and
// state, splitter, fonts, row heights and which sections were shown.
#include <QByteArray>
#include <QFont>
#include <QObject>
#include <QPointer>
#include <QSize>

#include <vector>

class QAction;
class QScreen;
class QWidget;

namespace mnist::ui {

class MainWindow;

class PresentationMode : public QObject {
    Q_OBJECT
  public:
    // Text grows by this factor on a screen at least kFullHeight logical pixels high.
    static constexpr double kScale = 2.0;
    static constexpr int kFullHeight = 720;

    explicit PresentationMode(MainWindow* window);

    // View > Presentation mode: checkable, F11.
    QAction* action() const { return action_; }
    // Shows or folds the recipe and augmentation sections; enabled only in presentation mode.
    QAction* advancedAction() const { return advanced_; }
    // Tool buttons for the two actions, for the corner of the tab bar.
    QWidget* buttons() const { return buttons_; }
    bool isActive() const { return active_; }
    // The factor fonts grow by on `screen`. kScale where the logical screen is at least
    // kFullHeight high; less on smaller logical screens (a high QT_SCALE_FACTOR on a small
    // screen), where the scale factor has already enlarged the text in device pixels: by the
    // square of the height ratio, 1.125 at 540 px, so that the layout fits.
    static double fontScaleFor(const QScreen* screen);
    // The model panel's sections that presentation mode folds away (the recipe, augmentation).
    std::vector<QWidget*> advancedSections() const;

  public Q_SLOTS:
    void setActive(bool active);

  Q_SIGNALS:
    void activeChanged(bool active);

  protected:
    // Leaves presentation mode before the window saves its layout on close.
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    struct SavedFont {
        QPointer<QWidget> widget;
        QFont font;
        bool explicit_font = false;
    };
    struct SavedVisibility {
        QPointer<QWidget> widget;
        bool hidden = false;
    };
    struct SavedRows {
        QPointer<QWidget> table;
        int row_height = 0;
    };
    struct SavedMinimum {
        QPointer<QWidget> widget;
        int height = 0;
    };

    void enter();
    void leave();
    void scaleFonts(double scale);
    void shrinkCharts(const QScreen* screen);
    void setAdvancedShown(bool shown);

    MainWindow* window_;
    QAction* action_ = nullptr;
    QAction* advanced_ = nullptr;
    QWidget* buttons_ = nullptr;
    bool active_ = false;

    // What enter() found, for leave() to put back.
    QByteArray geometry_;
    Qt::WindowStates states_;
    QByteArray splitter_state_;
    std::vector<SavedVisibility> visibility_;
    std::vector<SavedFont> fonts_;
    std::vector<SavedRows> rows_;
    std::vector<SavedMinimum> minimums_;
    QPointer<QWidget> model_side_;  // the splitter's left side, a tab while presenting
    int tab_ = 0;                   // the page shown when presentation mode began
};

}  // namespace mnist::ui
