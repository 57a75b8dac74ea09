#pragma once
// Drawn digits: MNIST test digits re-drawn the way people draw on a canvas, to measure how well a
// checkpoint plus preprocess_digit reads drawings rather than MNIST itself. Each digit is
// upscaled smoothly, re-thresholded into a pen stroke with hard anti-aliased edges, made thicker
// or thinner like a different pen, and placed anywhere on a large canvas of random size, dark on
// light or light on dark. Everything is drawn from the seed, so a set can be rebuilt exactly.
// The photo style writes the digits in ink on paper instead and photographs them like a phone
// (paper_photo.h): ruled lines, uneven light, noise, blur, rotation, a JPEG file.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/evaluation/paper_photo.h"
#include "core/image/gray_image.h"

namespace mnist {

class Ensemble;
class Predictor;
struct DigitStart;  // drawn_digits.cpp: a digit's random stream, frame, size and pen

enum class DrawnStyle {
    Drawing,  // a pen stroke on a flat canvas, either polarity
    Photo,    // ink on paper, photographed
};

struct DrawnDigitOptions {
    // The photo style's defaults: frames 240-800 px, the digit 20-70 % of the frame's shorter
    // side, a pen of 1.2-3.5 px of the 20 px box (a ballpoint to a marker on a digit written
    // for the camera). The photo's own degradations are in random_photo_look.
    static DrawnDigitOptions photos() {
        return DrawnDigitOptions()
            .style(DrawnStyle::Photo)
            .canvas(240, 800)
            .height(0.2, 0.7)
            .pen_width(1.2, 3.5);
    }

    // One setter a line reads as the list of knobs.
    // clang-format off
    DrawnDigitOptions& style(DrawnStyle v) { style_ = v; return *this; }
    DrawnDigitOptions& count(int v) { count_ = v; return *this; }
    DrawnDigitOptions& seed(std::uint64_t v) { seed_ = v; return *this; }
    DrawnDigitOptions& canvas(int min_px, int max_px) { canvas_min_ = min_px; canvas_max_ = max_px; return *this; }
    DrawnDigitOptions& height(double min_frac, double max_frac) { height_min_ = min_frac; height_max_ = max_frac; return *this; }
    DrawnDigitOptions& pen_width(double min_px, double max_px) { pen_width_min_ = min_px; pen_width_max_ = max_px; return *this; }
    DrawnDigitOptions& keep_topology(bool v) { keep_topology_ = v; return *this; }
    DrawnDigitOptions& dark_on_light(double probability) { dark_on_light_ = probability; return *this; }
    DrawnDigitOptions& gray_levels(double v) { gray_levels_ = v; return *this; }
    DrawnDigitOptions& noise(double v) { noise_ = v; return *this; }
    DrawnDigitOptions& blur(double v) { blur_ = v; return *this; }
    // clang-format on

    DrawnStyle style() const { return style_; }
    int count() const { return count_; }
    std::uint64_t seed() const { return seed_; }
    int canvas_min() const { return canvas_min_; }
    int canvas_max() const { return canvas_max_; }
    double height_min() const { return height_min_; }
    double height_max() const { return height_max_; }
    double pen_width_min() const { return pen_width_min_; }
    double pen_width_max() const { return pen_width_max_; }
    bool keep_topology() const { return keep_topology_; }
    double dark_on_light() const { return dark_on_light_; }
    double gray_levels() const { return gray_levels_; }
    double noise() const { return noise_; }
    double blur() const { return blur_; }

  private:
    DrawnStyle style_ = DrawnStyle::Drawing;
    int count_ = 5000;
    std::uint64_t seed_ = 1;
    // Canvas width uniformly in [min, max] pixels; its height 3/4 to 4/3 of that, within the range.
    int canvas_min_ = 200;
    int canvas_max_ = 800;
    // The digit's longer side as a fraction of the canvas's shorter side.
    double height_min_ = 0.15;
    double height_max_ = 0.9;
    // The pen's width in px of MNIST's 20 px digit box (the stroke width relative to the digit's
    // size, as the model sees it after preprocessing). A mouse pen has one width whatever the
    // MNIST writer used, so each digit is re-drawn with a width drawn from this range, not
    // widened from its own. MNIST's own strokes are 1.5-3.6 px; the canvas pen (a fourteenth
    // of the canvas) on a digit 0.9 / 0.5 / 0.25 of the canvas tall is 1.6 / 2.9 / 5.7 px.
    double pen_width_min_ = 1.0;
    double pen_width_max_ = 6.0;
    // People drawing with a fat pen keep their loops open and strokes apart (or draw bigger),
    // so a pen that would close a loop or merge strokes of the digit is narrowed until it
    // does not. Off: MNIST's shapes are widened blindly, loops of an 8 filling in.
    bool keep_topology_ = true;
    double dark_on_light_ = 0.5;  // probability of dark ink on light paper
    // Paper and ink each up to this fraction of the full range away from pure white / black.
    double gray_levels_ = 0.1;
    double noise_ = 0.0;  // standard deviation of Gaussian paper noise, in grey levels
    double blur_ = 0.0;   // Gaussian blur sigma up to this many canvas pixels (uniform per image)
};

struct DrawnDigit {
    GrayImage image;
    int label = -1;
    int source_index = -1;  // the MNIST test image it was drawn from
    // How it was drawn: the digit's longer side over the canvas's shorter side, the stroke's
    // median width in px of the 20 px box its longer side is fitted to, and the polarity.
    double height = 0.0;
    double stroke_width = 0.0;
    bool dark_on_light = false;
    // Photo style only: the JPEG file the photo was saved as (`image` is what it decodes to),
    // and how it was photographed.
    std::vector<std::uint8_t> jpeg;
    PhotoLook look;
};

// A set of drawn digits, each rendered on demand from the seed and its index: 5,000 canvases up
// to 800x800 would take gigabytes if all were held at once.
class DrawnDigitSet {
  public:
    // Loads the MNIST test set from `mnist_dir`. Throws DataError when it is missing and
    // InvalidArgument for options out of range.
    DrawnDigitSet(const std::string& mnist_dir, const DrawnDigitOptions& options);
    // The same from MNIST bytes already in memory: `images` holds labels.size() 28x28 images.
    DrawnDigitSet(std::vector<std::uint8_t> images, std::vector<int> labels,
                  const DrawnDigitOptions& options);

    int size() const { return static_cast<int>(sources_.size()); }
    const DrawnDigitOptions& options() const { return options_; }
    // Digit i, drawn from a seeded random choice of source images (each at most once while
    // count <= the number of source images). The same options and i always give the same image.
    DrawnDigit render(int i) const;
    // Digit i's canvas or photo with nothing written on it: the same size, paper, lines, light
    // and noise, label -1. What blank input looks like.
    DrawnDigit render_blank(int i) const;

  private:
    void choose_sources();
    DrawnDigit render(int i, bool with_digit) const;
    DrawnDigit render_photo(int i, bool with_digit) const;
    // The digit's label, source image and size, before anything is drawn.
    DrawnDigit begin_digit(int i, const DigitStart& start) const;

    DrawnDigitOptions options_;
    std::vector<std::uint8_t> images_;
    std::vector<int> labels_;
    std::vector<int> sources_;  // per drawn digit, the source image it is drawn from
};

struct DrawnDigitBucket {
    std::string name;  // e.g. "stroke >= 4.5 px", "dark on light"
    std::int64_t count = 0;
    std::int64_t correct = 0;
    double accuracy = 0.0;  // percent
};

struct DrawnDigitReport {
    std::int64_t count = 0;
    std::int64_t correct = 0;
    double accuracy = 0.0;  // percent
    // Drawings the preprocessing called blank: every one holds a digit, so each is an error.
    std::int64_t blanks = 0;
    std::array<std::int64_t, 10> class_count{};
    std::array<double, 10> class_accuracy{};                   // percent
    std::array<std::array<std::int64_t, 10>, 10> confusion{};  // [true][predicted], blanks left out
    // Accuracy by how the digits were drawn: polarity, size and stroke width.
    std::vector<DrawnDigitBucket> buckets;
    std::vector<int> errors;  // indices of the digits that were misread or called blank
};

DrawnDigitReport evaluate_drawn_digits(const Predictor& predictor, const DrawnDigitSet& digits);

// An ensemble's answers (its members' averaged probabilities) and each member's own, on the same
// digits, each rendered once.
struct DrawnEnsembleReport {
    DrawnDigitReport ensemble;
    std::vector<DrawnDigitReport> members;  // in the ensemble's member order
};
DrawnEnsembleReport evaluate_drawn_digits(const Ensemble& ensemble, const DrawnDigitSet& digits);

// Writes `digit` into `dir` (created if needed), named after `index`, its label and how it was
// drawn: a drawing as a binary PGM file, a photo as the JPEG file it was saved as. Returns the
// path. Throws DataError when it cannot be written.
std::string save_drawn_digit(const DrawnDigit& digit, int index, const std::string& dir);

}  // namespace mnist
