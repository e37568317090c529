// The issue-17 reproductions of the data, reference and score level through the program itself:
// huge or unreachable dataset requests exit 2 at once, tiny margins are separable, subnormal
// reference numbers and overflowing weights are scored, malformed weights are refused.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "largestep/data/real_datasets.h"
#include "scoped_env.h"
#include "temp_dir.h"

namespace largestep {
namespace {

TEST(CliData, DescribeCallsTinyMarginsByConstructionSeparable) {
  for (const std::string spec : {"hard:gamma=1e-16", "oned:x=1e-300"}) {
    const CliOutcome o = run_cli("data describe " + spec);
    EXPECT_EQ(o.code, 0) << o.output;
    EXPECT_TRUE(contains(o.output, "separable      yes, certified margin")) << o.output;
    const CliOutcome j = run_cli("data describe --json " + spec);
    EXPECT_EQ(nlohmann::json::parse(j.output).at("separability"), "yes") << j.output;
  }
}

TEST(CliData, CertificateOnlyWhenNeededCachedAndBudgeted) {
  const TempDir dir;
  const ScopedEnv cache("LARGESTEP_CACHE_DIR", dir.path("cache"));
  const std::string data = "planted:n=3000,d=20,gamma=0.05,seed=2";
  const auto certificates = [&dir] {
    int count = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir.path("cache"), ec))
      count += e.path().filename().string().starts_with("certificate-");
    return count;
  };
  // A classical run needs no gamma: no certificate computed, none cached, no margin reported.
  const CliOutcome classical =
      run_cli("run --data " + data + " --lambda 1e-3 --rule classical --max-steps 20 --json");
  ASSERT_EQ(classical.code, 0) << classical.output;
  EXPECT_TRUE(nlohmann::json::parse(classical.output).at("margin").is_null()) << classical.output;
  EXPECT_EQ(certificates(), 0);

  // A budget that cuts Frank-Wolfe short: said so, and the margin still certified (from a
  // candidate direction or none: never above the converged upper bound).
  const CliOutcome cut = run_cli("data describe --json --certificate-seconds 1e-9 " + data);
  ASSERT_EQ(cut.code, 0) << cut.output;
  const nlohmann::json c = nlohmann::json::parse(cut.output);
  EXPECT_TRUE(c.at("margin_time_budget_hit").get<bool>()) << cut.output;
  EXPECT_FALSE(c.at("margin_converged").get<bool>());
  EXPECT_EQ(certificates(), 1);
  const CliOutcome text = run_cli("data describe --certificate-seconds 1e-9 " + data);
  EXPECT_TRUE(contains(text.output, "stopped by the time budget")) << text.output;
  const CliOutcome full = run_cli("data describe --json " + data);
  const nlohmann::json f = nlohmann::json::parse(full.output);
  EXPECT_FALSE(f.at("margin_time_budget_hit").get<bool>()) << full.output;  // recomputed
  // Frank-Wolfe reaches its tolerance or its iteration cap, never the default budget here.
  EXPECT_TRUE(f.at("margin_converged").get<bool>() || f.at("margin_iteration_cap_hit").get<bool>())
      << full.output;
  EXPECT_GT(f.at("margin").get<double>(), 0);
  EXPECT_LE(f.at("margin").get<double>(), f.at("margin_upper_bound").get<double>());
  if (c.at("separable").get<bool>()) {
    EXPECT_LE(c.at("margin").get<double>(), f.at("margin_upper_bound").get<double>());
  }
  const CliOutcome again = run_cli("data describe --json --certificate-seconds 1e-9 " + data);
  EXPECT_EQ(nlohmann::json::parse(again.output).at("margin"), f.at("margin")) << again.output;
  EXPECT_EQ(certificates(), 1);  // the converged record serves any budget

  // An s2 run needs gamma: it is read from the cache, and reported.
  const CliOutcome s2 =
      run_cli("run --data " + data + " --lambda 1e-3 --rule s2 --max-steps 20 --json");
  ASSERT_EQ(s2.code, 0) << s2.output;
  EXPECT_EQ(nlohmann::json::parse(s2.output).at("margin"), f.at("margin")) << s2.output;
}

TEST(CliData, HugeOrUnreachableDatasetsExitTwoAtOnce) {
  const auto start = std::chrono::steady_clock::now();
  expect_usage_error("data describe planted:n=10,d=10000", "draws per row");
  expect_usage_error("data describe planted:n=1000,d=1000000000", "8.02 TB");
  expect_usage_error("data describe planted:n=1e20", "n=1e20 is too large for an integer");
  {
    const ScopedEnv limit("LARGESTEP_MAX_MEMORY", "1e9");
    expect_usage_error("data describe planted:n=1000000000", "88 GB (88000000240 bytes)");
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 20);
}

TEST(CliData, ScoreReadsSubnormalReferenceNumbers) {
  // issue 17: at lambda = 1e308 eta_loc is subnormal and reading it back failed ("failed: stod").
  const TempDir dir;
  const ScopedEnv cache("LARGESTEP_CACHE_DIR", dir.path("cache"));
  const std::string weights = dir.write("w.txt", "0 0\n");
  for (int pass = 0; pass < 2; ++pass) {  // computed, then read back from the cache
    const CliOutcome o = run_cli("score --data hard --lambda 1e308 --weights " + weights);
    EXPECT_EQ(o.code, 0) << o.output;
    EXPECT_FALSE(contains(o.output, "failed")) << o.output;
  }
}

TEST(CliData, ScoreGivesExactValuesWhereDoubleOverflows) {
  // issue 17: weights `1e200 0` printed a row of inf, and --json nulls without a reason.
  const TempDir dir;
  const ScopedEnv cache("LARGESTEP_CACHE_DIR", dir.path("cache"));
  const std::string weights = dir.write("w.txt", "1e200 0\n");
  const CliOutcome text = run_cli("score --data toy4 --lambda 1e-2 --weights " + weights);
  EXPECT_EQ(text.code, 0) << text.output;
  // f(w) = lambda/2 ||w||^2 + a loss of order 1e200: with lambda and w as the doubles nearest 1e-2
  // and 1e200, 4.99999999999999980141463e397 (exact rational arithmetic); the table shows 17
  // digits of it, and 5 of the others, marked as beyond double's range.
  const std::string row = text.output.substr(text.output.find("\n   1 "));
  EXPECT_FALSE(contains(row.substr(0, row.find("\n*")), "inf")) << text.output;
  EXPECT_TRUE(contains(row, "4.9999999999999998e+397*  5.0000e+397*")) << text.output;
  EXPECT_TRUE(contains(text.output, "* beyond double's range")) << text.output;

  const CliOutcome json = run_cli("score --json --data toy4 --lambda 1e-2 --weights " + weights);
  ASSERT_EQ(json.code, 0) << json.output;
  const nlohmann::json score = nlohmann::json::parse(json.output).at("scores").at(0);
  for (const std::string field : {"value", "gap", "gap_exact", "grad_norm", "gap_bound"}) {
    if (score.at(field).is_null()) {
      EXPECT_TRUE(score.at("notes").contains(field)) << field << ": null without a reason";
    } else {
      EXPECT_TRUE(score.at(field).is_number()) << field;
    }
  }
  EXPECT_TRUE(score.at("value").is_null());
  EXPECT_EQ(score.at("exact").at("value"), "4.99999999999999980141e+397");
  EXPECT_EQ(score.at("exact").at("gap"), "4.99999999999999980141e+397");  // f* ~ 0.56 is lost
  EXPECT_EQ(score.at("exact").at("grad_norm").get<std::string>().substr(0, 6), "9.9999");
}

TEST(CliData, ScoreRefusesAnEmptyWeightField) {
  const TempDir dir;
  const std::string weights = dir.write("w.txt", "1,,2\n");
  expect_usage_error("score --data toy4 --lambda 1e-2 --weights " + weights,
                     "w.txt:1: weight 2 is missing (empty field) (1,,2)");
}

TEST(CliData, ScoreRiskIsTheMeanLossAndTheErrorRateWithoutAReference) {
  const TempDir dir;
  const ScopedEnv cache("LARGESTEP_CACHE_DIR", dir.path("cache"));
  // One point x = 1, y = +1: margins 0, 2 and -3.
  const std::string weights = dir.write("w.txt", "0\n2\n-3\n");
  const CliOutcome o = run_cli("score --risk --json --data oned --weights " + weights);
  ASSERT_EQ(o.code, 0) << o.output;
  const nlohmann::json risks = nlohmann::json::parse(o.output).at("risks");
  ASSERT_EQ(risks.size(), 3u);
  EXPECT_DOUBLE_EQ(risks[0].at("loss").get<double>(), std::log(2.0));
  EXPECT_EQ(risks[0].at("errors"), 1);  // on the boundary: not classified correctly
  EXPECT_DOUBLE_EQ(risks[1].at("loss").get<double>(), std::log1p(std::exp(-2.0)));
  EXPECT_EQ(risks[1].at("errors"), 0);
  EXPECT_EQ(risks[1].at("error_rate"), 0.0);
  EXPECT_DOUBLE_EQ(risks[2].at("loss").get<double>(), 3 + std::log1p(std::exp(-3.0)));
  EXPECT_EQ(risks[2].at("error_rate"), 1.0);
  EXPECT_FALSE(std::filesystem::exists(dir.path("cache"))) << "--risk computed a reference";
  const CliOutcome text = run_cli("score --risk --data oned --weights " + weights);
  EXPECT_TRUE(contains(text.output, "   2       0.12692801104297249      0.000000           0"))
      << text.output;
  expect_usage_error("score --data oned --weights " + weights, "score needs --lambda");
  expect_usage_error("score --risk --lambda 1e-3 --data oned --weights " + weights, "--lambda");
}

bool fashion_installed() {
  return std::filesystem::exists(fashion_files(FashionSplit::test).images) &&
         std::filesystem::exists(fashion_files(FashionSplit::train).labels);
}

TEST(CliData, FashionTestSplitIsScoredAndItsFilesAreInputs) {
  if (!fashion_installed()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const TempDir dir;
  std::string zeros;
  for (int j = 0; j < 784; ++j) zeros += "0 ";
  dir.write("w.txt", zeros + "\n");
  const CliOutcome o =
      run_cli("score --risk --json --data fashion:7v9,split=test --weights " + dir.path("w.txt"));
  ASSERT_EQ(o.code, 0) << o.output;
  const nlohmann::json j = nlohmann::json::parse(o.output);
  EXPECT_EQ(j.at("dataset"), "fashion:7v9,split=test");
  EXPECT_EQ(j.at("n"), 2000);
  EXPECT_NEAR(j.at("risks")[0].at("loss").get<double>(), std::log(2.0), 1e-16);
  // The test split reads the training files too (their scale): neither may be overwritten.
  for (const std::string& input :
       {fashion_files(FashionSplit::train).images, fashion_files(FashionSplit::test).labels})
    expect_usage_error("data export fashion:7v9,split=test --out " + input,
                       "is the file that the spec fashion:7v9,split=test reads");
}

}  // namespace
}  // namespace largestep
