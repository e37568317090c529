// The progress display of every long command (generating, reading, the reference, the
// certificate, runs, sweeps, bifurcation): one line on stderr, shown when stderr is a terminal or
// with --progress, never on stdout. The library reports through sinks (kernel/progress.h,
// core/solver_progress.h, the reference's and the certificate's callbacks); this turns them into
// the line.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "largestep/core/experiment.h"
#include "largestep/core/solver_progress.h"
#include "largestep/kernel/progress.h"
#include "largestep/reference/certified.h"

namespace largestep::cli {

// Adds --progress to a command; every long command has it.
void add_progress_flag(CLI::App& command, bool& flag);
// Whether progress is shown: with --progress, or when stderr is a terminal.
bool progress_shown(bool flag);

// A one-line display on stderr. On a terminal the line is rewritten in place ("\r", at most ten
// times a second) and finish() ends it with a newline; in a log (stderr not a terminal, with
// --progress) each shown line is a line of its own: the forced ones (the first and last item)
// and one every `log_every` between them. A display that is not shown prints nothing.
class Progress {
 public:
  explicit Progress(std::size_t total, bool shown,
                    std::chrono::milliseconds log_every = std::chrono::seconds(5));
  // "[done/total] what"; forced for the first and the last item.
  void update(std::size_t done, const std::string& what);
  // Any line, rate limited unless forced.
  void show(const std::string& line, bool force = false);
  void finish();  // on a terminal, ends the line if one is open
  bool shown() const { return shown_; }

 private:
  bool shown_, tty_;
  std::size_t total_;
  std::chrono::milliseconds log_every_;
  std::chrono::steady_clock::time_point last_{};
  bool open_ = false;  // a terminal line without its newline yet
};

// What a long command shows, built from its --progress flag.
class ProgressDisplays {
 public:
  explicit ProgressDisplays(bool flag) : shown_(progress_shown(flag)) {}
  bool shown() const { return shown_; }

  // Generating or reading a dataset: "data: 42% of 1000000 rows of planted data generated".
  // Empty when not shown (the library then skips all progress work).
  ProgressSink data() const;
  // make_dataset with the data display, its line ended once the dataset is made.
  Dataset<double> make_dataset(const std::string& spec) const;
  // The dataset as this process is to hold it under mpirun (shards.h: make_held_dataset), a
  // failure on some processes only ending the job; the display names a shard's rows.
  Dataset<double> make_held_dataset(const std::string& spec, ReferenceMethod method) const;
  // cached_reference_mp with its stages shown ("[2/5] reference: ...").
  MpReference reference_mp(const Dataset<double>& data, double lambda,
                           unsigned digits = kDefaultDigits,
                           ReferenceMethod method = ReferenceMethod::automatic) const;
  // The problem's reference (certified_reference) with its stages shown.
  ReferenceSolver reference() const;
  // A solve's status on `display`: "run: step 1200 of 1000000, f = .., gap = .., eta = ..,
  // 3.0 s"; `prefix` leads the line. `ends`: the first and last status of each solve are forced
  // (a single run); without, a sweep of many short runs shows them at the display's rate only.
  RunStatusSink run(Progress& display, std::string prefix = "run", bool ends = true) const;

 private:
  bool shown_;
};

}  // namespace largestep::cli
