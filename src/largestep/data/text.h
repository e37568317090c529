// Small text helpers shared by the command line, the benchmarks and the file readers.
#pragma once

#include <charconv>
#include <cmath>
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

// The number `token` spells out in full, if it is a finite double; one leading '+' is allowed.
inline std::optional<double> parse_finite(std::string_view token) {
  token = without_plus_sign(token);
  double x = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), x);
  if (ec != std::errc() || end != token.data() + token.size() || !std::isfinite(x)) return {};
  return x;
}

}  // namespace largestep
