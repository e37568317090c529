// largestep data describe SPEC [--lambda L] [--json]
// largestep data export SPEC --out FILE
#include <fmt/format.h>

#include <memory>

#include "certificate_args.h"
#include "cli_common.h"
#include "largestep/core/describe.h"
#include "largestep/core/result_io.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/data/libsvm_writer.h"
#include "progress.h"

namespace largestep::cli {
namespace {

struct DescribeArgs {
  std::string spec;
  double lambda = 0;
  bool json = false;
  CertificateArgs certificate;
};

struct ExportArgs {
  std::string spec, out;
  bool progress = false;
};

// "yes" with the certified margin, "no" only when proved exactly; otherwise whether the best
// margin is near 0 at the precision tried ("undetermined at this precision") or the iteration
// stopped early ("not shown").
std::string separability_text(const DatasetSummary& s) {
  const Separability& sep = s.separability;
  const std::string digits =
      sep.digits > 15 ? fmt::format(", computed in {} digits", sep.digits) : std::string();
  switch (sep.verdict) {
    case SeparabilityVerdict::separable:
      return fmt::format("yes, certified margin gamma >= {:.6g} (best possible <= {:.6g}){}",
                         sep.margin, sep.margin_upper_bound, digits);
    case SeparabilityVerdict::not_separable:
      return "no (proved: 0 is a convex combination of the y_i x_i)";
    case SeparabilityVerdict::undetermined:
      break;
  }
  if (sep.margin_upper_bound <= 1e-9 * s.max_row_norm)
    return fmt::format("undetermined at this precision (largest possible margin <= {:.3g}{})",
                       sep.margin_upper_bound, digits);
  return fmt::format("not shown (largest possible margin <= {:.3g})", sep.margin_upper_bound);
}

// Why the iteration stopped before its tolerance, if it did.
std::string stop_note(const Separability& sep) {
  if (sep.converged) return "";
  const std::string why = sep.time_budget_hit ? "stopped by the time budget (--certificate-seconds)"
                          : sep.iteration_cap_hit ? "stopped at the iteration cap"
                                                  : "stopped before the tolerance";
  return ", " + why + ": a valid but loose bound";
}

std::string describe_text(const std::string& spec, const DatasetSummary& s) {
  const Separability& sep = s.separability;
  std::string out = fmt::format("dataset        {}\n", spec);
  out += fmt::format("n, d           {}, {}\n", s.n, s.d);
  out += fmt::format("max ||x_i||    {:.6g}{}\n", s.max_row_norm,
                     s.max_row_norm <= 1 ? "" : "   (> 1: Assumption 1 needs ||x_i|| <= 1)");
  out += "separable      " + separability_text(s) + "\n";
  out += fmt::format("               by the {} ({} iterations, {:.3g} s{})\n", sep.method,
                     sep.iterations, sep.seconds, stop_note(sep));
  out += fmt::format("lambda_max(X^T X)  {:.6g}\n", s.gram_max_eigenvalue);
  if (s.lambda)
    out += fmt::format("lambda {:.3g}:  L_s = {:.6g}, kappa = {:.6g}\n", *s.lambda, *s.smoothness, *s.kappa);
  return out;
}

}  // namespace

void add_data_command(CLI::App& app, Action& action) {
  CLI::App* data = app.add_subcommand("data", "Inspect datasets");
  data->require_subcommand(1);
  auto args = std::make_shared<DescribeArgs>();
  CLI::App* describe_cmd = data->add_subcommand(
      "describe", "Size, row norms, separability with a certified margin, L_s and kappa");
  describe_cmd->add_option("spec", args->spec, "Dataset spec:\n" + dataset_spec_help())->required();
  CLI::Option* lambda_option = add_positive_option(*describe_cmd, "--lambda", args->lambda,
                                                   "Also report L_s and kappa for this lambda");
  describe_cmd->add_flag("--json", args->json, "Print JSON instead of text");
  args->certificate.add_to(*describe_cmd);
  describe_cmd->callback([args, lambda_option, &action] {
    action = [args, lambda_option] {
      std::optional<double> lambda;
      if (lambda_option->count() > 0) lambda = check_positive("--lambda", args->lambda);
      const Dataset<double> data =
          ProgressDisplays(args->certificate.progress).make_dataset(args->spec);
      const DatasetSummary summary = describe(data, lambda, args->certificate.options());
      args->certificate.finish_progress();
      if (args->json) {
        nlohmann::json j = summary_record(summary);
        j["dataset"] = data.spec;
        j["separability"] = to_string(summary.separability.verdict);  // yes, no, undetermined
        j["separability_digits"] = summary.separability.digits;
        emit("-", j.dump(2) + "\n");
      } else {
        emit("-", describe_text(data.spec, summary));
      }
      return 0;
    };
  });

  auto export_args = std::make_shared<ExportArgs>();
  CLI::App* export_cmd = data->add_subcommand(
      "export", "Write the dataset's rows, as largestep uses them (scaled), as LIBSVM text");
  export_cmd->add_option("spec", export_args->spec, "Dataset spec:\n" + dataset_spec_help())->required();
  export_cmd
      ->add_option("--out", export_args->out,
                   "File to write (atomically; - for standard output). Values are %.17g: reading "
                   "it back with libsvm:FILE,scale=none gives the same rows bit for bit")
      ->required();
  add_progress_flag(*export_cmd, export_args->progress);
  export_cmd->callback([export_args, &action] {
    action = [export_args] {
      check_output("--out", export_args->out, dataset_inputs("the spec", export_args->spec));
      const ProgressDisplays displays(export_args->progress);
      emit(export_args->out, libsvm_text(displays.make_dataset(export_args->spec)));
      return 0;
    };
  });
}

}  // namespace largestep::cli
