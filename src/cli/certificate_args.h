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

 private:
  struct Display;
  mutable std::shared_ptr<Display> display_;  // made by options() when progress is shown
};

}  // namespace largestep::cli
