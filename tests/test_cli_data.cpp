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

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CliData, DescribeCallsTinyMarginsByConstructionSeparable) {
  for (const std::string spec : {"hard:gamma=1e-16", "oned:x=1e-300"}) {
    const CliOutcome o = run_cli("data describe " + spec);
    EXPECT_EQ(o.code, 0) << o.output;
    EXPECT_TRUE(contains(o.output, "separable      yes, certified margin")) << o.output;
    const CliOutcome j = run_cli("data describe --json " + spec);
    EXPECT_EQ(nlohmann::json::parse(j.output).at("separability"), "yes") << j.output;
  }
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
