// largestep score --data SPEC (--lambda L | --risk) --weights FILE [--json]
#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <vector>

#include "cli_common.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/data/weights_reader.h"
#include "largestep/kernel/risk.h"
#include "largestep/reference/certified.h"
#include "largestep/reference/multiprecision.h"
#include "largestep/reference/score.h"
#include "progress.h"

namespace largestep::cli {
namespace {

struct ScoreArgs {
  std::string data, weights;
  double lambda = 0;
  bool json = false;
  bool risk = false;
  bool progress = false;
};

// The double fields of a score with their exact counterparts, and why a double may be missing.
struct Field {
  const char* name;
  double value;
  const std::string& exact;
  const char* why;  // when `value` is not finite
};

std::vector<Field> fields(const WeightScore& s) {
  return {{"value", s.value, s.exact.value,
           "f(w) is beyond double's range: a run in double sees inf; exact.value holds it"},
          {"gap", s.gap, s.exact.gap,
           "f(w) - f* in double is not finite because f(w) is not; exact.gap holds it"},
          {"gap_exact", s.gap_exact, s.exact.gap,
           "the exact gap is beyond double's range; exact.gap holds it"},
          {"grad_norm", s.grad_norm, s.exact.grad_norm,
           "||grad f(w)|| is beyond double's range; exact.grad_norm holds it"},
          {"gap_bound", s.gap_bound, s.exact.gap_bound,
           "||grad f||^2 / (2 lambda) is beyond double's range; exact.gap_bound holds it"}};
}

// JSON has no inf: a double that is not finite is null, with its reason in `notes`, and every
// quantity is also given exactly (decimal strings at 20 digits) under `exact`.
nlohmann::json score_json(const Dataset<double>& data, const MpReference& ref,
                          const std::vector<WeightScore>& scores) {
  nlohmann::json list = nlohmann::json::array();
  for (const WeightScore& s : scores) {
    nlohmann::json entry, notes = nlohmann::json::object();
    for (const Field& f : fields(s)) {
      entry[f.name] = std::isfinite(f.value) ? nlohmann::json(f.value) : nlohmann::json(nullptr);
      if (!std::isfinite(f.value)) notes[f.name] = f.why;
    }
    entry["exact"] = {{"value", s.exact.value},
                      {"gap", s.exact.gap},
                      {"grad_norm", s.exact.grad_norm},
                      {"gap_bound", s.exact.gap_bound}};
    if (!notes.empty()) entry["notes"] = notes;
    list.push_back(entry);
  }
  return {{"dataset", data.spec}, {"n", data.n()},        {"d", data.d()},
          {"lambda", ref.lambda}, {"f_star", ref.f_star}, {"f_star_lower", ref.f_star_lower},
          {"digits", ref.digits}, {"scores", list}};
}

// A double in the table, or, when it is not finite, its exact value marked with '*'.
std::string cell(const Field& f, int width, bool wide) {
  if (std::isfinite(f.value))
    return wide ? fmt::format("{:>{}.17g}", f.value, width)
                : fmt::format("{:>{}.4e}", f.value, width);
  const Mp exact(f.exact);
  return fmt::format("{:>{}}", exact.str(wide ? 16 : 4, std::ios_base::scientific) + "*", width);
}

std::string score_text(const Dataset<double>& data, const MpReference& ref,
                       const std::vector<WeightScore>& scores) {
  std::string out =
      fmt::format("dataset {} (n = {}, d = {}), lambda {}\nf* = {:.20s}... ({} digits)\n",
                  data.spec, data.n(), data.d(), ref.lambda, ref.f_star, ref.digits);
  out += fmt::format("{:>4}  {:>24}  {:>12}  {:>12}  {:>12}  {:>12}\n", "#", "f(w) (double)", "gap",
                     "gap exact", "||grad f||", "gap bound");
  bool starred = false;
  const MpDigits precision(ref.digits);
  for (std::size_t k = 0; k < scores.size(); ++k) {
    const std::vector<Field> f = fields(scores[k]);
    out += fmt::format("{:>4}  {}  {}  {}  {}  {}\n", k + 1, cell(f[0], 24, true),
                       cell(f[1], 12, false), cell(f[2], 12, false), cell(f[3], 12, false),
                       cell(f[4], 12, false));
    for (const Field& x : f) starred = starred || !std::isfinite(x.value);
  }
  if (starred)
    out += fmt::format(
        "* beyond double's range (a run in double sees inf): the exact value, in MPFR at {} "
        "digits\n",
        ref.digits);
  return out;
}

// The risk of each vector: a double (null in JSON when not finite) and the error count.
nlohmann::json risk_json(const Dataset<double>& data, const std::vector<Risk>& risks) {
  nlohmann::json list = nlohmann::json::array();
  for (const Risk& r : risks) {
    nlohmann::json entry = {{"errors", r.errors}, {"error_rate", r.error_rate}};
    entry["loss"] = std::isfinite(r.loss) ? nlohmann::json(r.loss) : nlohmann::json(nullptr);
    if (!std::isfinite(r.loss))
      entry["notes"] = {{"loss", "the mean logistic loss is beyond double's range"}};
    list.push_back(entry);
  }
  return {{"dataset", data.spec}, {"n", data.n()}, {"d", data.d()}, {"risks", list}};
}

std::string risk_text(const Dataset<double>& data, const std::vector<Risk>& risks) {
  std::string out = fmt::format(
      "dataset {} (n = {}, d = {})\nrisk: the mean logistic loss (no lambda term) and the share "
      "of points with y <x, w> <= 0\n",
      data.spec, data.n(), data.d());
  out += fmt::format("{:>4}  {:>24}  {:>12}  {:>10}\n", "#", "risk (mean loss)", "error rate",
                     "errors");
  for (std::size_t k = 0; k < risks.size(); ++k)
    out += fmt::format("{:>4}  {:>24.17g}  {:>12.6f}  {:>10}\n", k + 1, risks[k].loss,
                       risks[k].error_rate, risks[k].errors);
  return out;
}

}  // namespace

void add_score_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<ScoreArgs>();
  CLI::App* cmd = app.add_subcommand(
      "score",
      "The objective and the gap to the certified f* of weight vectors computed elsewhere");
  cmd->add_option("--data", a->data, "Dataset spec:\n" + dataset_spec_help())->required();
  CLI::Option* lambda = add_positive_option(
      *cmd, "--lambda", a->lambda, "Regularization strength lambda > 0 (needed unless --risk)");
  cmd->add_option("--weights", a->weights,
                  "Text file: one weight vector per line (d numbers separated by spaces, tabs or "
                  "commas; '#' starts a comment), or d lines of one number each")
      ->required();
  cmd->add_flag("--risk", a->risk,
                "Instead of f and the gap to f*: the risk of each vector on the data, the mean "
                "logistic loss without the lambda term, and the error rate; no reference is "
                "computed. For held-out data such as fashion:7v9,split=test")
      ->excludes(lambda);
  cmd->add_flag("--json", a->json,
                "Print JSON: f_star (decimal string) and per vector value, gap, gap_exact, "
                "grad_norm, gap_bound");
  add_progress_flag(*cmd, a->progress);
  cmd->callback([a, &action] {
    action = [a] {
      if (!a->risk && a->lambda == 0)
        throw UsageError("score needs --lambda (f and f* depend on it), or --risk");
      if (!a->risk) check_positive("--lambda", a->lambda);
      const ProgressDisplays displays(a->progress);
      const Dataset<double> data = displays.make_dataset(a->data);
      const std::vector<Vector<double>> weights = read_weights(a->weights, data.d());
      if (a->risk) {
        std::vector<Risk> risks;
        for (const Vector<double>& w : weights) risks.push_back(empirical_risk(data, w));
        emit("-", a->json ? risk_json(data, risks).dump(2) + "\n" : risk_text(data, risks));
        return 0;
      }
      const MpReference ref = displays.reference_mp(data, a->lambda);
      const std::vector<WeightScore> scores = score_weights(data, ref, weights);
      emit("-",
           a->json ? score_json(data, ref, scores).dump(2) + "\n" : score_text(data, ref, scores));
      return 0;
    };
  });
}

}  // namespace largestep::cli
