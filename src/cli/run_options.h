// Options that `run` and `sweep` share: eps, horizon, scalar, early stop, the settings of `safe`.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "largestep/core/experiment.h"
#include "largestep/core/solver.h"

namespace largestep::cli {

// The largest horizon any command accepts (--max-steps, bifurcation's --steps, --trace-every): far
// beyond any run that ends (10^15 steps are weeks at a nanosecond each), and clear of int64
// overflow in step arithmetic.
inline constexpr std::int64_t kMaxSteps = 1'000'000'000'000'000;

struct CommonRunArgs {
  double eps = 1e-8;
  std::int64_t max_steps = 1'000'000;
  std::string scalar = "double";
  bool to_horizon = false;
  std::string safe;  // --safe: the settings of the solver safe

  void add_to(CLI::App& command);
  SolverOptions solver_options() const;  // checks eps and max_steps; UsageError otherwise
  // The experiment with every option the user gave applied (a suite's own eps, horizon, scalar
  // and stopping rule stay where the user gave none).
  Experiment applied_to(Experiment experiment) const;
  bool safe_given() const { return safe_option_->count() > 0; }
  // --safe given for experiments none of which runs the solver safe: a UsageError, it would not
  // apply.
  void check_safe_applies(const std::vector<Experiment>& experiments) const;

 private:
  CLI::Option *eps_option_ = nullptr, *max_steps_option_ = nullptr, *scalar_option_ = nullptr,
              *to_horizon_option_ = nullptr, *safe_option_ = nullptr;
};

}  // namespace largestep::cli
