// The runner writes a suite's runs once; the checker reads them back unchanged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "largestep/core/result_io.h"
#include "largestep/core/stepsize.h"
#include "largestep/core/suite_runner.h"
#include "temp_dir.h"
#include "theory/claims_sweep.h"

namespace largestep {
namespace {

RunSpec spec_of(std::string_view rule, SolverKind solver = SolverKind::gd) {
  RunSpec spec;
  spec.solver = solver;
  spec.rule = parse_rule(rule);
  spec.options.max_steps = 100000;
  return spec;
}

// At lambda = 1e-5 the hard dataset has edge-of-stability stepsizes (4 * 2/L_s <= eta_loc/2).
constexpr double kLambda = 1e-5;

Suite small_suite(const std::string& dataset) {
  Suite s{"test", "three methods at one lambda", {}, true};
  s.experiments.push_back(make_experiment("a/classical", dataset, kLambda, spec_of("classical")));
  s.experiments.push_back(make_experiment("a/s2", dataset, kLambda, spec_of("s2"), true));
  s.experiments.push_back(
      make_experiment("a/nesterov", dataset, kLambda, spec_of("classical", SolverKind::nesterov)));
  return s;
}

void expect_same(const SolverResult& a, const SolverResult& b) {
  EXPECT_EQ(a.termination, b.termination);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.settled.value, b.settled.value);
  EXPECT_EQ(a.settled.lower_bound, b.settled.lower_bound);
  EXPECT_EQ(a.first_hit.value, b.first_hit.value);
  EXPECT_EQ(a.first_hit.lower_bound, b.first_hit.lower_bound);
  EXPECT_EQ(a.final_gap, b.final_gap);  // bitwise: the files keep every double exactly
  EXPECT_EQ(a.final_value, b.final_value);
  EXPECT_EQ(a.increases, b.increases);
  EXPECT_EQ(a.last_increase, b.last_increase);
}

TEST(SuiteRunner, RunsReadBackBitForBitWithTracesAndProblemFacts) {
  const TempDir dir;
  ProblemCache problems(compute_reference_double);
  const Suite suite = small_suite("hard:gamma=0.1");
  const std::vector<SuiteRun> runs = run_suite(suite, problems);
  const Problem& problem = problems.get("hard:gamma=0.1", kLambda);
  ASSERT_FALSE(eos_stepsizes(problem).empty());
  ASSERT_EQ(runs.size(), 3 + eos_stepsizes(problem).size());
  EXPECT_EQ(runs.back().experiment.method(), "fixed");
  EXPECT_TRUE(runs.back().experiment.keep_trace);
  write_suite_runs(dir.path("runs"), suite, runs);

  const theory::ScalingSweep sweep = theory::load_sweep(dir.path("runs"));
  EXPECT_EQ(sweep.suite, "test");
  ASSERT_EQ(sweep.datasets.size(), 1u);
  ASSERT_EQ(sweep.datasets[0].points.size(), 1u);
  const theory::SweepPoint& point = sweep.datasets[0].points[0];
  EXPECT_EQ(point.n, problem.data.n());
  EXPECT_EQ(point.reference.f_star, problem.reference.f_star);
  EXPECT_EQ(point.reference.f_star_lower, problem.reference.f_star_lower);
  EXPECT_EQ(point.reference.h_min, problem.reference.h_min);
  EXPECT_EQ(point.reference.h_max, problem.reference.h_max);
  EXPECT_EQ(point.margin, problem.separability().margin);
  ASSERT_EQ(point.runs.size(), runs.size());
  for (std::size_t k = 0; k < runs.size(); ++k) {
    SCOPED_TRACE(runs[k].experiment.name);
    const theory::SweepRun& read = point.runs[k];
    EXPECT_EQ(read.method, runs[k].experiment.method());
    ASSERT_TRUE(read.outcome.has_value());
    EXPECT_EQ(read.outcome->eta, runs[k].outcome->eta);
    expect_same(read.outcome->result, runs[k].outcome->result);
    EXPECT_EQ(read.trace.empty(), !runs[k].experiment.keep_trace);
    // Each step read back prints as the line the run wrote: every double kept exactly.
    std::string reprinted = read.trace.empty() ? "" : trace_csv_header();
    for (const TracePoint& p : read.trace) reprinted += trace_csv_row(p);
    EXPECT_EQ(reprinted, runs[k].trace);
  }
}

TEST(SuiteRunner, ARuleThatCannotRunIsRecordedAsSkippedWithItsReason) {
  const TempDir dir;
  // Two copies of one point with opposite labels: not separable, so s2 (which needs a margin)
  // cannot be run; classical and Nesterov can.
  const std::string file = dir.write("opposite.libsvm", "+1 1:1 2:0.5\n-1 1:1 2:0.5\n+1 1:0.5\n");
  ProblemCache problems(compute_reference_double);
  const Suite suite = small_suite("libsvm:" + file);
  const std::vector<SuiteRun> runs = run_suite(suite, problems);
  ASSERT_FALSE(runs[1].outcome.has_value());
  EXPECT_NE(runs[1].skipped.find("margin"), std::string::npos) << runs[1].skipped;
  write_suite_runs(dir.path("runs"), suite, runs);
  const theory::ScalingSweep sweep = theory::load_sweep(dir.path("runs"));
  const theory::SweepRun* s2 = sweep.datasets.at(0).points.at(0).find("s2");
  ASSERT_NE(s2, nullptr);
  EXPECT_FALSE(s2->outcome.has_value());
  EXPECT_EQ(s2->skipped, runs[1].skipped);
  std::ifstream csv(dir.path("runs/runs.csv"));
  const std::string text((std::istreambuf_iterator<char>(csv)), {});
  EXPECT_NE(text.find("not known to be separable"), std::string::npos);
}

TEST(SuiteRunner, MalformedRunFilesAreRejectedNamingTheFileAndTheField) {
  const TempDir dir;
  ProblemCache problems(compute_reference_double);
  const Suite suite = small_suite("hard:gamma=0.1");
  write_suite_runs(dir.path("runs"), suite, run_suite(suite, problems));
  const std::string runs = dir.path("runs/runs.json");
  nlohmann::json doc = read_json_file(runs);

  const auto expect_rejected = [&](const nlohmann::json& broken, const std::string& keyword) {
    std::ofstream(runs) << broken.dump();
    try {
      theory::load_sweep(dir.path("runs"));
      ADD_FAILURE() << "accepted a file without " << keyword;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("runs.json"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(keyword), std::string::npos) << e.what();
    }
  };
  nlohmann::json broken = doc;
  broken["runs"][0].erase("settled_at_least");
  expect_rejected(broken, "settled");
  broken = doc;
  broken["runs"][0]["settled"] = "12";  // a string where a count belongs
  expect_rejected(broken, "settled");
  broken = doc;
  broken["runs"][0]["termination"] = "finished";
  expect_rejected(broken, "finished");
  broken = doc;
  broken["runs"] = nlohmann::json::array();
  expect_rejected(broken, "non-empty");

  // A trace cut mid-row.
  std::ofstream(runs) << doc.dump();
  const std::string trace = dir.path("runs/" + doc["runs"][1]["trace"].get<std::string>());
  std::ofstream(trace, std::ios::app) << "17,0.5,";
  try {
    theory::load_sweep(dir.path("runs"));
    ADD_FAILURE() << "accepted a truncated trace";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("malformed trace row"), std::string::npos) << e.what();
  }
}

TEST(StepCountFields, RoundTripAndRejectAnythingButOneIntegerAndOneNull) {
  nlohmann::json j;
  put_count(j, "settled", StepCount{120, false});
  EXPECT_EQ(j["settled"], 120);
  EXPECT_TRUE(j["settled_at_least"].is_null());
  EXPECT_EQ(get_count(j, "settled").value, 120);
  EXPECT_FALSE(get_count(j, "settled").lower_bound);
  put_count(j, "settled", StepCount{2001, true});
  EXPECT_TRUE(j["settled"].is_null());
  EXPECT_EQ(j["settled_at_least"], 2001);
  EXPECT_TRUE(get_count(j, "settled").lower_bound);
  j["settled"] = 5;  // both set
  EXPECT_THROW(get_count(j, "settled"), std::invalid_argument);
  j["settled"] = -5;
  j["settled_at_least"] = nullptr;
  EXPECT_THROW(get_count(j, "settled"), std::invalid_argument);
  EXPECT_THROW(get_count(nlohmann::json::object(), "settled"), std::invalid_argument);
}

}  // namespace
}  // namespace largestep
