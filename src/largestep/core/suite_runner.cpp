#include "largestep/core/suite_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "largestep/core/result_io.h"
#include "largestep/kernel/environment.h"

namespace largestep {
namespace {

SuiteRun run_one(Experiment experiment, ProblemCache& problems, const RunStatusSink& status) {
  SuiteRun r{std::move(experiment), std::nullopt, "", {}};
  TraceCallback trace;
  if (r.experiment.keep_trace) trace = [&r](const TracePoint& p) { r.trace.push_back(p); };
  try {
    r.outcome = run(r.experiment, problems, trace, status);
  } catch (const std::invalid_argument& e) {  // a rule that needs a margin on non-separable data
    r.skipped = e.what();
    r.trace.clear();
  }
  return r;
}

std::string trace_file(std::size_t index) { return fmt::format("traces/{:04}.csv", index); }

}  // namespace

std::vector<double> eos_stepsizes(const Problem& problem) {
  std::vector<double> etas;
  const double stability = 2 / problem.reference.smoothness;
  for (double eta = 4 * stability; eta <= problem.reference.eta_loc / 2; eta *= 4)
    etas.push_back(eta);
  return etas;
}

std::vector<SuiteRun> run_suite(const Suite& suite, ProblemCache& problems,
                                const RunProgress& progress, const RunStatusSink& status) {
  std::vector<SuiteRun> runs;
  std::size_t total = suite.experiments.size();
  for (const Experiment& e : suite.experiments) {
    runs.push_back(run_one(e, problems, status));
    if (progress) progress(runs.size(), total, runs.back());
  }
  if (!suite.eos_stepsizes) return runs;
  // Each (dataset, lambda) of the suite, in the order of first appearance.
  std::vector<std::pair<std::string, double>> points;
  for (const Experiment& e : suite.experiments)
    if (std::find(points.begin(), points.end(), std::make_pair(e.dataset, e.lambda)) == points.end())
      points.emplace_back(e.dataset, e.lambda);
  for (const auto& [dataset, lambda] : points) {
    const Problem& problem = problems.get(dataset, lambda);
    const std::vector<double> etas = eos_stepsizes(problem);
    total += etas.size();
    const Experiment& like = *std::find_if(
        suite.experiments.begin(), suite.experiments.end(),
        [&](const Experiment& e) { return e.dataset == dataset && e.lambda == lambda; });
    for (const double eta : etas) {
      RunSpec spec;
      spec.eta = eta;
      spec.options.eps = like.spec.options.eps;
      spec.options.max_steps = like.spec.options.max_steps;
      runs.push_back(run_one(
          make_experiment(fmt::format("eos/{}/lambda={:.3g}/eta={:.6g}", dataset, lambda, eta),
                          dataset, lambda, spec, true),
          problems, status));
      if (progress) progress(runs.size(), total, runs.back());
    }
  }
  return runs;
}

nlohmann::json suite_run_record(const SuiteRun& r, ProblemCache& problems) {
  const Experiment& e = r.experiment;
  nlohmann::json record;
  if (r.outcome) {
    record = run_record(problems.get(e.dataset, e.lambda), e.spec, *r.outcome);
  } else {
    record = {{"dataset", e.dataset},
              {"lambda", e.lambda},
              {"solver", to_string(e.spec.solver)},
              {"rule", e.spec.rule ? e.spec.rule->str() : fmt::format("fixed:eta={}", *e.spec.eta)},
              {"scalar", to_string(e.spec.precision)},
              {"eps", e.spec.options.eps},
              {"horizon", e.spec.options.max_steps},
              {"skipped", r.skipped}};
    add_provenance(record);
  }
  record["experiment"] = e.name;
  record["method"] = e.method();
  record["trace"] = nullptr;
  return record;
}

void write_suite_runs(const std::string& dir, const Suite& suite, const std::vector<SuiteRun>& runs,
                      ProblemCache& problems) {
  std::filesystem::create_directories(std::filesystem::path(dir) / "traces");
  std::vector<std::string> columns = kRunColumns;
  columns.insert(columns.begin(), "experiment");
  columns.push_back("skipped");
  nlohmann::json records = nlohmann::json::array();
  std::string csv = csv_header(columns);
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const SuiteRun& r = runs[k];
    const Experiment& e = r.experiment;
    nlohmann::json record = suite_run_record(r, problems);
    if (r.outcome && e.keep_trace) {
      std::string trace = trace_csv_header();
      for (const TracePoint& p : r.trace) trace += trace_csv_row(p);
      record["trace"] = trace_file(k);
      write_output((std::filesystem::path(dir) / trace_file(k)).string(), trace);
    }
    csv += csv_row(record, columns);
    records.push_back(std::move(record));
  }
  const nlohmann::json document = {{"suite", suite.name},
                                   {"environment", to_json(current_environment())},
                                   {"runs", records}};
  write_output((std::filesystem::path(dir) / "runs.json").string(), document.dump(1) + "\n");
  write_output((std::filesystem::path(dir) / "runs.csv").string(), csv);
}

}  // namespace largestep
