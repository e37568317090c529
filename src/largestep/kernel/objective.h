// f(w) = (1/n) sum_i l(y_i <x_i, w>) + (lambda/2) ||w||^2, with l the logistic loss.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <type_traits>

#include "largestep/kernel/dataset.h"
#include "largestep/kernel/logistic.h"

namespace largestep {

// Rows per block of the data-parallel reduction. The blocking depends on n only, and the block
// partial sums are added in block order, so results are bitwise identical for any thread count.
inline constexpr std::ptrdiff_t kRowsPerBlock = 512;

// The largest eigenvalue of X^T X, from the Gram matrix of X's smaller side.
template <class Scalar>
Scalar largest_gram_eigenvalue(const RowMatrix<Scalar>& X) {
  const Matrix<Scalar> gram =
      X.rows() >= X.cols() ? Matrix<Scalar>(X.transpose() * X) : Matrix<Scalar>(X * X.transpose());
  if (gram.size() == 0) return Scalar(0);
  Eigen::SelfAdjointEigenSolver<Matrix<Scalar>> solver(gram, Eigen::EigenvaluesOnly);
  return solver.eigenvalues().maxCoeff();
}

// Stateless view of a dataset and a regularization strength: every method is const, and the
// object holds a reference to the data, which must outlive it.
template <class Scalar>
class LogisticObjective {
 public:
  using Vec = Vector<Scalar>;
  using Mat = Matrix<Scalar>;

  LogisticObjective(const Dataset<Scalar>& data, Scalar lambda) : data_(data), lambda_(lambda) {}

  const Dataset<Scalar>& data() const { return data_; }
  Scalar lambda() const { return lambda_; }
  std::ptrdiff_t dim() const { return data_.d(); }

  // L(w) = (1/n) sum_i l(z_i), z_i = y_i <x_i, w>: the unregularized loss.
  Scalar loss(const Vec& w) const {
    Scalar sum(0);
    for (std::ptrdiff_t i = 0; i < data_.n(); ++i) sum += logistic_loss(margin(i, w));
    return sum / Scalar(data_.n());
  }

  Scalar value(const Vec& w) const { return loss(w) + regularizer(w); }

  Vec gradient(const Vec& w) const {
    Vec grad;
    value_and_gradient(w, grad);
    return grad;
  }

  // f(w) and grad f(w) = (1/n) sum_i l'(z_i) y_i x_i + lambda w in one pass over X: each row is
  // read once and used for both its margin and its gradient term while it is in cache.
  Scalar value_and_gradient(const Vec& w, Vec& grad) const {
    const std::ptrdiff_t n = data_.n();
    const std::ptrdiff_t blocks = (n + kRowsPerBlock - 1) / kRowsPerBlock;
    Scalar loss_sum(0);
    grad.setZero(dim());
    if (blocks <= 1) {
      accumulate_rows(0, n, w, loss_sum, grad);
    } else {
      Mat partial_grad = Mat::Zero(dim(), blocks);
      Vec partial_loss = Vec::Zero(blocks);
#if defined(LARGESTEP_HAVE_OPENMP)
#pragma omp parallel for schedule(static) if (std::is_arithmetic_v<Scalar>)
#endif
      for (std::ptrdiff_t b = 0; b < blocks; ++b) {
        Vec g = Vec::Zero(dim());
        Scalar l(0);
        accumulate_rows(b * kRowsPerBlock, std::min(n, (b + 1) * kRowsPerBlock), w, l, g);
        partial_grad.col(b) = g;
        partial_loss(b) = l;
      }
      for (std::ptrdiff_t b = 0; b < blocks; ++b) {
        loss_sum += partial_loss(b);
        grad += partial_grad.col(b);
      }
    }
    grad /= Scalar(n);
    grad += lambda_ * w;
#if defined(LARGESTEP_INJECT_EXTRA_WORK)
    inject_extra_work(w);
#endif
    return loss_sum / Scalar(n) + regularizer(w);
  }

  // hess f(w) = (1/n) X^T diag(l''(z)) X + lambda I.
  Mat hessian(const Vec& w) const {
    Mat h = Mat::Zero(dim(), dim());
    for (std::ptrdiff_t i = 0; i < data_.n(); ++i) {
      const Vec x = data_.X.row(i).transpose();
      h.noalias() += logistic_curvature(margin(i, w)) * (x * x.transpose());
    }
    h /= Scalar(data_.n());
    h.diagonal().array() += lambda_;
    return h;
  }

  Vec hessian_times(const Vec& w, const Vec& v) const {
    Vec out = Vec::Zero(dim());
    for (std::ptrdiff_t i = 0; i < data_.n(); ++i) {
      const Scalar xv = data_.X.row(i).dot(v);
      out.noalias() += (logistic_curvature(margin(i, w)) * xv) * data_.X.row(i).transpose();
    }
    out /= Scalar(data_.n());
    out += lambda_ * v;
    return out;
  }

  // L_s = lambda + lambda_max(X^T X) / (4n): l'' <= 1/4 bounds the loss Hessian everywhere.
  Scalar smoothness() const {
    return lambda_ + largest_gram_eigenvalue(data_.X) / (Scalar(4) * Scalar(data_.n()));
  }

  Scalar strong_convexity() const { return lambda_; }

 private:
  Scalar margin(std::ptrdiff_t i, const Vec& w) const { return data_.y(i) * data_.X.row(i).dot(w); }

  Scalar regularizer(const Vec& w) const { return lambda_ / Scalar(2) * w.squaredNorm(); }

  // Adds rows [begin, end) to loss_sum and grad a panel at a time. A panel (16 KiB of X, half a
  // typical L1) is read from memory once, row by row for its margins z = y .* (X_p w) (a plain
  // sequential stream, which the hardware prefetchers follow better than a matrix-vector
  // kernel's interleaved rows), then reused from L1 by grad += X_p^T r, Eigen's matrix-vector
  // kernel, which shares each load and store of grad across rows. In between, l(z) = max(-z, 0)
  // + log1p(e) and l'(z) = -s(-z), e = exp(-|z|): logistic.h's stable forms, on arrays so that
  // Eigen vectorizes them. The panels depend on d only, so the results do not depend on the
  // thread count; the fixed-capacity arrays keep the heap out of the loop. Under kMinPanelRows
  // rows the setup costs more than the arithmetic, so the paper's tiny datasets (oned, hard,
  // toy4) go row by row, with logistic.h's scalar functions.
  void accumulate_rows(std::ptrdiff_t begin, std::ptrdiff_t end, const Vec& w, Scalar& loss_sum,
                       Vec& grad) const {
    constexpr std::ptrdiff_t kMinPanelRows = 8;
    if (end - begin < kMinPanelRows) {
      for (std::ptrdiff_t i = begin; i < end; ++i) {
        const Scalar z = margin(i, w);
        loss_sum += logistic_loss(z);
        grad.noalias() += (logistic_derivative(z) * data_.y(i)) * data_.X.row(i).transpose();
      }
      return;
    }
    constexpr std::ptrdiff_t kPanelBytes = 16 << 10;
    constexpr int kMaxPanelRows = 64;
    using PanelVec = Eigen::Matrix<Scalar, Eigen::Dynamic, 1, Eigen::ColMajor, kMaxPanelRows, 1>;
    using Panel = Eigen::Array<Scalar, Eigen::Dynamic, 1, Eigen::ColMajor, kMaxPanelRows, 1>;
    const std::ptrdiff_t row_bytes = std::max<std::ptrdiff_t>(dim(), 1) * sizeof(Scalar);
    const std::ptrdiff_t panel_rows =
        std::clamp<std::ptrdiff_t>(kPanelBytes / row_bytes, 1, kMaxPanelRows);
    PanelVec xw, r;
    for (std::ptrdiff_t i = begin; i < end; i += panel_rows) {
      const std::ptrdiff_t rows = std::min(panel_rows, end - i);
      xw.resize(rows);
      for (std::ptrdiff_t k = 0; k < rows; ++k) xw(k) = data_.X.row(i + k).dot(w);
      const Panel y = data_.y.segment(i, rows).array();
      const Panel z = xw.array() * y;
      const Panel e = (-z.abs()).exp();
      const Panel u = Scalar(1) + e;
      // Eigen 3.4 vectorizes neither select nor log1p in double (callgrind: their scalar libm
      // calls were a fifth of the instructions at d = 64), so both are rewritten: log1p(e) =
      // log(u) - ((u - 1) - e) / u, the rounding of u corrected (within ~1 ulp for e in [0, 1]),
      // and the numerator of s(-z), e for z >= 0 and 1 below, is e^-max(z, 0), exactly.
      loss_sum += ((-z).max(Scalar(0)) + u.log() - ((u - Scalar(1)) - e) / u).sum();
      r = (-(-z.max(Scalar(0))).exp() / u * y).matrix();
      grad.noalias() += data_.X.middleRows(i, rows).transpose() * r;
    }
  }

#if defined(LARGESTEP_INJECT_EXTRA_WORK)
  // Test-only (CMake -DLARGESTEP_INJECT_EXTRA_WORK=P): P% more rows per evaluation on average,
  // results discarded, fractions of a row carried over, nothing allocated (the count gate's proof).
  void inject_extra_work(const Vec& w) const {
    static thread_local std::ptrdiff_t owed = 0;  // hundredths of a row
    static thread_local Vec grad;
    owed += data_.n() * std::ptrdiff_t{LARGESTEP_INJECT_EXTRA_WORK};
    const std::ptrdiff_t rows = owed / 100;
    if (rows == 0) return;
    owed -= 100 * rows;
    Scalar loss(0);
    grad.setZero(dim());
    for (std::ptrdiff_t i = 0; i < rows; i += data_.n())
      accumulate_rows(0, std::min(data_.n(), rows - i), w, loss, grad);
    asm volatile("" : : "g"(&loss), "g"(grad.data()) : "memory");
  }
#endif

  const Dataset<Scalar>& data_;
  Scalar lambda_;
};

// Which of LogisticObjective's evaluations computed a value: they add the n loss terms in
// different orders (value(): one running sum; value_and_gradient(): blocks of kRowsPerBlock rows,
// then the blocks in order), so their rounding errors have different bounds.
enum class Evaluation { value, value_and_gradient };

// A bound on |fl(f(w)) - f(w)|: the rounding error of LogisticObjective<Scalar>'s value at w,
// against f of the data and lambda as given in double (a float run rounds both to float: that is
// included). With u = epsilon/2 of Scalar, gamma_k = k u / (1 - k u), R = max ||x_i||, r = ||w||,
// L the loss part of f and Reg = lambda ||w||^2 / 2:
//   margins      |fl(z_i) - z_i| <= delta = gamma_{d+1} R r: d products, d - 1 sums, x's rounding
//   loss terms   |l(fl z) - l(z)| <= delta e^delta s(-z), and s(-z) = |l'(z)| <= min(1, l(z)/ln 2);
//                l itself is evaluated to kLossUlps u relative (exp, log1p, or Eigen's
//                vectorized exp and log with the log1p correction: a few ulps each)
//   the mean     non-negative terms added to a depth of k (n for value(); for the blocked sum,
//                min(n, kRowsPerBlock + blocks)), then divided by n: gamma_{k+1} relative
//   regularizer  lambda's rounding, d squares and d - 1 sums, the product, the final sum:
//                gamma_{d+4} relative (one more for ||w||'s own rounding)
//   bound = a L + delta min(1, e^delta L / ln 2) + gamma_{d+4} Reg + 4 min_normal,
//   a = kLossUlps u + gamma_{k+1}; the last term covers e^-z underflowing to zero.
// L is bounded from the computed value v: L (1 - a) <= v - Reg + delta + gamma_{d+4} Reg. Every
// estimate is rounded up by a few gammas, so the bound holds whatever the evaluation order
// (vectorized dot products, FMA) within these depths; tests/test_gap_bound.cpp checks it against
// 50-digit evaluations.
template <class Scalar>
class ValueErrorBound {
 public:
  static constexpr double kLossUlps = 16;

  // Everything but v and r is fixed per objective: computed here, so that a call costs a few
  // flops and one division (it runs at every step of every solver).
  ValueErrorBound(const LogisticObjective<Scalar>& f, Evaluation how) {
    const double u = static_cast<double>(std::numeric_limits<Scalar>::epsilon()) / 2;
    const auto gamma = [u](double k) {
      return k * u < 1 ? k * u / (1 - k * u) : std::numeric_limits<double>::infinity();
    };
    const double d = static_cast<double>(f.dim());
    const std::ptrdiff_t n = f.data().n();
    const std::ptrdiff_t blocks = (n + kRowsPerBlock - 1) / kRowsPerBlock;
    const std::ptrdiff_t depth =
        how == Evaluation::value || blocks <= 1 ? n : std::min(n, kRowsPerBlock + blocks);
    const double a = kLossUlps * u + gamma(static_cast<double>(depth) + 1);
    const double norm_up = 1 + gamma(d + 2);  // ||w|| as computed, rounded up
    delta_per_norm_ =
        gamma(d + 1) * static_cast<double>(f.data().max_row_norm()) * norm_up * norm_up;
    reg_per_norm2_ = static_cast<double>(f.lambda()) / 2 * norm_up * norm_up;
    reg_gamma_ = gamma(d + 4);
    // A gamma_k with k u >= 1 is undefined: the precision cannot bound this evaluation at all.
    a_ = std::isfinite(delta_per_norm_) && std::isfinite(reg_gamma_)
             ? a
             : std::numeric_limits<double>::infinity();
    loss_scale_ = a < 1 ? 1 / (1 - a) : 0;
    if constexpr (std::is_floating_point_v<Scalar>)
      underflow_ = 4 * std::numeric_limits<Scalar>::min();
  }

  // `value`: f(w) as the evaluation computed it; `w_norm`: ||w|| computed in Scalar.
  double operator()(double value, double w_norm) const {
    if (!(a_ < 1)) return std::numeric_limits<double>::infinity();
    const double r = std::abs(w_norm);
    const double delta = delta_per_norm_ * r;
    const double reg = reg_per_norm2_ * r * r;
    const double reg_error = reg_gamma_ * reg;
    const double reg_lower = std::max(0.0, reg - 3 * reg_error);
    const double loss = std::max(0.0, value - reg_lower + delta + reg_error) * loss_scale_;
    // e^delta <= 1 / (1 - delta) for delta < 1; past 1/2 only the cap |l'| <= 1 is used.
    const double slope =
        delta < 0.5 ? std::min(1.0, loss / ((1 - delta) * std::numbers::ln2)) : 1.0;
    return a_ * loss + delta * slope + reg_error + underflow_;
  }

 private:
  double delta_per_norm_ = 0, reg_per_norm2_ = 0, reg_gamma_ = 0, a_ = 0, loss_scale_ = 0;
  double underflow_ = 0;
};

extern template class LogisticObjective<float>;
extern template class LogisticObjective<double>;

}  // namespace largestep
