// Dataset<Scalar>: n labelled points, X row-major (n x d), labels y_i in {-1, +1}.
#pragma once

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
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
// Compressed sparse rows (CSR). 32-bit indices: 12 bytes a nonzero; the readers and generators
// refuse data past 2^31 - 1 nonzeros or columns.
template <class Scalar>
using SparseRowMatrix = Eigen::SparseMatrix<Scalar, Eigen::RowMajor, int>;

// Eigen 3.4's SparseMatrix has no move constructor or move assignment: moving a Dataset would copy
// its CSR matrix (388 MB for the real-size sparse set) while the original is still alive. This
// one moves by swapping, and is a SparseRowMatrix everywhere else.
template <class Scalar>
struct MovableSparseRowMatrix : SparseRowMatrix<Scalar> {
  using Base = SparseRowMatrix<Scalar>;
  using Base::Base;
  using Base::operator=;
  MovableSparseRowMatrix() = default;
  MovableSparseRowMatrix(const MovableSparseRowMatrix&) = default;
  MovableSparseRowMatrix& operator=(const MovableSparseRowMatrix&) = default;
  MovableSparseRowMatrix(MovableSparseRowMatrix&& other) noexcept { this->swap(other); }
  MovableSparseRowMatrix& operator=(MovableSparseRowMatrix&& other) noexcept {
    this->swap(other);
    return *this;
  }
  MovableSparseRowMatrix(Base&& other) noexcept { this->swap(other); }
};

// Thrown for anything wrong with a dataset, a dataset spec or a data file. The message names the
// problem (and, for files, "path:line").
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Turns a maximum over the rows one process holds into the maximum over every process's rows (an
// allreduce with max, done by the caller). Empty: the identity, for data held whole. Every process
// must call it the same number of times, so the functions taking it decide only on its results.
template <class Scalar>
using GlobalMax = std::function<Scalar(Scalar)>;

namespace detail {

template <class Scalar>
Scalar global(const GlobalMax<Scalar>& global_max, const Scalar& local) {
  return global_max ? global_max(local) : local;
}

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

// The rows of a dense or a sparse matrix, as the kernels read them: <x_i, v> and out += c x_i.
template <class Scalar>
Scalar row_dot(const RowMatrix<Scalar>& X, std::ptrdiff_t i, const Vector<Scalar>& v) {
  return X.row(i).dot(v);
}
template <class Scalar>
Scalar row_dot(const SparseRowMatrix<Scalar>& X, std::ptrdiff_t i, const Vector<Scalar>& v) {
  Scalar sum(0);
  for (int p = X.outerIndexPtr()[i]; p < X.outerIndexPtr()[i + 1]; ++p)
    sum += X.valuePtr()[p] * v(X.innerIndexPtr()[p]);
  return sum;
}
template <class Scalar>
void add_row(const RowMatrix<Scalar>& X, std::ptrdiff_t i, const Scalar& c, Vector<Scalar>& out) {
  out.noalias() += c * X.row(i).transpose();
}
template <class Scalar>
void add_row(const SparseRowMatrix<Scalar>& X, std::ptrdiff_t i, const Scalar& c,
             Vector<Scalar>& out) {
  for (int p = X.outerIndexPtr()[i]; p < X.outerIndexPtr()[i + 1]; ++p)
    out(X.innerIndexPtr()[p]) += c * X.valuePtr()[p];
}

// Rows [begin, end) of a dataset, numbered from 0 in the order a single process holds them: what
// one process of a data-parallel job generates or reads. The default is every row.
struct RowRange {
  std::int64_t begin = 0;
  std::int64_t end = -1;  // -1: through the last row

  bool everything() const { return begin == 0 && end < 0; }
  // The end for a dataset of n rows: `end`, or n when it is -1.
  std::int64_t end_for(std::int64_t n) const { return end < 0 ? n : end; }
};

template <class Scalar>
struct Dataset {
  RowMatrix<Scalar> X;  // n x d, one example per row (dense data)
  Vector<Scalar> y;     // n labels, each -1 or +1
  std::string spec;     // the dataset spec it was made from (for reports)
  // Sparse data: `sparse` is set, X is empty and Xs holds the n x d matrix, compressed. Code that
  // reads the matrix goes through with_matrix (or checks `sparse`), never X alone.
  MovableSparseRowMatrix<Scalar> Xs = {};
  bool sparse = false;
  // A shard: one process's rows of a dataset that processes share out (block_reducer.h), the
  // rows [first_row, first_row + n()) of total_n() = all_rows. all_rows = -1: the dataset whole.
  std::ptrdiff_t first_row = 0;
  std::ptrdiff_t all_rows = -1;
  // A shard of CSR data: the entries every shard stores together (how CSR sums are cut depends on
  // them). -1: this one's.
  std::ptrdiff_t all_stored = -1;

  // The rows held (a shard's own), and the rows of the whole dataset.
  std::ptrdiff_t n() const { return sparse ? Xs.rows() : X.rows(); }
  std::ptrdiff_t total_n() const { return all_rows < 0 ? n() : all_rows; }
  bool is_shard() const { return all_rows >= 0; }
  std::ptrdiff_t d() const { return sparse ? Xs.cols() : X.cols(); }
  // The entries stored: n * d when dense, the nonzeros when sparse.
  std::ptrdiff_t stored() const { return sparse ? Xs.nonZeros() : X.size(); }
  std::ptrdiff_t total_stored() const { return all_stored < 0 ? stored() : all_stored; }
  // The most entries any row stores: d when dense, the largest nonzero count of a CSR row. A
  // margin <x_i, w> sums that many products, so its rounding bounds grow with it, not with d.
  std::ptrdiff_t max_row_terms() const {
    if (!sparse) return d();
    std::ptrdiff_t most = 0;
    const auto* outer = Xs.outerIndexPtr();
    for (std::ptrdiff_t i = 0; i < n(); ++i)
      most = std::max<std::ptrdiff_t>(most, outer[i + 1] - outer[i]);
    return most;
  }

  // f(X) with X the dense or the sparse matrix; f is usually a generic lambda.
  template <class F>
  decltype(auto) with_matrix(F&& f) const {
    if (sparse) return f(Xs);
    return f(X);
  }

  // Every stored entry, as one vector (in storage order): for scaling, checks and hashing.
  Eigen::Map<const Vector<Scalar>> entries() const {
    return sparse ? Eigen::Map<const Vector<Scalar>>(Xs.valuePtr(), Xs.nonZeros())
                  : Eigen::Map<const Vector<Scalar>>(X.data(), X.size());
  }
  Eigen::Map<Vector<Scalar>> entries() {
    return sparse ? Eigen::Map<Vector<Scalar>>(Xs.valuePtr(), Xs.nonZeros())
                  : Eigen::Map<Vector<Scalar>>(X.data(), X.size());
  }

  // Eigen's norm() is sqrt(sum x^2), which in double overflows for entries past ~1e154 and loses
  // entries below ~1e-154; only then are the rows measured again, divided by the largest |x_ij|
  // first. In the ordinary range the result stays bit for bit Eigen's, as step counts depend on it.
  // With `global_max`, the largest norm over every process's rows (each row's norm does not depend
  // on where the row is stored: Eigen sums a row's squares from its first entry, unaligned).
  Scalar max_row_norm(const GlobalMax<Scalar>& global_max = {}) const {
    const Scalar naive =
        detail::global(global_max, stored() == 0 ? Scalar(0) : row_norm_max(Scalar(1)));
    if (detail::norm_in_safe_range(naive)) return naive;
    const Scalar largest = detail::global(global_max, max_abs_entry());
    if (!(largest > Scalar(0) && largest <= Eigen::NumTraits<Scalar>::highest())) return naive;
    return largest * detail::global(global_max, stored() == 0 ? Scalar(0) : row_norm_max(largest));
  }

  // max |x_ij|, 0 when nothing is stored.
  Scalar max_abs_entry() const {
    return stored() == 0 ? Scalar(0) : Scalar(entries().cwiseAbs().maxCoeff());
  }

  template <class Other>
  Dataset<Other> cast() const {
    return Dataset<Other>{X.template cast<Other>(), y.template cast<Other>(), spec,
                          Xs.template cast<Other>(), sparse, first_row, all_rows, all_stored};
  }

 private:
  // max_i ||x_i / divisor||.
  Scalar row_norm_max(const Scalar& divisor) const {
    if (!sparse) {
      if (divisor == Scalar(1)) return X.rowwise().norm().maxCoeff();
      return Scalar((X / divisor).rowwise().norm().maxCoeff());
    }
    Scalar best(0);
    for (std::ptrdiff_t i = 0; i < Xs.rows(); ++i) {
      const int begin = Xs.outerIndexPtr()[i], end = Xs.outerIndexPtr()[i + 1];
      using std::sqrt;
      const Scalar norm = sqrt(
          (Eigen::Map<const Vector<Scalar>>(Xs.valuePtr() + begin, end - begin) / divisor)
              .squaredNorm());
      if (norm > best) best = norm;
    }
    return best;
  }
};

namespace detail {

// After X /= max_row_norm(), rounding can leave the largest norm, measured again, at 1 + 2^-52
// (a row (2, 7.9) does), and Assumption 1 (||x_i|| <= 1) then fails as every check computes it.
// Each pass multiplies X by 1 - 2^-52, which takes every normal entry at least one ulp towards 0
// (x 2^-52 >= ulp(x)) and so the norm down by about an ulp of 1; one pass is all it ever takes in
// practice, the bound is for safety. Data already at or below 1 keeps its bits.
template <class Scalar>
void correct_max_row_norm(Dataset<Scalar>& data, const GlobalMax<Scalar>& global_max = {}) {
  if constexpr (std::is_floating_point_v<Scalar>) {
    const Scalar shrink = 1 - std::numeric_limits<Scalar>::epsilon();
    for (int pass = 0; pass < 64 && data.max_row_norm(global_max) > Scalar(1); ++pass)
      data.entries() *= shrink;
  }
}

}  // namespace detail

// Divides every row by the largest row norm, so that max ||x_i|| = 1 to rounding and the geometry
// (angles, ratios of margins) is kept; a final correction guarantees max_row_norm() <= 1 exactly
// as computed. A dataset whose rows are all zero is left as it is.
// The rows of one process of a data-parallel job are scaled as the whole dataset would be, bit for
// bit, when `global_max` combines each maximum over the processes (see GlobalMax): each entry is
// divided by the same numbers, and every process takes the same branches and passes.
template <class Scalar>
void scale_rows_by_max_norm(Dataset<Scalar>& data, const GlobalMax<Scalar>& global_max = {}) {
  // Nothing stored goes the way of all-zero rows (m = 0, largest = 0), calling global_max as often.
  const Scalar m = data.max_row_norm(global_max);
  if (detail::norm_in_safe_range(m)) {
    data.entries() /= m;
    detail::correct_max_row_norm(data, global_max);
    return;
  }
  // m is 0, subnormal (dividing by it is inexact), infinite although every entry is finite, or
  // NaN. Bringing the largest entry to 1 first puts the largest norm between 1 and sqrt(d).
  const Scalar largest = detail::global(global_max, data.max_abs_entry());
  if (!(largest > Scalar(0) && largest <= Eigen::NumTraits<Scalar>::highest())) return;
  data.entries() /= largest;
  data.entries() /= data.max_row_norm(global_max);
  detail::correct_max_row_norm(data, global_max);
}

// Checks the invariants every consumer relies on: n >= 1, d >= 1, y.size() == n, labels in
// {-1, +1}, all entries finite. Throws DataError naming the first violation.
void validate(const Dataset<double>& data);

}  // namespace largestep
