// Suites through the program: the runner's directory, verify's measure and judge steps.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

#include "cli_runner.h"
#include "temp_dir.h"

namespace largestep {
namespace {

nlohmann::json read(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(CliSuites, OptionsThatDoNotFitASuiteAreUsageErrors) {
  expect_usage_error("sweep --suite quick", "give --out DIR");
  expect_usage_error("sweep --suite quick --format json --out x", "--format does not apply");
  expect_usage_error("sweep --suite quick --data hard --out x", "drop --data");
  expect_usage_error("verify --suite quick --data x", "give one of --suite, --data and --results");
  expect_usage_error("verify --data /nonexistent/dir", "/nonexistent/dir/measurements/suite.json");
}

TEST(CliSuites, GivenOptionsOverrideEveryExperimentOfTheSuite) {
  const TempDir dir;
  const CliOutcome o = run_cli("sweep --suite figures-quick --max-steps 50 --eps 1e-3 --out " + dir.path("f"));
  ASSERT_EQ(o.code, 0) << o.output;
  const nlohmann::json runs = read(dir.path("f/runs.json")).at("runs");
  ASSERT_EQ(runs.size(), 159u);
  for (const nlohmann::json& r : runs) {
    EXPECT_EQ(r.at("horizon"), 50) << r.at("experiment");
    EXPECT_EQ(r.at("eps"), 1e-3) << r.at("experiment");
    EXPECT_LE(r.at("steps").get<int>(), 50) << r.at("experiment");
  }
}

// The arena through the program: a run writes the runs and both tables, --from tabulates the same
// runs again word for word, and what does not fit is a usage error.
TEST(CliSuites, ArenaRunsItsSuiteAndTabulatesItAgainFromTheFiles) {
  const TempDir dir;
  const CliOutcome o =
      run_cli("arena --suite arena-quick --max-steps 300 --eps 1e-4 --out " + dir.path("a"));
  ASSERT_EQ(o.code, 0) << o.output;
  const nlohmann::json runs = read(dir.path("a/runs.json")).at("runs");
  EXPECT_EQ(runs.size(), 66u);
  const nlohmann::json table = read(dir.path("a/arena.json"));
  EXPECT_EQ(table.at("cells").size(), 6u);
  EXPECT_EQ(table.at("methods").size(), 11u);
  std::ifstream md(dir.path("a/arena.md"));
  const std::string first((std::istreambuf_iterator<char>(md)), {});
  EXPECT_TRUE(contains(first, "| silver |")) << first;
  EXPECT_TRUE(contains(o.output, first)) << o.output;
  const CliOutcome again = run_cli("arena --from " + dir.path("a") + " --out " + dir.path("b"));
  ASSERT_EQ(again.code, 0) << again.output;
  std::ifstream md2(dir.path("b/arena.md"));
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(md2)), {}), first);
  expect_usage_error("arena --suite quick --out " + dir.path("c"), "not an arena suite");
  expect_usage_error("arena --suite arena-quick --from " + dir.path("a"), "give one of --suite");
  expect_usage_error("arena --from " + dir.path("nothing"), "no runs.json there");
  expect_usage_error("arena --from " + dir.path("a") + " --eps 1e-3", "--eps does not apply to --from");
  // The arena's safe runs take --safe; a suite without safe does not.
  expect_usage_error("arena --suite arena-quick --safe cap=1.5 --out " + dir.path("d"), "cap = 1.5");
  expect_usage_error("sweep --suite quick --safe cap=0.5 --out " + dir.path("e"),
                     "--safe applies only to runs of the solver safe");
}

// verify --suite measures into DIR and judges; verify --data DIR judges the same files again and
// must reach the same verdicts, word for word.
TEST(CliSuites, JudgingTheFilesAgainGivesTheSameVerdicts) {
  const TempDir dir;
  const CliOutcome measured = run_cli("verify --suite quick --out " + dir.path("m"));
  ASSERT_EQ(measured.code, 0) << measured.output;
  const CliOutcome judged = run_cli("verify --data " + dir.path("m") + " --out " + dir.path("j"));
  ASSERT_EQ(judged.code, 0) << judged.output;
  const nlohmann::json a = read(dir.path("m/verdicts.json")), b = read(dir.path("j/verdicts.json"));
  EXPECT_EQ(a.at("suite"), "quick");
  EXPECT_EQ(a.at("counts"), b.at("counts"));
  EXPECT_EQ(a.at("verdicts"), b.at("verdicts"));
  EXPECT_GE(a.at("verdicts").size(), 50u);

  // A measurement edited by hand is what gets judged: the file is the truth.
  nlohmann::json s5 = read(dir.path("m/measurements/s5.json"));
  s5["datasets"][0]["points"][0].erase("best_eta");
  std::ofstream(dir.path("m/measurements/s5.json")) << s5.dump();
  const CliOutcome broken = run_cli("verify --data " + dir.path("m") + " --out " + dir.path("k"));
  EXPECT_EQ(broken.code, 2) << broken.output;
  EXPECT_NE(broken.output.find("best_eta"), std::string::npos) << broken.output;
}

}  // namespace
}  // namespace largestep
