// S10 of paper.md: on a gamma-separable distribution with n samples and lambda = 1/n, GD with a
// large stepsize (eta ~ n^(1/3)) reaches population risk O~(1/n) in O(n^(2/3) ln n) steps, vs
// O(n ln n) for a small stepsize and O(n^(1/2) ln n) for Nesterov. Double precision throughout.
//
// What we measure: the settled steps to the TRAINING gap eps = 1/n^2 (the solvers' own count; a
// test-risk criterion would need every iterate, which the solvers' observers do not expose), and
// the TEST risk (mean logistic loss, no regularizer, on 10^5 fresh points) at w_lambda and at
// each run's last iterate, which must be within 10% of the risk at w_lambda.
//
// The distribution and the sizes n are the registry's study "S10". measure_population returns
// the measurements as a document (measurement_json.h), judge_population reads it back.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "check_context.h"
#include "largestep/core/solver.h"
#include "largestep/kernel/dataset.h"
#include "verdict.h"

namespace largestep::theory {

// The test set's size: later draws of the study's distribution.
inline constexpr std::int64_t kS10TestSize = 100000;

struct S10Point {
  std::int64_t n = 0;                 // lambda = 1/n
  double eta_large = 0;               // n^(1/3)
  StepCount small, large, nesterov;   // settled steps to training gap 1/n^2: eta = 1, n^(1/3), AGD
  double risk_at_w_lambda = 0;        // test risk at w_lambda
  double worst_final_risk_ratio = 0;  // max over the three runs of risk(w_T) / risk(w_lambda)
  std::string failure;  // non-empty: no reference at this n (the solver's error), no runs
};

struct S10Test {
  // Upper bounds on the slopes of ln(steps / ln n) against ln n (the claims carry the ln n):
  // predicted 1, 2/3 and 1/2.
  double max_slope_small = 1.15, max_slope_large = 0.82, max_slope_nesterov = 0.65;
  // O~(1/n) for the test risk at w_lambda, with up to ln^k n hidden: over the sweep its slope
  // against n must be at most -1 + k / ln(n_mid), n_mid the geometric mean of the n's (the local
  // slope of ln^k(n) / n there).
  double risk_log_power = 3;
  double max_final_risk_ratio = 1.1;  // a run's last iterate is as good as w_lambda, within 10%
};

// Pass iff every slope and the risk criteria are within the test's bounds. Inconclusive when
// `assumption_failure` is non-empty, when a count is censored (cut off by the horizon), when a
// point has a failure (the others are still fitted and reported) or with fewer than two points.
// details.points[] holds every point: n and failure, or n, eta_large, the settled counts
// settled_eta1, settled_large, settled_nesterov (each with its NAME_at_least, put_count's
// encoding), test_risk_at_w_lambda, risk_times_n, worst_final_risk_ratio.
Verdict judge_s10(const std::string& dataset, const std::vector<S10Point>& points,
                  const std::string& assumption_failure, const S10Test& test = {});

// The first `count` rows of `data` from row `first` on, with the given spec. make_planted draws
// rows one after another from one seeded stream (the direction w* from its own stream), so the
// rows after the first n of make_planted({N > n, ...}) are fresh draws from the same
// distribution, independent of make_planted({n, ...}), which are its first n rows.
Dataset<double> planted_rows(const Dataset<double>& data, std::int64_t first, std::int64_t count,
                             std::string spec);

// ---- The family: measure -> JSON -> judge ------------------------------------------------------

struct PopulationMeasurement {
  std::string dataset;             // the distribution, the n's and the test set, in words
  std::string assumption_failure;  // non-empty: the first n whose training set breaks Assumption 1
  std::vector<S10Point> points;    // the n's measured before it
};

// S10 at the suite ctx.profile's sizes, progress through ctx.report, as the document
// {"family": "population", "suite", "format": 1, "dataset", "assumption_failure", "points"}.
nlohmann::json measure_population(const CheckContext& ctx);
// The S10 verdict. Throws std::invalid_argument naming the family and the field when `measured`
// is not such a document.
std::vector<Verdict> judge_population(const nlohmann::json& measured);

// The same two halves in memory, without the document, and both at once.
PopulationMeasurement measure_population_claim(const CheckContext& ctx);
std::vector<Verdict> judge_population_claim(const PopulationMeasurement& m);
std::vector<Verdict> check_population_claim(const CheckContext& ctx);

}  // namespace largestep::theory
