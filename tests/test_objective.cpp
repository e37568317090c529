// Tests for LogisticObjective over float, double and 50-digit Mp: derivatives against finite
// differences taken in 60-digit arithmetic, Hessian structure, the smoothness constant, huge
// margins, E1 and E2 of paper.md, and the blocked reduction against a plain long double sum.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <type_traits>
#include <vector>

#include "largestep/data/generators.h"
#include "largestep/kernel/objective.h"
#include "largestep/reference/objective_mp.h"

namespace largestep {
namespace {

using std::abs;

constexpr unsigned kMpDigits = 50;
constexpr unsigned kReferenceDigits = 60;
constexpr double kLambda = 1e-3;
constexpr std::uint64_t kSeed = 7;
// Tiny on purpose: Eigen over MPFR is slow to compile and to run.
constexpr PlantedOptions kPlanted{.n = 20, .d = 4, .gamma = 0.1, .seed = kSeed};

// ||got - want|| / ||want||, evaluated at 60 digits.
template <class A, class B>
double relative_error(const Eigen::MatrixBase<A>& got, const Eigen::MatrixBase<B>& want) {
  const MpDigits digits(kReferenceDigits);
  const Matrix<Mp> g = got.template cast<Mp>();
  const Matrix<Mp> w = want.template cast<Mp>();
  return static_cast<double>(Mp((g - w).norm() / w.norm()));
}
template <class Scalar>
double relative_error(const Scalar& got, const Mp& want) {
  const MpDigits digits(kReferenceDigits);
  return static_cast<double>(Mp(abs(Mp(got) - want) / abs(want)));
}

// Gaussian points in R^d of norm ~sqrt(d) * scale: margins of both signs, from ~0 to ~scale.
template <class Scalar>
std::vector<Vector<Scalar>> random_points(int count, std::ptrdiff_t d, double scale = 1) {
  std::mt19937_64 rng(kSeed);
  std::normal_distribution<double> normal;
  std::vector<Vector<Scalar>> points;
  for (int k = 0; k < count; ++k) {
    Vector<double> w(d);
    for (double& wj : w) wj = scale * normal(rng);
    points.push_back(w.cast<Scalar>());
  }
  return points;
}

// The fourth-order central difference (g(w - 2h) - 8 g(w - h) + 8 g(w + h) - g(w + 2h)) / 12h
// along e_j, at the current (60-digit) precision, with h = 2^-40: w +- 2h is exact, and the
// truncation (~h^4) and rounding (~1e-60 / h) errors are both ~1e-48, negligible against every
// tolerance here.
template <class T, class Fn>
T difference(Fn g, const Vector<double>& w, std::ptrdiff_t j) {
  const Mp h = ldexp(Mp(1), -40);
  const auto at = [&](int k) {
    Vector<Mp> p = w.cast<Mp>();
    p(j) += k * h;
    return T(g(p));
  };
  return T((at(-2) - Mp(8) * at(-1) + Mp(8) * at(1) - at(2)) / (12 * h));
}

// The objective at 60 digits on the same data (every entry is a float or a double, so the copy
// is exact). Each call sets its own precision and restores the caller's.
class Reference {
 public:
  template <class Scalar>
  Reference(const Dataset<Scalar>& data, const Scalar& lambda)
      : data_(data.template cast<double>()), lambda_(static_cast<double>(lambda)) {}

  const Dataset<double>& data() const { return data_; }
  double lambda() const { return lambda_; }

  // fn(f) for f the 60-digit objective; what fn returns keeps its 60 digits.
  template <class Fn>
  auto with_objective(Fn fn) const {
    const MpDigits digits(kReferenceDigits);
    const Dataset<Mp> data = data_.cast<Mp>();
    const LogisticObjective<Mp> f(data, Mp(lambda_));
    return fn(f);
  }
  Mp value(const Vector<double>& w) const {
    return with_objective([&](const LogisticObjective<Mp>& f) { return f.value(w.cast<Mp>()); });
  }
  Vector<Mp> gradient(const Vector<double>& w) const {
    return with_objective([&](const LogisticObjective<Mp>& f) { return f.gradient(w.cast<Mp>()); });
  }
  Vector<Mp> gradient_by_differences(const Vector<double>& w) const {
    return with_objective([&](const LogisticObjective<Mp>& f) {
      Vector<Mp> g(w.size());
      for (std::ptrdiff_t j = 0; j < w.size(); ++j)
        g(j) = difference<Mp>([&](const Vector<Mp>& p) { return f.value(p); }, w, j);
      return g;
    });
  }
  Matrix<Mp> hessian_by_differences(const Vector<double>& w) const {
    return with_objective([&](const LogisticObjective<Mp>& f) {
      Matrix<Mp> h(w.size(), w.size());
      for (std::ptrdiff_t j = 0; j < w.size(); ++j)
        h.col(j) = difference<Vector<Mp>>([&](const Vector<Mp>& p) { return f.gradient(p); }, w, j);
      return h;
    });
  }
  // lambda + lambda_max(X^T X) / (4n), X^T X summed row by row (not via the library's Gram).
  Mp smoothness() const {
    const MpDigits digits(kReferenceDigits);
    const RowMatrix<Mp> X = data_.X.cast<Mp>();
    Matrix<Mp> gram = Matrix<Mp>::Zero(X.cols(), X.cols());
    for (std::ptrdiff_t i = 0; i < X.rows(); ++i) gram += X.row(i).transpose() * X.row(i);
    const Eigen::SelfAdjointEigenSolver<Matrix<Mp>> eig(gram, Eigen::EigenvaluesOnly);
    return Mp(lambda_) + eig.eigenvalues().maxCoeff() / (4 * Mp(X.rows()));
  }

 private:
  Dataset<double> data_;
  double lambda_;
};

template <class Scalar>
class ObjectiveTest : public testing::Test {
 protected:
  using Vec = Vector<Scalar>;
  // kRef: agreement with the 60-digit reference (the scalar's rounding times a modest condition
  // number); kSame: two routes to the same quantity in the same scalar.
  static constexpr bool kFloat = std::is_same_v<Scalar, float>;
  static constexpr bool kDouble = std::is_same_v<Scalar, double>;
  static constexpr double kRef = kFloat ? 1e-4 : kDouble ? 1e-10 : 1e-40;
  static constexpr double kSame = kFloat ? 1e-5 : kDouble ? 1e-13 : 1e-45;

  // Declared first, so every Mp value the test creates, the data included, has 50 digits.
  const MpDigits digits_{kMpDigits};
  const Dataset<Scalar> data_ = make_planted(kPlanted).cast<Scalar>();
  const Scalar lambda_ = Scalar(kLambda);
  const LogisticObjective<Scalar> f_{data_, lambda_};
  const Reference reference_{data_, lambda_};

  static std::vector<Vec> random_points(int count, double scale = 1) {
    return largestep::random_points<Scalar>(count, kPlanted.d, scale);
  }
  static Vector<double> exact(const Vec& w) { return w.template cast<double>(); }
};

using Scalars = testing::Types<float, double, Mp>;
TYPED_TEST_SUITE(ObjectiveTest, Scalars);

TYPED_TEST(ObjectiveTest, GradientMatchesFiniteDifferenceOfValue) {
  for (const Vector<TypeParam>& w : this->random_points(3)) {
    const Vector<Mp> want = this->reference_.gradient_by_differences(this->exact(w));
    EXPECT_LT(relative_error(this->f_.gradient(w), want), this->kRef);
    EXPECT_LT(relative_error(this->f_.value(w), this->reference_.value(this->exact(w))),
              this->kRef);
  }
}

TYPED_TEST(ObjectiveTest, HessianMatchesFiniteDifferenceOfGradient) {
  for (const Vector<TypeParam>& w : this->random_points(3)) {
    const Matrix<Mp> want = this->reference_.hessian_by_differences(this->exact(w));
    EXPECT_LT(relative_error(this->f_.hessian(w), want), this->kRef);
  }
}

TYPED_TEST(ObjectiveTest, HessianTimesEqualsHessianMatrixTimesVector) {
  const std::vector<Vector<TypeParam>> points = this->random_points(4);
  for (std::size_t k = 0; k + 1 < points.size(); ++k) {
    const Vector<TypeParam>& w = points[k];
    const Vector<TypeParam>& v = points[k + 1];
    const Vector<TypeParam> product = this->f_.hessian(w) * v;
    EXPECT_LT(relative_error(this->f_.hessian_times(w, v), product), this->kSame);
  }
}

TYPED_TEST(ObjectiveTest, ValueAndGradientAgreesWithSeparateCalls) {
  for (const Vector<TypeParam>& w : this->random_points(3)) {
    Vector<TypeParam> grad;
    const TypeParam value = this->f_.value_and_gradient(w, grad);
    EXPECT_LT(relative_error(value, Mp(this->f_.value(w))), this->kSame);
    EXPECT_LT(relative_error(grad, this->f_.gradient(w)), this->kSame);
  }
}

// The last point, 1e4 w*, has every margin >= 1e3, so l'' < e^-1000 there and hess f = lambda I
// to within rounding, even in Mp: the lower bound lambda is attained, not just respected.
TYPED_TEST(ObjectiveTest, HessianIsSymmetricWithEigenvaluesAtLeastLambda) {
  std::vector<Vector<TypeParam>> points = this->random_points(3, 3);
  points.push_back((1e4 * planted_direction(kPlanted.d, kSeed)).cast<TypeParam>());
  for (const Vector<TypeParam>& w : points) {
    const Matrix<TypeParam> h = this->f_.hessian(w);
    EXPECT_LT(relative_error(h.transpose(), h), this->kSame);
    const Eigen::SelfAdjointEigenSolver<Matrix<TypeParam>> eig(h, Eigen::EigenvaluesOnly);
    const double lambda = static_cast<double>(this->lambda_);
    EXPECT_GE(static_cast<double>(eig.eigenvalues().minCoeff()), lambda * (1 - this->kSame));
  }
  const Matrix<TypeParam> flat = this->f_.hessian(points.back());
  const Matrix<TypeParam> want =
      this->lambda_ * Matrix<TypeParam>::Identity(kPlanted.d, kPlanted.d);
  EXPECT_LT(relative_error(flat, want), this->kSame);
}

// Checked on a tall and a wide data set: the library takes its Gram matrix from X's smaller side.
TYPED_TEST(ObjectiveTest, SmoothnessBoundsHessianAndEqualsGramFormula) {
  const Dataset<TypeParam> wide =
      make_planted({.n = 3, .d = 6, .gamma = 0.1, .seed = 3}).template cast<TypeParam>();
  for (const Dataset<TypeParam>* data : {&this->data_, &wide}) {
    const LogisticObjective<TypeParam> f(*data, this->lambda_);
    const TypeParam smoothness = f.smoothness();
    EXPECT_LT(relative_error(smoothness, Reference(*data, this->lambda_).smoothness()), this->kRef);
    std::vector<Vector<TypeParam>> points = random_points<TypeParam>(4, data->d());
    points.push_back(Vector<TypeParam>::Zero(data->d()));
    for (const Vector<TypeParam>& w : points) {
      const Eigen::SelfAdjointEigenSolver<Matrix<TypeParam>> eig(f.hessian(w),
                                                                 Eigen::EigenvaluesOnly);
      const TypeParam largest = eig.eigenvalues().maxCoeff();
      EXPECT_LE(static_cast<double>(largest / smoothness), 1 + this->kSame);
      // l''(0) = 1/4 exactly, so at w = 0 the bound is attained.
      if (w.isZero()) {
        EXPECT_LT(relative_error(largest, Mp(smoothness)), this->kRef);
      }
    }
  }
}

// All margins >= 1e4 (w along the planted direction) or <= -1e4 (against it). Then l = 0, l' = 0
// or l = -z, l' = -1, up to e^-1e4: value and gradient have closed forms in the data alone.
TYPED_TEST(ObjectiveTest, HugeMarginsGiveFiniteValueAndGradientEqualToClosedForms) {
  const Vector<double> w_star = planted_direction(kPlanted.d, kSeed);
  const Dataset<double>& data = this->reference_.data();
  const double min_margin = data.y.cwiseProduct(data.X * w_star).minCoeff();
  ASSERT_GE(min_margin, kPlanted.gamma * (1 - 1e-6));  // float rounding of the data
  for (double sign : {1.0, -1.0}) {
    const Vector<TypeParam> w = (sign * 1e4 / min_margin * w_star).cast<TypeParam>();
    Vector<TypeParam> grad;
    const TypeParam value = this->f_.value_and_gradient(w, grad);
    ASSERT_TRUE(std::isfinite(static_cast<double>(value)));
    ASSERT_TRUE(grad.template cast<double>().allFinite());
    const MpDigits digits(kReferenceDigits);
    const RowMatrix<Mp> X = data.X.cast<Mp>();
    const Vector<Mp> y = data.y.cast<Mp>();
    const Vector<Mp> w_mp = this->exact(w).template cast<Mp>();
    const Mp lambda(this->reference_.lambda()), n(data.n()), active(sign < 0 ? 1 : 0);
    const Mp want_value = lambda / 2 * w_mp.squaredNorm() - active * y.dot(X * w_mp) / n;
    const Vector<Mp> want_grad = lambda * w_mp - (active / n) * (X.transpose() * y);
    EXPECT_LT(relative_error(value, want_value), this->kRef) << sign;
    EXPECT_LT(relative_error(grad, want_grad), this->kRef) << sign;
  }
  // A random direction at norm ~1e6: margins of both signs, mostly huge; compared with the
  // (overflow-free) 60-digit evaluation.
  for (const Vector<TypeParam>& w : this->random_points(2, 5e5)) {
    Vector<TypeParam> grad;
    const TypeParam value = this->f_.value_and_gradient(w, grad);
    EXPECT_LT(relative_error(value, this->reference_.value(this->exact(w))), this->kRef);
    EXPECT_LT(relative_error(grad, this->reference_.gradient(this->exact(w))), this->kRef);
  }
}

// E1 and E2 at the objective level, in double, on planted data (||x_i|| <= 1, margin >= gamma).
class BoundsTest : public testing::Test {
 protected:
  const PlantedOptions options_{.n = 200, .d = 5, .gamma = 0.05, .seed = 11};
  const Dataset<double> data_ = make_planted(options_);
  // lambda = 0 isolates L. Subtracting lambda w from grad f instead would cancel catastrophically
  // wherever grad L is below the rounding of lambda w (large margins: 1e-26 against 0.6).
  const LogisticObjective<double> loss_only_{data_, 0.0};
  const Vector<double> w_star_ = planted_direction(options_.d, options_.seed);

  // Random points at scales 0.1 to 1000, and multiples of +-w* (margins all of one sign).
  std::vector<Vector<double>> points() const {
    std::vector<Vector<double>> out;
    for (double scale : {0.1, 1.0, 10.0, 100.0, 1000.0}) {
      out.push_back(random_points<double>(1, options_.d, scale)[0]);
      out.push_back(scale * w_star_);
      out.push_back(-scale * w_star_);
    }
    return out;
  }
};

// Both sides are sums of positive terms rounded differently: a 1e-12 relative allowance.
constexpr double kRounding = 1e-12;

TEST_F(BoundsTest, LossHessianAndGradientNormsAreAtMostTheLoss) {
  ASSERT_LE(data_.max_row_norm(), 1.0);
  for (const Vector<double>& w : points()) {
    const double loss = loss_only_.value(w);
    const Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(loss_only_.hessian(w),
                                                            Eigen::EigenvaluesOnly);
    EXPECT_LE(eig.eigenvalues().cwiseAbs().maxCoeff(), loss * (1 + kRounding)) << w.transpose();
    EXPECT_LE(loss_only_.gradient(w).norm(), loss * (1 + kRounding)) << w.transpose();
  }
}

TEST_F(BoundsTest, LossGradientNormIsAtLeastGammaTimesMeanAbsoluteDerivative) {
  const Vector<double> margins_star = data_.y.cwiseProduct(data_.X * w_star_);
  ASSERT_GE(margins_star.minCoeff(), options_.gamma);  // Assumption 1 as generated
  for (const Vector<double>& w : points()) {
    const Vector<double> margins = data_.y.cwiseProduct(data_.X * w);
    double g = 0;
    for (double z : margins) g += std::abs(logistic_derivative(z));
    g /= static_cast<double>(data_.n());
    EXPECT_GE(loss_only_.gradient(w).norm(), options_.gamma * g * (1 - kRounding)) << w.transpose();
  }
}

// n above kRowsPerBlock takes the blocked reduction; compare it with one straightforward pass in
// long double, whose own rounding (~1e-19 per term) is far below the 1e-13 tolerance.
TEST(ObjectiveBlocks, ValueAndGradientMatchLongDoubleSumForManyRows) {
  for (std::int64_t n : {kRowsPerBlock + 1, 2 * kRowsPerBlock, 3 * kRowsPerBlock + 100}) {
    const Dataset<double> data = make_planted({.n = n, .d = 7, .gamma = 0.05, .seed = 5});
    const LogisticObjective<double> f(data, kLambda);
    const Vector<double> w = 3 * planted_direction(7, 99);  // an unrelated direction
    using LongVector = Vector<long double>;
    const LongVector wl = w.cast<long double>();
    const LongVector z = data.y.cast<long double>().cwiseProduct(data.X.cast<long double>() * wl);
    long double loss = 0;
    LongVector coefficient(n);  // l'(z_i) y_i
    for (std::int64_t i = 0; i < n; ++i) {
      loss += std::max(-z(i), 0.0L) + std::log1p(std::exp(-std::abs(z(i))));
      coefficient(i) = -data.y(i) / (1 + std::exp(z(i)));
    }
    const long double nl = n, lambda = kLambda;
    const long double want_value = loss / nl + lambda / 2 * wl.squaredNorm();
    const Vector<double> want_grad =
        (data.X.cast<long double>().transpose() * coefficient / nl + lambda * wl).cast<double>();
    Vector<double> got_grad;
    const double got_value = f.value_and_gradient(w, got_grad);
    EXPECT_LT(std::abs((got_value - want_value) / want_value), 1e-13L) << n;
    EXPECT_LT(std::abs((f.value(w) - want_value) / want_value), 1e-13L) << n;
    EXPECT_LT((got_grad - want_grad).norm() / want_grad.norm(), 1e-13) << n;
  }
}

}  // namespace
}  // namespace largestep
