// largestep score --data SPEC --lambda L --weights FILE [--json]
#include <fmt/format.h>

#include <memory>

#include "cli_common.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/data/weights_reader.h"
#include "largestep/reference/certified.h"
#include "largestep/reference/score.h"

namespace largestep::cli {
namespace {

struct ScoreArgs {
  std::string data, weights;
  double lambda = 0;
  bool json = false;
};

nlohmann::json score_json(const Dataset<double>& data, const MpReference& ref,
                          const std::vector<WeightScore>& scores) {
  nlohmann::json list = nlohmann::json::array();
  for (const WeightScore& s : scores)
    list.push_back({{"value", s.value},
                    {"gap", s.gap},
                    {"gap_exact", s.gap_exact},
                    {"grad_norm", s.grad_norm},
                    {"gap_bound", s.gap_bound}});
  return {{"dataset", data.spec}, {"n", data.n()},        {"d", data.d()},
          {"lambda", ref.lambda}, {"f_star", ref.f_star}, {"f_star_lower", ref.f_star_lower},
          {"digits", ref.digits}, {"scores", list}};
}

std::string score_text(const Dataset<double>& data, const MpReference& ref,
                       const std::vector<WeightScore>& scores) {
  std::string out =
      fmt::format("dataset {} (n = {}, d = {}), lambda {}\nf* = {:.20s}... ({} digits)\n",
                  data.spec, data.n(), data.d(), ref.lambda, ref.f_star, ref.digits);
  out += fmt::format("{:>4}  {:>24}  {:>12}  {:>12}  {:>12}  {:>12}\n", "#", "f(w) (double)", "gap",
                     "gap exact", "||grad f||", "gap bound");
  for (std::size_t k = 0; k < scores.size(); ++k) {
    const WeightScore& s = scores[k];
    out += fmt::format("{:>4}  {:>24.17g}  {:>12.4e}  {:>12.4e}  {:>12.4e}  {:>12.4e}\n", k + 1,
                       s.value, s.gap, s.gap_exact, s.grad_norm, s.gap_bound);
  }
  return out;
}

}  // namespace

void add_score_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<ScoreArgs>();
  CLI::App* cmd = app.add_subcommand(
      "score",
      "The objective and the gap to the certified f* of weight vectors computed elsewhere");
  cmd->add_option("--data", a->data, "Dataset spec:\n" + dataset_spec_help())->required();
  add_positive_option(*cmd, "--lambda", a->lambda, "Regularization strength lambda > 0")
      ->required();
  cmd->add_option("--weights", a->weights,
                  "Text file: one weight vector per line (d numbers separated by spaces, tabs or "
                  "commas; '#' starts a comment), or d lines of one number each")
      ->required();
  cmd->add_flag("--json", a->json,
                "Print JSON: f_star (decimal string) and per vector value, gap, gap_exact, "
                "grad_norm, gap_bound");
  cmd->callback([a, &action] {
    action = [a] {
      check_positive("--lambda", a->lambda);
      const Dataset<double> data = make_dataset(a->data);
      const std::vector<Vector<double>> weights = read_weights(a->weights, data.d());
      const MpReference ref = cached_reference_mp(data, a->lambda);
      const std::vector<WeightScore> scores = score_weights(data, ref, weights);
      emit("-",
           a->json ? score_json(data, ref, scores).dump(2) + "\n" : score_text(data, ref, scores));
      return 0;
    };
  });
}

}  // namespace largestep::cli
