// The runner: every experiment of a suite run once, written as run records and traces that the
// checker (verify --data), the figures and users all read.
//
// DIR/runs.json   {"suite", "environment", "runs": [record...]}: each record is run_record's
//                 (result_io.h) plus "experiment" and "trace" (a file under DIR, or null); a run
//                 that could not be made (a rule that needs a margin on data not shown separable)
//                 has "skipped": the reason, and no result fields.
// DIR/runs.csv    the same rows in the sweep CSV format, "experiment" first (skipped runs have an
//                 empty termination and the reason in "skipped").
// DIR/traces/K.csv  t,value,gap,grad_norm,w_norm of every step of run K (kept runs only).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "largestep/core/experiment.h"
#include "largestep/core/registry.h"

namespace largestep {

struct SuiteRun {
  Experiment experiment;              // a run from another process: its name and keep_trace only
  std::optional<RunOutcome> outcome;  // unset when the run was impossible (see `skipped`) or ran
                                      // in another process
  std::string skipped;
  std::string trace;                  // the trace file's text (header and every step), when
                                      // experiment.keep_trace and the run was made
  nlohmann::json record;              // its record in runs.json (suite_run_record), set by run_suite
};

// The fixed stepsizes eta_j = 4^j * 2/L_s (j >= 1) up to eta_loc/2: beyond the classical
// stability limit 2/L_s at the start, yet converging locally at a healthy rate (E5: rho <=
// max(1 - eta h_min, 0)). A suite with eos_stepsizes runs them at each (dataset, lambda).
std::vector<double> eos_stepsizes(const Problem& problem);

using RunProgress = std::function<void(std::size_t done, std::size_t total, const SuiteRun&)>;

// Runs every experiment of the suite once, in order, then (eos_stepsizes) the edge-of-stability
// runs of each (dataset, lambda), named "<dataset label>/lambda=L/fixed:eta=E" and traced.
// `progress` hears each finished run, `status` how the current one stands (solver_progress.h).
//
// Under a TaskSharing (mpirun, task_sharing.h) the (dataset, lambda) problems, each with all of
// its runs, are dealt to the processes on demand, so that each reference is computed once. Rank 0 returns every
// run, in the serial order, with the same records and traces; the other processes end in it.
// There a run whose eps is at or below its rounding floor is not refused before the suite starts
// (the floors need every reference, which would be computed on every process): it is skipped,
// with the floor as its reason, and the other runs go on. `progress` hears rank 0's own runs,
// with its problem's place among the problems.
std::vector<SuiteRun> run_suite(const Suite& suite, ProblemCache& problems,
                                const RunProgress& progress = {}, const RunStatusSink& status = {});

// The run's record in runs.json, its trace null (write_suite_runs names the trace file).
nlohmann::json suite_run_record(const SuiteRun& run, ProblemCache& problems);

// Writes DIR/runs.json, DIR/runs.csv and DIR/traces/ (see above), creating DIR.
void write_suite_runs(const std::string& dir, const Suite& suite, const std::vector<SuiteRun>& runs);

}  // namespace largestep
