// The scaling-claim judges pass on measurements that obey the claims, fail on doctored ones, and
// never pass on a count cut off by the horizon; plus one real run of the S5 grid.
#include <gtest/gtest.h>

#include <cmath>

#include "largestep/data/dataset_spec.h"
#include "largestep/core/experiment.h"
#include "largestep/core/suite_runner.h"
#include "theory/claims_precision.h"
#include "theory/claims_scaling.h"
#include "theory/claims_sweep.h"

namespace largestep::theory {
namespace {

const std::vector<double> kLambdas = {1e-2, 1e-3, 1e-4, 1e-5, 1e-6};

// steps = c * lambda^-p at every lambda, all settled.
StepSeries power_series(std::string claim, double c, double p) {
  StepSeries s{std::move(claim), "synthetic", "rule", {}, {}, {}, {}, ""};
  for (const double lambda : kLambdas) {
    s.lambdas.push_back(lambda);
    s.steps.push_back({std::llround(c * std::pow(lambda, -p)), false});
    s.etas.push_back(1);
    s.scales.push_back(std::pow(lambda, -0.5));
  }
  return s;
}

const SlopeTest kS2{Abscissa::inverse_lambda, std::nullopt, 0.65, "O(1/sqrt(lambda))"};

TEST(JudgeSlope, PassesOnStepsGrowingLikeTheClaim) {
  const Verdict v = judge_slope(power_series("S2", 3, 0.5), kS2);
  EXPECT_EQ(v.outcome, Outcome::pass) << v.measured;
  EXPECT_NEAR(v.details["slope"].get<double>(), 0.5, 1e-3);
  EXPECT_NEAR(v.details["implied_spread"].get<double>(), 1, 1e-2);  // steps = 3 * scale
  EXPECT_NE(v.predicted.find("0.65"), std::string::npos);           // the tolerance is printed
}

TEST(JudgeSlope, FailsOnADoctoredSlopeOfOne) {
  const Verdict v = judge_slope(power_series("S2", 3, 1.0), kS2);
  EXPECT_EQ(v.outcome, Outcome::fail);
  EXPECT_NEAR(v.details["slope"].get<double>(), 1, 1e-3);
}

TEST(JudgeSlope, OneCensoredCountMakesItInconclusiveNeverPass) {
  StepSeries s = power_series("S2", 3, 0.5);
  s.steps.back().lower_bound = true;
  const Verdict v = judge_slope(s, kS2);
  EXPECT_EQ(v.outcome, Outcome::inconclusive);
  EXPECT_NE(v.reason.find("lower bound"), std::string::npos);
}

TEST(JudgeSlope, AReferenceBracketTooWideForEpsIsInconclusiveNeverPass) {
  StepSeries s = power_series("S2", 3, 0.5);
  s.eps = 1e-8;
  s.bracket_widths.assign(s.lambdas.size(), 1e-14);
  EXPECT_EQ(judge_slope(s, kS2).outcome, Outcome::pass);
  s.bracket_widths[2] = 1e-9;  // f* known to 1e-9 only: a gap of 1e-8 is not certain
  const Verdict v = judge_slope(s, kS2);
  EXPECT_EQ(v.outcome, Outcome::inconclusive);
  EXPECT_NE(v.reason.find("not certified"), std::string::npos) << v.reason;
  EXPECT_NE(v.reason.find("0.0001"), std::string::npos) << v.reason;  // names the lambda
}

TEST(JudgeSlope, ARuleThatCouldNotRunIsInconclusive) {
  StepSeries s = power_series("S2", 3, 0.5);
  s.unavailable = "rule 's2:c=1' needs a margin gamma";
  EXPECT_EQ(judge_slope(s, kS2).outcome, Outcome::inconclusive);
  s = power_series("S2", 3, 0.5);
  s.steps.resize(1);
  s.lambdas.resize(1);
  EXPECT_EQ(judge_slope(s, kS2).outcome, Outcome::inconclusive);
}

TEST(JudgeSlope, LogCorrectedAbscissaSeesTheLowerBound) {
  // steps = 50 / (lambda ln^2(1/lambda)): slope ~0.75 vs 1/lambda over this range, 1 vs x.
  StepSeries s{"S1", "synthetic", "classical", {}, {}, {}, {}, ""};
  for (const double lambda : kLambdas) {
    const double l = std::log(1 / lambda);
    s.lambdas.push_back(lambda);
    s.steps.push_back({std::llround(50 / (lambda * l * l)), false});
  }
  const SlopeTest lower{Abscissa::inverse_lambda_log2, 0.8, std::nullopt, "Omega"};
  const Verdict v = judge_slope(s, lower);
  EXPECT_EQ(v.outcome, Outcome::pass) << v.measured;
  EXPECT_NEAR(v.details["slope"].get<double>(), 1, 1e-2);
  const SlopeTest plain{Abscissa::inverse_lambda, 0.8, std::nullopt, "Omega"};
  EXPECT_EQ(judge_slope(s, plain).outcome, Outcome::fail);
}

// Best monotone ~ 1/(lambda ln^2), best overall ~ 1/sqrt(lambda): the S5 picture.
std::vector<S5Point> s5_points(double monotone_c, double best_c) {
  std::vector<S5Point> points;
  for (const double lambda : kLambdas) {
    const double l = std::log(1 / lambda);
    S5Point p;
    p.lambda = lambda;
    p.monotone_eta = 8;
    p.monotone_steps = {std::llround(monotone_c / (lambda * l * l)), false};
    p.best_eta = 100;
    p.best_steps = {std::llround(best_c / std::sqrt(lambda)), false};
    points.push_back(p);
  }
  return points;
}

TEST(JudgeS5, PassesWhenLeavingMonotonicityIsFaster) {
  const Verdict v = judge_s5("hard", s5_points(10, 1), 1e-8);
  EXPECT_EQ(v.outcome, Outcome::pass) << v.measured << " / " << v.reason;
}

TEST(JudgeS5, FailsWhenTheBestIsNoFasterThanMonotone) {
  std::vector<S5Point> points = s5_points(10, 1);
  points[2].best_steps = points[2].monotone_steps;  // lambda = 1e-4
  const Verdict v = judge_s5("hard", points, 1e-8);
  EXPECT_EQ(v.outcome, Outcome::fail);
  EXPECT_NE(v.reason.find("0.0001"), std::string::npos);
}

TEST(JudgeS5, InconclusiveWithoutAMonotoneRunOrWithACensoredOne) {
  std::vector<S5Point> points = s5_points(10, 1);
  points[1].monotone_eta.reset();
  EXPECT_EQ(judge_s5("hard", points, 1e-8).outcome, Outcome::inconclusive);
  points = s5_points(10, 1);
  points[4].monotone_steps.lower_bound = true;
  EXPECT_EQ(judge_s5("hard", points, 1e-8).outcome, Outcome::inconclusive);
}

TEST(JudgeS5, FailsWhenMonotoneStepsGrowTooSlowly) {
  std::vector<S5Point> points = s5_points(10, 1);
  for (S5Point& p : points) p.monotone_steps = {std::llround(1e3 / std::sqrt(p.lambda)), false};
  EXPECT_EQ(judge_s5("hard", points, 1e-8).outcome, Outcome::fail);
}

// A real, fast run of the S5 logic: the hard dataset at two lambdas, double reference.
TEST(MeasureS5, HardDatasetAtTwoLambdas) {
  std::vector<S5Point> points;
  for (const double lambda : {1e-2, 1e-3}) {
    const Problem problem = make_problem(make_dataset("hard:gamma=0.1"), lambda, compute_reference_double);
    const S5Point p = measure_s5_point(problem, 1e-8, 1'000'000);
    ASSERT_TRUE(p.monotone_eta.has_value());
    EXPECT_FALSE(p.monotone_steps.lower_bound);
    EXPECT_LT(*p.monotone_eta, problem.reference.eta_loc);
    EXPECT_GE(p.grid.back().eta, problem.reference.eta_loc);  // the grid goes past eta_loc
    EXPECT_TRUE(p.grid.back().settled.lower_bound);           // where GD cannot converge
    EXPECT_LE(p.best_steps.value, p.monotone_steps.value);
    points.push_back(p);
  }
  EXPECT_GT(points[1].best_increases, 0);  // at 1e-3 the fastest run is non-monotone
  const Verdict v = judge_s5("hard:gamma=0.1", points, 1e-8, 0.8, 1e-3);
  EXPECT_EQ(v.outcome, Outcome::pass) << v.measured << " / " << v.reason;
}

std::vector<PhasePoint> phase_points(double growth) {
  std::vector<PhasePoint> points;
  for (const double lambda : kLambdas) {
    const double scale = 100 / std::sqrt(lambda);
    const auto end = std::llround(0.01 * scale * std::pow(lambda, -growth));
    points.push_back({lambda, 1 / std::sqrt(lambda), "s2", end, false, scale});
    points.push_back({lambda, 2, "fixed", 0, false, 200});  // monotone: no phase
  }
  return points;
}

TEST(JudgePhaseLength, PassesOnABoundedImpliedConstant) {
  const Verdict v = judge_phase_length("synthetic", phase_points(0));
  EXPECT_EQ(v.outcome, Outcome::pass) << v.measured;
  EXPECT_NE(v.measured.find("5 of 10"), std::string::npos);
}

TEST(JudgePhaseLength, FailsWhenTheImpliedConstantGrows) {
  EXPECT_EQ(judge_phase_length("synthetic", phase_points(0.5)).outcome, Outcome::fail);
}

TEST(JudgePhaseLength, InconclusiveWhenCensoredOrWithoutPhases) {
  std::vector<PhasePoint> points = phase_points(0);
  points[0].censored = true;
  EXPECT_EQ(judge_phase_length("synthetic", points).outcome, Outcome::inconclusive);
  points = phase_points(0);
  for (PhasePoint& p : points) p.last_increase = 0;
  EXPECT_EQ(judge_phase_length("synthetic", points).outcome, Outcome::inconclusive);
}

TEST(JudgeStableDecay, ComparesTheTailRateWithLambdaEta) {
  std::vector<DecayPoint> points = {{1e-3, 10, "s2", 0.02, 0.02, 10, 20},
                                    {1e-4, 100, "s2", 0.0095, 0.0095, 10, 20}};
  EXPECT_EQ(judge_stable_decay("test", "synthetic", points).outcome, Outcome::pass);
  points[1].measured_rate = 0.005;  // half of lambda * eta
  EXPECT_EQ(judge_stable_decay("test", "synthetic", points).outcome, Outcome::fail);
  EXPECT_EQ(judge_stable_decay("test", "synthetic", {}).outcome, Outcome::inconclusive);
}

TEST(LogLinearDecayRate, RecoversAnExponentialRate) {
  std::vector<double> t, gap;
  for (int k = 0; k < 50; ++k) {
    t.push_back(k);
    gap.push_back(5 * std::exp(-0.3 * k));
  }
  EXPECT_NEAR(log_linear_decay_rate(t, gap), 0.3, 1e-12);
  EXPECT_EQ(log_linear_decay_rate({1}, {1}), 0);
}

TEST(JudgeEosBounds, PassesBelowTheConstantAndFailsAbove) {
  std::vector<EosPoint> points = {{1e-3, 30, "best", 40, 0.2, 3, 0.3, 40},
                                  {1e-4, 100, "s2", 12, 0.1, 2, 0.5, 12}};
  EXPECT_EQ(judge_eos_bounds("synthetic", points).outcome, Outcome::pass);
  points[1].norm_constant = 25;
  EXPECT_EQ(judge_eos_bounds("synthetic", points).outcome, Outcome::fail);
  EXPECT_EQ(judge_eos_bounds("synthetic", {}).outcome, Outcome::inconclusive);
}

TEST(JudgePrecision, SameCountsPassDifferentOrUnsettledAreInconclusive) {
  std::vector<PrecisionPoint> points = {{1e-3, 3, "s2", {1142, false}, {1142, false}, {}, {}, 1},
                                        {1e-3, 2, "s3", {1678, false}, {1700, false}, 5, 5, 1}};
  const Verdict same = judge_precision("synthetic", points, {"s3 at lambda = 1e-6 (too slow)"});
  EXPECT_EQ(same.outcome, Outcome::pass) << same.measured;
  EXPECT_NE(same.measured.find("too slow"), std::string::npos);  // restrictions are said
  points[1].mp_steps = {2000, false};
  EXPECT_EQ(judge_precision("synthetic", points, {}).outcome, Outcome::inconclusive);
  points[1].mp_steps = {1678, true};
  EXPECT_EQ(judge_precision("synthetic", points, {}).outcome, Outcome::inconclusive);
}

TEST(EosStepsizes, LieBetweenClassicalStabilityAndHalfEtaLoc) {
  const Problem problem = make_problem(make_dataset("hard:gamma=0.1"), 1e-5, compute_reference_double);
  const std::vector<double> etas = eos_stepsizes(problem);
  ASSERT_FALSE(etas.empty());
  for (const double eta : etas) {
    EXPECT_GT(eta, 2 / problem.reference.smoothness);
    EXPECT_LE(eta, problem.reference.eta_loc / 2);
  }
}

}  // namespace
}  // namespace largestep::theory
