// Which rows of a dataset this process holds when the processes of an mpirun job share the rows
// (processes.h, share_rows): its shard, so that it generates and keeps only its rows, when every
// sum over the rows that the command makes is shared; else every row.
#pragma once

#include "largestep/data/dataset_spec.h"
#include "largestep/kernel/dataset.h"

namespace largestep {

// The rows to hold of the dataset of `spec`. A shard when all of these hold:
//  - processes share the rows (a reducer is set: block_reducer.h);
//  - the dataset can be made in row ranges: planted dense data (CSR shards are not supported
//    yet: their column counts and hash would need the processes' combination);
//  - the reference is the scaled one (`scaled_reference`), whose sums are shared in units
//    (ordered_sum.h); the MPFR one needs every row (small data, n d^2 <= kMpfrMaxWork);
//  - `every_sum_shared`: the command evaluates f only by value_and_gradient (the solver's
//    on_shards) and needs no margin certificate.
// The shard is whole units of the reference's sums (reference_unit_rows), this process's even
// share of them as BlockReducer::my_blocks deals them: [first * U, min(last * U, n)); with more
// processes than units some hold no row. Every row otherwise.
RowRange rows_to_hold(const DatasetSpec& spec, bool scaled_reference, bool every_sum_shared);

// Whether the reference of the spec's dataset resolves to the scaled one by size
// (n d^2 > kMpfrMaxWork), where the spec tells the size.
bool scaled_by_size(const DatasetSpec& spec);

}  // namespace largestep
