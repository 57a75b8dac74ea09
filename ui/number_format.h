#pragma once
// How the app writes numbers: one spelling everywhere ("26,698 parameters", "4,310 img/s").
#include <QLocale>
#include <QString>

#include <cmath>
#include <type_traits>

// 26698 -> "26,698", whatever the system locale (the summary is compared against the seed's).
template <typename Int, std::enable_if_t<std::is_integral_v<Int>, int> = 0>
QString groupThousands(Int n) {
    return QLocale(QLocale::English, QLocale::UnitedStates).toString(static_cast<qlonglong>(n));
}
// Rounded to the nearest whole number first (img/s).
inline QString groupThousands(double n) {
    return groupThousands(std::llround(n));
}
