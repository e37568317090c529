// Tests for score_weights: the gap of w_lambda itself is at the reference's precision, the gap of
// w = 0 is ln 2 - f*, the double and the exact gap agree to rounding, and the certified bound
// ||grad f||^2 / (2 lambda) holds.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "largestep/data/dataset_spec.h"
#include "largestep/reference/objective_mp.h"
#include "largestep/reference/score.h"

namespace largestep::theory {
namespace {

TEST(ScoreWeights, MeasuresTheGapOfGivenWeightsAgainstTheCertifiedOptimum) {
  const Dataset<double> data = make_dataset("toy4");
  const double lambda = 1e-3;
  const MpReference ref = cached_reference_mp(data, lambda);
  const Reference r = ref.to_double();
  const Vector<double> zero = Vector<double>::Zero(data.d());
  const Vector<double> off = r.w + Vector<double>::Constant(data.d(), 1e-3);
  const std::vector<WeightScore> s = score_weights(data, ref, {r.w, zero, off});
  ASSERT_EQ(s.size(), 3u);
  // w_lambda rounded to double: the gap is second order in the rounding, far below 1e-20.
  EXPECT_GE(s[0].gap_exact, 0);
  EXPECT_LT(s[0].gap_exact, 1e-20);
  EXPECT_NEAR(s[1].value, std::log(2.0), 1e-16);
  EXPECT_NEAR(s[1].gap_exact, std::log(2.0) - r.f_star, 1e-16);
  for (const WeightScore& x : s) {
    EXPECT_NEAR(x.gap, x.gap_exact, 1e-15);
    EXPECT_LE(x.gap_exact, x.gap_bound * (1 + 1e-12) + 1e-20);
  }
  EXPECT_GT(s[2].gap_exact, 1e-9);
}

// The exact evaluation streams the rows (no multiprecision copy of X): on dense and CSR data it
// agrees with LogisticObjective<Mp> over the whole multiprecision copy, the independent path, to
// far below double's rounding.
TEST(ScoreWeights, StreamedRowsAgreeWithTheMultiprecisionObjectiveDenseAndCsr) {
  for (const char* spec : {"planted:n=300,d=6,gamma=0.05,seed=2",
                           "planted:n=300,d=64,nnz=8,gamma=0.01,seed=2"}) {
    const Dataset<double> data = make_dataset(spec);
    const double lambda = 1e-3;
    const MpReference ref = cached_reference_mp(data, lambda);
    Vector<double> w = ref.to_double().w;
    w.array() += 0.01;
    const std::vector<WeightScore> s = score_weights(data, ref, {w});
    const MpDigits precision(ref.digits);
    const Dataset<Mp> data_mp = data.cast<Mp>();
    const LogisticObjective<Mp> f_mp(data_mp, Mp(lambda));
    Vector<Mp> grad;
    const Mp value = f_mp.value_and_gradient(w.cast<Mp>(), grad);
    const Mp gap = value - Mp(ref.f_star);
    ASSERT_EQ(data.sparse, std::string(spec).find("nnz") != std::string::npos) << spec;
    EXPECT_LT(abs(Mp(s[0].exact.gap) - gap), Mp(1e-18) * abs(gap)) << spec;
    EXPECT_LT(abs(Mp(s[0].exact.grad_norm) - grad.norm()), Mp(1e-19) * grad.norm()) << spec;
    EXPECT_GT(s[0].gap_exact, 0) << spec;
  }
}

TEST(ScoreWeights, RejectsAWrongDimension) {
  const Dataset<double> data = make_dataset("toy4");
  const MpReference ref = cached_reference_mp(data, 1e-3);
  EXPECT_THROW(score_weights(data, ref, {Vector<double>::Zero(3)}), std::invalid_argument);
}

}  // namespace
}  // namespace largestep::theory
