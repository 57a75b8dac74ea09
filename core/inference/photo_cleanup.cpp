#include "core/inference/photo_cleanup.h"

#include "core/math_constants.h"

#if MNIST_HAVE_OPENCV
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <opencv2/imgproc.hpp>
#endif

namespace mnist {

#if MNIST_HAVE_OPENCV

namespace {

// Photos are worked on at most this big: a digit 20 % of the frame is still ~100 px tall, four
// times the 20 px MNIST box, and a 12-megapixel phone photo costs no more than a small one.
constexpr int kWorkSide = 512;
// The light is estimated on a thumbnail this big, closed with a square a third of its shorter
// side: wider than any pen stroke, narrower than the light's changes across the page.
constexpr int kLightThumbSide = 96;
constexpr double kLightKernelShare = 1.0 / 3.0;
constexpr double kLightSmoothing = 1.5;  // thumbnail px
// Lines are straight and run across the frame: kept by an opening with a line this long (as a
// share of the frame's extent along it), which no stroke of a digit 70 % of the frame survives.
constexpr double kLineLengthShare = 0.75;
// How far the page may be turned, and the Hough resolution the lines' angle is found with.
constexpr double kMaxTurnDegrees = 15.0;
constexpr double kHoughStepDegrees = 0.5;
// Darkness (1 - reflectance relative to the paper) below this is never ink, whatever the noise.
constexpr float kMinInkThreshold = 0.08f;
// Noise: a pixel is ink when it is this many noise deviations darker than the paper.
constexpr float kNoiseDeviations = 5.0f;
// The digit's typical stroke must be at least this dark, or the paper is blank.
constexpr float kMinStrokeDarkness = 0.2f;
// A digit is at least this share of the frame's shorter side: smaller is a speck or a crumb.
constexpr double kMinDigitShare = 0.05;
// Other parts join the digit when this close to it (share of its longer side) and at least this
// big (share of its area): the flag of a 5 does, a speck of dust does not.
constexpr double kJoinDistanceShare = 0.25;
constexpr double kMinPartShare = 0.02;
// The share of the paper's level a pixel must stand out from it by to tell which way ink goes.
constexpr float kPolarityContrast = 0.3f;
// Once the strokes' darkness is known, ink is what reaches this share of it.
constexpr float kStrokeShare = 0.35f;

// A light blur of the darkness, so that sensor noise and JPEG blocks do not break strokes apart.
constexpr double kDarknessSmoothing = 0.8;  // px

// `gray` shrunk to the thumbnail the paper is estimated on, and in `side` the (odd) width of the
// square that spans a third of its shorter side.
cv::Mat light_thumbnail(const cv::Mat& gray, int* side) {
    const double shrink =
        std::min(1.0, static_cast<double>(kLightThumbSide) / std::max(gray.cols, gray.rows));
    cv::Mat thumb;
    cv::resize(gray, thumb, cv::Size(), shrink, shrink, cv::INTER_AREA);
    *side = std::max(3, static_cast<int>(kLightKernelShare * std::min(thumb.cols, thumb.rows)) | 1);
    return thumb;
}

// The paper's brightness under the photo's light, from the 8-bit, dark-ink `gray`: a
// morphological close wipes out every stroke narrower than its square, and follows light that
// changes steadily across the page exactly.
cv::Mat estimate_paper(const cv::Mat& gray) {
    int side = 0;
    cv::Mat thumb = light_thumbnail(gray, &side);
    cv::morphologyEx(thumb, thumb, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(side, side)));
    // Only the close's plateaus on noisy paper are smoothed: more would shift a steep fall-off.
    cv::GaussianBlur(thumb, thumb, cv::Size(), kLightSmoothing);
    cv::Mat paper;
    cv::resize(thumb, paper, gray.size(), 0, 0, cv::INTER_LINEAR);
    paper.convertTo(paper, CV_32F);
    return paper;
}

float median_of(std::vector<float> values) {
    if (values.empty()) return 0.0f;
    auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

// The angle (degrees, 0 = along the rows) of the strongest long straight line within
// kMaxTurnDegrees of the rows (`across` false) or of the columns (`across` true); false if none.
bool find_line_angle(const cv::Mat& marks, bool across, double* degrees) {
    const double extent = across ? marks.rows : marks.cols;
    const double step = kHoughStepDegrees * kRadiansPerDegree;
    const double turn = kMaxTurnDegrees * kRadiansPerDegree;
    // OpenCV's theta is the normal's angle: rows' lines have theta near pi/2, columns' near 0/pi.
    std::vector<cv::Vec3f> lines;
    const int votes = static_cast<int>(0.5 * extent);
    if (!across) {
        cv::HoughLines(marks, lines, 1, step, votes, 0, 0, kPi / 2 - turn, kPi / 2 + turn);
    } else {
        cv::HoughLines(marks, lines, 1, step, votes, 0, 0, 0.0, turn);
        std::vector<cv::Vec3f> more;
        cv::HoughLines(marks, more, 1, step, votes, 0, 0, kPi - turn, kPi);
        lines.insert(lines.end(), more.begin(), more.end());
    }
    if (lines.empty()) return false;
    const auto best =
        std::max_element(lines.begin(), lines.end(),
                         [](const cv::Vec3f& a, const cv::Vec3f& b) { return a[2] < b[2]; });
    double theta = (*best)[1] * 180.0 / kPi;
    *degrees = across ? (theta > 90.0 ? theta - 180.0 : theta) : theta - 90.0;
    return true;
}

// A one-pixel line `length` px long at `degrees` from the rows, as a structuring element.
cv::Mat line_kernel(double length, double degrees) {
    const double a = degrees * kPi / 180.0;
    const int dx = static_cast<int>(std::lround(std::abs(std::cos(a)) * length / 2.0));
    const int dy = static_cast<int>(std::lround(std::abs(std::sin(a)) * length / 2.0));
    cv::Mat kernel = cv::Mat::zeros(2 * dy + 1, 2 * dx + 1, CV_8U);
    const bool rising = std::cos(a) * std::sin(a) < 0;  // image rows grow downwards
    cv::line(kernel, cv::Point(0, rising ? 2 * dy : 0), cv::Point(2 * dx, rising ? 0 : 2 * dy),
             cv::Scalar(1), 1, cv::LINE_8);
    return kernel;
}

// The darkness of the long straight lines in `dark` (ruled lines along the rows, margin lines
// across them), spread a pixel to each side so that a line's soft edges are covered too.
cv::Mat line_darkness(const cv::Mat& dark, const cv::Mat& marks) {
    cv::Mat lines = cv::Mat::zeros(dark.size(), CV_32F);
    double rows_angle = 0.0, columns_angle = 0.0;
    const bool ruled = find_line_angle(marks, false, &rows_angle);
    const bool margin = find_line_angle(marks, true, &columns_angle);
    if (!ruled && !margin) return lines;
    // Lines on one page are square to each other: the stronger family sets the page's turn.
    if (ruled)
        columns_angle = rows_angle + 90.0;
    else
        columns_angle += 90.0;
    // Widened first, so that the one-pixel kernel finds the line's darkest core at any angle.
    cv::Mat widened;
    cv::dilate(dark, widened, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    for (const auto& [angle, extent] : {std::pair<double, int>{rows_angle, dark.cols},
                                        std::pair<double, int>{columns_angle, dark.rows}}) {
        cv::Mat opened;
        cv::morphologyEx(widened, opened, cv::MORPH_OPEN,
                         line_kernel(kLineLengthShare * extent, angle));
        // Where two lines cross, each takes its share of the light that the other left.
        lines = 1.0 - (1.0 - lines).mul(1.0 - opened);
    }
    cv::dilate(lines, lines, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    return lines;
}

struct Part {
    cv::Rect box;
    int area = 0;
    double mass = 0.0;
};

double gap_between(const cv::Rect& a, const cv::Rect& b) {
    const int dx = std::max({0, a.x - (b.x + b.width), b.x - (a.x + a.width)});
    const int dy = std::max({0, a.y - (b.y + b.height), b.y - (a.y + a.height)});
    return std::hypot(dx, dy);
}

struct Digit {
    cv::Mat mask;        // 255 on its parts
    cv::Rect box;        // around them
    float stroke = 0.f;  // how dark its strokes are: the 90th percentile of its darkness
};

// The heaviest connected part of what is darker than `threshold`, with the parts near it.
Digit find_digit(const cv::Mat& dark, const cv::Mat& threshold) {
    Digit digit;
    cv::Mat labels, stats, centroids;
    const int count =
        cv::connectedComponentsWithStats(dark > threshold, labels, stats, centroids, 8, CV_32S);
    if (count <= 1) return digit;
    std::vector<Part> parts(static_cast<std::size_t>(count));
    for (int i = 1; i < count; ++i) {
        parts[i].box =
            cv::Rect(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                     stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
        parts[i].area = stats.at<int>(i, cv::CC_STAT_AREA);
    }
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const float* d = dark.ptr<float>(y);
        for (int x = 0; x < labels.cols; ++x)
            if (l[x] > 0) parts[static_cast<std::size_t>(l[x])].mass += d[x];
    }
    std::size_t main = 1;
    for (std::size_t i = 2; i < parts.size(); ++i)
        if (parts[i].mass > parts[main].mass) main = i;

    std::vector<std::uint8_t> keep(parts.size(), 0);
    keep[main] = 1;
    cv::Rect box = parts[main].box;
    for (bool grew = true; grew;) {
        grew = false;
        const double reach = kJoinDistanceShare * std::max(box.width, box.height);
        for (std::size_t i = 1; i < parts.size(); ++i) {
            if (keep[i] || parts[i].area < kMinPartShare * parts[main].area) continue;
            if (gap_between(parts[i].box, box) > reach) continue;
            keep[i] = 1;
            box |= parts[i].box;
            grew = true;
        }
    }

    digit.box = box;
    std::vector<float> stroke;
    digit.mask = cv::Mat::zeros(labels.size(), CV_8U);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const float* d = dark.ptr<float>(y);
        std::uint8_t* m = digit.mask.ptr<std::uint8_t>(y);
        for (int x = 0; x < labels.cols; ++x)
            if (l[x] > 0 && keep[static_cast<std::size_t>(l[x])]) {
                m[x] = 255;
                stroke.push_back(d[x]);
            }
    }
    auto at = stroke.begin() + static_cast<std::ptrdiff_t>(stroke.size() * 9 / 10);
    std::nth_element(stroke.begin(), at, stroke.end());
    digit.stroke = *at;
    return digit;
}

// True when the ink is lighter than the paper. The paper is what a median over a third of the
// frame shows, whichever way the ink goes and however many ruled lines there are; ink is what
// stands out of it by more than the noise and by kPolarityContrast of the paper's own level
// (ink is a third of the paper's light or less; a steep fall-off of light, which the median
// follows only roughly, is not). Light ink must clearly outweigh dark ink: dark ink on paper is
// what photos show.
bool ink_is_light(const cv::Mat& gray) {
    int side = 0;
    const cv::Mat thumb = light_thumbnail(gray, &side);
    cv::Mat paper;
    cv::medianBlur(thumb, paper, side);
    cv::resize(paper, paper, gray.size(), 0, 0, cv::INTER_LINEAR);
    cv::Mat residual;
    cv::subtract(gray, paper, residual, cv::noArray(), CV_32F);
    std::vector<float> spread(residual.begin<float>(), residual.end<float>());
    for (float& v : spread) v = std::abs(v);
    const float noise = 3.0f * 1.4826f * median_of(std::move(spread)) + 1.0f;
    double light = 0.0, dark = 0.0;
    for (int y = 0; y < gray.rows; ++y) {
        const float* r = residual.ptr<float>(y);
        const std::uint8_t* p = paper.ptr<std::uint8_t>(y);
        for (int x = 0; x < gray.cols; ++x) {
            const float floor = std::max(noise, kPolarityContrast * p[x]);
            light += std::max(0.0f, r[x] - floor);
            dark += std::max(0.0f, -r[x] - floor);
        }
    }
    return light > 2.0 * dark;
}

// The photo at working size with dark ink (inverted when the ink is light), as darkness: 1 minus
// the reflectance relative to the lit paper, so 0 is paper and 1 black whatever the light.
struct Darkness {
    cv::Mat dark;   // CV_32F
    cv::Mat paper;  // CV_32F, the lit paper's grey level
};

Darkness to_darkness(const GrayImage& photo) {
    const cv::Mat input(photo.height, photo.width, CV_8U,
                        const_cast<std::uint8_t*>(photo.pixels.data()));
    cv::Mat gray;
    const double shrink =
        std::min(1.0, static_cast<double>(kWorkSide) / std::max(photo.width, photo.height));
    cv::resize(input, gray, cv::Size(), shrink, shrink, cv::INTER_AREA);
    if (ink_is_light(gray)) gray = 255 - gray;
    Darkness d;
    d.paper = cv::max(estimate_paper(gray), 1.0);
    gray.convertTo(d.dark, CV_32F);
    cv::divide(d.dark, d.paper, d.dark);
    d.dark = 1.0 - cv::min(d.dark, 1.0);
    cv::GaussianBlur(d.dark, d.dark, cv::Size(), kDarknessSmoothing);
    return d;
}

// Per pixel, the darkness that is surely not noise. The noise is measured on the paper itself
// (most of the frame), by the median absolute deviation in grey levels, so that the darker
// corners, where the same sensor noise is more darkness, get a higher bar.
cv::Mat noise_threshold(const Darkness& d) {
    std::vector<float> deviation;
    deviation.reserve(d.dark.total());
    for (int y = 0; y < d.dark.rows; ++y) {
        const float* dark = d.dark.ptr<float>(y);
        const float* paper = d.paper.ptr<float>(y);
        for (int x = 0; x < d.dark.cols; ++x) deviation.push_back(dark[x] * paper[x]);
    }
    const float centre = median_of(deviation);
    for (float& v : deviation) v = std::abs(v - centre);
    const float noise_levels = 1.4826f * median_of(std::move(deviation));
    cv::Mat threshold;
    cv::divide(kNoiseDeviations * noise_levels + centre, d.paper, threshold);
    return cv::max(threshold, kMinInkThreshold);
}

// The digit as dark ink on white: full ink where it is as dark as its strokes, the strokes' soft
// edges (below the threshold, a couple of pixels around the mask) ramping down to the paper.
GrayImage ink_on_white(const cv::Mat& ink_dark, const Digit& digit, const cv::Mat& threshold) {
    cv::Mat mask;
    cv::dilate(digit.mask, mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(5, 5)));
    GrayImage image;
    image.width = ink_dark.cols;
    image.height = ink_dark.rows;
    image.pixels.assign(static_cast<std::size_t>(image.width) * image.height, 255);
    for (int y = 0; y < image.height; ++y) {
        const float* d = ink_dark.ptr<float>(y);
        const float* t = threshold.ptr<float>(y);
        const std::uint8_t* m = mask.ptr<std::uint8_t>(y);
        std::uint8_t* out = &image.pixels[static_cast<std::size_t>(y) * image.width];
        for (int x = 0; x < image.width; ++x) {
            if (!m[x]) continue;
            const float low = 0.5f * t[x];
            const float v =
                std::clamp((d[x] - low) / std::max(digit.stroke - low, 1e-3f), 0.0f, 1.0f);
            out[x] = static_cast<std::uint8_t>(std::lround(255.0f * (1.0f - v)));
        }
    }
    return image;
}

}  // namespace

bool photo_cleanup_available() {
    return true;
}

CleanedPhoto clean_photo(const GrayImage& photo) {
    CleanedPhoto result;
    result.cleaned = true;
    result.blank = true;
    if (photo.width <= 0 || photo.height <= 0 ||
        photo.pixels.size() < static_cast<std::size_t>(photo.width) * photo.height)
        return result;
    const Darkness d = to_darkness(photo);
    cv::Mat threshold = noise_threshold(d);

    // Ruled and margin lines go, as a part of the paper: a stroke crossing one keeps its ink.
    const cv::Mat lines = line_darkness(d.dark, d.dark > threshold);
    cv::Mat ink_dark = (d.dark - lines) / (1.0 - cv::min(lines, 0.9));
    ink_dark = cv::max(ink_dark, 0.0);

    // The digit: first found among everything darker than the noise, which tells how dark its
    // strokes are; then again among what is a fair share of that dark, so that faint traces (of
    // lines, of shading) that touch it do not come with it.
    const Digit found = find_digit(ink_dark, threshold);
    if (found.stroke < kMinStrokeDarkness) return result;
    threshold = cv::max(threshold, kStrokeShare * found.stroke);
    const Digit digit = find_digit(ink_dark, threshold);
    const int frame_side = std::min(ink_dark.cols, ink_dark.rows);
    if (digit.stroke < kMinStrokeDarkness ||
        std::max(digit.box.width, digit.box.height) < kMinDigitShare * frame_side)
        return result;
    result.blank = false;
    result.image = ink_on_white(ink_dark, digit, threshold);
    return result;
}

#else

bool photo_cleanup_available() {
    return false;
}

CleanedPhoto clean_photo(const GrayImage&) {
    return {};
}

#endif

}  // namespace mnist
