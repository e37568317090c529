#include "largestep/core/suite_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "largestep/core/result_io.h"
#include "largestep/core/task_sharing.h"
#include "largestep/kernel/environment.h"

namespace largestep {
namespace {

SuiteRun run_one(Experiment experiment, ProblemCache& problems, const RunStatusSink& status,
                 bool check_floor) {
  SuiteRun r{std::move(experiment), std::nullopt, "", "", {}};
  TraceCallback trace;
  if (r.experiment.keep_trace) {
    r.trace = trace_csv_header();
    trace = [&r](const TracePoint& p) { r.trace += trace_csv_row(p); };
  }
  const Experiment& e = r.experiment;
  try {
    if (check_floor) check_eps_above_floor(problems.get(e.dataset, e.lambda), e.spec);
    r.outcome = run(e, problems, trace, status);
  } catch (const std::invalid_argument& error) {  // a rule that needs a margin on
    r.skipped = error.what();                     // non-separable data; a floor above eps
    r.trace.clear();
  }
  r.record = suite_run_record(r, problems);
  return r;
}

std::string trace_file(std::size_t index) { return fmt::format("traces/{:04}.csv", index); }

using Point = std::pair<std::string, double>;  // (dataset, lambda)

// Where experiment k's (dataset, lambda) is in `points`, which lists each in the order of first
// appearance; a new one is added at the end.
std::size_t point_index(std::vector<Point>& points, const Experiment& e) {
  const auto found = std::find(points.begin(), points.end(), Point(e.dataset, e.lambda));
  if (found != points.end()) return static_cast<std::size_t>(found - points.begin());
  points.emplace_back(e.dataset, e.lambda);
  return points.size() - 1;
}

// Each (dataset, lambda) of the suite, in the order of first appearance, when it has
// edge-of-stability runs.
std::vector<Point> eos_points(const Suite& suite) {
  std::vector<Point> points;
  if (suite.eos_stepsizes)
    for (const Experiment& e : suite.experiments) point_index(points, e);
  return points;
}

// Task k: experiment k, then the edge-of-stability runs of point k - experiments.
class SuiteTasks {
 public:
  SuiteTasks(const Suite& suite, ProblemCache& problems, const RunStatusSink& status, bool check_floor)
      : suite_(suite), points_(eos_points(suite)), problems_(problems), status_(status),
        check_floor_(check_floor) {}

  std::size_t size() const { return suite_.experiments.size() + points_.size(); }

  std::size_t runs_in(std::size_t k) const {
    return k < suite_.experiments.size() ? 1 : etas(k).size();
  }

  // The runs of task k, each handed to `done` as it finishes.
  void run(std::size_t k, const std::function<void(SuiteRun)>& done) const {
    if (k < suite_.experiments.size())
      return done(run_one(suite_.experiments[k], problems_, status_, check_floor_));
    const auto& [dataset, lambda] = points_[k - suite_.experiments.size()];
    const Experiment& like = *std::find_if(
        suite_.experiments.begin(), suite_.experiments.end(),
        [&](const Experiment& e) { return e.dataset == dataset && e.lambda == lambda; });
    for (const double eta : etas(k)) {
      RunSpec spec;
      spec.eta = eta;
      spec.options.eps = like.spec.options.eps;
      spec.options.max_steps = like.spec.options.max_steps;
      done(run_one(make_experiment(fmt::format("eos/{}/lambda={:.3g}/eta={:.6g}", dataset, lambda, eta),
                                   dataset, lambda, spec, true),
                   problems_, status_, check_floor_));
    }
  }

 private:
  std::vector<double> etas(std::size_t k) const {
    const auto& [dataset, lambda] = points_[k - suite_.experiments.size()];
    return eos_stepsizes(problems_.get(dataset, lambda));
  }

  const Suite& suite_;
  std::vector<Point> points_;
  ProblemCache& problems_;
  const RunStatusSink& status_;
  bool check_floor_;
};

// A finished run as one message between processes, and back: the record and the trace's text as
// they are (a double keeps its bits through nlohmann's shortest round-trip form).
std::string to_message(const SuiteRun& r) {
  return nlohmann::json{{"name", r.experiment.name},
                        {"keep_trace", r.experiment.keep_trace},
                        {"skipped", r.skipped},
                        {"trace", r.trace},
                        {"record", r.record}}
      .dump();
}

SuiteRun from_message(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text);
  SuiteRun r;
  r.experiment.name = j.at("name").get<std::string>();
  r.experiment.keep_trace = j.at("keep_trace").get<bool>();
  r.skipped = j.at("skipped").get<std::string>();
  r.trace = j.at("trace").get<std::string>();
  r.record = j.at("record");
  return r;
}

// Shared among processes, a task is one (dataset, lambda): its experiments, then its
// edge-of-stability runs. So each process computes the references of its own problems only. A
// result's key is its serial task (SuiteTasks'), which puts it in place.
std::vector<SuiteRun> run_shared(TaskSharing& sharing, const Suite& suite, const SuiteTasks& tasks,
                                 const RunProgress& progress) {
  std::vector<Point> problems;
  std::vector<std::vector<std::size_t>> groups;  // each problem's tasks, in the serial order
  for (std::size_t k = 0; k < suite.experiments.size(); ++k) {
    const std::size_t g = point_index(problems, suite.experiments[k]);
    if (g == groups.size()) groups.emplace_back();
    groups[g].push_back(k);
  }
  if (suite.eos_stepsizes)  // eos_points() lists the problems in the same order
    for (std::size_t g = 0; g < groups.size(); ++g) groups[g].push_back(suite.experiments.size() + g);
  TaskSharing::Results mine;
  while (const std::optional<std::size_t> g = sharing.next(groups.size())) {
    for (const std::size_t k : groups[*g])
      tasks.run(k, [&](SuiteRun r) {
        if (progress) progress(*g + 1, groups.size(), r);
        mine.emplace_back(k, to_message(r));
      });
  }
  TaskSharing::Results all = sharing.collect(mine);
  // A task's runs came from one process, in order: a stable sort keeps them so.
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<SuiteRun> runs;
  runs.reserve(all.size());
  for (const auto& [task, text] : all) runs.push_back(from_message(text));
  return runs;
}

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
  TaskSharing* sharing = task_sharing();
  const SuiteTasks tasks(suite, problems, status, sharing != nullptr);
  if (sharing) return run_shared(*sharing, suite, tasks, progress);
  std::vector<SuiteRun> runs;
  std::size_t total = suite.experiments.size();  // a point's runs counted when it is reached
  for (std::size_t k = 0; k < tasks.size(); ++k) {
    if (k >= suite.experiments.size()) total += tasks.runs_in(k);
    tasks.run(k, [&](SuiteRun r) {
      runs.push_back(std::move(r));
      if (progress) progress(runs.size(), total, runs.back());
    });
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

void write_suite_runs(const std::string& dir, const Suite& suite, const std::vector<SuiteRun>& runs) {
  std::filesystem::create_directories(std::filesystem::path(dir) / "traces");
  std::vector<std::string> columns = kRunColumns;
  columns.insert(columns.begin(), "experiment");
  columns.push_back("skipped");
  nlohmann::json records = nlohmann::json::array();
  std::string csv = csv_header(columns);
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const SuiteRun& r = runs[k];
    nlohmann::json record = r.record;
    if (r.skipped.empty() && r.experiment.keep_trace) {
      record["trace"] = trace_file(k);
      write_output((std::filesystem::path(dir) / trace_file(k)).string(), r.trace);
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
