#pragma once
// mnist-cli run as a user runs it, for the tests of its commands: exit code, stdout, stderr.
#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace test_support {

struct CliRun {
    int code = -1;  // -1: it crashed or ran past five minutes
    QByteArray out;
    QString err;
};

inline CliRun cli(const QStringList& args) {
    QProcess p;
    p.start(MNIST_BINARY_DIR "/app/mnist-cli", args);
    if (!p.waitForFinished(300000)) return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace test_support
