// Real datasets shipped by Debian packages, by name: scikit-learn's digits (two classes) and
// breast_cancer (python3-sklearn), LIBLINEAR's heart_scale (liblinear-tools), Fashion-MNIST (two
// groups of classes; dataset-fashion-mnist). Rows are divided by the largest row norm (as the
// readers' scale=max), so max ||x_i|| = 1 and the geometry is kept; Fashion-MNIST's test split is
// divided by its training split's factor instead (load_fashion).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "largestep/kernel/dataset.h"
#include "largestep/kernel/progress.h"

namespace largestep {

inline constexpr std::string_view kDigitsPath =
    "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
inline constexpr std::string_view kBreastCancerPath =
    "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv";
inline constexpr std::string_view kHeartScalePath =
    "/usr/share/doc/liblinear-tools/examples/heart_scale";
// The directory of Fashion-MNIST's four gzip-compressed IDX files.
inline constexpr std::string_view kFashionDir = "/usr/share/datasets/fashion-mnist";

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

// Two disjoint, non-empty groups of Fashion-MNIST classes, "AvB" with A and B lists of classes
// 0..9 joined by '+' (7v9, 0+2+4+6v1+3+5+7): the classes of A become -1, those of B +1.
struct FashionClasses {
  std::vector<int> negative;  // sorted
  std::vector<int> positive;  // sorted

  // Reads "AvB"; a class named twice (on one side or on both), a class outside 0..9 or an empty
  // side is a DataError naming it. The classes of each side are sorted.
  static FashionClasses parse(std::string_view text);
  std::string str() const;  // "AvB", each side sorted: the canonical form
};

enum class FashionSplit { train, test };

// The IDX files of a split: train-{images-idx3,labels-idx1}-ubyte.gz or the t10k-... pair.
struct FashionFiles {
  std::string images, labels;
};
FashionFiles fashion_files(FashionSplit split, const std::string& dir = std::string(kFashionDir));

// The images of the chosen classes, in file order, 784 features (28 x 28 pixels, row by row),
// each pixel / 255. split=train is then divided by its largest row norm as every dataset is. The
// test split is divided by the same number, the largest row norm of the training images of those
// classes, so that a weight vector learnt on the training rows sees test rows on the scale it was
// learnt on (their largest norm is then near 1, not exactly 1). Only the chosen rows are held in
// memory; the files are streamed. `dir` holds the four files (a test's synthetic ones; any image
// size is accepted there, the labels must be 0..9). `progress` hears the images read of each
// image file streamed (the test split also streams the training images, for its scale).
Dataset<double> load_fashion(const FashionClasses& classes, FashionSplit split,
                             const std::string& dir = std::string(kFashionDir),
                             const ProgressSink& progress = {});

// The factor the rows of the chosen classes are divided by, in both splits: the largest norm of
// their training images, pixels / 255.
double fashion_scale(const FashionClasses& classes,
                     const std::string& dir = std::string(kFashionDir),
                     const ProgressSink& progress = {});

}  // namespace largestep
