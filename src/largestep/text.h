// Small text helpers shared by the command line and the benchmarks.
#pragma once

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

}  // namespace largestep
