#pragma once
// The guided demo's captions: one text file of "step = caption" lines that a teacher can edit.
// The built-in file is compiled into the app (resources/demo_captions.txt); a copy in the app's
// config folder overrides it line by line.
#include <QHash>
#include <QString>
#include <QStringList>

namespace mnist::ui {

class DemoCaptions {
  public:
    // Every caption the demo shows, in step order.
    static const QStringList& keys();
    // The built-in file, in the app's resources.
    static QString builtInPath();
    // Where a teacher's own file goes: <config folder>/demo_captions.txt.
    static QString overridePath();
    // The built-in captions with the teacher's file (when there is one) on top. Problems with
    // either file are appended to *problems, each naming the file and line; good lines still count.
    static DemoCaptions loadDefault(QStringList* problems = nullptr);

    // Reads `path` on top of what is already held. Blank lines and lines starting with '#' are
    // ignored. A missing file, a line without '=', an unknown step, an empty caption or an
    // unknown {placeholder} is a problem ("FILE:LINE: what is wrong"); returns false if any.
    bool load(const QString& path, QStringList* problems = nullptr);

    bool contains(const QString& key) const { return captions_.contains(key); }
    QString raw(const QString& key) const { return captions_.value(key); }
    // The caption with its {placeholders} replaced by `values`.
    QString text(const QString& key, const QHash<QString, QString>& values = {}) const;

  private:
    QHash<QString, QString> captions_;
};

}  // namespace mnist::ui
