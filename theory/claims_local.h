// The local claims of paper.md: E5 (local stability at w_lambda, measured in multiprecision), S6
// (eta_loc = Theta(1/(lambda ln(1/lambda)))) and S7 (1-D global convergence below eta_loc, none
// above it, bounded iterates).
//
// The family runs in two halves joined by a document (measurement_json.h): measure_local makes
// every measurement on the registry's studies "E5", "S6" and "S7" and returns them as JSON;
// judge_local reads such a document and returns the verdicts. The judge_* functions are pure:
// they take measured numbers and return a Verdict, so tests can feed them doctored measurements.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "check_context.h"
#include "fit.h"
#include "largestep/core/solver.h"
#include "largestep/reference/certified.h"
#include "verdict.h"

namespace largestep::theory {

// ---- E5: the deviation along the top eigenvector is multiplied by 1 - eta h_max per step --------

// "At least 6 significant digits": |measured - predicted| <= 1e-6 |predicted|.
inline constexpr double kE5FactorTolerance = 1e-6;
// The stepsizes straddling eta_loc: (1 - offset) eta_loc and (1 + offset) eta_loc.
inline constexpr double kE5EtaOffset = 1e-3;

struct E5FactorRun {
  double lambda = 0;
  double eta_fraction = 0;                // eta / eta_loc
  double eta = 0;                         // the stepsize run (a double, as SolverOptions holds it)
  double predicted = 0;                   // e5_deviation_factor(eta, h_max)
  double min_factor = 0, max_factor = 0;  // dev_{t+1} / dev_t over the steps
  double max_relative_error = 0;          // max_t |factor_t - predicted| / |predicted|
  double final_deviation = 0;             // |dev_T|: stays tiny, so the run stays local
  int steps = 0;
};

struct E5Options {
  int steps = 200;
  double delta = 1e-20;  // the start's offset along v_max; suits 100 digits
};

// Runs GD in Mp at ref.digits from w_lambda + delta v_max (v_max the unit top eigenvector of
// hess f(w_lambda)) with eta = eta_fraction * eta_loc, and measures the per-step factor of the
// deviation's component along v_max. `data` must be the data `ref` was computed for.
E5FactorRun measure_e5_factor(const Dataset<double>& data, const MpReference& ref,
                              double eta_fraction, const E5Options& options = {});

// Pass iff every run's factor matches the prediction within `tolerance` (relative) at every step,
// and |factor| < 1 for eta < eta_loc, > 1 for eta > eta_loc. The minimum evidence: a run on each
// side of eta_loc; below it inconclusive.
Verdict judge_e5_factors(const std::string& dataset, const std::vector<E5FactorRun>& runs,
                         double tolerance = kE5FactorTolerance);

struct E5BoundPoint {
  double lambda = 0;
  double eta_loc = 0;
  double w_norm = 0;  // ||w_lambda||
  double gamma = 0;   // a certified margin
};

// E5's consequence of E4: eta_loc >= e5_eta_loc_lower_bound(lambda, ||w_lambda||, gamma). Pass
// iff it holds at every point (to a relative 1e-12 for the doubles' rounding); inconclusive when
// `assumption_failure` is non-empty (it says which of Assumption 1 fails) or without points.
Verdict judge_e5_lower_bound(const std::string& dataset, const std::vector<E5BoundPoint>& points,
                             const std::string& assumption_failure);

// ---- S6: R(lambda) = eta_loc lambda ln(1/lambda) stays within constant bounds ------------------

struct S6Point {
  double lambda = 0;
  double eta_loc = 0;
  double w_norm = 0;  // ||w_lambda||, for E4's floor on R (reported only)
};

struct S6Test {
  double max_spread = 3;        // max R / min R over the sweep
  double max_tail_slope = 0.5;  // |d ln R / d ln ln(1/lambda)| over the tail
  double tail_decades = 2;      // the tail: lambdas within this many decades of the smallest
  SweepMinimum minimum;         // the sweep: 4 lambdas over 2 decades
};

// Pass iff the spread and the tail slope are within the test's bounds. Inconclusive when
// `assumption_failure` is non-empty or below the minimum evidence: the test's sweep, two points
// in the tail. `gamma` (> 0)
// adds E4's floor R >~ 2 gamma^2 to the report.
Verdict judge_s6(const std::string& dataset, const std::vector<S6Point>& points,
                 const std::string& assumption_failure, double gamma, const S6Test& test = {});

// ---- S7: 1-D global convergence below eta_loc, none above it, bounded iterates ----------------

struct S7Run {
  double lambda = 0;
  double eta_fraction = 0;  // eta / eta_loc
  double w0 = 0;            // the start
  bool converged = false;   // settled to eps within the horizon
  StepCount settled;
  // min gap over the horizon's second half: above eps means the run is visibly not converging
  // (an oscillation), at or below eps that it might still be converging slowly.
  double late_min_gap = 0;
  double eps = 0;
  double max_norm = 0;    // max_t |w_t|
  double norm_bound = 0;  // the boundedness yardstick: 10 max(|w_0|, |w_lambda|) + eta
};

// Pass iff every run below eta_loc converged, every run above it visibly does not converge, and
// every run stayed within its norm bound. A run below that is visibly stuck, or one above that
// converged, fails; runs that are neither (censored, still drifting), or runs on one side of
// eta_loc only, are below the minimum evidence: inconclusive.
Verdict judge_s7(const std::string& dataset, const std::vector<S7Run>& runs,
                 const std::string& assumption_failure);

// ---- The family: measure -> JSON -> judge ------------------------------------------------------

// `assumption_failure`: which part of Assumption 1 fails (for S7 also "not 1-D"); empty when it
// holds. Nothing is run for S7 when it is not empty.
struct E5Measurement {
  std::string dataset, assumption_failure;
  std::vector<E5FactorRun> runs;  // per lambda, eta below then above eta_loc
  std::vector<E5BoundPoint> bound_points;
};
struct S6Measurement {
  std::string dataset, assumption_failure;
  double gamma = 0;  // the certified margin (E4's floor on R, reported only)
  std::vector<S6Point> points;
};
struct S7Measurement {
  std::string dataset, assumption_failure;
  std::vector<S7Run> runs;
};
struct LocalMeasurements {
  std::vector<E5Measurement> e5;  // study "E5"
  std::vector<S6Measurement> s6;  // study "S6"
  std::vector<S7Measurement> s7;  // study "S7"
};

// Every local measurement of the suite ctx.profile, progress through ctx.report, as the document
// {"family": "local", "suite", "format": 1, "e5", "s6", "s7"} (README.md). E5 and S6 need w_lambda
// and eta_loc as 100-digit numbers and take them from cached_reference_mp; S7 runs in double
// against ctx.reference.
nlohmann::json measure_local(const CheckContext& ctx);
// Every E5, S6 and S7 verdict, in that order. Throws std::invalid_argument naming the family and
// the field when `measured` is not such a document.
std::vector<Verdict> judge_local(const nlohmann::json& measured);

// The same two halves in memory, without the document, and both at once.
LocalMeasurements measure_local_claims(const CheckContext& ctx);
std::vector<Verdict> judge_local_claims(const LocalMeasurements& m);
std::vector<Verdict> check_local_claims(const CheckContext& ctx);

}  // namespace largestep::theory
