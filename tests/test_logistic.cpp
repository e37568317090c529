// Tests for the scalar functions of logistic.h: closed forms at extreme margins, agreement with
// 50-digit references, the self-bounding inequalities E1 of paper.md, and l' and l'' against
// finite differences of l and l' taken in 60-digit arithmetic.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "largestep/kernel/logistic.h"
#include "largestep/reference/multiprecision.h"

namespace largestep {
namespace {

using std::abs;
using std::exp;
using std::log;

// The four functions at one point, in the order loss, derivative, curvature, sigmoid.
using Values = std::array<Mp, 4>;
constexpr std::array<const char*, 4> kNames = {"loss", "derivative", "curvature", "sigmoid"};

template <class Scalar>
std::array<Scalar, 4> library(const Scalar& z) {
  return {logistic_loss(z), logistic_derivative(z), logistic_curvature(z), sigmoid(z)};
}

// Closed forms for z = 0 and |z| >= 700, written in e = e^-|z| so that nothing overflows. For the
// loss, ln(1 + e) = e - e^2/2 + O(e^3), and e^3 < 1e-900 relative: the series is exact here and
// shares no code with log1p.
Values closed_form(double z_double) {
  const Mp z = z_double;
  if (z == 0) return {log(Mp(2)), Mp(-1) / 2, Mp(1) / 4, Mp(1) / 2};
  const Mp e = exp(-abs(z));
  const Mp tail = e - e * e / 2;  // l(|z|)
  const Mp curvature = e / ((1 + e) * (1 + e));
  if (z > 0) return {tail, -e / (1 + e), curvature, 1 / (1 + e)};
  return {-z + tail, -1 / (1 + e), curvature, e / (1 + e)};
}

// The textbook formulas, evaluated naively: for |z| <= 50, 50 digits leave at least 28 correct
// digits after the cancellation in 1 + e^-z, so this is an independent reference to 1e-28.
Values naive(const Mp& z) {
  const Mp e = exp(-z);
  return {log(1 + e), -1 / (1 + exp(z)), e / ((1 + e) * (1 + e)), 1 / (1 + e)};
}

// |got - want| <= rel |want|, with an absolute floor at the smallest normal number of Scalar: a
// true value below it (e^-1e4, say) may legitimately come out as 0 or a subnormal.
template <class Scalar>
testing::AssertionResult close_to(Scalar got, const Mp& want, double rel) {
  const double w = static_cast<double>(want);
  const double floor = std::numeric_limits<Scalar>::min();
  if (!std::isfinite(static_cast<double>(got))) return testing::AssertionFailure() << "not finite";
  if (std::abs(static_cast<double>(got) - w) <= rel * std::abs(w) + floor)
    return testing::AssertionSuccess();
  return testing::AssertionFailure() << "got " << got << ", want " << w;
}

const std::vector<double> kExtremeMargins = {0, 700, -700, 1e4, -1e4, 1e6, -1e6};

template <class Scalar>
void expect_closed_forms_at_extreme_margins() {
  const MpDigits digits(50);
  for (double z : kExtremeMargins) {
    const Values want = closed_form(z);
    const std::array<Scalar, 4> got = library(static_cast<Scalar>(z));
    for (int k = 0; k < 4; ++k)
      EXPECT_TRUE(close_to(got[k], want[k], 4 * std::numeric_limits<Scalar>::epsilon()))
          << kNames[k] << " at z = " << z;
  }
}

TEST(Logistic, FloatIsFiniteAndMatchesClosedFormsAtExtremeMargins) {
  expect_closed_forms_at_extreme_margins<float>();
}

TEST(Logistic, DoubleIsFiniteAndMatchesClosedFormsAtExtremeMargins) {
  expect_closed_forms_at_extreme_margins<double>();
  // Spot values that a sign-branch or overflow mistake would break visibly.
  EXPECT_EQ(logistic_loss(-1e4), 1e4);
  EXPECT_EQ(logistic_loss(1e4), 0.0);  // e^-1e4 underflows
  EXPECT_EQ(logistic_derivative(-1e6), -1.0);
  EXPECT_DOUBLE_EQ(logistic_loss(0.0), std::log(2.0));
}

// MPFR's exponent range holds e^-1e6, so in Mp nothing underflows: every value must be the closed
// form to full precision, strictly positive where the true value is.
TEST(Logistic, MpMatchesClosedFormsWithoutUnderflowAtExtremeMargins) {
  const MpDigits digits(50);
  for (double z : kExtremeMargins) {
    const Values want = closed_form(z);
    const Values got = library(Mp(z));
    for (int k = 0; k < 4; ++k) {
      EXPECT_LT(static_cast<double>(abs(got[k] - want[k]) / abs(want[k])), 1e-45)
          << kNames[k] << " at z = " << z;
    }
    EXPECT_GT(got[0], 0) << z;
    EXPECT_GT(got[2], 0) << z;
    EXPECT_GT(got[3], 0) << z;
  }
}

TEST(Logistic, DoubleMatchesFiftyDigitTextbookFormulasOnGrid) {
  const MpDigits digits(50);
  double worst = 0;
  for (int k = -4000; k <= 4000; ++k) {
    const double z = k / 80.0;  // [-50, 50], with 0 and the integers on the grid
    const Values want = naive(Mp(z));
    const std::array<double, 4> got = library(z);
    for (int f = 0; f < 4; ++f) {
      const double err = static_cast<double>(abs(Mp(got[f]) - want[f]) / abs(want[f]));
      worst = std::max(worst, err);
      ASSERT_LT(err, 1e-14) << kNames[f] << " at z = " << z;
    }
  }
  RecordProperty("worst_relative_error", std::to_string(worst));
}

// E1: 0 < l'' <= |l'| <= l, |l'| <= 1, l'' <= 1/4. The grid reaches past the point (|z| ~ 745)
// where l'' and the loss for z > 0 underflow in double; there only l'' >= 0 is representable.
// |l'| <= l and l'' <= 1/4 get a 4-ulp allowance: for z > 37 both sides of the first are e^-z
// rounded by different routes, and near z = 0 the product s(z) s(-z) may round up to 1/4 + ulp.
TEST(Logistic, SatisfiesSelfBoundingInequalitiesOnDenseGrid) {
  constexpr double kUlps = 4 * std::numeric_limits<double>::epsilon();
  for (int k = -51200; k <= 51200; ++k) {
    const double z = k / 64.0;  // [-800, 800]
    const double l = logistic_loss(z);
    const double d = std::abs(logistic_derivative(z));
    const double c = logistic_curvature(z);
    ASSERT_TRUE(std::isfinite(l) && std::isfinite(d) && std::isfinite(c)) << z;
    if (std::abs(z) <= 700) {
      ASSERT_GT(c, 0) << z;
    } else {
      ASSERT_GE(c, 0) << z;
    }
    ASSERT_LE(c, d) << z;
    ASSERT_LE(d, l * (1 + kUlps)) << z;
    ASSERT_LE(d, 1) << z;
    ASSERT_LE(c, 0.25 * (1 + kUlps)) << z;
  }
}

// In Mp the chain is strict wherever the true values are distinguishable at 50 digits.
TEST(Logistic, SatisfiesSelfBoundingInequalitiesInMpAtExtremeMargins) {
  const MpDigits digits(50);
  for (double z : {-1e6, -1e4, -700.0, -30.0, -1.0, 0.0, 1.0, 30.0, 700.0, 1e4, 1e6}) {
    const Values v = library(Mp(z));
    const Mp d = abs(v[1]);
    EXPECT_GT(v[2], 0) << z;
    EXPECT_LE(v[2], d) << z;
    EXPECT_LE(d, v[0]) << z;
    EXPECT_LE(d, 1) << z;
    EXPECT_LE(v[2], Mp(1) / 4) << z;
    if (std::abs(z) <= 30) {
      EXPECT_LT(d, v[0]) << z;
    }
  }
}

// (g(z + h) - g(z - h)) / 2h in 60 digits with h = 2^-66: z +- h is exact for the grid's doubles,
// the truncation error is ~h^2 = 2e-40 relative and the rounding error ~1e-60/h = 7e-41 relative
// (every derivative of l scales like l itself at both ends), both far below the tolerances.
Mp central_difference(Mp (*g)(const Mp&), double z) {
  const Mp h = ldexp(Mp(1), -66);
  return (g(Mp(z) + h) - g(Mp(z) - h)) / (2 * h);
}

TEST(Logistic, DerivativesMatchFiniteDifferencesInSixtyDigits) {
  std::vector<double> grid;
  for (int k = -200; k <= 200; ++k) grid.push_back(k / 4.0);  // [-50, 50]
  for (double z : {-700.0, -300.0, 300.0, 700.0}) grid.push_back(z);
  for (double z : grid) {
    std::array<Mp, 2> in_mp;  // l' and l'' at 50 digits, then compared at 60
    {
      const MpDigits digits(50);
      in_mp = {logistic_derivative(Mp(z)), logistic_curvature(Mp(z))};
    }
    const MpDigits digits(60);
    const Mp fd_derivative = central_difference(&logistic_loss<Mp>, z);
    // l' = s - 1, so l'' is also the derivative of s; for z < 0 differencing s avoids the
    // cancellation in l' = -1 + e^z, which would leave nothing of l'' at z = -700.
    const Mp fd_curvature = central_difference(z >= 0 ? &logistic_derivative<Mp> : &sigmoid<Mp>, z);
    const auto rel = [](const Mp& got, const Mp& want) {
      return static_cast<double>(abs(got - want) / abs(want));
    };
    EXPECT_LT(rel(Mp(logistic_derivative(z)), fd_derivative), 1e-14) << z;
    EXPECT_LT(rel(Mp(logistic_curvature(z)), fd_curvature), 1e-14) << z;
    EXPECT_LT(rel(in_mp[0], fd_derivative), 1e-35) << z;
    EXPECT_LT(rel(in_mp[1], fd_curvature), 1e-35) << z;
  }
}

}  // namespace
}  // namespace largestep
