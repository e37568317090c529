// The options of the commands that may compute a separability certificate (data describe, run,
// sweep): its time budget and its progress display.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

#include "largestep/core/experiment.h"
#include "largestep/reference/certificate.h"

namespace largestep::cli {

struct CertificateArgs {
  double seconds = 60;
  bool progress = false;  // --progress, which every long command has (progress.h)

  // Adds --certificate-seconds and --progress.
  void add_to(CLI::App& command);
  // Cached, within the budget, with a progress display on stderr when stderr is a terminal or
  // with --progress; call finish_progress() once the certificate is done.
  CertificateOptions options() const;
  void finish_progress() const;
  // The same for a problem's certificate, with its w_lambda among the candidates.
  Certifier certifier() const;
  // For processes that must all certify the same margin (a run sharing its rows under mpirun):
  // no time budget, so the certificate depends on the data only (its iteration cap bounds it).
  // Throws UsageError when --certificate-seconds was given.
  void without_time_budget();

 private:
  struct Display;
  mutable std::shared_ptr<Display> display_;  // made by options() when progress is shown
  CLI::Option* seconds_option_ = nullptr;
  bool time_budget_ = true;  // false after without_time_budget()
};

}  // namespace largestep::cli
