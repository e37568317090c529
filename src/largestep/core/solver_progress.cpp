#include "largestep/core/solver_progress.h"

#include <algorithm>
#include <utility>

namespace largestep {

namespace {
constexpr std::int64_t kMaxCountdown = std::int64_t{1} << 20;
}  // namespace

ProgressMeter::ProgressMeter(RunStatusSink sink, const SolverOptions& options,
                             double period_seconds, bool eta_is_base)
    : sink_(std::move(sink)),
      max_steps_(options.max_steps),
      eta_(options.eta),
      eta_is_base_(eta_is_base),
      period_(std::chrono::duration_cast<clock::duration>(
          std::chrono::duration<double>(period_seconds))) {}

void ProgressMeter::check(std::int64_t t, const SolverResult& so_far) {
  const clock::time_point now = clock::now();
  if (!reported_once_ || now - reported_ >= period_) report(t, so_far, false, now);
  // Steps per second so far, from which the next check comes about a quarter period later. A
  // pace too fast to time yet doubles the countdown instead.
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double period = std::chrono::duration<double>(period_).count();
  const double next = elapsed > 0 ? static_cast<double>(t + 1) / elapsed * period / 4
                                  : static_cast<double>(2 * countdown_);
  countdown_ = static_cast<std::int64_t>(std::clamp(next, 1.0, double(kMaxCountdown)));
}

void ProgressMeter::report(std::int64_t t, const SolverResult& so_far, bool last,
                           clock::time_point now) {
  reported_once_ = true;
  reported_ = now;
  if (!sink_) return;
  sink_({t, max_steps_, eta_, eta_is_base_, so_far.final_value, so_far.final_gap,
         std::chrono::duration<double>(now - start_).count(), last});
}

}  // namespace largestep
