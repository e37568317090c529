#include "largestep/core/stepsize.h"

#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace largestep {
namespace {

struct RuleName {
  RuleKind kind;
  std::string_view name, key;  // key: the parameter's name, empty if the rule takes none
  double fallback;             // NaN: the parameter is required
};

constexpr RuleName kRules[] = {
    {RuleKind::classical, "classical", "", 0},  {RuleKind::s2, "s2", "c", 1},
    {RuleKind::s3, "s3", "c", 1},               {RuleKind::loc, "loc", "frac", 0.5},
    {RuleKind::fixed, "fixed", "eta", NAN},     {RuleKind::best, "best", "", 0},
};

const RuleName& name_of(RuleKind kind) {
  for (const RuleName& r : kRules)
    if (r.kind == kind) return r;
  throw std::logic_error("unnamed stepsize rule");
}

}  // namespace

std::string StepsizeRule::str() const {
  const RuleName& r = name_of(kind);
  if (r.key.empty()) return std::string(r.name);
  return fmt::format("{}:{}={}", r.name, r.key, parameter);
}

std::string StepsizeRule::short_str() const {
  const RuleName& r = name_of(kind);
  return r.key.empty() || parameter == r.fallback ? std::string(r.name) : str();
}

StepsizeRule parse_rule(std::string_view text) {
  const std::size_t colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  for (const RuleName& r : kRules) {
    if (r.name != name) continue;
    StepsizeRule rule{r.kind, r.fallback};
    if (colon == std::string_view::npos) {
      if (std::isnan(r.fallback))
        throw std::invalid_argument(fmt::format("rule '{}' needs a value: {}:{}=VALUE", name, name, r.key));
      return rule;
    }
    if (r.key.empty()) throw std::invalid_argument(fmt::format("rule '{}' takes no parameter", name));
    std::string_view value = text.substr(colon + 1);
    if (value.starts_with(r.key) && value.substr(r.key.size()).starts_with("="))
      value.remove_prefix(r.key.size() + 1);  // "s2:c=2" and "s2:2" are the same rule
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), rule.parameter);
    if (ec != std::errc() || end != value.data() + value.size() || !(rule.parameter > 0) ||
        !std::isfinite(rule.parameter))
      throw std::invalid_argument(
          fmt::format("rule '{}': {} must be a positive finite number, got '{}'", name, r.key, value));
    return rule;
  }
  throw std::invalid_argument(fmt::format(
      "unknown stepsize rule '{}' (known: classical, s2[:c=C], s3[:c=C], loc[:frac=F], "
      "fixed:eta=E, best)",
      text));
}

double rule_eta(const StepsizeRule& rule, const RuleContext& c) {
  const auto need_margin = [&] {
    if (!(c.gamma > 0))
      throw std::invalid_argument(fmt::format(
          "rule '{}' needs a margin gamma, but the data is not known to be separable",
          rule.str()));
  };
  switch (rule.kind) {
    case RuleKind::classical:
      return 1 / c.smoothness;
    case RuleKind::s2:
      need_margin();
      return rule.parameter * c.gamma / std::sqrt(c.lambda);
    case RuleKind::s3:
      need_margin();
      return rule.parameter * std::cbrt(c.gamma * c.gamma / c.lambda);
    case RuleKind::loc:
      return rule.parameter * c.eta_loc;
    case RuleKind::fixed:
      return rule.parameter;
    case RuleKind::best:
      break;
  }
  throw std::invalid_argument("rule 'best' has no closed form: it is chosen by running a grid");
}

std::vector<double> best_grid(const RuleContext& c) {
  std::vector<double> grid;
  for (double k = std::ceil(4 * std::log2(1 / c.smoothness));; ++k) {
    const double eta = std::exp2(k / 4);
    if (eta >= c.eta_loc && !grid.empty()) break;
    grid.push_back(eta);
    if (eta >= c.eta_loc) break;
  }
  return grid;
}

std::string rules_help() {
  return "  classical      eta = 1/L_s\n"
         "  s2[:c=1]       eta = c * gamma / sqrt(lambda)          (paper S2)\n"
         "  s3[:c=1]       eta = c * (gamma^2 / lambda)^(1/3)      (paper S3)\n"
         "  loc[:frac=0.5] eta = frac * eta_loc, eta_loc = 2/h_max (paper E5)\n"
         "  fixed:eta=E    eta = E\n"
         "  best           fewest settled steps over eta = 2^(k/4) in [1/L_s, eta_loc)\n";
}

}  // namespace largestep
