// The CSV reader (the format and its error classes are described in readers.h; the LIBSVM reader
// is libsvm_reader.cpp).
#include "largestep/data/readers.h"

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "largestep/data/reading.h"

namespace largestep {
namespace {

using namespace reading;

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

}  // namespace

Dataset<double> read_csv(const std::string& path, const CsvOptions& options) {
  std::ifstream in = open_file(path);
  return read_csv(in, path, options);
}

Dataset<double> read_csv(std::istream& in, const std::string& path, const CsvOptions& options) {
  LabelReader labels(options.read.labels);
  LibsvmFacts classes;         // the labels' classes (the rest of these facts is LIBSVM's)
  std::vector<double> raw;     // the labels as written
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
        labels.add(x, where, field, classes, raw);
      } else {
        make_room(values, path, "values");
        values.push_back(x);
      }
    }
  }
  if (raw.empty()) fail_file(path, "empty file (no data lines)");
  const auto n = static_cast<std::ptrdiff_t>(raw.size());
  Vector<double> y = labels.finish(path, raw, classes);
  const auto d = static_cast<std::ptrdiff_t>(columns - 1);
  require_memory(8.0 * static_cast<double>(values.size()),
                 path + ": the matrix of n = " + std::to_string(n) +
                     " lines times d = " + std::to_string(d) + " values",
                 "read a smaller file");
  RowMatrix<double> X = Eigen::Map<RowMatrix<double>>(values.data(), n, d);
  return make_dataset(std::move(X), std::move(y), options.read);
}

}  // namespace largestep
