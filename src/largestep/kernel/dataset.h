// Dataset<Scalar>: n labelled points, X row-major (n x d), labels y_i in {-1, +1}.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace largestep {

template <class Scalar>
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
template <class Scalar>
using RowMatrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

// Thrown for anything wrong with a dataset, a dataset spec or a data file. The message names the
// problem (and, for files, "path:line").
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

// Whether Eigen's sqrt(sum x^2) is accurate for a row of this norm: finite (the sum did not
// overflow) and at least sqrt(min / eps), above which the squares lost to underflow (each below
// 2^-1075 in double) are far below an ulp of the sum. MPFR's exponent range puts both out of reach.
template <class Scalar>
bool norm_in_safe_range(const Scalar& norm) {
  if constexpr (std::is_floating_point_v<Scalar>) {
    using Limits = std::numeric_limits<Scalar>;
    return norm >= std::sqrt(Limits::min() / Limits::epsilon()) && norm <= Limits::max();
  } else {
    return norm > Scalar(0);
  }
}

}  // namespace detail

template <class Scalar>
struct Dataset {
  RowMatrix<Scalar> X;  // n x d, one example per row
  Vector<Scalar> y;     // n labels, each -1 or +1
  std::string spec;     // the dataset spec it was made from (for reports)

  std::ptrdiff_t n() const { return X.rows(); }
  std::ptrdiff_t d() const { return X.cols(); }

  // Eigen's norm() is sqrt(sum x^2), which in double overflows for entries past ~1e154 and loses
  // entries below ~1e-154; only then are the rows measured again, divided by the largest |x_ij|
  // first. In the ordinary range the result stays bit for bit Eigen's, as step counts depend on it.
  Scalar max_row_norm() const {
    if (X.size() == 0) return Scalar(0);
    const Scalar naive = X.rowwise().norm().maxCoeff();
    if (detail::norm_in_safe_range(naive)) return naive;
    const Scalar largest = X.cwiseAbs().maxCoeff();
    if (!(largest > Scalar(0) && largest <= Eigen::NumTraits<Scalar>::highest())) return naive;
    return largest * Scalar((X / largest).rowwise().norm().maxCoeff());
  }

  template <class Other>
  Dataset<Other> cast() const {
    return Dataset<Other>{X.template cast<Other>(), y.template cast<Other>(), spec};
  }
};

namespace detail {

// After X /= max_row_norm(), rounding can leave the largest norm, measured again, at 1 + 2^-52
// (a row (2, 7.9) does), and Assumption 1 (||x_i|| <= 1) then fails as every check computes it.
// Each pass multiplies X by 1 - 2^-52, which takes every normal entry at least one ulp towards 0
// (x 2^-52 >= ulp(x)) and so the norm down by about an ulp of 1; one pass is all it ever takes in
// practice, the bound is for safety. Data already at or below 1 keeps its bits.
template <class Scalar>
void correct_max_row_norm(Dataset<Scalar>& data) {
  if constexpr (std::is_floating_point_v<Scalar>) {
    const Scalar shrink = 1 - std::numeric_limits<Scalar>::epsilon();
    for (int pass = 0; pass < 64 && data.max_row_norm() > Scalar(1); ++pass) data.X *= shrink;
  }
}

}  // namespace detail

// Divides every row by the largest row norm, so that max ||x_i|| = 1 to rounding and the geometry
// (angles, ratios of margins) is kept; a final correction guarantees max_row_norm() <= 1 exactly
// as computed. A dataset whose rows are all zero is left as it is.
template <class Scalar>
void scale_rows_by_max_norm(Dataset<Scalar>& data) {
  if (data.X.size() == 0) return;
  const Scalar m = data.max_row_norm();
  if (detail::norm_in_safe_range(m)) {
    data.X /= m;
    detail::correct_max_row_norm(data);
    return;
  }
  // m is 0, subnormal (dividing by it is inexact), infinite although every entry is finite, or
  // NaN. Bringing the largest entry to 1 first puts the largest norm between 1 and sqrt(d).
  const Scalar largest = data.X.cwiseAbs().maxCoeff();
  if (!(largest > Scalar(0) && largest <= Eigen::NumTraits<Scalar>::highest())) return;
  data.X /= largest;
  data.X /= data.max_row_norm();
  detail::correct_max_row_norm(data);
}

// Checks the invariants every consumer relies on: n >= 1, d >= 1, y.size() == n, labels in
// {-1, +1}, all entries finite. Throws DataError naming the first violation.
void validate(const Dataset<double>& data);

}  // namespace largestep
