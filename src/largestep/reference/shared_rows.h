// The rows of a matrix as one process holds them when processes share the rows of a dataset
// (block_reducer.h): a shard, rows [first, first + held_rows()) of n, with the few operations
// the margin certificate (separability.cpp) needs across shards. Each one walks the rows in their
// global order, the processes in turn (BlockReducer::fold_in_order), so its result has the same
// bits for any number of processes as for one process holding every row (no reducer), given
// shards of whole units (OrderedSum::kMinUnitRows rows): Eigen's products group rows by position,
// so a row's sum order is that of one process only where the groups line up.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "largestep/kernel/block_reducer.h"
#include "largestep/kernel/dataset.h"
#include "largestep/reference/ordered_sum.h"

namespace largestep {

template <class Scalar>
class SharedRows {
 public:
  // Every row: `rows` alone, owned. Processes share the rows only in double.
  explicit SharedRows(RowMatrix<Scalar> rows)
      : owned_(std::move(rows)), x_(&owned_), n_(owned_.rows()) {}
  // The rows signs_i x_i (signs of +-1: the labels y, so that diag(y) X is never formed), x_i the
  // rows of `x`, kept by reference: this process's rows [first, first + x.rows()) of n, the others
  // held by the processes of `reducer` (null: every row).
  SharedRows(const RowMatrix<Scalar>& x, const Vector<Scalar>& signs, std::ptrdiff_t first,
             std::ptrdiff_t n, const BlockReducer<double>* reducer)
      : x_(&x), signs_(&signs), first_(first), n_(n), reducer_(reducer) {
    if (reducer_ != nullptr && !std::is_same_v<Scalar, double>)
      throw std::logic_error("SharedRows: processes share rows of doubles only");
    if (reducer_ == nullptr && (first_ != 0 || n_ != x.rows()))
      throw std::logic_error("SharedRows: a shard needs the processes' reducer");
    if (first_ % OrderedSum::kMinUnitRows != 0)
      throw std::logic_error("SharedRows: a shard must start at a whole unit of rows");
  }
  SharedRows(const SharedRows&) = delete;  // x_ may point into owned_
  SharedRows& operator=(const SharedRows&) = delete;

  std::ptrdiff_t held_rows() const { return x_->rows(); }
  std::ptrdiff_t first() const { return first_; }
  std::ptrdiff_t n() const { return n_; }
  std::ptrdiff_t cols() const { return x_->cols(); }
  bool holds(std::ptrdiff_t i) const { return i >= first_ && i < first_ + held_rows(); }

  // The held rows times p: z_i . p, each y_i (x_i . p), the same bits (a sign flips exactly).
  Vector<Scalar> times(const Vector<Scalar>& p) const {
    Vector<Scalar> out = *x_ * p;
    if (signs_ != nullptr) out.array() *= signs_->array();
    return out;
  }
  // |z_i| . v for v >= 0 (|z_ij| = |x_ij|).
  Vector<Scalar> abs_times(const Vector<Scalar>& v) const { return x_->cwiseAbs() * v; }
  Vector<Scalar> norms() const { return x_->rowwise().norm(); }
  Vector<Scalar> squared_norms() const { return x_->rowwise().squaredNorm(); }

  // `next` applied by each process in turn to the value the one before passed on, from `start`:
  // the fold of a scan over the rows in their order (one process: next(start)).
  template <class T, class Next>
  T fold(const T& start, const Next& next) const {
    if constexpr (std::is_same_v<Scalar, double>) {
      if (reducer_ != nullptr) return fold_value_in_order(start, *reducer_, next);
    }
    return next(start);
  }

  // fold, with `slots` rows travelling along: next(so_far, take) may call take(slot, i) to put its
  // held row i in the slot, replacing what an earlier process put there. Returns the last
  // value and the slots' rows (slots x cols(); zero where none was taken), on every process.
  template <class T, class Next>
  std::pair<T, RowMatrix<Scalar>> fold_with_rows(const T& start, std::ptrdiff_t slots,
                                                 const Next& next) const {
    RowMatrix<Scalar> rows = RowMatrix<Scalar>::Zero(slots, cols());
    // Each process copies its rows once, after its scan: the slots' last takers.
    std::vector<std::ptrdiff_t> taken(static_cast<std::size_t>(slots), -1);
    const auto take = [&taken](std::ptrdiff_t slot, std::ptrdiff_t i) {
      taken[static_cast<std::size_t>(slot)] = i;
    };
    const auto copy_taken = [&](Scalar* into) {
      for (std::ptrdiff_t slot = 0; slot < slots; ++slot)
        if (const std::ptrdiff_t i = taken[static_cast<std::size_t>(slot)]; i >= 0)
          copy_row(i, into + slot * cols());
    };
    if constexpr (std::is_same_v<Scalar, double>) {
      if (reducer_ != nullptr) {
        const T last = fold_value_in_order(
            start, std::span<double>(rows.data(), static_cast<std::size_t>(rows.size())),
            *reducer_, [&](const T& so_far, std::span<double> tail) {
              const T after = next(so_far, take);
              copy_taken(tail.data());
              return after;
            });
        return {last, std::move(rows)};
      }
    }
    T last = next(start, take);
    copy_taken(rows.data());
    return {std::move(last), std::move(rows)};
  }

  // The largest of `mine` over the processes (exact, so the same for any number of them).
  Scalar max(const Scalar& mine) const {
    if constexpr (std::is_same_v<Scalar, double>) return max_over_processes(mine, reducer_);
    return mine;
  }

  // sum_i a_i z_i over the rows with a_i != 0, in row order, the first term a_i z_i itself (a
  // vertex a = e_i gives z_i exactly); a holds this process's rows' weights. Zero when a is.
  Vector<Scalar> weighted_sum(const Vector<Scalar>& a) const {
    const auto add_mine = [&](auto& sum, bool& started) {
      for (std::ptrdiff_t i = 0; i < held_rows(); ++i) {
        if (a(i) == 0) continue;
        const Scalar c = signs_ == nullptr ? a(i) : Scalar(a(i) * (*signs_)(i));  // exact
        if (started) {
          sum.noalias() += c * x_->row(i).transpose();
        } else {
          sum.noalias() = c * x_->row(i).transpose();
          started = true;
        }
      }
    };
    Vector<Scalar> sum = Vector<Scalar>::Zero(cols());
    if constexpr (std::is_same_v<Scalar, double>) {
      if (reducer_ != nullptr) {
        // [the sum so far, whether it has begun]
        std::vector<double> state(static_cast<std::size_t>(cols() + 1), 0.0);
        reducer_->fold_in_order(state, [&](std::span<double> s) {
          // Added in an aligned Vector as one process adds (the state may be aligned otherwise,
          // and Eigen would split scalar and SIMD work elsewhere).
          Vector<double> so_far = Eigen::Map<const Vector<double>>(s.data(), cols());
          Eigen::Map<Vector<double>> view(so_far.data(), cols());
          bool begun = s.back() != 0;
          add_mine(view, begun);
          std::copy(so_far.data(), so_far.data() + cols(), s.data());
          s.back() = begun ? 1.0 : 0.0;
        });
        sum = Eigen::Map<const Vector<double>>(state.data(), cols());
        return sum;
      }
    }
    bool started = false;
    Eigen::Map<Vector<Scalar>> view(sum.data(), cols());
    add_mine(view, started);
    return sum;
  }

  // The rows z_i, i in `indices` (ascending, the same on every process), on every process.
  RowMatrix<Scalar> gather_rows(const std::vector<std::ptrdiff_t>& indices) const {
    return gather(indices, cols(), [this](std::ptrdiff_t i, Scalar* into) { copy_row(i, into); });
  }
  // The values local(i) of the rows `indices`, local holding this process's rows' values.
  Vector<Scalar> gather_values(const Vector<Scalar>& local,
                               const std::vector<std::ptrdiff_t>& indices) const {
    return gather(indices, 1, [&local](std::ptrdiff_t i, Scalar* into) { *into = local(i); })
        .col(0);
  }

  // The global indices, ascending, of the k rows with the smallest (key, index), on every
  // process; `keys` holds this process's rows' keys.
  std::vector<std::ptrdiff_t> smallest(const Vector<double>& keys, std::ptrdiff_t k) const {
    using Keyed = std::pair<double, std::ptrdiff_t>;  // (key, global index): a total order
    std::vector<Keyed> mine(static_cast<std::size_t>(keys.size()));
    for (std::ptrdiff_t i = 0; i < keys.size(); ++i)
      mine[static_cast<std::size_t>(i)] = {keys(i), first_ + i};
    const std::size_t kept = std::min(mine.size(), static_cast<std::size_t>(k));
    std::partial_sort(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(kept), mine.end());
    mine.resize(kept);
    if constexpr (std::is_same_v<Scalar, double>) {
      if (reducer_ != nullptr) {
        // [count, key_1, index_1, ...]: the k smallest so far, merged with each process's own.
        std::vector<double> state(static_cast<std::size_t>(1 + 2 * k), 0.0);
        reducer_->fold_in_order(state, [&mine, k](std::span<double> s) {
          std::vector<Keyed> so_far(static_cast<std::size_t>(s[0]));
          for (std::size_t r = 0; r < so_far.size(); ++r)
            so_far[r] = {s[1 + 2 * r], static_cast<std::ptrdiff_t>(s[2 + 2 * r])};
          std::vector<Keyed> merged;
          std::merge(so_far.begin(), so_far.end(), mine.begin(), mine.end(),
                     std::back_inserter(merged));
          merged.resize(std::min(merged.size(), static_cast<std::size_t>(k)));
          s[0] = static_cast<double>(merged.size());
          for (std::size_t r = 0; r < merged.size(); ++r) {
            s[1 + 2 * r] = merged[r].first;
            s[2 + 2 * r] = static_cast<double>(merged[r].second);
          }
        });
        mine.resize(static_cast<std::size_t>(state[0]));
        for (std::size_t r = 0; r < mine.size(); ++r)
          mine[r] = {state[1 + 2 * r], static_cast<std::ptrdiff_t>(state[2 + 2 * r])};
      }
    }
    std::vector<std::ptrdiff_t> indices;
    for (const Keyed& m : mine) indices.push_back(m.second);
    std::sort(indices.begin(), indices.end());
    return indices;
  }

  // The global indices of the rows where `mine` holds (called with this process's row index), in
  // order, on every process.
  template <class Keep>
  std::vector<std::ptrdiff_t> indices_where(const Keep& mine) const {
    std::vector<std::ptrdiff_t> local;
    for (std::ptrdiff_t i = 0; i < held_rows(); ++i)
      if (mine(i)) local.push_back(first_ + i);
    if (reducer_ == nullptr) return local;
    const auto count = fold(std::int64_t{0}, [&local](std::int64_t so_far) {
      return so_far + static_cast<std::int64_t>(local.size());
    });
    // [filled, i_1, ..., i_count]: each process appends its own after the ones before.
    std::vector<double> state(static_cast<std::size_t>(count + 1), 0.0);
    reducer_->fold_in_order(state, [&local](std::span<double> s) {
      std::size_t filled = static_cast<std::size_t>(s[0]);
      for (const std::ptrdiff_t i : local) s[1 + filled++] = static_cast<double>(i);
      s[0] = static_cast<double>(filled);
    });
    std::vector<std::ptrdiff_t> all(static_cast<std::size_t>(count));
    for (std::size_t r = 0; r < all.size(); ++r) all[r] = static_cast<std::ptrdiff_t>(state[1 + r]);
    return all;
  }

 private:
  // z_i, for this process's row i, into `into`.
  void copy_row(std::ptrdiff_t i, Scalar* into) const {
    Eigen::Map<Vector<Scalar>> out(into, cols());
    if (signs_ == nullptr) {
      out = x_->row(i).transpose();
    } else {
      out = (*signs_)(i) * x_->row(i).transpose();
    }
  }

  // `width` values of each row `indices`, which put(i, into) writes for this process's row i.
  template <class Put>
  RowMatrix<Scalar> gather(const std::vector<std::ptrdiff_t>& indices, std::ptrdiff_t width,
                           const Put& put) const {
    const std::ptrdiff_t k = static_cast<std::ptrdiff_t>(indices.size());
    RowMatrix<Scalar> out = RowMatrix<Scalar>::Zero(k, width);
    const auto fill_mine = [&](Scalar* rows) {
      for (std::ptrdiff_t r = 0; r < k; ++r)
        if (const std::ptrdiff_t i = indices[static_cast<std::size_t>(r)]; holds(i))
          put(i - first_, rows + r * width);
    };
    if constexpr (std::is_same_v<Scalar, double>) {
      if (reducer_ != nullptr) {
        std::vector<double> state(static_cast<std::size_t>(k * width), 0.0);
        reducer_->fold_in_order(state, [&](std::span<double> s) { fill_mine(s.data()); });
        std::copy(state.begin(), state.end(), out.data());
        return out;
      }
    }
    fill_mine(out.data());
    return out;
  }

  RowMatrix<Scalar> owned_;
  const RowMatrix<Scalar>* x_;
  const Vector<Scalar>* signs_ = nullptr;  // null: every sign +1
  std::ptrdiff_t first_ = 0, n_ = 0;
  const BlockReducer<double>* reducer_ = nullptr;
};

}  // namespace largestep
