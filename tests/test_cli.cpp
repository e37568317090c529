// The `largestep` program end to end: usage errors exit 2 with one clear line, good runs exit 0.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "largestep/core/experiment.h"
#include "largestep/core/registry.h"
#include "largestep/core/stepsize.h"

namespace {

using largestep::expect_usage_error;
using largestep::run_cli;
using Outcome = largestep::CliOutcome;

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
  expect_usage_error("run --data libsvm:/nonexistent/file --lambda 1e-3 --eta 1",
                     "/nonexistent/file");
  expect_usage_error("run --data hard --lambda abc --eta 1", "lambda");
  expect_usage_error("sweep --data hard --lambdas 1e-3,x --etas 1", "'x' is not a number");
  expect_usage_error("sweep --data hard --lambdas 1e-3 --etas 1 --rules s2", "exactly one of");
  expect_usage_error("sweep --suite nosuch", "unknown suite 'nosuch'");
  expect_usage_error("data describe toy5", "unknown dataset 'toy5'");
  expect_usage_error("frobnicate", "unknown command 'frobnicate'");
  expect_usage_error("verify --suite full", "full");
  expect_usage_error("reference --data hard --lambda 1e-3 --digits 5",
                     "--digits must be in 20 .. 2000");
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
  const std::string trace = (std::filesystem::temp_directory_path() /
                             ("largestep_cli_trace_" + std::to_string(getpid()) + ".csv"))
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

// Issue 16, reproduction 1: an eps below the rounding floor of the precision is refused up front,
// naming the floor, instead of reporting the sign of the rounding as convergence.
TEST(Cli, AnEpsBelowTheRoundingFloorIsRefusedNamingIt) {
  expect_usage_error("run --data hard --lambda 1e-2 --eta 10 --scalar float --eps 1e-12",
                     "rounding floor");
  expect_usage_error("run --data hard --lambda 1e-2 --eta 10 --scalar float --eps 1e-12", "float");
  expect_usage_error("run --data oned --lambda 1e-2 --rule classical --eps 1e-20",
                     "rounding floor");
  expect_usage_error("sweep --data hard --lambdas 1e-2,1e-4 --rules s2 --scalar float",
                     "rounding floor");
  // A suite at float precision: its eps 1e-8 is below float's floor on hard.
  expect_usage_error("sweep --suite quick --scalar float --out " +
                         (std::filesystem::temp_directory_path() / "largestep_cli_float").string(),
                     "rounding floor");
  const Outcome o = run_cli("run --data hard --lambda 1e-2 --eta 10 --scalar float --eps 1e-5");
  ASSERT_EQ(o.code, 0) << o.output;
  EXPECT_NE(o.output.find("at the rounding floor"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("termination  converged"), std::string::npos) << o.output;
}

// Issue 16, reproduction 2: above eta_loc a count cut off by the horizon is a lower bound.
TEST(Cli, CountsAboveEtaLocAreLowerBounds) {
  const Outcome o = run_cli("run --data hard --lambda 1e-4 --eta 128 --max-steps 300 --json");
  ASSERT_EQ(o.code, 0) << o.output;
  EXPECT_NE(o.output.find("\"settled\": null"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("\"settled_at_least\": 216"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("\"gap_bound\": "), std::string::npos) << o.output;
  const Outcome text = run_cli("run --data hard --lambda 1e-4 --eta 128 --max-steps 300");
  EXPECT_NE(text.output.find("settled >215"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("eta >= eta_loc"), std::string::npos) << text.output;
}

TEST(Cli, DivergenceIsReportedNotPrintedAsNan) {
  const Outcome o = run_cli("run --data hard:gamma=0.1 --lambda 1e-2 --eta 1000 --json");
  ASSERT_EQ(o.code, 0) << o.output;
  EXPECT_NE(o.output.find("\"termination\": \"diverged\""), std::string::npos) << o.output;
  EXPECT_EQ(o.output.find("nan"), std::string::npos) << o.output;
  EXPECT_EQ(o.output.find("inf"), std::string::npos) << o.output;
}

TEST(Cli, SweepWritesOneCsvRowPerLambdaAndRule) {
  const std::string out = (std::filesystem::temp_directory_path() /
                           ("largestep_cli_sweep_" + std::to_string(getpid()) + ".csv"))
                              .string();
  const Outcome o = run_cli(
      "sweep --data hard:gamma=0.1 --lambdas 1e-2,1e-3 --rules classical,s2 --progress "
      "--out " +
      out);
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

// On oned (n = 1, x = 1, y = +1), f(w) = ln(1 + e^-w) + lambda w^2 / 2: w_lambda solves
// sigmoid(-w) = lambda w (bisection here) and eta_loc = 2 / f''(w_lambda). Below eta_loc the last
// iterates sit on w_lambda; just above it they alternate between two points around it.
TEST(Cli, BifurcationKeepsTheLastIteratesAroundEtaLoc) {
  const double lambda = 1e-3;
  const auto sigmoid = [](double z) { return 1 / (1 + std::exp(-z)); };
  double lo = 0, hi = 100;
  for (int k = 0; k < 200; ++k) {
    const double mid = (lo + hi) / 2;
    (sigmoid(-mid) > lambda * mid ? lo : hi) = mid;
  }
  const double w_star = (lo + hi) / 2;
  const double eta_loc = 2 / (sigmoid(w_star) * sigmoid(-w_star) + lambda);
  const std::string out = (std::filesystem::temp_directory_path() /
                           ("largestep_cli_bif_" + std::to_string(getpid()) + ".csv"))
                              .string();
  const Outcome o =
      run_cli("bifurcation --lambda 1e-3 --from 0.9 --to 1.1 --count 2 --last 8 --out " + out);
  ASSERT_EQ(o.code, 0) << o.output;
  std::ifstream in(out);
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, "dataset,lambda,eta,eta_loc,termination,t,w,commit,flavour,compiler,cpu");
  std::vector<double> below, above;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    ASSERT_GE(f.size(), 11u) << line;
    EXPECT_EQ(f[4], "max_steps") << line;
    EXPECT_NEAR(std::stod(f[3]), eta_loc, 1e-9 * eta_loc) << line;
    (std::stod(f[2]) < eta_loc ? below : above).push_back(std::stod(f[6]));
  }
  ASSERT_EQ(below.size(), 8u);
  ASSERT_EQ(above.size(), 8u);
  for (const double w : below) EXPECT_NEAR(w, w_star, 1e-9);
  for (std::size_t k = 0; k + 2 < above.size(); ++k) {
    EXPECT_NEAR(above[k], above[k + 2], 1e-9);  // period 2
    EXPECT_GT(std::abs(above[k] - above[k + 1]), 0.1);
    EXPECT_LT(std::min(above[k], above[k + 1]), w_star);
    EXPECT_GT(std::max(above[k], above[k + 1]), w_star);
  }
  std::filesystem::remove(out);
  expect_usage_error("bifurcation --data hard --lambda 1e-3", "one-dimensional data (d = 1)");
  expect_usage_error("bifurcation --lambda 1e-3 --from 1.2 --to 1.1",
                     "--to (1.1) must be >= --from");
}

// Two runs with the same inputs, and different thread counts, give the same file byte for byte
// once the wall-time column is blanked; every row carries its provenance.
TEST(Cli, SweepResultsAreByteIdenticalAcrossRunsAndThreadCounts) {
  const auto sweep_csv = [](const std::string& threads) {
    const std::string out =
        (std::filesystem::temp_directory_path() /
         ("largestep_cli_det_" + threads + "_" + std::to_string(getpid()) + ".csv"))
            .string();
    const Outcome o = run_cli(
        "sweep --data planted:n=60,d=5,gamma=0.05,seed=7 --lambdas 1e-2,1e-3 "
        "--rules classical,s2,best --solvers gd,nesterov --max-steps 20000 --out " +
        out);
    EXPECT_EQ(o.code, 0) << o.output;
    std::ifstream in(out);
    std::string text, line;
    std::size_t seconds_column = 0;
    for (bool header = true; std::getline(in, line); header = false) {
      std::vector<std::string> fields(1);
      bool quoted = false;  // RFC 4180: a comma inside quotes belongs to the field
      for (const char c : line) {
        if (c == '"') quoted = !quoted;
        if (c == ',' && !quoted)
          fields.emplace_back();
        else
          fields.back() += c;
      }
      if (header) {
        for (std::size_t k = 0; k < fields.size(); ++k)
          if (fields[k] == "seconds") seconds_column = k;
        EXPECT_NE(line.find(",commit,flavour,compiler,cpu"), std::string::npos) << line;
      } else if (seconds_column < fields.size()) {
        fields[seconds_column] = "";
      }
      for (const std::string& f : fields) text += f + ",";
      text += "\n";
    }
    std::filesystem::remove(out);
    EXPECT_GT(seconds_column, 0u);
    return text;
  };
  setenv("OMP_NUM_THREADS", "1", 1);
  const std::string one = sweep_csv("1");
  setenv("OMP_NUM_THREADS", "2", 1);
  const std::string two = sweep_csv("2");
  unsetenv("OMP_NUM_THREADS");
  EXPECT_EQ(one, sweep_csv("default"));
  EXPECT_EQ(one, two);
  EXPECT_NE(one.find("seed=7"), std::string::npos);  // the data seed is in the canonical spec
}

// A doctored benchmark file whose S2 counts grow like 1/lambda (slope 1 > 0.65) must fail the
// check (exit 1); the same file with counts growing like lambda^-1/2 passes (exit 0).
TEST(Cli, VerifyResultsJudgesBenchmarkCounters) {
  // The S2 series of the paper suite, every lambda of it (over two decades: a slope's minimum
  // evidence). Each count's eta is the S2 rule's on the certified problem, as bench_time_to_eps
  // writes it: verify --results refuses any other.
  struct Entry {
    std::string name, eta;
    double lambda;
  };
  std::vector<Entry> series;
  largestep::ProblemCache problems;
  for (const largestep::Experiment& e : largestep::find_suite("paper").experiments)
    if (e.dataset == "hard:gamma=0.1" && e.method() == "s2")
      series.push_back({e.name,
                        fmt::format("{:.17g}", largestep::rule_eta(*e.spec.rule,
                                                                   problems.get(e.dataset, e.lambda)
                                                                       .rule_context())),
                        e.lambda});
  ASSERT_GE(series.size(), 4u);
  const auto write = [&series](const std::string& file, double exponent) {
    std::ofstream out(file);
    out << "{\"context\": {}, \"benchmarks\": [";
    for (std::size_t k = 0; k < series.size(); ++k) {
      const double steps = std::round(10 * std::pow(1 / series[k].lambda, exponent));
      out << (k ? "," : "") << "{\"name\": \"paper/" << series[k].name
          << "/double/real_time\", \"run_type\": \"iteration\", \"repetition_index\": 0, "
          << "\"steps\": " << steps << ", \"horizon_hit\": 0, \"final_gap\": 1e-9, \"eta\": "
          << series[k].eta << ", \"cv\": NaN}";
    }
    out << "]}";
  };
  const auto dir = std::filesystem::temp_directory_path();
  const std::string bad =
      (dir / ("largestep_cli_bad_" + std::to_string(getpid()) + ".json")).string();
  const std::string good =
      (dir / ("largestep_cli_good_" + std::to_string(getpid()) + ".json")).string();
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
  // A truncated file (an interrupted run) is rejected with its name, never judged.
  const std::string truncated = out + ".truncated.json";
  std::ofstream(truncated) << R"({"context": {"flavour": "baseline"}, "benchmarks": [{"name": "q)";
  expect_usage_error("verify --results " + truncated, truncated);
  std::filesystem::remove(truncated);
  // Valid JSON of the wrong shape: exit 2 naming the file and the field, never a raw
  // json.exception.
  const std::string shape = out + ".shape.json";
  std::ofstream(shape) << R"({"benchmarks": [{"name": 5}]})";
  const Outcome misshapen = run_cli("verify --results " + shape + " --out " + out);
  EXPECT_EQ(misshapen.code, 2) << misshapen.output;
  EXPECT_NE(misshapen.output.find(shape + ": benchmarks[0]: 'name'"), std::string::npos)
      << misshapen.output;
  EXPECT_EQ(misshapen.output.find("json.exception"), std::string::npos) << misshapen.output;
  // Counts of -5 are refused, not judged ("slope 0.000, r2 1.000").
  std::string text;
  {
    std::ifstream in(good);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (std::size_t at = text.find("\"steps\": "); at != std::string::npos;
       at = text.find("\"steps\": ", at + 1))
    text.replace(at + 9, text.find(',', at) - at - 9, "-5");
  std::ofstream(shape) << text;
  expect_usage_error("verify --results " + shape, "'steps' must be a positive integer");
  std::filesystem::remove(shape);
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

TEST(Cli, MethodsPrintsEveryRuleAndSolverWithItsOracles) {
  const Outcome o = run_cli("methods");
  ASSERT_EQ(o.code, 0) << o.output;
  for (const char* line : {"  classical       none     eta = 1/L_s", "  s2[:c=1]        gamma    ",
                           "  s3[:c=1]        gamma    ", "  loc[:frac=0.5]  eta_loc  ",
                           "  fixed:eta=E     none     ", "  best            eta_loc  ",
                           "  gd              none     ", "  nesterov        none     "})
    EXPECT_NE(o.output.find(line), std::string::npos) << line << "\n" << o.output;
  expect_usage_error("methods --format csv", "--format");
}

// The JSON is what plots/ and peers/ read: every name it gives is one the program accepts, with
// the defaults it states, and nothing is printed but the JSON.
TEST(Cli, MethodsJsonNamesWhatTheProgramAccepts) {
  const Outcome o = run_cli("methods --json");
  ASSERT_EQ(o.code, 0) << o.output;
  const nlohmann::json table = nlohmann::json::parse(o.output);
  ASSERT_TRUE(table.is_array());
  std::set<std::string> rules, solvers;
  for (const nlohmann::json& row : table) {
    ASSERT_TRUE(row.at("oracles").is_array()) << row;
    ASSERT_TRUE(row.at("description").is_string()) << row;
    (row.at("kind") == "rule" ? rules : solvers).insert(row.at("name"));
  }
  // At least the methods the registry, the claims and the figures name (a new row adds to them).
  for (const char* rule : {"classical", "s2", "s3", "loc", "fixed", "best"})
    EXPECT_TRUE(rules.contains(rule)) << rule;
  for (const char* solver : {"gd", "nesterov"}) EXPECT_TRUE(solvers.contains(solver)) << solver;
  const std::string common = "run --data oned --lambda 1e-2 --max-steps 10 --json ";
  for (const nlohmann::json& row : table) {
    const std::string name = row.at("name");
    SCOPED_TRACE(name);
    if (row.at("kind") == "solver") {
      const Outcome run = run_cli(common + "--solver " + name + " --rule classical");
      ASSERT_EQ(run.code, 0) << run.output;
      EXPECT_EQ(nlohmann::json::parse(run.output).at("solver"), name);
      continue;
    }
    std::string rule = name, written = name;
    for (const nlohmann::json& p : row.at("parameters")) {
      const std::string key = p.at("name");
      // A stated default is the one a bare name takes; a required value must be given.
      if (p.at("default").is_null()) {
        expect_usage_error(common + "--rule " + name, key + "=VALUE");
        rule += ":" + key + "=2";
        written = rule;
      } else {
        written += ":" + key + "=" + fmt::format("{}", p.at("default").get<double>());
      }
    }
    const Outcome run = run_cli(common + "--rule " + rule);
    ASSERT_EQ(run.code, 0) << run.output;
    EXPECT_EQ(nlohmann::json::parse(run.output).at("rule"), written);
  }
}

}  // namespace
