// Tests for check_separability: the certified margin is the measured margin of a unit direction,
// the upper bound is never beaten by any direction, and both match known margins (hard dataset,
// toy set, planted data) and a brute-force search over directions that uses no duality.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "largestep/data/generators.h"
#include "largestep/reference/separability.h"

namespace largestep {
namespace {

// min_i y_i <x_i, u>, computed row by row.
double min_margin(const Dataset<double>& data, const Vector<double>& u) {
  double result = INFINITY;
  for (std::ptrdiff_t i = 0; i < data.n(); ++i) {
    double dot = 0;
    for (std::ptrdiff_t j = 0; j < data.d(); ++j) dot += data.X(i, j) * u(j);
    result = std::min(result, data.y(i) * dot);
  }
  return result;
}

double min_margin_at_angle(const Dataset<double>& data, double theta) {
  return min_margin(data, (Vector<double>(2) << std::cos(theta), std::sin(theta)).finished());
}

// The largest margin of 2-D separable data by brute force: the best of 2^16 angles, refined by
// golden-section search within one grid step. Where every y_i <x_i, u(theta)> is positive each is
// concave in theta, so their minimum is concave there and the refinement finds the true maximum.
double brute_force_margin_2d(const Dataset<double>& data) {
  constexpr int kAngles = 1 << 16;
  const double h = 2 * std::numbers::pi / kAngles;
  double best_theta = 0, best = -INFINITY;
  for (int k = 0; k < kAngles; ++k) {
    const double m = min_margin_at_angle(data, k * h);
    if (m > best) {
      best = m;
      best_theta = k * h;
    }
  }
  double lo = best_theta - h, hi = best_theta + h;
  const double r = (std::sqrt(5.0) - 1) / 2;
  for (int it = 0; it < 100; ++it) {
    const double a = hi - r * (hi - lo), b = lo + r * (hi - lo);
    if (min_margin_at_angle(data, a) < min_margin_at_angle(data, b)) {
      lo = a;
    } else {
      hi = b;
    }
  }
  return std::max(best, min_margin_at_angle(data, (lo + hi) / 2));
}

// The best margin over a latitude-longitude grid of unit vectors in R^3. Every unit vector is
// within angle `*error` of a grid point, and each margin is 1-Lipschitz in the angle when
// ||x_i|| <= 1, so the true maximum is in [result, result + *error].
double brute_force_margin_3d(const Dataset<double>& data, double* error) {
  constexpr int kLat = 600, kLon = 1200;
  const double dlat = std::numbers::pi / kLat, dlon = 2 * std::numbers::pi / kLon;
  *error = (dlat + dlon) / 2;
  double best = -INFINITY;
  Vector<double> u(3);
  for (int i = 0; i <= kLat; ++i) {
    for (int k = 0; k < kLon; ++k) {
      u << std::sin(i * dlat) * std::cos(k * dlon), std::sin(i * dlat) * std::sin(k * dlon),
          std::cos(i * dlat);
      best = std::max(best, min_margin(data, u));
    }
  }
  return best;
}

// Checks what every result promises, whatever the data: a unit direction (when the bound is
// positive) whose measured margin is the reported one, below the upper bound.
void expect_consistent(const Dataset<double>& data, const Separability& s) {
  ASSERT_EQ(s.direction.size(), data.d());
  if (s.margin_upper_bound > 0) {
    EXPECT_NEAR(s.direction.norm(), 1.0, 1e-14);
    EXPECT_NEAR(min_margin(data, s.direction), s.margin, 1e-15);
  }
  EXPECT_LE(s.margin, s.margin_upper_bound * (1 + 1e-14));
  EXPECT_EQ(s.separable, s.margin > 0);
}

// Random points in the unit ball of R^d, labelled by a random direction, keeping only those at
// least `gap` from its hyperplane: separable, with no generator of ours involved.
Dataset<double> random_separable(std::int64_t n, std::int64_t d, double gap, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  const auto gaussian_vector = [&] {
    Vector<double> v(d);
    for (std::int64_t j = 0; j < d; ++j) v(j) = normal(engine);
    return v;
  };
  const Vector<double> w = gaussian_vector().normalized();
  Dataset<double> data;
  data.X.resize(n, d);
  data.y.resize(n);
  for (std::int64_t i = 0; i < n;) {
    const Vector<double> x =
        gaussian_vector().normalized() * std::pow(uniform(engine), 1.0 / static_cast<double>(d));
    if (std::abs(x.dot(w)) < gap) continue;
    data.X.row(i) = x.transpose();
    data.y(i) = x.dot(w) > 0 ? 1 : -1;
    ++i;
  }
  return data;
}

Dataset<double> from_rows(const std::vector<std::vector<double>>& rows,
                          const std::vector<double>& labels) {
  Dataset<double> data;
  data.X.resize(static_cast<std::ptrdiff_t>(rows.size()), static_cast<std::ptrdiff_t>(rows[0].size()));
  data.y.resize(static_cast<std::ptrdiff_t>(labels.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < rows[i].size(); ++j) data.X(i, j) = rows[i][j];
    data.y(i) = labels[i];
  }
  return data;
}

TEST(CheckSeparability, HardDatasetHasMarginExactlyGammaAlongE1) {
  for (const double gamma : {0.1, 0.05, 0.01}) {
    const Dataset<double> data = make_hard(gamma);
    const Separability s = check_separability(data);
    EXPECT_TRUE(s.separable);
    EXPECT_NEAR(s.margin, gamma, 1e-9);
    EXPECT_GE(s.margin_upper_bound, s.margin);
    EXPECT_NEAR(s.margin_upper_bound, gamma, 1e-9);
    EXPECT_NEAR(s.direction(0), 1.0, 1e-9);
    expect_consistent(data, s);
  }
}

TEST(CheckSeparability, OnedMarginIsThePoint) {
  const Dataset<double> data = make_oned(0.5);
  const Separability s = check_separability(data);
  EXPECT_TRUE(s.separable);
  EXPECT_DOUBLE_EQ(s.margin, 0.5);
  // The upper bound is widened by a relative 1e-12 against rounding.
  EXPECT_NEAR(s.margin_upper_bound, 0.5, 1e-12);
  EXPECT_GE(s.margin_upper_bound, s.margin);
}

TEST(CheckSeparability, Toy4MarginIsTheDistanceOfTheSegmentFromTheOrigin) {
  // y_i x_i are (1, 0.2) and (-2, 0.2) (twice each) over sqrt(4.04): their segment passes
  // closest to the origin at (0, 0.2) / sqrt(4.04), so u = e2 with margin 0.2 / sqrt(4.04).
  const Dataset<double> data = make_toy4();
  const Separability s = check_separability(data);
  const double expected = 0.2 / std::sqrt(4.04);
  EXPECT_TRUE(s.separable);
  EXPECT_NEAR(s.margin, expected, 1e-12);
  EXPECT_NEAR(s.margin_upper_bound, expected, 1e-12);
  EXPECT_NEAR(s.direction(1), 1.0, 1e-9);
  EXPECT_NEAR(brute_force_margin_2d(data), expected, 1e-12);
  expect_consistent(data, s);
}

TEST(CheckSeparability, PlantedDataIsCertifiedAtLeastThePlantedGamma) {
  struct Case {
    std::int64_t n, d;
    double gamma;
    std::uint64_t seed;
  };
  for (const Case& c : std::vector<Case>{
           {1000, 2, 0.05, 1}, {200, 3, 0.1, 3}, {300, 5, 0.05, 1}, {100, 20, 0.05, 4},
           {500, 50, 0.05, 5}}) {
    SCOPED_TRACE(testing::Message() << "n=" << c.n << " d=" << c.d << " gamma=" << c.gamma);
    const Dataset<double> data = make_planted({c.n, c.d, c.gamma, c.seed});
    const Separability s = check_separability(data);
    EXPECT_TRUE(s.separable);
    EXPECT_GE(s.margin, c.gamma - 1e-12);
    // At convergence the two meet; the bound is ||p|| of an iterate updated in place, so it may
    // sit an ulp or two below the measured margin.
    EXPECT_LE(s.margin, s.margin_upper_bound * (1 + 1e-13));
    // w* itself is a direction: nothing beats the upper bound.
    EXPECT_LE(min_margin(data, planted_direction(c.d, c.seed)), s.margin_upper_bound);
    expect_consistent(data, s);
  }
}

TEST(CheckSeparability, NonSeparableDataHasATinyUpperBound) {
  const std::vector<Dataset<double>> cases = {
      from_rows({{0.6, 0.8}, {-0.6, -0.8}}, {1, 1}),                        // x and -x, both +1
      from_rows({{1, 1}, {-1, -1}, {1, -1}, {-1, 1}}, {1, 1, -1, -1}),      // XOR through 0
      from_rows({{0.5, 0.5}, {0, 0}, {-0.3, 0.2}}, {1, -1, -1}),            // a zero row
      from_rows({{1, 0}, {-1, 0}, {0, 1}}, {1, 1, 1}),                      // 0 on the hull's edge
      // y_i x_i sum to zero and are affinely independent: 0 is inside their hull.
      from_rows({{0.3, 0.1, 0.2}, {-0.1, 0.4, 0}, {-0.2, -0.5, 0.1}, {0, 0, 0.3}}, {1, 1, 1, -1}),
  };
  for (std::size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(testing::Message() << "case " << k);
    const Separability s = check_separability(cases[k]);
    EXPECT_FALSE(s.separable);
    EXPECT_LE(s.margin, 0);
    EXPECT_LT(s.margin_upper_bound, 1e-9);
    expect_consistent(cases[k], s);
  }
}

TEST(CheckSeparability, RandomLabelsInThreeDimensionsAreNotSeparable) {
  // By Cover's theorem 50 points in general position in R^3 have 2 * (1 + 49 + 1176) separable
  // labellings through the origin out of 2^50: random labels are separable with probability 2e-12.
  for (const std::uint64_t seed : {1, 2, 3, 4, 5}) {
    Dataset<double> data = random_separable(50, 3, 0, seed);
    std::mt19937_64 engine(seed + 100);
    for (std::ptrdiff_t i = 0; i < data.n(); ++i) data.y(i) = (engine() & 1) ? 1 : -1;
    const Separability s = check_separability(data);
    EXPECT_FALSE(s.separable) << "seed " << seed;
    EXPECT_LT(s.margin_upper_bound, 1e-9) << "seed " << seed;
  }
}

TEST(CheckSeparability, MatchesABruteForceSearchOverAnglesInTwoDimensions) {
  const Dataset<double> fixed =
      from_rows({{0.9, 0.3}, {0.2, 0.7}, {-0.4, -0.6}, {0.5, -0.1}, {-0.1, -0.9}, {0.6, 0.6}},
                {1, 1, -1, 1, -1, 1});
  std::vector<Dataset<double>> cases = {fixed};
  for (const std::uint64_t seed : {1, 2, 3, 4, 5, 6}) {
    cases.push_back(random_separable(5 + 5 * static_cast<std::int64_t>(seed), 2, 0.01, seed));
  }
  for (std::size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(testing::Message() << "case " << k);
    const Separability s = check_separability(cases[k]);
    const double best = brute_force_margin_2d(cases[k]);
    ASSERT_GT(best, 0);
    EXPECT_TRUE(s.separable);
    EXPECT_NEAR(s.margin, best, 1e-6 * best);
    EXPECT_LE(s.margin, best + 1e-12);  // nothing beats the true maximum
    EXPECT_GE(s.margin_upper_bound, best - 1e-12);
    expect_consistent(cases[k], s);
  }
}

TEST(CheckSeparability, BoundsBracketTheBruteForceMarginInThreeDimensions) {
  for (const std::uint64_t seed : {11, 12, 13, 14}) {
    SCOPED_TRACE(testing::Message() << "seed " << seed);
    const Dataset<double> data = random_separable(12, 3, 0.05, seed);
    const Separability s = check_separability(data);
    double grid_error = 0;
    const double best = brute_force_margin_3d(data, &grid_error);
    ASSERT_GT(best, 0);
    EXPECT_TRUE(s.separable);
    EXPECT_LE(s.margin, best + grid_error);           // true max is at most best + grid_error
    EXPECT_GE(s.margin_upper_bound, best - 1e-12);     // and at least best
    EXPECT_GE(s.margin, (1 - 1e-6) * best - 1e-15);   // converged within the tolerance
    expect_consistent(data, s);
  }
}

TEST(CheckSeparability, EarlyStoppedResultsAreStillValidBounds) {
  const Dataset<double> data = random_separable(40, 2, 0.02, 7);
  const double best = brute_force_margin_2d(data);
  for (const long iterations : {0L, 1L, 2L, 5L, 20L}) {
    SCOPED_TRACE(testing::Message() << "max_iterations " << iterations);
    SeparabilityOptions options;
    options.max_iterations = iterations;
    const Separability s = check_separability(data, options);
    EXPECT_LE(s.iterations, iterations);
    EXPECT_LE(s.margin, best + 1e-12);
    EXPECT_GE(s.margin_upper_bound, best - 1e-12);
    expect_consistent(data, s);
  }
}

// ---- issue 17: verdicts at the edges of double precision ----

TEST(CheckSeparability, OrdinaryMarginsAreCertifiedInDouble) {
  for (const Dataset<double>& data : {make_hard(0.1), make_toy4(), make_oned(0.5)}) {
    const Separability s = check_separability(data);
    EXPECT_EQ(s.verdict, SeparabilityVerdict::separable);
    EXPECT_EQ(s.digits, 15);
  }
}

TEST(CheckSeparability, TinyMarginsByConstructionAreSeparable) {
  // issue 17: `data describe hard:gamma=1e-16` and `oned:x=1e-300` said "not separable".
  const Separability oned = check_separability(make_oned(1e-300));
  EXPECT_EQ(oned.verdict, SeparabilityVerdict::separable);
  EXPECT_EQ(oned.margin, 1e-300);  // scaled by a power of two and back: exact
  EXPECT_EQ(oned.digits, 15);

  for (const double gamma : {1e-16, 1e-30, 1e-100}) {
    SCOPED_TRACE(testing::Message() << "gamma " << gamma);
    const Dataset<double> data = make_hard(gamma);
    const Separability s = check_separability(data);
    EXPECT_EQ(s.verdict, SeparabilityVerdict::separable);
    EXPECT_TRUE(s.separable);
    EXPECT_GT(s.digits, 15);  // resolved in MPFR
    EXPECT_GT(s.margin, 0);
    EXPECT_LE(s.margin, gamma);  // gamma is the largest margin
    EXPECT_NEAR(s.margin, gamma, 1e-6 * gamma);
    EXPECT_GE(s.margin_upper_bound, gamma * (1 - 1e-12));
    EXPECT_NEAR(s.direction(0), 1.0, 1e-12);
    // The direction, rounded to double, still separates the data, measured in long double.
    for (std::ptrdiff_t i = 0; i < data.n(); ++i) {
      const long double m = static_cast<long double>(data.X(i, 0)) * s.direction(0) +
                            static_cast<long double>(data.X(i, 1)) * s.direction(1);
      EXPECT_GT(m, 0) << "row " << i;
    }
  }
}

TEST(CheckSeparability, SaysUndeterminedRatherThanNoWhenItCannotTell) {
  // Without the multiprecision stage, double cannot resolve a margin of 1e-16: not "no".
  SeparabilityOptions double_only;
  double_only.max_entries_for_multiprecision = 0;
  const Separability s = check_separability(make_hard(1e-16), double_only);
  EXPECT_EQ(s.verdict, SeparabilityVerdict::undetermined);
  EXPECT_FALSE(s.separable);
  EXPECT_LE(s.margin, 0);  // a positive margin below rounding is not reported as one
  EXPECT_GE(s.margin_upper_bound, 1e-16 * (1 - 1e-12));
  EXPECT_EQ(to_string(s.verdict), "undetermined");
}

TEST(CheckSeparability, NotSeparableIsProvedExactly) {
  const std::vector<Dataset<double>> cases = {
      from_rows({{0.6, 0.8}, {-0.6, -0.8}}, {1, 1}),
      from_rows({{1, 1}, {-1, -1}, {1, -1}, {-1, 1}}, {1, 1, -1, -1}),
      from_rows({{0.5, 0.5}, {0, 0}, {-0.3, 0.2}}, {1, -1, -1}),
      from_rows({{1, 0}, {-1, 0}, {0, 1}}, {1, 1, 1}),
      from_rows({{0.3, 0.1, 0.2}, {-0.1, 0.4, 0}, {-0.2, -0.5, 0.1}, {0, 0, 0.3}}, {1, 1, 1, -1}),
  };
  for (std::size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(testing::Message() << "case " << k);
    const Separability s = check_separability(cases[k]);
    EXPECT_EQ(s.verdict, SeparabilityVerdict::not_separable);
    EXPECT_NE(s.method.find("exact certificate"), std::string::npos) << s.method;
  }
  for (const std::uint64_t seed : {1, 2, 3}) {
    Dataset<double> data = random_separable(50, 3, 0, seed);
    std::mt19937_64 engine(seed + 100);
    for (std::ptrdiff_t i = 0; i < data.n(); ++i) data.y(i) = (engine() & 1) ? 1 : -1;
    EXPECT_EQ(check_separability(data).verdict, SeparabilityVerdict::not_separable)
        << "seed " << seed;
  }
}

TEST(CheckSeparability, NeverProvesNonSeparabilityOfSeparableData) {
  // Two points at angle just under pi: separable with margin ~1e-17, which double cannot see.
  const double t = 1e-17;
  const Dataset<double> data = from_rows({{1, t}, {-1, t}}, {1, 1});
  const Separability s = check_separability(data);
  EXPECT_NE(s.verdict, SeparabilityVerdict::not_separable);
  EXPECT_EQ(s.verdict, SeparabilityVerdict::separable);
  EXPECT_NEAR(s.margin, t, 1e-6 * t);
}

}  // namespace
}  // namespace largestep
