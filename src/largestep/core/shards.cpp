#include "largestep/core/shards.h"

#include <algorithm>

#include "largestep/kernel/block_reducer.h"
#include "largestep/reference/certified.h"
#include "largestep/reference/scaled_reference.h"

namespace largestep {

bool scaled_by_size(const DatasetSpec& spec) {
  const auto shape = spec_shape(spec);
  if (!shape) return false;
  const double n = static_cast<double>(shape->first), d = static_cast<double>(shape->second);
  return n * d * d > kMpfrMaxWork;
}

RowRange rows_to_hold(const DatasetSpec& spec, bool scaled_reference, bool every_sum_shared) {
  const BlockReducer<double>* reducer = data_parallel_reducer<double>();
  const auto shape = spec_shape(spec);
  if (reducer == nullptr || !shape || spec.params.contains("nnz") || !scaled_reference ||
      !every_sum_shared)
    return {};
  const auto [n, d] = *shape;
  const std::int64_t unit = reference_unit_rows(n, d, false);
  const auto [first, last] = reducer->my_blocks((n + unit - 1) / unit);
  return {std::min<std::int64_t>(n, first * unit), std::min<std::int64_t>(n, last * unit)};
}

}  // namespace largestep
