#pragma once
// The one home of π in the engine (C++17 has no std::numbers).
namespace mnist {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kRadiansPerDegree = kPi / 180.0;

}  // namespace mnist
