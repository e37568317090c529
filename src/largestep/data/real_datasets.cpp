#include "largestep/data/real_datasets.h"

#include <fmt/format.h>
#include <zlib.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <vector>

#include "largestep/data/readers.h"
#include "largestep/data/text.h"

namespace largestep {
namespace {

// The whole file as text. zlib reads plain files through the same calls (gzread passes data that
// is not gzip-compressed through unchanged), so one reader serves digits.csv.gz and the .csv.
std::string read_text(const std::string& path, std::string_view package) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw DataError(
        fmt::format("{} not found: install {} (scripts/install-deps.sh)", path, package));
  if (std::filesystem::is_directory(path, ec))
    throw DataError(fmt::format("{}: cannot read: is a directory", path));
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw DataError(fmt::format("{}: cannot open file", path));
  std::string text;
  std::array<char, 1 << 16> buffer{};
  int got = 0;
  while ((got = gzread(file, buffer.data(), static_cast<unsigned>(buffer.size()))) > 0)
    text.append(buffer.data(), static_cast<std::size_t>(got));
  int code = Z_OK;
  const std::string zlib_message = gzerror(file, &code);
  // A stream cut short reads like a shorter file; only gzclose reports it (Z_BUF_ERROR).
  const int closed = gzclose(file);
  if (got < 0 || (code != Z_OK && code != Z_STREAM_END) || closed != Z_OK)
    throw DataError(
        fmt::format("{}: corrupt or truncated data ({})", path,
                    closed == Z_BUF_ERROR ? "unexpected end of the gzip stream" : zlib_message));
  return text;
}

// The comma-separated numbers of one line, which must number `fields`.
std::vector<double> parse_row(std::string_view line, std::size_t fields, const std::string& path,
                              long line_number) {
  std::vector<double> row;
  std::size_t start = 0;
  while (start <= line.size()) {
    const std::size_t comma = std::min(line.find(',', start), line.size());
    const std::string_view field = line.substr(start, comma - start);
    const ParsedNumber x = parse_number(field);
    if (!x)
      throw DataError(fmt::format("{}:{}: field {} {} ({})", path, line_number, row.size() + 1,
                                  number_problem(x.problem), field));
    row.push_back(x.value);
    start = comma + 1;
  }
  if (row.size() != fields)
    throw DataError(
        fmt::format("{}:{}: {} fields, expected {}", path, line_number, row.size(), fields));
  return row;
}

// Calls visit(line, line_number) for every non-blank line, '\r' removed.
template <class Visit>
void for_each_line(const std::string& text, Visit&& visit) {
  long number = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t newline = std::min(text.find('\n', start), text.size());
    std::string_view line(text.data() + start, newline - start);
    ++number;
    start = newline + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) visit(line, number);
  }
}

Dataset<double> to_scaled_dataset(const std::vector<std::vector<double>>& rows,
                                  const std::vector<double>& labels, const std::string& what) {
  if (rows.empty()) throw DataError(fmt::format("{}: no examples", what));
  const auto n = static_cast<std::ptrdiff_t>(rows.size());
  const auto d = static_cast<std::ptrdiff_t>(rows.front().size());
  Dataset<double> data{RowMatrix<double>(n, d), Vector<double>(n), ""};
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    data.X.row(i) = Eigen::Map<const Vector<double>>(rows[i].data(), d).transpose();
    data.y(i) = labels[i];
  }
  scale_rows_by_max_norm(data);
  return data;
}

}  // namespace

DigitClasses DigitClasses::parse(std::string_view text) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const std::size_t v = text.find('v');
  if (v == std::string_view::npos || v == 0 || v + 1 == text.size())
    throw DataError(fmt::format(
        "dataset 'digits': expected two classes AvB (e.g. digits:0v8), got '{}'", text));
  const std::string_view a = text.substr(0, v), b = text.substr(v + 1);
  for (const std::string_view c : {a, b}) {
    if (c.size() != 1 || !digit(c[0]))
      throw DataError(
          fmt::format("dataset 'digits': class '{}' in '{}' is not a digit 0..9", c, text));
  }
  const DigitClasses classes{a[0] - '0', b[0] - '0'};
  if (classes.negative == classes.positive)
    throw DataError(fmt::format("dataset 'digits': the two classes must differ, got '{}'", text));
  return classes;
}

std::string DigitClasses::str() const { return fmt::format("{}v{}", negative, positive); }

Dataset<double> load_digits(DigitClasses classes, const std::string& path) {
  constexpr std::size_t kPixels = 64;
  const std::string text = read_text(path, "python3-sklearn");
  std::vector<std::vector<double>> rows;
  std::vector<double> labels;
  for_each_line(text, [&](std::string_view line, long number) {
    std::vector<double> row = parse_row(line, kPixels + 1, path, number);
    const double label = row.back();
    if (label != std::round(label) || label < 0 || label > 9)
      throw DataError(fmt::format("{}:{}: class {} is not a digit 0..9", path, number, label));
    if (label != classes.negative && label != classes.positive) return;
    row.pop_back();
    rows.push_back(std::move(row));
    labels.push_back(label == classes.positive ? 1.0 : -1.0);
  });
  return to_scaled_dataset(rows, labels, path);
}

Dataset<double> load_breast_cancer(const std::string& path) {
  const std::string text = read_text(path, "python3-sklearn");
  std::ptrdiff_t expected_n = -1;
  std::size_t d = 0;
  std::vector<std::vector<double>> rows;
  std::vector<double> labels;
  for_each_line(text, [&](std::string_view line, long number) {
    if (expected_n < 0) {  // "569,30,malignant,benign": the counts, then the class names
      const std::size_t second = line.find(',', line.find(',') + 1);
      const std::vector<double> counts = parse_row(line.substr(0, second), 2, path, number);
      if (counts[0] < 1 || counts[1] < 1 || counts[0] != std::round(counts[0]) ||
          counts[1] != std::round(counts[1]))
        throw DataError(fmt::format("{}:{}: expected 'n_samples,n_features,names...' ({})", path,
                                    number, line));
      expected_n = static_cast<std::ptrdiff_t>(counts[0]);
      d = static_cast<std::size_t>(counts[1]);
      return;
    }
    std::vector<double> row = parse_row(line, d + 1, path, number);
    if (row.back() != 0 && row.back() != 1)
      throw DataError(fmt::format("{}:{}: target {} is not 0 (malignant) or 1 (benign)", path,
                                  number, row.back()));
    labels.push_back(row.back() == 1 ? 1.0 : -1.0);
    row.pop_back();
    rows.push_back(std::move(row));
  });
  if (expected_n < 0) throw DataError(fmt::format("{}: empty file (no data lines)", path));
  if (static_cast<std::ptrdiff_t>(rows.size()) != expected_n)
    throw DataError(fmt::format("{}: the first line announces {} examples, the file has {}", path,
                                expected_n, rows.size()));
  return to_scaled_dataset(rows, labels, path);
}

Dataset<double> load_heart_scale(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw DataError(
        fmt::format("{} not found: install liblinear-tools (scripts/install-deps.sh)", path));
  return read_libsvm(path);  // labels are already +1/-1; rows scaled by the largest norm
}

}  // namespace largestep
