// Real datasets shipped by Debian packages, by name: scikit-learn's digits (two classes) and
// breast_cancer (python3-sklearn), LIBLINEAR's heart_scale (liblinear-tools). Rows are divided by
// the largest row norm (as the readers' scale=max), so max ||x_i|| = 1 and the geometry is kept.
#pragma once

#include <string>
#include <string_view>

#include "largestep/kernel/dataset.h"

namespace largestep {

inline constexpr std::string_view kDigitsPath =
    "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
inline constexpr std::string_view kBreastCancerPath =
    "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv";
inline constexpr std::string_view kHeartScalePath =
    "/usr/share/doc/liblinear-tools/examples/heart_scale";

// Two digit classes of the digits spec "AvB": A becomes -1, B becomes +1.
struct DigitClasses {
  int negative = 0;
  int positive = 0;

  // Reads "AvB" with A != B single digits 0..9; a DataError names what is wrong otherwise
  // (digits:3v3, digits:0v10, digits:08).
  static DigitClasses parse(std::string_view text);
  std::string str() const;  // "AvB"
};

// The 8x8 digit images of classes A and B: 64 pixel features (0..16), in file order. The file is
// gzip-compressed CSV, 65 integers a line, the class last.
Dataset<double> load_digits(DigitClasses classes,
                            const std::string& path = std::string(kDigitsPath));

// Wisconsin diagnostic breast cancer: 569 examples, 30 features; malignant (target 0) becomes -1,
// benign (target 1) +1, as scikit-learn's target 0/1 sorted. The file's first line holds
// "n_samples,n_features,class names", not column names; it is checked against the rows.
Dataset<double> load_breast_cancer(const std::string& path = std::string(kBreastCancerPath));

// LIBLINEAR's example heart_scale: 270 examples, 13 features scaled to [-1, 1], labels +1/-1.
Dataset<double> load_heart_scale(const std::string& path = std::string(kHeartScalePath));

}  // namespace largestep
