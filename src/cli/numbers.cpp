#include "numbers.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "cli_common.h"
#include "largestep/data/text.h"

namespace largestep::cli {

double parse_number(std::string_view option, std::string_view text) {
  if (text.empty()) throw UsageError(fmt::format("{}: empty value; expected a number", option));
  const std::string_view digits = without_plus_sign(text);
  double value = 0;
  const char* last = digits.data() + digits.size();
  const auto [end, ec] = std::from_chars(digits.data(), last, value);
  if (end != last || (ec != std::errc() && ec != std::errc::result_out_of_range))
    throw UsageError(fmt::format("{}: '{}' is not a number", option, text));
  if (ec == std::errc::result_out_of_range) {
    // from_chars says "out of range" for both ends; the exponent's sign tells which.
    const std::size_t e = digits.find_first_of("eE");
    const bool tiny = e != std::string_view::npos && e + 1 < digits.size() && digits[e + 1] == '-';
    throw UsageError(
        tiny ? fmt::format("{}: '{}' is too small: it rounds to 0 (the smallest positive double "
                           "is {:.2g})",
                           option, text, std::numeric_limits<double>::denorm_min())
             : fmt::format("{}: '{}' is out of range (the largest double is {:.2g})", option, text,
                           std::numeric_limits<double>::max()));
  }
  if (!std::isfinite(value))
    throw UsageError(fmt::format("{}: '{}' is not a finite number", option, text));
  return value;
}

double check_positive(std::string_view option, double value) {
  if (!(value > 0) || !std::isfinite(value))
    throw UsageError(fmt::format("{} must be a positive finite number, got {}", option, value));
  return value;
}

double parse_positive(std::string_view option, std::string_view text) {
  const double value = parse_number(option, text);
  if (!(value > 0))
    throw UsageError(fmt::format("{} must be a positive finite number, got {}", option, text));
  return value;
}

std::int64_t parse_integer(std::string_view option, std::string_view text, std::int64_t min,
                           std::int64_t max) {
  const auto out_of_bounds = [&] {
    return UsageError(
        fmt::format("{} must be in {} .. {} (an integer), got {}", option, min, max, text));
  };
  const std::string_view digits = without_plus_sign(text);
  std::int64_t value = 0;
  const char* last = digits.data() + digits.size();
  const auto [end, ec] = std::from_chars(digits.data(), last, value);
  if (end == last && ec == std::errc::result_out_of_range) throw out_of_bounds();
  if (end != last || ec != std::errc()) {
    // Not plain digits: the number grammar (2e6), with a whole value.
    const double x = parse_number(option, text);
    if (x != std::floor(x))
      throw UsageError(fmt::format("{} must be an integer, got {}", option, text));
    if (x < static_cast<double>(min) || x > static_cast<double>(max)) throw out_of_bounds();
    value = static_cast<std::int64_t>(x);
  }
  if (value < min || value > max) throw out_of_bounds();
  return value;
}

std::vector<double> parse_positive_list(std::string_view option, std::string_view text) {
  std::vector<double> out;
  for (const std::string& item : split_commas(text)) {
    try {
      out.push_back(parse_positive(option, item));
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("{} (in '{}')", e.what(), text));
    }
  }
  return out;
}

CLI::Option* add_positive_option(CLI::App& command, const std::string& name, double& target,
                                 const std::string& help) {
  return command
      .add_option_function<std::string>(
          name, [name, &target](const std::string& text) { target = parse_positive(name, text); },
          help)
      ->type_name("NUMBER");
}

CLI::Option* add_integer_option(CLI::App& command, const std::string& name, std::int64_t& target,
                                std::int64_t min, std::int64_t max, const std::string& help) {
  return command
      .add_option_function<std::string>(
          name,
          [name, &target, min, max](const std::string& text) {
            target = parse_integer(name, text, min, max);
          },
          help)
      ->type_name("INT");
}

}  // namespace largestep::cli
