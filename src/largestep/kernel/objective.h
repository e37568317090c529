// f(w) = (1/n) sum_i l(y_i <x_i, w>) + (lambda/2) ||w||^2, with l the logistic loss.
#pragma once

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "largestep/kernel/block_reducer.h"
#include "largestep/kernel/dataset.h"
#include "largestep/kernel/logistic.h"
#include "largestep/kernel/threads.h"

namespace largestep {

// Rows per block of the data-parallel reduction over dense data. The blocking depends on n only,
// and the block partial sums are added in block order, so results are bitwise identical for any
// thread count.
inline constexpr std::ptrdiff_t kRowsPerBlock = 512;

// Rows per block of the same sums over CSR data of n rows, d columns and `stored` nonzeros:
// kRowsPerBlock times the least power of two that makes at most
// min(kMaxSparseBlocks, stored / (8 d)) blocks, at least one. A block's partial gradient is a
// d-vector, so its cost (adding it, and carrying it between processes) is then at most an eighth
// of the block's pass over its nonzeros, and all the partials together take at most a byte a
// nonzero (the matrix: 12). The blocking depends on the data only: threads and processes take
// whole blocks (so at most kMaxSparseBlocks of them have work), and the results are bitwise the
// same for any number of either. A power of two times kRowsPerBlock, so that the blocks and the
// units of every other shared sum (ordered_sum.h) are whole multiples of each other.
inline constexpr std::ptrdiff_t kMaxSparseBlocks = 64;

inline std::ptrdiff_t sparse_block_rows(std::ptrdiff_t n, std::ptrdiff_t d, std::ptrdiff_t stored) {
  const std::ptrdiff_t most = std::clamp<std::ptrdiff_t>(
      stored / (8 * std::max<std::ptrdiff_t>(d, 1)), 1, kMaxSparseBlocks);
  std::ptrdiff_t rows = kRowsPerBlock;
  while ((n + rows - 1) / rows > most) rows *= 2;
  return rows;
}

// The largest eigenvalue of X^T X, from the Gram matrix of X's smaller side.
template <class Scalar>
Scalar largest_gram_eigenvalue(const RowMatrix<Scalar>& X) {
  const Matrix<Scalar> gram =
      X.rows() >= X.cols() ? Matrix<Scalar>(X.transpose() * X) : Matrix<Scalar>(X * X.transpose());
  if (gram.size() == 0) return Scalar(0);
  Eigen::SelfAdjointEigenSolver<Matrix<Scalar>> solver(gram, Eigen::EigenvaluesOnly);
  return solver.eigenvalues().maxCoeff();
}

// The largest eigenvalue of a symmetric positive semidefinite operator v -> apply(v) on R^dim by
// plain Lanczos (the three-term recurrence, no stored basis: memory O(dim)). Without
// reorthogonalization copies of converged Ritz values appear, but the largest Ritz value stays
// within rounding of [lambda_min, lambda_max] and converges to lambda_max from below (Paige).
// It stops when the largest Ritz value, checked every 10 steps, changed by at most 1e-15
// relative, or at an invariant subspace, or after max_steps. The start vector is a fixed
// pseudo-random one, so the result depends on the operator only.
template <class Apply>
double lanczos_largest_eigenvalue(const Apply& apply, std::ptrdiff_t dim, int max_steps = 1000) {
  Vector<double> v(dim), v_previous = Vector<double>::Zero(dim);
  std::uint64_t state = 0x853C49E6748FEA9BULL;
  for (std::ptrdiff_t j = 0; j < dim; ++j) {  // splitmix64, top 53 bits, in [-1, 1)
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    v(j) = static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-52 - 1.0;
  }
  v.normalize();
  std::vector<double> alpha, beta;
  double beta_previous = 0, theta = 0, theta_checked = 0;
  for (int k = 0; k < max_steps; ++k) {
    Vector<double> w = apply(v);
    w -= beta_previous * v_previous;
    alpha.push_back(v.dot(w));
    w -= alpha.back() * v;
    const double b = w.norm();
    const bool last = k + 1 == max_steps || b <= 1e-14 * std::abs(alpha.back());
    if (last || (k + 1) % 10 == 0) {
      Eigen::SelfAdjointEigenSolver<Matrix<double>> tridiagonal;
      tridiagonal.computeFromTridiagonal(
          Eigen::Map<const Vector<double>>(alpha.data(), static_cast<std::ptrdiff_t>(alpha.size())),
          Eigen::Map<const Vector<double>>(beta.data(), static_cast<std::ptrdiff_t>(beta.size())),
          Eigen::EigenvaluesOnly);
      theta = tridiagonal.eigenvalues().maxCoeff();
      if (last || std::abs(theta - theta_checked) <= 1e-15 * theta) return theta;
      theta_checked = theta;
    }
    beta.push_back(b);
    v_previous = v;
    v = w / b;
    beta_previous = b;
  }
  return theta;
}

// For sparse X: the Gram matrix of the smaller side when that side has at most kDenseGramLimit
// entries along it (a 32 MB matrix), else plain Lanczos on the smaller side's Gram operator,
// v -> X^T (X v) or X (X^T v): no d x d matrix, two passes over the nonzeros a step.
inline constexpr std::ptrdiff_t kDenseGramLimit = 2048;

template <class Scalar>
Scalar largest_gram_eigenvalue(const SparseRowMatrix<Scalar>& X) {
  const bool tall = X.rows() >= X.cols();
  if (std::min(X.rows(), X.cols()) <= kDenseGramLimit) {
    const Matrix<Scalar> gram =
        tall ? Matrix<Scalar>(X.transpose() * X) : Matrix<Scalar>(X * X.transpose());
    if (gram.size() == 0) return Scalar(0);
    Eigen::SelfAdjointEigenSolver<Matrix<Scalar>> solver(gram, Eigen::EigenvaluesOnly);
    return solver.eigenvalues().maxCoeff();
  }
  if constexpr (!std::is_same_v<Scalar, double>) {
    throw std::invalid_argument("the largest Gram eigenvalue of large sparse data needs double");
  } else {
    const auto apply = [&X, tall](const Vector<double>& v) -> Vector<double> {
      if (tall) return X.transpose() * Vector<double>(X * v);
      return X * Vector<double>(X.transpose() * v);
    };
    return lanczos_largest_eigenvalue(apply, tall ? X.cols() : X.rows());
  }
}

// Stateless view of a dataset and a regularization strength: every method is const, and the
// object holds a reference to the data, which must outlive it.
template <class Scalar>
class LogisticObjective {
 public:
  using Vec = Vector<Scalar>;
  using Mat = Matrix<Scalar>;

  LogisticObjective(const Dataset<Scalar>& data, Scalar lambda)
      : data_(data),
        lambda_(lambda),
        block_rows_(data.sparse ? sparse_block_rows(data.total_n(), data.d(), data.total_stored())
                                : kRowsPerBlock) {}

  const Dataset<Scalar>& data() const { return data_; }
  Scalar lambda() const { return lambda_; }
  std::ptrdiff_t dim() const { return data_.d(); }
  // The blocks whose partial sums the blocked sums add in order, and their rows: kRowsPerBlock
  // for dense data, sparse_block_rows for CSR data.
  std::ptrdiff_t block_rows() const { return block_rows_; }
  std::ptrdiff_t row_blocks() const { return (data_.total_n() + block_rows_ - 1) / block_rows_; }

  // Shares the row blocks out among processes (block_reducer.h) for the blocked sums:
  // value_and_gradient, value (loss) and hessian_times; null: this process computes them all. On a
  // shard (Dataset::is_shard) the blocks are the shard's, which must start at a block: its rows are
  // the only ones this process holds, so the blocked sums need the reducer, and the evaluations
  // that are not shared (hessian, smoothness) refuse to run (std::logic_error).
  void set_reducer(const BlockReducer<Scalar>* reducer) { reducer_ = reducer; }
  const BlockReducer<Scalar>* reducer() const { return reducer_; }

  // max ||x_i|| over every row, a shard's included (the processes' maximum).
  Scalar max_row_norm() const {
    if (!data_.is_shard()) return data_.max_row_norm();
    require_reducer("max_row_norm");
    return max_over_processes(data_.n() == 0 ? Scalar(0) : data_.max_row_norm(), reducer_);
  }

  // The most entries a row stores (Dataset::max_row_terms) over every row, a shard's included.
  std::ptrdiff_t max_row_terms() const { return largestep::max_row_terms(data_, reducer_); }

  // L(w) = (1/n) sum_i l(z_i), z_i = y_i <x_i, w>: the unregularized loss. Its terms are summed
  // as value_and_gradient sums them (the same blocks, panels and order), so value(w) is
  // value_and_gradient's value bit for bit.
  Scalar loss(const Vec& w) const {
    if (data_.sparse) return loss_sparse(w);
    Scalar sum(0);
    {
      Vec none;
      sum_blocks(
          0, [&](std::ptrdiff_t begin, std::ptrdiff_t end, Scalar& l, Vec& unused) {
            accumulate_rows<false>(begin, end, w, l, unused);
          },
          sum, none);
    }
    return sum / Scalar(data_.total_n());
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
    if (data_.sparse) return value_and_gradient_sparse(w, grad);
    Scalar loss_sum(0);
    sum_blocks(
        dim(), [&](std::ptrdiff_t begin, std::ptrdiff_t end, Scalar& l, Vec& g) {
          accumulate_rows<true>(begin, end, w, l, g);
        },
        loss_sum, grad);
    const std::ptrdiff_t n = data_.total_n();
    grad /= Scalar(n);
    grad += lambda_ * w;
#if defined(LARGESTEP_INJECT_EXTRA_WORK)
    inject_extra_work(w);
#endif
    return loss_sum / Scalar(n) + regularizer(w);
  }

  // hess f(w) = (1/n) X^T diag(l''(z)) X + lambda I.
  Mat hessian(const Vec& w) const {
    require_whole("hessian");
    Mat h = Mat::Zero(dim(), dim());
    if (data_.sparse) {  // each row adds c v_a v_b at the pairs (a, b) of its nonzeros
      const SparseRowMatrix<Scalar>& X = data_.Xs;
      for (std::ptrdiff_t i = 0; i < data_.n(); ++i) {
        const Scalar c = logistic_curvature(margin(i, w));
        for (int p = X.outerIndexPtr()[i]; p < X.outerIndexPtr()[i + 1]; ++p)
          for (int q = X.outerIndexPtr()[i]; q < X.outerIndexPtr()[i + 1]; ++q)
            h(X.innerIndexPtr()[p], X.innerIndexPtr()[q]) += c * X.valuePtr()[p] * X.valuePtr()[q];
      }
      h /= Scalar(data_.n());
      h.diagonal().array() += lambda_;
      return h;
    }
    for (std::ptrdiff_t i = 0; i < data_.n(); ++i) {
      const Vec x = data_.X.row(i).transpose();
      h.noalias() += logistic_curvature(margin(i, w)) * (x * x.transpose());
    }
    h /= Scalar(data_.n());
    h.diagonal().array() += lambda_;
    return h;
  }

  // hess f(w) v = (1/n) sum_i l''(z_i) <x_i, v> x_i + lambda v: a blocked sum as
  // value_and_gradient's (shared by the processes).
  Vec hessian_times(const Vec& w, const Vec& v) const {
    const auto term = [&](const auto& X, std::ptrdiff_t i) {
      return Scalar(logistic_curvature(margin(i, w)) * row_dot(X, i, v));
    };
    Vec out;
    Scalar unused(0);
    if (data_.sparse) {
      const SparseRowMatrix<Scalar>& X = data_.Xs;
      sum_sparse_blocks(
          dim(), [&](std::ptrdiff_t begin, std::ptrdiff_t end, Scalar&, Scalar* sum) {
            for (std::ptrdiff_t i = begin; i < end; ++i) {
              const Scalar c = term(X, i);
              for (int p = X.outerIndexPtr()[i]; p < X.outerIndexPtr()[i + 1]; ++p)
                sum[X.innerIndexPtr()[p]] += c * X.valuePtr()[p];
            }
          },
          unused, out);
    } else {
      sum_blocks(
          dim(), [&](std::ptrdiff_t begin, std::ptrdiff_t end, Scalar&, Vec& sum) {
            for (std::ptrdiff_t i = begin; i < end; ++i) add_row(data_.X, i, term(data_.X, i), sum);
          },
          unused, out);
    }
    out /= Scalar(data_.total_n());
    out += lambda_ * v;
    return out;
  }

  // L_s = lambda + lambda_max(X^T X) / (4n): l'' <= 1/4 bounds the loss Hessian everywhere.
  Scalar smoothness() const {
    require_whole("smoothness");
    const Scalar gram = data_.with_matrix([](const auto& X) { return largest_gram_eigenvalue(X); });
    return lambda_ + gram / (Scalar(4) * Scalar(data_.n()));
  }

  Scalar strong_convexity() const { return lambda_; }

  // The depth of the sum of the n loss terms in the blocked sums (ValueErrorBound's k).
  std::ptrdiff_t gradient_sum_depth() const {
    const std::ptrdiff_t n = data_.total_n();
    const std::ptrdiff_t parts = row_blocks();
    if (parts <= 1) return n;
    return std::min(n, block_rows_ + parts);
  }

 private:
  static constexpr bool kReuseBuffers = std::is_arithmetic_v<Scalar>;
  static constexpr int kMaxPanelRows = 64;
  using PanelVec = Eigen::Matrix<Scalar, Eigen::Dynamic, 1, Eigen::ColMajor, kMaxPanelRows, 1>;
  using Panel = Eigen::Array<Scalar, Eigen::Dynamic, 1, Eigen::ColMajor, kMaxPanelRows, 1>;

  Scalar margin(std::ptrdiff_t i, const Vec& w) const {
    return data_.y(i) * data_.with_matrix([&](const auto& X) { return row_dot(X, i, w); });
  }

  // The sum of l(z_k) over a panel of margins z, and r_k = l'(z_k) y_k. Eigen 3.4 vectorizes
  // neither select nor log1p in double (callgrind: their scalar libm calls were a fifth of the
  // instructions at d = 64), so both are rewritten: log1p(e) = log(u) - ((u - 1) - e) / u, the
  // rounding of u corrected (within ~1 ulp for e in [0, 1]), and the numerator of s(-z), e for
  // z >= 0 and 1 below, is e^-max(z, 0), exactly. l(z) = max(-z, 0) + log1p(e) and
  // l'(z) = -s(-z), e = exp(-|z|): logistic.h's stable forms, on arrays so that Eigen vectorizes.
  // Out of line (as GCC chose before accumulate_rows had two instantiations): inlined, its
  // vectorized log was left out of line instead, 1.3% more instructions in the float kernel.
  [[gnu::noinline]] static Scalar panel_loss(const Panel& z, const Panel& y, PanelVec& r) {
    const Panel e = (-z.abs()).exp();
    const Panel u = Scalar(1) + e;
    r = (-(-z.max(Scalar(0))).exp() / u * y).matrix();
    return ((-z).max(Scalar(0)) + u.log() - ((u - Scalar(1)) - e) / u).sum();
  }

  // Sparse data, a block of rows at a time: the margins of the block's rows (gathering from w),
  // their losses and weights r a panel at a time (panel_loss), then r_k x_k added to grad from
  // the same nonzeros. While w and grad fit in L2 together (2 d entries within kSparseFusedBytes)
  // a block is one panel: its nonzeros are read from memory once, and the second reading hits L1.
  // Beyond that the random accesses to w and grad dominate, and keeping both in cache at once
  // costs more than reading the nonzeros twice (bench_kernels at d = 2^20: 265 ms interleaved,
  // twice Eigen's two products): the block is then the whole range, so each phase keeps one
  // d-vector in cache.
  static constexpr std::ptrdiff_t kSparseFusedBytes = 1 << 20;

  template <bool with_gradient>
  void accumulate_rows_sparse(std::ptrdiff_t begin, std::ptrdiff_t end, const Vec& w,
                              Scalar& loss_sum, Scalar* grad) const {
    const SparseRowMatrix<Scalar>& X = data_.Xs;
    const int* outer = X.outerIndexPtr();
    const int* index = X.innerIndexPtr();
    const Scalar* value = X.valuePtr();
    const bool fused = 2 * dim() * static_cast<std::ptrdiff_t>(sizeof(Scalar)) <= kSparseFusedBytes;
    const std::ptrdiff_t phase_rows = fused ? kMaxPanelRows : end - begin;
    static thread_local std::vector<Scalar> r_block;
    r_block.resize(static_cast<std::size_t>(phase_rows));
    PanelVec xw, r;
    for (std::ptrdiff_t block = begin; block < end; block += phase_rows) {
      const std::ptrdiff_t block_end = std::min(end, block + phase_rows);
      for (std::ptrdiff_t i = block; i < block_end; i += kMaxPanelRows) {
        const std::ptrdiff_t rows = std::min<std::ptrdiff_t>(kMaxPanelRows, block_end - i);
        xw.resize(rows);
        for (std::ptrdiff_t k = 0; k < rows; ++k) {
          Scalar sum(0);
          for (int p = outer[i + k]; p < outer[i + k + 1]; ++p) sum += value[p] * w(index[p]);
          xw(k) = sum;
        }
        const Panel y = data_.y.segment(i, rows).array();
        loss_sum += panel_loss(xw.array() * y, y, r);
        if constexpr (with_gradient)
          for (std::ptrdiff_t k = 0; k < rows; ++k) r_block[i - block + k] = r(k);
      }
      if constexpr (with_gradient)
        for (std::ptrdiff_t i = block; i < block_end; ++i) {
          const Scalar ri = r_block[i - block];
          for (int p = outer[i]; p < outer[i + 1]; ++p) grad[index[p]] += ri * value[p];
        }
    }
  }

  // loss() on CSR data, out of line: the dense path, every evaluation of Nesterov on the paper's
  // small datasets, stays as small as before CSR data had blocks.
  [[gnu::noinline]] Scalar loss_sparse(const Vec& w) const {
    Scalar sum(0);
    Vec none;
    sum_sparse_blocks(
        0, [&](std::ptrdiff_t begin, std::ptrdiff_t end, Scalar& l, Scalar*) {
          accumulate_rows_sparse<false>(begin, end, w, l, nullptr);
        },
        sum, none);
    return sum / Scalar(data_.total_n());
  }

  Scalar value_and_gradient_sparse(const Vec& w, Vec& grad) const {
    Scalar loss_sum(0);
    sum_sparse_blocks(
        dim(), [&](std::ptrdiff_t begin, std::ptrdiff_t end, Scalar& l, Scalar* g) {
          accumulate_rows_sparse<true>(begin, end, w, l, g);
        },
        loss_sum, grad);
    const std::ptrdiff_t n = data_.total_n();
    grad /= Scalar(n);
    grad += lambda_ * w;
    return loss_sum / Scalar(n) + regularizer(w);
  }

  Scalar regularizer(const Vec& w) const { return lambda_ / Scalar(2) * w.squaredNorm(); }

  // The blocked sum over the rows of dense data behind value_and_gradient, loss and
  // hessian_times: add_rows(begin, end, s, v) adds rows [begin, end) to a scalar s and a vector v
  // of `size` entries (0: none). Each row block of kRowsPerBlock rows is summed from zero, and the
  // blocks' partials are added in block order (one block: its sum directly), so the result does
  // not depend on the threads, nor, with a reducer (deterministic), on the processes: the
  // reducer deals the blocks (a shard's are its own) and combines them in block order.
  template <class AddRows>
  void sum_blocks(std::ptrdiff_t size, const AddRows& add_rows, Scalar& sum, Vec& total) const {
    sum = Scalar(0);
    total.setZero(size);
    if (reducer_ == nullptr && !data_.is_shard() && row_blocks() <= 1)
      return add_rows(0, data_.n(), sum, total);
    sum_partials(size, add_rows, sum, total);
  }

  // sum_blocks with more than one block, or shared: kept out of line, so that the one-block path,
  // the paper's small datasets' every evaluation, stays as small as a plain loop.
  template <class AddRows>
  [[gnu::noinline]] void sum_partials(std::ptrdiff_t size, const AddRows& add_rows, Scalar& sum,
                                      Vec& total) const {
    const auto [first, last] = held_blocks();
    // (Keeping these buffers per thread instead of making them per call added 5-16% instructions
    // to the float kernel in the count gate, for no measurable gain: the allocations are 1/512 of
    // the rows' work.)
    Mat partials;
    Vec partial_sums;
    block_partials(first, last, size, add_rows, partials, partial_sums);
    add_partials(partials, partial_sums, sum, total);
  }

  // The blocks [first, last) this process sums: a shard's own (numbered from its first row, where
  // a block must start), the reducer's share of every row's, or all of them.
  std::pair<std::ptrdiff_t, std::ptrdiff_t> held_blocks() const {
    if (data_.is_shard()) {
      require_reducer("a blocked sum");
      if (data_.first_row % block_rows_ != 0)
        throw std::logic_error("a shard's rows must start at a row block");
      return {0, (data_.n() + block_rows_ - 1) / block_rows_};
    }
    if (reducer_ != nullptr) return reducer_->my_blocks(row_blocks());
    return {0, row_blocks()};
  }

  // Sets `sum` and `total` to the sum of every block's partials, given this process's (entry k
  // of partial_sums and column k of partials for its k-th block): in block order, here or (with
  // the reducer) across the processes.
  void add_partials(const Mat& partials, const Vec& partial_sums, Scalar& sum, Vec& total) const {
    if (reducer_ != nullptr) return reducer_->combine(partials, partial_sums, sum, total);
    for (std::ptrdiff_t b = 0; b < partial_sums.size(); ++b) {
      sum += partial_sums(b);
      total += partials.col(b);
    }
  }

  // The partial sums of the row blocks [first, last) of the rows held: column b - first of
  // `partials` and entry b - first of `partial_sums` for block b. The blocks depend on n only, so
  // the partials do not depend on the threads that compute them.
  template <class AddRows>
  void block_partials(std::ptrdiff_t first, std::ptrdiff_t last, std::ptrdiff_t size,
                      const AddRows& add_rows, Mat& partials, Vec& partial_sums) const {
    const std::ptrdiff_t n = data_.n();
    partials.setZero(size, last - first);
    partial_sums.setZero(last - first);
    [[maybe_unused]] const int threads =
        kernel_threads<Scalar>(std::min(n, (last - first) * kRowsPerBlock) * dim(), last - first);
#if defined(LARGESTEP_HAVE_OPENMP)
#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
#endif
    for (std::ptrdiff_t b = first; b < last; ++b) {
      Vec v = Vec::Zero(size);
      Scalar s(0);
      add_rows(b * kRowsPerBlock, std::min(n, (b + 1) * kRowsPerBlock), s, v);
      partials.col(b - first) = v;
      partial_sums(b - first) = s;
    }
  }

  // The same blocked sum over CSR data, in blocks of sparse_block_rows rows: add_rows(begin, end,
  // s, v) adds rows [begin, end) to s and to the `size` entries at v. Each block's partial is
  // summed in place, in buffers kept per thread: fresh d x blocks buffers each call cost page
  // faults that rivalled the kernel at d = 2^20.
  template <class AddRows>
  void sum_sparse_blocks(std::ptrdiff_t size, const AddRows& add_rows, Scalar& sum,
                         Vec& total) const {
    sum = Scalar(0);
    total.setZero(size);
    if (reducer_ == nullptr && !data_.is_shard() && row_blocks() <= 1)
      return add_rows(0, data_.n(), sum, total.data());
    const auto [first, last] = held_blocks();
    // References taken here: inside the parallel region a thread_local names each thread's own.
    static thread_local Mat partials_buffer;
    static thread_local Vec partial_sums_buffer;
    Mat fresh_partials;
    Vec fresh_partial_sums;
    Mat& partials = kReuseBuffers ? partials_buffer : fresh_partials;
    Vec& partial_sums = kReuseBuffers ? partial_sums_buffer : fresh_partial_sums;
    partials.setZero(size, last - first);
    partial_sums.setZero(last - first);
    const std::ptrdiff_t n = data_.n();
    [[maybe_unused]] const int threads = kernel_threads<Scalar>(data_.stored(), last - first);
#if defined(LARGESTEP_HAVE_OPENMP)
#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
#endif
    for (std::ptrdiff_t b = first; b < last; ++b)
      add_rows(b * block_rows_, std::min(n, (b + 1) * block_rows_), partial_sums(b - first),
               partials.col(b - first).data());
    add_partials(partials, partial_sums, sum, total);
  }

  // Adds rows [begin, end) to loss_sum and (with_gradient) grad a panel at a time. A panel
  // (16 KiB of X, half a typical L1) is read from memory once, row by row for its margins
  // z = y .* (X_p w) (a plain sequential stream, which the hardware prefetchers follow better than
  // a matrix-vector kernel's interleaved rows), then reused from L1 by grad += X_p^T r, Eigen's
  // matrix-vector kernel, which shares each load and store of grad across rows. In between,
  // panel_loss. The panels depend on d only, so the results do not depend on the thread count;
  // the fixed-capacity arrays keep the heap out of the loop. Under kMinPanelRows rows the setup
  // costs more than the arithmetic, so the paper's tiny datasets (oned, hard, toy4) go row by
  // row, with logistic.h's scalar functions.
  template <bool with_gradient>
  void accumulate_rows(std::ptrdiff_t begin, std::ptrdiff_t end, const Vec& w, Scalar& loss_sum,
                       Vec& grad) const {
    constexpr std::ptrdiff_t kMinPanelRows = 8;
    if (end - begin < kMinPanelRows) {
      for (std::ptrdiff_t i = begin; i < end; ++i) {
        const Scalar z = margin(i, w);
        loss_sum += logistic_loss(z);
        if constexpr (with_gradient)
          grad.noalias() += (logistic_derivative(z) * data_.y(i)) * data_.X.row(i).transpose();
      }
      return;
    }
    constexpr std::ptrdiff_t kPanelBytes = 16 << 10;
    const std::ptrdiff_t row_bytes = std::max<std::ptrdiff_t>(dim(), 1) * sizeof(Scalar);
    const std::ptrdiff_t panel_rows =
        std::clamp<std::ptrdiff_t>(kPanelBytes / row_bytes, 1, kMaxPanelRows);
    PanelVec xw, r;
    for (std::ptrdiff_t i = begin; i < end; i += panel_rows) {
      const std::ptrdiff_t rows = std::min(panel_rows, end - i);
      xw.resize(rows);
      for (std::ptrdiff_t k = 0; k < rows; ++k) xw(k) = data_.X.row(i + k).dot(w);
      const Panel y = data_.y.segment(i, rows).array();
      loss_sum += panel_loss(xw.array() * y, y, r);
      if constexpr (with_gradient) grad.noalias() += data_.X.middleRows(i, rows).transpose() * r;
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
      accumulate_rows<true>(0, std::min(data_.n(), rows - i), w, loss, grad);
    asm volatile("" : : "g"(&loss), "g"(grad.data()) : "memory");
  }
#endif

  const Dataset<Scalar>& data_;
  Scalar lambda_;
  std::ptrdiff_t block_rows_;
  const BlockReducer<Scalar>* reducer_ = nullptr;

  void require_whole(const char* what) const {
    if (data_.is_shard())
      throw std::logic_error(std::string(what) + " needs every row, and this process holds a shard");
  }
  void require_reducer(const char* what) const {
    if (reducer_ == nullptr)
      throw std::logic_error(std::string(what) + " on a shard needs the processes' reducer");
  }
};

// A bound on |fl(f(w)) - f(w)|: the rounding error of LogisticObjective<Scalar>'s value at w
// (value() and value_and_gradient() compute it alike),
// against f of the data and lambda as given in double (a float run rounds both to float: that is
// included). With u = epsilon/2 of Scalar, gamma_k = k u / (1 - k u), R = max ||x_i||, r = ||w||,
// L the loss part of f and Reg = lambda ||w||^2 / 2:
//   margins      |fl(z_i) - z_i| <= delta = gamma_{m+1} R r: m products, m - 1 sums, x's rounding,
//                where m = d for dense data and the most nonzeros of a row for CSR data (a CSR
//                row's dot product runs over its nonzeros only)
//   loss terms   |l(fl z) - l(z)| <= delta e^delta s(-z), and s(-z) = |l'(z)| <= min(1, l(z)/ln 2);
//                l itself is evaluated to kLossUlps u relative (exp, log1p, or Eigen's
//                vectorized exp and log with the log1p correction: a few ulps each)
//   the mean     non-negative terms added to a depth of k (gradient_sum_depth(): the blocked
//                sums), then divided by n: gamma_{k+1} relative
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
  explicit ValueErrorBound(const LogisticObjective<Scalar>& f) {
    const double u = static_cast<double>(std::numeric_limits<Scalar>::epsilon()) / 2;
    const auto gamma = [u](double k) {
      return k * u < 1 ? k * u / (1 - k * u) : std::numeric_limits<double>::infinity();
    };
    const double d = static_cast<double>(f.dim());
    const double a = kLossUlps * u + gamma(static_cast<double>(f.gradient_sum_depth()) + 1);
    const double norm_up = 1 + gamma(d + 2);  // ||w|| as computed, rounded up
    delta_per_norm_ = gamma(static_cast<double>(f.max_row_terms()) + 1) *
                      static_cast<double>(f.max_row_norm()) * norm_up * norm_up;
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
  // The most products a margin adds: d, or for CSR data the most nonzeros of a row (one O(n)
  // pass per bound, against the O(nnz) of each evaluation it bounds).
  double delta_per_norm_ = 0, reg_per_norm2_ = 0, reg_gamma_ = 0, a_ = 0, loss_scale_ = 0;
  double underflow_ = 0;
};

extern template class LogisticObjective<float>;
extern template class LogisticObjective<double>;

}  // namespace largestep
