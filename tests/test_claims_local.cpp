// The local claims (E5, S6, S7): the judges pass on correct numbers and fail on doctored ones, the
// measurements agree with closed forms on 1-D data, and the family's measurement document, written
// and read back, gives the in-memory verdicts, while a malformed one is rejected naming the field.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "largestep/data/generators.h"
#include "largestep/reference/certified.h"
#include "theory/bounds.h"
#include "theory/checker.h"
#include "theory/claims_local.h"

namespace largestep::theory {
namespace {

// ---- E5 -------------------------------------------------------------------------------------

E5FactorRun factor_run(double fraction, double predicted, double error) {
  E5FactorRun r;
  r.lambda = 1e-2;
  r.eta_fraction = fraction;
  r.predicted = predicted;
  r.min_factor = r.max_factor = predicted * (1 + error);
  r.max_relative_error = error;
  r.steps = 200;
  return r;
}

TEST(JudgeE5Factors, PassesWhenFactorsMatchAndStraddleOne) {
  const Verdict v = judge_e5_factors(
      "oned", {factor_run(0.999, -0.998, 1e-15), factor_run(1.001, -1.002, 1e-15)});
  EXPECT_EQ(v.outcome, Outcome::pass) << v.reason;
  EXPECT_EQ(v.claim, "E5");
  EXPECT_EQ(v.details["runs"].size(), 2u);
}

TEST(JudgeE5Factors, FailsOnAFactorOffInTheFifthDigit) {
  const Verdict v =
      judge_e5_factors("oned", {factor_run(0.999, -0.998, 2e-5), factor_run(1.001, -1.002, 1e-15)});
  EXPECT_EQ(v.outcome, Outcome::fail);
}

TEST(JudgeE5Factors, FailsWhenTheDeviationGrowsBelowEtaLoc) {
  E5FactorRun below = factor_run(0.999, -0.998, 1e-15);
  below.min_factor = -1.0001;  // one step grew
  const Verdict v = judge_e5_factors("oned", {below, factor_run(1.001, -1.002, 1e-15)});
  EXPECT_EQ(v.outcome, Outcome::fail);
}

TEST(JudgeE5Factors, InconclusiveWithoutRuns) {
  EXPECT_EQ(judge_e5_factors("oned", {}).outcome, Outcome::inconclusive);
}

TEST(JudgeE5LowerBound, PassesAboveTheBoundFailsBelowAndNeedsSeparability) {
  const double bound = e5_eta_loc_lower_bound(1e-2, 3.0, 0.5);
  EXPECT_EQ(judge_e5_lower_bound("d", {{1e-2, 1.5 * bound, 3.0, 0.5}}, "").outcome, Outcome::pass);
  EXPECT_EQ(judge_e5_lower_bound("d", {{1e-2, 0.99 * bound, 3.0, 0.5}}, "").outcome, Outcome::fail);
  EXPECT_EQ(judge_e5_lower_bound("d", {{1e-2, 1.5 * bound, 3.0, 0.5}}, "not separable").outcome,
            Outcome::inconclusive);
}

// At 30 digits the start's offset must sit well above the rounding (1e-30 |w|) and well below
// the scale where the curvature changes (|w| ~ 1): 1e-12 leaves 1e-12 relative for both.
TEST(MeasureE5Factor, OnOnedAt30DigitsMatchesOneMinusEtaHMax) {
  const Dataset<double> data = make_oned();
  const MpReference ref = compute_reference_mp(data, 1e-2, 30);
  const E5Options options{60, 1e-12};
  const double eta_loc = std::stod(ref.eta_loc), h_max = std::stod(ref.h_max);
  for (const double fraction : {1 - kE5EtaOffset, 1 + kE5EtaOffset}) {
    const E5FactorRun r = measure_e5_factor(data, ref, fraction, options);
    EXPECT_DOUBLE_EQ(r.eta, fraction * eta_loc);
    EXPECT_NEAR(r.predicted, 1 - r.eta * h_max, 1e-15);
    EXPECT_LE(r.max_relative_error, 1e-9) << fraction;
    EXPECT_NEAR(r.min_factor, r.predicted, 1e-9);
    EXPECT_NEAR(r.max_factor, r.predicted, 1e-9);
    EXPECT_EQ(std::abs(r.min_factor) < 1, fraction < 1);
  }
}

// ---- S6 -------------------------------------------------------------------------------------

std::vector<S6Point> oned_s6_points(const std::vector<double>& lambdas) {
  std::vector<S6Point> points;
  for (const double lambda : lambdas) {
    const Reference r = compute_reference_mp(make_oned(), lambda).to_double();
    points.push_back({lambda, r.eta_loc, r.w.norm()});
  }
  return points;
}

// For x = y = 1, e^-w ~ lambda w at the optimum, so R = 2 ln(1/lambda) / (1 + w) -> 2 slowly
// from above; the paper quotes about 2.2.
TEST(S6, OnOnedTheRatioStaysNearTwoPointTwo) {
  const std::vector<S6Point> points = oned_s6_points({1e-4, 1e-6, 1e-8, 1e-10, 1e-11, 1e-12});
  for (const S6Point& p : points) {
    const double r = s6_ratio(p.eta_loc, p.lambda);
    EXPECT_GT(r, 2.0) << p.lambda;
    EXPECT_LT(r, 2.3) << p.lambda;
  }
  const Verdict v = judge_s6("oned", points, "", 1.0);
  EXPECT_EQ(v.outcome, Outcome::pass) << v.measured;
  EXPECT_EQ(v.details["points"].size(), points.size());
}

TEST(JudgeS6, FailsWhenTheRatioDriftsAndNeedsATail) {
  // eta_loc = 1/lambda: R = ln(1/lambda) grows without bound.
  std::vector<S6Point> drifting;
  for (const double lambda : {1e-4, 1e-8, 1e-12, 1e-14, 1e-16})
    drifting.push_back({lambda, 1 / lambda, 1});
  EXPECT_EQ(judge_s6("d", drifting, "", 1.0).outcome, Outcome::fail);
  // R constant but only one lambda within two decades of the smallest: no tail to fit.
  std::vector<S6Point> sparse;
  for (const double lambda : {1e-4, 1e-8, 1e-16})
    sparse.push_back({lambda, 2 / (lambda * std::log(1 / lambda)), 1});
  EXPECT_EQ(judge_s6("d", sparse, "", 1.0).outcome, Outcome::inconclusive);
  EXPECT_EQ(judge_s6("d", drifting, "max ||x_i|| > 1", 1.0).outcome, Outcome::inconclusive);
}

// ---- S7 -------------------------------------------------------------------------------------

S7Run s7_run(double fraction, bool converged, double late_min_gap) {
  S7Run r;
  r.lambda = 1e-2;
  r.eta_fraction = fraction;
  r.converged = converged;
  r.settled = converged ? StepCount{40, false} : StepCount{20001, true};
  r.late_min_gap = late_min_gap;
  r.eps = 1e-10;
  r.max_norm = 10;
  r.norm_bound = 100;
  return r;
}

TEST(JudgeS7, PassesWhenEtaLocSeparatesConvergenceFromOscillation) {
  const std::vector<S7Run> runs = {s7_run(0.9, true, INFINITY), s7_run(1.1, false, 1e-3)};
  EXPECT_EQ(judge_s7("oned", runs, "").outcome, Outcome::pass);
}

TEST(JudgeS7, FailsOnAStuckRunBelowAConvergedRunAboveOrAnEscape) {
  EXPECT_EQ(judge_s7("d", {s7_run(0.9, false, 1e-3), s7_run(1.1, false, 1e-3)}, "").outcome,
            Outcome::fail);
  EXPECT_EQ(judge_s7("d", {s7_run(0.9, true, INFINITY), s7_run(1.1, true, INFINITY)}, "").outcome,
            Outcome::fail);
  S7Run escaped = s7_run(1.1, false, 1e-3);
  escaped.max_norm = 1000;
  EXPECT_EQ(judge_s7("d", {s7_run(0.9, true, INFINITY), escaped}, "").outcome, Outcome::fail);
}

TEST(JudgeS7, InconclusiveOnUndecidedRunsOrFailedAssumptions) {
  // Above eta_loc, not settled, but the gap dipped below eps late: maybe converging slowly.
  EXPECT_EQ(judge_s7("d", {s7_run(0.9, true, INFINITY), s7_run(1.1, false, 1e-12)}, "").outcome,
            Outcome::inconclusive);
  EXPECT_EQ(judge_s7("d", {s7_run(0.9, true, INFINITY)}, "d = 2, not 1-D").outcome,
            Outcome::inconclusive);
  EXPECT_EQ(judge_s7("d", {}, "").outcome, Outcome::inconclusive);
}

// ---- end to end -----------------------------------------------------------------------------

TEST(CheckLocalClaims, QuickProfilePassesEverywhere) {
  CheckContext ctx;
  ctx.reference = certified_reference;
  const std::vector<Verdict> verdicts = check_local_claims(ctx);
  EXPECT_EQ(verdicts.size(), 11u);  // E5 x 2 on 3 datasets, S6 on 3, S7 on 2
  for (const Verdict& v : verdicts)
    EXPECT_EQ(v.outcome, Outcome::pass) << v.claim << " " << v.dataset << ": " << v.reason;
}

// The quick suite's document, written and read back, gives the verdicts of the in-memory run; its
// non-finite numbers (S7's late_min_gap of runs that settled early) survive as "inf".
TEST(LocalDocument, JudgingTheWrittenDocumentGivesTheInMemoryVerdicts) {
  CheckContext ctx;
  ctx.reference = certified_reference;
  const nlohmann::json doc = nlohmann::json::parse(measure_local(ctx).dump());
  EXPECT_EQ(doc["family"], "local");
  EXPECT_EQ(doc["suite"], "quick");
  int infinite = 0;
  for (const nlohmann::json& run : doc["s7"][0]["runs"]) infinite += run["late_min_gap"] == "inf";
  EXPECT_GT(infinite, 0);
  const auto rendered = [](const std::vector<Verdict>& v) {
    return verdict_json({.profile = "quick", .verdicts = v, .seconds = 0});
  };
  const std::vector<Verdict> judged = judge_local(doc);
  EXPECT_EQ(judged.size(), 11u);
  EXPECT_EQ(rendered(judged), rendered(check_local_claims(ctx)));

  // Doctored: a factor off in the fifth digit fails E5 on the first dataset.
  nlohmann::json doctored = doc;
  doctored["e5"][0]["runs"][1]["max_relative_error"] = 2e-5;
  const std::vector<Verdict> failed = judge_local(doctored);
  EXPECT_EQ(failed[0].outcome, Outcome::fail) << failed[0].measured;
  EXPECT_EQ(failed[1].outcome, judged[1].outcome);

  // Malformed: each error names the family and the field.
  const auto rejection = [](const nlohmann::json& d) -> std::string {
    try {
      judge_local(d);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  nlohmann::json bad = doc;
  bad["s7"][1]["runs"][3]["settled_at_least"] = 7;
  EXPECT_NE(rejection(bad).find("local measurements: field 's7[1].runs[3].settled': "),
            std::string::npos)
      << rejection(bad);
  bad = doc;
  bad["s6"][2]["points"][0]["eta_loc"] = nullptr;
  EXPECT_EQ(rejection(bad),
            "local measurements: field 's6[2].points[0].eta_loc': expected a number (or \"inf\", "
            "\"-inf\", \"nan\"), got null");
  bad = doc;
  bad.erase("e5");
  EXPECT_EQ(rejection(bad), "local measurements: field 'e5': missing");
}

}  // namespace
}  // namespace largestep::theory
