// The runs the scaling checks read: the claim suite's run records and traces, as the runner wrote
// them (src/largestep/core/suite_runner.h), grouped by dataset and lambda. The judges read only
// these files; the measurements beyond plain runs (S5's stepsize grid, the 100-digit reruns)
// write their own files under measurements/ and are judged from them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "check_context.h"
#include "claims_scaling.h"
#include "largestep/core/experiment.h"
#include "largestep/core/registry.h"
#include "verdict.h"

namespace largestep::theory {

// One run of the suite. `method` names what ran: the rule of a GD experiment ("classical", "s2",
// "s3", "loc", "best"), "nesterov", or "fixed" for the edge-of-stability stepsizes.
struct SweepRun {
  std::string method;
  std::optional<RunOutcome> outcome;  // unset when the run was impossible: see `skipped`
  std::string skipped;                // why not run, e.g. a rule that needs a margin
  std::vector<TracePoint> trace;      // every step, for the traced runs only
};

// Everything measured on one dataset at one lambda, with what the judges need of the problem.
struct SweepPoint {
  std::string dataset;
  std::int64_t n = 0;
  double lambda = 0;
  Reference reference;  // f*, its bracket, h_min, h_max, eta_loc, L_s (w_lambda is not kept)
  double margin = 0;    // certified margin, 0 when the data is not known to be separable
  std::vector<SweepRun> runs;

  const SweepRun* find(const std::string& method) const;  // first run of that method, or null
  double gamma() const { return margin; }
  double kappa() const { return reference.smoothness / lambda; }
};

// The suite's points grouped by dataset, lambdas in suite order (decreasing).
struct SweepDataset {
  std::string dataset;  // canonical spec
  std::vector<SweepPoint> points;
};

struct ScalingSweep {
  std::string suite;
  double eps = 0;            // the suite's target gap (one for all its experiments)
  std::int64_t horizon = 0;  // the suite's max_steps
  std::vector<SweepDataset> datasets;
};

// A point with a problem's facts and no runs yet.
SweepPoint sweep_point(const Problem& problem);

// Reads DIR/runs.json and the traces it names. Throws std::invalid_argument naming the file and
// the field when a record is malformed.
ScalingSweep load_sweep(const std::string& dir);

// Adds one run record (run_record's fields, plus "method" and, for skipped runs, "skipped") to
// the sweep, creating its dataset and point in order of first appearance.
void add_run(ScalingSweep& sweep, const nlohmann::json& record, std::vector<TracePoint> trace);

// The size ("quick" or "paper") a claim suite stands for; its studies have the same name.
std::string suite_size(const CheckContext& ctx);

// Runs the claim suite of ctx's size once (registry suite "quick" or "paper", with its
// edge-of-stability stepsizes) and writes DIR/runs.json, runs.csv and traces/; then measures S5's
// stepsize grids and the 100-digit reruns into DIR/measurements/s5.json and precision.json.
void measure_scaling(const CheckContext& ctx, ProblemCache& problems, const std::string& dir);

// The scaling verdicts from DIR's files: S1, S2, S3, S8 slopes, S5, S4 and S9, precision.
std::vector<Verdict> judge_scaling(const std::string& dir);

// The parts of judge_scaling. `hard` are the datasets of S5's study: S1 also fits their classical
// counts against S5's log-corrected abscissa.
std::vector<Verdict> check_step_slopes(const ScalingSweep& sweep,
                                       const std::vector<std::string>& hard = {});  // S1 S2 S3 S8
std::vector<Verdict> check_phases(const ScalingSweep& sweep);                        // S4 S9
// S9's runs of one dataset (its traced large-stepsize runs), measured from their traces.
std::vector<EosPoint> eos_points(const SweepDataset& set);

// S5 and precision: measure into a JSON document, judge from it.
nlohmann::json measure_s5(const CheckContext& ctx, ProblemCache& problems, const ScalingSweep& sweep);
std::vector<Verdict> judge_s5_file(const nlohmann::json& measured);
nlohmann::json measure_precision(const CheckContext& ctx, ProblemCache& problems,
                                 const ScalingSweep& sweep);
std::vector<Verdict> judge_precision_file(const nlohmann::json& measured);

}  // namespace largestep::theory
