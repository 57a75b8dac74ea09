#pragma once
// Random affine augmentation applied to whole batches on the tensor, with the knobs of
// torchvision's RandomAffine, plus stroke-width jitter (thicker/thinner pen) for drawn digits.
namespace mnist {

struct AugmentOptions {
    AugmentOptions& degrees(double v) {
        degrees_ = v;
        return *this;
    }
    AugmentOptions& translate(double v) {
        translate_ = v;
        return *this;
    }
    AugmentOptions& scale(double lo, double hi) {
        scale_min_ = lo;
        scale_max_ = hi;
        return *this;
    }
    AugmentOptions& shear(double v) {
        shear_ = v;
        return *this;
    }
    AugmentOptions& stroke(double v) {
        stroke_ = v;
        return *this;
    }

    double degrees() const { return degrees_; }
    double translate() const { return translate_; }
    double scale_min() const { return scale_min_; }
    double scale_max() const { return scale_max_; }
    double shear() const { return shear_; }
    double stroke() const { return stroke_; }

  private:
    double degrees_ = 10.0;   // rotation uniformly in [-degrees, degrees]
    double translate_ = 0.1;  // shift uniformly in [-translate, translate] x image size, per axis
    double scale_min_ = 0.9;  // zoom uniformly in [scale_min, scale_max]
    double scale_max_ = 1.1;
    double shear_ = 0.0;   // x-shear uniformly in [-shear, shear] degrees
    double stroke_ = 0.0;  // probability of thickening or thinning a sample's strokes
};

}  // namespace mnist
