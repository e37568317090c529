// `verify --results` (theory/bench_results.h) validates a benchmark file before it judges it: each
// doctored file of issue 16's reproduction 3 is refused naming the file, the benchmark and the
// field, and a well-formed file with the same counts is judged.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>

#include "largestep/core/registry.h"
#include "largestep/core/stepsize.h"
#include "theory/bench_results.h"

namespace largestep::theory {
namespace {

const std::string kFile = "doctored.json";

// Counts growing like lambda^-p per method: every slope check passes on them.
double exponent(const std::string& method) {
  if (method == "classical") return 0.7;
  if (method == "s3") return 0.6;
  return 0.5;
}

// One iteration entry per experiment of the suite (quick unless named), with the eta its rule
// gives on the certified problem (computed here as bench_time_to_eps does), and a repetition of
// each.
nlohmann::json make_well_formed(const std::string& suite) {
  ProblemCache problems;
  nlohmann::json benchmarks = nlohmann::json::array();
  for (const Experiment& e : find_suite(suite).experiments) {
      const Problem& problem = problems.get(e.dataset, e.lambda);
      const RuleContext context = problem.rule_context();
      const double eta = e.spec.rule->kind == RuleKind::best ? best_grid(context).back()
                                                             : rule_eta(*e.spec.rule, context);
      const std::string method = e.method();
      const double steps = std::round(10 * std::pow(e.lambda, -exponent(method)));
      for (const int repetition : {0, 1}) {
        benchmarks.push_back({{"name", suite + "/" + e.name + "/double/real_time"},
                              {"run_name", suite + "/" + e.name + "/double/real_time"},
                              {"run_type", "iteration"},
                              {"repetition_index", repetition},
                              {"steps", steps},
                              {"first_hit", steps},
                              {"horizon_hit", 0},
                              {"floor_reached", 0},
                              {"final_gap", 1e-9},
                              {"gap_bound", 1e-17},
                              {"eta", eta},
                              {"diverged", 0}});
      }
      benchmarks.push_back({{"name", suite + "/" + e.name + "/double/real_time_cv"},
                            {"run_type", "aggregate"},
                            {"steps", nullptr}});
  }
  return nlohmann::json{{"context", {{"flavour", "baseline"}}}, {"benchmarks", benchmarks}};
}

nlohmann::json well_formed() {
  static const nlohmann::json file = make_well_formed("quick");
  return file;
}

// Applies `edit` to every iteration entry whose name contains `part`.
nlohmann::json edited(const std::string& part, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json file = well_formed();
  for (nlohmann::json& entry : file["benchmarks"])
    if (entry.value("run_type", "") == "iteration" &&
        entry["name"].get<std::string>().find(part) != std::string::npos)
      edit(entry);
  return file;
}

// The file is refused with std::invalid_argument naming the file and each of `words`.
void expect_refused(const nlohmann::json& file, std::initializer_list<std::string> words) {
  try {
    check_benchmark_results(file, kFile, CheckContext{});
    ADD_FAILURE() << "judged: " << file.dump().substr(0, 200);
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(kFile + ":", 0), 0u) << what;
    for (const std::string& word : words) EXPECT_NE(what.find(word), std::string::npos) << what;
    EXPECT_EQ(what.find("json.exception"), std::string::npos) << what;
  }
}

std::map<std::string, Outcome> verdicts_by_claim(const std::vector<Verdict>& verdicts) {
  std::map<std::string, Outcome> out;
  for (const Verdict& v : verdicts)
    if (!out.contains(v.claim) || v.outcome == Outcome::fail) out[v.claim] = v.outcome;
  return out;
}

// The paper suite's series have the lambdas a slope needs (at least 4 over two decades): its
// slopes are judged. The quick suite's 3 lambdas are valid input but below that minimum evidence:
// its slopes are inconclusive, never passed.
TEST(BenchResults, AWellFormedFileIsJudged) {
  const std::map<std::string, Outcome> paper = verdicts_by_claim(
      check_benchmark_results(make_well_formed("paper"), kFile, CheckContext{}));
  const std::map<std::string, Outcome> quick =
      verdicts_by_claim(check_benchmark_results(well_formed(), kFile, CheckContext{}));
  for (const char* claim : {"S1", "S2", "S3", "S8", "gaps"}) {
    ASSERT_TRUE(paper.contains(claim)) << claim;
    EXPECT_EQ(paper.at(claim), Outcome::pass) << claim;
    ASSERT_TRUE(quick.contains(claim)) << claim;
    EXPECT_EQ(quick.at(claim), std::string(claim) == "gaps" ? Outcome::pass : Outcome::inconclusive)
        << claim;
  }
}

TEST(BenchResults, NegativeCountsAreRefused) {
  expect_refused(edited("", [](nlohmann::json& e) { e["steps"] = -5; }),
                 {"steps", "positive integer", "-5"});
}

TEST(BenchResults, ZeroCountsAreRefused) {
  expect_refused(edited("", [](nlohmann::json& e) { e["steps"] = 0; }),
                 {"steps", "positive integer"});
  expect_refused(edited("/s2/", [](nlohmann::json& e) { e["steps"] = 12.5; }), {"steps", "12.5"});
}

TEST(BenchResults, DuplicatesWithConflictingCountsAreRefused) {
  nlohmann::json file = well_formed();
  nlohmann::json copy = file["benchmarks"][0];
  copy["steps"] = copy["steps"].get<double>() + 7;
  copy["repetition_index"] = 0;
  file["benchmarks"].push_back(copy);
  expect_refused(file, {copy["name"].get<std::string>().substr(0, 20), "conflicting",
                        "one benchmark per name"});
  // Repetitions that repeat the same counters are one benchmark.
  EXPECT_NO_THROW(check_benchmark_results(well_formed(), kFile, CheckContext{}));
}

TEST(BenchResults, AnEtaThatIsNotTheRulesIsRefused) {
  expect_refused(edited("lambda=0.001/s2/", [](nlohmann::json& e) { e["eta"] = 12345; }),
                 {"quick/hard0.1/lambda=0.001/s2/double", "'eta'", "12345", "rule s2"});
  // Off by more than 1e-12 relative is off.
  expect_refused(edited("lambda=0.01/classical/",
                        [](nlohmann::json& e) { e["eta"] = e["eta"].get<double>() * (1 + 1e-9); }),
                 {"'eta'", "classical"});
  expect_refused(edited("lambda=0.01/best/", [](nlohmann::json& e) { e["eta"] = 3.3; }),
                 {"'eta'", "best's grid"});
}

TEST(BenchResults, TwoLambdasAreNotASlope) {
  nlohmann::json file = well_formed();
  nlohmann::json kept = nlohmann::json::array();
  for (const nlohmann::json& entry : file["benchmarks"])
    if (entry["name"].get<std::string>().find("lambda=0.0001/") == std::string::npos)
      kept.push_back(entry);
  file["benchmarks"] = kept;
  expect_refused(file, {"series", "2 lambda(s)", "two decades"});
  // Two lambdas of one method are enough to refuse, whatever the others have.
  nlohmann::json one = well_formed();
  nlohmann::json without = nlohmann::json::array();
  for (const nlohmann::json& entry : one["benchmarks"])
    if (entry["name"].get<std::string>() != "quick/hard0.1/lambda=0.0001/s3/double/real_time")
      without.push_back(entry);
  one["benchmarks"] = without;
  expect_refused(one, {"s3 series"});
}

TEST(BenchResults, AValidJsonOfTheWrongShapeNamesTheField) {
  expect_refused(nlohmann::json::array({1, 2}), {"'benchmarks'"});
  expect_refused(nlohmann::json{{"benchmarks", {{"name", "x"}}}}, {"'benchmarks'"});
  expect_refused(nlohmann::json{{"benchmarks", {1}}}, {"benchmarks[0]", "object"});
  expect_refused(nlohmann::json{{"benchmarks", {{{"name", 5}}}}}, {"benchmarks[0]", "'name'"});
  expect_refused(nlohmann::json{{"benchmarks", {{{"name", "a"}, {"run_type", 1}}}}},
                 {"'run_type'"});
  expect_refused(edited("/s2/", [](nlohmann::json& e) { e["steps"] = "105"; }),
                 {"'steps'", "finite number"});
  expect_refused(edited("/s3/", [](nlohmann::json& e) { e.erase("eta"); }), {"'eta'", "missing"});
  expect_refused(edited("/s3/", [](nlohmann::json& e) { e["horizon_hit"] = 2; }),
                 {"'horizon_hit'", "0 or 1"});
  expect_refused(edited("/s3/", [](nlohmann::json& e) { e["error_occurred"] = "no"; }),
                 {"'error_occurred'"});
}

// A settled run is within eps only with its bound: a gap below eps whose bound reaches past it
// fails the gaps verdict.
TEST(BenchResults, SettledGapsAreJudgedWithTheirBound) {
  const nlohmann::json file =
      edited("lambda=0.01/s2/", [](nlohmann::json& e) { e["gap_bound"] = 2e-8; });
  const std::map<std::string, Outcome> by_claim =
      verdicts_by_claim(check_benchmark_results(file, kFile, CheckContext{}));
  EXPECT_EQ(by_claim.at("gaps"), Outcome::fail);
}

}  // namespace
}  // namespace largestep::theory
