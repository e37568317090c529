// GD and Nesterov against closed forms, paper.md E6, and an independent 1-D minimizer.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "largestep/core/experiment.h"
#include "largestep/data/generators.h"
#include "largestep/core/gradient_descent.h"
#include "largestep/kernel/logistic.h"
#include "largestep/core/nesterov.h"
#include "largestep/reference/reference.h"

namespace largestep {
namespace {

SolverOptions to_horizon(double eta, std::int64_t steps) {
  SolverOptions o;
  o.eta = eta;
  o.max_steps = steps;
  o.stop_when_settled = false;
  return o;
}

// The 1-D minimizer with x = y = 1 solves s(-w) = lambda w; bisection in long double is an
// independent reference (no Newton, no GD).
long double oned_minimizer(long double lambda) {
  long double lo = 0, hi = 1 / lambda;  // s(-0) - 0 > 0 and s(-1/lambda) - 1 < 0
  for (int k = 0; k < 200; ++k) {
    const long double mid = (lo + hi) / 2;
    (sigmoid(-mid) - lambda * mid > 0 ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

TEST(GradientDescent, OnOnedConvergesToTheBisectionMinimizer) {
  for (const double lambda : {1e-1, 1e-2, 1e-3}) {
    const Dataset<double> data = make_oned();
    const LogisticObjective<double> f(data, lambda);
    const Reference ref = compute_reference_double(data, lambda);
    Vector<double> w = Vector<double>::Zero(1);
    SolverOptions o = to_horizon(1 / f.smoothness(), 200000);
    o.stop_when_settled = true;
    o.eps = 1e-15;
    const SolverResult r = gradient_descent(f, ref.f_star, o, w);
    EXPECT_EQ(r.termination, Termination::converged) << lambda;
    EXPECT_NEAR(w(0), static_cast<double>(oned_minimizer(lambda)), 1e-6 * w(0)) << lambda;
    EXPECT_NEAR(ref.w(0), static_cast<double>(oned_minimizer(lambda)), 1e-12 * ref.w(0)) << lambda;
  }
}

// E6: for eta <= 1/L_s, f is non-increasing and gap_t <= (1 - eta lambda)^t gap_0 at every t.
TEST(GradientDescent, ClassicalStepsizeObeysE6AtEveryStep) {
  const Dataset<double> data = make_planted({200, 5, 0.05, 7});
  for (const double lambda : {1e-2, 1e-3}) {
    const LogisticObjective<double> f(data, lambda);
    const Reference ref = compute_reference_double(data, lambda);
    const double eta = 1 / f.smoothness();
    std::vector<TracePoint> trace;
    const SolverResult r = gradient_descent(f, ref.f_star, to_horizon(eta, 3000),
                                            [&](const TracePoint& p) { trace.push_back(p); });
    EXPECT_EQ(r.increases, 0);
    ASSERT_EQ(trace.size(), 3001u);
    const double gap0 = trace.front().gap;
    for (const TracePoint& p : trace) {
      const double bound = std::pow(1 - eta * lambda, static_cast<double>(p.t)) * gap0;
      ASSERT_LE(p.gap, bound + 1e-15) << "t = " << p.t << ", lambda = " << lambda;
    }
  }
}

TEST(GradientDescent, LargeStepsizeOnHardDataIsNonMonotoneThenSettles) {
  const Problem p = make_problem(make_hard(0.1), 1e-4, compute_reference_double);
  RunSpec spec;
  spec.eta = 100;  // below eta_loc ~ 125, far above 1/L_s ~ 6.4
  const RunOutcome o = run(p, spec);
  EXPECT_EQ(o.result.termination, Termination::converged);
  EXPECT_GT(o.result.increases, 0);
  EXPECT_FALSE(o.result.settled.lower_bound);
  EXPECT_LE(o.result.first_hit.value, o.result.settled.value);
  EXPECT_LT(*o.result.last_increase, o.result.settled.value);
  RunSpec classical;
  classical.rule = parse_rule("classical");
  EXPECT_LT(o.result.settled.value, run(p, classical).result.settled.value);
}

TEST(GradientDescent, CountsCutOffByTheHorizonAreLowerBounds) {
  const Problem p = make_problem(make_hard(0.1), 1e-4, compute_reference_double);
  RunSpec spec;
  spec.rule = parse_rule("classical");
  spec.options.max_steps = 100;
  const SolverResult r = run(p, spec).result;
  EXPECT_EQ(r.termination, Termination::max_steps);
  EXPECT_TRUE(r.settled.lower_bound);
  EXPECT_TRUE(r.first_hit.lower_bound);
  EXPECT_EQ(r.settled.value, 101);
  EXPECT_EQ(r.settled.str(), ">100");
}

TEST(GradientDescent, SettledIsTheStartOfTheFinalRunBelowEps) {
  // Run the same problem to a long horizon: every gap from `settled` on is <= eps, the one
  // before is not.
  const Dataset<double> data = make_hard(0.1);
  const LogisticObjective<double> f(data, 1e-3);
  const Reference ref = compute_reference_double(data, 1e-3);
  std::vector<double> gaps;
  SolverOptions o = to_horizon(20, 5000);  // eta_loc ~ 29 at lambda = 1e-3
  const SolverResult r =
      gradient_descent(f, ref.f_star, o, [&](const TracePoint& p) { gaps.push_back(p.gap); });
  ASSERT_FALSE(r.settled.lower_bound);
  const auto s = static_cast<std::size_t>(r.settled.value);
  ASSERT_GT(s, 0u);
  EXPECT_GT(gaps[s - 1], o.eps);
  for (std::size_t t = s; t < gaps.size(); ++t) ASSERT_LE(gaps[t], o.eps) << t;
}

TEST(GradientDescent, StepsizeBeyondTwoOverLambdaIsReportedDiverged) {
  const Dataset<double> data = make_hard(0.1);
  const LogisticObjective<double> f(data, 1e-2);
  const SolverResult r = gradient_descent(f, 0.0, to_horizon(250, 100000));  // eta lambda = 2.5
  EXPECT_EQ(r.termination, Termination::diverged);
  EXPECT_LT(r.steps, 1000);
  EXPECT_TRUE(r.settled.lower_bound);
  EXPECT_TRUE(std::isfinite(r.final_gap));
}

TEST(GradientDescent, DivergenceRadiusIsInfiniteWhenIteratesStayBounded) {
  EXPECT_TRUE(std::isinf(gd_divergence_radius(100, 1e-2, 1)));  // eta lambda = 1
  EXPECT_TRUE(std::isinf(gd_divergence_radius(200, 1e-2, 1)));  // eta lambda = 2
  EXPECT_DOUBLE_EQ(gd_divergence_radius(300, 1e-2, 1), 300.0);  // 300 * 1 / (3 - 2)
}

TEST(GradientDescent, FloatRunsMeasureGapsInDouble) {
  const Problem p = make_problem(make_hard(0.1), 1e-2, compute_reference_double);
  RunSpec spec;
  spec.rule = parse_rule("classical");
  spec.precision = Precision::single;
  spec.options.eps = 1e-5;
  const SolverResult r = run(p, spec).result;
  EXPECT_EQ(r.termination, Termination::converged);
  EXPECT_LE(r.final_gap, 1e-5);
  EXPECT_GT(r.final_gap, -1e-6);  // float rounding of f, measured against the double f*
}

TEST(Nesterov, ConvergesAndBeatsClassicalGdAtSmallLambda) {
  const Problem p = make_problem(make_planted({100, 5, 0.1, 3}), 1e-4, compute_reference_double);
  RunSpec gd, agd;
  gd.rule = agd.rule = parse_rule("classical");
  agd.solver = SolverKind::nesterov;
  const RunOutcome a = run(p, agd), g = run(p, gd);
  ASSERT_EQ(a.result.termination, Termination::converged);
  ASSERT_EQ(g.result.termination, Termination::converged);
  EXPECT_NEAR(a.momentum, nesterov_momentum(p.reference.smoothness / 1e-4), 1e-15);
  EXPECT_LT(3 * a.result.settled.value, g.result.settled.value);
}

TEST(Nesterov, HugeStepsizeIsReportedDiverged) {
  const Problem p = make_problem(make_planted({100, 5, 0.1, 3}), 1e-2, compute_reference_double);
  RunSpec spec;
  spec.solver = SolverKind::nesterov;
  spec.eta = 1e3;  // ~ 4000 / L_s
  const SolverResult r = run(p, spec).result;
  EXPECT_TRUE(r.termination == Termination::diverged || r.termination == Termination::non_finite);
  EXPECT_TRUE(r.settled.lower_bound);
}

TEST(SolverOptions, ValidateNamesTheFieldAndValue) {
  SolverOptions o;
  o.eta = -1;
  try {
    o.validate();
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("eta = -1"), std::string::npos) << e.what();
  }
  o.eta = 1;
  o.eps = 0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.eps = 1e-8;
  o.max_steps = 0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.max_steps = 10;
  EXPECT_NO_THROW(o.validate());
}

}  // namespace
}  // namespace largestep

namespace largestep {
namespace {

// Just above eta_loc the gap dips below eps, then rounding-level deviations grow by
// |1 - eta h_max| > 1 per step into a period-2 oscillation: the run must not stop as converged.
TEST(GradientDescent, StepsizeJustAboveEtaLocIsNeverReportedSettled) {
  const Problem p = make_problem(make_hard(0.1), 1e-4, compute_reference_double);
  ASSERT_LT(p.reference.eta_loc, 128);
  RunSpec spec;
  spec.eta = 128;
  spec.options.max_steps = 5000;
  const SolverResult r = run(p, spec).result;
  EXPECT_EQ(r.termination, Termination::max_steps);
  EXPECT_TRUE(r.settled.lower_bound);
  EXPECT_GT(r.final_gap, 1e-4);
}

}  // namespace
}  // namespace largestep
