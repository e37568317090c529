// Progress of a running solver, for a display: the step, f and the gap, and the time so far,
// about every `period` seconds. The solvers take a meter as a template argument: NoProgress (the
// default, what bench/ and every untraced run get) compiles to nothing, so the loop of a run
// without a display is the same code, instruction for instruction.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "largestep/core/solver.h"

namespace largestep {

// Where a run stands. `last`: the run has stopped at step t (its final status).
struct RunStatus {
  std::int64_t t = 0, max_steps = 0;
  double eta = 0;
  bool eta_is_base = false;  // the method varies its stepsize; eta is where it started
  double value = 0, gap = 0;
  double seconds = 0;  // since the run started
  bool last = false;
};

using RunStatusSink = std::function<void(const RunStatus&)>;

// The meter of a run without a display.
struct NoProgress {
  void step(std::int64_t, const SolverResult&) const {}
  void last(std::int64_t, const SolverResult&) const {}
};

// Calls the sink at t = 0, then about every `period` seconds, and at the last step. The clock is
// read only when a countdown of steps runs out, never once per step: the countdown is set from the
// pace so far to a quarter of a period's worth of steps (at least 1, at most 2^20).
class ProgressMeter {
 public:
  // `eta_is_base`: the method varies its stepsize around options.eta (silver, adgd, ...).
  ProgressMeter(RunStatusSink sink, const SolverOptions& options, double period_seconds = 0.1,
                bool eta_is_base = false);

  void step(std::int64_t t, const SolverResult& so_far) {
    if (--countdown_ > 0) return;
    check(t, so_far);
  }
  void last(std::int64_t t, const SolverResult& so_far) { report(t, so_far, true, clock::now()); }

 private:
  using clock = std::chrono::steady_clock;
  void check(std::int64_t t, const SolverResult& so_far);
  void report(std::int64_t t, const SolverResult& so_far, bool last, clock::time_point now);

  RunStatusSink sink_;
  std::int64_t max_steps_;
  double eta_;
  bool eta_is_base_;
  clock::duration period_;
  clock::time_point start_ = clock::now(), reported_{};
  bool reported_once_ = false;
  std::int64_t countdown_ = 1;
};

}  // namespace largestep
