#pragma once
// What an MNIST image is, in one place: 28x28 grey pixels of ten classes, fed to every model
// normalised with the training set's mean and standard deviation (as the seed's
// transforms.Normalize((0.1307,), (0.3081,)) does).

namespace mnist {

inline constexpr int kImageSide = 28;
inline constexpr int kImagePixels = kImageSide * kImageSide;
inline constexpr int kNumClasses = 10;

inline constexpr double kMnistMean = 0.1307;
inline constexpr double kMnistStd = 0.3081;

}  // namespace mnist
