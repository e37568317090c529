// One dataset-spec syntax used everywhere: NAME[:ARG,KEY=VALUE,...], e.g. `oned`, `hard:gamma=0.1`,
// `toy4`, `planted:n=1000,d=50,gamma=0.05,seed=1`, `libsvm:PATH`, `csv:PATH,label=last`,
// `digits:0v8`, `fashion:7v9,split=test`, `breast_cancer`, `heart_scale`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "largestep/data/readers.h"
#include "largestep/kernel/dataset.h"
#include "largestep/kernel/progress.h"

namespace largestep {

struct DatasetSpec {
  std::string kind;  // oned, hard, toy4, planted, libsvm, csv, digits, fashion, breast_cancer,
                     // heart_scale
  std::string path;  // libsvm and csv: the file; digits and fashion: the two classes, "AvB"
  std::map<std::string, std::string> params;  // KEY=VALUE pairs, sorted by key

  // The spec written back in a normal form (keys sorted): equal datasets, equal strings.
  std::string canonical() const;
};

// Parses and checks a spec: unknown kinds, unknown or repeated keys, and malformed values are
// DataErrors naming them; values are normalized and defaults filled in, so the canonical form of
// `hard` and of `hard:gamma=0.10` is `hard:gamma=0.1`. Does not touch the file system.
DatasetSpec parse_dataset_spec(std::string_view text);

// Builds (or reads) the dataset; its `spec` field is the canonical spec. `progress` hears how far
// generating planted data, reading a LIBSVM or CSV file, or streaming Fashion-MNIST is.
Dataset<double> make_dataset(const DatasetSpec& spec, const ProgressSink& progress = {});
Dataset<double> make_dataset(std::string_view text, const ProgressSink& progress = {});

// Only the rows `rows` of the dataset, as a shard (Dataset::is_shard): those rows of the whole
// dataset bit for bit. Planted data only (it is seeded per row); another kind, or a range that is
// not one of the dataset's, is a DataError. Every row (rows.everything()) is make_dataset.
Dataset<double> make_dataset_rows(const DatasetSpec& spec, RowRange rows,
                                  const ProgressSink& progress = {});

// How a libsvm or csv spec's file is read (labels, scaling, storage).
ReadOptions read_options(const DatasetSpec& spec);

// The rows and columns a spec's dataset has, where the spec says (planted data); nullopt where
// only making it tells.
std::optional<std::pair<std::int64_t, std::int64_t>> spec_shape(const DatasetSpec& spec);

// The nonzeros a spec's CSR dataset stores, where the spec says (planted data with nnz=K: n K);
// nullopt for dense data and where only making it tells.
std::optional<std::int64_t> spec_stored(const DatasetSpec& spec);

// One line per dataset kind, for --help texts.
std::string dataset_spec_help();

}  // namespace largestep
