#include "claims_sweep.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "largestep/data/dataset_spec.h"

namespace largestep::theory {
namespace {

// S4 and S9 look at the edge-of-stability phase, which only large stepsizes have; classical GD
// and Nesterov need no trace.
bool wants_trace(const std::string& method) {
  return method == "s2" || method == "s3" || method == "best" || method == "fixed";
}

SweepRun run_one(const Problem& problem, std::string method, RunSpec spec) {
  SweepRun r{std::move(method), std::move(spec), std::nullopt, "", {}};
  TraceCallback trace;
  if (wants_trace(r.method)) trace = [&r](const TracePoint& p) { r.trace.push_back(p); };
  try {
    r.outcome = run(problem, r.spec, trace);
  } catch (const std::invalid_argument& e) {  // a rule that needs a margin on non-separable data
    r.skipped = e.what();
    r.trace.clear();
  }
  return r;
}

SweepPoint& point_for(ScalingSweep& sweep, const CheckContext& ctx, const Experiment& e) {
  SweepDataset* set = nullptr;
  for (SweepDataset& d : sweep.datasets)
    if (d.dataset == e.dataset) set = &d;
  if (!set) set = &sweep.datasets.emplace_back(SweepDataset{e.dataset, {}});
  for (SweepPoint& p : set->points)
    if (p.problem.lambda == e.lambda) return p;
  ctx.report(fmt::format("scaling: reference for {} at lambda = {:.3g}", e.dataset, e.lambda));
  return set->points.emplace_back(
      SweepPoint{make_problem(make_dataset(e.dataset), e.lambda, ctx.reference), {}});
}

void add_fixed_runs(SweepPoint& point, double eps, std::int64_t horizon) {
  for (const double eta : fixed_large_stepsizes(point.problem)) {
    RunSpec spec;
    spec.eta = eta;
    spec.options.eps = eps;
    spec.options.max_steps = horizon;
    point.runs.push_back(run_one(point.problem, "fixed", spec));
  }
}

}  // namespace

const SweepRun* SweepPoint::find(const std::string& method) const {
  for (const SweepRun& r : runs)
    if (r.method == method) return &r;
  return nullptr;
}

double SweepPoint::gamma() const {
  return problem.separability.separable ? problem.separability.margin : 0.0;
}

std::vector<double> fixed_large_stepsizes(const Problem& problem) {
  std::vector<double> etas;
  const double stability = 2 / problem.reference.smoothness;
  for (double eta = 4 * stability; eta <= problem.reference.eta_loc / 2; eta *= 4)
    etas.push_back(eta);
  return etas;
}

std::string scaling_suite_name(const CheckContext& ctx) { return ctx.paper() ? "paper" : "quick"; }

ScalingSweep run_scaling_sweep(const CheckContext& ctx) {
  const auto start = std::chrono::steady_clock::now();
  const Suite& suite = find_suite(scaling_suite_name(ctx));
  ScalingSweep sweep;
  sweep.suite = suite.name;
  if (suite.experiments.empty()) return sweep;
  sweep.eps = suite.experiments.front().spec.options.eps;
  sweep.horizon = suite.experiments.front().spec.options.max_steps;
  for (const Experiment& e : suite.experiments) {
    SweepPoint& point = point_for(sweep, ctx, e);
    point.runs.push_back(run_one(point.problem, e.method(), e.spec));
  }
  ctx.report(fmt::format("scaling: fixed large stepsizes on suite '{}'", suite.name));
  for (SweepDataset& d : sweep.datasets)
    for (SweepPoint& p : d.points) add_fixed_runs(p, sweep.eps, sweep.horizon);
  sweep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sweep;
}

}  // namespace largestep::theory
