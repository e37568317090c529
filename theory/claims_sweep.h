// The runs the scaling checks share: every experiment of a registry suite, run once, with a
// trace kept for the large-stepsize GD runs (S4 and S9 read it), plus the fixed large stepsizes
// S4 and S9 add at each (dataset, lambda) of the suite.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "check_context.h"
#include "largestep/core/experiment.h"
#include "largestep/core/registry.h"
#include "verdict.h"

namespace largestep::theory {

// One run of the sweep. `method` names what ran: the rule of a GD experiment ("classical", "s2",
// "s3", "best"), "nesterov", or "fixed" for the extra stepsizes.
struct SweepRun {
  std::string method;
  RunSpec spec;                       // what was run (fixed runs: spec.eta is set)
  std::optional<RunOutcome> outcome;  // unset when the run was impossible: see `skipped`
  std::string skipped;                // why not run, e.g. a rule that needs a margin
  std::vector<TracePoint> trace;      // every step, for large-stepsize GD runs only
};

// Everything measured on one dataset at one lambda.
struct SweepPoint {
  Problem problem;
  std::vector<SweepRun> runs;

  const SweepRun* find(const std::string& method) const;  // first run of that method, or null
  double gamma() const;  // certified margin, 0 when the data is not known to be separable
  double kappa() const { return problem.reference.smoothness / problem.lambda; }
};

// The suite's points grouped by dataset, lambdas in suite order (decreasing).
struct SweepDataset {
  std::string dataset;  // the spec as written in the registry
  std::vector<SweepPoint> points;
};

struct ScalingSweep {
  std::string suite;
  double eps = 0;            // the suite's target gap (one for all its experiments)
  std::int64_t horizon = 0;  // the suite's max_steps
  std::vector<SweepDataset> datasets;
  double seconds = 0;
};

// The extra fixed stepsizes of S4/S9 at one point: eta_j = 4^j * 2/L_s (j >= 1), beyond the
// classical stability limit 2/L_s, while eta_j <= eta_loc/2, so that each run is in the EoS
// regime at the start yet converges locally at a healthy rate (E5: rho <= max(1 - eta h_min, 0)).
std::vector<double> fixed_large_stepsizes(const Problem& problem);

// Runs every experiment of the profile's suite ("quick" or "paper") once, and the fixed large
// stepsizes; reports progress through ctx.
ScalingSweep run_scaling_sweep(const CheckContext& ctx);

// The suite a profile uses.
std::string scaling_suite_name(const CheckContext& ctx);

// The parts of check_scaling_claims, each reading the shared sweep.
std::vector<Verdict> check_step_slopes(const ScalingSweep& sweep);  // S1 S2 S3 S8
std::vector<Verdict> check_s5(const CheckContext& ctx, const ScalingSweep& sweep);
std::vector<Verdict> check_phases(const ScalingSweep& sweep);  // S4 S9
std::vector<Verdict> check_precision(const CheckContext& ctx, const ScalingSweep& sweep);

}  // namespace largestep::theory
