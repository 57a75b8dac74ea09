#include "core/evaluation/inspection_images.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/errors.h"

namespace mnist {

namespace {

constexpr std::uint8_t kGap = 128;

std::uint8_t to_byte(double unit) {
    return static_cast<std::uint8_t>(std::lround(std::clamp(unit, 0.0, 1.0) * 255.0));
}

int grid_columns(int count) {
    return std::max(1, static_cast<int>(std::ceil(std::sqrt(count))));
}

// `count` tiles of `side_w` x `side_h` values in `cols` columns, each value a `scale`-pixel square,
// 1 px gaps between tiles; `value(tile, x, y)` gives each value's grey.
GrayImage tiles(int count, int cols, int side_w, int side_h, int scale,
                const std::function<std::uint8_t(int, int, int)>& value) {
    const int rows = (count + cols - 1) / cols;
    const int tile_w = side_w * scale, tile_h = side_h * scale;
    GrayImage out;
    out.width = cols * tile_w + (cols - 1);
    out.height = rows * tile_h + (rows - 1);
    out.pixels.assign(static_cast<std::size_t>(out.width) * out.height, kGap);
    for (int t = 0; t < count; ++t) {
        const int x0 = (t % cols) * (tile_w + 1), y0 = (t / cols) * (tile_h + 1);
        for (int y = 0; y < tile_h; ++y)
            for (int x = 0; x < tile_w; ++x)
                out.pixels[static_cast<std::size_t>(y0 + y) * out.width + x0 + x] =
                    value(t, x / scale, y / scale);
    }
    return out;
}

}  // namespace

GrayImage feature_map_grid(const StageActivation& stage) {
    const auto& shape = stage.output_shape;
    int channels = 1, h = 1, w = 1;
    if (shape.size() == 3) {
        channels = static_cast<int>(shape[0]);
        h = static_cast<int>(shape[1]);
        w = static_cast<int>(shape[2]);
    } else if (shape.size() == 1) {
        channels = static_cast<int>(shape[0]);
    } else {
        throw InvalidArgument("stage " + stage.name + ": an output of " +
                              std::to_string(shape.size()) + " dimensions cannot be drawn");
    }
    const std::size_t plane = static_cast<std::size_t>(h) * w;
    if (channels <= 0 || stage.values.size() != plane * channels) {
        throw InvalidArgument("stage " + stage.name + ": " + std::to_string(stage.values.size()) +
                              " values do not fill its output shape");
    }
    // Each map's range, or the stage's when a map is a single value.
    std::vector<std::pair<float, float>> range(channels);
    for (int c = 0; c < channels; ++c) {
        const auto first = stage.values.begin() + c * plane;
        const auto [lo, hi] = plane > 1
                                  ? std::minmax_element(first, first + plane)
                                  : std::minmax_element(stage.values.begin(), stage.values.end());
        range[c] = {*lo, *hi};
    }
    // Tiles about 84 px wide: 3x for 28x28 maps, 16x (the most) for single values.
    const int scale = std::clamp(84 / std::max(h, w), 1, 16);
    return tiles(channels, grid_columns(channels), w, h, scale, [&](int c, int x, int y) {
        const auto [lo, hi] = range[c];
        const float v = stage.values[c * plane + static_cast<std::size_t>(y) * w + x];
        return to_byte(hi > lo ? (v - lo) / (hi - lo) : 0.0);
    });
}

GrayImage filter_grid(const FilterBank& bank) {
    const std::size_t kernel = static_cast<std::size_t>(bank.kernel_h) * bank.kernel_w;
    const float span = bank.max - bank.min;
    return tiles(bank.out_channels * bank.in_channels, bank.in_channels, bank.kernel_w,
                 bank.kernel_h, 8, [&](int t, int x, int y) {
                     const float v =
                         bank.weights[t * kernel + static_cast<std::size_t>(y) * bank.kernel_w + x];
                     return to_byte(span > 0 ? (v - bank.min) / span : 0.0);
                 });
}

GrayImage saliency_image(const DigitPixels& map, int scale) {
    return tiles(1, 1, kImageSide, kImageSide, scale,
                 [&](int, int x, int y) { return to_byte(map[y * kImageSide + x]); });
}

RgbImage saliency_overlay(const DigitPixels& digit, const DigitPixels& map, int scale) {
    RgbImage out(kImageSide * scale, kImageSide * scale);
    for (int y = 0; y < out.height; ++y) {
        for (int x = 0; x < out.width; ++x) {
            const int i = (y / scale) * kImageSide + x / scale;
            const double grey = 0.6 * std::clamp(digit[i], 0.0f, 1.0f);  // dimmed so red stands out
            const double a = 0.85 * std::clamp(map[i], 0.0f, 1.0f);
            std::uint8_t* p = out.at(x, y);
            p[0] = to_byte(grey * (1 - a) + a);
            p[1] = p[2] = to_byte(grey * (1 - a));
        }
    }
    return out;
}

RgbImage confusion_heatmap(const EvalResult& eval, int cell) {
    std::int64_t worst_mistake = 0;
    for (int t = 0; t < kNumClasses; ++t)
        for (int p = 0; p < kNumClasses; ++p)
            if (t != p) worst_mistake = std::max(worst_mistake, eval.confusion[t][p]);
    const int side = kNumClasses * (cell + 1) - 1;
    RgbImage out(side, side, kGap);
    for (int t = 0; t < kNumClasses; ++t) {
        std::int64_t row = 0;
        for (int p = 0; p < kNumClasses; ++p) row += eval.confusion[t][p];
        for (int p = 0; p < kNumClasses; ++p) {
            const std::int64_t n = eval.confusion[t][p];
            double strength = 0.0;
            if (t == p && row > 0) strength = static_cast<double>(n) / row;
            if (t != p && worst_mistake > 0)
                strength = std::sqrt(static_cast<double>(n) / worst_mistake);
            const double target[3] = {t == p ? 33.0 : 200.0, t == p ? 113.0 : 30.0,
                                      t == p ? 181.0 : 30.0};
            std::uint8_t colour[3];
            for (int c = 0; c < 3; ++c)
                colour[c] = to_byte((255.0 + (target[c] - 255.0) * strength) / 255.0);
            for (int y = 0; y < cell; ++y)
                for (int x = 0; x < cell; ++x)
                    std::copy(colour, colour + 3, out.at(p * (cell + 1) + x, t * (cell + 1) + y));
        }
    }
    return out;
}

GrayImage digit_grid(const TestSetInspection& inspection, const std::vector<std::int64_t>& indices,
                     int scale) {
    if (indices.empty()) throw InvalidArgument("no test images to draw: the list is empty");
    std::vector<DigitPixels> digits;
    for (std::int64_t i : indices) digits.push_back(inspection.pixels(i));
    const int count = static_cast<int>(digits.size());
    return tiles(count, grid_columns(count), kImageSide, kImageSide, scale,
                 [&](int t, int x, int y) { return to_byte(digits[t][y * kImageSide + x]); });
}

}  // namespace mnist
