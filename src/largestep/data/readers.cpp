// Readers for LIBSVM text and CSV files (formats and error classes are described in readers.h).
#include "largestep/data/readers.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <limits>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "largestep/data/resource_limits.h"
#include "largestep/data/text.h"

namespace largestep {
namespace {

constexpr std::string_view kSpace = " \t\r\n\v\f";

// A line of a file, so that every error can say "path:line: what (token)".
struct Where {
  const std::string& path;
  long line = 0;

  std::string prefix() const { return path + ":" + std::to_string(line) + ": "; }

  [[noreturn]] void fail(const std::string& what, std::string_view token) const {
    // A garbage "token" can be a whole binary line; keep messages readable.
    std::string shown(token.substr(0, 40));
    if (token.size() > 40) shown += "...";
    throw DataError(prefix() + what + " (" + shown + ")");
  }
};

[[noreturn]] void fail_file(const std::string& path, const std::string& what) {
  throw DataError(path + ": " + what);
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Shortest text that reads back as the same double: "{0, 1}" rather than "{0.000000, 1.000000}".
std::string format_number(double x) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, result.ptr);
}

// `what` is "label" or "value"; `shown` is the token quoted in the error message. The grammar and
// the messages are those of every number reader (text.h).
double parse_number(std::string_view text, const char* what, const Where& where,
                    std::string_view shown) {
  const ParsedNumber x = largestep::parse_number(text);
  if (!x) where.fail(std::string(what) + " " + number_problem(x.problem), shown);
  return x.value;
}

std::string format_classes(const std::set<double>& classes) {
  std::string s = "{";
  for (const double c : classes) s += (s.size() > 1 ? ", " : "") + format_number(c);
  return s + "}";
}

// Collects the raw labels and maps them to -1/+1 only at the end: without a label map, the error
// for labels like 0/1 should list every class in the file, to suggest the right map.
class LabelReader {
 public:
  explicit LabelReader(const LabelMap& map) : map_(map) {
    if (map.negative && map.positive && *map.negative == *map.positive) {
      throw DataError("label map: negative and positive are both " + format_number(*map.negative));
    }
  }

  void add(double label, const Where& where, std::string_view token) {
    if (has_map() && label != map_.negative && label != map_.positive) {
      where.fail("label not in the label map " + describe_map(), token);
    }
    classes_.insert(label);
    if (classes_.size() > 2) {
      where.fail("more than two classes: labels seen are " + format_classes(classes_), token);
    }
    raw_.push_back(label);
    lines_.push_back(where.line);
  }

  std::ptrdiff_t size() const { return static_cast<std::ptrdiff_t>(raw_.size()); }

  Vector<double> finish(const std::string& path) const {
    Vector<double> y(size());
    for (std::ptrdiff_t i = 0; i < size(); ++i) {
      const double label = raw_[i];
      if (has_map()) {
        y[i] = label == map_.negative ? -1.0 : 1.0;
      } else if (label == -1.0 || label == 1.0) {
        y[i] = label;
      } else {
        throw DataError(Where{path, lines_[i]}.prefix() + "label not -1 or +1 (" +
                        format_number(label) + "); labels are " + format_classes(classes_) +
                        ": give a label map " + suggest_map());
      }
    }
    return y;
  }

 private:
  bool has_map() const { return map_.negative || map_.positive; }

  std::string describe_map() const {
    std::string s;
    if (map_.negative) s = "negative=" + format_number(*map_.negative);
    if (map_.positive) s += (s.empty() ? "" : ",") + ("positive=" + format_number(*map_.positive));
    return s;
  }

  std::string suggest_map() const {
    const std::string low = format_number(*classes_.begin());
    const std::string high = format_number(*classes_.rbegin());
    if (classes_.size() == 1) {
      return "with negative=" + low + " or positive=" + low +
             " (keys neg=, pos= of the dataset spec)";
    }
    return "negative=" + low + ",positive=" + high + " (neg=" + low + ",pos=" + high +
           " in the dataset spec)";
  }

  LabelMap map_;
  std::set<double> classes_;
  std::vector<double> raw_;
  std::vector<long> lines_;
};

std::ifstream open_file(const std::string& path) {
  std::error_code ec;
  // A directory opens fine as an ifstream on Linux and then reads as an empty file.
  if (std::filesystem::is_directory(path, ec)) fail_file(path, "cannot read: is a directory");
  std::ifstream in(path);
  if (!in) fail_file(path, std::string("cannot open file (") + std::strerror(errno) + ")");
  return in;
}

// The bytes left in `in` from where it stands, when it can tell (a file, a string); else 0.
std::int64_t remaining_bytes(std::istream& in) {
  const std::istream::pos_type start = in.tellg();
  if (start == std::istream::pos_type(-1)) return 0;
  in.seekg(0, std::ios::end);
  const std::istream::pos_type end = in.tellg();
  in.seekg(start);
  if (end == std::istream::pos_type(-1) || !in) {
    in.clear();
    in.seekg(start);
    return 0;
  }
  return static_cast<std::int64_t>(end - start);
}

// The bytes read of a stream, for a progress display: counted from the lines (no clock, no
// system call per line). Silent when there is no sink or the stream's length is unknown.
class BytesRead {
 public:
  BytesRead(std::istream& in, const ProgressSink& sink, const std::string& path)
      : total_(sink ? remaining_bytes(in) : 0),
        counter_(total_ > 0 ? sink : kNoSink, total_, "bytes of " + path + " read") {}
  void line(std::size_t bytes) {
    done_ = std::min(total_, done_ + static_cast<std::int64_t>(bytes) + 1);  // + the newline
    counter_(done_);
  }
  void finish() { counter_(total_); }

 private:
  static inline const ProgressSink kNoSink{};
  std::int64_t total_ = 0, done_ = 0;
  ProgressCounter counter_;
};

// Reads the next line with comments (when `comment` is set), whitespace and a UTF-8 byte-order
// mark (spreadsheet exports write one) removed. Returns false at the end of the file.
bool next_line(std::istream& in, std::string& text, std::string_view& line, Where& where,
               char comment, BytesRead& bytes) {
  if (!std::getline(in, text)) {
    if (in.bad()) fail_file(where.path, "read error");
    bytes.finish();
    return false;
  }
  bytes.line(text.size());
  ++where.line;
  line = text;
  if (where.line == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  if (comment) line = line.substr(0, line.find(comment));
  line = trim(line);
  return true;
}

std::vector<std::string_view> split(std::string_view line, std::string_view separators) {
  std::vector<std::string_view> tokens;
  for (std::size_t start = 0; start <= line.size();) {
    const std::size_t end = std::min(line.find_first_of(separators, start), line.size());
    tokens.push_back(line.substr(start, end - start));
    start = end + 1;
  }
  return tokens;
}

// Grows `v` by doubling, as push_back would, but first checks that the larger buffer fits in the
// available memory: a file of billions of numbers is refused with its name, not with bad_alloc.
template <class T>
void make_room(std::vector<T>& v, const std::string& path, std::string_view what) {
  if (v.size() < v.capacity()) return;
  const std::size_t grown = std::max<std::size_t>(2 * v.capacity(), 1024);
  if (grown >= (std::size_t{1} << 24))  // below 16 M elements the check costs more than it saves
    require_memory(
        static_cast<double>(grown) * sizeof(T),
        path + ": holding its " + std::string(what) + " (" + std::to_string(v.size()) + " so far)",
        "read a smaller file");
  v.reserve(grown);
}

Dataset<double> make_dataset(RowMatrix<double> X, Vector<double> y, const ReadOptions& options) {
  Dataset<double> data{std::move(X), std::move(y), ""};
  if (options.scale_rows) scale_rows_by_max_norm(data);
  return data;
}

}  // namespace

Dataset<double> read_libsvm(const std::string& path, const ReadOptions& options) {
  std::ifstream in = open_file(path);
  return read_libsvm(in, path, options);
}

Dataset<double> read_libsvm(std::istream& in, const std::string& path,
                            const ReadOptions& options) {
  LabelReader labels(options.labels);
  // The nonzeros row by row, as they come: CSR without its final compression.
  std::vector<std::int64_t> row_start;
  std::vector<long long> indices;
  std::vector<double> values;
  long long d = 0;
  Where where{path};
  BytesRead bytes(in, options.progress, path);
  std::string text;
  std::string_view line;
  while (next_line(in, text, line, where, '#', bytes)) {
    if (line.empty()) continue;
    std::vector<std::string_view> tokens;
    for (const std::string_view token : split(line, " \t")) {
      if (!token.empty()) tokens.push_back(token);
    }
    if (tokens[0].find(':') != std::string_view::npos) {
      where.fail("missing label: line starts with a feature", tokens[0]);
    }
    labels.add(parse_number(tokens[0], "label", where, tokens[0]), where, tokens[0]);
    make_room(row_start, path, "lines");
    row_start.push_back(static_cast<std::int64_t>(indices.size()));
    long long previous = 0;
    for (std::size_t k = 1; k < tokens.size(); ++k) {
      const std::string_view token = tokens[k];
      const std::size_t colon = token.find(':');
      if (colon == std::string_view::npos) where.fail("expected index:value", token);
      const std::string_view index_text = token.substr(0, colon);
      const ParsedInteger parsed = parse_integer(index_text);
      const long long index = parsed.value;
      if (!parsed || index <= 0) {
        where.fail("bad index: not a positive integer" +
                       (parsed ? std::string() : ": it " + integer_problem(parsed)),
                   token);
      }
      if (index == previous) where.fail("repeated index", token);
      if (index < previous) {
        where.fail("decreasing index: comes after " + std::to_string(previous), token);
      }
      previous = index;
      const double value = parse_number(token.substr(colon + 1), "value", where, token);
      make_room(indices, path, "nonzero entries");
      make_room(values, path, "nonzero entries");
      indices.push_back(index);
      values.push_back(value);
      d = std::max(d, index);
    }
  }
  if (labels.size() == 0) fail_file(path, "empty file (no data lines)");
  if (d == 0) fail_file(path, "no features: every line has a label only");
  const std::int64_t n = labels.size();
  row_start.push_back(static_cast<std::int64_t>(indices.size()));
  const double entries = static_cast<double>(n) * static_cast<double>(d);
  const double stored = static_cast<double>(indices.size());
  const bool dense_too_large = d > options.max_entries / n;
  constexpr long long kMaxIndex = std::numeric_limits<int>::max();
  const bool csr_fits = d <= kMaxIndex && indices.size() <= static_cast<std::size_t>(kMaxIndex);
  const std::string dense_problem =
      "too large: n = " + std::to_string(n) + " lines times d = " + std::to_string(d) +
      " (the largest index) exceed " + std::to_string(options.max_entries) +
      " entries of a dense matrix";
  const std::string csr_problem = "d = " + std::to_string(d) + " columns and " +
                                  std::to_string(indices.size()) +
                                  " nonzeros; CSR holds at most 2147483647 of each";
  const bool csr =
      options.storage == ReadOptions::Storage::csr ||
      (options.storage == ReadOptions::Storage::automatic &&
       (dense_too_large || (entries > static_cast<double>(kAutoSparseMinEntries) &&
                            stored <= kAutoSparseDensity * entries)));
  Vector<double> y = labels.finish(path);
  if (csr && !csr_fits) {
    if (options.storage == ReadOptions::Storage::csr) fail_file(path, "too large for CSR: " + csr_problem);
    fail_file(path, dense_problem + ", and as CSR: " + csr_problem);
  }
  if (csr) {
    require_memory(12.0 * stored + 4.0 * static_cast<double>(n + 1),
                   path + ": the CSR matrix of " + std::to_string(indices.size()) + " nonzeros",
                   "read a smaller file");
    Dataset<double> data;
    data.sparse = true;
    data.Xs.resize(n, static_cast<int>(d));
    data.Xs.resizeNonZeros(static_cast<std::ptrdiff_t>(indices.size()));
    for (std::int64_t i = 0; i <= n; ++i) data.Xs.outerIndexPtr()[i] = static_cast<int>(row_start[i]);
    for (std::size_t p = 0; p < indices.size(); ++p) {
      data.Xs.innerIndexPtr()[p] = static_cast<int>(indices[p] - 1);
      data.Xs.valuePtr()[p] = values[p];
    }
    data.y = std::move(y);
    if (options.scale_rows) scale_rows_by_max_norm(data);
    return data;
  }
  if (dense_too_large) fail_file(path, dense_problem + "; format=csr stores the nonzeros only");
  require_memory(8.0 * entries,
                 path + ": the dense matrix of n = " + std::to_string(n) + " lines times d = " +
                     std::to_string(d) + " (the largest index)",
                 "read a smaller file, or use format=csr");
  RowMatrix<double> X = RowMatrix<double>::Zero(n, static_cast<std::ptrdiff_t>(d));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t p = row_start[i]; p < row_start[i + 1]; ++p)
      X(i, static_cast<std::ptrdiff_t>(indices[p] - 1)) = values[p];
  return make_dataset(std::move(X), std::move(y), options);
}

Dataset<double> read_csv(const std::string& path, const CsvOptions& options) {
  std::ifstream in = open_file(path);
  return read_csv(in, path, options);
}

Dataset<double> read_csv(std::istream& in, const std::string& path, const CsvOptions& options) {
  LabelReader labels(options.read.labels);
  std::vector<double> values;  // row-major, labels excluded
  std::size_t columns = 0;     // fields per line, fixed by the first data line
  long first_line = 0;
  bool skip_header = options.header;
  Where where{path};
  BytesRead bytes(in, options.read.progress, path);
  std::string text;
  std::string_view line;
  while (next_line(in, text, line, where, '\0', bytes)) {
    if (line.empty()) continue;
    if (skip_header) {
      skip_header = false;
      continue;
    }
    std::vector<std::string_view> fields = split(line, ",");
    for (std::string_view& field : fields) field = trim(field);
    if (columns == 0) {
      if (fields.size() < 2) {
        where.fail("fewer than 2 columns: need a label and at least one feature", line);
      }
      columns = fields.size();
      first_line = where.line;
    } else if (fields.size() != columns) {
      where.fail("ragged line: " + std::to_string(fields.size()) + " fields, but line " +
                     std::to_string(first_line) + " has " + std::to_string(columns),
                 line);
    }
    const bool label_first = options.label_column == CsvOptions::LabelColumn::first;
    const std::size_t label_at = label_first ? 0 : columns - 1;
    for (std::size_t k = 0; k < columns; ++k) {
      const std::string_view field = fields[k];
      const char* what = k == label_at ? "label" : "value";
      if (field.empty()) {
        where.fail(std::string("missing ") + what + ": empty field " + std::to_string(k + 1), line);
      }
      const double x = parse_number(field, what, where, field);
      if (k == label_at) {
        labels.add(x, where, field);
      } else {
        make_room(values, path, "values");
        values.push_back(x);
      }
    }
  }
  if (labels.size() == 0) fail_file(path, "empty file (no data lines)");
  Vector<double> y = labels.finish(path);
  const auto d = static_cast<std::ptrdiff_t>(columns - 1);
  require_memory(8.0 * static_cast<double>(values.size()),
                 path + ": the matrix of n = " + std::to_string(labels.size()) +
                     " lines times d = " + std::to_string(d) + " values",
                 "read a smaller file");
  RowMatrix<double> X = Eigen::Map<RowMatrix<double>>(values.data(), labels.size(), d);
  return make_dataset(std::move(X), std::move(y), options.read);
}

}  // namespace largestep
