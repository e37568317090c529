// bench_time_to_eps: wall time for each experiment of the registry's suites (GD with the classical,
// S2, S3, fraction-of-eta_loc and best-on-grid stepsizes, and Nesterov, over the suites' lambdas)
// to reach eps and stay there (the run stops once the settled count is confirmed). Gaps are
// measured against the certified 100-digit f*; a step counts only when gap + its error bound
// <= eps. Counters: steps (settled), first_hit, horizon_hit (1: steps is only a lower bound: eps
// not reached, or not confirmed, within the horizon, or eta >= eta_loc), final_gap, gap_bound (its
// error bound), gap_floor (the bound at w_lambda), floor_reached (1: the horizon came with the
// bound above eps), eta, diverged; a run that diverges or turns non-finite, or whose eps is at or
// below the floor of its precision (the suites' 1e-8 in float), ends in SkipWithError.
//
// Own flags: --suite=NAME[,NAME...]|all (default quick; any registry suite, see
// `largestep sweep --list-suites`), --scalar=double|float|both (default double).
// Names: <suite>/<registry experiment name>/<scalar>, e.g. quick/hard0.1/lambda=0.01/s2/double.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#if defined(LARGESTEP_HAVE_OPENMP)
#include <omp.h>
#endif

#include "bench_common.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/core/experiment.h"
#include "largestep/core/registry.h"
#include "largestep/data/text.h"
#include "largestep/reference/certified.h"

namespace largestep::bench {
namespace {

// What the gate compares exactly: they depend on the arithmetic only, never on timing.
constexpr const char* kDeterministicCounters = "steps,first_hit,horizon_hit,floor_reached,diverged";

// Each (dataset, lambda) is set up once, outside every timed loop.
ProblemCache& problems() {
  static ProblemCache cache;
  return cache;
}

bool failed(Termination t) { return t == Termination::diverged || t == Termination::non_finite; }

void run_experiment(benchmark::State& state, const Experiment& e, Precision precision) {
  RunSpec spec = e.spec;
  spec.precision = precision;
  const Problem* problem = nullptr;
  try {
    problem = &problems().get(e.dataset, e.lambda);
    // An eps at or below the precision's floor could only time a run to its horizon that can
    // never count (e.g. the suites' 1e-8 in float): skipped, naming the floor, as `run` refuses it.
    check_eps_above_floor(*problem, spec);
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
    return;
  }
  RunOutcome outcome;
  for (auto _ : state) {
    outcome = run(*problem, spec);
    benchmark::DoNotOptimize(outcome.result.final_value);
    if (failed(outcome.result.termination)) {
      // Deterministic: every further iteration would fail the same way.
      state.SkipWithError(fmt::format("{} at step {}", to_string(outcome.result.termination),
                                      outcome.result.steps)
                              .c_str());
      break;
    }
  }
  const SolverResult& r = outcome.result;
  state.counters["steps"] = static_cast<double>(r.settled.value);
  state.counters["first_hit"] = static_cast<double>(r.first_hit.value);
  state.counters["horizon_hit"] = r.settled.lower_bound ? 1 : 0;
  state.counters["final_gap"] = r.final_gap;
  state.counters["gap_bound"] = r.gap_bound;
  state.counters["gap_floor"] = r.gap_floor;
  state.counters["floor_reached"] = r.termination == Termination::floor_reached ? 1 : 0;
  state.counters["eta"] = outcome.eta;
  state.counters["diverged"] = failed(r.termination) ? 1 : 0;
}

}  // namespace
}  // namespace largestep::bench

int main(int argc, char** argv) {
  using namespace largestep;
  using namespace largestep::bench;
  benchmark::Initialize(&argc, argv);
  const std::string suite_flag = take_flag(argc, argv, "suite").value_or("quick");
  const std::string scalar_flag = take_flag(argc, argv, "scalar").value_or("double");
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::vector<const Suite*> selected;
  std::vector<Precision> precisions;
  try {
    if (suite_flag == "all") {
      for (const Suite& s : suites()) selected.push_back(&s);
    } else {
      for (const std::string& name : split_commas(suite_flag))
        selected.push_back(&find_suite(name));
    }
    const std::string scalars = scalar_flag == "both" ? "double,float" : scalar_flag;
    for (const std::string& name : split_commas(scalars))
      precisions.push_back(parse_precision(name));
  } catch (const std::exception& error) {
    fmt::print(stderr, "bench_time_to_eps: {}\n", error.what());
    return 2;
  }

  add_environment_context("time_to_eps");
  benchmark::AddCustomContext("deterministic_counters", kDeterministicCounters);
  benchmark::AddCustomContext("suites", suite_flag);
#if defined(LARGESTEP_HAVE_OPENMP)
  benchmark::AddCustomContext("omp_threads", std::to_string(omp_get_max_threads()));
#else
  benchmark::AddCustomContext("omp_threads", "1");
#endif
  for (const Suite* suite : selected) {
    for (const Experiment& e : suite->experiments) {
      for (const Precision p : precisions) {
        const std::string name = fmt::format("{}/{}/{}", suite->name, e.name, to_string(p));
        auto run_it = [e, p](benchmark::State& state) { run_experiment(state, e, p); };
        benchmark::RegisterBenchmark(name.c_str(), run_it)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
      }
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
