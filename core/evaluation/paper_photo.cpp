#include "core/evaluation/paper_photo.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include "core/errors.h"
#include "core/image/gaussian_blur.h"
#include "core/image/image_encoding.h"
#include "core/inference/image_file.h"
#include "core/math_constants.h"

namespace mnist {

namespace {

// The ranges of a phone photo of handwriting.
constexpr double kMaxRotationDegrees = 10.0;
// Paper from a bright white sheet to grey recycled paper, each channel tinted by up to 12 %.
constexpr double kPaperMin = 0.72, kPaperMax = 0.97, kMaxTint = 0.12;
// Ruled lines 8-25 % of the frame's shorter side apart, 1-2.5 px wide, pale blue: they take
// 13-42 % of the light. The red margin line 1-3 px, taking 18-45 %.
constexpr double kRuleSpacingMin = 0.08, kRuleSpacingMax = 0.25;
constexpr double kLightFalloffMin = 0.2, kLightFalloffMax = 0.6;
constexpr double kBlurMin = 0.4, kBlurMax = 1.4;
constexpr double kNoiseMin = 2.0, kNoiseMax = 8.0;
constexpr int kJpegMin = 45, kJpegMax = 90;

std::array<double, 3> ink_colour(SeededRandom& rng) {
    const double kind = rng.uniform();
    if (kind < 0.45) {  // black ink
        const double v = rng.uniform(0.06, 0.3);
        return {v, v, v};
    }
    if (kind < 0.85) {  // blue ballpoint
        return {rng.uniform(0.08, 0.3), rng.uniform(0.08, 0.3), rng.uniform(0.3, 0.55)};
    }
    const double v = rng.uniform(0.3, 0.45);  // pencil
    return {v, v, v};
}

// How much of a pixel a band `width` px wide covers when its centre line is `distance` px away:
// a one-pixel ramp across each edge anti-aliases it.
double band_coverage(double distance, double width) {
    return std::clamp(width / 2.0 + 0.5 - std::abs(distance), 0.0, 1.0);
}

}  // namespace

PhotoLook random_photo_look(SeededRandom& rng, int width, int height) {
    PhotoLook look;
    look.rotation_degrees = rng.uniform(-kMaxRotationDegrees, kMaxRotationDegrees);
    const double paper = rng.uniform(kPaperMin, kPaperMax);
    for (double& c : look.paper) c = paper * (1.0 - rng.uniform(0.0, kMaxTint));
    look.ink = ink_colour(rng);
    // Plain paper 15 %, ruled 35 %, a margin line only 15 %, both 35 %.
    const double lines = rng.uniform();
    look.ruled = lines >= 0.15 && (lines < 0.5 || lines >= 0.65);
    look.margin = lines >= 0.5;
    look.rule_spacing = rng.uniform(kRuleSpacingMin, kRuleSpacingMax) * std::min(width, height);
    look.rule_phase = rng.uniform(0.0, look.rule_spacing);
    look.rule_width = rng.uniform(1.0, 2.5);
    look.rule_colour = {rng.uniform(0.45, 0.8), rng.uniform(0.6, 0.88), rng.uniform(0.85, 1.0)};
    look.margin_position = rng.uniform(0.05, 0.95);
    look.margin_width = rng.uniform(1.0, 3.0);
    look.margin_colour = {rng.uniform(0.8, 1.0), rng.uniform(0.45, 0.75), rng.uniform(0.4, 0.75)};
    look.light_direction_degrees = rng.uniform(0.0, 360.0);
    look.light_falloff = rng.uniform(kLightFalloffMin, kLightFalloffMax);
    look.light_curve = rng.uniform(0.6, 2.0);
    look.blur_sigma = rng.uniform(kBlurMin, kBlurMax);
    look.noise_sigma = rng.uniform(kNoiseMin, kNoiseMax);
    look.jpeg_quality = rng.uniform_int(kJpegMin, kJpegMax);
    return look;
}

PaperPhoto photograph(const std::vector<float>& ink_coverage, int width, int height,
                      const PhotoLook& look, SeededRandom& rng) {
    if (width <= 0 || height <= 0 || width > 8192 || height > 8192)
        throw InvalidArgument("photo: frame " + std::to_string(width) + "x" +
                              std::to_string(height) + " is outside 1x1 to 8192x8192");
    const std::size_t count = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    if (!ink_coverage.empty() && ink_coverage.size() != count)
        throw InvalidArgument("photo: ink coverage holds " + std::to_string(ink_coverage.size()) +
                              " values for a " + std::to_string(width) + "x" +
                              std::to_string(height) + " frame");

    const double turn = look.rotation_degrees * kRadiansPerDegree;
    const double cos_t = std::cos(turn), sin_t = std::sin(turn);
    const double cx = width / 2.0, cy = height / 2.0;
    const double margin_u = (look.margin_position - 0.5) * width;
    // The light's fall-off runs from the lit side's frame corner (t = 0) to the far one (t = 1).
    const double light = look.light_direction_degrees * kRadiansPerDegree;
    const double dx = -std::cos(light), dy = -std::sin(light);
    const double reach = (std::abs(dx) * width + std::abs(dy) * height) / 2.0;

    std::array<std::vector<float>, 3> channels;
    for (auto& c : channels) c.resize(count);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const double px = x + 0.5 - cx, py = y + 0.5 - cy;
            // Page coordinates: u along the ruled lines, v across them.
            const double u = px * cos_t + py * sin_t;
            const double v = -px * sin_t + py * cos_t;
            double rule = 0.0, margin = 0.0;
            if (look.ruled) {
                double d = std::fmod(v - look.rule_phase, look.rule_spacing);
                if (d < 0) d += look.rule_spacing;
                rule = band_coverage(std::min(d, look.rule_spacing - d), look.rule_width);
            }
            if (look.margin) margin = band_coverage(u - margin_u, look.margin_width);
            const double t = std::clamp((px * dx + py * dy + reach) / (2.0 * reach), 0.0, 1.0);
            const double lit = 1.0 - look.light_falloff * std::pow(t, look.light_curve);
            const std::size_t i = static_cast<std::size_t>(y) * width + x;
            const double ink = ink_coverage.empty() ? 0.0 : ink_coverage[i];
            for (std::size_t c = 0; c < 3; ++c) {
                const double page = look.paper[c] * (1.0 - rule * (1.0 - look.rule_colour[c])) *
                                    (1.0 - margin * (1.0 - look.margin_colour[c]));
                channels[c][i] =
                    static_cast<float>(255.0 * lit * (page + ink * (look.ink[c] - page)));
            }
        }
    if (look.blur_sigma >= 0.1)
        for (auto& c : channels) gaussian_blur(c, width, height, look.blur_sigma);

    RgbImage rgb(width, height);
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t c = 0; c < 3; ++c)
            rgb.pixels[i * 3 + c] = static_cast<std::uint8_t>(std::clamp(
                std::lround(channels[c][i] + look.noise_sigma * rng.normal()), 0L, 255L));

    PaperPhoto photo;
    photo.jpeg = encode_jpeg(rgb, look.jpeg_quality);
    photo.image = decode_image(photo.jpeg.data(), photo.jpeg.size(), "generated photo");
    return photo;
}

}  // namespace mnist
