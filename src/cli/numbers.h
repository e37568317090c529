// Every number option of the command line is read here: one grammar, one set of messages.
//
// A number is decimal: an optional sign (one leading '+' allowed), digits with an optional point
// (".5" and "5." included) and an optional exponent (1e-3, 2E+5), as the data readers read them.
// Not numbers: hexadecimal (0x10), inf, nan, spaces, an empty value. A value beyond the double
// range (1e400) is out of range; a nonzero value that rounds to 0 (1e-400) is refused as too small;
// subnormal values (1e-320) are accepted like any other positive double.
// An integer option takes the same grammar with a whole value (2e6 = 2000000), within the
// option's stated bounds: a value outside them is an error naming the option and the bound, never
// clamped.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace largestep::cli {

// The value of `text` given to `option`; a UsageError naming both otherwise.
double parse_number(std::string_view option, std::string_view text);
double parse_positive(std::string_view option, std::string_view text);
std::int64_t parse_integer(std::string_view option, std::string_view text, std::int64_t min,
                           std::int64_t max);

// "1e-2,1e-3" -> {0.01, 0.001}: every item a positive number, else a UsageError naming the option,
// the item and the list.
std::vector<double> parse_positive_list(std::string_view option, std::string_view text);

// `value` itself when it is positive and finite, else a UsageError naming the option.
double check_positive(std::string_view option, double value);

// Options whose text CLI11 hands to the parsers above (CLI11's own conversion would accept 0x10
// and clamp integers). The parsed value is stored in `target` when the option is given.
CLI::Option* add_positive_option(CLI::App& command, const std::string& name, double& target,
                                 const std::string& help);
CLI::Option* add_integer_option(CLI::App& command, const std::string& name, std::int64_t& target,
                                std::int64_t min, std::int64_t max, const std::string& help);

}  // namespace largestep::cli
