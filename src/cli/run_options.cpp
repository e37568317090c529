#include "run_options.h"

#include <fmt/format.h>

#include "cli_common.h"

namespace largestep::cli {

void CommonRunArgs::add_to(CLI::App& command) {
  command.add_option("--eps", eps, "Target objective gap f(w_t) - f*")->capture_default_str();
  command.add_option("--max-steps", max_steps, "Horizon: the last step evaluated")
      ->capture_default_str();
  command.add_option("--scalar", scalar, "Working precision: float or double")
      ->check(CLI::IsMember({"float", "double"}))
      ->capture_default_str();
  command.add_flag("--to-horizon", to_horizon,
                   "Run to --max-steps instead of stopping once the gap has settled below eps");
}

SolverOptions CommonRunArgs::solver_options() const {
  SolverOptions o;
  o.eps = check_positive("--eps", eps);
  if (max_steps < 1) throw UsageError(fmt::format("--max-steps must be >= 1, got {}", max_steps));
  o.max_steps = max_steps;
  o.stop_when_settled = !to_horizon;
  return o;
}

}  // namespace largestep::cli
