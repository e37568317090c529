// What the LIBSVM and CSV readers share: "path:line" messages, the label classes and their
// mapping to -1/+1, file opening, progress in bytes, memory-checked growth. Internal to
// readers.cpp and libsvm_reader.cpp.
#pragma once

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "largestep/data/readers.h"
#include "largestep/data/resource_limits.h"
#include "largestep/data/text.h"

namespace largestep::reading {

inline constexpr std::string_view kSpace = " \t\r\n\v\f";

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

[[noreturn]] inline void fail_file(const std::string& path, const std::string& what) {
  throw DataError(path + ": " + what);
}

inline std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Shortest text that reads back as the same double: "{0, 1}" rather than "{0.000000, 1.000000}".
inline std::string format_number(double x) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, result.ptr);
}

// `what` is "label" or "value"; `shown` is the token quoted in the error message. The grammar and
// the messages are those of every number reader (text.h).
inline double parse_number(std::string_view text, const char* what, const Where& where,
                           std::string_view shown) {
  const ParsedNumber x = largestep::parse_number(text);
  if (!x) where.fail(std::string(what) + " " + number_problem(x.problem), shown);
  return x.value;
}

inline std::string format_classes(const std::set<double>& classes) {
  std::string s = "{";
  for (const double c : classes) s += (s.size() > 1 ? ", " : "") + format_number(c);
  return s + "}";
}

// The first `count` labels of `facts` as a set (ordered by value, as messages list them).
inline std::set<double> label_set(const LibsvmFacts& facts) {
  std::set<double> classes;
  for (int k = 0; k < facts.label_count; ++k) classes.insert(facts.labels[k].value);
  return classes;
}

// Collects the raw labels and maps them to -1/+1 only at the end, with the classes of every
// shard: without a label map, the error for labels like 0/1 should list every class in the file,
// to suggest the right map.
class LabelReader {
 public:
  explicit LabelReader(const LabelMap& map) : map_(map) {
    if (map.negative && map.positive && *map.negative == *map.positive) {
      throw DataError("label map: negative and positive are both " + format_number(*map.negative));
    }
  }

  // Adds the label of a row, refusing one outside the map or a third class; `classes` gets the
  // first line of a new class.
  void add(double label, const Where& where, std::string_view token, LibsvmFacts& classes,
           std::vector<double>& raw) {
    if (has_map() && label != map_.negative && label != map_.positive) {
      where.fail("label not in the label map " + describe_map(), token);
    }
    int k = 0;
    while (k < classes.label_count && classes.labels[k].value != label) ++k;
    if (k == classes.label_count) {
      if (k == 2) {
        std::set<double> seen = label_set(classes);
        seen.insert(label);
        where.fail("more than two classes: labels seen are " + format_classes(seen), token);
      }
      classes.labels[k] = {label, where.line};
      ++classes.label_count;
    }
    raw.push_back(label);
  }

  // -1/+1 for the raw labels of one shard, checked against `all`, the classes of the whole file.
  Vector<double> finish(const std::string& path, const std::vector<double>& raw,
                        const LibsvmFacts& all) const {
    if (all.label_count > 2) {  // two shards' pairs of classes differ
      const FirstLabel third = all.labels[2];
      Where{path, static_cast<long>(third.line)}.fail(
          "more than two classes: labels seen are " + format_classes(label_set(all)),
          format_number(third.value));
    }
    if (!has_map()) {
      for (int k = 0; k < all.label_count; ++k) {  // by first line: the first row refused
        const double label = all.labels[k].value;
        if (label == -1.0 || label == 1.0) continue;
        throw DataError(Where{path, static_cast<long>(all.labels[k].line)}.prefix() +
                        "label not -1 or +1 (" + format_number(label) + "); labels are " +
                        format_classes(label_set(all)) + ": give a label map " +
                        suggest_map(label_set(all)));
      }
    }
    Vector<double> y(static_cast<std::ptrdiff_t>(raw.size()));
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const double label = raw[i];
      y[static_cast<std::ptrdiff_t>(i)] = has_map() ? (label == map_.negative ? -1.0 : 1.0) : label;
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

  static std::string suggest_map(const std::set<double>& classes) {
    const std::string low = format_number(*classes.begin());
    const std::string high = format_number(*classes.rbegin());
    if (classes.size() == 1) {
      return "with negative=" + low + " or positive=" + low +
             " (keys neg=, pos= of the dataset spec)";
    }
    return "negative=" + low + ",positive=" + high + " (neg=" + low + ",pos=" + high +
           " in the dataset spec)";
  }

  LabelMap map_;
};

inline std::ifstream open_file(const std::string& path) {
  std::error_code ec;
  // A directory opens fine as an ifstream on Linux and then reads as an empty file.
  if (std::filesystem::is_directory(path, ec)) fail_file(path, "cannot read: is a directory");
  std::ifstream in(path);
  if (!in) fail_file(path, std::string("cannot open file (") + std::strerror(errno) + ")");
  return in;
}

// The bytes left in `in` from where it stands, when it can tell (a file, a string); else 0.
inline std::int64_t remaining_bytes(std::istream& in) {
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

// The bytes read of a stream, for a progress display: counted from the lines or chunks read (no
// clock, no system call per line). Silent when there is no sink or the stream's length is unknown.
class BytesRead {
 public:
  BytesRead(std::istream& in, const ProgressSink& sink, const std::string& path)
      : total_(sink ? remaining_bytes(in) : 0),
        counter_(total_ > 0 ? sink : kNoSink, total_, "bytes of " + path + " read") {}
  void line(std::size_t bytes) {
    done_ = std::min(total_, done_ + static_cast<std::int64_t>(bytes) + 1);  // + the newline
    counter_(done_);
  }
  void chunk(std::size_t bytes) {
    done_ = std::min(total_, done_ + static_cast<std::int64_t>(bytes));
    counter_(done_);
  }
  void finish() { counter_(total_); }

 private:
  static inline const ProgressSink kNoSink{};
  std::int64_t total_ = 0, done_ = 0;
  ProgressCounter counter_;
};

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

inline Dataset<double> make_dataset(RowMatrix<double> X, Vector<double> y,
                                    const ReadOptions& options) {
  Dataset<double> data{std::move(X), std::move(y), ""};
  if (options.scale_rows) scale_rows_by_max_norm(data);
  return data;
}

}  // namespace largestep::reading
