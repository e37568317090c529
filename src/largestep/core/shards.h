// Which rows of a dataset this process holds when the processes of an mpirun job share the rows
// (processes.h, share_rows): its shard, so that it makes and keeps only its rows, when the data
// and its reference allow (rows_to_hold); else every row.
#pragma once

#include <exception>
#include <functional>

#include "largestep/data/dataset_spec.h"
#include "largestep/kernel/dataset.h"
#include "largestep/reference/certified.h"

namespace largestep {

// The rows to hold of planted data, dense or CSR. A shard when all of these hold:
//  - processes share the rows (a reducer is set: block_reducer.h);
//  - the dataset is planted;
//  - the reference is the scaled one (`method`, resolved on n d^2), whose sums are shared in units
//    (ordered_sum.h); the MPFR one needs every row.
// Every other sum over the rows a command makes is shared too: LogisticObjective's blocked sums
// (value_and_gradient, value, hessian_times: every solver's), the margin certificate's
// (separability.h) and the cache key's (disk_cache.h).
// The shard is whole units of the reference's sums (reference_unit_rows) and, for CSR data, of
// the objective's blocks (sparse_block_rows), whichever is larger: this process's even share of
// them as BlockReducer::my_blocks deals them, [first * U, min(last * U, n)); with more processes
// than units some hold no row. Every row otherwise.
RowRange rows_to_hold(const DatasetSpec& spec, ReferenceMethod method);

// Called by every process with its failure (null: none) after work on its own rows, which may
// fail on some processes only; returns when none failed (processes.h: agree_on_failure).
using Agreement = std::function<void(const std::exception_ptr&)>;

// The dataset of `spec` as this process is to hold it:
//  - planted data: its rows_to_hold;
//  - a LIBSVM file, under the same conditions as planted data: its share of whole units of the
//    rows, read by row range (a first share of 4096-row units, read again if the reference's unit,
//    known once the processes' facts give d and the storage, deals other rows), the facts
//    combined, the rows scaled by the largest row norm of all shards. When the whole file turns
//    out small (the MPFR reference), every process reads it whole instead;
//  - anything else: every row, as make_dataset.
// `agree` is called after each step that can fail on some processes only (a shard's lines, its
// memory).
Dataset<double> make_held_dataset(const DatasetSpec& spec, ReferenceMethod method,
                                  const ProgressSink& progress, const Agreement& agree);

}  // namespace largestep
