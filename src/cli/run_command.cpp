// largestep run --data SPEC --lambda L (--eta X | --rule NAME) [...]
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <optional>

#include "certificate_args.h"
#include "cli_common.h"
#include "largestep/core/experiment.h"
#include "largestep/core/methods.h"
#include "largestep/core/result_io.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/kernel/output.h"
#include "largestep/reference/certified.h"
#include "progress.h"
#include "largestep/processes/processes.h"
#include "run_options.h"

namespace largestep::cli {
namespace {

struct RunArgs {
  std::string data, rule, solver = "gd", trace, reduce = "deterministic";
  double lambda = 0, eta = 0;
  std::int64_t trace_every = 1;
  bool json = false;
  CommonRunArgs common;
  CertificateArgs certificate;
  // Which options were given (not just their values).
  bool has_eta = false, has_rule = false, has_trace = false, has_trace_every = false;
  bool has_reduce = false;
};

// Why a settled count is only a lower bound, for the text summary.
std::string censoring_note(const SolverResult& r) {
  if (!r.settled.lower_bound) return "";
  if (r.unstable) return "   '>': a lower bound, eta >= eta_loc (w_lambda is unstable, E5)";
  if (r.settled.value <= r.steps)
    return "   '>': a lower bound, within eps only from there to the horizon (not confirmed)";
  return "   '>': not reached within the horizon";
}

// A gap no larger than its error bound is indistinguishable from 0 in this precision: it is at the
// rounding floor, whatever its sign, and never shown as a success below eps.
std::string gap_line(const SolverResult& r) {
  if (r.final_gap <= r.gap_bound)
    return fmt::format(
        "final gap    {:.6g} at step {}: at the rounding floor (error bound {:.3g})\n", r.final_gap,
        r.steps, r.gap_bound);
  return fmt::format("final gap    {:.6g} at step {} (error bound {:.3g})\n", r.final_gap, r.steps,
                     r.gap_bound);
}

std::string summary_text(const Problem& p, const RunSpec& spec, const RunOutcome& o, double total_seconds) {
  const SolverResult& r = o.result;
  const Reference& ref = p.reference;
  std::string out = fmt::format("dataset      {} (n = {}, d = {}", p.data.spec, p.data.total_n(), p.data.d());
  // The margin only when the rule needed it: the certificate is not computed otherwise.
  if (const Separability* s = p.separability_if_computed()) {
    out += s->separable
               ? fmt::format(", margin >= {:.4g}, <= {:.4g}", s->margin, s->margin_upper_bound)
               : std::string(", not shown separable");
    out += s->time_budget_hit     ? "; certificate cut short by --certificate-seconds)\n"
           : s->iteration_cap_hit ? "; certificate cut short by its iteration cap)\n"
                                  : ")\n";
  } else {
    out += ")\n";
  }
  out += fmt::format("lambda       {:.4g}   L_s = {:.6g}   kappa = {:.6g}\n", p.lambda, ref.smoothness,
                     ref.smoothness / p.lambda);
  out += fmt::format("reference    f* = {:.17g} ({} at {} digits, cached; bracket width {:.2g}), eta_loc = {:.6g}\n",
                     ref.f_star, ref.method, ref.digits, ref.bracket_width(), ref.eta_loc);
  out += fmt::format("solver       {} ({}), rule {}, eta = {:.6g}", to_string(spec.solver),
                     to_string(spec.precision), o.rule, o.eta);
  out += spec.solver == SolverKind::nesterov ? fmt::format(", momentum = {:.6g}\n", o.momentum) : "\n";
  out += fmt::format("steps to eps first hit {}, settled {} (eps = {:.3g}){}\n", r.first_hit.str(),
                     r.settled.str(), spec.options.eps, censoring_note(r));
  out += gap_line(r);
  if (spec.solver == SolverKind::safe)
    out += fmt::format("safe         {}; {} rollbacks; {} Hessian-vector products; {}\n",
                       spec.options.safe.str(), r.rollbacks, r.evaluations.hessian_products,
                       r.certified_stop ? "stopped on |grad f|^2/(2 lambda) <= eps"
                                        : "did not stop on its own bound");
  out += fmt::format("increases    {} (above {} ulps of f){}\n", r.increases,
                     spec.options.increase_tolerance_ulps,
                     r.last_increase ? fmt::format(", last at step {}", *r.last_increase) : "");
  out += fmt::format("termination  {}", to_string(r.termination));
  out += r.termination == Termination::floor_reached
             ? fmt::format(
                   " (the gap's error bound {:.3g} exceeds eps; the floor at w_lambda is "
                   "{:.3g}): not converged\n",
                   r.gap_bound, r.gap_floor)
             : "\n";
  out += fmt::format("wall time    {:.6f} s solve", r.seconds);
  out += o.grid.empty() ? "\n" : fmt::format(" (chosen eta), {:.3f} s for all {} grid runs\n", total_seconds, o.grid.size());
  return out;
}

int run_command(RunArgs& a) {
  RunSpec spec;
  spec.solver = parse_solver(a.solver);
  spec.precision = parse_precision(a.common.scalar);
  spec.options = a.common.solver_options();
  if (a.has_trace_every && !a.has_trace)
    throw UsageError("--trace-every applies only with --trace FILE");
  spec.options.trace_every = a.trace_every;
  if (a.has_reduce && !under_mpirun())
    throw UsageError("--reduce applies under mpirun only: one process has nothing to combine");
  share_rows(a.reduce == "fast" ? ReduceMode::fast : ReduceMode::deterministic);
  if (a.common.safe_given() && spec.solver != SolverKind::safe)
    throw UsageError(fmt::format("--safe applies to --solver safe only, not {}", a.solver));
  if (a.has_eta) {
    spec.eta = check_positive("--eta", a.eta);
  } else if (a.has_rule) {
    spec.rule = parse_rule(a.rule);
  } else if (const std::string_view rule = solver_method(spec.solver).default_rule; !rule.empty()) {
    spec.rule = parse_rule(rule);
  } else {
    throw UsageError("give a stepsize: --eta X or --rule NAME (see --help)");
  }
  if (a.has_trace) check_output("--trace", a.trace, dataset_inputs("--data", a.data));
  const ProgressDisplays displays(a.certificate.progress);
  // Under mpirun, each process holds only its shard of the rows (shards.h): every solver's sums,
  // the reference's and the margin certificate's are shared.
  const Problem problem =
      make_problem(displays.make_held_dataset(a.data, ReferenceMethod::automatic),
                   check_positive("--lambda", a.lambda),
                   displays.reference(), a.certificate.certifier());
  // Exit 2 naming the floor; every process computes the same floor.
  check_alike([&] { check_eps_above_floor(problem, spec); });

  // The trace goes to disk as the run produces it: memory stays that of the run, however long.
  std::optional<OutputFile> trace_file;
  TraceCallback trace;
  if (a.has_trace) {
    trace_file.emplace(a.trace);
    trace_file->write(trace_csv_header());
    trace = [&trace_file](const TracePoint& p) { trace_file->write(trace_csv_row(p)); };
  }
  // A status line a second in a log; on a terminal, the line rewritten in place.
  Progress display(0, displays.shown(), std::chrono::seconds(1));
  const auto start = std::chrono::steady_clock::now();
  const RunOutcome outcome = run(problem, spec, trace, displays.run(display));
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  display.finish();
  if (trace_file) trace_file->commit();
  if (a.json) {
    emit("-", run_record(problem, spec, outcome).dump(2) + "\n");
  } else {
    emit("-", summary_text(problem, spec, outcome, total));
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Run one solver on one dataset and lambda");
  cmd->add_option("--data", a->data, "Dataset spec:\n" + dataset_spec_help())->required();
  add_positive_option(*cmd, "--lambda", a->lambda, "Regularization strength lambda > 0")
      ->required();
  CLI::Option* eta = add_positive_option(*cmd, "--eta", a->eta, "Fixed stepsize eta > 0");
  CLI::Option* rule = cmd->add_option("--rule", a->rule, "Stepsize rule:\n" + rules_help());
  eta->excludes(rule);
  cmd->add_option("--solver", a->solver, known_methods(MethodKind::solver))
      ->capture_default_str();
  a->common.add_to(*cmd);
  a->certificate.add_to(*cmd);
  CLI::Option* trace = cmd->add_option(
      "--trace", a->trace, "Write a CSV trace (t,value,gap,grad_norm,w_norm) to FILE, as it runs");
  CLI::Option* trace_every =
      add_integer_option(*cmd, "--trace-every", a->trace_every, 1, kMaxSteps,
                         "With --trace: trace every k-th step (the last is always kept)")
          ->default_str(fmt::format("{}", a->trace_every));
  cmd->add_flag("--json", a->json, "Print the run record as JSON");
  CLI::Option* reduce =
      cmd->add_option("--reduce", a->reduce,
                      "Under mpirun, how the processes' gradient sums are combined: "
                      "deterministic (in row-block order: bitwise one process's result for any "
                      "number of processes) or fast (MPI_Allreduce: rounding depends on the "
                      "number; the record says \"reduce\": \"fast\")")
          ->check(CLI::IsMember({"deterministic", "fast"}))
          ->capture_default_str();
  cmd->callback([a, eta, rule, trace, trace_every, reduce, &action] {
    a->has_reduce = reduce->count() > 0;
    a->has_eta = eta->count() > 0;
    a->has_rule = rule->count() > 0;
    a->has_trace = trace->count() > 0;
    a->has_trace_every = trace_every->count() > 0;
    action = [a] { return run_command(*a); };
  });
}

}  // namespace largestep::cli
