// The rows of a matrix as one process holds them when processes share the rows of a dataset
// (block_reducer.h): a shard, rows [first, first + held().rows()) of n, with the few operations
// the margin certificate (separability.cpp) needs across shards. Each one walks the rows in their
// global order, the processes in turn (BlockReducer::fold_in_order), so its result has the same
// bits for any number of processes as for one process holding every row (no reducer).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "largestep/kernel/block_reducer.h"
#include "largestep/kernel/dataset.h"

namespace largestep {

template <class Scalar>
class SharedRows {
 public:
  // Every row: `rows` alone. Processes share the rows only in double (`reducer`: theirs).
  explicit SharedRows(RowMatrix<Scalar> rows) : rows_(std::move(rows)), n_(rows_.rows()) {}
  SharedRows(RowMatrix<Scalar> rows, std::ptrdiff_t first, std::ptrdiff_t n,
             const BlockReducer<double>* reducer)
      : rows_(std::move(rows)), first_(first), n_(n), reducer_(reducer) {
    if (reducer_ != nullptr && !std::is_same_v<Scalar, double>)
      throw std::logic_error("SharedRows: processes share rows of doubles only");
    if (reducer_ == nullptr && (first_ != 0 || n_ != rows_.rows()))
      throw std::logic_error("SharedRows: a shard needs the processes' reducer");
  }

  const RowMatrix<Scalar>& held() const { return rows_; }
  RowMatrix<Scalar>& held() { return rows_; }
  std::ptrdiff_t first() const { return first_; }
  std::ptrdiff_t n() const { return n_; }
  std::ptrdiff_t cols() const { return rows_.cols(); }
  bool holds(std::ptrdiff_t i) const { return i >= first_ && i < first_ + rows_.rows(); }

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
  // row i (of held()) in the slot, replacing what an earlier process put there. Returns the last
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
          std::copy(rows_.row(i).data(), rows_.row(i).data() + cols(), into + slot * cols());
    };
    if constexpr (std::is_same_v<Scalar, double>) {
      if (reducer_ != nullptr) {
        static_assert(std::is_trivially_copyable_v<T>);
        // [the value's bytes, the slots' rows]
        const std::size_t head = (sizeof(T) + sizeof(double) - 1) / sizeof(double);
        std::vector<double> state(head + static_cast<std::size_t>(slots * cols()), 0.0);
        std::memcpy(static_cast<void*>(state.data()), &start, sizeof(T));
        reducer_->fold_in_order(state, [&](std::span<double> s) {
          T so_far;
          std::memcpy(static_cast<void*>(&so_far), s.data(), sizeof(T));
          const T after = next(so_far, take);
          std::memcpy(static_cast<void*>(s.data()), &after, sizeof(T));
          copy_taken(s.data() + head);
        });
        T last;
        std::memcpy(static_cast<void*>(&last), state.data(), sizeof(T));
        std::copy(state.begin() + static_cast<std::ptrdiff_t>(head), state.end(), rows.data());
        return {last, std::move(rows)};
      }
    }
    T last = next(start, take);
    copy_taken(rows.data());
    return {std::move(last), std::move(rows)};
  }

  // The largest of `mine` over the processes (exact, so the same for any number of them).
  Scalar max(const Scalar& mine) const {
    return fold(mine, [&mine](const Scalar& so_far) { return so_far < mine ? mine : so_far; });
  }

  // sum_i a_i z_i over the rows with a_i != 0, in row order, the first term a_i z_i itself (a
  // vertex a = e_i gives z_i exactly); a holds this process's rows' weights. Zero when a is.
  Vector<Scalar> weighted_sum(const Vector<Scalar>& a) const {
    const auto add_mine = [&](auto& sum, bool& started) {
      for (std::ptrdiff_t i = 0; i < rows_.rows(); ++i) {
        if (a(i) == 0) continue;
        if (started) {
          sum.noalias() += a(i) * rows_.row(i).transpose();
        } else {
          sum.noalias() = a(i) * rows_.row(i).transpose();
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
          Eigen::Map<Vector<double>> so_far(s.data(), cols());
          bool begun = s.back() != 0;
          add_mine(so_far, begun);
          s.back() = begun ? 1.0 : 0.0;
        });
        sum = Eigen::Map<const Vector<double>>(state.data(), cols());
        return sum;
      }
    }
    bool started = false;
    add_mine(sum, started);
    return sum;
  }

  // The global rows `indices` (ascending, the same on every process) of `local`, a matrix whose
  // rows are this process's rows as held() is (held() itself, or one value a row), on every
  // process.
  RowMatrix<Scalar> gather(const RowMatrix<Scalar>& local,
                           const std::vector<std::ptrdiff_t>& indices) const {
    const std::ptrdiff_t k = static_cast<std::ptrdiff_t>(indices.size()), c = local.cols();
    RowMatrix<Scalar> out(k, c);
    const auto fill_mine = [&](Scalar* rows) {
      for (std::ptrdiff_t r = 0; r < k; ++r) {
        const std::ptrdiff_t i = indices[static_cast<std::size_t>(r)];
        if (holds(i))
          std::copy(local.row(i - first_).data(), local.row(i - first_).data() + c, rows + r * c);
      }
    };
    if constexpr (std::is_same_v<Scalar, double>) {
      if (reducer_ != nullptr) {
        std::vector<double> state(static_cast<std::size_t>(k * c), 0.0);
        reducer_->fold_in_order(state, [&](std::span<double> s) { fill_mine(s.data()); });
        std::copy(state.begin(), state.end(), out.data());
        return out;
      }
    }
    fill_mine(out.data());
    return out;
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
    for (std::ptrdiff_t i = 0; i < rows_.rows(); ++i)
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
  RowMatrix<Scalar> rows_;
  std::ptrdiff_t first_ = 0, n_ = 0;
  const BlockReducer<double>* reducer_ = nullptr;
};

}  // namespace largestep
