#pragma once
// The stroke width of a drawing: measured along its skeleton, and changed as if the drawing were
// re-drawn with a wider or narrower round pen. The drawn-digit renderer uses it to draw MNIST
// digits with the pens people use on a canvas.
#include <cstdint>
#include <vector>

namespace mnist {

class StrokeShape {
  public:
    // `ink` holds width * height flags, row-major, non-zero on ink.
    StrokeShape(const std::vector<std::uint8_t>& ink, int width, int height);

    int width() const { return width_; }
    int height() const { return height_; }
    bool empty() const { return skeleton_pixels_ == 0; }
    // The median stroke width in pixels: twice the median distance from the skeleton (the
    // one-pixel-wide middle line of each stroke) to the paper. 0 when there is no ink.
    double stroke_width() const { return stroke_width_; }

    // Signed distance in pixels from each pixel centre to the edge of the drawing re-drawn with a
    // pen `new_width` px wide: negative on ink, so coverage is clamp(0.5 - d, 0, 1). A wider pen
    // widens every stroke by the difference (leave room around the ink for it); a narrower one
    // narrows them by it, but never below a line `new_width` wide along the skeleton, so no
    // stroke breaks, and never outside the old ink.
    std::vector<float> redrawn(double new_width) const;

  private:
    int width_ = 0;
    int height_ = 0;
    std::vector<float> edge_distance_;      // signed distance to the drawing's own edge
    std::vector<float> skeleton_distance_;  // distance to the nearest skeleton pixel
    int skeleton_pixels_ = 0;
    double stroke_width_ = 0.0;
};

}  // namespace mnist
