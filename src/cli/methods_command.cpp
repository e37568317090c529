// largestep methods [--json]: the method table (stepsize rules and solvers), for people and for
// plots/ and peers/, which read its JSON instead of keeping their own lists.
#include <fmt/format.h>

#include <memory>

#include "cli_common.h"
#include "largestep/core/methods.h"

namespace largestep::cli {
namespace {

std::string oracles_text(const Oracles& oracles) {
  std::string out;
  for (const Oracle o : oracles.list()) out += (out.empty() ? "" : ",") + to_string(o);
  return out.empty() ? "none" : out;
}

std::string methods_text() {
  const auto row = [](const Method& m) {
    return fmt::format("  {:<15} {:<8} {}\n", m.syntax(), oracles_text(m.oracles), m.description);
  };
  std::string out = "Stepsize rules (--rule NAME[:PARAMETER=VALUE]):\n";
  out += fmt::format("  {:<15} {:<8} {}\n", "rule", "oracles", "eta");
  for (const Method& m : rules()) out += row(m);
  out +=
      fmt::format("\nSolvers (--solver NAME):\n  {:<15} {:<8} {}\n", "solver", "oracles", "method");
  for (const Method& m : solvers()) out += row(m);
  for (const Method& m : solvers())
    if (!m.default_rule.empty())
      out +=
          fmt::format("  {} takes rule {} unless given --rule or --eta.\n", m.name, m.default_rule);
  out +=
      "\nOracles: what a method needs beyond the data and lambda: gamma (the certified margin),\n"
      "eta_loc (2 / lambda_max(hess f(w_lambda))), f_star. L_s is computed from the data. Every\n"
      "run measures its gap against the certified f*; that is the benchmark's, not the method's.\n";
  return out;
}

}  // namespace

void add_methods_command(CLI::App& app, Action& action) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "methods", "The stepsize rules and solvers: parameters, oracles they need, formulas");
  cmd->add_flag("--json", *json,
                "Print JSON: an array of {name, kind (rule|solver), parameters [{name, "
                "default|null}], oracles, description, label} (README: Output formats)");
  cmd->callback([json, &action] {
    action = [json] {
      emit("-", *json ? methods_json().dump(2) + "\n" : methods_text());
      return 0;
    };
  });
}

}  // namespace largestep::cli
