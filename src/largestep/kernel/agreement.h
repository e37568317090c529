// What the processes sharing the rows of a dataset (block_reducer.h) must agree on before they
// compute together: every step of a shared computation is taken by all of them or by none, so a
// choice one process makes from what it alone sees (a cache file, a directory listing) is first
// made the same on every process.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "largestep/kernel/block_reducer.h"

namespace largestep {

// The processes sharing the rows of the datasets of this command (data_parallel_reducer), in
// their deterministic mode, or null: what they compute together from data each holds whole must
// still take the same steps on every process.
inline const BlockReducer<double>* processes_sharing_rows() {
  const BlockReducer<double>* reducer = data_parallel_reducer<double>();
  return reducer == nullptr ? nullptr : &reducer->deterministic();
}

// The processes sharing the rows of a shard, in their deterministic mode (what is computed across
// a shard must not depend on how many share it), or null for a dataset held whole.
template <class Scalar>
const BlockReducer<double>* shard_reducer(const Dataset<Scalar>& data) {
  if (!data.is_shard()) return nullptr;
  const BlockReducer<double>* reducer = processes_sharing_rows();
  if (reducer == nullptr)
    throw std::logic_error("a shard of a dataset without the processes sharing its rows");
  return reducer;
}

// Whether `mine` holds on every process sharing the rows (on this one alone when `reducer` is
// null): what they must agree on before a collective computation, such as a cache miss.
inline bool on_every_process(bool mine, const BlockReducer<double>* reducer) {
  if (reducer == nullptr) return mine;
  double all = 1;
  reducer->fold_in_order(std::span<double>(&all, 1),
                         [mine](std::span<double> s) { s[0] = mine ? s[0] : 0.0; });
  return all == 1;
}

// The first process's `mine`, on every process (this one's when `reducer` is null). The bytes
// travel as they are, never computed with.
inline std::string first_process_bytes(const std::string& mine,
                                       const BlockReducer<double>* reducer) {
  if (reducer == nullptr) return mine;
  struct Size {
    std::uint64_t bytes = 0;
    bool set = false;
  };
  const Size size = fold_value_in_order(Size{}, *reducer, [&mine](Size so_far) {
    return so_far.set ? so_far : Size{mine.size(), true};
  });
  // [whether set, the bytes]
  std::vector<double> state(1 + (size.bytes + sizeof(double) - 1) / sizeof(double), 0.0);
  reducer->fold_in_order(state, [&mine](std::span<double> s) {
    if (s[0] != 0) return;
    std::memcpy(static_cast<void*>(s.data() + 1), mine.data(), mine.size());
    s[0] = 1;
  });
  return std::string(reinterpret_cast<const char*>(state.data() + 1), size.bytes);
}

}  // namespace largestep
