#include "largestep/data/weights_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "largestep/data/text.h"

namespace largestep {
namespace {

struct Line {
  long number;
  std::vector<double> values;
};

std::vector<double> parse_numbers(std::string_view text, const std::string& path, long number) {
  std::vector<double> values;
  std::size_t start = 0;
  while ((start = text.find_first_not_of(" \t\r,", start)) != std::string_view::npos) {
    const std::size_t end = std::min(text.find_first_of(" \t\r,", start), text.size());
    const std::string_view token = text.substr(start, end - start);
    start = end;
    const std::optional<double> x = parse_finite(token);
    if (!x)
      throw DataError(fmt::format("{}:{}: weight {} is not a finite number ({})", path, number,
                                  values.size() + 1, token));
    values.push_back(*x);
  }
  return values;
}

}  // namespace

std::vector<Vector<double>> read_weights(const std::string& path, std::ptrdiff_t d) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw DataError(fmt::format("{}: cannot read: is a directory", path));
  std::ifstream in(path);
  if (!in) throw DataError(fmt::format("{}: cannot open file ({})", path, std::strerror(errno)));
  std::vector<Line> lines;
  std::string text;
  for (long number = 1; std::getline(in, text); ++number) {
    std::vector<double> values =
        parse_numbers(std::string_view(text).substr(0, text.find('#')), path, number);
    if (!values.empty()) lines.push_back({number, std::move(values)});
  }
  if (in.bad()) throw DataError(fmt::format("{}: read error", path));
  if (lines.empty()) throw DataError(fmt::format("{}: no weights (empty file)", path));

  std::vector<Vector<double>> out;
  const bool one_column =
      static_cast<std::ptrdiff_t>(lines.size()) == d &&
      std::all_of(lines.begin(), lines.end(), [](const Line& l) { return l.values.size() == 1; });
  if (one_column) {
    Vector<double> w(d);
    for (std::ptrdiff_t j = 0; j < d; ++j) w(j) = lines[j].values[0];
    out.push_back(w);
    return out;
  }
  for (const Line& line : lines) {
    if (static_cast<std::ptrdiff_t>(line.values.size()) != d)
      throw DataError(fmt::format("{}:{}: {} weights, the dataset has d = {} features", path,
                                  line.number, line.values.size(), d));
    out.push_back(Eigen::Map<const Vector<double>>(line.values.data(), d));
  }
  return out;
}

}  // namespace largestep
