#include "largestep/core/safe_settings.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "largestep/data/text.h"

namespace largestep {

void SafeSettings::validate() const {
  const auto fail = [](std::string_view key, auto value, std::string_view constraint) {
    throw std::invalid_argument(
        fmt::format("safe setting {} = {} is invalid: must be {}", key, value, constraint));
  };
  if (!(warmup >= 1) || !std::isfinite(warmup)) fail("warmup", warmup, "a finite number >= 1");
  if (!(cap > 0) || !(cap < 1)) fail("cap", cap, "in (0, 1): a fraction of 2 / lambda_max");
  if (every < 1) fail("every", every, ">= 1");
  if (lanczos_steps < 1 || lanczos_steps > 100) fail("lanczos", lanczos_steps, "in [1, 100]");
  if (patience < 1) fail("patience", patience, ">= 1");
}

std::string SafeSettings::str() const {
  return fmt::format("warmup={},cap={},every={},lanczos={},patience={}", warmup, cap, every,
                     lanczos_steps, patience);
}

SafeSettings parse_safe_settings(std::string_view text) {
  SafeSettings s;
  const auto bad = [&](std::string_view item, std::string_view why) {
    return std::invalid_argument(fmt::format(
        "safe settings '{}': {} {} (keys: warmup, cap, every, lanczos, patience; e.g. {})", text,
        item, why, SafeSettings{}.str()));
  };
  for (const std::string& item : split_commas(text)) {
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) throw bad(item, "is not key=value");
    const std::string key = item.substr(0, eq);
    const std::string value = item.substr(eq + 1);
    if (key == "warmup" || key == "cap") {
      const ParsedNumber x = parse_number(value);
      if (!x) throw bad(item, number_problem(x.problem));
      (key == "warmup" ? s.warmup : s.cap) = x.value;
    } else if (key == "every" || key == "lanczos" || key == "patience") {
      const ParsedInteger k = parse_integer(value);
      if (!k || k.value < 1 || k.value > 1'000'000'000)
        throw bad(item, k ? "is not in [1, 1e9]" : integer_problem(k));
      (key == "every" ? s.every : key == "lanczos" ? s.lanczos_steps : s.patience) =
          static_cast<int>(k.value);
    } else {
      throw bad(item, "has an unknown key");
    }
  }
  s.validate();
  return s;
}

}  // namespace largestep
