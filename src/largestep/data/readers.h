// Readers for LIBSVM text and CSV files into Dataset<double>.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "largestep/kernel/dataset.h"
#include "largestep/kernel/progress.h"

namespace largestep {

// How raw labels in a file become -1 / +1.
struct LabelMap {
  // When both are unset, the file's labels must already be -1 and +1 (written "-1", "+1" or "1").
  // When set, a label equal to `negative` becomes -1, one equal to `positive` becomes +1, and any
  // other label is an error. Typical: {0, 1} or {1, 2}.
  std::optional<double> negative;
  std::optional<double> positive;
};

struct ReadOptions {
  LabelMap labels;
  bool scale_rows = true;  // divide rows by the largest row norm, so max ||x_i|| = 1
  // Largest n * d of the dense X read from a LIBSVM file, which is sparse: one short line
  // "1 4000000000:1" would otherwise ask for 32 GB. The default, 2^28 entries, is 2 GiB of
  // doubles. (A CSV file holds every entry, so its size already bounds X.) A shard of a file is
  // held to the whole file's n * d, as is the automatic storage below: every shard fails, or
  // chooses, as the whole read would.
  std::int64_t max_entries = std::int64_t{1} << 28;
  // How a LIBSVM file's matrix is stored: dense, CSR (Dataset::Xs), or chosen from the file:
  // CSR when at most kAutoSparseDensity of the n * d entries are stored and n * d is above
  // kAutoSparseMinEntries (small data stays dense, bit for bit as before) or above max_entries.
  enum class Storage { automatic, dense, csr } storage = Storage::automatic;
  // Hears the bytes read of the stream's length (when the stream can tell it: files can).
  ProgressSink progress;
  // A LIBSVM file is read this many bytes at a time (more for a longer line): the memory a shard
  // read needs besides its rows. Tests make it tiny, so that lines straddle the reads.
  std::size_t chunk_bytes = std::size_t{1} << 20;
};

inline constexpr double kAutoSparseDensity = 0.1;
inline constexpr std::int64_t kAutoSparseMinEntries = std::int64_t{1} << 22;

// Reads LIBSVM/SVMlight text: "label idx:val idx:val ..." per line, indices 1-based and strictly
// increasing within a line; blank lines and lines starting with '#' are skipped (the rest of a
// line after '#' too); d is the largest index seen. The same as reading the one shard of every
// row and finishing it with its own facts (read_libsvm_shard, finish_libsvm_shard). Labels and
// values follow the number grammar of text.h (parse_number), indices its integer grammar. Throws DataError "path:line: ..." for a label or value that is not a finite
// number (malformed, NaN or Inf, out of double's range), a bad, zero, negative, repeated or
// decreasing index, a missing label, more than two classes, an unreadable or empty file, and
// "path: ..." for a dense n * d above options.max_entries, for a CSR matrix past 2^31 - 1
// nonzeros or columns, or for data beyond the available memory (resource_limits.h), checked as
// the file is read and before the matrix is made.
Dataset<double> read_libsvm(const std::string& path, const ReadOptions& options = {});

// The same from a stream; `name` stands for the path in error messages.
Dataset<double> read_libsvm(std::istream& in, const std::string& name,
                            const ReadOptions& options = {});

// ---- A LIBSVM file read in shards of rows, one per process of a data-parallel job ----
//
// The data rows of a file are its lines that are neither blank nor a '#' comment, numbered from 0
// in file order. Each process reads its rows (read_libsvm_shard), the processes combine their
// shards' facts (an allreduce with `combine`, done by the caller), and each finishes its shard
// with the combined facts (finish_libsvm_shard). The finished shards, concatenated in row order,
// are the whole read_libsvm bit for bit (X or Xs, y, d), whatever the split.

// A raw label and the global line it first appears on.
struct FirstLabel {
  double value = 0;
  std::int64_t line = 0;
};

// What the whole read decides on the whole file: d, the labels' classes, and the dense or CSR
// choice from n, d and the nonzeros. Trivially copyable, of fixed size (for an allreduce).
struct LibsvmFacts {
  std::int64_t rows = 0;       // data rows
  std::int64_t nonzeros = 0;   // index:value pairs
  std::int64_t max_index = 0;  // the largest index: d
  // The distinct raw labels by first appearance, the first three only: enough to tell (and name
  // the line of) a third class, and to map or refuse the labels as the whole file would.
  std::array<FirstLabel, 3> labels = {};
  int label_count = 0;
};

// The facts of two disjoint sets of rows together: exact (sums, maximum, union of the labels with
// their earliest lines), associative and commutative, so any fold over the shards gives one result.
LibsvmFacts combine(const LibsvmFacts& a, const LibsvmFacts& b);

// Rows [range.begin, range.end) of a file, parsed but not finished: raw labels, nonzeros row by
// row (CSR without its compression) and their facts.
struct LibsvmShard {
  std::string path;  // for messages
  RowRange rows;     // the rows held, end resolved (never -1)
  LibsvmFacts facts;
  std::vector<double> labels;             // raw, one a row
  std::vector<std::int64_t> row_start;    // rows + 1 offsets into indices and values
  std::vector<std::int64_t> indices;      // 1-based, as written
  std::vector<double> values;
};

// Reads the rows `range` of a LIBSVM file. The lines before them are only scanned for line ends
// (no number is parsed there) and the lines after them are not read; memory is the rows' and
// options.chunk_bytes. Throws what read_libsvm throws while reading a line ("path:LINE: ...", LINE
// counted in the whole file), for the shard's lines only, and DataError "path: ..." for a range
// that is not one (begin < 0, end below begin) or runs past the file's rows (naming their count).
LibsvmShard read_libsvm_shard(const std::string& path, RowRange range,
                              const ReadOptions& options = {});

// The same from a stream, from where it stands; `name` stands for the path in error messages.
LibsvmShard read_libsvm_shard(std::istream& in, const std::string& name, RowRange range,
                              const ReadOptions& options = {});

// Whether the file of these facts (every shard's, combined) is stored as CSR: options.storage, or
// for automatic the choice described at ReadOptions::storage.
bool libsvm_stores_csr(const LibsvmFacts& all, const ReadOptions& options);

// The dataset of a shard's rows, given `all`, the facts of every shard combined: d = all's largest
// index, labels mapped and checked as the whole file's, storage chosen and limits checked on the
// whole file's numbers (so every shard fails, or not, as read_libsvm does, with its message),
// memory checked for this shard, rows scaled by the largest row norm of all shards (`global_max`,
// see GlobalMax; empty for a shard holding every row). Every shard calls global_max equally often.
// Throws std::invalid_argument when `all` cannot include the shard's own facts.
Dataset<double> finish_libsvm_shard(LibsvmShard shard, const LibsvmFacts& all,
                                    const ReadOptions& options = {},
                                    const GlobalMax<double>& global_max = {});

// The data rows of a LIBSVM file, by the line-end scan alone (no number is parsed): what a caller
// splits into shards.
std::int64_t count_libsvm_rows(const std::string& path, const ReadOptions& options = {});

// Column of the label in a CSV file.
struct CsvOptions {
  ReadOptions read;
  enum class LabelColumn { first, last } label_column = LabelColumn::last;
  bool header = false;  // skip the first non-blank line
};

// Reads comma-separated numbers, one example per line, every line with the same number of fields.
// Same error classes as read_libsvm, plus a ragged line.
Dataset<double> read_csv(const std::string& path, const CsvOptions& options = {});

// The same from a stream; `name` stands for the path in error messages.
Dataset<double> read_csv(std::istream& in, const std::string& name, const CsvOptions& options = {});

}  // namespace largestep
