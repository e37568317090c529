#include "largestep/core/shards.h"

#include <algorithm>
#include <optional>

#include "largestep/data/readers.h"
#include "largestep/kernel/block_reducer.h"
#include "largestep/reference/ordered_sum.h"
#include "largestep/reference/scaled_reference.h"

namespace largestep {
namespace {

// This process's even share of the units of `unit` rows of n, as the reducer deals blocks.
RowRange share_of_units(std::int64_t n, std::int64_t unit, const BlockReducer<double>& reducer) {
  const auto [first, last] = reducer.my_blocks((n + unit - 1) / unit);
  return {std::min<std::int64_t>(n, first * unit), std::min<std::int64_t>(n, last * unit)};
}

// f(), its failure on any process ending the job (agree) before anything collective follows.
template <class F>
auto agreed(const Agreement& agree, F&& f) -> decltype(f()) {
  std::optional<decltype(f())> out;
  std::exception_ptr failure;
  try {
    out.emplace(f());
  } catch (...) {
    failure = std::current_exception();
  }
  agree(failure);
  return std::move(*out);
}

// Every process's facts combined, in rank order (combine is exact: any order gives the same).
LibsvmFacts facts_of_all(const LibsvmFacts& mine, const BlockReducer<double>& reducer) {
  return fold_value_in_order(LibsvmFacts{}, reducer,
                             [&mine](const LibsvmFacts& so_far) { return combine(so_far, mine); });
}

Dataset<double> held_libsvm(const DatasetSpec& spec, ReferenceMethod method,
                            const ProgressSink& progress, const Agreement& agree,
                            const BlockReducer<double>& reducer) {
  ReadOptions options = read_options(spec);
  options.progress = progress;
  const std::int64_t n = count_libsvm_rows(spec.path, options);  // fails alike everywhere
  RowRange rows = share_of_units(n, OrderedSum::kMinUnitRows, reducer);
  LibsvmShard shard =
      agreed(agree, [&] { return read_libsvm_shard(spec.path, rows, options); });
  const LibsvmFacts all = facts_of_all(shard.facts, reducer);
  const std::int64_t d = all.max_index;
  // Small enough for the MPFR reference, which needs every row: the whole file, read by each.
  if (resolve_reference_method(n, d, method) != ReferenceMethod::scaled)
    return make_dataset(spec, progress);
  const std::int64_t unit = reference_unit_rows(n, std::max<std::int64_t>(d, 1), false);
  if (const RowRange share = share_of_units(n, unit, reducer);
      share.begin != rows.begin || share.end != rows.end) {
    rows = share;
    shard = agreed(agree, [&] { return read_libsvm_shard(spec.path, rows, options); });
  }
  const bool scale = options.scale_rows;
  options.scale_rows = false;  // below, once every shard is made (it calls on every process)
  Dataset<double> data =
      agreed(agree, [&] { return finish_libsvm_shard(std::move(shard), all, options); });
  if (data.sparse) return make_dataset(spec, progress);  // CSR shards are not supported yet
  if (scale)
    scale_rows_by_max_norm(data, GlobalMax<double>([&reducer](double mine) {
                             return max_over_processes(mine, &reducer);
                           }));
  data.spec = spec.canonical();
  data.first_row = static_cast<std::ptrdiff_t>(rows.begin);
  data.all_rows = static_cast<std::ptrdiff_t>(n);
  validate(data);
  return data;
}

}  // namespace

RowRange rows_to_hold(const DatasetSpec& spec, ReferenceMethod method) {
  const BlockReducer<double>* reducer = data_parallel_reducer<double>();
  const auto shape = spec_shape(spec);
  if (reducer == nullptr || !shape || spec.params.contains("nnz") ||
      resolve_reference_method(shape->first, shape->second, method) != ReferenceMethod::scaled)
    return {};
  const auto [n, d] = *shape;
  return share_of_units(n, reference_unit_rows(n, d, false), *reducer);
}

Dataset<double> make_held_dataset(const DatasetSpec& spec, ReferenceMethod method,
                                  const ProgressSink& progress, const Agreement& agree) {
  const BlockReducer<double>* reducer = data_parallel_reducer<double>();
  const auto format = spec.params.find("format");
  const bool csr = format != spec.params.end() && format->second == "csr";
  if (spec.kind == "libsvm" && reducer != nullptr && method != ReferenceMethod::mpfr && !csr)
    return held_libsvm(spec, method, progress, agree, *reducer);
  const RowRange rows = rows_to_hold(spec, method);
  if (rows.everything()) return make_dataset(spec, progress);
  return agreed(agree, [&] { return make_dataset_rows(spec, rows, progress); });
}

}  // namespace largestep
