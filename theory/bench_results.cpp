#include "bench_results.h"

#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <regex>
#include <stdexcept>

#include "claims_sweep.h"
#include "largestep/data/dataset_spec.h"

namespace largestep::theory {
namespace {

const Experiment* find_experiment(const Suite& suite, const std::string& name) {
  for (const Experiment& e : suite.experiments)
    if (e.name == name) return &e;
  return nullptr;
}

double counter(const nlohmann::json& entry, const char* name, const std::string& source) {
  const auto it = entry.find(name);
  if (it == entry.end() || !it->is_number())
    throw std::invalid_argument(fmt::format("{}: benchmark '{}' has no counter '{}'", source,
                                            entry.value("name", "?"), name));
  return it->get<double>();
}

}  // namespace

nlohmann::json parse_benchmark_json(const std::string& text) {
  static const std::regex kNonFinite(R"((:\s*)-?(NaN|nan|Infinity|inf)\b)");
  return nlohmann::json::parse(std::regex_replace(text, kNonFinite, "$1null"));
}

std::vector<Verdict> check_benchmark_results(const nlohmann::json& results, const std::string& source,
                                             const CheckContext& ctx) {
  if (!results.is_object() || !results.contains("benchmarks") || !results["benchmarks"].is_array())
    throw std::invalid_argument(fmt::format("{}: not a Google Benchmark JSON file (no 'benchmarks' array)", source));
  // Keyed by (suite, dataset) then lambda, so the sweeps come out in registry order.
  std::map<std::string, std::map<double, SweepPoint, std::greater<>>> points;
  ProblemCache problems(ctx.reference);
  std::string suite_name;
  int gap_checked = 0;
  std::vector<std::string> gap_violations;
  for (const nlohmann::json& entry : results["benchmarks"]) {
    // One entry per benchmark: repetitions repeat the same deterministic counters.
    if (entry.value("run_type", "iteration") != "iteration" || entry.value("repetition_index", 0) != 0)
      continue;
    std::string name = entry.value("run_name", entry.value("name", ""));
    if (name.ends_with("/real_time")) name.resize(name.size() - 10);
    if (!name.ends_with("/double")) continue;
    const std::size_t slash = name.find('/');
    const std::string suite = name.substr(0, slash);
    const std::string experiment = name.substr(slash + 1, name.size() - slash - 1 - 7);
    // Only the claim suites ("quick", "paper") have claims to check; figure runs are skipped.
    if (std::find(std::begin(kSuiteSizes), std::end(kSuiteSizes), suite) == std::end(kSuiteSizes)) continue;
    const Experiment* e = find_experiment(find_suite(suite), experiment);
    if (!e) continue;  // bench-only extras (e.g. the eta_loc fraction) have no claim here
    suite_name = suite;
    auto& per_lambda = points[e->dataset];
    auto it = per_lambda.find(e->lambda);
    if (it == per_lambda.end())
      it = per_lambda.emplace(e->lambda, sweep_point(problems.get(e->dataset, e->lambda))).first;
    SweepRun run;
    run.method = e->method();
    RunOutcome outcome;
    const bool errored = entry.value("error_occurred", false);
    const bool censored = errored || counter(entry, "horizon_hit", source) != 0;
    outcome.result.settled = {errored ? e->spec.options.max_steps + 1 : static_cast<std::int64_t>(counter(entry, "steps", source)),
                              censored};
    if (!errored) {
      outcome.eta = counter(entry, "eta", source);
      const double gap = counter(entry, "final_gap", source);
      if (!censored) {
        ++gap_checked;
        if (!(gap <= e->spec.options.eps))
          gap_violations.push_back(fmt::format("{}: final gap {:.3g} > eps {:.3g}", name, gap, e->spec.options.eps));
      }
    }
    run.outcome = outcome;
    it->second.runs.push_back(std::move(run));
  }
  if (points.empty())
    throw std::invalid_argument(fmt::format(
        "{}: no benchmark named <suite>/<registry experiment>/double (run bench_time_to_eps)", source));

  ScalingSweep sweep;
  sweep.suite = suite_name;
  sweep.eps = find_suite(suite_name).experiments.front().spec.options.eps;
  for (auto& [dataset, per_lambda] : points) {
    SweepDataset set{dataset, {}};
    for (auto& [lambda, point] : per_lambda) set.points.push_back(std::move(point));
    sweep.datasets.push_back(std::move(set));
  }
  std::vector<Verdict> out = check_step_slopes(sweep, find_study("S5", suite_name).datasets);
  for (Verdict& v : out) v.dataset += " (" + source + ")";
  out.push_back(verdict_from(
      gap_violations.empty(), "gaps", source,
      fmt::format("{} settled runs, {} with final gap > eps", gap_checked, gap_violations.size()),
      "final gap <= eps for every settled run", "every settled benchmark run ends within eps",
      gap_violations.empty() ? "" : gap_violations.front()));
  return out;
}

}  // namespace largestep::theory
