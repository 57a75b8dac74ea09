#pragma once
// How the app writes numbers: one spelling everywhere ("26,698 parameters", "4,310 img/s").
#include <QLocale>
#include <QString>

#include <cmath>
#include <cstdint>

// 26698 -> "26,698", whatever the system locale (the summary is compared against the seed's).
inline QString groupThousands(std::int64_t n) {
    return QLocale(QLocale::English, QLocale::UnitedStates).toString(static_cast<qlonglong>(n));
}
inline QString groupThousands(double n) { return groupThousands(static_cast<std::int64_t>(std::llround(n))); }
