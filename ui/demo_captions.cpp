#include "ui/demo_captions.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTextStream>

namespace mnist::ui {
namespace {

const QStringList& placeholders() {
    static const QStringList names = {QStringLiteral("model"),      QStringLiteral("layers"),
                                      QStringLiteral("params"),     QStringLiteral("epochs"),
                                      QStringLiteral("label"),      QStringLiteral("predicted"),
                                      QStringLiteral("confidence"), QStringLiteral("scanned")};
    return names;
}

const QRegularExpression& placeholderPattern() {
    static const QRegularExpression pattern(QStringLiteral("\\{([^{}]*)\\}"));
    return pattern;
}

}  // namespace

const QStringList& DemoCaptions::keys() {
    static const QStringList names = {QStringLiteral("layers"),
                                      QStringLiteral("training"),
                                      QStringLiteral("training_skipped"),
                                      QStringLiteral("draw"),
                                      QStringLiteral("inside"),
                                      QStringLiteral("mistake"),
                                      QStringLiteral("mistake_searching"),
                                      QStringLiteral("mistake_none"),
                                      QStringLiteral("mistake_skipped")};
    return names;
}

QString DemoCaptions::builtInPath() {
    return QStringLiteral(":/demo/demo_captions.txt");
}

QString DemoCaptions::overridePath() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
        .filePath(QStringLiteral("demo_captions.txt"));
}

DemoCaptions DemoCaptions::loadDefault(QStringList* problems) {
    DemoCaptions captions;
    captions.load(builtInPath(), problems);
    if (QFile::exists(overridePath())) captions.load(overridePath(), problems);
    return captions;
}

bool DemoCaptions::load(const QString& path, QStringList* problems) {
    const QString where = QDir::toNativeSeparators(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        if (problems)
            problems->append(QStringLiteral("%1: cannot read: %2").arg(where, file.errorString()));
        return false;
    }
    QTextStream in(&file);
    in.setEncoding(QStringConverter::Utf8);
    bool ok = true;
    auto problem = [&](int line, const QString& what) {
        ok = false;
        if (problems) problems->append(QStringLiteral("%1:%2: %3").arg(where).arg(line).arg(what));
    };
    for (int number = 1; !in.atEnd(); ++number) {
        const QString line = in.readLine().trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq < 0) {
            problem(number, QStringLiteral("expected \"step = caption\", got \"%1\"").arg(line));
            continue;
        }
        const QString key = line.left(eq).trimmed();
        const QString caption = line.mid(eq + 1).trimmed();
        if (!keys().contains(key)) {
            problem(number, QStringLiteral("unknown step \"%1\" (known: %2)")
                                .arg(key, keys().join(QStringLiteral(", "))));
            continue;
        }
        if (caption.isEmpty()) {
            problem(number, QStringLiteral("the caption of \"%1\" is empty").arg(key));
            continue;
        }
        bool known = true;
        for (auto it = placeholderPattern().globalMatch(caption); it.hasNext();) {
            const QString name = it.next().captured(1);
            if (!placeholders().contains(name)) {
                problem(number, QStringLiteral("unknown placeholder {%1} (known: {%2})")
                                    .arg(name, placeholders().join(QStringLiteral("} {"))));
                known = false;
            }
        }
        if (known) captions_.insert(key, caption);
    }
    return ok;
}

QString DemoCaptions::text(const QString& key, const QHash<QString, QString>& values) const {
    QString caption = captions_.value(key);
    for (auto it = values.begin(); it != values.end(); ++it)
        caption.replace(QLatin1Char('{') + it.key() + QLatin1Char('}'), it.value());
    return caption;
}

}  // namespace mnist::ui
