// The population claim (S10): the judge passes on the claimed scalings and fails on doctored ones;
// the family's measurement document, written and read back, gives the in-memory verdict; and the
// verdict the checker writes, with a censored count, is drawn by plots/fig_population.py.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "largestep/core/gradient_descent.h"
#include "largestep/data/generators.h"
#include "largestep/kernel/output.h"
#include "largestep/reference/reference.h"
#include "cli_runner.h"
#include "temp_dir.h"
#include "theory/checker.h"
#include "theory/claims_population.h"

namespace largestep::theory {
namespace {

// Steps growing exactly like the claims (n ln n, n^(2/3) ln n, n^(1/2) ln n) and a risk
// ln^2(n)/n (the tolerance's limit), times `large_exponent` for the large stepsize to doctor it;
// n = 2^7 .. 2^14, the paper study's sizes.
std::vector<S10Point> s10_points(double large_exponent = 2.0 / 3) {
  std::vector<S10Point> points;
  for (int k = 7; k <= 14; ++k) {
    const double n = std::ldexp(1.0, k), ln = std::log(n);
    S10Point p;
    p.n = std::int64_t{1} << k;
    p.eta_large = std::cbrt(n);
    p.small = {static_cast<std::int64_t>(2 * n * ln), false};
    p.large = {static_cast<std::int64_t>(3 * std::pow(n, large_exponent) * ln), false};
    p.nesterov = {static_cast<std::int64_t>(std::sqrt(n) * ln), false};
    p.risk_at_w_lambda = ln * ln / n;
    p.risk_standard_error = 0.01 * p.risk_at_w_lambda;
    p.risk_target = 1.1 * p.risk_at_w_lambda + 1 / n;
    p.worst_final_risk_ratio = 1.01;
    points.push_back(p);
  }
  return points;
}

// The points as the measurement holds them, with a held-out sample of kS10TestSize.
PopulationMeasurement measurement(std::vector<S10Point> points,
                                  std::string assumption_failure = "") {
  return {"planted",        std::move(assumption_failure),
          kS10TestSize,     kS10TargetC,
          kS10TargetBigC,   kS10ScheduleRatio,
          std::move(points)};
}

TEST(JudgeS10, PassesOnTheClaimedScalings) {
  const Verdict v = judge_s10(measurement(s10_points()));
  EXPECT_EQ(v.outcome, Outcome::pass) << v.measured << " / " << v.reason;
  EXPECT_NEAR(v.details["slope_eta1"].get<double>(), 1, 0.02);
  EXPECT_NEAR(v.details["slope_large"].get<double>(), 2.0 / 3, 0.02);
  EXPECT_NEAR(v.details["slope_nesterov"].get<double>(), 0.5, 0.02);
  EXPECT_NE(v.measured.find("risk*n per n: 23.5, 30.7,"), std::string::npos) << v.measured;
  EXPECT_NE(v.predicted.find("minimum evidence: at least 4 sizes n over 2 decades"),
            std::string::npos);
}

TEST(JudgeS10, FailsWhenTheLargeStepsizeIsNoFasterOrTheRiskStalls) {
  EXPECT_EQ(judge_s10(measurement(s10_points(1.0))).outcome, Outcome::fail);
  std::vector<S10Point> stalled = s10_points();
  for (S10Point& p : stalled) {
    p.risk_at_w_lambda = 0.1 / std::pow(static_cast<double>(p.n), 0.3);
    p.risk_standard_error = 0.01 * p.risk_at_w_lambda;
  }
  EXPECT_EQ(judge_s10(measurement(stalled)).outcome, Outcome::fail);
  std::vector<S10Point> off_optimum = s10_points();
  off_optimum.back().worst_final_risk_ratio = 1.5;
  EXPECT_EQ(judge_s10(measurement(off_optimum)).outcome, Outcome::fail);
}

// Reproduction 5: the risk slope passed only under a ln^3 n tolerance while risk*n grew from 29.7
// to 148. The tolerance is ln^2 n: risk*n growing like ln^3 n fails, and the verdict says the
// O~(1/n) risk is not reached over the measured n.
TEST(JudgeS10, RiskTimesNGrowingLikeLnCubedFailsTheLnSquaredTolerance) {
  std::vector<S10Point> cubed = s10_points();
  for (S10Point& p : cubed) {
    const double n = static_cast<double>(p.n), ln = std::log(n);
    p.risk_at_w_lambda = 0.2 * ln * ln * ln / n;
    p.risk_standard_error = 0.01 * p.risk_at_w_lambda;
  }
  const Verdict v = judge_s10(measurement(cubed));
  EXPECT_EQ(v.outcome, Outcome::fail) << v.measured;
  EXPECT_NE(v.reason.find("faster than ln^2 n, so the O~(1/n) risk is not reached over n = "
                          "128..16384"),
            std::string::npos)
      << v.reason;
  // The numbers the issue measured: risk*n 29.7 .. 148 over n = 2^7 .. 2^13 (1.8 decades, under
  // today's minimum: judged here with the minimum lowered to them).
  const std::vector<double> issue = {29.7, 40.9, 55.7, 73.8, 94.9, 120.1, 148.3};
  std::vector<S10Point> measured = s10_points();
  measured.pop_back();
  for (std::size_t i = 0; i < measured.size(); ++i)
    measured[i].risk_at_w_lambda = issue[i] / static_cast<double>(measured[i].n);
  S10Test their_range;
  their_range.minimum.decades = 1.8;
  EXPECT_EQ(judge_s10(measurement(measured), their_range).outcome, Outcome::fail);
  S10Test cubic;  // and under the old ln^3 n tolerance they passed
  cubic.minimum.decades = 1.8;
  cubic.risk_log_power = 3;
  EXPECT_EQ(judge_s10(measurement(measured), cubic).outcome, Outcome::pass);
}

TEST(JudgeS10, InconclusiveOnCensoredCountsMissingPointsOrAssumptions) {
  std::vector<S10Point> censored = s10_points();
  censored.back().small.lower_bound = true;
  EXPECT_EQ(judge_s10(measurement(censored)).outcome, Outcome::inconclusive);
  std::vector<S10Point> missing = s10_points();
  missing.front().failure = "reference solver failed";
  EXPECT_EQ(judge_s10(measurement(missing)).outcome, Outcome::inconclusive);
  EXPECT_EQ(judge_s10(measurement(s10_points(), "not separable")).outcome, Outcome::inconclusive);
}

// The minimum evidence: sizes over two decades (the quick study's 2^7 .. 2^10 has 0.9), and a
// risk measured on a large held-out sample to 5%. Below it even a failing fit is inconclusive.
TEST(JudgeS10, BelowTheMinimumEvidenceItIsInconclusiveWhateverTheFit) {
  std::vector<S10Point> quick = s10_points(1.0);  // a large-stepsize slope that would fail
  quick.resize(4);
  const Verdict v = judge_s10(measurement(quick));
  EXPECT_EQ(v.outcome, Outcome::inconclusive);
  EXPECT_NE(v.reason.find("4 sizes n over 0.9 decades"), std::string::npos) << v.reason;
  EXPECT_NE(v.reason.find("the fit alone"), std::string::npos) << v.reason;
  PopulationMeasurement not_held_out = measurement(s10_points());
  not_held_out.held_out = 0;  // e.g. the risk on the training set
  const Verdict train = judge_s10(not_held_out);
  EXPECT_EQ(train.outcome, Outcome::inconclusive);
  EXPECT_NE(train.reason.find("0 held-out points"), std::string::npos) << train.reason;
  std::vector<S10Point> noisy = s10_points();
  noisy[3].risk_standard_error = 0.2 * noisy[3].risk_at_w_lambda;
  EXPECT_EQ(judge_s10(measurement(noisy)).outcome, Outcome::inconclusive);
}

// The count to the risk target against a brute-force count that evaluates the held-out risk at
// every step: the schedule finds the same streak, late by at most 2% (its resolution).
TEST(RiskCounter, MatchesAnEveryStepCountToTheScheduleResolution) {
  const Dataset<double> stream = make_planted({600, 10, 0.1, 1});
  const Dataset<double> train = planted_rows(stream, 0, 100, "train");
  const Dataset<double> held_out = planted_rows(stream, 100, 500, "held out");
  const LogisticObjective<double> f(train, 0.01), risk(held_out, 0.0);
  const Reference ref = compute_reference_double(train, 0.01);
  const double target = 1.02 * risk.loss(ref.w);  // tight: reached after the every-step start
  SolverOptions options;
  options.eta = 1;
  options.eps = 1e-8;
  options.max_steps = 100'000;
  std::vector<double> every;  // the risk at every step
  RiskCounter counter(risk, target, kS10ScheduleRatio);
  Vector<double> w = Vector<double>::Zero(train.d());
  const SolverResult r = gradient_descent(f, ref.f_star, options, w,
                                          [&](const TracePoint& p, const Vector<double>& x) {
                                            every.push_back(risk.loss(x));
                                            counter(p, x);
                                          });
  const StepCount count = counter.finish(r, w);
  std::int64_t brute = 0;  // the first t after which every risk is <= target
  for (std::size_t t = 0; t < every.size(); ++t)
    if (every[t] > target) brute = static_cast<std::int64_t>(t) + 1;
  ASSERT_FALSE(count.lower_bound);
  ASSERT_GT(brute, 150) << "past the schedule's every-step start";
  EXPECT_GE(count.value, brute);
  EXPECT_LE(static_cast<double>(count.value), 1.02 * static_cast<double>(brute) + 1);
  EXPECT_LT(counter.evaluations(), static_cast<std::int64_t>(every.size()) / 2);
  // A target the run never reaches: the count is a lower bound.
  RiskCounter never(risk, 1e-9, kS10ScheduleRatio);
  Vector<double> w2 = Vector<double>::Zero(train.d());
  const SolverResult r2 = gradient_descent(f, ref.f_star, options, w2, never);
  EXPECT_TRUE(never.finish(r2, w2).lower_bound);
}

// S10's test set relies on it: the first n rows of make_planted({N, ...}) are make_planted({n,
// ...}), so the later rows are fresh draws for the same w*.
TEST(PlantedRows, APrefixOfALongerStreamIsTheShorterDataset) {
  const Dataset<double> stream = make_planted({300, 10, 0.1, 1});
  const Dataset<double> short_one = make_planted({100, 10, 0.1, 1});
  const Dataset<double> prefix = planted_rows(stream, 0, 100, "prefix");
  EXPECT_EQ(prefix.X, short_one.X);
  EXPECT_EQ(prefix.y, short_one.y);
  const Dataset<double> rest = planted_rows(stream, 100, 200, "rest");
  EXPECT_EQ(rest.n(), 200);
  EXPECT_EQ(rest.X.row(0), stream.X.row(100));
}

// ---- the measurement document -------------------------------------------------------------------

CheckContext quick_context() {
  CheckContext ctx;
  ctx.reference = compute_reference_double;
  return ctx;
}

nlohmann::json rendered(const std::vector<Verdict>& verdicts) {
  return verdict_json({.profile = "quick", .verdicts = verdicts, .seconds = 0});
}

TEST(PopulationDocument, JudgingTheWrittenDocumentGivesTheInMemoryVerdict) {
  const nlohmann::json doc = nlohmann::json::parse(measure_population(quick_context()).dump());
  EXPECT_EQ(doc["family"], "population");
  EXPECT_EQ(doc["suite"], "quick");
  EXPECT_EQ(doc["format"], 2);
  EXPECT_EQ(doc["held_out"], kS10TestSize);
  ASSERT_EQ(doc["points"].size(), 4u);  // the study's n = 2^7 .. 2^10
  EXPECT_EQ(doc["points"][3]["n"], 1024);
  EXPECT_TRUE(doc["points"][0]["small_at_least"].is_null());  // measured, not censored
  for (const nlohmann::json& p : doc["points"]) {
    EXPECT_LT(p["large"].get<double>(), p["small"].get<double>()) << p.dump();  // eta n^(1/3) vs 1
    EXPECT_LT(p["risk_standard_error"].get<double>(), 0.05 * p["risk_at_w_lambda"].get<double>());
    EXPECT_GT(p["risk_target"].get<double>(), p["risk_at_w_lambda"].get<double>());
  }
  const std::vector<Verdict> judged = judge_population(doc);
  ASSERT_EQ(judged.size(), 1u);
  EXPECT_EQ(judged[0].dataset,
            "planted:d=10,gamma=0.1,seed=1, n = 2^7..2^10, lambda = 1/n; test: 100000 later draws");
  // 0.9 decades of n: below the minimum evidence (the behaviour changed on purpose: it passed).
  EXPECT_EQ(judged[0].outcome, Outcome::inconclusive) << judged[0].reason;
  EXPECT_NE(judged[0].reason.find("4 sizes n over 0.9 decades"), std::string::npos)
      << judged[0].reason;
  EXPECT_EQ(rendered(judged), rendered(check_population_claim(quick_context())));

  // With the sweep minimum lowered to what quick has, a censored count still decides nothing.
  S10Test lowered;
  lowered.minimum.decades = 0.9;
  const PopulationMeasurement m = read_population(doc);
  EXPECT_NE(judge_population_claim(m, lowered)[0].outcome, Outcome::inconclusive);
  PopulationMeasurement censored = m;  // the horizon cut off one count: not a pass any more
  censored.points[2].large.lower_bound = true;
  EXPECT_EQ(judge_population_claim(censored, lowered)[0].outcome, Outcome::inconclusive);

  nlohmann::json old = doc;  // format 1 counted to the training gap: refused, not misread
  old["format"] = 1;
  EXPECT_THROW(judge_population(old), std::invalid_argument);

  const auto rejection = [](const nlohmann::json& d) -> std::string {
    try {
      judge_population(d);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  nlohmann::json bad = doc;
  bad["points"][1]["nesterov_at_least"] = 3;  // measured and censored at once
  EXPECT_NE(rejection(bad).find("population measurements: field 'points[1].nesterov': 'nesterov' "
                                "and 'nesterov_at_least' must be"),
            std::string::npos)
      << rejection(bad);
  bad = doc;
  bad["points"][1].erase("nesterov_at_least");
  EXPECT_EQ(rejection(bad),
            "population measurements: field 'points[1].nesterov_at_least': missing");
}

// ---- figure 7 reads what the checker writes -----------------------------------------------------

// The claimed scalings with the eta = 1 count at n = 512 cut off by the horizon and the last n
// failed: both cases figure 7 must draw (open marker) or report (a failed point).
std::vector<S10Point> figure_points() {
  std::vector<S10Point> points = s10_points();
  points[2].small.lower_bound = true;
  S10Point failed;
  failed.n = points.back().n;
  failed.failure = "reference solver failed";
  points.back() = failed;
  return points;
}

// verdicts.json written as `verify` writes it, drawn by fig_population.py. With
// LARGESTEP_S10_FIXTURE_DIR set, the file is also copied there: plots/tests/
// make_population_fixture.py builds the plots' fixture from it.
TEST(PopulationFigure, DrawsTheWrittenVerdictWithACensoredCount) {
  PopulationMeasurement m = measurement(figure_points());
  m.dataset =
      "planted:d=10,gamma=0.1,seed=1, n = 2^7..2^14, lambda = 1/n; test: 100000 later draws";
  const Verdict v = judge_s10(m);
  ASSERT_EQ(v.outcome, Outcome::inconclusive);
  const nlohmann::json& censored = v.details["points"][2];
  EXPECT_TRUE(censored["settled_eta1"].is_null());
  EXPECT_EQ(censored["settled_eta1_at_least"], figure_points()[2].small.value);
  EXPECT_EQ(censored["settled_large"], figure_points()[2].large.value);
  EXPECT_TRUE(censored["settled_large_at_least"].is_null());

  const TempDir dir;
  const std::string verdicts =
      verdict_json({.profile = "quick", .verdicts = {v}, .seconds = 0}).dump(2) + "\n";
  write_file_atomically(dir.path("verdicts.json"), verdicts);
  if (const char* keep = std::getenv("LARGESTEP_S10_FIXTURE_DIR"); keep && *keep)
    write_file_atomically(std::string(keep) + "/verdicts.json", verdicts);

  const std::string png = dir.path("fig7.png");
  const CliOutcome drawn = run_command(
      fmt::format("MPLCONFIGDIR='{}' PYTHONDONTWRITEBYTECODE=1 {} '{}/fig_population.py' '{}' '{}'",
                  dir.path("mpl"), LARGESTEP_PYTHON, LARGESTEP_PLOTS_DIR, dir.path(""), png));
  ASSERT_EQ(drawn.code, 0) << drawn.output;
  EXPECT_NE(drawn.output.find("1 count(s) censored"), std::string::npos) << drawn.output;
  EXPECT_NE(drawn.output.find("1 point(s) failed"), std::string::npos) << drawn.output;
  std::ifstream in(png, std::ios::binary);
  std::array<char, 8> signature{};
  in.read(signature.data(), signature.size());
  EXPECT_EQ(std::string(signature.data(), 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_GT(std::filesystem::file_size(png), 5000u);
}

}  // namespace
}  // namespace largestep::theory
