#include "progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "largestep/core/shards.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/processes/processes.h"
#include "largestep/reference/certified.h"

namespace largestep::cli {

void add_progress_flag(CLI::App& command, bool& flag) {
  command.add_flag("--progress", flag,
                   "Show progress on stderr even when it is not a terminal (a line each, "
                   "rate limited); never on stdout");
}

bool progress_shown(bool flag) { return flag || ::isatty(STDERR_FILENO); }

Progress::Progress(std::size_t total, bool shown, std::chrono::milliseconds log_every)
    : shown_(shown), tty_(::isatty(STDERR_FILENO)), total_(total), log_every_(log_every) {}

void Progress::update(std::size_t done, const std::string& what) {
  if (!shown_) return;
  show(fmt::format("[{}/{}] {}", done, total_, what), done == 1 || done == total_);
}

void Progress::show(const std::string& line, bool force) {
  if (!shown_) return;
  // A terminal is rewritten at most ten times a second; a log gets a line every log_every_.
  const auto now = std::chrono::steady_clock::now();
  const auto every = tty_ ? std::chrono::milliseconds(100) : log_every_;
  if (!force && now - last_ < every) return;
  last_ = now;
  std::cerr << (tty_ ? "\r\033[K" + line : line + "\n") << std::flush;
  open_ = tty_;
}

void Progress::finish() {
  if (open_) std::cerr << "\n" << std::flush;
  open_ = false;
}

ProgressSink ProgressDisplays::data() const {
  if (!shown_) return {};
  auto display = std::make_shared<Progress>(0, true);
  return [display](std::int64_t done, std::int64_t total, const std::string& what) {
    const double percent = total > 0 ? 100.0 * static_cast<double>(done) / total : 0;
    display->show(fmt::format("data: {:3.0f}% of {} {} ({})", percent, total, what, done),
                  done == total);
    if (done == total) display->finish();
  };
}

Dataset<double> ProgressDisplays::make_dataset(const std::string& spec) const {
  return largestep::make_dataset(spec, data());
}

Dataset<double> ProgressDisplays::make_held_dataset(const std::string& spec,
                                                    ReferenceMethod method) const {
  Dataset<double> held =
      largestep::make_held_dataset(parse_dataset_spec(spec), method, data(), agree_on_failure);
  if (shown_ && held.is_shard())
    std::cerr << fmt::format("data: this process holds its shard, rows [{}, {}) of {}\n",
                             held.first_row, held.first_row + held.n(), held.total_n());
  return held;
}

MpReference ProgressDisplays::reference_mp(const Dataset<double>& data, double lambda,
                                           unsigned digits, ReferenceMethod method) const {
  Progress display(5, shown_);
  const ReferenceProgress report = [&display](int stage, int, const std::string& what) {
    display.update(static_cast<std::size_t>(stage), "reference: " + what);
  };
  MpReference r = cached_reference_mp(data, lambda, digits, method, shown_ ? report : nullptr);
  display.finish();
  return r;
}

ReferenceSolver ProgressDisplays::reference() const {
  if (!shown_) return certified_reference;
  // certified_reference with the stages shown: the same cached 100-digit reference.
  return [displays = *this](const Dataset<double>& data, double lambda) {
    return displays.reference_mp(data, lambda).to_double();
  };
}

RunStatusSink ProgressDisplays::run(Progress& display, std::string prefix, bool ends) const {
  if (!shown_) return {};
  return [&display, prefix = std::move(prefix), ends](const RunStatus& s) {
    display.show(
        fmt::format("{}: step {} of {}, f = {:.10g}, gap = {:.3g}, {} = {:.4g}, {:.1f} s{}",
                    prefix, s.t, s.max_steps, s.value, s.gap, s.eta_is_base ? "base eta" : "eta",
                    s.eta, s.seconds,
                    s.last ? " (stopped)" : ""),
        ends && (s.t == 0 || s.last));
  };
}

}  // namespace largestep::cli
