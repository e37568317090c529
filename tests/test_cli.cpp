// The `largestep` program end to end: usage errors exit 2 with one clear line, good runs exit 0.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

namespace {

struct Outcome {
  int code;
  std::string output;  // stdout and stderr together
};

Outcome run_cli(const std::string& args) {
  const std::string command = std::string(LARGESTEP_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

void expect_usage_error(const std::string& args, const std::string& keyword) {
  const Outcome o = run_cli(args);
  EXPECT_EQ(o.code, 2) << args << "\n" << o.output;
  EXPECT_NE(o.output.find(keyword), std::string::npos) << args << "\n" << o.output;
}

TEST(Cli, UsageErrorsExitTwoNamingTheProblem) {
  expect_usage_error("run --data nosuch --lambda 1e-3 --eta 1", "unknown dataset 'nosuch'");
  expect_usage_error("run --data hard:gamma=2 --lambda 1e-3 --eta 1", "gamma must be in (0, 1)");
  expect_usage_error("run --data hard:gama=0.1 --lambda 1e-3 --eta 1", "no parameter 'gama'");
  expect_usage_error("run --data hard --lambda 0 --eta 1", "--lambda must be a positive");
  expect_usage_error("run --data hard --lambda -1e-3 --eta 1", "--lambda must be a positive");
  expect_usage_error("run --data hard --lambda 1e-3 --eta 0", "--eta must be a positive");
  expect_usage_error("run --data hard --lambda 1e-3 --eta 1 --eps 0", "--eps must be a positive");
  expect_usage_error("run --data hard --lambda 1e-3 --eta 1 --max-steps 0", "--max-steps");
  expect_usage_error("run --data hard --lambda 1e-3", "give a stepsize");
  expect_usage_error("run --data hard --lambda 1e-3 --rule fast", "unknown stepsize rule 'fast'");
  expect_usage_error("run --data hard --lambda 1e-3 --eta 1 --rule classical", "excludes");
  expect_usage_error("run --data libsvm:/nonexistent/file --lambda 1e-3 --eta 1", "/nonexistent/file");
  expect_usage_error("run --data hard --lambda abc --eta 1", "lambda");
  expect_usage_error("sweep --data hard --lambdas 1e-3,x --etas 1", "'x' is not a number");
  expect_usage_error("sweep --data hard --lambdas 1e-3 --etas 1 --rules s2", "exactly one of");
  expect_usage_error("sweep --suite nosuch", "unknown suite 'nosuch'");
  expect_usage_error("data describe toy5", "unknown dataset 'toy5'");
  expect_usage_error("frobnicate", "unknown command 'frobnicate'");
  expect_usage_error("verify --suite full", "full");
  expect_usage_error("reference --data hard --lambda 1e-3 --digits 5", "--digits must be in 20 .. 2000");
  expect_usage_error("reference --data hard --lambda 0", "--lambda must be a positive");
  expect_usage_error("", "subcommand");
}

TEST(Cli, HelpExitsZeroAndListsDatasetsAndRules) {
  const Outcome o = run_cli("run --help");
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.output.find("planted"), std::string::npos);
  EXPECT_NE(o.output.find("classical"), std::string::npos);
}

TEST(Cli, RunReportsStepsToEpsAndWritesATrace) {
  const std::string trace =
      (std::filesystem::temp_directory_path() / ("largestep_cli_trace_" + std::to_string(getpid()) + ".csv"))
          .string();
  const Outcome o = run_cli("run --data hard:gamma=0.1 --lambda 1e-4 --eta 100 --trace " + trace);
  ASSERT_EQ(o.code, 0) << o.output;
  EXPECT_NE(o.output.find("settled 238"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("termination  converged"), std::string::npos) << o.output;
  std::ifstream in(trace);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header, "t,value,gap,grad_norm,w_norm");
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  EXPECT_GT(rows, 238);
  std::filesystem::remove(trace);
}

TEST(Cli, DivergenceIsReportedNotPrintedAsNan) {
  const Outcome o = run_cli("run --data hard:gamma=0.1 --lambda 1e-2 --eta 1000 --json");
  ASSERT_EQ(o.code, 0) << o.output;
  EXPECT_NE(o.output.find("\"termination\": \"diverged\""), std::string::npos) << o.output;
  EXPECT_EQ(o.output.find("nan"), std::string::npos) << o.output;
  EXPECT_EQ(o.output.find("inf"), std::string::npos) << o.output;
}

TEST(Cli, SweepWritesOneCsvRowPerLambdaAndRule) {
  const std::string out =
      (std::filesystem::temp_directory_path() / ("largestep_cli_sweep_" + std::to_string(getpid()) + ".csv"))
          .string();
  const Outcome o =
      run_cli("sweep --data hard:gamma=0.1 --lambdas 1e-2,1e-3 --rules classical,s2 --out " + out);
  ASSERT_EQ(o.code, 0) << o.output;
  EXPECT_NE(o.output.find("[4/4]"), std::string::npos) << o.output;  // progress on stderr
  std::ifstream in(out);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("dataset,n,d,lambda,solver,rule,eta", 0), 0u) << header;
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  EXPECT_EQ(rows, 4);  // 2 lambdas x 2 rules
  std::filesystem::remove(out);
}

// A doctored benchmark file whose S2 counts grow like 1/lambda (slope 1 > 0.65) must fail the
// check (exit 1); the same file with counts growing like lambda^-1/2 passes (exit 0).
TEST(Cli, VerifyResultsJudgesBenchmarkCounters) {
  const auto write = [](const std::string& file, double exponent) {
    std::ofstream out(file);
    out << "{\"context\": {}, \"benchmarks\": [";
    const char* lambdas[] = {"0.01", "0.001", "0.0001"};
    for (int k = 0; k < 3; ++k) {
      const double steps = std::round(10 * std::pow(10.0, (k + 2) * exponent));
      out << (k ? "," : "") << "{\"name\": \"quick/hard0.1/lambda=" << lambdas[k]
          << "/s2/double/real_time\", \"run_type\": \"iteration\", \"repetition_index\": 0, "
          << "\"steps\": " << steps << ", \"horizon_hit\": 0, \"final_gap\": 1e-9, \"eta\": 1, "
          << "\"cv\": NaN}";
    }
    out << "]}";
  };
  const auto dir = std::filesystem::temp_directory_path();
  const std::string bad = (dir / ("largestep_cli_bad_" + std::to_string(getpid()) + ".json")).string();
  const std::string good = (dir / ("largestep_cli_good_" + std::to_string(getpid()) + ".json")).string();
  write(bad, 1.0);
  write(good, 0.5);
  const std::string out = (dir / ("largestep_cli_verify_" + std::to_string(getpid()))).string();
  const Outcome failing = run_cli("verify --results " + bad + " --out " + out);
  EXPECT_EQ(failing.code, 1) << failing.output;
  EXPECT_NE(failing.output.find("slope 1.000 vs 1/lambda"), std::string::npos) << failing.output;
  EXPECT_NE(failing.output.find("1 fail"), std::string::npos) << failing.output;
  const Outcome passing = run_cli("verify --results " + good + " --out " + out);
  EXPECT_EQ(passing.code, 0) << passing.output;
  expect_usage_error("verify --results /nonexistent.json", "cannot read --results file");
  std::filesystem::remove(bad);
  std::filesystem::remove(good);
  std::filesystem::remove_all(out);
}

}  // namespace

namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("largestep_cli_" + name + "_" + std::to_string(getpid())))
      .string();
}

TEST(Cli, DataExportWritesRowsThatReadBackAsTheSameDataset) {
  const std::string out = temp_path("export.libsvm");
  const Outcome o = run_cli("data export digits:0v8 --out " + out);
  ASSERT_EQ(o.code, 0) << o.output;
  const Outcome back = run_cli("data describe libsvm:" + out + ",scale=none --json");
  ASSERT_EQ(back.code, 0) << back.output;
  EXPECT_NE(back.output.find("\"n\": 352"), std::string::npos) << back.output;
  EXPECT_NE(back.output.find("\"d\": 64"), std::string::npos) << back.output;
  // Same rows, same certified reference: the cache key is the data's contents.
  const Outcome ours = run_cli("reference --data digits:0v8 --lambda 1e-3 --json");
  const Outcome theirs = run_cli("reference --data libsvm:" + out + ",scale=none --lambda 1e-3 --json");
  const auto f_star = [](const std::string& json) { return json.substr(json.find("\"f_star\""), 60); };
  EXPECT_EQ(f_star(ours.output), f_star(theirs.output));
  std::filesystem::remove(out);
  expect_usage_error("data export digits:3v3 --out " + out, "the two classes must differ");
  expect_usage_error("data export digits:0v8", "--out");
}

TEST(Cli, ScoreGivesTheGapOfWeightsToTheCertifiedOptimum) {
  const std::string weights = temp_path("weights.txt");
  std::ofstream(weights) << "0 0 0 0 0 0 0 0 0 0 0 0 0\n";
  const Outcome o = run_cli("score --data heart_scale --lambda 1e-3 --weights " + weights + " --json");
  ASSERT_EQ(o.code, 0) << o.output;
  // f(0) = ln 2 and f* = 0.380436774141342... (largestep reference --data heart_scale --lambda 1e-3)
  EXPECT_NE(o.output.find("\"value\": 0.6931471805599"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("\"gap_exact\": 0.3127104064186"), std::string::npos) << o.output;
  std::ofstream(weights) << "0 0 0\n";
  expect_usage_error("score --data heart_scale --lambda 1e-3 --weights " + weights,
                     weights + ":1: 3 weights, the dataset has d = 13 features");
  expect_usage_error("score --data heart_scale --lambda 1e-3 --weights /nonexistent/w.txt",
                     "/nonexistent/w.txt: cannot open");
  expect_usage_error("score --data heart_scale --lambda 0 --weights " + weights, "--lambda must be a positive");
  std::filesystem::remove(weights);
}

}  // namespace
