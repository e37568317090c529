// Data-parallel evaluation across processes: LogisticObjective's blocked sum over rows, with the
// blocks shared out and their partial sums combined by a BlockReducer. The kernel knows only this
// interface; the Open MPI implementation lives with the program (src/largestep/processes/processes_mpi.cpp), so the
// libraries, the tests and the benchmarks never link MPI.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "largestep/kernel/dataset.h"

namespace largestep {

// How the block partials are combined.
//  deterministic  in block order, the serial kernel's additions exactly: the result is bitwise
//                 that of one process, for any number of them
//  fast           each process adds its own blocks in order, then one MPI_Allreduce: its rounding
//                 depends on the number of processes (run records say "reduce": "fast")
enum class ReduceMode { deterministic, fast };

inline std::string_view to_string(ReduceMode mode) {
  return mode == ReduceMode::fast ? "fast" : "deterministic";
}

template <class Scalar>
class BlockReducer {
 public:
  virtual ~BlockReducer() = default;
  virtual ReduceMode mode() const = 0;
  // The blocks [first, last) of `blocks` whose partial sums this process computes: a contiguous
  // range, the same on every call with the same count.
  virtual std::pair<std::ptrdiff_t, std::ptrdiff_t> my_blocks(std::ptrdiff_t blocks) const = 0;
  // Given this process's partials (column k of `grads` and entry k of `losses` for its block
  // first + k), sets `loss` and `grad` on every process to the sum over all blocks.
  virtual void combine(const Matrix<Scalar>& grads, const Vector<Scalar>& losses, Scalar& loss,
                       Vector<Scalar>& grad) const = 0;
  // The fold behind the deterministic combine, open to any state and any operation: the first
  // process applies `mine` (its own partials, in their order) to `state` as the caller set it;
  // each next process receives the state from the one before and does the same; every process
  // ends with the last one's state. Partials cut the same way for any number of processes (the
  // scaled reference's) so fold to the same bits for any number of them, whatever mode() says.
  virtual void fold_in_order(std::span<Scalar> state,
                             const std::function<void(std::span<Scalar>)>& mine) const = 0;
  // The reducer of the same processes in mode deterministic (this one when it is): for what must
  // not depend on their number even in a run that combines its gradients fast (the reference).
  virtual const BlockReducer& deterministic() const = 0;
};

// fold_in_order for a value of any trivially copyable T, with the Scalars of `tail` travelling
// after it: `start` and `tail` as given on the first process, each process's
// `next(so_far, its_tail)` passed on (next returns the value and may change the tail in place);
// every process returns the last one's value, with `tail` set to the last one's. The value
// travels as the bytes of Scalars, copied, never computed with.
template <class T, class Scalar, class Next>
T fold_value_in_order(const T& start, std::span<Scalar> tail, const BlockReducer<Scalar>& reducer,
                      const Next& next) {
  static_assert(std::is_trivially_copyable_v<T>);
  constexpr std::size_t head = (sizeof(T) + sizeof(Scalar) - 1) / sizeof(Scalar);
  std::vector<Scalar> state(head + tail.size());
  std::memcpy(static_cast<void*>(state.data()), &start, sizeof(T));
  if (!tail.empty()) std::copy(tail.begin(), tail.end(), state.begin() + head);
  reducer.fold_in_order(state, [&next](std::span<Scalar> s) {
    T so_far;
    std::memcpy(static_cast<void*>(&so_far), s.data(), sizeof(T));
    const T after = next(so_far, s.subspan(head));
    std::memcpy(static_cast<void*>(s.data()), &after, sizeof(T));
  });
  T last;
  std::memcpy(static_cast<void*>(&last), state.data(), sizeof(T));
  if (!tail.empty()) std::copy(state.begin() + head, state.end(), tail.begin());
  return last;
}

// The same without a tail: each process's `next(so_far)`.
template <class T, class Scalar, class Next>
T fold_value_in_order(const T& start, const BlockReducer<Scalar>& reducer, const Next& next) {
  return fold_value_in_order(start, std::span<Scalar>(), reducer,
                             [&next](const T& so_far, std::span<Scalar>) { return next(so_far); });
}

// The sum of a count over the processes sharing the rows (this process's when `reducer` is
// null): exact, so the same for any number of them.
template <class Scalar>
std::int64_t sum_over_processes(std::int64_t mine, const BlockReducer<Scalar>* reducer) {
  if (reducer == nullptr) return mine;
  return fold_value_in_order(std::int64_t{0}, *reducer,
                             [mine](std::int64_t so_far) { return so_far + mine; });
}

// Dataset::max_row_terms over every process's rows: data held whole answers for itself, a shard
// folds the processes' maxima (exact), which needs `reducer` (std::logic_error without).
template <class Scalar>
std::ptrdiff_t max_row_terms(const Dataset<Scalar>& data, const BlockReducer<Scalar>* reducer) {
  if (!data.is_shard()) return data.max_row_terms();
  if (reducer == nullptr)
    throw std::logic_error("max_row_terms on a shard needs the processes' reducer");
  return fold_value_in_order(std::ptrdiff_t{0}, *reducer, [&data](std::ptrdiff_t so_far) {
    return std::max(so_far, data.max_row_terms());
  });
}

// The largest of `mine` over the processes sharing the rows (this one's when `reducer` is null):
// a fold of maxima, exact, so the same for any number of them.
template <class Scalar>
Scalar max_over_processes(Scalar mine, const BlockReducer<Scalar>* reducer) {
  if (reducer == nullptr) return mine;
  Scalar most = mine;
  reducer->fold_in_order(std::span<Scalar>(&most, 1),
                         [mine](std::span<Scalar> s) { s[0] = s[0] < mine ? mine : s[0]; });
  return most;
}

// The reducers of this process's data-parallel runs: null (the default) in a single process and
// whenever runs are not shared out (a distributed sweep gives each process whole runs).
template <class Scalar>
const BlockReducer<Scalar>*& data_parallel_reducer() {
  static const BlockReducer<Scalar>* reducer = nullptr;
  return reducer;
}

}  // namespace largestep
