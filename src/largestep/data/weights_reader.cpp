#include "largestep/data/weights_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "largestep/data/resource_limits.h"
#include "largestep/data/text.h"

namespace largestep {
namespace {

struct Line {
  long number;
  std::vector<double> values;
};

constexpr std::string_view kBlank = " \t\r";

// The numbers of one line, separated by blanks or by one comma (with blanks around it or not):
// "1 2", "1,2", "1, 2" are two numbers; "1,,2", ",1" and "1," have an empty field, which is an
// error rather than silently skipped.
std::vector<double> parse_numbers(std::string_view text, const std::string& name, long number) {
  std::vector<double> values;
  const auto fail = [&](std::string_view problem, std::string_view shown) {
    throw DataError(
        fmt::format("{}:{}: weight {} {} ({})", name, number, values.size() + 1, problem, shown));
  };
  std::size_t at = text.find_first_not_of(kBlank);
  bool after_comma = false;
  while (at != std::string_view::npos) {
    if (text[at] == ',') fail(number_problem(NumberProblem::empty), text);
    const std::size_t end = std::min(text.find_first_of(" \t\r,", at), text.size());
    const std::string_view token = text.substr(at, end - at);
    const ParsedNumber x = parse_number(token);
    if (!x) fail(number_problem(x.problem), token);
    values.push_back(x.value);
    at = text.find_first_not_of(kBlank, end);
    after_comma = at != std::string_view::npos && text[at] == ',';
    if (after_comma) at = text.find_first_not_of(kBlank, at + 1);
  }
  if (after_comma) fail(number_problem(NumberProblem::empty), text);
  return values;
}

}  // namespace

std::vector<Vector<double>> read_weights(std::istream& in, const std::string& name,
                                         std::ptrdiff_t d) {
  std::vector<Line> lines;
  std::string text;
  double count = 0, checked_at = 1 << 24;  // numbers read, and when memory is next checked
  for (long number = 1; std::getline(in, text); ++number) {
    std::string_view line = std::string_view(text).substr(0, text.find('#'));
    // A UTF-8 byte-order mark, which spreadsheet exports write, as the data readers allow it.
    if (number == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    std::vector<double> values = parse_numbers(line, name, number);
    count += static_cast<double>(values.size());
    if (count >= checked_at) {  // the Line vectors and the result: about twice the numbers
      require_memory(2 * 8 * 2 * count, fmt::format("{}: {} weights so far", name, count),
                     "read a smaller file");
      checked_at *= 2;
    }
    if (!values.empty()) lines.push_back({number, std::move(values)});
  }
  if (in.bad()) throw DataError(fmt::format("{}: read error", name));
  if (lines.empty()) throw DataError(fmt::format("{}: no weights (empty file)", name));

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
      throw DataError(fmt::format("{}:{}: {} weights, the dataset has d = {} features", name,
                                  line.number, line.values.size(), d));
    out.push_back(Eigen::Map<const Vector<double>>(line.values.data(), d));
  }
  return out;
}

std::vector<Vector<double>> read_weights(const std::string& path, std::ptrdiff_t d) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw DataError(fmt::format("{}: cannot read: is a directory", path));
  std::ifstream in(path);
  if (!in) throw DataError(fmt::format("{}: cannot open file ({})", path, std::strerror(errno)));
  return read_weights(in, path, d);
}

}  // namespace largestep
