// The field's stepsize methods (silver, adgd, armijo, polyak) and safe large-stepsize GD against
// their definitions, each step recomputed independently (long double; the Hessian's spectrum from
// the dense matrix), and the silver schedule against its worst case on a quadratic; then every
// method run end to end, with its passes over the data counted.
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
#include "largestep/core/safe.h"
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
      EXPECT_EQ(e.hessian_products > 0, m.name == "safe");
      if (m.name == "nesterov") {
        EXPECT_EQ(e.values, r.steps + 1);
        EXPECT_EQ(e.gradients, r.steps + 1);
        EXPECT_EQ(r.settled_passes.value, 2 * (r.settled.value + 1));
      } else if (m.name == "safe") {  // Lanczos' products besides one gradient a step
        EXPECT_EQ(e.values, 0);
        EXPECT_EQ(e.gradients, r.steps + 1);
        EXPECT_GT(r.settled_passes.value, r.settled.value + 1);
        EXPECT_LE(r.settled_passes.value, r.settled.value + 1 + e.hessian_products);
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
// A run of the solver at the rule classical to eps.
RunSpec classical_spec(SolverKind solver, double eps) {
  RunSpec spec;
  spec.solver = solver;
  spec.rule = parse_rule("classical");
  spec.options.eps = eps;
  return spec;
}

TEST(FieldMethods, PassesOfACensoredRunAreALowerBound) {
  const Problem problem = make_problem(make_planted({400, 10, 0.05, 3}), 1e-3);
  RunSpec spec = classical_spec(SolverKind::armijo, 1e-12);
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
  EXPECT_EQ(solver_method(SolverKind::safe).name, "safe");
  EXPECT_EQ(solvers().size(), 7u);
}

TEST(FieldMethods, OnlyPolyakNeedsAnOracle) {
  for (const char* name : {"silver", "adgd", "armijo", "safe"})
    EXPECT_TRUE(find_method(MethodKind::solver, name)->oracles.empty()) << name;
  EXPECT_TRUE(find_method(MethodKind::solver, "polyak")->oracles.contains(Oracle::f_star));
}

// lambda_max of the Hessian at w, from the dense matrix: independent of Lanczos and of
// hessian_times.
double top_eigenvalue(const SmallProblem& p, const Vector<double>& w) {
  return Eigen::SelfAdjointEigenSolver<Matrix<double>>(p.f.hessian(w), Eigen::EigenvaluesOnly)
      .eigenvalues()
      .maxCoeff();
}

SolverOptions safe_options(double eta, SafeSettings settings) {
  SolverOptions o = with_eta(eta);
  o.safe = settings;
  return o;
}

// With as many Lanczos steps as dimensions the estimate is lambda_max itself: each step is
// eta_t = min(warmup eta_{t-1}, cap * 2 / lambda_max(hess f(w_t))) from eta_0 = min(eta, cap)
// (estimated every step here), and f never rises above f(w_0), so nothing rolls back.
TEST(Safe, StepsWarmUpToTheLocalStabilityLimit) {
  const SmallProblem p;
  const double eta0 = 1 / p.f.smoothness();
  SafeStep<double> step(p.f, safe_options(eta0, {2, 0.9, 1, 8, 1000}));
  Vector<double> w = Vector<double>::Zero(p.data.d()), grad;
  Evaluations counts;
  double value = evaluate(p.f, w, grad, counts);
  double eta = eta0;
  bool capped = false;
  for (int t = 0; t < 40; ++t) {
    const Vector<double> before = w, g = grad;
    const double limit = 0.9 * 2 / top_eigenvalue(p, w);
    eta = std::min(t == 0 ? eta : 2 * eta, limit);
    capped = capped || eta == limit;
    value = step.step(p.f, t, value, w, grad, counts);
    EXPECT_NEAR(step.eta(), eta, 1e-9 * eta) << t;
    EXPECT_TRUE((w - (before - eta * g)).norm() <= 1e-9 * eta * g.norm()) << t;
    EXPECT_NEAR(value, p.f.value(w), 1e-14 * std::abs(value)) << t;
  }
  EXPECT_TRUE(capped);  // the warm-up reached the cap
  EXPECT_EQ(step.rollbacks(), 0);
  EXPECT_EQ(counts.gradients, 41);
  EXPECT_GE(counts.hessian_products, 40);  // an estimate a step, up to 8 products each
  EXPECT_LE(counts.hessian_products, 320);
}

// One Lanczos step estimates lambda_max by a random Rayleigh quotient, far below it: the cap lets
// unstable steps through, f rises, and the guard must put back the best iterate seen, its value
// and gradient bit for bit, and halve the cap; the run still reaches eps.
TEST(Safe, RollsBackToTheBestIterateAndStillConverges) {
  const SmallProblem p;
  SafeStep<double> step(p.f, safe_options(1 / p.f.smoothness(), {4, 0.99, 50, 1, 5}));
  Vector<double> w = Vector<double>::Zero(p.data.d()), grad;
  Evaluations counts;
  double value = evaluate(p.f, w, grad, counts);
  const double start = value;
  double best = value;
  Vector<double> best_w = w;
  std::int64_t rollbacks = 0;
  for (int t = 0; t < 400; ++t) {
    value = step.step(p.f, t, value, w, grad, counts);
    if (step.rollbacks() > rollbacks) {
      rollbacks = step.rollbacks();
      EXPECT_EQ(value, best) << t;
      EXPECT_TRUE(w == best_w) << t;
      EXPECT_TRUE(grad == p.f.gradient(w)) << t;
    } else if (value < best) {
      best = value;
      best_w = w;
    }
    EXPECT_LE(value, start) << t;  // the guard: no iterate it keeps is above f(w_0)
  }
  EXPECT_GT(rollbacks, 0);
  const Reference ref = compute_reference_double(p.data, p.lambda);
  EXPECT_LT(value - ref.f_star, 1e-8);
}

// The stop needs no f*: ||grad f||^2 / (2 lambda) <= eps bounds the gap, and the run ends at the
// first step where it holds, without the confirmation window; the measured gap agrees.
TEST(Safe, StopsOnItsOwnBoundWithoutTheWindow) {
  const Problem problem = make_problem(make_planted({300, 8, 0.05, 11}), 1e-3);
  RunSpec spec = classical_spec(SolverKind::safe, 1e-9);
  const SolverResult r = run(problem, spec).result;
  EXPECT_EQ(r.termination, Termination::converged);
  EXPECT_TRUE(r.certified_stop);
  EXPECT_FALSE(r.settled.lower_bound);
  ASSERT_TRUE(r.final_grad_norm.has_value());
  EXPECT_LE(*r.final_grad_norm * *r.final_grad_norm / (2 * 1e-3), 1e-9);
  EXPECT_LE(r.final_gap, 1e-9);
  // Without the proof the tracker waits for the window: 20 steps at least past the streak's start.
  EXPECT_LT(r.steps, r.settled.value + 20);
  // To the horizon it does not stop on it.
  spec.options.stop_when_settled = false;
  spec.options.max_steps = r.steps + 30;
  const SolverResult h = run(problem, spec).result;
  EXPECT_FALSE(h.certified_stop);
  EXPECT_EQ(h.steps, r.steps + 30);
}

TEST(Safe, SettingsParseOverTheDefaultsAndBadOnesAreNamed) {
  const SafeSettings s = parse_safe_settings("cap=0.5,every=7");
  EXPECT_EQ(s.cap, 0.5);
  EXPECT_EQ(s.every, 7);
  EXPECT_EQ(s.warmup, SafeSettings{}.warmup);
  EXPECT_EQ(parse_safe_settings(SafeSettings{}.str()).str(), SafeSettings{}.str());
  const auto fails = [](const char* text, const char* says) {
    try {
      parse_safe_settings(text);
      ADD_FAILURE() << text << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  fails("cap=1", "cap = 1 is invalid");
  fails("cap=0", "cap = 0 is invalid");
  fails("warmup=0.5", "warmup = 0.5 is invalid");
  fails("every=0", "every=0 is not in [1, 1e9]");
  fails("every=1.5", "every=1.5 is not an integer");
  fails("lanczos=1000", "lanczos = 1000 is invalid");
  fails("patience", "patience is not key=value");
  fails("speed=2", "speed=2 has an unknown key");
  fails("cap=nan", "cap=nan is not a finite number");
}

}  // namespace
}  // namespace largestep
