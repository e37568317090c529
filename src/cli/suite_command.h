// Running a registry suite from the command line (`sweep --suite`, `arena`): the eps floor checked
// up front, progress on stderr, the runs written to a directory (suite_runner.h).
#pragma once

#include <string>

#include "certificate_args.h"
#include "largestep/core/registry.h"

namespace largestep::cli {

// Creates DIR (the --out option) and checks its outputs before any work, runs every experiment of
// `suite` once and writes DIR/runs.json, runs.csv and traces/. `command` names the caller in its
// messages. UsageError when an output cannot be written or an eps is below its rounding floor.
void run_suite_into(const Suite& suite, const std::string& dir, const CertificateArgs& certificate,
                    const std::string& command);

}  // namespace largestep::cli
