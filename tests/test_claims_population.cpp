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
// ln^2(n)/n, times `large_exponent` for the large stepsize to doctor it.
std::vector<S10Point> s10_points(double large_exponent = 2.0 / 3) {
  std::vector<S10Point> points;
  for (int k = 7; k <= 13; ++k) {
    const double n = std::ldexp(1.0, k), ln = std::log(n);
    S10Point p;
    p.n = std::int64_t{1} << k;
    p.eta_large = std::cbrt(n);
    p.small = {static_cast<std::int64_t>(2 * n * ln), false};
    p.large = {static_cast<std::int64_t>(3 * std::pow(n, large_exponent) * ln), false};
    p.nesterov = {static_cast<std::int64_t>(std::sqrt(n) * ln), false};
    p.risk_at_w_lambda = ln * ln / n;
    p.worst_final_risk_ratio = 1.01;
    points.push_back(p);
  }
  return points;
}

TEST(JudgeS10, PassesOnTheClaimedScalings) {
  const Verdict v = judge_s10("planted", s10_points(), "");
  EXPECT_EQ(v.outcome, Outcome::pass) << v.measured;
  EXPECT_NEAR(v.details["slope_eta1"].get<double>(), 1, 0.02);
  EXPECT_NEAR(v.details["slope_large"].get<double>(), 2.0 / 3, 0.02);
  EXPECT_NEAR(v.details["slope_nesterov"].get<double>(), 0.5, 0.02);
}

TEST(JudgeS10, FailsWhenTheLargeStepsizeIsNoFasterOrTheRiskStalls) {
  EXPECT_EQ(judge_s10("planted", s10_points(1.0), "").outcome, Outcome::fail);
  std::vector<S10Point> stalled = s10_points();
  for (S10Point& p : stalled) p.risk_at_w_lambda = 0.1 / std::pow(static_cast<double>(p.n), 0.3);
  EXPECT_EQ(judge_s10("planted", stalled, "").outcome, Outcome::fail);
  std::vector<S10Point> off_optimum = s10_points();
  off_optimum.back().worst_final_risk_ratio = 1.5;
  EXPECT_EQ(judge_s10("planted", off_optimum, "").outcome, Outcome::fail);
}

TEST(JudgeS10, InconclusiveOnCensoredCountsMissingPointsOrAssumptions) {
  std::vector<S10Point> censored = s10_points();
  censored.back().small.lower_bound = true;
  EXPECT_EQ(judge_s10("planted", censored, "").outcome, Outcome::inconclusive);
  std::vector<S10Point> missing = s10_points();
  missing.front().failure = "reference solver failed";
  EXPECT_EQ(judge_s10("planted", missing, "").outcome, Outcome::inconclusive);
  EXPECT_EQ(judge_s10("planted", s10_points(), "not separable").outcome, Outcome::inconclusive);
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
  ASSERT_EQ(doc["points"].size(), 4u);  // the study's n = 2^7 .. 2^10
  EXPECT_EQ(doc["points"][3]["n"], 1024);
  EXPECT_TRUE(doc["points"][0]["small_at_least"].is_null());  // measured, not censored
  const std::vector<Verdict> judged = judge_population(doc);
  ASSERT_EQ(judged.size(), 1u);
  EXPECT_EQ(judged[0].dataset,
            "planted:d=10,gamma=0.1,seed=1, n = 2^7..2^10, lambda = 1/n; test: 100000 later draws");
  EXPECT_EQ(judged[0].outcome, Outcome::pass) << judged[0].reason;
  EXPECT_EQ(rendered(judged), rendered(check_population_claim(quick_context())));

  nlohmann::json censored = doc;  // the horizon cut off one count: not a pass any more
  censored["points"][2]["large_at_least"] = censored["points"][2]["large"];
  censored["points"][2]["large"] = nullptr;
  EXPECT_EQ(judge_population(censored)[0].outcome, Outcome::inconclusive);

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
  const Verdict v = judge_s10(
      "planted:d=10,gamma=0.1,seed=1, n = 2^7..2^13, lambda = 1/n; test: 100000 later draws",
      figure_points(), "");
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
