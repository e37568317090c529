// Sums over the rows of a dataset whose bits do not depend on how many processes share them: the
// rows are cut into units of whole blocks (the cut depends on n and the partial's size only), each
// unit's partial is computed from zero, and the partials are folded into the total in unit order.
// One process folds each unit as soon as it has computed it; processes sharing the rows
// (block_reducer.h) each compute a contiguous run of the units and fold them in turn
// (BlockReducer::fold_in_order): the same operations on the same numbers.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "largestep/kernel/block_reducer.h"

namespace largestep {

class OrderedSum {
 public:
  // Every process's partials together stay below this many doubles: units grow (by whole blocks)
  // past one block when n / block_rows partials of `partial_size` would not fit.
  static constexpr double kMaxPartialDoubles = 1 << 24;  // 128 MB

  // `reducer`: the processes sharing the rows, null for this process alone.
  OrderedSum(std::ptrdiff_t n, std::ptrdiff_t block_rows, std::ptrdiff_t partial_size,
             const BlockReducer<double>* reducer)
      : n_(n), partial_size_(partial_size), reducer_(reducer) {
    const std::ptrdiff_t blocks = std::max<std::ptrdiff_t>(1, (n + block_rows - 1) / block_rows);
    const double stored = static_cast<double>(blocks) * static_cast<double>(partial_size);
    const auto blocks_per_unit = static_cast<std::ptrdiff_t>(
        std::max(1.0, std::ceil(stored / kMaxPartialDoubles)));
    unit_rows_ = blocks_per_unit * block_rows;
    units_ = (n + unit_rows_ - 1) / unit_rows_;
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
    const auto [first, last] = reducer_->my_blocks(units_);
    // Kept and reused: a fresh buffer each call (up to 128 MB, mapped and unmapped each time)
    // cost more than the products themselves under mpirun (a sparse reference, 10^5 x 2^18:
    // 47 s with one process under mpirun, 12.5 s reused; 7.9 s without mpirun).
    static thread_local std::vector<double> partials;
    partials.assign(static_cast<std::size_t>(last - first) * size, 0.0);
    for (std::ptrdiff_t k = first; k < last; ++k) {
      const auto [begin, end] = rows(k);
      unit(begin, end, std::span<double>(partials).subspan((k - first) * size, size));
    }
    reducer_->fold_in_order(state, [&](std::span<double> total) {
      for (std::ptrdiff_t k = first; k < last; ++k)
        fold(total, std::span<const double>(partials).subspan((k - first) * size, size));
    });
  }

 private:
  std::ptrdiff_t n_, partial_size_, unit_rows_ = 1, units_ = 0;
  const BlockReducer<double>* reducer_;
};

// Whether `mine` holds on every process sharing the rows (on this one alone when `reducer` is
// null): what they must agree on before a collective computation, such as a cache miss.
inline bool on_every_process(bool mine, const BlockReducer<double>* reducer) {
  if (reducer == nullptr) return mine;
  double all = 1;
  reducer->fold_in_order(std::span<double>(&all, 1),
                         [mine](std::span<double> s) { s[0] = mine ? s[0] : 0.0; });
  return all == 1;
}

}  // namespace largestep
