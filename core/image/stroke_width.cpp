#include "core/image/stroke_width.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

namespace mnist {

namespace {

// One line of Felzenszwalb and Huttenlocher's distance transform: d[q] = min_p (q-p)^2 + f[p].
// v and z are scratch of n and n + 1 entries.
void squared_distance_1d(const double* f, double* d, int n, int* v, double* z) {
    int k = 0;
    v[0] = 0;
    z[0] = -HUGE_VAL;
    z[1] = HUGE_VAL;
    for (int q = 1; q < n; ++q) {
        double s = 0.0;
        for (;;) {
            const int p = v[k];
            s = ((f[q] + static_cast<double>(q) * q) - (f[p] + static_cast<double>(p) * p)) /
                (2.0 * (q - p));
            if (s > z[k]) break;
            --k;
        }
        ++k;
        v[k] = q;
        z[k] = s;
        z[k + 1] = HUGE_VAL;
    }
    k = 0;
    for (int q = 0; q < n; ++q) {
        while (z[k + 1] < q) ++k;
        d[q] = static_cast<double>(q - v[k]) * (q - v[k]) + f[v[k]];
    }
}

// Euclidean distance in pixels from every pixel to the nearest non-zero one of `sites`
// (farther than the image is wide when there is none).
std::vector<float> distance_to(const std::vector<std::uint8_t>& sites, int w, int h) {
    // Farther than any two pixels are apart, and exact in a double.
    const double far = 4.0 * (static_cast<double>(w) * w + static_cast<double>(h) * h) + 1.0;
    std::vector<double> field(sites.size());
    for (std::size_t i = 0; i < sites.size(); ++i) field[i] = sites[i] ? 0.0 : far;
    const int n = std::max(w, h);
    std::vector<double> in(static_cast<std::size_t>(n)), out(static_cast<std::size_t>(n));
    std::vector<double> z(static_cast<std::size_t>(n) + 1);
    std::vector<int> v(static_cast<std::size_t>(n));
    for (int x = 0; x < w; ++x) {
        for (int y = 0; y < h; ++y) in[y] = field[static_cast<std::size_t>(y) * w + x];
        squared_distance_1d(in.data(), out.data(), h, v.data(), z.data());
        for (int y = 0; y < h; ++y) field[static_cast<std::size_t>(y) * w + x] = out[y];
    }
    std::vector<float> distance(sites.size());
    for (int y = 0; y < h; ++y) {
        const std::size_t row = static_cast<std::size_t>(y) * w;
        squared_distance_1d(&field[row], out.data(), w, v.data(), z.data());
        for (int x = 0; x < w; ++x) distance[row + x] = static_cast<float>(std::sqrt(out[x]));
    }
    return distance;
}

// Zhang and Suen's thinning: peels the ink down to a one-pixel-wide skeleton with the same
// connections (no stroke breaks, no loop opens). The image's border must be paper.
std::vector<std::uint8_t> skeleton_of(std::vector<std::uint8_t> ink, int w, int h) {
    std::vector<std::size_t> peel;
    for (bool changed = true; changed;) {
        changed = false;
        for (int pass = 0; pass < 2; ++pass) {
            peel.clear();
            for (int y = 1; y + 1 < h; ++y)
                for (int x = 1; x + 1 < w; ++x) {
                    const std::size_t i = static_cast<std::size_t>(y) * w + x;
                    if (!ink[i]) continue;
                    // Neighbours clockwise from north.
                    const std::array<int, 8> n = {ink[i - w],     ink[i - w + 1], ink[i + 1],
                                                  ink[i + w + 1], ink[i + w],     ink[i + w - 1],
                                                  ink[i - 1],     ink[i - w - 1]};
                    int count = 0, rises = 0;
                    for (int k = 0; k < 8; ++k) {
                        count += n[k];
                        rises += !n[k] && n[(k + 1) % 8];
                    }
                    if (count < 2 || count > 6 || rises != 1) continue;
                    const bool peelable = pass == 0
                                              ? !(n[0] && n[2] && n[4]) && !(n[2] && n[4] && n[6])
                                              : !(n[0] && n[2] && n[6]) && !(n[0] && n[4] && n[6]);
                    if (peelable) peel.push_back(i);
                }
            for (std::size_t i : peel) ink[i] = 0;
            changed = changed || !peel.empty();
        }
    }
    return ink;
}

}  // namespace

StrokeShape::StrokeShape(const std::vector<std::uint8_t>& ink, int width, int height)
    : width_(std::max(0, width)), height_(std::max(0, height)) {
    const std::size_t pixels = static_cast<std::size_t>(width_) * height_;
    if (pixels == 0 || ink.size() < pixels) {
        width_ = height_ = 0;
        return;
    }
    // Work on a copy with a one-pixel paper frame: outside the image is paper, and the thinning
    // needs every ink pixel to have eight neighbours.
    const int w = width_ + 2, h = height_ + 2;
    std::vector<std::uint8_t> framed(static_cast<std::size_t>(w) * h, 0);
    for (int y = 0; y < height_; ++y)
        for (int x = 0; x < width_; ++x)
            framed[static_cast<std::size_t>(y + 1) * w + x + 1] =
                ink[static_cast<std::size_t>(y) * width_ + x] != 0;
    std::vector<std::uint8_t> paper(framed.size());
    for (std::size_t i = 0; i < framed.size(); ++i) paper[i] = !framed[i];
    const std::vector<float> to_paper = distance_to(paper, w, h);
    const std::vector<float> to_ink = distance_to(framed, w, h);
    const std::vector<std::uint8_t> skeleton = skeleton_of(framed, w, h);
    const std::vector<float> to_skeleton = distance_to(skeleton, w, h);

    edge_distance_.resize(pixels);
    skeleton_distance_.resize(pixels);
    std::vector<float> half_widths;
    for (int y = 0; y < height_; ++y)
        for (int x = 0; x < width_; ++x) {
            const std::size_t f = static_cast<std::size_t>(y + 1) * w + x + 1;
            const std::size_t i = static_cast<std::size_t>(y) * width_ + x;
            // Between pixel centres: the edge lies half a pixel beyond the last ink pixel.
            edge_distance_[i] = framed[f] ? -(to_paper[f] - 0.5f) : to_ink[f] - 0.5f;
            skeleton_distance_[i] = to_skeleton[f];
            if (!skeleton[f]) continue;
            // On a slanted stroke the skeleton steps off the exact middle by a pixel here and
            // there; the deepest point next to it is the middle.
            float deepest = 0.0f;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx)
                    if (framed[f + dy * w + dx])
                        deepest = std::max(deepest, to_paper[f + dy * w + dx]);
            half_widths.push_back(deepest - 0.5f);
        }
    skeleton_pixels_ = static_cast<int>(half_widths.size());
    if (half_widths.empty()) return;
    auto middle = half_widths.begin() + static_cast<std::ptrdiff_t>(half_widths.size() / 2);
    std::nth_element(half_widths.begin(), middle, half_widths.end());
    stroke_width_ = 2.0 * *middle;
}

std::vector<float> StrokeShape::redrawn(double new_width) const {
    const double half_change = (new_width - stroke_width_) / 2.0;
    std::vector<float> distance(edge_distance_.size());
    for (std::size_t i = 0; i < distance.size(); ++i) {
        const double edge = edge_distance_[i];
        const double thinnest = std::max(edge, skeleton_distance_[i] - new_width / 2.0);
        distance[i] = static_cast<float>(std::min(edge - half_change, thinnest));
    }
    return distance;
}

}  // namespace mnist
