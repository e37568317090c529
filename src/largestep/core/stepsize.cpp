#include "largestep/core/stepsize.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "largestep/core/methods.h"

namespace largestep {

std::string StepsizeRule::str() const {
  const Method& m = rule_method(kind);
  if (!m.parameter) return std::string(m.name);
  return fmt::format("{}:{}={}", m.name, m.parameter->name, parameter);
}

std::string StepsizeRule::short_str() const {
  const Method& m = rule_method(kind);
  return !m.parameter || m.parameter->fallback == parameter ? std::string(m.name) : str();
}

StepsizeRule parse_rule(std::string_view text) {
  const std::size_t colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  const Method* m = find_method(MethodKind::rule, name);
  if (!m)
    throw std::invalid_argument(fmt::format("unknown stepsize rule '{}' (known: {})", text,
                                            known_methods(MethodKind::rule)));
  const std::span<const Method> table = rules();
  StepsizeRule rule{static_cast<RuleKind>(m - table.data()), 0};
  if (!m->parameter) {
    if (colon != std::string_view::npos)
      throw std::invalid_argument(fmt::format("rule '{}' takes no parameter", name));
    return rule;
  }
  const Parameter& p = *m->parameter;
  if (colon == std::string_view::npos) {
    if (!p.fallback)
      throw std::invalid_argument(
          fmt::format("rule '{}' needs a value: {}:{}=VALUE", name, name, p.name));
    rule.parameter = *p.fallback;
    return rule;
  }
  std::string_view value = text.substr(colon + 1);
  if (value.starts_with(p.name) && value.substr(p.name.size()).starts_with("="))
    value.remove_prefix(p.name.size() + 1);  // "s2:c=2" and "s2:2" are the same rule
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), rule.parameter);
  if (ec != std::errc() || end != value.data() + value.size() || !(rule.parameter > 0) ||
      !std::isfinite(rule.parameter))
    throw std::invalid_argument(fmt::format(
        "rule '{}': {} must be a positive finite number, got '{}'", name, p.name, value));
  return rule;
}

bool rule_needs_gamma(const StepsizeRule& rule) {
  return rule_method(rule.kind).oracles.contains(Oracle::gamma);
}

double rule_eta(const StepsizeRule& rule, const RuleContext& c) {
  const Method& m = rule_method(rule.kind);
  if (m.oracles.contains(Oracle::gamma) && !(c.gamma > 0))
    throw std::invalid_argument(fmt::format(
        "rule '{}' needs a margin gamma, but the data is not known to be separable", rule.str()));
  if (const ConstantStepsize* eta = std::get_if<ConstantStepsize>(&m.factory))
    return (*eta)(c, rule.parameter);
  throw std::invalid_argument(
      fmt::format("rule '{}' has no closed form: it is chosen by running a grid", m.name));
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
  std::string out;
  for (const Method& m : rules()) out += fmt::format("  {:<15}{}\n", m.syntax(), m.description);
  return out;
}

}  // namespace largestep
