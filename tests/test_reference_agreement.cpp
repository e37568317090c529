// The scaled reference (double Newton, double-double refinement, Lanczos) against the 100-digit
// MPFR reference on every dataset where both run: f* within the wider bracket, the 100-digit f*
// inside the scaled bracket (it is certified), w within both gradient bounds, h_min and h_max
// within their stated uncertainties. Also: Lanczos' bounds contain the exact extreme eigenvalues,
// and the dispatch keeps the claims' data on the 100-digit path.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "largestep/data/dataset_spec.h"
#include "largestep/reference/certified.h"
#include "largestep/reference/multiprecision.h"
#include "largestep/reference/lanczos.h"
#include "largestep/reference/scaled_reference.h"

namespace largestep {
namespace {

constexpr unsigned kDigits = 100;

struct Case {
  std::string spec;
  double lambda;
};

// The datasets of the registry and the claims (small enough for MPFR), at 2-3 lambdas each.
std::vector<Case> cases() {
  std::vector<Case> out;
  const std::vector<std::pair<std::string, std::vector<double>>> grid = {
      {"oned", {1e-2, 1e-4, 1e-6}},
      {"hard:gamma=0.1", {1e-2, 1e-4, 1e-6}},
      {"toy4", {1e-2, 1e-4, 1e-6}},
      {"planted:n=20,d=5,gamma=0.1,seed=1", {1e-2, 1e-5}},
      {"planted:n=200,d=10,gamma=0.05,seed=1", {1e-2, 1e-5}},
      {"planted:n=1000,d=10,gamma=0.05,seed=1", {1e-3, 1e-5}},
      {"digits:0v8", {1e-2, 1e-4}},
      {"breast_cancer", {1e-2, 1e-4}},
      {"heart_scale", {1e-2, 1e-4}},
  };
  for (const auto& [spec, lambdas] : grid)
    for (const double lambda : lambdas) out.push_back({spec, lambda});
  return out;
}

Mp norm_of_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  Mp s(0);
  for (std::size_t j = 0; j < a.size(); ++j) {
    const Mp t = Mp(a[j]) - Mp(b[j]);
    s += t * t;
  }
  return sqrt(s);
}

Mp norm_of(const std::vector<std::string>& a) {
  Mp s(0);
  for (const std::string& x : a) s += Mp(x) * Mp(x);
  return sqrt(s);
}

std::string short_number(const Mp& x) { return x.str(6, std::ios_base::scientific); }

// Checks one pair of references; returns the agreement table's row.
std::string expect_agreement(const std::string& label, const MpReference& exact,
                             const MpReference& scaled) {
  const MpDigits precision(kDigits);
  const Mp f_exact(exact.f_star), f_scaled(scaled.f_star);
  const Mp width_exact(exact.bracket_width), width_scaled(scaled.bracket_width);
  const Mp difference = abs(f_exact - f_scaled);
  EXPECT_EQ(scaled.method, kScaledMethod);
  EXPECT_EQ(exact.method, kMpfrMethod);
  // The scaled bracket is certified: the 100-digit f* lies inside it.
  EXPECT_GE(f_exact, Mp(scaled.f_star_lower)) << label;
  EXPECT_LE(f_exact, Mp(scaled.f_star_upper)) << label;
  EXPECT_LE(difference, width_exact > width_scaled ? width_exact : width_scaled) << label;
  // The target: a bracket no wider than 1e-20 f*.
  EXPECT_LE(width_scaled, Mp(1e-20) * f_exact) << label;
  // ||w - w_lambda|| <= ||grad f(w)|| / lambda for each; the scaled w printed to 35 digits.
  const Mp lambda(exact.lambda);
  const Mp w_bound = (Mp(exact.grad_norm) + 2 * Mp(scaled.grad_norm)) / lambda +
                     Mp(1e-33) * norm_of(exact.w) + Mp(1e-300);
  EXPECT_LE(norm_of_difference(exact.w, scaled.w), w_bound) << label;
  // h_max, h_min within the sum of the stated uncertainties; eta_loc likewise.
  for (const auto& [name, a, b, ua, ub] :
       {std::tuple{"h_max", exact.h_max, scaled.h_max, exact.h_max_uncertainty,
                   scaled.h_max_uncertainty},
        std::tuple{"h_min", exact.h_min, scaled.h_min, exact.h_min_uncertainty,
                   scaled.h_min_uncertainty},
        std::tuple{"eta_loc", exact.eta_loc, scaled.eta_loc, exact.eta_loc_uncertainty,
                   scaled.eta_loc_uncertainty}}) {
    EXPECT_LE(abs(Mp(a) - Mp(b)), Mp(ua) + Mp(ub)) << label << " " << name;
  }
  // The uncertainty of eta_loc is meaningful: far below eta_loc itself.
  EXPECT_LT(Mp(scaled.eta_loc_uncertainty), Mp(1e-8) * Mp(scaled.eta_loc)) << label;
  return "| " + label + " | " + f_exact.str(25, std::ios_base::scientific) + " | " +
         f_scaled.str(25, std::ios_base::scientific) + " | " + short_number(difference) + " | " +
         short_number(width_exact) + " | " + short_number(width_scaled) + " | " +
         short_number(Mp(scaled.h_max_uncertainty)) + " |";
}

TEST(ReferenceAgreement, ScaledAndMpfrAgreeWithinTheWiderBracketOnEveryDataset) {
  std::string table =
      "| dataset, lambda | f* (100-digit MPFR) | f* (double-double) | difference | MPFR bracket "
      "| scaled bracket | h_max uncertainty |\n|---|---|---|---|---|---|---|\n";
  for (const Case& c : cases()) {
    const Dataset<double> data = make_dataset(c.spec);
    // Every one of them stays on the 100-digit path by default.
    EXPECT_EQ(resolve_reference_method(data, ReferenceMethod::automatic), ReferenceMethod::mpfr)
        << c.spec;
    const MpReference exact = cached_reference_mp(data, c.lambda, kDigits);
    const MpReference scaled = compute_reference_scaled_mp(data, c.lambda);
    table += expect_agreement(c.spec + ", " + fmt::format("{:g}", c.lambda), exact, scaled) + "\n";
  }
  std::cout << table;
}

TEST(ReferenceAgreement, NewtonCgAndLanczosAgreeWithTheMpfrReference) {
  // The large-d path (no d x d matrix anywhere) forced on small data.
  for (const Case& c : {Case{"digits:0v8", 1e-3}, Case{"heart_scale", 1e-4},
                        Case{"planted:n=200,d=10,gamma=0.05,seed=1", 1e-5}}) {
    const Dataset<double> data = make_dataset(c.spec);
    ScaledOptions options;
    options.dense_max_d = 0;
    options.lanczos_steps = 300;
    const ScaledResult s = compute_reference_scaled(data, c.lambda, options);
    EXPECT_FALSE(s.dense_hessian);
    EXPECT_GT(s.lanczos_steps, 0);
    const MpReference exact = cached_reference_mp(data, c.lambda, kDigits);
    const MpDigits precision(kDigits);
    const Mp f_exact(exact.f_star);
    EXPECT_GE(f_exact, Mp(s.f_star_lower)) << c.spec;
    EXPECT_LE(f_exact, Mp(s.f_star_upper)) << c.spec;
    EXPECT_LE(Mp(s.bracket_width), Mp(1e-20) * f_exact) << c.spec;
    EXPECT_LE(abs(Mp(exact.h_max) - Mp(s.h_max)),
              Mp(exact.h_max_uncertainty) + Mp(s.h_max_uncertainty))
        << c.spec;
    EXPECT_LE(abs(Mp(exact.h_min) - Mp(s.h_min)),
              Mp(exact.h_min_uncertainty) + Mp(s.h_min_uncertainty))
        << c.spec;
    EXPECT_LE(abs(Mp(exact.smoothness) - Mp(s.smoothness)), Mp(1e-12) * Mp(exact.smoothness))
        << c.spec;
  }
}

TEST(ReferenceAgreement, TheBracketIsNotAlwaysTrue) {
  // A bracket that claims too much is caught: shifting the scaled f* by ten bracket widths puts
  // the 100-digit f* outside it (so the containment asserted above is a real check).
  const Dataset<double> data = make_dataset("toy4");
  const MpReference exact = cached_reference_mp(data, 1e-3, kDigits);
  const MpReference scaled = compute_reference_scaled_mp(data, 1e-3);
  const MpDigits precision(kDigits);
  const Mp width(scaled.bracket_width);
  EXPECT_GT(width, 0);
  EXPECT_GT(Mp(exact.f_star), Mp(scaled.f_star_upper) - 10 * width);
  EXPECT_LT(Mp(exact.f_star), Mp(scaled.f_star_lower) + 10 * width);
  EXPECT_FALSE(Mp(exact.f_star) <= Mp(scaled.f_star_upper) - 10 * width);
}

// The columns of a CSR matrix that hold a nonzero, in order.
std::vector<int> nonzero_columns(const Dataset<double>& sparse) {
  const int* inner = sparse.Xs.innerIndexPtr();
  std::vector<int> used(inner, inner + sparse.Xs.nonZeros());
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  return used;
}

// Those columns as a dense matrix: the same problem (a column of zeros leaves f unchanged and has
// w_lambda_j = 0), small enough for the 100-digit reference.
Dataset<double> compacted(const Dataset<double>& sparse) {
  const std::vector<int> used = nonzero_columns(sparse);
  std::vector<std::ptrdiff_t> position(static_cast<std::size_t>(sparse.d()), -1);
  for (std::size_t k = 0; k < used.size(); ++k) position[used[k]] = static_cast<std::ptrdiff_t>(k);
  Dataset<double> dense;
  dense.X = RowMatrix<double>::Zero(sparse.n(), static_cast<std::ptrdiff_t>(used.size()));
  for (std::ptrdiff_t i = 0; i < sparse.n(); ++i)
    for (SparseRowMatrix<double>::InnerIterator it(sparse.Xs, i); it; ++it)
      dense.X(i, position[it.col()]) = it.value();
  dense.y = sparse.y;
  dense.spec = sparse.spec + " (nonzero columns)";
  return dense;
}

TEST(ReferenceAgreement, WideCsrDataGetsATightBracketAndTheExactHmin) {
  // d = 2^18 columns, 3 nonzeros a row: the margins' rounding bound follows a row's 3 terms, not
  // d (with d it alone was 2 d^2 u^2 ||w|| ~ 1e-20 ||w||, wider than the target), and n < d makes
  // h_min = lambda exactly (X has a null space). The independent reference: the 100-digit MPFR
  // reference of the same problem on its nonzero columns only.
  const Dataset<double> sparse = make_dataset("planted:n=60,d=262144,nnz=3,gamma=0.0001,seed=3");
  ASSERT_TRUE(sparse.sparse);
  const Dataset<double> dense = compacted(sparse);
  ASSERT_LT(dense.d(), 200);
  for (const double lambda : {1e-3, 1e-5}) {
    const MpReference exact = compute_reference_mp(dense, lambda, kDigits);
    const ScaledResult s = compute_reference_scaled(sparse, lambda);
    const MpDigits precision(kDigits);
    const Mp f_exact(exact.f_star);
    EXPECT_GE(f_exact, Mp(s.f_star_lower)) << lambda;
    EXPECT_LE(f_exact, Mp(s.f_star_upper)) << lambda;
    EXPECT_LE(Mp(s.bracket_width), Mp(1e-20) * f_exact) << lambda;
    // w agrees on the nonzero columns and is 0 elsewhere, within the gradient bounds.
    const std::vector<int> used = nonzero_columns(sparse);
    Mp distance2(0);
    std::size_t k = 0;
    for (std::ptrdiff_t j = 0; j < sparse.d(); ++j) {
      const bool nonzero = k < used.size() && used[k] == j;
      const Mp t = Mp(s.w[j]) - (nonzero ? Mp(exact.w[k++]) : Mp(0));
      distance2 += t * t;
    }
    EXPECT_EQ(k, used.size());
    EXPECT_LE(sqrt(distance2),
              (Mp(exact.grad_norm) + 2 * Mp(s.grad_norm)) / Mp(lambda) + Mp(1e-30));
    // h_min = lambda, to the printing of lambda in 18 digits (5e-18 relative).
    EXPECT_EQ(std::stod(s.h_min), lambda);
    EXPECT_LE(s.h_min_uncertainty, 1e-17 * lambda) << lambda;
    EXPECT_LE(abs(Mp(exact.h_min) - Mp(s.h_min)),
              Mp(exact.h_min_uncertainty) + Mp(s.h_min_uncertainty))
        << lambda;
    EXPECT_LE(abs(Mp(exact.h_max) - Mp(s.h_max)),
              Mp(exact.h_max_uncertainty) + Mp(s.h_max_uncertainty))
        << lambda;
  }
}

// A random symmetric matrix with a known spectrum: Q diag(eigenvalues) Q^T.
Matrix<double> with_spectrum(const Vector<double>& eigenvalues, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal;
  const std::ptrdiff_t d = eigenvalues.size();
  Matrix<double> g(d, d);
  for (std::ptrdiff_t i = 0; i < d; ++i)
    for (std::ptrdiff_t j = 0; j < d; ++j) g(i, j) = normal(random);
  const Eigen::HouseholderQR<Matrix<double>> qr(g);
  const Matrix<double> q = qr.householderQ();
  return q * eigenvalues.asDiagonal() * q.transpose();
}

TEST(Lanczos, ResidualBoundsContainTheExactExtremeEigenvalues) {
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    const std::ptrdiff_t d = 400;
    Vector<double> spectrum(d);
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> uniform(1e-3, 1);
    for (std::ptrdiff_t i = 0; i < d; ++i) spectrum(i) = uniform(random);
    spectrum(0) = 1e-4;
    spectrum(d - 1) = 1.5;
    const Matrix<double> a = with_spectrum(spectrum, seed + 10);
    const auto apply = [&](const Vector<double>& v) { return Vector<double>(a * v); };
    for (const int steps : {60, 150, 400}) {
      const ExtremeRitzPairs r = lanczos_extremes(apply, d, steps, seed);
      const double ay_error = 4 * d * std::numeric_limits<double>::epsilon() * 1.5;
      const double bound_max =
          residual_bound(r.max.vector, apply(r.max.vector), r.max.value, ay_error);
      const double bound_min =
          residual_bound(r.min.vector, apply(r.min.vector), r.min.value, ay_error);
      EXPECT_LE(std::abs(r.max.value - 1.5), bound_max) << seed << " " << steps;
      EXPECT_LE(std::abs(r.min.value - 1e-4), bound_min) << seed << " " << steps;
      // Interlacing: Ritz values never leave the spectrum's hull (up to rounding).
      EXPECT_LE(r.max.value, 1.5 + 1e-12);
      EXPECT_GE(r.min.value, 1e-4 - 1e-12);
      if (steps == d) {
        EXPECT_LT(bound_max, 1e-10);
        EXPECT_LT(bound_min, 1e-10);
      }
    }
  }
}

TEST(ReferenceDispatch, ChoosesByTheMpfrCostAndParsesTheMethod) {
  Dataset<double> big;
  big.X = RowMatrix<double>::Zero(20000, 64);
  big.y = Vector<double>::Ones(20000);
  EXPECT_EQ(resolve_reference_method(big, ReferenceMethod::automatic), ReferenceMethod::scaled);
  EXPECT_EQ(resolve_reference_method(big, ReferenceMethod::mpfr), ReferenceMethod::mpfr);
  EXPECT_EQ(parse_reference_method("scaled"), ReferenceMethod::scaled);
  EXPECT_EQ(parse_reference_method("auto"), ReferenceMethod::automatic);
  EXPECT_THROW(parse_reference_method("fast"), std::invalid_argument);
}

}  // namespace
}  // namespace largestep
