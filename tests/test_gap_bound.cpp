// The error bound of f's rounding (ValueErrorBound, objective.h) against 50-digit evaluations of
// the same objective (the data and lambda in double, w exactly as the working precision holds
// it): at GD iterates of large stepsizes and at random w of norms 1e-3 .. 1e3, in float and
// double, through both evaluations (value and value_and_gradient; n > 512 exercises the blocked
// sum, d >= 8 rows the vectorized panels; one CSR set, whose margins run over its nonzeros). The bound must hold at every point and must not be
// loose: the geometric mean of bound / observed error stays below 1e3, the observed error taken
// as at least u |f| (what rounding the exact value alone costs).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "largestep/core/gradient_descent.h"
#include "largestep/data/generators.h"
#include "largestep/kernel/objective.h"
#include "largestep/reference/objective_mp.h"

namespace largestep {
namespace {

constexpr unsigned kDigits = 50;
constexpr double kMaxMeanLooseness = 1e3;

struct Tally {
  int points = 0, nonzero = 0;
  double log_looseness = 0, worst_looseness = 0, worst_use = 0;  // use: error / bound

  double mean_looseness() const { return std::exp(log_looseness / points); }
};

template <class Scalar>
class Prober {
 public:
  Prober(const Dataset<double>& data, double lambda)
      : data_(data), lambda_(lambda), working_(data.cast<Scalar>()), f_(working_, Scalar(lambda)) {}

  const LogisticObjective<Scalar>& objective() const { return f_; }

  void probe(const Vector<Scalar>& w, const std::string& where, Tally& tally) const {
    const double w_norm = static_cast<double>(w.norm());
    Vector<Scalar> grad(w.size());
    const double fused = static_cast<double>(f_.value_and_gradient(w, grad));
    const double plain = static_cast<double>(f_.value(w));
    const Mp exact = exact_value(w);
    const ValueErrorBound<Scalar> bound(f_);
    check(fused, bound(fused, w_norm), exact, where + " value_and_gradient", tally);
    // value() sums the loss as value_and_gradient does (objective.h), dense or CSR.
    EXPECT_EQ(plain, fused) << where;

  }

 private:
  Mp exact_value(const Vector<Scalar>& w) const {
    const MpDigits digits(kDigits);
    const Dataset<Mp> data = data_.cast<Mp>();
    const LogisticObjective<Mp> f(data, Mp(lambda_));
    return f.value(w.template cast<double>().template cast<Mp>());
  }

  static void check(double computed, double bound, const Mp& exact, const std::string& where,
                    Tally& tally) {
    const MpDigits digits(kDigits);
    const double error = static_cast<double>(Mp(abs(Mp(computed) - exact)));
    const double u = std::numeric_limits<Scalar>::epsilon() / 2;
    const double observed = std::max(error, u * std::abs(static_cast<double>(exact)));
    ASSERT_LE(error, bound) << where << ": f = " << static_cast<double>(exact);
    ++tally.points;
    if (error > 0) ++tally.nonzero;
    const double looseness = bound / observed;
    tally.log_looseness += std::log(looseness);
    tally.worst_looseness = std::max(tally.worst_looseness, looseness);
    tally.worst_use = std::max(tally.worst_use, error / bound);
  }

  const Dataset<double>& data_;
  double lambda_;
  Dataset<Scalar> working_;
  LogisticObjective<Scalar> f_;
};

// Every 50th GD iterate of 2000 steps from 0 at eta = 10, 100 and 1/lambda (eta lambda <= 1: the
// iterates stay bounded, but far above eta_loc they oscillate with ||w|| of order eta).
template <class Scalar>
void probe_gd_iterates(const Prober<Scalar>& prober, double lambda, const std::string& name,
                       Tally& tally) {
  for (const double eta : {10.0, 100.0, 1 / lambda}) {
    SolverOptions options;
    options.eta = eta;
    options.max_steps = 2000;
    options.stop_when_settled = false;
    options.trace_every = 50;
    std::vector<Vector<Scalar>> iterates;
    gradient_descent(
        prober.objective(), 0.0, options,
        [&iterates](const TracePoint&, const Vector<Scalar>& w) { iterates.push_back(w); });
    for (std::size_t k = 0; k < iterates.size(); ++k)
      prober.probe(iterates[k], name + " GD eta " + std::to_string(eta) + " #" + std::to_string(k),
                   tally);
  }
}

// Four random directions at each norm 10^k, k = -3 .. 3.
template <class Scalar>
void probe_random_points(const Prober<Scalar>& prober, std::ptrdiff_t d, const std::string& name,
                         Tally& tally) {
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> normal;
  for (int k = -3; k <= 3; ++k) {
    for (int draw = 0; draw < 4; ++draw) {
      Vector<double> w(d);
      for (std::ptrdiff_t j = 0; j < d; ++j) w(j) = normal(rng);
      w *= std::pow(10.0, k) / w.norm();
      prober.probe(w.cast<Scalar>(), name + " random norm 1e" + std::to_string(k), tally);
    }
  }
}

template <class Scalar>
Tally probe_everywhere() {
  // The CSR set's margins add 6 products where the bound for a dense row would count 4096.
  const std::vector<Dataset<double>> datasets = {
      make_oned(),
      make_hard(0.1),
      make_toy4(),
      make_planted({200, 10, 0.05, 1}),
      make_planted({1000, 12, 0.05, 2}),
      make_sparse_planted({.n = 700, .d = 4096, .nonzeros = 6, .gamma = 1e-3, .seed = 4})};
  Tally tally;
  for (const Dataset<double>& data : datasets) {
    for (const double lambda : {1e-2, 1e-4}) {
      const Prober<Scalar> prober(data, lambda);
      const std::string name = data.spec + " lambda " + std::to_string(lambda);
      probe_gd_iterates(prober, lambda, name, tally);
      probe_random_points(prober, data.d(), name, tally);
      if (::testing::Test::HasFatalFailure()) return tally;
    }
  }
  return tally;
}

void expect_tight(const Tally& tally, const char* scalar) {
  EXPECT_GT(tally.points, 1000) << scalar;
  EXPECT_GT(tally.nonzero, tally.points / 2) << scalar << ": the errors must be observable";
  EXPECT_LE(tally.mean_looseness(), kMaxMeanLooseness) << scalar;
  std::printf(
      "%s: %d points (%d with a nonzero error): bound / error geometric mean %.3g, max %.3g; "
      "largest error / bound %.3g\n",
      scalar, tally.points, tally.nonzero, tally.mean_looseness(), tally.worst_looseness,
      tally.worst_use);
}

TEST(ValueErrorBound, HoldsAndIsTightInDoubleAgainst50Digits) {
  const Tally tally = probe_everywhere<double>();
  ASSERT_FALSE(HasFatalFailure());
  expect_tight(tally, "double");
}

TEST(ValueErrorBound, HoldsAndIsTightInFloatAgainst50Digits) {
  const Tally tally = probe_everywhere<float>();
  ASSERT_FALSE(HasFatalFailure());
  expect_tight(tally, "float");
}

// The terms of the bound that make it hold: without the margins' term (delta) the loss's error at
// large ||w|| is missed. A bound of only a few ulps of f, the naive guess, fails somewhere on the
// same kind of points; so the probes above can tell a wrong bound from a right one. The points
// separate the data well (near the planted direction, ||w|| = 1e3, lambda tiny): f is then a mean
// of small losses e^-z, each off by about its margin's absolute error, many ulps of it.
TEST(ValueErrorBound, AFewUlpsOfFWouldNotBeABound) {
  const Dataset<double> data =
      make_sparse_planted({.n = 8000, .d = 64, .nonzeros = 6, .gamma = 1e-3, .seed = 2});
  const Prober<float> prober(data, 1e-12);
  const Vector<double> planted = planted_direction(64, 2);
  double worst = 0;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  for (int draw = 0; draw < 40; ++draw) {
    Vector<double> w(data.d());
    for (std::ptrdiff_t j = 0; j < w.size(); ++j) w(j) = normal(rng);
    w = planted / planted.norm() + 1e-4 * w / w.norm();
    w *= 1e3 * (1 + 0.05 * draw) / w.norm();
    const Vector<float> wf = w.cast<float>();
    const double computed = prober.objective().value(wf);
    const MpDigits digits(kDigits);
    const Dataset<Mp> exact_data = data.cast<Mp>();
    const LogisticObjective<Mp> exact(exact_data, Mp(1e-12));
    const Mp want = exact.value(wf.cast<double>().cast<Mp>());
    const double error = static_cast<double>(Mp(abs(Mp(computed) - want)));
    worst = std::max(worst, error / (4 * std::numeric_limits<float>::epsilon() * computed));
  }
  EXPECT_GT(worst, 1.0) << "4 ulps of f bounded every error: the probes are too easy";
}

// A CSR row's margin adds its nonzeros only: the bound counts those (6 here), not d = 4096 as
// the same rows stored dense must. Both hold against 50 digits; at ||w|| = 1e3, where the
// margins' term dominates (lambda = 1e-8 keeps the regularizer's, which counts d, out of the
// way), the CSR bound is hundreds of times smaller.
TEST(ValueErrorBound, CsrMarginsCountTheirNonzerosNotTheColumns) {
  const Dataset<double> csr =
      make_sparse_planted({.n = 300, .d = 4096, .nonzeros = 6, .gamma = 1e-3, .seed = 5});
  Dataset<double> dense = csr;
  dense.X = RowMatrix<double>(csr.Xs);
  dense.Xs = decltype(dense.Xs)();
  dense.sparse = false;
  const Prober<double> sparse_prober(csr, 1e-8), dense_prober(dense, 1e-8);
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal;
  Vector<double> w(csr.d());
  for (std::ptrdiff_t j = 0; j < w.size(); ++j) w(j) = normal(rng);
  w *= 1e3 / w.norm();
  Tally tally;
  sparse_prober.probe(w, "csr", tally);
  dense_prober.probe(w, "dense", tally);
  ASSERT_FALSE(HasFatalFailure());
  Vector<double> grad(w.size());
  const double v = sparse_prober.objective().value_and_gradient(w, grad);
  const double csr_bound =
      ValueErrorBound<double>(sparse_prober.objective())(v, w.norm());
  const double dense_bound = ValueErrorBound<double>(dense_prober.objective())(v, w.norm());
  EXPECT_LT(csr_bound * 100, dense_bound);
}

}  // namespace
}  // namespace largestep
