#include "certificate_args.h"

#include <fmt/format.h>

#include <memory>

#include "cli_common.h"
#include "largestep/core/certificates.h"
#include "progress.h"

namespace largestep::cli {

// The progress line, and whether anything was shown on it (so that finishing prints nothing
// when the certificate came from the cache).
struct CertificateArgs::Display {
  explicit Display(std::size_t total) : progress(total, true) {}
  Progress progress;
  bool shown = false;
};

void CertificateArgs::add_to(CLI::App& command) {
  add_positive_option(command, "--certificate-seconds", seconds,
                      "Time budget of the separability certificate, when one is computed (only "
                      "rules that use gamma and `data describe` need it); past it, the margin "
                      "certified so far, and the certificate is cached with its budget")
      ->default_str(fmt::format("{}", seconds));
  add_progress_flag(command, progress);
}

CertificateOptions CertificateArgs::options() const {
  CertificateOptions o;
  o.separability.max_seconds = check_positive("--certificate-seconds", seconds);
  if (progress_shown(progress)) {
    if (!display_)
      display_ = std::make_shared<Display>(static_cast<std::size_t>(o.separability.max_iterations));
    o.separability.progress = [display = display_](const SeparabilityProgress& p) {
      display->shown = true;
      display->progress.update(
          static_cast<std::size_t>(p.iterations + 1),
          fmt::format("certificate: Frank-Wolfe, margin ~ {:.6g} <= {:.6g}, {:.1f} of {:.0f} s",
                      p.margin_estimate, p.upper_bound, p.seconds, p.max_seconds));
    };
  }
  return o;
}

void CertificateArgs::finish_progress() const {
  if (display_ && display_->shown) display_->progress.finish();
  if (display_) display_->shown = false;
}

Certifier CertificateArgs::certifier() const {
  Certifier base = cached_certifier(options());
  return [base = std::move(base), display = display_](const Problem& problem) {
    Separability s = base(problem);
    if (display && display->shown) display->progress.finish();
    if (display) display->shown = false;
    return s;
  };
}

}  // namespace largestep::cli
