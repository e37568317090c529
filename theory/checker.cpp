#include "checker.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <stdexcept>

#include "claims_exact.h"
#include "claims_local.h"
#include "claims_population.h"
#include "claims_scaling.h"
#include "largestep/kernel/environment.h"

namespace largestep::theory {

int CheckReport::count(Outcome o) const {
  return static_cast<int>(std::count_if(verdicts.begin(), verdicts.end(),
                                        [o](const Verdict& v) { return v.outcome == o; }));
}

CheckReport run_checks(const CheckContext& ctx) {
  using Group = std::vector<Verdict> (*)(const CheckContext&);
  constexpr Group kGroups[] = {check_exact_claims, check_local_claims, check_scaling_claims,
                               check_population_claim};
  const auto start = std::chrono::steady_clock::now();
  CheckReport report;
  report.profile = to_string(ctx.profile);
  for (const Group group : kGroups) {
    std::vector<Verdict> v = group(ctx);
    report.verdicts.insert(report.verdicts.end(), v.begin(), v.end());
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

Profile parse_profile(const std::string& name) {
  if (name == "quick") return Profile::quick;
  if (name == "paper") return Profile::paper;
  throw std::invalid_argument(fmt::format("unknown suite '{}' (known: quick, paper)", name));
}

std::string to_string(Profile p) { return p == Profile::quick ? "quick" : "paper"; }

std::string verdict_table(const std::vector<Verdict>& verdicts) {
  std::size_t w_dataset = 7, w_measured = 8, w_predicted = 9;
  for (const Verdict& v : verdicts) {
    w_dataset = std::max(w_dataset, v.dataset.size());
    w_measured = std::max(w_measured, v.measured.size());
    w_predicted = std::max(w_predicted, v.predicted.size());
  }
  std::string out = fmt::format("{:<6} {:<{}}  {:<{}}  {:<{}}  {}\n", "claim", "dataset", w_dataset,
                                "measured", w_measured, "predicted", w_predicted, "verdict");
  for (const Verdict& v : verdicts)
    out += fmt::format("{:<6} {:<{}}  {:<{}}  {:<{}}  {}\n", v.claim, v.dataset, w_dataset, v.measured,
                       w_measured, v.predicted, w_predicted, to_string(v.outcome));
  return out;
}

std::string verdict_markdown(const CheckReport& report) {
  const auto escape = [](std::string s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  const Environment& env = current_environment();
  std::string out = fmt::format("# Verdicts ({} suite)\n\n", report.profile);
  out += fmt::format("{} pass, {} fail, {} inconclusive; {:.1f} s. Commit {}, {}, flavour {}, {}.\n\n",
                     report.count(Outcome::pass), report.count(Outcome::fail),
                     report.count(Outcome::inconclusive), report.seconds, env.commit, env.compiler,
                     env.flavour, env.cpu);
  out += "| claim | dataset | measured | predicted | verdict | reason |\n|---|---|---|---|---|---|\n";
  for (const Verdict& v : report.verdicts)
    out += fmt::format("| {} | {} | {} | {} | **{}** | {} |\n", v.claim, escape(v.dataset),
                       escape(v.measured), escape(v.predicted), to_string(v.outcome), escape(v.reason));
  return out;
}

nlohmann::json verdict_json(const CheckReport& report) {
  nlohmann::json verdicts = nlohmann::json::array();
  for (const Verdict& v : report.verdicts) verdicts.push_back(to_json(v));
  return {{"suite", report.profile},
          {"environment", to_json(current_environment())},
          {"seconds", report.seconds},
          {"counts",
           {{"pass", report.count(Outcome::pass)},
            {"fail", report.count(Outcome::fail)},
            {"inconclusive", report.count(Outcome::inconclusive)}}},
          {"verdicts", verdicts}};
}

}  // namespace largestep::theory
