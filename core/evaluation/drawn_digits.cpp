#include "core/evaluation/drawn_digits.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <utility>

#include "core/data/mnist_dataset.h"
#include "core/errors.h"
#include "core/image/gaussian_blur.h"
#include "core/image/stroke_width.h"
#include "core/inference/digit_preprocess.h"
#include "core/inference/ensemble.h"
#include "core/inference/predictor.h"
#include "core/math_constants.h"
#include "core/seeded_random.h"

namespace mnist {

// Where a drawn digit starts: its own random stream, the frame, the digit's size and the pen.
struct DigitStart {
    SeededRandom rng;
    int width = 0, height = 0;  // the canvas or frame
    double height_share = 0.0;  // the digit's longer side over the frame's shorter side
    double pen_width = 0.0;     // px of the 20 px box
};

namespace {

// The digit is re-drawn at 8x MNIST's resolution: a stroke's edge is placed to 1/8 px, and the
// 224x224 grid costs a millisecond or two.
constexpr int kUpscale = 8;
constexpr int kGridSide = kImageSide * kUpscale;
constexpr std::size_t kGridPixels = static_cast<std::size_t>(kGridSide) * kGridSide;
// Where the smoothly upscaled grey digit is cut into ink, as a fraction of its strongest pixel:
// the middle of MNIST's anti-aliased stroke edges.
constexpr float kInkThreshold = 0.5f;
// The box MNIST fits each digit's longer side into, the unit of DrawnDigit::stroke_width.
constexpr double kMnistDigitBox = 20.0;

// PyTorch's bicubic kernel (a = -0.75).
float cubic(float x) {
    constexpr float a = -0.75f;
    x = std::abs(x);
    if (x <= 1.0f) return ((a + 2.0f) * x - (a + 3.0f)) * x * x + 1.0f;
    if (x < 2.0f) return ((a * x - 5.0f * a) * x + 8.0f * a) * x - 4.0f * a;
    return 0.0f;
}

// The 28x28 digit upscaled kUpscale times, bicubic with pixel centres aligned as in
// interpolate(align_corners=false), in [0, 1].
std::vector<float> upscale(const std::uint8_t* digit) {
    std::array<std::array<int, 4>, kGridSide> index{};
    std::array<std::array<float, 4>, kGridSide> weight{};
    for (int o = 0; o < kGridSide; ++o) {
        const float source = (o + 0.5f) / kUpscale - 0.5f;
        const int base = static_cast<int>(std::floor(source));
        const float t = source - base;
        for (int k = 0; k < 4; ++k) {
            index[o][k] = std::clamp(base - 1 + k, 0, kImageSide - 1);
            weight[o][k] = cubic(t + 1.0f - k);
        }
    }
    std::vector<float> rows(static_cast<std::size_t>(kImageSide) * kGridSide);
    for (int y = 0; y < kImageSide; ++y)
        for (int x = 0; x < kGridSide; ++x) {
            float sum = 0.0f;
            for (int k = 0; k < 4; ++k) sum += weight[x][k] * digit[y * kImageSide + index[x][k]];
            rows[static_cast<std::size_t>(y) * kGridSide + x] = sum / 255.0f;
        }
    std::vector<float> grid(kGridPixels);
    for (int y = 0; y < kGridSide; ++y)
        for (int x = 0; x < kGridSide; ++x) {
            float sum = 0.0f;
            for (int k = 0; k < 4; ++k)
                sum += weight[y][k] * rows[static_cast<std::size_t>(index[y][k]) * kGridSide + x];
            grid[static_cast<std::size_t>(y) * kGridSide + x] = std::clamp(sum, 0.0f, 1.0f);
        }
    return grid;
}

// Parts of ink and holes in it, counting only those of at least kMinPartArea grid pixels (a
// square MNIST pixel): what a reader sees as separate strokes and open loops.
constexpr int kMinPartArea = kUpscale * kUpscale;

struct Topology {
    int parts = 0;
    int holes = 0;
    bool operator==(const Topology& o) const { return parts == o.parts && holes == o.holes; }
};

// Ink connects to its eight neighbours, paper to its four (so a diagonal ink line closes a loop).
Topology topology_of(const std::vector<std::uint8_t>& ink) {
    Topology t;
    std::vector<std::uint8_t> seen(kGridPixels, 0);
    std::vector<int> stack;
    for (int start = 0; start < static_cast<int>(kGridPixels); ++start) {
        if (seen[static_cast<std::size_t>(start)]) continue;
        const bool is_ink = ink[static_cast<std::size_t>(start)] != 0;
        int area = 0;
        bool touches_border = false;
        seen[static_cast<std::size_t>(start)] = 1;
        stack.assign(1, start);
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            ++area;
            const int x = i % kGridSide, y = i / kGridSide;
            touches_border =
                touches_border || x == 0 || y == 0 || x == kGridSide - 1 || y == kGridSide - 1;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    if ((dx == 0 && dy == 0) || (!is_ink && dx != 0 && dy != 0)) continue;
                    const int nx = x + dx, ny = y + dy;
                    if (nx < 0 || ny < 0 || nx >= kGridSide || ny >= kGridSide) continue;
                    const auto n = static_cast<std::size_t>(ny * kGridSide + nx);
                    if (seen[n] || (ink[n] != 0) != is_ink) continue;
                    seen[n] = 1;
                    stack.push_back(static_cast<int>(n));
                }
        }
        if (area < kMinPartArea) continue;
        if (is_ink)
            ++t.parts;
        else if (!touches_border)
            ++t.holes;
    }
    return t;
}

std::vector<std::uint8_t> ink_of(const std::vector<float>& edge_distance) {
    std::vector<std::uint8_t> ink(edge_distance.size());
    for (std::size_t i = 0; i < ink.size(); ++i) ink[i] = edge_distance[i] < 0.0f;
    return ink;
}

// A digit re-drawn with another pen, as a signed distance (MNIST px) to the new stroke's edge:
// negative on ink. A distance field scales to any canvas with crisp anti-aliased edges.
struct PenDigit {
    std::vector<float> edge_distance;
    double stroke_width = 0.0;                       // the new stroke's width, MNIST px
    int left = 0, top = 0, right = -1, bottom = -1;  // its ink's bounding box in grid pixels
};

// `pen_width` is in px of MNIST's 20 px digit box, like DrawnDigit::stroke_width. With
// `keep_topology`, a pen that would merge strokes or close loops is narrowed until it does not.
PenDigit redraw_with_pen(const std::uint8_t* digit, double pen_width, bool keep_topology) {
    const std::vector<float> grey = upscale(digit);
    const float threshold = kInkThreshold * *std::max_element(grey.begin(), grey.end());
    std::vector<std::uint8_t> ink(kGridPixels);
    int left = kGridSide, top = kGridSide, right = -1, bottom = -1;
    for (int y = 0; y < kGridSide; ++y)
        for (int x = 0; x < kGridSide; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * kGridSide + x;
            ink[i] = threshold > 0.0f && grey[i] >= threshold;
            if (!ink[i]) continue;
            left = std::min(left, x);
            right = std::max(right, x);
            top = std::min(top, y);
            bottom = y;
        }
    const StrokeShape shape(ink, kGridSide, kGridSide);
    PenDigit pen;
    if (shape.empty()) return pen;
    // Widening lengthens the digit too (by the change); solve for the width that is `pen_width`
    // of the new longer side: w = pen_width * (size + w - own) / 20, all in grid px.
    const double size = std::max(right - left, bottom - top) + 1.0;
    double new_width = pen_width * (size - shape.stroke_width()) / (kMnistDigitBox - pen_width);
    pen.edge_distance = shape.redrawn(new_width);
    if (keep_topology && new_width > shape.stroke_width()) {
        // Someone drawing with a fat pen keeps the loops open and the strokes apart (or draws
        // bigger): find the widest pen, by bisection, that leaves both as the writer made them.
        const Topology own = topology_of(ink);
        if (!(topology_of(ink_of(pen.edge_distance)) == own)) {
            double fits = shape.stroke_width(), fails = new_width;
            for (int step = 0; step < 6; ++step) {
                const double mid = (fits + fails) / 2.0;
                (topology_of(ink_of(shape.redrawn(mid))) == own ? fits : fails) = mid;
            }
            new_width = fits;
            pen.edge_distance = shape.redrawn(new_width);
        }
    }
    for (float& d : pen.edge_distance) d /= kUpscale;
    pen.stroke_width = new_width / kUpscale;
    pen.left = kGridSide;
    pen.top = kGridSide;
    for (int y = 0; y < kGridSide; ++y)
        for (int x = 0; x < kGridSide; ++x)
            if (pen.edge_distance[static_cast<std::size_t>(y) * kGridSide + x] < 0.0f) {
                pen.left = std::min(pen.left, x);
                pen.right = std::max(pen.right, x);
                pen.top = std::min(pen.top, y);
                pen.bottom = y;
            }
    return pen;
}

// Bilinear sample of the grid at fractional grid coordinates, clamped to its edge.
float sample(const std::vector<float>& grid, double gx, double gy) {
    gx = std::clamp(gx, 0.0, kGridSide - 1.0);
    gy = std::clamp(gy, 0.0, kGridSide - 1.0);
    const int x0 = std::min(static_cast<int>(gx), kGridSide - 2);
    const int y0 = std::min(static_cast<int>(gy), kGridSide - 2);
    const float tx = static_cast<float>(gx - x0), ty = static_cast<float>(gy - y0);
    const float* p = &grid[static_cast<std::size_t>(y0) * kGridSide + x0];
    const float top = p[0] + tx * (p[1] - p[0]);
    const float bottom = p[kGridSide] + tx * (p[kGridSide + 1] - p[kGridSide]);
    return top + ty * (bottom - top);
}

// What every digit starts from, drawing or photo, drawn in this order from digit i's own stream,
// which the caller goes on drawing from.

DigitStart start_digit(const DrawnDigitOptions& o, int i) {
    DigitStart start{
        SeededRandom(mix_seed(o.seed() ^ mix_seed(static_cast<std::uint64_t>(i) + 1)))};
    // Canvases are square-ish, like a drawing pad, a window or a photo: 3:4 to 4:3.
    start.width = start.rng.uniform_int(o.canvas_min(), o.canvas_max());
    start.height =
        std::clamp(static_cast<int>(std::lround(start.width * start.rng.uniform(0.75, 4.0 / 3.0))),
                   o.canvas_min(), o.canvas_max());
    start.height_share = start.rng.uniform(o.height_min(), o.height_max());
    start.pen_width = start.rng.uniform(o.pen_width_min(), o.pen_width_max());
    return start;
}

void check_options(const DrawnDigitOptions& o) {
    auto require = [](bool ok, const std::string& what) {
        if (!ok) throw InvalidArgument("drawn digits: " + what);
    };
    require(o.count() > 0, "count must be at least 1, not " + std::to_string(o.count()));
    require(
        o.canvas_min() >= kImageSide && o.canvas_min() <= o.canvas_max() && o.canvas_max() <= 8192,
        "canvas sizes must satisfy 28 <= min <= max <= 8192");
    require(o.height_min() > 0.0 && o.height_min() <= o.height_max() && o.height_max() <= 1.0,
            "digit heights must satisfy 0 < min <= max <= 1 (fractions of the canvas)");
    require(o.pen_width_min() > 0.0 && o.pen_width_min() <= o.pen_width_max() &&
                o.pen_width_max() <= 10.0,
            "pen widths must satisfy 0 < min <= max <= 10 (px of the 20 px digit box)");
    require(o.dark_on_light() >= 0.0 && o.dark_on_light() <= 1.0,
            "the dark-on-light probability must be in [0, 1]");
    require(o.gray_levels() >= 0.0 && o.gray_levels() <= 0.4, "gray levels must be in [0, 0.4]");
    require(o.noise() >= 0.0 && o.blur() >= 0.0, "noise and blur must not be negative");
}

}  // namespace

DrawnDigitSet::DrawnDigitSet(const std::string& mnist_dir, const DrawnDigitOptions& options)
    : options_(options) {
    check_options(options_);
    const MnistData test = load_mnist(mnist_dir, Split::Test);
    const torch::Tensor images = test.images.contiguous();
    const torch::Tensor labels = test.labels.contiguous();
    images_.assign(images.data_ptr<std::uint8_t>(),
                   images.data_ptr<std::uint8_t>() + images.numel());
    labels_.assign(labels.data_ptr<std::int64_t>(),
                   labels.data_ptr<std::int64_t>() + labels.numel());
    choose_sources();
}

DrawnDigitSet::DrawnDigitSet(std::vector<std::uint8_t> images, std::vector<int> labels,
                             const DrawnDigitOptions& options)
    : options_(options), images_(std::move(images)), labels_(std::move(labels)) {
    check_options(options_);
    choose_sources();
}

void DrawnDigitSet::choose_sources() {
    const int n = static_cast<int>(labels_.size());
    if (n == 0 || images_.size() != labels_.size() * kImageSide * kImageSide) {
        throw InvalidArgument("drawn digits: need 28x28 images, one per label, and at least one");
    }
    for (int label : labels_) {
        if (label < 0 || label > 9) throw InvalidArgument("drawn digits: labels must be 0-9");
    }
    // A seeded shuffle, so a small count still samples every class and both halves of the
    // test set; past its end, another shuffle.
    SeededRandom rng(mix_seed(options_.seed()));
    std::vector<int> order(static_cast<std::size_t>(n));
    while (static_cast<int>(sources_.size()) < options_.count()) {
        for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
        for (int i = n - 1; i > 0; --i)
            std::swap(order[static_cast<std::size_t>(i)],
                      order[static_cast<std::size_t>(rng.uniform_int(0, i))]);
        const int take = std::min(n, options_.count() - static_cast<int>(sources_.size()));
        sources_.insert(sources_.end(), order.begin(), order.begin() + take);
    }
}

DrawnDigit DrawnDigitSet::begin_digit(int i, const DigitStart& start) const {
    const int source = sources_[static_cast<std::size_t>(i)];
    DrawnDigit out;
    out.label = labels_[static_cast<std::size_t>(source)];
    out.source_index = source;
    out.height = start.height_share;
    return out;
}

DrawnDigit DrawnDigitSet::render(int i) const {
    return render(i, true);
}

DrawnDigit DrawnDigitSet::render_blank(int i) const {
    DrawnDigit blank = render(i, false);
    blank.label = -1;
    return blank;
}

DrawnDigit DrawnDigitSet::render(int i, bool with_digit) const {
    if (i < 0 || i >= size()) {
        throw InvalidArgument("drawn digit " + std::to_string(i) + " is outside the set of " +
                              std::to_string(size()));
    }
    if (options_.style() == DrawnStyle::Photo) return render_photo(i, with_digit);
    const DrawnDigitOptions& o = options_;
    DigitStart start = start_digit(o, i);
    SeededRandom& rng = start.rng;
    const int width = start.width, height = start.height;
    const double pen_width = start.pen_width;
    DrawnDigit out = begin_digit(i, start);
    out.dark_on_light = rng.uniform() < o.dark_on_light();
    const double paper_level = 255.0 * rng.uniform(0.0, o.gray_levels());
    const double ink_level = 255.0 * rng.uniform(0.0, o.gray_levels());
    const double paper = out.dark_on_light ? 255.0 - paper_level : paper_level;
    const double ink = out.dark_on_light ? ink_level : 255.0 - ink_level;
    const double sigma = rng.uniform(0.0, o.blur());
    const double place_x = rng.uniform(), place_y = rng.uniform();

    const PenDigit pen =
        with_digit
            ? redraw_with_pen(
                  &images_[static_cast<std::size_t>(out.source_index) * kImageSide * kImageSide],
                  pen_width, o.keep_topology())
            : PenDigit{};
    out.image.width = width;
    out.image.height = height;
    out.image.pixels.assign(static_cast<std::size_t>(width) * height,
                            static_cast<std::uint8_t>(std::lround(paper)));
    if (pen.right >= pen.left) {
        // The ink's box in MNIST px, scaled so its longer side is `height` of the canvas's shorter
        // side, at a random place that keeps all of it on the canvas.
        const double ink_w = (pen.right - pen.left + 1.0) / kUpscale;
        const double ink_h = (pen.bottom - pen.top + 1.0) / kUpscale;
        const double scale = out.height * std::min(width, height) / std::max(ink_w, ink_h);
        const double left = place_x * (width - ink_w * scale);
        const double top = place_y * (height - ink_h * scale);
        out.stroke_width = pen.stroke_width * kMnistDigitBox / std::max(ink_w, ink_h);

        // Coverage of the region around the ink (plus room for the blur), then paper to ink.
        const int margin = 2 + static_cast<int>(std::ceil(3.0 * sigma));
        const int x0 = std::max(0, static_cast<int>(std::floor(left)) - margin);
        const int y0 = std::max(0, static_cast<int>(std::floor(top)) - margin);
        const int x1 = std::min(width, static_cast<int>(std::ceil(left + ink_w * scale)) + margin);
        const int y1 = std::min(height, static_cast<int>(std::ceil(top + ink_h * scale)) + margin);
        const int rw = x1 - x0, rh = y1 - y0;
        std::vector<float> coverage(static_cast<std::size_t>(rw) * rh);
        // Canvas pixel centre -> grid coordinates: canvas offset / scale is MNIST px from the ink
        // box's corner, times kUpscale grid px per MNIST px.
        const double grid_per_canvas = kUpscale / scale;
        for (int y = 0; y < rh; ++y)
            for (int x = 0; x < rw; ++x) {
                const double gx = pen.left - 0.5 + (x0 + x + 0.5 - left) * grid_per_canvas;
                const double gy = pen.top - 0.5 + (y0 + y + 0.5 - top) * grid_per_canvas;
                // Signed distance in canvas px; a one-pixel ramp across the edge anti-aliases it.
                const double d = sample(pen.edge_distance, gx, gy) * scale;
                coverage[static_cast<std::size_t>(y) * rw + x] =
                    static_cast<float>(std::clamp(0.5 - d, 0.0, 1.0));
            }
        if (sigma >= 0.3) gaussian_blur(coverage, rw, rh, sigma);
        for (int y = 0; y < rh; ++y)
            for (int x = 0; x < rw; ++x) {
                const double c = coverage[static_cast<std::size_t>(y) * rw + x];
                out.image.pixels[static_cast<std::size_t>(y0 + y) * width + x0 + x] =
                    static_cast<std::uint8_t>(std::lround(paper + c * (ink - paper)));
            }
    }
    if (o.noise() > 0.0) {
        for (auto& p : out.image.pixels)
            p = static_cast<std::uint8_t>(
                std::clamp(std::lround(p + o.noise() * rng.normal()), 0L, 255L));
    }
    return out;
}

// The digit written in ink on paper and photographed: the frame, the digit's size and the pen are
// drawn as for a drawing, the photo's look from random_photo_look; the digit turns with the page.
DrawnDigit DrawnDigitSet::render_photo(int i, bool with_digit) const {
    const DrawnDigitOptions& o = options_;
    DigitStart start = start_digit(o, i);
    SeededRandom& rng = start.rng;
    const int width = start.width, height = start.height;
    const double pen_width = start.pen_width;
    DrawnDigit out = begin_digit(i, start);
    out.dark_on_light = true;
    out.look = random_photo_look(rng, width, height);
    const double place_x = rng.uniform(), place_y = rng.uniform();

    std::vector<float> coverage;
    const PenDigit pen =
        with_digit
            ? redraw_with_pen(
                  &images_[static_cast<std::size_t>(out.source_index) * kImageSide * kImageSide],
                  pen_width, o.keep_topology())
            : PenDigit{};
    if (pen.right >= pen.left) {
        const double ink_w = (pen.right - pen.left + 1.0) / kUpscale;
        const double ink_h = (pen.bottom - pen.top + 1.0) / kUpscale;
        double scale = out.height * std::min(width, height) / std::max(ink_w, ink_h);
        // The turned ink box, in frame px per unit of scale; a digit that would stick out of the
        // frame once turned is written a little smaller.
        const double turn = out.look.rotation_degrees * kRadiansPerDegree;
        const double cos_t = std::cos(turn), sin_t = std::sin(turn);
        const double box_w = ink_w * std::abs(cos_t) + ink_h * std::abs(sin_t);
        const double box_h = ink_w * std::abs(sin_t) + ink_h * std::abs(cos_t);
        scale = std::min({scale, (width - 2.0) / box_w, (height - 2.0) / box_h});
        out.height = scale * std::max(ink_w, ink_h) / std::min(width, height);
        out.stroke_width = pen.stroke_width * kMnistDigitBox / std::max(ink_w, ink_h);
        const double centre_x = box_w * scale / 2.0 + place_x * (width - box_w * scale);
        const double centre_y = box_h * scale / 2.0 + place_y * (height - box_h * scale);

        coverage.assign(static_cast<std::size_t>(width) * height, 0.0f);
        const int x0 = std::max(0, static_cast<int>(centre_x - box_w * scale / 2.0) - 2);
        const int y0 = std::max(0, static_cast<int>(centre_y - box_h * scale / 2.0) - 2);
        const int x1 = std::min(width, static_cast<int>(centre_x + box_w * scale / 2.0) + 3);
        const int y1 = std::min(height, static_cast<int>(centre_y + box_h * scale / 2.0) + 3);
        const double grid_per_frame = kUpscale / scale;
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) {
                // Into the page's (the digit's) axes, as paper_photo turns its lines.
                const double px = x + 0.5 - centre_x, py = y + 0.5 - centre_y;
                const double u = px * cos_t + py * sin_t;
                const double v = -px * sin_t + py * cos_t;
                const double gx = pen.left - 0.5 + (u + ink_w * scale / 2.0) * grid_per_frame;
                const double gy = pen.top - 0.5 + (v + ink_h * scale / 2.0) * grid_per_frame;
                const double d = sample(pen.edge_distance, gx, gy) * scale;
                coverage[static_cast<std::size_t>(y) * width + x] =
                    static_cast<float>(std::clamp(0.5 - d, 0.0, 1.0));
            }
    }
    PaperPhoto photo = photograph(coverage, width, height, out.look, rng);
    out.image = std::move(photo.image);
    out.jpeg = std::move(photo.jpeg);
    return out;
}

namespace {

struct BucketRule {
    const char* name;
    std::function<bool(const DrawnDigit&)> holds;
};

// The buckets a report splits its accuracy by: how the digits were drawn or photographed.
const std::vector<BucketRule>& bucket_rules(DrawnStyle style) {
    static const std::vector<BucketRule> drawing_rules = {
        {"dark on light", [](const DrawnDigit& d) { return d.dark_on_light; }},
        {"light on dark", [](const DrawnDigit& d) { return !d.dark_on_light; }},
        {"height < 0.3 of canvas", [](const DrawnDigit& d) { return d.height < 0.3; }},
        {"height 0.3-0.6", [](const DrawnDigit& d) { return d.height >= 0.3 && d.height < 0.6; }},
        {"height >= 0.6", [](const DrawnDigit& d) { return d.height >= 0.6; }},
        {"stroke < 2 px of 20", [](const DrawnDigit& d) { return d.stroke_width < 2.0; }},
        {"stroke 2-3 px",
         [](const DrawnDigit& d) { return d.stroke_width >= 2.0 && d.stroke_width < 3.0; }},
        {"stroke 3-4 px",
         [](const DrawnDigit& d) { return d.stroke_width >= 3.0 && d.stroke_width < 4.0; }},
        {"stroke 4-5 px",
         [](const DrawnDigit& d) { return d.stroke_width >= 4.0 && d.stroke_width < 5.0; }},
        {"stroke >= 5 px", [](const DrawnDigit& d) { return d.stroke_width >= 5.0; }},
    };
    static const std::vector<BucketRule> photo_rules = {
        {"plain paper", [](const DrawnDigit& d) { return !d.look.ruled && !d.look.margin; }},
        {"ruled lines", [](const DrawnDigit& d) { return d.look.ruled; }},
        {"margin line", [](const DrawnDigit& d) { return d.look.margin; }},
        {"light falloff >= 0.45", [](const DrawnDigit& d) { return d.look.light_falloff >= 0.45; }},
        {"turned >= 5 degrees",
         [](const DrawnDigit& d) { return std::abs(d.look.rotation_degrees) >= 5.0; }},
        {"blur >= 1 px", [](const DrawnDigit& d) { return d.look.blur_sigma >= 1.0; }},
        {"JPEG quality < 60", [](const DrawnDigit& d) { return d.look.jpeg_quality < 60; }},
        {"height < 0.35 of frame", [](const DrawnDigit& d) { return d.height < 0.35; }},
        {"height 0.35-0.5", [](const DrawnDigit& d) { return d.height >= 0.35 && d.height < 0.5; }},
        {"height >= 0.5", [](const DrawnDigit& d) { return d.height >= 0.5; }},
        {"stroke < 2 px of 20", [](const DrawnDigit& d) { return d.stroke_width < 2.0; }},
        {"stroke >= 2 px", [](const DrawnDigit& d) { return d.stroke_width >= 2.0; }},
    };
    return style == DrawnStyle::Photo ? photo_rules : drawing_rules;
}

// Counts one reader's answers digit by digit, so an ensemble and each of its members are scored
// on digits rendered once.
class ReportTally {
  public:
    explicit ReportTally(DrawnStyle style) : rules_(&bucket_rules(style)) {
        for (const BucketRule& rule : *rules_) report_.buckets.push_back({rule.name, 0, 0, 0.0});
    }

    void add(const DrawnDigit& digit, int index, const Prediction& p) {
        const bool right = !p.blank && p.digit == digit.label;
        const auto label = static_cast<std::size_t>(digit.label);
        ++report_.count;
        ++report_.class_count[label];
        if (p.blank)
            ++report_.blanks;
        else
            ++report_.confusion[label][static_cast<std::size_t>(p.digit)];
        if (right) {
            ++report_.correct;
            ++class_correct_[label];
        } else {
            report_.errors.push_back(index);
        }
        for (std::size_t r = 0; r < rules_->size(); ++r) {
            if (!(*rules_)[r].holds(digit)) continue;
            ++report_.buckets[r].count;
            if (right) ++report_.buckets[r].correct;
        }
    }

    DrawnDigitReport finish() {
        auto percent = [](std::int64_t part, std::int64_t whole) {
            return whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
        };
        report_.accuracy = percent(report_.correct, report_.count);
        for (std::size_t c = 0; c < 10; ++c)
            report_.class_accuracy[c] = percent(class_correct_[c], report_.class_count[c]);
        for (auto& bucket : report_.buckets)
            bucket.accuracy = percent(bucket.correct, bucket.count);
        return report_;
    }

  private:
    const std::vector<BucketRule>* rules_;
    DrawnDigitReport report_;
    std::array<std::int64_t, 10> class_correct_{};
};

}  // namespace

DrawnDigitReport evaluate_drawn_digits(const Predictor& predictor, const DrawnDigitSet& digits) {
    ReportTally tally(digits.options().style());
    for (int i = 0; i < digits.size(); ++i) {
        const DrawnDigit digit = digits.render(i);
        tally.add(digit, i, predictor.predict(digit.image));
    }
    return tally.finish();
}

DrawnEnsembleReport evaluate_drawn_digits(const Ensemble& ensemble, const DrawnDigitSet& digits) {
    const DrawnStyle style = digits.options().style();
    ReportTally combined(style);
    std::vector<ReportTally> members(ensemble.members().size(), ReportTally(style));
    for (int i = 0; i < digits.size(); ++i) {
        const DrawnDigit digit = digits.render(i);
        const EnsemblePrediction answer = ensemble.predict(digit.image);
        combined.add(digit, i, answer.combined);
        for (std::size_t m = 0; m < members.size(); ++m)
            members[m].add(digit, i, answer.members[m]);
    }
    DrawnEnsembleReport report;
    report.ensemble = combined.finish();
    for (auto& member : members) report.members.push_back(member.finish());
    return report;
}

std::string save_drawn_digit(const DrawnDigit& digit, int index, const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    char name[96];
    if (!digit.jpeg.empty()) {
        std::snprintf(name, sizeof name, "photo_%05d_label%d_h%.2f_stroke%.1f_q%d.jpg", index,
                      digit.label, digit.height, digit.stroke_width, digit.look.jpeg_quality);
    } else {
        std::snprintf(name, sizeof name, "drawn_%05d_label%d_%s_h%.2f_stroke%.1f.pgm", index,
                      digit.label, digit.dark_on_light ? "dark-on-light" : "light-on-dark",
                      digit.height, digit.stroke_width);
    }
    const std::string path = (fs::path(dir) / name).string();
    std::ofstream file(path, std::ios::binary);
    if (digit.jpeg.empty()) {
        file << "P5\n" << digit.image.width << ' ' << digit.image.height << "\n255\n";
        file.write(reinterpret_cast<const char*>(digit.image.pixels.data()),
                   static_cast<std::streamsize>(digit.image.pixels.size()));
    } else {
        file.write(reinterpret_cast<const char*>(digit.jpeg.data()),
                   static_cast<std::streamsize>(digit.jpeg.size()));
    }
    if (!file) throw DataError("cannot write drawn digit sample " + path);
    return path;
}

}  // namespace mnist
