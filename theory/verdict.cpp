#include "verdict.h"

namespace largestep::theory {

std::string to_string(Outcome o) {
  switch (o) {
    case Outcome::pass:
      return "pass";
    case Outcome::fail:
      return "fail";
    case Outcome::inconclusive:
      return "inconclusive";
  }
  return "unknown";
}

Verdict verdict_from(bool holds, std::string claim, std::string dataset, std::string measured,
                     std::string predicted, std::string reason_if_pass, std::string reason_if_fail) {
  return {std::move(claim),     std::move(dataset),
          std::move(measured),  std::move(predicted),
          holds ? Outcome::pass : Outcome::fail,
          holds ? std::move(reason_if_pass) : std::move(reason_if_fail)};
}

Verdict inconclusive(std::string claim, std::string dataset, std::string measured,
                     std::string predicted, std::string reason) {
  return {std::move(claim),     std::move(dataset),   std::move(measured),
          std::move(predicted), Outcome::inconclusive, std::move(reason)};
}

std::string with_minimum(const std::string& predicted, const std::string& minimum) {
  return predicted + "; minimum evidence: " + minimum;
}

Verdict below_minimum(std::string claim, std::string dataset, std::string measured,
                      std::string predicted, const std::string& missing) {
  return inconclusive(std::move(claim), std::move(dataset), std::move(measured),
                      std::move(predicted), "below the minimum evidence: " + missing);
}

Verdict below_minimum(Verdict v, const std::string& missing) {
  v.outcome = Outcome::inconclusive;
  v.reason = "below the minimum evidence: " + missing;
  return v;
}

nlohmann::json to_json(const Verdict& v) {
  return {{"claim", v.claim},         {"dataset", v.dataset},
          {"measured", v.measured},   {"predicted", v.predicted},
          {"verdict", to_string(v.outcome)}, {"reason", v.reason},
          {"details", v.details}};
}

}  // namespace largestep::theory
