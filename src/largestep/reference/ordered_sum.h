// Sums over the rows of a dataset whose bits do not depend on how many processes share them: the
// rows are cut into units of whole blocks (the cut depends on n and the largest partial only), each
// unit's partial is computed from zero, and the partials are folded into the total in unit order.
// One process folds each unit as soon as it has computed it; processes sharing the rows
// (block_reducer.h) each compute a contiguous run of the units and fold them in turn
// (BlockReducer::fold_in_order): the same operations on the same numbers.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "largestep/kernel/block_reducer.h"

namespace largestep {

// The rows a process holds: [first, first + count); count -1: every row.
struct HeldRows {
  std::ptrdiff_t first = 0, count = -1;
};

class OrderedSum {
 public:
  // Every process's partials together stay below this many doubles (unit_rows_for).
  static constexpr double kMaxPartialDoubles = 1 << 24;  // 128 MB
  // Units are whole multiples of this many rows, a power of two times it: every block size of
  // the sums (4096, 1024, 512 rows) divides it.
  static constexpr std::ptrdiff_t kMinUnitRows = 4096;

  // The rows of a unit for sums over n rows whose largest partial holds `largest_partial`
  // doubles: kMinUnitRows times the least power of two for which the partials of all units fit
  // in kMaxPartialDoubles. Every sum of one computation takes the same unit, so that a process
  // holding whole units of rows holds whole units of each sum.
  static std::ptrdiff_t unit_rows_for(std::ptrdiff_t n, std::ptrdiff_t largest_partial) {
    std::ptrdiff_t rows = kMinUnitRows;
    const auto fits = [&] {
      const double units = std::ceil(static_cast<double>(n) / static_cast<double>(rows));
      return units * static_cast<double>(largest_partial) <= kMaxPartialDoubles || rows >= n;
    };
    while (!fits()) rows *= 2;
    return rows;
  }

  // `unit_rows`: from unit_rows_for; `reducer`: the processes sharing the rows, null for this
  // process alone. Each process holds every row, or (`held`) only a shard of them: the rows
  // [held.first, held.first + held.count), whole units (the last may end at n), and it sums the
  // units of its shard. Rows are passed to `unit` as numbered in the rows this process holds.
  OrderedSum(std::ptrdiff_t n, std::ptrdiff_t unit_rows, std::ptrdiff_t partial_size,
             const BlockReducer<double>* reducer, HeldRows held = {})
      : n_(n), partial_size_(partial_size), unit_rows_(unit_rows), reducer_(reducer), held_(held) {
    units_ = (n + unit_rows_ - 1) / unit_rows_;
    if (held_.count < 0) return;
    const std::ptrdiff_t end = held_.first + held_.count;
    if (reducer_ == nullptr || held_.first % unit_rows_ != 0 ||
        (end % unit_rows_ != 0 && end != n_) || end > n_)
      throw std::logic_error("an ordered sum over a shard needs whole units and the reducer");
  }

  std::ptrdiff_t units() const { return units_; }

  // unit(begin, end, partial) adds the rows [begin, end) into `partial` (partial_size doubles,
  // zero on entry); fold(state, partial) adds a unit's partial into the total. `state` holds the
  // starting total on entry and the sum over every row on return, on every process.
  template <class Unit, class Fold>
  void operator()(std::span<double> state, Unit&& unit, Fold&& fold) const {
    const auto rows = [this](std::ptrdiff_t k) {
      return std::pair{k * unit_rows_, std::min(n_, (k + 1) * unit_rows_)};
    };
    const auto size = static_cast<std::size_t>(partial_size_);
    if (reducer_ == nullptr) {
      std::vector<double> partial(size);
      for (std::ptrdiff_t k = 0; k < units_; ++k) {
        std::fill(partial.begin(), partial.end(), 0.0);
        const auto [begin, end] = rows(k);
        unit(begin, end, std::span<double>(partial));
        fold(state, std::span<const double>(partial));
      }
      return;
    }
    const auto [first, last] =
        held_.count < 0 ? reducer_->my_blocks(units_)
                        : std::pair{held_.first / unit_rows_,
                                    (held_.first + held_.count + unit_rows_ - 1) / unit_rows_};
    const std::ptrdiff_t offset = held_.count < 0 ? 0 : held_.first;
    // Kept and reused: a fresh buffer each call (up to 128 MB, mapped and unmapped each time)
    // cost more than the products themselves under mpirun (a sparse reference, 10^5 x 2^18:
    // 47 s with one process under mpirun, 12.5 s reused; 7.9 s without mpirun).
    static thread_local std::vector<double> partials;
    partials.assign(static_cast<std::size_t>(last - first) * size, 0.0);
    for (std::ptrdiff_t k = first; k < last; ++k) {
      const auto [begin, end] = rows(k);
      unit(begin - offset, end - offset,
           std::span<double>(partials).subspan((k - first) * size, size));
    }
    reducer_->fold_in_order(state, [&](std::span<double> total) {
      for (std::ptrdiff_t k = first; k < last; ++k)
        fold(total, std::span<const double>(partials).subspan((k - first) * size, size));
    });
  }

 private:
  std::ptrdiff_t n_, partial_size_, unit_rows_ = 1, units_ = 0;
  const BlockReducer<double>* reducer_;
  HeldRows held_;
};

}  // namespace largestep
