#include "largestep/core/shards.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

#include "largestep/data/readers.h"
#include "largestep/kernel/block_reducer.h"
#include "largestep/kernel/objective.h"
#include "largestep/reference/ordered_sum.h"
#include "largestep/reference/scaled_reference.h"

namespace largestep {
namespace {

// This process's even share of the units of `unit` rows of n, as the reducer deals blocks.
RowRange share_of_units(std::int64_t n, std::int64_t unit, const BlockReducer<double>& reducer) {
  const auto [first, last] = reducer.my_blocks((n + unit - 1) / unit);
  return {std::min<std::int64_t>(n, first * unit), std::min<std::int64_t>(n, last * unit)};
}

// The rows of a unit of every sum shared over the rows of n x d data (`stored`: the nonzeros of
// CSR data, none when dense): the reference's units and the objective's blocks, powers of two
// times 512 rows each, so the larger is whole units of the other.
std::int64_t shard_unit_rows(std::int64_t n, std::int64_t d, std::optional<std::int64_t> stored) {
  const std::int64_t unit = reference_unit_rows(n, std::max<std::int64_t>(d, 1), stored.has_value());
  return stored ? std::max<std::int64_t>(unit, sparse_block_rows(n, d, *stored)) : unit;
}

// A CSR shard learns every shard's nonzeros (how its sums are cut depends on them): they must be
// the `expected` its rows were dealt by.
void set_all_stored(Dataset<double>& data, std::int64_t expected,
                    const BlockReducer<double>& reducer) {
  data.all_stored = static_cast<std::ptrdiff_t>(sum_over_processes(data.stored(), &reducer));
  if (data.all_stored != expected)
    throw std::logic_error("the shards store " + std::to_string(data.all_stored) +
                           " nonzeros together, not the " + std::to_string(expected) +
                           " their rows were dealt by");
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
  const bool csr = libsvm_stores_csr(all, options);
  const std::int64_t unit =
      shard_unit_rows(n, d, csr ? std::optional<std::int64_t>(all.nonzeros) : std::nullopt);
  if (const RowRange share = share_of_units(n, unit, reducer);
      share.begin != rows.begin || share.end != rows.end) {
    rows = share;
    shard = agreed(agree, [&] { return read_libsvm_shard(spec.path, rows, options); });
  }
  const bool scale = options.scale_rows;
  options.scale_rows = false;  // below, once every shard is made (it calls on every process)
  Dataset<double> data =
      agreed(agree, [&] { return finish_libsvm_shard(std::move(shard), all, options); });
  if (scale)
    scale_rows_by_max_norm(data, GlobalMax<double>([&reducer](double mine) {
                             return max_over_processes(mine, &reducer);
                           }));
  data.spec = spec.canonical();
  data.first_row = static_cast<std::ptrdiff_t>(rows.begin);
  data.all_rows = static_cast<std::ptrdiff_t>(n);
  if (data.sparse) set_all_stored(data, all.nonzeros, reducer);
  validate(data);
  return data;
}

}  // namespace

RowRange rows_to_hold(const DatasetSpec& spec, ReferenceMethod method) {
  const BlockReducer<double>* reducer = data_parallel_reducer<double>();
  const auto shape = spec_shape(spec);
  if (reducer == nullptr || !shape ||
      resolve_reference_method(shape->first, shape->second, method) != ReferenceMethod::scaled)
    return {};
  const auto [n, d] = *shape;
  return share_of_units(n, shard_unit_rows(n, d, spec_stored(spec)), *reducer);
}

Dataset<double> make_held_dataset(const DatasetSpec& spec, ReferenceMethod method,
                                  const ProgressSink& progress, const Agreement& agree) {
  const BlockReducer<double>* reducer = data_parallel_reducer<double>();
  if (spec.kind == "libsvm" && reducer != nullptr && method != ReferenceMethod::mpfr)
    return held_libsvm(spec, method, progress, agree, *reducer);
  const RowRange rows = rows_to_hold(spec, method);
  if (rows.everything()) return make_dataset(spec, progress);
  Dataset<double> data = agreed(agree, [&] { return make_dataset_rows(spec, rows, progress); });
  if (data.sparse) set_all_stored(data, *spec_stored(spec), *reducer);
  return data;
}

}  // namespace largestep
