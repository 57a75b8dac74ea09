// mnist-studio: the desktop app. All of it lives in ui/; this only sets up the application.
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>

#include "core/version.h"
#include "ui/main_window.h"

namespace {

// --limit-train N / --limit-test N, as in mnist-cli: a quick demonstration run (the README's
// screenshots) trains on the first N images only. 0 or absent means all of them.
bool readLimit(const QCommandLineParser& parser, const QCommandLineOption& option,
               qlonglong* limit) {
    if (!parser.isSet(option)) return true;
    bool ok = false;
    *limit = parser.value(option).toLongLong(&ok);
    if (ok && *limit >= 0) return true;
    std::fprintf(stderr, "mnist-studio: --%s wants a whole number of images, not \"%s\"\n",
                 qPrintable(option.names().first()), qPrintable(parser.value(option)));
    return false;
}

}  // namespace

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

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Train small CNNs on MNIST live and draw digits for them to read."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption limit_train(QStringLiteral("limit-train"),
                                         QStringLiteral("Train on the first N images only."),
                                         QStringLiteral("N"));
    const QCommandLineOption limit_test(QStringLiteral("limit-test"),
                                        QStringLiteral("Validate on the first N images only."),
                                        QStringLiteral("N"));
    parser.addOption(limit_train);
    parser.addOption(limit_test);
    parser.process(app);
    qlonglong train_images = 0, test_images = 0;
    if (!readLimit(parser, limit_train, &train_images) ||
        !readLimit(parser, limit_test, &test_images)) {
        return 2;
    }

    mnist::ui::MainWindow window;
    window.setDataLimits(train_images, test_images);
    window.show();
    return app.exec();
}
