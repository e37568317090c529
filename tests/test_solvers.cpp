// GD and Nesterov against closed forms, paper.md E6, and an independent 1-D minimizer.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "largestep/core/experiment.h"
#include "largestep/core/gradient_descent.h"
#include "largestep/core/nesterov.h"
#include "largestep/core/solver_progress.h"
#include "largestep/data/generators.h"
#include "largestep/kernel/logistic.h"
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

namespace largestep {
namespace {

// Reproduction: float GD on hard at lambda = 1e-2 reported "settled 115 ... converged" at a
// gap of -2.6e-8 for eps 1e-8, 1e-10 and 1e-12 alike: the sign of the rounding decided.
TEST(GapBound, FloatGapsBelowTheirRoundingFloorNeverConverge) {
  const Problem p = make_problem(make_hard(0.1), 1e-2, compute_reference_double);
  const double floor = gap_floor(p, Precision::single);
  // Float evaluates f to ~6e-8 relative: the floor sits far above 1e-12, far below 1e-5.
  ASSERT_GT(floor, 1e-9);
  ASSERT_LT(floor, 1e-5);
  for (const double eps : {1e-8, 1e-10, 1e-12}) {
    RunSpec spec;
    spec.eta = 10;
    spec.precision = Precision::single;
    spec.options.eps = eps;
    spec.options.max_steps = 3000;
    const SolverResult r = run(p, spec).result;
    EXPECT_EQ(r.termination, Termination::floor_reached) << eps;
    EXPECT_TRUE(r.settled.lower_bound) << eps;
    EXPECT_TRUE(r.first_hit.lower_bound) << eps;
    EXPECT_GT(r.gap_bound, eps) << eps;
    EXPECT_EQ(r.gap_floor, floor) << eps;
    EXPECT_THROW(check_eps_above_floor(p, spec), std::invalid_argument) << eps;
  }
  RunSpec reachable;
  reachable.eta = 10;
  reachable.precision = Precision::single;
  reachable.options.eps = 1e-5;
  EXPECT_NO_THROW(check_eps_above_floor(p, reachable));
  const SolverResult r = run(p, reachable).result;
  EXPECT_EQ(r.termination, Termination::converged);
  EXPECT_LE(r.final_gap + r.gap_bound, 1e-5);
}

// The refusal names the floor, the precision, the data and lambda.
TEST(GapBound, AnEpsAtOrBelowTheFloorIsRefusedNamingIt) {
  const Problem p = make_problem(make_hard(0.1), 1e-2, compute_reference_double);
  RunSpec spec;
  spec.eta = 10;
  spec.precision = Precision::single;
  spec.options.eps = 1e-12;
  try {
    check_eps_above_floor(p, spec);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(fmt::format("{:.3g}", gap_floor(p, Precision::single))), std::string::npos)
        << what;
    EXPECT_NE(what.find("float"), std::string::npos) << what;
    EXPECT_NE(what.find(p.data.spec), std::string::npos) << what;
    EXPECT_NE(what.find("lambda = 0.01"), std::string::npos) << what;
  }
  spec.precision = Precision::dual;
  EXPECT_NO_THROW(check_eps_above_floor(p, spec));  // double's floor is ~1e-17 here
  spec.options.eps = 1e-20;
  EXPECT_THROW(check_eps_above_floor(p, spec), std::invalid_argument);
}

// Reproduction: oned, classical, eps 1e-20 reported converged at a gap of -1.4e-17.
TEST(GapBound, DoubleRunsBelowTheirFloorReachItAndStopThereUnconverged) {
  const Problem p = make_problem(make_oned(), 1e-2, compute_reference_double);
  RunSpec spec;
  spec.rule = parse_rule("classical");
  spec.options.eps = 1e-20;
  spec.options.max_steps = 20000;
  const SolverResult r = run(p, spec).result;
  EXPECT_EQ(r.termination, Termination::floor_reached);
  EXPECT_TRUE(r.settled.lower_bound);
  EXPECT_LE(std::abs(r.final_gap), r.gap_bound);  // at the rounding floor, whatever its sign
  EXPECT_GT(r.gap_floor, 1e-20);
}

// Reproduction: toy4 at eps 1e-20 and horizon 20000 reported settled 20000.
TEST(GapBound, Toy4AtAnUnreachableEpsIsNotSettledAtTheHorizon) {
  const Problem p = make_problem(make_toy4(), 1e-2, compute_reference_double);
  RunSpec spec;
  spec.rule = parse_rule("classical");
  spec.options.eps = 1e-20;
  spec.options.max_steps = 20000;
  spec.options.stop_when_settled = false;
  const SolverResult r = run(p, spec).result;
  EXPECT_NE(r.termination, Termination::converged);
  EXPECT_TRUE(r.settled.lower_bound);
  EXPECT_EQ(r.steps, 20000);
}

// Reproduction: eta = 128 > eta_loc = 124.7 with a horizon of 300 reported settled 216 as
// measured; with a longer horizon the gap escapes to 1.4e-3. Above eta_loc a count is a lower
// bound whatever the gaps did before the horizon.
TEST(Censoring, AboveEtaLocEveryCountIsALowerBound) {
  const Problem p = make_problem(make_hard(0.1), 1e-4, compute_reference_double);
  ASSERT_LT(p.reference.eta_loc, 128);
  RunSpec spec;
  spec.eta = 128;
  spec.options.max_steps = 300;
  const SolverResult r = run(p, spec).result;
  EXPECT_EQ(r.termination, Termination::max_steps);
  EXPECT_TRUE(r.unstable);
  ASSERT_FALSE(r.first_hit.lower_bound);  // the gap did dip below eps before the horizon
  EXPECT_TRUE(r.settled.lower_bound);
  EXPECT_LE(r.settled.value, 300);  // the start of the streak: the count, if any, is no earlier
  // Below eta_loc the same horizon gives a measured count.
  spec.eta = 100;
  const SolverResult stable = run(p, spec).result;
  EXPECT_FALSE(stable.unstable);
  EXPECT_FALSE(stable.settled.lower_bound);
}

// A streak that reaches the horizon before its confirmation window is over is a lower bound; the
// same streak confirmed is the measured count.
TEST(Censoring, AStreakShorterThanTheWindowAtTheHorizonIsALowerBound) {
  const Problem p = make_problem(make_hard(0.1), 1e-3, compute_reference_double);
  RunSpec spec;
  spec.eta = 20;  // eta_loc ~ 29 at lambda = 1e-3
  spec.options.max_steps = 5000;
  spec.options.stop_when_settled = false;
  const SolverResult full = run(p, spec).result;
  ASSERT_FALSE(full.settled.lower_bound);
  const std::int64_t s = full.settled.value;
  const std::int64_t window = std::max<std::int64_t>(20, (s + 3) / 4);  // ceil(s / 4)
  for (const bool stop : {false, true}) {
    spec.options.stop_when_settled = stop;
    spec.options.max_steps = s + 3;
    const SolverResult cut = run(p, spec).result;
    EXPECT_EQ(cut.termination, Termination::max_steps) << stop;
    EXPECT_TRUE(cut.settled.lower_bound) << stop;
    EXPECT_EQ(cut.settled.value, s) << stop;
    EXPECT_EQ(cut.settled.str(), fmt::format(">{}", s - 1)) << stop;
    spec.options.max_steps = s + window;
    const SolverResult confirmed = run(p, spec).result;
    EXPECT_FALSE(confirmed.settled.lower_bound) << stop;
    EXPECT_EQ(confirmed.settled.value, s) << stop;
  }
}

// Within eps means gap + bound <= eps: the first hit of a float run is where the bound allows,
// later than where the bare gap first dips below eps when eps is a few floors.
TEST(GapBound, FirstHitWaitsForTheBound) {
  const Problem p = make_problem(make_hard(0.1), 1e-2, compute_reference_double);
  RunSpec spec;
  spec.rule = parse_rule("classical");
  spec.precision = Precision::single;
  spec.options.eps = 3 * gap_floor(p, Precision::single);
  spec.options.max_steps = 20000;
  std::vector<TracePoint> trace;
  const RunOutcome o = run(p, spec, [&trace](const TracePoint& q) { trace.push_back(q); });
  const SolverResult& r = o.result;
  ASSERT_FALSE(r.first_hit.lower_bound);
  std::int64_t bare = -1;
  for (const TracePoint& q : trace) {
    if (q.gap <= spec.options.eps) {
      bare = q.t;
      break;
    }
  }
  ASSERT_GE(bare, 0);
  EXPECT_GT(r.first_hit.value, bare);
  EXPECT_LE(trace[static_cast<std::size_t>(r.first_hit.value)].gap + r.gap_floor,
            1.5 * spec.options.eps);
}

TEST(Termination, ParsesEveryNameBack) {
  for (const Termination t :
       {Termination::converged, Termination::max_steps, Termination::floor_reached,
        Termination::diverged, Termination::non_finite})
    EXPECT_EQ(parse_termination(to_string(t)), t);
  EXPECT_THROW(parse_termination("settled"), std::invalid_argument);
}

// A run with a progress meter is the same run: the same counts, gaps and iterate, bit for bit.
// The meter reports step 0, then now and then (never once a step: its clock is read on a
// countdown), and the last step with `last` set.
TEST(Progress, AMeterChangesNoResultAndReportsTheFirstAndLastStep) {
  const Dataset<double> data = make_planted({200, 5, 0.1, 3});
  const LogisticObjective<double> f(data, 1e-4);
  const Reference ref = compute_reference_double(data, 1e-4);
  for (const bool accelerated : {false, true}) {
    SCOPED_TRACE(accelerated ? "nesterov" : "gd");
    const SolverOptions options = to_horizon(accelerated ? 1 / ref.smoothness : 50, 40000);
    std::vector<RunStatus> heard;
    ProgressMeter meter([&heard](const RunStatus& s) { heard.push_back(s); }, options);
    Vector<double> w = Vector<double>::Zero(5), plain_w = Vector<double>::Zero(5);
    const double momentum = nesterov_momentum(ref.smoothness / 1e-4);
    const SolverResult with =
        accelerated ? nesterov(f, ref.f_star, options, momentum, w, NoObserver{}, meter)
                    : gradient_descent(f, ref.f_star, options, w, NoObserver{}, meter);
    const SolverResult without = accelerated ? nesterov(f, ref.f_star, options, momentum, plain_w)
                                             : gradient_descent(f, ref.f_star, options, plain_w);
    EXPECT_EQ(w, plain_w);
    EXPECT_EQ(with.steps, without.steps);
    EXPECT_EQ(with.settled.value, without.settled.value);
    EXPECT_EQ(with.first_hit.value, without.first_hit.value);
    EXPECT_EQ(with.increases, without.increases);
    EXPECT_EQ(with.final_gap, without.final_gap);
    EXPECT_EQ(with.termination, without.termination);

    ASSERT_GE(heard.size(), 2u);
    EXPECT_EQ(heard.front().t, 0);
    EXPECT_FALSE(heard.front().last);
    EXPECT_TRUE(heard.back().last);
    EXPECT_EQ(heard.back().t, with.steps);
    EXPECT_EQ(heard.back().gap, with.final_gap);
    EXPECT_EQ(heard.back().max_steps, 40000);
    EXPECT_EQ(heard.back().eta, options.eta);
    // A report a tenth of a second at most (and the first and last): 40000 steps of 200 x 5 take
    // milliseconds, so a report per step would be thousands.
    const double seconds = heard.back().seconds;
    EXPECT_LE(static_cast<double>(heard.size()), 3 + seconds / 0.1) << seconds;
    for (std::size_t k = 1; k < heard.size(); ++k) {
      EXPECT_LT(heard[k - 1].t, heard[k].t);
      EXPECT_LE(heard[k - 1].seconds, heard[k].seconds);
    }
  }
}

// run() passes its sink to every solve: `best` once per grid point, each naming its eta.
TEST(Progress, RunReportsEachSolveOfTheBestGrid) {
  const Problem p = make_problem(make_hard(0.1), 1e-3, compute_reference_double);
  RunSpec spec;
  spec.rule = parse_rule("best");
  std::vector<RunStatus> heard;
  const RunOutcome with = run(p, spec, {}, [&heard](const RunStatus& s) { heard.push_back(s); });
  const RunOutcome without = run(p, spec);
  EXPECT_EQ(with.eta, without.eta);
  EXPECT_EQ(with.result.settled.value, without.result.settled.value);
  const auto lasts =
      std::count_if(heard.begin(), heard.end(), [](const RunStatus& s) { return s.last; });
  EXPECT_EQ(static_cast<std::size_t>(lasts), with.grid.size());
  for (const auto& [eta, count] : with.grid)
    EXPECT_TRUE(std::any_of(heard.begin(), heard.end(), [eta = eta](const RunStatus& s) {
      return s.last && s.eta == eta;
    })) << eta;
}

// A method that varies its stepsize reports its base eta as such; GD's constant eta is its eta.
TEST(Progress, MethodsThatVaryTheirStepsizeReportABaseEta) {
  const Problem p = make_problem(make_hard(0.1), 1e-3, compute_reference_double);
  for (const SolverKind solver : {SolverKind::gd, SolverKind::adgd, SolverKind::safe}) {
    RunSpec spec;
    spec.solver = solver;
    spec.rule = parse_rule("classical");
    std::vector<RunStatus> heard;
    run(p, spec, {}, [&heard](const RunStatus& s) { heard.push_back(s); });
    ASSERT_FALSE(heard.empty());
    for (const RunStatus& s : heard) EXPECT_EQ(s.eta_is_base, solver != SolverKind::gd);
  }
}

}  // namespace
}  // namespace largestep
