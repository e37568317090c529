#include "claims_sweep.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "largestep/core/result_io.h"
#include "judge_file.h"
#include "largestep/core/suite_runner.h"

namespace largestep::theory {
namespace {

RunOutcome outcome_of(const nlohmann::json& r) {
  RunOutcome o;
  o.rule = r.at("rule").get<std::string>();
  o.eta = r.at("eta").get<double>();
  o.momentum = r.at("momentum").get<double>();
  SolverResult& s = o.result;
  s.termination = parse_termination(r.at("termination").get<std::string>());
  s.steps = r.at("steps").get<std::int64_t>();
  s.first_hit = get_count(r, "first_hit");
  s.settled = get_count(r, "settled");
  s.final_gap = r.at("final_gap").get<double>();
  s.final_value = r.at("final_value").get<double>();
  s.increases = r.at("increases").get<std::int64_t>();
  if (!r.at("last_increase").is_null()) s.last_increase = r.at("last_increase").get<std::int64_t>();
  s.seconds = r.at("seconds").get<double>();
  return o;
}

Reference reference_of(const nlohmann::json& r) {
  Reference ref;
  ref.lambda = r.at("lambda").get<double>();
  ref.f_star = r.at("f_star").get<double>();
  ref.f_star_lower = r.at("f_star_lower").get<double>();
  ref.h_min = r.at("h_min").get<double>();
  ref.h_max = r.at("h_max").get<double>();
  ref.eta_loc = r.at("eta_loc").get<double>();
  ref.smoothness = r.at("smoothness").get<double>();
  return ref;
}

std::vector<TracePoint> read_trace(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(fmt::format("cannot read trace '{}'", path.string()));
  std::string line;
  std::getline(in, line);
  if (line + "\n" != trace_csv_header())
    throw std::invalid_argument(fmt::format("{}: not a trace (header '{}')", path.string(), line));
  std::vector<TracePoint> trace;
  for (std::int64_t row = 2; std::getline(in, line); ++row) {
    TracePoint p{};
    char c1 = 0, c2 = 0, c3 = 0, c4 = 0;
    std::istringstream fields(line);
    fields.imbue(std::locale::classic());
    if (!(fields >> p.t >> c1 >> p.value >> c2 >> p.gap >> c3 >> p.grad_norm >> c4 >> p.w_norm) ||
        c1 != ',' || c2 != ',' || c3 != ',' || c4 != ',' || !(fields >> std::ws).eof())
      throw std::invalid_argument(fmt::format("{}:{}: malformed trace row '{}'", path.string(), row, line));
    trace.push_back(p);
  }
  return trace;
}

}  // namespace

const SweepRun* SweepPoint::find(const std::string& method) const {
  for (const SweepRun& r : runs)
    if (r.method == method) return &r;
  return nullptr;
}

SweepPoint sweep_point(const Problem& problem) {
  SweepPoint p;
  p.dataset = problem.data.spec;
  p.n = problem.data.n();
  p.lambda = problem.lambda;
  p.reference = problem.reference;
  p.reference.w = Vector<double>();
  const Separability& s = problem.separability();
  p.margin = s.separable ? s.margin : 0.0;
  return p;
}

void add_run(ScalingSweep& sweep, const nlohmann::json& record, std::vector<TracePoint> trace) {
  const std::string dataset = record.at("dataset").get<std::string>();
  const double lambda = record.at("lambda").get<double>();
  SweepDataset* set = nullptr;
  for (SweepDataset& d : sweep.datasets)
    if (d.dataset == dataset) set = &d;
  if (!set) set = &sweep.datasets.emplace_back(SweepDataset{dataset, {}});
  SweepPoint* point = nullptr;
  for (SweepPoint& p : set->points)
    if (p.lambda == lambda) point = &p;
  if (!point) {
    point = &set->points.emplace_back();
    point->dataset = dataset;
    point->lambda = lambda;
  }
  SweepRun run{record.at("method").get<std::string>(), std::nullopt, "", std::move(trace)};
  if (record.contains("skipped")) {
    run.skipped = record.at("skipped").get<std::string>();
  } else {
    run.outcome = outcome_of(record);
    // Every run of a point carries the same problem facts; the first with a result sets them.
    if (point->n == 0) {
      point->n = record.at("n").get<std::int64_t>();
      point->reference = reference_of(record);
    }
    // Only the runs whose rule needs gamma compute the certificate: the first that did sets it.
    if (point->margin == 0 && record.contains("margin") && !record.at("margin").is_null())
      point->margin = record.at("margin").get<double>();
  }
  point->runs.push_back(std::move(run));
}

ScalingSweep load_sweep(const std::string& dir) {
  const std::filesystem::path path = std::filesystem::path(dir) / "runs.json";
  const nlohmann::json doc = read_json_file(path.string());
  ScalingSweep sweep;
  try {
    sweep.suite = doc.at("suite").get<std::string>();
    const nlohmann::json& runs = doc.at("runs");
    if (!runs.is_array() || runs.empty()) throw std::invalid_argument("'runs' must be a non-empty array");
    sweep.eps = runs.front().at("eps").get<double>();
    sweep.horizon = runs.front().at("horizon").get<std::int64_t>();
    for (const nlohmann::json& r : runs) {
      std::vector<TracePoint> trace;
      if (r.contains("trace") && !r.at("trace").is_null())
        trace = read_trace(std::filesystem::path(dir) / r.at("trace").get<std::string>());
      add_run(sweep, r, std::move(trace));
    }
  } catch (const std::exception& e) {  // json's type and key errors, get_count's, the traces'
    throw std::invalid_argument(fmt::format("{}: {}", path.string(), e.what()));
  }
  return sweep;
}

std::string suite_size(const CheckContext& ctx) { return ctx.paper() ? "paper" : "quick"; }

void measure_scaling(const CheckContext& ctx, ProblemCache& problems, const std::string& dir) {
  const Suite& suite = find_suite(suite_size(ctx));
  const std::vector<SuiteRun> runs =
      run_suite(suite, problems, [&ctx](std::size_t done, std::size_t total, const SuiteRun& r) {
        if (done == 1 || done == total || done % 20 == 0)
          ctx.report(fmt::format("scaling: run {} of {} ({})", done, total, r.experiment.name));
      });
  write_suite_runs(dir, suite, runs);
  const ScalingSweep sweep = load_sweep(dir);
  const std::filesystem::path measurements = std::filesystem::path(dir) / "measurements";
  std::filesystem::create_directories(measurements);
  write_file_atomically((measurements / "s5.json").string(),
                        measure_s5(ctx, problems, sweep).dump(1) + "\n");
  write_file_atomically((measurements / "precision.json").string(),
                        measure_precision(ctx, problems, sweep).dump(1) + "\n");
}

std::vector<Verdict> judge_scaling(const std::string& dir) {
  const ScalingSweep sweep = load_sweep(dir);
  const std::filesystem::path measurements = std::filesystem::path(dir) / "measurements";
  const std::string s5 = (measurements / "s5.json").string();
  const std::vector<std::string> hard = judge_file(s5, [](const nlohmann::json& m) {
    std::vector<std::string> out;
    for (const nlohmann::json& set : m.at("datasets")) out.push_back(set.at("dataset").get<std::string>());
    return out;
  });
  std::vector<Verdict> out = check_step_slopes(sweep, hard);
  for (Verdict& v : judge_file(s5, judge_s5_file)) out.push_back(std::move(v));
  for (Verdict& v : check_phases(sweep)) out.push_back(std::move(v));
  for (Verdict& v : judge_file((measurements / "precision.json").string(), judge_precision_file))
    out.push_back(std::move(v));
  return out;
}

}  // namespace largestep::theory
