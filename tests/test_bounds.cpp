// Tests for theory/bounds.h: each bound at a point worked out by hand (the arithmetic is in the
// comment; logarithms to 20 digits: ln 100 = 4.60517018598809136, ln 1e4 = 9.21034037197618274,
// ln 1e6 = 13.8155105579642741, ln 1e8 = 18.4206807439523655), to 1e-12 relative.
#include <gtest/gtest.h>

#include <cmath>

#include "theory/bounds.h"

namespace largestep::theory {
namespace {

constexpr double kRel = 1e-12;

void ExpectRelNear(double got, double want) {
  EXPECT_NEAR(got, want, kRel * std::abs(want)) << "got " << got << ", want " << want;
}

TEST(Bounds, E3NormSquaredBound) {
  // 2 + ln(100)^2 / 0.1^2 = 2 + 21.2075924419135920 / 0.01 = 2122.75924419135920
  ExpectRelNear(e3_w_norm_squared_bound(1e-2, 0.1), 2122.75924419135920);
  // 2 + ln(1e6)^2 / 0.05^2 = 2 + 190.868331977222328 (= 13.8155105579642741^2) * 400 =
  // 76349.3327908889314
  ExpectRelNear(e3_w_norm_squared_bound(1e-6, 0.05), 76349.3327908889314);
}

TEST(Bounds, E3LossBound) {
  // 0.01 (1 + 21.2075924419135920 / (2 * 0.01)) = 0.01 (1 + 1060.37962209567960)
  // = 10.6137962209567960
  ExpectRelNear(e3_loss_bound(1e-2, 0.1), 10.6137962209567960);
  // 1e-6 (1 + 190.868331977222328 / 0.005) = 1e-6 (1 + 38173.6663954444657) = 0.0381746663954444657
  ExpectRelNear(e3_loss_bound(1e-6, 0.05), 0.0381746663954444657);
}

TEST(Bounds, E4SharpnessBound) {
  // lambda ||w|| / gamma = 1e-4 * 30 / 0.1 = 0.03
  ExpectRelNear(e4_sharpness_bound(1e-4, 30, 0.1), 0.03);
}

TEST(Bounds, E5EtaLocLowerBoundAndDeviationFactor) {
  // 2 / (1e-4 (1 + 30 / 0.1)) = 2 / 0.0301 = 66.4451827242524917
  ExpectRelNear(e5_eta_loc_lower_bound(1e-4, 30, 0.1), 66.4451827242524917);
  // 1 - eta h: 1 - 3 * 0.5 = -0.5 (past the stability edge), 1 - 0.1 * 2 = 0.8
  ExpectRelNear(e5_deviation_factor(3, 0.5), -0.5);
  ExpectRelNear(e5_deviation_factor(0.1, 2), 0.8);
}

TEST(Bounds, E6GapBound) {
  // (1 - 4 * 0.01)^100 * 0.5 = 0.96^100 / 2 = 0.0168703193588496503 / 2 = 0.00843515967942482515
  ExpectRelNear(e6_gap_bound(4, 0.01, 100, 0.5), 0.00843515967942482515);
  // t = 0: the initial gap itself
  ExpectRelNear(e6_gap_bound(4, 0.01, 0, 0.5), 0.5);
}

TEST(Bounds, E7AverageLossAndNormBounds) {
  // s = gamma^2 eta t = 0.01 * 10 * 1000 = 100:
  // (1 + ln(100)^2 + 10^2/4) / 100 = (1 + 21.2075924419135920 + 25) / 100 = 0.472075924419135920
  ExpectRelNear(e7_average_loss_bound(0.1, 10, 1000), 0.472075924419135920);
  // (sqrt 2 + 2 ln 100 + 10) / 0.1 = (1.41421356237309505 + 9.21034037197618274 + 10) / 0.1
  //   = 206.245539343492778
  ExpectRelNear(e7_norm_bound(0.1, 10, 1000), 206.245539343492778);
  // At gamma^2 eta t = 1 the logarithms vanish: (1 + 0 + 1/4) / 1 and (sqrt 2 + 0 + 1) / 0.1.
  ExpectRelNear(e7_average_loss_bound(0.1, 1, 100), 1.25);
  ExpectRelNear(e7_norm_bound(0.1, 1, 100), 24.1421356237309505);
}

TEST(Bounds, E7PhaseTransitionTime) {
  // r = (10 + 2)/10 = 1.2, r ln r = 0.219; max{10, 2, e, 0.219} = 10: 60 / 0.01 * 10 = 60000
  ExpectRelNear(e7_phase_transition_time(0.1, 10, 2), 60000);
  // eta = 1, n = 1: r = 2, r ln r = 1.386; max{1, 1, e, 1.386} = e: 6000 e = 16309.6909707542714
  ExpectRelNear(e7_phase_transition_time(0.1, 1, 1), 16309.6909707542714);
  // eta = 0.01, n = 200: r = 20001, r ln r = 20001 * 9.90353755128616971 = 198080.654563274680:
  // 6000 * 198080.654563274680 = 1188483927.37964808
  ExpectRelNear(e7_phase_transition_time(0.1, 0.01, 200), 1188483927.37964808);
}

TEST(Bounds, E7Acceleration) {
  // 120 max{e, 2} / 0.01 = 12000 e = 32619.3819415085428; 120 * 200 / 0.0025 = 9.6e6
  ExpectRelNear(e7_minimum_horizon(0.1, 2), 32619.3819415085428);
  ExpectRelNear(e7_minimum_horizon(0.05, 200), 9.6e6);
  // 0.01 * 40000 / 120 = 3.33333333333333333
  ExpectRelNear(e7_acceleration_stepsize(0.1, 40000), 10.0 / 3.0);
  // s = 0.1^4 * 40000^2 = 160000, ln s = 11.9829290942159640:
  // 480 * 143.590589677007423 / 160000 = 3 * 11.9829290942159640^2 / 1000 = 0.430771769031022268
  ExpectRelNear(e7_final_loss_bound(0.1, 40000), 0.430771769031022268);
}

TEST(Bounds, S2Stepsize) {
  // 0.1 / sqrt(1e-4) = 10; with C1 = 4: 0.1 / sqrt(4e-4) = 0.1 / 0.02 = 5
  ExpectRelNear(s2_stepsize(0.1, 1e-4), 10);
  ExpectRelNear(s2_stepsize(0.1, 1e-4, 4), 5);
  // ln(1e8) / (0.1 * 0.01) = 18.4206807439523655 * 1000 = 18420.6807439523655
  ExpectRelNear(s2_step_scale(0.1, 1e-4, 1e-8), 18420.6807439523655);
}

TEST(Bounds, S3Stepsize) {
  // cbrt(0.01 / 1e-4) = cbrt(100) = 4.64158883361277889; C1 = 8: cbrt(12.5) = 2.32079441680638945
  ExpectRelNear(s3_stepsize(0.1, 1e-4), 4.64158883361277889);
  ExpectRelNear(s3_stepsize(0.1, 1e-4, 8), 2.32079441680638945);
  // ln(1e8) / (1e-5)^(2/3) = 18.4206807439523655 / 4.64158883361277889e-4 = 39686.1536087733037
  ExpectRelNear(s3_step_scale(0.1, 1e-4, 1e-8), 39686.1536087733037);
}

TEST(Bounds, S1AndS8StepScales) {
  // kappa ln(1/eps) = 1000 * 18.4206807439523655 = 18420.6807439523655
  ExpectRelNear(s1_step_scale(1000, 1e-8), 18420.6807439523655);
  // sqrt(1000) * 18.4206807439523655 = 31.6227766016837933 * 18.4206807439523655 =
  // 582.513072016944074
  ExpectRelNear(s8_step_scale(1000, 1e-8), 582.513072016944074);
}

TEST(Bounds, S4PhaseScale) {
  // max{eta, n, n ln n / eta} / gamma^2, n ln n = 200 ln 200 = 1059.66347330960734:
  // eta = 10: max{10, 200, 105.97} / 0.01 = 20000; eta = 1000: 1000 / 0.01 = 1e5;
  // eta = 1: 1059.66347330960734 / 0.01 = 105966.347330960734
  ExpectRelNear(s4_phase_scale(10, 200, 0.1), 20000);
  ExpectRelNear(s4_phase_scale(1000, 200, 0.1), 1e5);
  ExpectRelNear(s4_phase_scale(1, 200, 0.1), 105966.347330960734);
}

TEST(Bounds, S5MonotoneStepScale) {
  // ln(1e8) / (1e-4 ln(1e4)^2) = 18.4206807439523655 / (1e-4 * 84.8303697676543682)
  //   = 18.4206807439523655 / 0.00848303697676543682 = 2171.47240951625914
  ExpectRelNear(s5_monotone_step_scale(1e-4, 1e-8), 2171.47240951625914);
}

TEST(Bounds, S6Ratio) {
  // eta_loc lambda ln(1/lambda) = 30000 * 1e-4 * 9.21034037197618274 = 27.6310211159285482
  ExpectRelNear(s6_ratio(30000, 1e-4), 27.6310211159285482);
}

TEST(Bounds, S9Scales) {
  // m = min{eta t, 1/lambda} = min{10 * 100, 1e4} = 1000; ln(e + 0.01 * 1000) = ln(12.7182818)
  //   = 2.54304047240933452; (10^2 + 2.54304047240933452^2) / (0.01 * 1000)
  //   = (100 + 6.46705484431189131) / 10 = 10.6467054844311891
  ExpectRelNear(s9_average_loss_scale(0.1, 10, 1e-4, 100), 10.6467054844311891);
  // (10 + 2.54304047240933452) / 0.1 = 125.430404724093345
  ExpectRelNear(s9_norm_scale(0.1, 10, 1e-4, 100), 125.430404724093345);
  // The other branch of the min: m = min{10 * 1e4, 1/1e-3} = 1000 again, same values.
  ExpectRelNear(s9_average_loss_scale(0.1, 10, 1e-3, 10000), 10.6467054844311891);
  ExpectRelNear(s9_norm_scale(0.1, 10, 1e-3, 10000), 125.430404724093345);
}

}  // namespace
}  // namespace largestep::theory
