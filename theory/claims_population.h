// S10 of paper.md: on a gamma-separable distribution with n samples and lambda = 1/n, GD with a
// large stepsize (eta ~ n^(1/3)) reaches population risk O~(1/n) in O(n^(2/3) ln n) steps, vs
// O(n ln n) for a small stepsize and O(n^(1/2) ln n) for Nesterov. Double precision throughout.
//
// What we measure, per n: the population risk (mean logistic loss, no regularizer) estimated on
// a held-out sample of kS10TestSize later draws of the same distribution, at w_lambda with its
// standard error; and for each method the steps until the held-out risk of the iterate stays at
// or below the target s10_risk_target (1 + c) risk(w_lambda) + C/n (bounds.h). The risk is
// evaluated at t = 0 and on the schedule t_{k+1} = max(t_k + 1, floor(r t_k)), r =
// kS10ScheduleRatio, and at the run's last step: about ln(T) / ln(r) evaluations for T steps, so
// a count is resolved to 2% of itself. The runs go on to the training gap 1/n^2 (the solvers' own
// stop, settled), long after the risk target; a count whose streak below the target is shorter
// than the solvers' confirmation window (max(20, 25% of the count)) at the end of the run, or a
// run whose last risk is above the target, is only a lower bound.
//
// The distribution and the sizes n are the registry's study "S10". measure_population returns
// the measurements as a document (measurement_json.h, format kPopulationFormat),
// judge_population reads it back.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "check_context.h"
#include "fit.h"
#include "largestep/core/solver.h"
#include "largestep/kernel/dataset.h"
#include "largestep/kernel/objective.h"
#include "verdict.h"

namespace largestep::theory {

// The held-out sample's size: later draws of the study's distribution, in no training set.
inline constexpr std::int64_t kS10TestSize = 100000;
// The risk target's constants c and C, and the evaluation schedule's ratio.
inline constexpr double kS10TargetC = 0.1;
inline constexpr double kS10TargetBigC = 1;
inline constexpr double kS10ScheduleRatio = 1.02;
// Format 2: counts to the population-risk target (format 1 counted to the training gap 1/n^2).
inline constexpr int kPopulationFormat = 2;

struct S10Point {
  std::int64_t n = 0;                 // lambda = 1/n
  double eta_large = 0;               // n^(1/3)
  StepCount small, large, nesterov;   // steps to the risk target: eta = 1, n^(1/3), AGD
  double risk_at_w_lambda = 0;        // held-out risk at w_lambda
  double risk_standard_error = 0;     // its standard error (sample sd / sqrt(held-out size))
  double risk_target = 0;             // s10_risk_target(risk_at_w_lambda, n, c, C)
  double worst_final_risk_ratio = 0;  // max over the three runs of risk(w_T) / risk(w_lambda)
  std::string failure;  // non-empty: no reference at this n (the solver's error), no runs
};

struct S10Test {
  // Upper bounds on the slopes of ln(steps / ln n) against ln n (the claims carry the ln n):
  // predicted 1, 2/3 and 1/2.
  double max_slope_small = 1.15, max_slope_large = 0.82, max_slope_nesterov = 0.65;
  // O~(1/n) for the held-out risk at w_lambda, with up to ln^k n hidden: over the sweep its fitted
  // slope against n must be at most that of ln^k(n) / n over the same n's. k = 2: risk * n may
  // grow like ln^2 n, no faster.
  double risk_log_power = 2;
  double max_final_risk_ratio = 1.1;  // a run's last iterate is as good as w_lambda, within 10%
  // The minimum evidence: the sizes, and the risk estimated on a held-out sample this large,
  // to this relative standard error at every n.
  SweepMinimum minimum{4, 2, "sizes n"};
  std::int64_t min_held_out = kS10TestSize;
  double max_relative_standard_error = 0.05;
};

// ---- The family: measure -> JSON -> judge ------------------------------------------------------

struct PopulationMeasurement {
  std::string dataset;             // the distribution, the n's and the held-out sample, in words
  std::string assumption_failure;  // non-empty: the first n whose training set breaks Assumption 1
  std::int64_t held_out = 0;       // the held-out sample's size (0: the risk was not held out)
  double target_c = 0, target_big_c = 0;  // the target's constants c and C
  double schedule_ratio = 0;              // r of the risk's evaluation schedule
  std::vector<S10Point> points;           // the n's measured before an assumption failure
};

// Pass iff every slope and the risk criteria are within the test's bounds, fail if one is beyond
// (a risk * n growing faster than ln^2 n says the O~(1/n) risk is not reached over the measured
// n). Inconclusive, with what the fit alone would say, when `assumption_failure` is non-empty,
// below the minimum evidence (the test's sizes; the held-out sample at least min_held_out points
// with the risk's relative standard error at most max_relative_standard_error; every count
// settled, a censored count being only a lower bound) or when a point has a failure (the others
// are still fitted and reported). details.points[] holds every point: n and failure, or n,
// eta_large, the counts settled_eta1, settled_large, settled_nesterov (each with its NAME_at_least,
// put_count's encoding), test_risk_at_w_lambda, risk_standard_error, risk_target, risk_times_n,
// worst_final_risk_ratio.
Verdict judge_s10(const PopulationMeasurement& m, const S10Test& test = {});

// The first `count` rows of `data` from row `first` on, with the given spec. make_planted draws
// row i from a stream seeded from (seed, i) alone (the direction w* from its own stream), so the
// rows after the first n of make_planted({N > n, ...}) are fresh draws from the same
// distribution, independent of make_planted({n, ...}), which are its first n rows.
Dataset<double> planted_rows(const Dataset<double>& data, std::int64_t first, std::int64_t count,
                             std::string spec);

// Steps until the held-out risk stays at or below `target`, from the risk evaluated on the
// schedule above. Observe every step (an observer taking the iterate), then finish() with the
// run's result and last iterate.
class RiskCounter {
 public:
  RiskCounter(const LogisticObjective<double>& held_out, double target, double schedule_ratio);
  void operator()(const TracePoint& point, const Vector<double>& w);
  // The count: the first evaluated t of the last streak at or below the target, if the streak
  // lasted the confirmation window to the run's end; else a lower bound (the last evaluation
  // above the target + 1). Also the risk at the last iterate.
  StepCount finish(const SolverResult& result, const Vector<double>& last_w);
  double final_risk() const { return final_risk_; }
  std::int64_t evaluations() const { return evaluations_; }

 private:
  void evaluate(std::int64_t t, const Vector<double>& w);

  const LogisticObjective<double>& held_out_;
  double target_, ratio_;
  std::int64_t next_ = 0;         // the next t to evaluate
  std::int64_t last_above_ = -1;  // the last evaluated t with risk above the target
  std::int64_t streak_ = -1;      // the first evaluated t after last_above_, -1: none yet
  std::int64_t last_evaluated_ = -1;
  std::int64_t evaluations_ = 0;
  double final_risk_ = 0;
};

// S10 at the suite ctx.profile's sizes, progress through ctx.report, as the document
// {"family": "population", "suite", "format": 2, "dataset", "assumption_failure", "held_out",
// "target_c", "target_big_c", "schedule_ratio", "points"}.
nlohmann::json measure_population(const CheckContext& ctx);
// The measurement such a document holds. Throws std::invalid_argument naming the family and the
// field when `measured` is not one (a format-1 document counted to the training gap: refused).
PopulationMeasurement read_population(const nlohmann::json& measured);
// The S10 verdict of such a document.
std::vector<Verdict> judge_population(const nlohmann::json& measured);

// The same two halves in memory, without the document, and both at once.
PopulationMeasurement measure_population_claim(const CheckContext& ctx);
std::vector<Verdict> judge_population_claim(const PopulationMeasurement& m,
                                            const S10Test& test = {});
std::vector<Verdict> check_population_claim(const CheckContext& ctx);

}  // namespace largestep::theory
