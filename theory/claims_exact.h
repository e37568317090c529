// The exact claims of paper.md section 2 (E1-E4, E6, E7), asserted hard: a violation beyond the
// stated rounding tolerance is a bug in our code or a counterexample to the paper.
//
// The family runs in two halves joined by a document (measurement_json.h): measure_exact makes
// every measurement on the registry's studies "E1-E4", "E6" and "E7" and returns them as JSON;
// judge_exact reads such a document and returns the verdicts. The judge_* functions are pure:
// they take measured numbers and return a Verdict, so tests can feed them doctored measurements
// and see the checker fail. A claim whose assumptions do not hold for the data (no certified
// margin, a row with ||x|| > 1) is inconclusive, never a pass.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "check_context.h"
#include "largestep/core/experiment.h"
#include "largestep/kernel/dataset.h"
#include "verdict.h"

namespace largestep::theory {

// Relative rounding tolerance of every inequality below but E6's gap bound: a double evaluation
// of L, G, a gradient norm or an eigenvalue is accurate to a few ulps per term, far below it.
inline constexpr double kRoundingTolerance = 1e-12;
// E6's gap bound decays below the rounding floor of f_t - f* in double (~1e-16 f): the bound is
// widened by this much times |f_t|, in absolute terms.
inline constexpr double kGapRoundingSlack = 1e-14;

// ---- Assumption 1 ------------------------------------------------------------------------------

struct DataAssumptions {
  double max_row_norm = 0;
  double gamma = 0;  // certified margin (check_separability); <= 0: not known to be separable
};

DataAssumptions measure_assumptions(const Dataset<double>& data);

// Why ||x_i|| <= 1 fails (empty when it holds to kRoundingTolerance): E1 needs only this.
std::string row_norm_violation(const DataAssumptions& a);
// Why Assumption 1 (||x_i|| <= 1 and a certified margin gamma > 0) fails; empty when it holds.
std::string assumption1_violation(const DataAssumptions& a);

// ---- E1, E2: self-bounding and margin inequality at many points --------------------------------

struct WorstRatio {
  double value = 0;   // the worst ratio over the points (a max for E1, a min for E2)
  std::string where;  // the point it was found at, e.g. "random |w|=100 #3"
  int points = 0;     // points measured
};

struct ProbePoint {
  std::string label;
  Vector<double> w;
};

// w = 0, each reference w_lambda, every 20th iterate of a GD run with lambda = 1e-4, eta = 100,
// and random directions at |w| = 0.1 .. 1000 (seeded; more in the paper profile).
std::vector<ProbePoint> probe_points(const Dataset<double>& data,
                                     const std::vector<Reference>& references, Profile profile);

struct ProbeRatios {
  WorstRatio hessian_over_loss;   // max lambda_max(hess L(w)) / L(w)              (E1)
  WorstRatio gradient_over_loss;  // max ||grad L(w)|| / L(w)                       (E1)
  WorstRatio margin_ratio;        // min ||grad L(w)|| / (gamma G(w)); gamma > 0 only (E2)
  int skipped = 0;                // points where L(w) < 1e-290: subnormal terms, no accuracy
};

ProbeRatios measure_probe_ratios(const Dataset<double>& data, double gamma,
                                 const std::vector<ProbePoint>& points);

// G(w) = (1/n) sum_i |l'(y_i <x_i, w>)|, the quantity of E2 and E4.
double mean_derivative_magnitude(const Dataset<double>& data, const Vector<double>& w);

// Pass iff both maxima are <= 1 + kRoundingTolerance; inconclusive if a row has ||x|| > 1.
Verdict judge_e1(const std::string& dataset, const DataAssumptions& a, const WorstRatio& hessian,
                 const WorstRatio& gradient);

// Pass iff the minimum is >= 1 - kRoundingTolerance; inconclusive without Assumption 1.
Verdict judge_e2(const std::string& dataset, const DataAssumptions& a, const WorstRatio& margin);

// ---- E3, E4: at the minimizer w_lambda ---------------------------------------------------------

struct OptimumPoint {
  double lambda = 0;
  double w_norm = 0;     // ||w_lambda||
  double loss = 0;       // L(w_lambda)
  double sharpness = 0;  // lambda_max(hess L(w_lambda))
  double g = 0;          // G(w_lambda)
  double residual = 0;   // ||grad f|| at the reference's w: how far it is from w_lambda
};

OptimumPoint measure_optimum(const Dataset<double>& data, const Reference& reference);

// Pass iff at every lambda (in (0, 1)) ||w||^2 <= e3_w_norm_squared_bound and
// L <= e3_loss_bound, to kRoundingTolerance; inconclusive without Assumption 1.
Verdict judge_e3(const std::string& dataset, const DataAssumptions& a,
                 const std::vector<OptimumPoint>& sweep);

// Pass iff at every lambda sharpness <= G <= e4_sharpness_bound, to kRoundingTolerance;
// inconclusive without Assumption 1.
Verdict judge_e4(const std::string& dataset, const DataAssumptions& a,
                 const std::vector<OptimumPoint>& sweep);

// ---- E6: classical regime ----------------------------------------------------------------------

struct ClassicalRun {
  double lambda = 0;
  double eta = 0;
  double smoothness = 0;       // L_s of the objective, recomputed in double
  std::int64_t steps = 0;      // the last t evaluated
  std::int64_t increases = 0;  // SolverResult::increases: above 64 ulps of f
  double worst_gap_ratio = 0;  // max_t gap_t / (e6_gap_bound + kGapRoundingSlack |f_t|)
  std::int64_t worst_t = 0;
};

// GD at eta = 1/L_s (rule classical) from w_0 = 0 for `horizon` steps, every step observed.
ClassicalRun measure_classical_run(const Problem& problem, std::int64_t horizon);

// Pass iff every run has no increase and worst_gap_ratio <= 1; inconclusive if a run's eta
// exceeds 1/L_s (beyond kRoundingTolerance) or there are no runs.
Verdict judge_e6(const std::string& dataset, const std::vector<ClassicalRun>& runs);

// ---- E7: lambda = 0, w_0 = 0 -------------------------------------------------------------------

struct UnregularizedRun {
  double eta = 0;
  double tau = 0;            // e7_phase_transition_time
  std::int64_t horizon = 0;  // the last t evaluated
  std::int64_t checked = 0;  // steps t with gamma^2 eta t >= 1 (where the bounds apply)
  double average_ratio = 0;  // max_t (1/t) sum_{k<t} L(w_k) / e7_average_loss_bound
  std::int64_t average_at = 0;
  double norm_ratio = 0;  // max_t ||w_t|| / e7_norm_bound
  std::int64_t norm_at = 0;
  std::optional<std::int64_t> below_two_over_eta;  // first s with L(w_s) <= 2/eta
  std::int64_t increases_after = 0;                // later increases above 64 ulps of L
  std::optional<std::int64_t> last_increase_after;
  std::optional<std::int64_t> below_one_over_eta;  // first s with L(w_s) <= 1/eta
};

// GD on L alone (f* = 0 is its infimum) with stepsize eta, to min(tau, max_horizon) steps but at
// least 4 / (gamma^2 eta), capped at max_horizon.
UnregularizedRun measure_unregularized_run(const Dataset<double>& data, double gamma, double eta,
                                           std::int64_t max_horizon);

// Pass iff in every run both ratios are <= 1 + kRoundingTolerance, L never increases after
// L <= 2/eta, and L <= 1/eta is reached by tau. Fail if a ratio is exceeded, an increase is seen
// after L <= 2/eta, or the horizon reached tau without L <= 1/eta. Inconclusive without
// Assumption 1, or when (nothing failing) a run saw no applicable t or stopped before both tau
// and the event.
Verdict judge_e7(const std::string& dataset, const DataAssumptions& a, std::int64_t n,
                 const std::vector<UnregularizedRun>& runs);

struct AcceleratedRun {
  std::int64_t horizon = 0;  // T
  double eta = 0;
  double final_loss = 0;  // L(w_T)
};

// T = ceil(e7_minimum_horizon), eta = e7_acceleration_stepsize(gamma, T).
AcceleratedRun measure_accelerated_run(const Dataset<double>& data, double gamma);

// Pass iff L(w_T) <= e7_final_loss_bound(gamma, T) (1 + kRoundingTolerance). Inconclusive
// without Assumption 1, or when T < e7_minimum_horizon or eta is not the theorem's stepsize.
Verdict judge_e7_acceleration(const std::string& dataset, const DataAssumptions& a, std::int64_t n,
                              const AcceleratedRun& run);

// ---- The family: measure -> JSON -> judge ------------------------------------------------------

// E1-E4 on one dataset: the assumptions, each reference w_lambda and the probe points' ratios.
struct StaticMeasurement {
  std::string dataset;
  DataAssumptions assumptions;
  std::vector<OptimumPoint> sweep;  // one per lambda
  ProbeRatios probe;
};

// E6 on one dataset: a classical run per lambda.
struct ClassicalMeasurement {
  std::string dataset;
  std::vector<ClassicalRun> runs;
};

// E7 on one dataset. Without Assumption 1 nothing is run.
struct UnregularizedMeasurement {
  std::string dataset;
  std::int64_t n = 0;
  DataAssumptions assumptions;
  std::vector<UnregularizedRun> runs;          // one per eta
  std::optional<AcceleratedRun> acceleration;  // unset: not run (over the budget, or no Ass. 1)
  double accelerated_budget = 0;               // steps x rows the acceleration run may cost
};

struct ExactMeasurements {
  std::vector<StaticMeasurement> static_claims;  // study "E1-E4"
  std::vector<ClassicalMeasurement> e6;          // study "E6"
  std::vector<UnregularizedMeasurement> e7;      // study "E7"
};

// Every exact measurement of the suite ctx.profile, progress through ctx.report, as the document
// {"family": "exact", "suite", "format": 1, "static_claims", "e6", "e7"} (README.md).
nlohmann::json measure_exact(const CheckContext& ctx);
// Every exact verdict, ordered by claim: E1-E4 per dataset, E6, E7. Throws std::invalid_argument
// naming the family and the field when `measured` is not such a document.
std::vector<Verdict> judge_exact(const nlohmann::json& measured);

// The same two halves in memory, without the document.
ExactMeasurements measure_exact_claims(const CheckContext& ctx);
std::vector<Verdict> judge_exact_claims(const ExactMeasurements& m);
// Both halves in memory: the verdicts judge_exact gives for measure_exact's document.
std::vector<Verdict> check_exact_claims(const CheckContext& ctx);

// E1-E4 for one dataset, at w_lambda for each lambda (from ctx.reference), at GD iterates and at
// random points; judged, four verdicts (E1, E2, E3, E4).
StaticMeasurement measure_static_claims(const CheckContext& ctx, const Dataset<double>& data,
                                        const std::vector<double>& lambdas);
std::vector<Verdict> judge_static_claims(const StaticMeasurement& m);

}  // namespace largestep::theory
