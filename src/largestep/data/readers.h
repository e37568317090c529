// Readers for LIBSVM text and CSV files into Dataset<double>.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>

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
  // doubles. (A CSV file holds every entry, so its size already bounds X.)
  std::int64_t max_entries = std::int64_t{1} << 28;
  // How a LIBSVM file's matrix is stored: dense, CSR (Dataset::Xs), or chosen from the file:
  // CSR when at most kAutoSparseDensity of the n * d entries are stored and n * d is above
  // kAutoSparseMinEntries (small data stays dense, bit for bit as before) or above max_entries.
  enum class Storage { automatic, dense, csr } storage = Storage::automatic;
  // Hears the bytes read of the stream's length (when the stream can tell it: files can).
  ProgressSink progress;
};

inline constexpr double kAutoSparseDensity = 0.1;
inline constexpr std::int64_t kAutoSparseMinEntries = std::int64_t{1} << 22;

// Reads LIBSVM/SVMlight text: "label idx:val idx:val ..." per line, indices 1-based and strictly
// increasing within a line; blank lines and lines starting with '#' are skipped; d is the largest
// index seen. Labels and values follow the number grammar of text.h (parse_number), indices its
// integer grammar. Throws DataError "path:line: ..." for a label or value that is not a finite
// number (malformed, NaN or Inf, out of double's range), a bad, zero, negative, repeated or
// decreasing index, a missing label, more than two classes, an unreadable or empty file, and
// "path: ..." for a dense n * d above options.max_entries, for a CSR matrix past 2^31 - 1
// nonzeros or columns, or for data beyond the available memory (resource_limits.h), checked as
// the file is read and before the matrix is made.
Dataset<double> read_libsvm(const std::string& path, const ReadOptions& options = {});

// The same from a stream; `name` stands for the path in error messages.
Dataset<double> read_libsvm(std::istream& in, const std::string& name,
                            const ReadOptions& options = {});

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
