#pragma once
// A phone photo of something written on paper: tinted paper, perhaps ruled lines and a margin
// line, the whole page turned a little, light falling off towards one side, a slightly soft lens,
// sensor noise, and a JPEG file at the end. The photo-style drawn digits are made with it, and
// the tests photograph blank paper with it. Plain C++ (stb writes the JPEG), seeded like the rest.
#include <array>
#include <cstdint>
#include <vector>

#include "core/image/gray_image.h"
#include "core/seeded_random.h"

namespace mnist {

// One photo's look. Colours are RGB reflectances in [0, 1] (1 reflects all the light).
struct PhotoLook {
    // The page is turned by this much in the frame; what is written on it turns with it.
    double rotation_degrees = 0.0;
    std::array<double, 3> paper{1.0, 1.0, 1.0};
    std::array<double, 3> ink{0.1, 0.1, 0.1};
    // Ruled lines run along the page's width; the margin line runs across them.
    bool ruled = false;
    double rule_spacing = 40.0;  // px between lines
    double rule_phase = 0.0;     // px, where the first line sits
    double rule_width = 1.0;     // px
    std::array<double, 3> rule_colour{0.6, 0.75, 0.95};
    bool margin = false;
    double margin_position = 0.1;  // across the frame's width, 0 = left edge, 1 = right edge
    double margin_width = 1.5;     // px
    std::array<double, 3> margin_colour{0.95, 0.5, 0.55};
    // Light falls off towards one side: at the far side only (1 - light_falloff) of it is left,
    // along a curve (distance across the frame)^light_curve.
    double light_direction_degrees = 0.0;  // where the light comes from; 0 = from the left
    double light_falloff = 0.0;
    double light_curve = 1.0;
    double blur_sigma = 0.0;   // px, the lens
    double noise_sigma = 0.0;  // grey levels, per colour channel
    int jpeg_quality = 90;
};

// A look drawn from the ranges of a phone photo of handwriting (paper_photo.cpp lists them), for
// a `width` x `height` frame.
PhotoLook random_photo_look(SeededRandom& rng, int width, int height);

struct PaperPhoto {
    std::vector<std::uint8_t> jpeg;  // the photo, as the phone saved it
    GrayImage image;                 // what load_image_file reads from that JPEG
};

// Photographs a `width` x `height` frame. `ink_coverage` holds width * height values in [0, 1]
// (how much of each pixel the ink covers, already turned with the page), or is empty for blank
// paper. The sensor noise is drawn from `rng`.
PaperPhoto photograph(const std::vector<float>& ink_coverage, int width, int height,
                      const PhotoLook& look, SeededRandom& rng);

}  // namespace mnist
