// The LIBSVM reader, whole or in shards of rows (the format, the shards and the error classes are
// described in readers.h).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "largestep/data/readers.h"
#include "largestep/data/reading.h"

namespace largestep {
namespace {

using namespace reading;

constexpr char kByteOrderMark[] = "\xEF\xBB\xBF";  // spreadsheet exports write one

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// The lines of a stream, read options.chunk_bytes at a time: rows are skipped at memchr speed
// (only the first byte of a line that is not blank space is looked at) in memory of one chunk, and
// a line is a view into the chunk rather than a string.
class ChunkedLines {
 public:
  ChunkedLines(std::istream& in, const std::string& path, const ReadOptions& options)
      : in_(in),
        path_(path),
        bytes_(in, options.progress, path),
        buf_(std::max<std::size_t>(options.chunk_bytes, 4)) {}

  // Passes over lines until `rows` data rows (lines neither blank nor a '#' comment) are behind;
  // returns how many were, fewer at the end of the stream.
  std::int64_t skip_rows(std::int64_t rows) {
    std::int64_t passed = 0;
    while (passed < rows) {
      if (pos_ == end_ && !fill(end_)) break;
      ++line_;
      if (line_ == 1 && end_ - pos_ >= 3 && std::memcmp(buf_.data() + pos_, kByteOrderMark, 3) == 0)
        pos_ += 3;
      bool row = false;
      for (;;) {  // the first byte that is not blank space tells; the stream may end first
        if (pos_ == end_ && !fill(end_)) break;
        const char c = buf_[pos_];
        if (is_blank(c)) {
          ++pos_;
          continue;
        }
        row = c != '\n' && c != '#';
        break;
      }
      if (row) ++passed;
      for (;;) {
        const void* newline = std::memchr(buf_.data() + pos_, '\n', end_ - pos_);
        if (newline != nullptr) {
          pos_ = static_cast<std::size_t>(static_cast<const char*>(newline) - buf_.data()) + 1;
          break;
        }
        pos_ = end_;
        if (!fill(end_)) break;
      }
    }
    return passed;
  }

  // The next line, without its '\n', valid until the next call; false at the end of the stream.
  bool next(std::string_view& line) {
    if (pos_ == end_ && !fill(end_)) return false;
    std::size_t scanned = pos_;
    for (;;) {
      const void* newline = std::memchr(buf_.data() + scanned, '\n', end_ - scanned);
      if (newline != nullptr) {
        const auto at = static_cast<std::size_t>(static_cast<const char*>(newline) - buf_.data());
        line = std::string_view(buf_.data() + pos_, at - pos_);
        pos_ = at + 1;
        break;
      }
      scanned = end_ - pos_;  // after the fill, the line so far is buf_[0, scanned)
      if (!fill(pos_)) {      // the last line, without a final newline
        line = std::string_view(buf_.data(), end_);
        pos_ = end_;
        break;
      }
    }
    ++line_;
    return true;
  }

  long line() const { return line_; }  // the number of the line last passed or returned
  void finish() { bytes_.finish(); }

 private:
  // Keeps the bytes from `keep` on (moved to the front; the buffer doubles when they fill it) and
  // reads more after them. False when the stream has no more.
  bool fill(std::size_t keep) {
    const std::size_t kept = end_ - keep;
    if (kept > 0 && keep > 0) std::memmove(buf_.data(), buf_.data() + keep, kept);
    pos_ -= keep;
    end_ = kept;
    if (end_ == buf_.size()) buf_.resize(2 * buf_.size());  // a line longer than the buffer
    in_.read(buf_.data() + end_, static_cast<std::streamsize>(buf_.size() - end_));
    if (in_.bad()) fail_file(path_, "read error");
    const auto got = static_cast<std::size_t>(in_.gcount());
    end_ += got;
    bytes_.chunk(got);
    return got > 0;
  }

  std::istream& in_;
  const std::string& path_;
  BytesRead bytes_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;  // the unread bytes are buf_[pos_, end_)
  long line_ = 0;
};

// The tokens of a line, separated by runs of spaces and tabs.
class Tokens {
 public:
  explicit Tokens(std::string_view line) : line_(line) {}
  bool next(std::string_view& token) {
    while (at_ < line_.size() && (line_[at_] == ' ' || line_[at_] == '\t')) ++at_;
    if (at_ == line_.size()) return false;
    const std::size_t start = at_;
    while (at_ < line_.size() && line_[at_] != ' ' && line_[at_] != '\t') ++at_;
    token = line_.substr(start, at_ - start);
    return true;
  }

 private:
  std::string_view line_;
  std::size_t at_ = 0;
};

// Adds a data line (comment and surrounding blank space removed, not empty) to the shard.
void parse_row(std::string_view line, const Where& where, LabelReader& labels, LibsvmShard& shard) {
  const std::string& path = where.path;
  Tokens tokens(line);
  std::string_view token;
  tokens.next(token);
  if (token.find(':') != std::string_view::npos) {
    where.fail("missing label: line starts with a feature", token);
  }
  labels.add(parse_number(token, "label", where, token), where, token, shard.facts, shard.labels);
  make_room(shard.row_start, path, "lines");
  shard.row_start.push_back(static_cast<std::int64_t>(shard.indices.size()));
  long long previous = 0;
  while (tokens.next(token)) {
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
    make_room(shard.indices, path, "nonzero entries");
    make_room(shard.values, path, "nonzero entries");
    shard.indices.push_back(index);
    shard.values.push_back(value);
    shard.facts.max_index = std::max<std::int64_t>(shard.facts.max_index, index);
  }
}

std::string describe(const RowRange& range) {
  return "rows [" + std::to_string(range.begin) + ", " +
         (range.end < 0 ? std::string("end") : std::to_string(range.end)) + ")";
}

}  // namespace

LibsvmFacts combine(const LibsvmFacts& a, const LibsvmFacts& b) {
  LibsvmFacts c;
  c.rows = a.rows + b.rows;
  c.nonzeros = a.nonzeros + b.nonzeros;
  c.max_index = std::max(a.max_index, b.max_index);
  std::vector<FirstLabel> labels(a.labels.begin(), a.labels.begin() + a.label_count);
  for (int k = 0; k < b.label_count; ++k) {
    const FirstLabel label = b.labels[k];
    const auto same = std::find_if(labels.begin(), labels.end(),
                                   [&](const FirstLabel& l) { return l.value == label.value; });
    if (same == labels.end()) {
      labels.push_back(label);
    } else if (label.line < same->line) {
      *same = label;
    }
  }
  // By first line (two classes never share one; the value only makes the order total).
  std::sort(labels.begin(), labels.end(), [](const FirstLabel& x, const FirstLabel& y) {
    return std::tie(x.line, x.value) < std::tie(y.line, y.value);
  });
  // The first three of a union are among the first three of each part: capping stays exact.
  c.label_count = static_cast<int>(std::min(labels.size(), c.labels.size()));
  std::copy_n(labels.begin(), c.label_count, c.labels.begin());
  return c;
}

LibsvmShard read_libsvm_shard(const std::string& path, RowRange range, const ReadOptions& options) {
  std::ifstream in = open_file(path);
  return read_libsvm_shard(in, path, range, options);
}

LibsvmShard read_libsvm_shard(std::istream& in, const std::string& path, RowRange range,
                              const ReadOptions& options) {
  if (range.begin < 0 || (range.end >= 0 && range.end < range.begin))
    fail_file(path, describe(range) + " are not rows: need 0 <= begin <= end (or end = -1)");
  LabelReader labels(options.labels);
  LibsvmShard shard;
  shard.path = path;
  ChunkedLines lines(in, path, options);
  const std::int64_t skipped = lines.skip_rows(range.begin);
  const std::int64_t wanted =
      range.end < 0 ? std::numeric_limits<std::int64_t>::max() : range.end - range.begin;
  Where where{path};
  std::string_view line;
  std::int64_t rows = 0;
  while (skipped == range.begin && rows < wanted && lines.next(line)) {
    where.line = lines.line();
    if (where.line == 1 && line.substr(0, 3) == kByteOrderMark) line.remove_prefix(3);
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    parse_row(line, where, labels, shard);
    ++rows;
  }
  lines.finish();
  if (skipped < range.begin || (range.end >= 0 && rows < wanted)) {
    fail_file(path, describe(range) + " run past the end: the file has " +
                        std::to_string(skipped + rows) + " data rows");
  }
  shard.row_start.push_back(static_cast<std::int64_t>(shard.indices.size()));
  shard.rows = {range.begin, range.begin + rows};
  shard.facts.rows = rows;
  shard.facts.nonzeros = static_cast<std::int64_t>(shard.indices.size());
  return shard;
}

bool libsvm_stores_csr(const LibsvmFacts& all, const ReadOptions& options) {
  if (options.storage != ReadOptions::Storage::automatic)
    return options.storage == ReadOptions::Storage::csr;
  if (all.rows == 0) return false;
  const double entries = static_cast<double>(all.rows) * static_cast<double>(all.max_index);
  return all.max_index > options.max_entries / all.rows ||
         (entries > static_cast<double>(kAutoSparseMinEntries) &&
          static_cast<double>(all.nonzeros) <= kAutoSparseDensity * entries);
}

Dataset<double> finish_libsvm_shard(LibsvmShard shard, const LibsvmFacts& all,
                                    const ReadOptions& options,
                                    const GlobalMax<double>& global_max) {
  const std::string& path = shard.path;
  if (shard.facts.rows > all.rows || shard.facts.nonzeros > all.nonzeros ||
      shard.facts.max_index > all.max_index) {
    throw std::invalid_argument(path + ": the combined facts do not include this shard's");
  }
  if (all.rows == 0) fail_file(path, "empty file (no data lines)");
  const std::int64_t d = all.max_index;
  if (d == 0) fail_file(path, "no features: every line has a label only");
  // Decided on the whole file's numbers, so that every shard decides as the whole read.
  const std::int64_t n = all.rows;
  const bool dense_too_large = d > options.max_entries / n;
  constexpr std::int64_t kMaxIndex = std::numeric_limits<int>::max();
  const bool csr_fits = d <= kMaxIndex && all.nonzeros <= kMaxIndex;
  const std::string dense_problem =
      "too large: n = " + std::to_string(n) + " lines times d = " + std::to_string(d) +
      " (the largest index) exceed " + std::to_string(options.max_entries) +
      " entries of a dense matrix";
  const std::string csr_problem = "d = " + std::to_string(d) + " columns and " +
                                  std::to_string(all.nonzeros) +
                                  " nonzeros; CSR holds at most 2147483647 of each";
  const bool csr = libsvm_stores_csr(all, options);
  Vector<double> y = LabelReader(options.labels).finish(path, shard.labels, all);
  if (csr && !csr_fits) {
    if (options.storage == ReadOptions::Storage::csr)
      fail_file(path, "too large for CSR: " + csr_problem);
    fail_file(path, dense_problem + ", and as CSR: " + csr_problem);
  }
  // The memory is this shard's.
  const std::int64_t rows = shard.facts.rows;
  const std::size_t nonzeros = shard.indices.size();
  Dataset<double> data;
  if (csr) {
    require_memory(12.0 * static_cast<double>(nonzeros) + 4.0 * static_cast<double>(rows + 1),
                   path + ": the CSR matrix of " + std::to_string(nonzeros) + " nonzeros",
                   "read a smaller file");
    data.sparse = true;
    data.Xs.resize(rows, static_cast<int>(d));
    data.Xs.resizeNonZeros(static_cast<std::ptrdiff_t>(nonzeros));
    for (std::int64_t i = 0; i <= rows; ++i)
      data.Xs.outerIndexPtr()[i] = static_cast<int>(shard.row_start[i]);
    for (std::size_t p = 0; p < nonzeros; ++p) {
      data.Xs.innerIndexPtr()[p] = static_cast<int>(shard.indices[p] - 1);
      data.Xs.valuePtr()[p] = shard.values[p];
    }
  } else {
    if (dense_too_large) fail_file(path, dense_problem + "; format=csr stores the nonzeros only");
    require_memory(8.0 * static_cast<double>(rows) * static_cast<double>(d),
                   path + ": the dense matrix of n = " + std::to_string(rows) +
                       " lines times d = " + std::to_string(d) + " (the largest index)",
                   "read a smaller file, or use format=csr");
    data.X = RowMatrix<double>::Zero(rows, static_cast<std::ptrdiff_t>(d));
    for (std::int64_t i = 0; i < rows; ++i)
      for (std::int64_t p = shard.row_start[i]; p < shard.row_start[i + 1]; ++p)
        data.X(i, static_cast<std::ptrdiff_t>(shard.indices[p] - 1)) = shard.values[p];
  }
  data.y = std::move(y);
  if (options.scale_rows) scale_rows_by_max_norm(data, global_max);
  return data;
}

Dataset<double> read_libsvm(const std::string& path, const ReadOptions& options) {
  std::ifstream in = open_file(path);
  return read_libsvm(in, path, options);
}

Dataset<double> read_libsvm(std::istream& in, const std::string& path, const ReadOptions& options) {
  LibsvmShard shard = read_libsvm_shard(in, path, RowRange{}, options);
  const LibsvmFacts facts = shard.facts;
  return finish_libsvm_shard(std::move(shard), facts, options);
}

std::int64_t count_libsvm_rows(const std::string& path, const ReadOptions& options) {
  std::ifstream in = open_file(path);
  ChunkedLines lines(in, path, options);
  const std::int64_t rows = lines.skip_rows(std::numeric_limits<std::int64_t>::max());
  lines.finish();
  return rows;
}

}  // namespace largestep
