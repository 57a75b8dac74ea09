// mnist-studio: the desktop app. All of it lives in ui/; this only sets up the application.
#include <QApplication>
#include <QIcon>

#include "core/version.h"
#include "ui/main_window.h"

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    // These name the QSettings file and the app data folder where checkpoints go.
    QApplication::setOrganizationName(QStringLiteral("MNIST Studio"));
    QApplication::setApplicationName(QStringLiteral("mnist-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("MNIST Studio"));
    QApplication::setApplicationVersion(QString::fromLatin1(mnist::kAppVersion));
    QApplication::setDesktopFileName(QStringLiteral("mnist-studio"));
    // The PNG covers Qt installs without the SVG image plugin.
    QIcon icon(QStringLiteral(":/icons/mnist-studio.png"));
    icon.addFile(QStringLiteral(":/icons/mnist-studio.svg"));
    QApplication::setWindowIcon(icon);

    mnist::ui::MainWindow window;
    window.show();
    return app.exec();
}
