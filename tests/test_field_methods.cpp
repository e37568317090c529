// The field's stepsize methods (silver, adgd, armijo, polyak) against their definitions, each step
// recomputed independently in long double, and the silver schedule against its worst case on a
// quadratic; then every method run end to end, with its passes over the data counted.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "largestep/core/adgd.h"
#include "largestep/core/armijo.h"
#include "largestep/core/experiment.h"
#include "largestep/core/gradient_descent.h"
#include "largestep/core/methods.h"
#include "largestep/core/polyak.h"
#include "largestep/core/result_io.h"
#include "largestep/core/silver.h"
#include "largestep/data/generators.h"
#include "theory/arena_verdicts.h"

namespace largestep {
namespace {

using LongVector = Eigen::Matrix<long double, Eigen::Dynamic, 1>;

LongVector widen(const Vector<double>& v) { return v.cast<long double>(); }

TEST(SilverSchedule, BlockSizesFollowLogRho) {
  const double rho = 1 + std::sqrt(2.0);
  for (const double kappa : {1.0, 3.0, 4.0, 10.0, 100.0, 1e3, 1e4, 1e6}) {
    const int k = std::max(0, static_cast<int>(std::floor(std::log(kappa / 3) / std::log(rho))));
    EXPECT_EQ(silver_schedule(kappa).steps.size(), std::size_t{1} << k) << kappa;
  }
  // k = 0: the one step psi(1/kappa) = 2 kappa / (kappa + 1).
  ASSERT_EQ(silver_schedule(4).steps.size(), 1u);
  EXPECT_DOUBLE_EQ(silver_schedule(4).steps[0], 1.6);
  EXPECT_DOUBLE_EQ(silver_schedule(1).steps[0], 1.0);
}

// The schedule's stated worst case, (1 - z_k)/(1 + z_k) on ||w - w*|| per block, is attained on a
// quadratic: the block polynomial's maximum over the spectrum [1/kappa, 1] (evaluated directly,
// theory's block_polynomial_max; on f(w) = w^T A w / 2 one block maps the error e to
// prod_t (I - h_t A / L) e) equals it.
TEST(SilverSchedule, BlockRateIsTheWorstCaseOnAQuadratic) {
  for (const double kappa : {4.0, 10.0, 100.0, 1e3, 1e4}) {
    const SilverSchedule s = silver_schedule(kappa);
    const double measured = theory::block_polynomial_max(s.steps, kappa, 400000);
    EXPECT_NEAR(measured * measured, s.block_rate(), 1e-9 * s.block_rate()) << kappa;
    EXPECT_LT(s.block_rate(), 1) << kappa;
  }
}

TEST(SilverSchedule, RejectsKappaBelowOne) {
  for (const double kappa : {0.5, 0.0, -1.0, double(NAN), double(INFINITY)})
    EXPECT_THROW(silver_schedule(kappa), std::invalid_argument) << kappa;
}

struct SmallProblem {
  Dataset<double> data = make_planted({300, 8, 0.05, 11});
  double lambda = 1e-3;
  LogisticObjective<double> f{data, lambda};
  long double value(const LongVector& w) const {  // f(w) in long double, row by row
    long double sum = 0;
    for (std::ptrdiff_t i = 0; i < data.n(); ++i) {
      const long double z = data.y(i) * data.X.row(i).cast<long double>().dot(w);
      sum += z > 0 ? std::log1p(std::exp(-z)) : -z + std::log1p(std::exp(z));
    }
    return sum / data.n() + lambda / 2 * w.squaredNorm();
  }
};

SolverOptions with_eta(double eta) {
  SolverOptions o;
  o.eta = eta;
  return o;
}

// Step t of the method moves w from the iterate and gradient it was given.
template <class Step>
std::vector<Vector<double>> iterates(const SmallProblem& p, Step& step, int steps) {
  Vector<double> w = Vector<double>::Zero(p.data.d()), grad;
  Evaluations counts;
  double value = evaluate(p.f, w, grad, counts);
  std::vector<Vector<double>> out{w};
  for (int t = 0; t < steps; ++t) {
    value = step.step(p.f, t, value, w, grad, counts);
    EXPECT_NEAR(value, p.f.value(w), 1e-14 * std::abs(value)) << t;
    EXPECT_TRUE(grad.isApprox(p.f.gradient(w), 1e-14)) << t;
    out.push_back(w);
  }
  return out;
}

TEST(Adgd, StepsAreTheMalitskyMishchenkoEstimates) {
  const SmallProblem p;
  AdgdStep<double> step(p.f, with_eta(1e-10));
  const std::vector<Vector<double>> w = iterates(p, step, 30);
  // w_1 = w_0 - eta_0 g_0; then eta_t = min(sqrt(1 + theta) eta_{t-1}, |dw| / (2 |dg|)).
  const auto g = [&](int t) { return widen(p.f.gradient(w[t])); };
  long double eta = 1e-10L, theta = INFINITY;
  EXPECT_TRUE((widen(w[1]) - (widen(w[0]) - eta * g(0))).norm() <= 1e-15L * g(0).norm() * eta);
  for (int t = 1; t < 30; ++t) {
    const long double quotient = (widen(w[t]) - widen(w[t - 1])).norm() / (2 * (g(t) - g(t - 1)).norm());
    const long double next = std::min(std::sqrt(1 + theta) * eta, quotient);
    theta = next / eta;
    eta = next;
    const LongVector expected = widen(w[t]) - eta * g(t);
    EXPECT_LE((widen(w[t + 1]) - expected).norm(), 1e-9L * (eta * g(t).norm())) << t;
  }
  EXPECT_LE(eta, 1 / (2 * p.lambda));  // strong convexity bounds every estimate
}

TEST(Armijo, AcceptsTheFirstHalvingWithSufficientDecrease) {
  const SmallProblem p;
  const double eta0 = 1 / p.f.smoothness();
  ArmijoStep<double> step(p.f, with_eta(eta0));
  const std::vector<Vector<double>> w = iterates(p, step, 20);
  long double previous = eta0 / 2;  // step 0 starts from eta0
  for (int t = 0; t < 20; ++t) {
    const LongVector x = widen(w[t]), g = widen(p.f.gradient(w[t]));
    const long double fx = p.value(x);
    // The accepted eta: the first of 2 previous, previous, previous / 2, ... that decreases f
    // enough (up to f's rounding, 64 ulps).
    const long double slack = 64 * 2.2204460492503131e-16L * std::abs(fx);
    long double eta = 2 * previous;
    while (p.value(x - eta * g) > fx - eta * g.squaredNorm() / 2 + slack) eta /= 2;
    // w_{t+1} as computed: the step to 1e-12 and w's own rounding (a few ulps of |w|).
    EXPECT_LE((widen(w[t + 1]) - (x - eta * g)).norm(), 1e-12L * (eta * g.norm()) + 1e-15L * x.norm())
        << t;
    previous = eta;
  }
}

TEST(Polyak, StepIsTheGapOverTheSquaredGradient) {
  const SmallProblem p;
  const Reference ref = compute_reference_double(p.data, p.lambda);
  PolyakStep<double> step(ref.f_star, with_eta(1 / p.f.smoothness()));
  const std::vector<Vector<double>> w = iterates(p, step, 10);
  for (int t = 0; t < 10; ++t) {
    const LongVector x = widen(w[t]), g = widen(p.f.gradient(w[t]));
    const long double eta = (p.value(x) - ref.f_star) / g.squaredNorm();
    EXPECT_GT(eta, 0);
    EXPECT_LE(eta, 1 / (2 * p.lambda) * (1 + 1e-6));
    EXPECT_LE((widen(w[t + 1]) - (x - eta * g)).norm(), 1e-6L * (eta * g.norm())) << t;
  }
}

// Every solver row reaches eps on a small problem in both precisions, with a measured count, and
// its passes are what its steps cost: GD and the field methods one a step (armijo one a trial),
// Nesterov two.
TEST(FieldMethods, EverySolverConvergesAndCountsItsPasses) {
  const Problem problem = make_problem(make_planted({400, 10, 0.05, 3}), 1e-3);
  for (const Method& m : solvers()) {
    for (const Precision precision : {Precision::dual, Precision::single}) {
      RunSpec spec;
      spec.solver = parse_solver(m.name);
      spec.precision = precision;
      spec.rule = parse_rule(m.default_rule.empty() ? "classical" : m.default_rule);
      spec.options.eps = precision == Precision::single ? 1e-5 : 1e-10;
      const RunOutcome o = run(problem, spec);
      const SolverResult& r = o.result;
      SCOPED_TRACE(std::string(m.name) + " " + to_string(precision));
      EXPECT_EQ(r.termination, Termination::converged);
      ASSERT_FALSE(r.settled.lower_bound);
      EXPECT_FALSE(r.settled_passes.lower_bound);
      const Evaluations& e = r.evaluations;
      EXPECT_EQ(e.hessian_products, 0);
      if (m.name == "nesterov") {
        EXPECT_EQ(e.values, r.steps + 1);
        EXPECT_EQ(e.gradients, r.steps + 1);
        EXPECT_EQ(r.settled_passes.value, 2 * (r.settled.value + 1));
      } else if (m.name == "armijo") {
        EXPECT_EQ(e.values, 0);
        EXPECT_GE(e.gradients, r.steps + 1);
        EXPECT_GE(r.settled_passes.value, r.settled.value + 1);
      } else {
        EXPECT_EQ(e.values, 0);
        EXPECT_EQ(e.gradients, r.steps + 1);
        EXPECT_EQ(r.settled_passes.value, r.settled.value + 1);
      }
      const nlohmann::json record = run_record(problem, spec, o);
      EXPECT_EQ(record.at("passes"), r.settled_passes.value);
      EXPECT_TRUE(record.at("passes_at_least").is_null());
      EXPECT_EQ(record.at("gradient_evaluations"), e.gradients);
    }
  }
}

// A run cut off by the horizon spends passes it cannot count as reaching eps: the passes are a
// lower bound beyond all it spent.
TEST(FieldMethods, PassesOfACensoredRunAreALowerBound) {
  const Problem problem = make_problem(make_planted({400, 10, 0.05, 3}), 1e-3);
  RunSpec spec;
  spec.solver = SolverKind::armijo;
  spec.rule = parse_rule("classical");
  spec.options.eps = 1e-12;
  spec.options.max_steps = 5;
  const SolverResult r = run(problem, spec).result;
  EXPECT_TRUE(r.settled.lower_bound);
  EXPECT_TRUE(r.settled_passes.lower_bound);
  EXPECT_EQ(r.settled_passes.value, r.evaluations.passes() + 1);
}

// Silver's kappa comes from the run's eta: a stepsize above 1/lambda has no schedule.
TEST(FieldMethods, SilverRejectsAStepsizeAboveOneOverLambda) {
  const Problem problem = make_problem(make_planted({100, 4, 0.05, 3}), 1e-2);
  RunSpec spec;
  spec.solver = SolverKind::silver;
  spec.eta = 1000;
  EXPECT_THROW(run(problem, spec), std::invalid_argument);
}

TEST(FieldMethods, SolverKindsNameTheirRows) {
  EXPECT_EQ(solver_method(SolverKind::silver).name, "silver");
  EXPECT_EQ(solver_method(SolverKind::adgd).name, "adgd");
  EXPECT_EQ(solver_method(SolverKind::armijo).name, "armijo");
  EXPECT_EQ(solver_method(SolverKind::polyak).name, "polyak");
  EXPECT_EQ(solvers().size(), 6u);
}

TEST(FieldMethods, OnlyPolyakNeedsAnOracle) {
  for (const char* name : {"silver", "adgd", "armijo"})
    EXPECT_TRUE(find_method(MethodKind::solver, name)->oracles.empty()) << name;
  EXPECT_TRUE(find_method(MethodKind::solver, "polyak")->oracles.contains(Oracle::f_star));
}

}  // namespace
}  // namespace largestep
