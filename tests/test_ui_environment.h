#pragma once
// Shared set-up for the widget tests: settings, checkpoints and app data go to throw-away places
// so a test never reads or overwrites what a real mnist-studio user has.
#include <QCoreApplication>
#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace mnist::ui::testing {

// Call from initTestCase(); keep the returned directory alive for the whole test.
inline void isolateApplicationState(const QTemporaryDir& settings_dir) {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("MNIST Studio Tests"));
    QCoreApplication::setApplicationName(QStringLiteral("mnist-studio-test"));
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir.path());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings_dir.path());
    QSettings().clear();
    // Leftover checkpoints in the (test-mode) app data folder would change which model loads.
    QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
}

}  // namespace mnist::ui::testing
