#pragma once
// Random numbers that a seed fixes on every standard library: the engine's output is fixed by the
// standard, std's distributions are not, so the conversions are our own. The drawn-digit and
// photo generators draw from this, so a seed rebuilds a set exactly.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "core/math_constants.h"

namespace mnist {

class SeededRandom {
  public:
    explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    int uniform_int(int lo, int hi) {  // both ends included
        return std::min(hi, lo + static_cast<int>(uniform() * (hi - lo + 1)));
    }
    // Box-Muller.
    double normal() {
        const double u = 1.0 - uniform();  // (0, 1], so the log is finite
        return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * kPi * uniform());
    }

  private:
    std::mt19937_64 engine_;
};

// SplitMix64's finaliser: nearby seeds and indices give unrelated streams.
inline std::uint64_t mix_seed(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace mnist
