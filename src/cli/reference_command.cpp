// largestep reference --data SPEC --lambda L [--digits D] [--method auto|mpfr|scaled] [--json]
#include <fmt/format.h>

#include <memory>

#include "cli_common.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/processes/processes.h"
#include "largestep/reference/certified.h"
#include "progress.h"

namespace largestep::cli {
namespace {

struct ReferenceArgs {
  std::string data;
  double lambda = 0;
  std::int64_t digits = kDefaultDigits;
  std::string method = "auto";
  bool json = false;
  bool progress = false;
};

std::string reference_text(const MpReference& r) {
  std::string out = fmt::format("dataset      {}\nlambda       {}\ndigits       {}\n", r.dataset,
                                r.lambda, r.digits);
  for (std::size_t j = 0; j < r.w.size(); ++j) out += fmt::format("w[{}]{:<7} {}\n", j, "", r.w[j]);
  out += fmt::format("method       {}\n", r.method);
  out += fmt::format("f*           {}\n", r.f_star);
  out += fmt::format("f* >=        {}   (f(w) - ||grad f(w)||^2 / (2 lambda))\n", r.f_star_lower);
  out += fmt::format("f* <=        {}   (f(w) plus its evaluation's rounding)\n", r.f_star_upper);
  out += fmt::format("bracket      {}   (width of [f* >=, f* <=])\n", r.bracket_width);
  out += fmt::format("||grad f||   {}\n", r.grad_norm);
  out += fmt::format("h_min        {}   +- {}\nh_max        {}   +- {}\n", r.h_min,
                     r.h_min_uncertainty, r.h_max, r.h_max_uncertainty);
  out += fmt::format("eta_loc      {}   +- {}   (2 / h_max)\n", r.eta_loc, r.eta_loc_uncertainty);
  out += fmt::format("L_s          {}\n", r.smoothness);
  return out;
}

}  // namespace

void add_reference_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<ReferenceArgs>();
  CLI::App* cmd = app.add_subcommand(
      "reference", "The certified optimum: w_lambda, f* with a bracket, Hessian spectrum, eta_loc");
  cmd->add_option("--data", a->data, "Dataset spec:\n" + dataset_spec_help())->required();
  add_positive_option(*cmd, "--lambda", a->lambda, "Regularization strength lambda > 0")
      ->required();
  add_integer_option(*cmd, "--digits", a->digits, 20, 2000,
                     "Working precision in decimal digits (20 .. 2000)")
      ->default_str(fmt::format("{}", a->digits));
  cmd->add_option("--method", a->method,
                  fmt::format("auto: 100-digit MPFR Newton when n d^2 <= {:.0e}, else scaled; "
                              "mpfr: force MPFR Newton at --digits; scaled: force double Newton + "
                              "double-double refinement (O(nd) per pass, ~32 digits; ignores "
                              "--digits; under mpirun the processes share its passes over the "
                              "rows, with the same result for any number of them)",
                              kMpfrMaxWork))
      ->check(CLI::IsMember({"auto", "mpfr", "scaled"}))
      ->default_str("auto");
  cmd->add_flag("--json", a->json, "Print JSON; numbers are decimal strings at full precision");
  add_progress_flag(*cmd, a->progress);
  cmd->callback([a, &action] {
    action = [a] {
      check_positive("--lambda", a->lambda);
      share_rows(ReduceMode::deterministic);
      const ProgressDisplays displays(a->progress);
      const ReferenceMethod method = parse_reference_method(a->method);
      const Dataset<double> data = displays.make_held_dataset(a->data, method);
      const MpReference r =
          displays.reference_mp(data, a->lambda, static_cast<unsigned>(a->digits), method);
      if (a->json) {
        emit("-", to_json(r).dump(2) + "\n");
      } else {
        emit("-", reference_text(r));
      }
      return 0;
    };
  });
}

}  // namespace largestep::cli
