// Options that `run` and `sweep` share: eps, horizon, scalar, early stop.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "largestep/solver.h"

namespace largestep::cli {

struct CommonRunArgs {
  double eps = 1e-8;
  std::int64_t max_steps = 1'000'000;
  std::string scalar = "double";
  bool to_horizon = false;

  void add_to(CLI::App& command);
  SolverOptions solver_options() const;  // checks eps and max_steps; UsageError otherwise
};

}  // namespace largestep::cli
