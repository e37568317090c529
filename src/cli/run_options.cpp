#include "run_options.h"

#include <fmt/format.h>

#include "cli_common.h"

namespace largestep::cli {

void CommonRunArgs::add_to(CLI::App& command) {
  eps_option_ = add_positive_option(command, "--eps", eps, "Target objective gap f(w_t) - f*")
                    ->default_str(fmt::format("{}", eps));
  max_steps_option_ = add_integer_option(command, "--max-steps", max_steps, 1, kMaxSteps,
                                         "Horizon: the last step evaluated")
                          ->default_str(fmt::format("{}", max_steps));
  scalar_option_ = command.add_option("--scalar", scalar, "Working precision: float or double")
                       ->check(CLI::IsMember({"float", "double"}))
                       ->capture_default_str();
  to_horizon_option_ = command.add_flag(
      "--to-horizon", to_horizon, "Run to --max-steps instead of stopping once the gap has settled below eps");
  safe_option_ = command.add_option(
      "--safe", safe,
      fmt::format("Settings of the solver safe, key=value[,...] over the defaults {} (README, "
                  "\"The safe solver\")",
                  SafeSettings{}.str()));
}

SolverOptions CommonRunArgs::solver_options() const {
  SolverOptions o;
  o.eps = check_positive("--eps", eps);
  if (max_steps < 1) throw UsageError(fmt::format("--max-steps must be >= 1, got {}", max_steps));
  o.max_steps = max_steps;
  o.stop_when_settled = !to_horizon;
  if (safe_given()) {
    try {
      o.safe = parse_safe_settings(safe);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--safe: {}", e.what()));
    }
  }
  return o;
}

void CommonRunArgs::check_safe_applies(const std::vector<Experiment>& experiments) const {
  if (!safe_given()) return;
  for (const Experiment& e : experiments)
    if (e.spec.solver == SolverKind::safe) return;
  throw UsageError("--safe applies only to runs of the solver safe, and none of these is one");
}

Experiment CommonRunArgs::applied_to(Experiment e) const {
  const SolverOptions given = solver_options();
  if (eps_option_->count() > 0) e.spec.options.eps = given.eps;
  if (max_steps_option_->count() > 0) e.spec.options.max_steps = given.max_steps;
  if (to_horizon_option_->count() > 0) e.spec.options.stop_when_settled = false;
  if (scalar_option_->count() > 0) e.spec.precision = parse_precision(scalar);
  if (safe_given()) e.spec.options.safe = given.safe;
  return e;
}

}  // namespace largestep::cli
