#include "largestep/data/real_datasets.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <vector>

#include "largestep/data/idx.h"
#include "largestep/data/readers.h"
#include "largestep/data/resource_limits.h"
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

// One side of a fashion spec, "0+2+4" (sorted), its classes added to `seen`.
// `seen` holds for each class the side (1 or 2) that named it, 0 if none.
std::vector<int> parse_fashion_side(std::string_view side, int side_number, std::string_view text,
                                    std::array<int, 10>& seen) {
  if (side.empty())
    throw DataError(fmt::format(
        "dataset 'fashion': a side of '{}' names no class (expected AvB, e.g. fashion:7v9 or "
        "fashion:0+2v1+3)",
        text));
  std::vector<int> classes;
  for (std::size_t start = 0; start <= side.size();) {
    const std::size_t plus = std::min(side.find('+', start), side.size());
    const std::string_view c = side.substr(start, plus - start);
    if (c.size() != 1 || c[0] < '0' || c[0] > '9')
      throw DataError(
          fmt::format("dataset 'fashion': class '{}' in '{}' is not a class 0..9", c, text));
    const int k = c[0] - '0';
    int& where = seen[static_cast<std::size_t>(k)];
    if (where != 0)
      throw DataError(
          fmt::format("dataset 'fashion': class {} is named {} in '{}' (a class goes "
                      "on one side, once)",
                      k, where == side_number ? "twice on one side" : "on both sides", text));
    where = side_number;
    classes.push_back(k);
    start = plus + 1;
  }
  std::sort(classes.begin(), classes.end());
  return classes;
}

// The file must exist; if not, the message says which package installs it.
void require_fashion_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw DataError(
        fmt::format("{} not found: install dataset-fashion-mnist (scripts/install-deps.sh)", path));
}

// The label (-1, +1) of every item of a label file, 0 for the items of classes not chosen.
std::vector<signed char> fashion_signs(const FashionClasses& classes, const std::string& path) {
  require_fashion_file(path);
  const std::vector<std::uint8_t> labels = read_idx_labels(path);
  std::array<signed char, 10> sign{};
  for (const int k : classes.negative) sign[static_cast<std::size_t>(k)] = -1;
  for (const int k : classes.positive) sign[static_cast<std::size_t>(k)] = +1;
  std::vector<signed char> signs(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] > 9)
      throw DataError(
          fmt::format("{}: label {} of item {} is not a class 0..9", path, int{labels[i]}, i + 1));
    signs[i] = sign[labels[i]];
  }
  return signs;
}

// Calls visit(row, sign) for every image of a chosen class, in file order, the pixels / 255 in
// `row` (d doubles); checks the image file against the labels first. Returns the number of
// pixels per image and of chosen images through `start(d, chosen)`, called before any visit.
template <class Start, class Visit>
void for_each_fashion_row(const std::vector<signed char>& signs, const FashionFiles& files,
                          const ProgressSink& progress, Start&& start, Visit&& visit) {
  require_fashion_file(files.images);
  ProgressCounter images_read(progress, static_cast<std::int64_t>(signs.size()),
                              "images of " + files.images + " read");
  const auto chosen = static_cast<std::ptrdiff_t>(
      std::count_if(signs.begin(), signs.end(), [](signed char s) { return s != 0; }));
  // p / 255 for every byte p: a table, not a division per pixel (the same doubles).
  static const std::array<double, 256> kPixel = [] {
    std::array<double, 256> table{};
    for (std::size_t p = 0; p < table.size(); ++p) table[p] = static_cast<double>(p) / 255.0;
    return table;
  }();
  std::vector<double> row;
  read_idx_images(
      files.images,
      [&](const IdxImageShape& shape) {
        if (shape.count != static_cast<std::int64_t>(signs.size()))
          throw DataError(fmt::format("{}: {} images, but {} has {} labels", files.images,
                                      shape.count, files.labels, signs.size()));
        row.resize(static_cast<std::size_t>(shape.pixels()));
        start(static_cast<std::ptrdiff_t>(shape.pixels()), chosen);
      },
      [&](std::int64_t i, const std::uint8_t* pixels) {
        images_read(i + 1);
        const signed char sign = signs[static_cast<std::size_t>(i)];
        if (sign == 0) return;
        for (std::size_t j = 0; j < row.size(); ++j) row[j] = kPixel[pixels[j]];
        visit(row.data(), sign);
      });
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

FashionClasses FashionClasses::parse(std::string_view text) {
  const std::size_t v = text.find('v');
  if (v == std::string_view::npos || text.find('v', v + 1) != std::string_view::npos)
    throw DataError(
        fmt::format("dataset 'fashion': expected two groups of classes AvB (e.g. fashion:7v9 or "
                    "fashion:0+2v1+3), got '{}'",
                    text));
  std::array<int, 10> seen{};
  FashionClasses classes;
  classes.negative = parse_fashion_side(text.substr(0, v), 1, text, seen);
  classes.positive = parse_fashion_side(text.substr(v + 1), 2, text, seen);
  return classes;
}

std::string FashionClasses::str() const {
  return fmt::format("{}v{}", fmt::join(negative, "+"), fmt::join(positive, "+"));
}

FashionFiles fashion_files(FashionSplit split, const std::string& dir) {
  const std::string prefix =
      (std::filesystem::path(dir) / (split == FashionSplit::train ? "train" : "t10k")).string();
  return {prefix + "-images-idx3-ubyte.gz", prefix + "-labels-idx1-ubyte.gz"};
}

double fashion_scale(const FashionClasses& classes, const std::string& dir,
                     const ProgressSink& progress) {
  const FashionFiles files = fashion_files(FashionSplit::train, dir);
  const std::vector<signed char> signs = fashion_signs(classes, files.labels);
  // The rows go through a block of the same matrix type, and the same Eigen expression, as
  // Dataset::max_row_norm, so this is bit for bit the number scale_rows_by_max_norm divides the
  // training rows by, without holding them.
  constexpr std::ptrdiff_t kBlock = 1024;
  RowMatrix<double> block;
  std::ptrdiff_t filled = 0;
  double largest = 0;
  const auto flush = [&] {
    if (filled > 0) largest = std::max(largest, block.topRows(filled).rowwise().norm().maxCoeff());
    filled = 0;
  };
  for_each_fashion_row(
      signs, files, progress, [&](std::ptrdiff_t d, std::ptrdiff_t) { block.resize(kBlock, d); },
      [&](const double* row, signed char) {
        block.row(filled++) = Eigen::Map<const Eigen::RowVectorXd>(row, block.cols());
        if (filled == kBlock) flush();
      });
  flush();
  return largest;
}

Dataset<double> load_fashion(const FashionClasses& classes, FashionSplit split,
                             const std::string& dir, const ProgressSink& progress) {
  const FashionFiles files = fashion_files(split, dir);
  const std::vector<signed char> signs = fashion_signs(classes, files.labels);
  Dataset<double> data;
  std::ptrdiff_t i = 0;
  for_each_fashion_row(
      signs, files, progress,
      [&](std::ptrdiff_t d, std::ptrdiff_t n) {
        if (n == 0)
          throw DataError(fmt::format("{}: no images of classes {}", files.labels, classes.str()));
        require_memory(8.0 * static_cast<double>(n) * static_cast<double>(d),
                       fmt::format("fashion:{} ({} x {} doubles)", classes.str(), n, d),
                       "choose fewer classes");
        data.X.resize(n, d);
        data.y.resize(n);
      },
      [&](const double* row, signed char sign) {
        data.X.row(i) = Eigen::Map<const Eigen::RowVectorXd>(row, data.d());
        data.y(i++) = sign;
      });
  if (split == FashionSplit::train) {
    scale_rows_by_max_norm(data);
    return data;
  }
  const double scale = fashion_scale(classes, dir, progress);
  if (!detail::norm_in_safe_range(scale))
    throw DataError(
        fmt::format("{}: the training images of classes {} are all blank (largest "
                    "norm {}): nothing to scale the test split by",
                    fashion_files(FashionSplit::train, dir).images, classes.str(), scale));
  data.X /= scale;
  return data;
}

}  // namespace largestep
