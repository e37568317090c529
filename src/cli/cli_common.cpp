#include "cli_common.h"

#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>
#include <unistd.h>

#include "largestep/core/result_io.h"

namespace largestep::cli {

double check_positive(const std::string& option, double value) {
  if (!(value > 0) || !std::isfinite(value))
    throw UsageError(fmt::format("{} must be a positive finite number, got {}", option, value));
  return value;
}

std::vector<double> parse_positive_list(const std::string& option, const std::string& text) {
  std::vector<double> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t used = 0;
    double value = NAN;
    try {
      value = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size())
      throw UsageError(fmt::format("{}: '{}' is not a number (in '{}')", option, item, text));
    out.push_back(check_positive(option, value));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void emit(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    std::cout << content << std::flush;
  } else {
    write_file_atomically(path, content);
  }
}

void Progress::update(std::size_t done, const std::string& what) {
  const bool tty = ::isatty(STDERR_FILENO);
  std::cerr << fmt::format("{}[{}/{}] {}{}", tty ? "\r\033[K" : "", done, total_, what, tty ? "" : "\n")
            << std::flush;
}

void Progress::finish() {
  if (::isatty(STDERR_FILENO)) std::cerr << "\n";
}

}  // namespace largestep::cli
