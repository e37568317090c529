// Small text helpers shared by the command line, the benchmarks and the file readers, and the one
// number grammar of every reader of numbers (dataset specs, weights files, CSV, LIBSVM, the
// reference cache) with its one set of messages.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace largestep {

// "a,b,,c" -> {"a", "b", "", "c"}; "" -> {""}.
inline std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t comma; (comma = text.find(',', start)) != std::string_view::npos; start = comma + 1)
    out.emplace_back(text.substr(start, comma - start));
  out.emplace_back(text.substr(start));
  return out;
}

// `token` without one leading '+' (which printf-style writers emit and from_chars rejects); a
// second sign after it ("+-1", "++1") stays, so from_chars refuses it.
inline std::string_view without_plus_sign(std::string_view token) {
  if (token.size() > 1 && token[0] == '+' && token[1] != '+' && token[1] != '-')
    token.remove_prefix(1);
  return token;
}

// What is wrong with a token read as a number.
enum class NumberProblem {
  none,
  empty,          // nothing to read
  malformed,      // not a number of the grammar ("abc", "1.5.2", "0x10", "+-1", "1 2")
  not_finite,     // nan, inf, infinity
  too_large,      // beyond the largest double, or beyond the 64-bit integer range
  too_small,      // nonzero, but nearer 0 than the smallest subnormal double: it would read as 0
  not_integer,    // an integer key given a number with a fractional part ("1.5")
  not_in_digits,  // an integer key given an integral number in another form ("1e3", "100.0")
};

struct ParsedNumber {
  double value = 0;
  NumberProblem problem = NumberProblem::none;
  explicit operator bool() const { return problem == NumberProblem::none; }
};

struct ParsedInteger {
  std::int64_t value = 0;  // for not_in_digits too: the integer the token spells
  NumberProblem problem = NumberProblem::none;
  explicit operator bool() const { return problem == NumberProblem::none; }
};

namespace detail {

// The exponent after 'e' ("-12", "+3", "7"), saturated at +-10^9 so that no digit count overflows.
inline long long exponent_value(std::string_view digits) {
  const bool negative = !digits.empty() && digits[0] == '-';
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
  long long exponent = 0;
  for (const char c : digits) exponent = std::min(exponent * 10 + (c - '0'), 1'000'000'000LL);
  return negative ? -exponent : exponent;
}

// Roughly log10 |x| of a token that from_chars found out of range, to tell overflow from
// underflow: the position of its first nonzero digit plus its exponent.
inline long long decimal_order(std::string_view token) {
  if (!token.empty() && (token[0] == '-' || token[0] == '+')) token.remove_prefix(1);
  const std::size_t e = token.find_first_of("eE");
  const long long exponent = e == std::string_view::npos ? 0 : exponent_value(token.substr(e + 1));
  const std::string_view mantissa = token.substr(0, e);
  const std::size_t point = std::min(mantissa.find('.'), mantissa.size());
  const std::size_t first = mantissa.find_first_of("123456789");
  if (first == std::string_view::npos) return 0;
  const long long position = first < point ? static_cast<long long>(point - first)
                                           : -static_cast<long long>(first - point - 1);
  return position + exponent;
}

}  // namespace detail

// The grammar of every number read from text: std::from_chars' general format (decimal digits,
// an optional fraction and exponent; no hexadecimal, no spaces, locale-independent), at most one
// leading sign ('+' or '-'), finite, and within double's range. Subnormals (1e-310) are read
// exactly; a nonzero value that would round to 0 or overflow is refused rather than changed.
inline ParsedNumber parse_number(std::string_view token) {
  if (token.empty()) return {0, NumberProblem::empty};
  token = without_plus_sign(token);
  double x = 0;
  const char* last = token.data() + token.size();
  const auto [end, ec] = std::from_chars(token.data(), last, x);
  if (ec == std::errc::result_out_of_range && end == last)
    return {0,
            detail::decimal_order(token) > 0 ? NumberProblem::too_large : NumberProblem::too_small};
  if (ec != std::errc() || end != last) return {0, NumberProblem::malformed};
  if (!std::isfinite(x)) return {0, NumberProblem::not_finite};
  return {x, NumberProblem::none};
}

// The number `token` spells out in full, if it is a finite double of the grammar above.
inline std::optional<double> parse_finite(std::string_view token) {
  const ParsedNumber x = parse_number(token);
  if (!x) return {};
  return x.value;
}

// Integers: decimal digits with at most one leading sign, within the 64-bit range. A number in
// another form is refused with what it is: fractional ("1.5"), or integral but not written in
// digits ("1e3": `value` then holds 1000 for the message), or too large ("1e20").
inline ParsedInteger parse_integer(std::string_view token) {
  if (token.empty()) return {0, NumberProblem::empty};
  token = without_plus_sign(token);
  std::int64_t value = 0;
  const char* last = token.data() + token.size();
  const auto [end, ec] = std::from_chars(token.data(), last, value);
  if (ec == std::errc() && end == last) return {value, NumberProblem::none};
  if (ec == std::errc::result_out_of_range && end == last) return {0, NumberProblem::too_large};
  // Not plain digits: is it a number at all, and then an integer? Decided exactly on the digits,
  // not on a double, which would round "1.0000000000000001e16" to an integer.
  const ParsedNumber number = parse_number(token);
  if (number.problem == NumberProblem::too_large) return {0, NumberProblem::too_large};
  if (number.problem == NumberProblem::too_small) return {0, NumberProblem::not_integer};
  if (!number) return {0, number.problem};
  const bool negative = token[0] == '-';
  const std::string_view unsigned_token = negative ? token.substr(1) : token;
  const std::size_t e = unsigned_token.find_first_of("eE");
  const std::string_view mantissa = unsigned_token.substr(0, e);
  std::string digits;
  long long exponent =
      e == std::string_view::npos ? 0 : detail::exponent_value(unsigned_token.substr(e + 1));
  const std::size_t point = mantissa.find('.');
  for (std::size_t k = 0; k < mantissa.size(); ++k) {
    if (k == point) continue;
    digits += mantissa[k];
    if (point != std::string_view::npos && k > point) --exponent;
  }
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return {0, NumberProblem::not_in_digits};  // "0.0", "0e5"
  digits.erase(0, first);
  while (exponent < 0) {  // only zeros may be shifted out
    if (digits.size() <= 1 || digits.back() != '0') return {0, NumberProblem::not_integer};
    digits.pop_back();
    ++exponent;
  }
  if (static_cast<long long>(digits.size()) + exponent > 19) return {0, NumberProblem::too_large};
  // "-9.223372036854775808e18" is INT64_MIN, whose magnitude from_chars cannot read unsigned:
  // treated as too large, as the rare price of one code path.
  digits.append(static_cast<std::size_t>(exponent), '0');
  const auto [end2, ec2] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (negative) value = -value;  // from_chars read at most 19 digits: |value| < 2^63
  if (ec2 != std::errc()) return {0, NumberProblem::too_large};
  return {value, NumberProblem::not_in_digits};
}

// The one set of messages: what is wrong, as a predicate for "{subject} {problem}", e.g.
// "weight 2 is not a finite number", "dataset 'planted': n=1e20 is too large for an integer ...".
inline std::string number_problem(NumberProblem problem, std::int64_t value = 0) {
  switch (problem) {
    case NumberProblem::none:
      return "is a number";
    case NumberProblem::empty:
      return "is missing (empty field)";
    case NumberProblem::malformed:
      return "is not a finite number";
    case NumberProblem::not_finite:
      return "is not a finite number: NaN or Inf";
    case NumberProblem::too_large:
      return "is not a finite number: beyond the largest double (1.7976931348623157e+308)";
    case NumberProblem::too_small:
      return "is out of range: nonzero but below the smallest double (4.9406564584124654e-324)";
    case NumberProblem::not_integer:
      return "is not an integer";
    case NumberProblem::not_in_digits:
      return "is not an integer in digits: write " + std::to_string(value);
  }
  return "is not a number";
}

// The same for integer keys, whose range is that of a 64-bit integer.
inline std::string integer_problem(const ParsedInteger& parsed) {
  switch (parsed.problem) {
    case NumberProblem::malformed:
    case NumberProblem::not_finite:
      return "is not an integer";
    case NumberProblem::too_large:
      return "is too large for an integer (at most 9223372036854775807 in magnitude)";
    default:
      return number_problem(parsed.problem, parsed.value);
  }
}

}  // namespace largestep
