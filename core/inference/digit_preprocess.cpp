#include "core/inference/digit_preprocess.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include "core/inference/photo_cleanup.h"

namespace mnist {

namespace {

// The digit's longer side after scaling, as in MNIST (fitted into a 20x20 box).
constexpr int kDigitBox = 20;
// Where the centre of mass goes, in pixel-index coordinates; MNIST's mean is (14.0, 14.0).
constexpr double kCentre = kImageSide / 2.0;

// Deviations from the background below the noise floor are paper texture, sensor or JPEG noise.
// The floor is at least kMinNoiseFloor and grows with the noise measured along the border.
constexpr int kMinNoiseFloor = 24;
constexpr int kMaxNoiseFloor = 96;
// The strongest ink must stand this far above the noise floor, or the image counts as blank.
constexpr int kMinInkContrast = 32;
// Fewer ink pixels than this is a speck, not a digit. The peak is also taken as the
// kMinInkPixels-th strongest pixel, so one hot pixel cannot pass the contrast test alone.
constexpr int kMinInkPixels = 4;
// The ink's longer side must cover at least 1/kMinExtentDivisor of the image's longer side (and
// 2 px): a click-sized dot on a big canvas is not worth guessing at.
constexpr int kMinExtentDivisor = 64;

using Histogram = std::array<int, 256>;

int histogram_median(const Histogram& histogram, int count) {
    int seen = 0;
    for (int value = 0; value < 256; ++value) {
        seen += histogram[value];
        if (2 * seen >= count) return value;
    }
    return 255;
}

// Calls f(value) for every pixel on the image border, each pixel once.
template <typename F>
void for_each_border_pixel(const GrayImage& image, F f) {
    const int w = image.width;
    const int h = image.height;
    for (int x = 0; x < w; ++x) {
        f(image.at(x, 0));
        if (h > 1) f(image.at(x, h - 1));
    }
    for (int y = 1; y + 1 < h; ++y) {
        f(image.at(0, y));
        if (w > 1) f(image.at(w - 1, y));
    }
}

// One resampling tap: output pixel takes `weight` of source pixel `source`.
struct Tap {
    int source;
    float weight;
};

// Per output pixel, the taps that resample a row of `in` pixels to `out` pixels. Shrinking
// averages the exact area each output pixel covers (a box filter, so strokes of a big canvas
// neither alias nor vanish); enlarging interpolates bilinearly between pixel centres.
std::vector<std::vector<Tap>> resampling_taps(int in, int out) {
    std::vector<std::vector<Tap>> taps(static_cast<std::size_t>(out));
    const double scale = static_cast<double>(out) / in;
    for (int o = 0; o < out; ++o) {
        auto& row = taps[static_cast<std::size_t>(o)];
        if (scale <= 1.0) {
            const double begin = o / scale;
            const double end = (o + 1) / scale;
            const int first = static_cast<int>(std::floor(begin));
            const int last = std::min(in - 1, static_cast<int>(std::ceil(end)) - 1);
            for (int i = first; i <= last; ++i) {
                const double covered = std::min<double>(end, i + 1) - std::max<double>(begin, i);
                if (covered > 0) row.push_back({i, static_cast<float>(covered * scale)});
            }
        } else {
            const double centre = std::clamp((o + 0.5) / scale - 0.5, 0.0, in - 1.0);
            const int left = static_cast<int>(centre);
            const double t = centre - left;
            row.push_back({left, static_cast<float>(1.0 - t)});
            if (t > 0 && left + 1 < in) row.push_back({left + 1, static_cast<float>(t)});
        }
    }
    return taps;
}

// Separable resampling of a row-major float image.
std::vector<float> resample(const std::vector<float>& in, int in_w, int in_h, int out_w,
                            int out_h) {
    const auto x_taps = resampling_taps(in_w, out_w);
    const auto y_taps = resampling_taps(in_h, out_h);
    std::vector<float> horizontal(static_cast<std::size_t>(out_w) * in_h, 0.0f);
    for (int y = 0; y < in_h; ++y) {
        const float* src = &in[static_cast<std::size_t>(y) * in_w];
        float* dst = &horizontal[static_cast<std::size_t>(y) * out_w];
        for (int x = 0; x < out_w; ++x) {
            float sum = 0.0f;
            for (const Tap& tap : x_taps[static_cast<std::size_t>(x)])
                sum += tap.weight * src[tap.source];
            dst[x] = sum;
        }
    }
    std::vector<float> out(static_cast<std::size_t>(out_w) * out_h, 0.0f);
    for (int y = 0; y < out_h; ++y) {
        float* dst = &out[static_cast<std::size_t>(y) * out_w];
        for (const Tap& tap : y_taps[static_cast<std::size_t>(y)]) {
            const float* src = &horizontal[static_cast<std::size_t>(tap.source) * out_w];
            for (int x = 0; x < out_w; ++x) dst[x] += tap.weight * src[x];
        }
    }
    return out;
}

// The background is what the border mostly shows: a digit rarely covers most of the frame,
// whatever its polarity. The border's spread (median absolute deviation) measures the noise.
struct Background {
    int level = 0;
    int mad = 0;
    int noise_floor = 0;
};

Background measure_background(const GrayImage& image) {
    Histogram border{};
    int border_count = 0;
    for_each_border_pixel(image, [&](std::uint8_t v) {
        ++border[v];
        ++border_count;
    });
    Background b;
    b.level = histogram_median(border, border_count);
    Histogram spread{};
    for (int value = 0; value < 256; ++value) spread[std::abs(value - b.level)] += border[value];
    b.mad = histogram_median(spread, border_count);
    // 4.5 MAD is about 3 standard deviations of Gaussian noise.
    b.noise_floor = std::clamp(b.mad * 9 / 2, kMinNoiseFloor, kMaxNoiseFloor);
    return b;
}

// Ink per grey value, so the per-pixel passes are table look-ups; nullopt when there is too
// little ink, or too faint, to be a digit.
std::optional<std::array<std::uint8_t, 256>> ink_table(const GrayImage& image,
                                                       const Background& b) {
    // Polarity: whichever side of the background carries more ink above the floor. This decides
    // mid-gray backgrounds too, where "light border means dark ink" would be a guess.
    Histogram image_histogram{};
    for (std::uint8_t v : image.pixels) ++image_histogram[v];
    long long dark_mass = 0;
    long long light_mass = 0;
    for (int value = 0; value < 256; ++value) {
        const int dev = value - b.level;
        if (dev > b.noise_floor)
            light_mass += static_cast<long long>(dev - b.noise_floor) * image_histogram[value];
        if (-dev > b.noise_floor)
            dark_mass += static_cast<long long>(-dev - b.noise_floor) * image_histogram[value];
    }
    const bool dark_ink = dark_mass > light_mass;

    std::array<std::uint8_t, 256> ink_of{};
    Histogram ink_histogram{};
    int ink_pixels = 0;
    for (int value = 0; value < 256; ++value) {
        const int dev = dark_ink ? b.level - value : value - b.level;
        ink_of[value] = static_cast<std::uint8_t>(std::max(0, dev - b.noise_floor));
        if (ink_of[value] > 0) {
            ink_histogram[ink_of[value]] += image_histogram[value];
            ink_pixels += image_histogram[value];
        }
    }
    if (ink_pixels < kMinInkPixels) return std::nullopt;
    int peak = 0;
    for (int seen = 0, value = 255; value > 0; --value) {
        seen += ink_histogram[value];
        if (seen >= kMinInkPixels) {
            peak = value;
            break;
        }
    }
    if (peak < kMinInkContrast) return std::nullopt;
    return ink_of;
}

// The ink inside its bounding box, as a float raster; empty when the ink spans too little of the
// image to be a digit rather than a speck.
struct InkCrop {
    std::vector<float> pixels;
    int left = 0;
    int top = 0;
    int width = 0;
    int height = 0;
};

InkCrop crop_ink(const GrayImage& image, const std::array<std::uint8_t, 256>& ink_of) {
    const int w = image.width;
    const int h = image.height;
    int left = w, right = -1, top = h, bottom = -1;
    for (int y = 0; y < h; ++y) {
        const std::uint8_t* row = &image.pixels[static_cast<std::size_t>(y) * w];
        int first = 0;
        while (first < w && ink_of[row[first]] == 0) ++first;
        if (first == w) continue;
        int last = w - 1;
        while (ink_of[row[last]] == 0) --last;
        left = std::min(left, first);
        right = std::max(right, last);
        top = std::min(top, y);
        bottom = y;
    }
    InkCrop crop;
    const int crop_w = right - left + 1;
    const int crop_h = bottom - top + 1;
    const int min_extent = std::max(2, std::max(w, h) / kMinExtentDivisor);
    if (std::max(crop_w, crop_h) < min_extent) return crop;
    crop.left = left;
    crop.top = top;
    crop.width = crop_w;
    crop.height = crop_h;
    crop.pixels.resize(static_cast<std::size_t>(crop_w) * crop_h);
    for (int y = 0; y < crop_h; ++y)
        for (int x = 0; x < crop_w; ++x)
            crop.pixels[static_cast<std::size_t>(y) * crop_w + x] =
                ink_of[image.at(left + x, top + y)];
    return crop;
}

// Fits the crop's longer side to the 20 px box and places it in 28x28 with its centre of mass
// at the centre; false when nothing of it is left.
bool place_in_frame(const InkCrop& crop, PreprocessedDigit& result) {
    // The shorter side keeps the aspect ratio (at least 1 px, so a thin line stays a crisp 1 px
    // column instead of a faint smear).
    const double scale = static_cast<double>(kDigitBox) / std::max(crop.width, crop.height);
    const int box_w = std::clamp(static_cast<int>(std::lround(crop.width * scale)), 1, kDigitBox);
    const int box_h = std::clamp(static_cast<int>(std::lround(crop.height * scale)), 1, kDigitBox);
    const std::vector<float> box = resample(crop.pixels, crop.width, crop.height, box_w, box_h);

    double mass = 0, moment_x = 0, moment_y = 0;
    float strongest = 0.0f;
    for (int y = 0; y < box_h; ++y) {
        for (int x = 0; x < box_w; ++x) {
            const float v = box[static_cast<std::size_t>(y) * box_w + x];
            mass += v;
            moment_x += static_cast<double>(x) * v;
            moment_y += static_cast<double>(y) * v;
            strongest = std::max(strongest, v);
        }
    }
    if (mass <= 0 || strongest <= 0) return false;

    // A whole-pixel shift, as MNIST did (its centres of mass spread +-0.5 px around 14): a
    // fractional shift would blur every stroke for no gain in accuracy.
    const int shift_x = static_cast<int>(std::lround(kCentre - moment_x / mass));
    const int shift_y = static_cast<int>(std::lround(kCentre - moment_y / mass));
    // Stretch so the strongest ink is 1, as a pen stroke is in MNIST whatever its grey level.
    const float gain = 1.0f / strongest;
    for (int y = 0; y < box_h; ++y) {
        const int out_y = y + shift_y;
        if (out_y < 0 || out_y >= kImageSide) continue;
        for (int x = 0; x < box_w; ++x) {
            const int out_x = x + shift_x;
            if (out_x < 0 || out_x >= kImageSide) continue;
            const float v = box[static_cast<std::size_t>(y) * box_w + x] * gain;
            result.pixels[static_cast<std::size_t>(out_y) * kImageSide + out_x] = std::min(1.0f, v);
        }
    }
    DigitPlacement& p = result.placement;
    p.crop_left = crop.left;
    p.crop_top = crop.top;
    p.crop_width = crop.width;
    p.crop_height = crop.height;
    p.box_width = box_w;
    p.box_height = box_h;
    p.shift_x = shift_x;
    p.shift_y = shift_y;
    return true;
}

PreprocessedDigit preprocess(const GrayImage& image, bool clean_photos) {
    PreprocessedDigit result;  // blank, all zeros
    const int w = image.width;
    const int h = image.height;
    if (w <= 0 || h <= 0 || image.pixels.size() < static_cast<std::size_t>(w) * h) return result;

    const Background background = measure_background(image);
    // A border that is not one flat tone is a photo (or a noisy scan): its ink is separated from
    // the paper, lines and light first. A canvas, a screenshot or MNIST itself goes on as it is.
    if (background.mad > 0 && clean_photos) {
        const CleanedPhoto cleaned = clean_photo(image);
        if (cleaned.cleaned) {
            if (cleaned.blank) return result;
            PreprocessedDigit digit = preprocess(cleaned.image, false);
            if (digit.blank) return digit;
            // The cleaned image may be the photo shrunk: its crop is scaled back to the photo.
            DigitPlacement& p = digit.placement;
            const double sx = static_cast<double>(w) / p.source_width;
            const double sy = static_cast<double>(h) / p.source_height;
            p.crop_left *= sx;
            p.crop_width *= sx;
            p.crop_top *= sy;
            p.crop_height *= sy;
            p.source_width = w;
            p.source_height = h;
            return digit;
        }
    }
    result.placement.source_width = w;
    result.placement.source_height = h;
    const auto ink_of = ink_table(image, background);
    if (!ink_of) return result;
    const InkCrop crop = crop_ink(image, *ink_of);
    if (crop.pixels.empty()) return result;
    result.blank = !place_in_frame(crop, result);
    return result;
}

}  // namespace

PreprocessedDigit preprocess_digit(const GrayImage& image) {
    return preprocess(image, true);
}

SourceRect cell_source_rect(const DigitPlacement& p, int x, int y) {
    const int bx = x - p.shift_x;
    const int by = y - p.shift_y;
    if (p.box_width <= 0 || p.box_height <= 0 || bx < 0 || by < 0 || bx >= p.box_width ||
        by >= p.box_height)
        return {};
    // Each box pixel is resampled from its share of the crop, as resampling_taps spans it.
    const double cell_w = p.crop_width / p.box_width;
    const double cell_h = p.crop_height / p.box_height;
    return {p.crop_left + bx * cell_w, p.crop_top + by * cell_h, cell_w, cell_h};
}

DigitPlacement identity_placement() {
    DigitPlacement p;
    p.source_width = p.source_height = kImageSide;
    p.crop_width = p.crop_height = kImageSide;
    p.box_width = p.box_height = kImageSide;
    return p;
}

}  // namespace mnist
