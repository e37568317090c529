#include "checker.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "claims_exact.h"
#include "claims_local.h"
#include "claims_population.h"
#include "claims_scaling.h"
#include "claims_sweep.h"
#include "largestep/core/result_io.h"
#include "judge_file.h"
#include "largestep/kernel/environment.h"

namespace largestep::theory {

int CheckReport::count(Outcome o) const {
  return static_cast<int>(std::count_if(verdicts.begin(), verdicts.end(),
                                        [o](const Verdict& v) { return v.outcome == o; }));
}

namespace {

// A family measured into one file of DIR/measurements/ and judged from it.
struct Family {
  const char* file;
  nlohmann::json (*measure)(const CheckContext&);
  std::vector<Verdict> (*judge)(const nlohmann::json&);
};
constexpr Family kExact{"exact.json", measure_exact, judge_exact};
constexpr Family kLocal{"local.json", measure_local, judge_local};
constexpr Family kPopulation{"population.json", measure_population, judge_population};

std::filesystem::path measurements_dir(const std::string& dir) {
  return std::filesystem::path(dir) / "measurements";
}

void measure(const CheckContext& ctx, const Family& family, const std::string& dir) {
  write_file_atomically((measurements_dir(dir) / family.file).string(),
                        family.measure(ctx).dump(1) + "\n");
}

std::vector<Verdict> judge(const Family& family, const std::string& dir) {
  return judge_file((measurements_dir(dir) / family.file).string(), family.judge);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void measure_claims(const CheckContext& ctx, const std::string& dir) {
  const auto start = std::chrono::steady_clock::now();
  std::filesystem::create_directories(measurements_dir(dir));
  ProblemCache problems(ctx.reference);
  measure(ctx, kExact, dir);
  measure(ctx, kLocal, dir);
  measure_scaling(ctx, problems, dir);
  measure(ctx, kPopulation, dir);
  const std::size_t runs = read_json_file((std::filesystem::path(dir) / "runs.json").string()).at("runs").size();
  const nlohmann::json suite = {{"suite", to_string(ctx.profile)},
                                {"runs", runs},
                                {"problems", problems.size()},
                                {"seconds", seconds_since(start)},
                                {"environment", to_json(current_environment())}};
  write_file_atomically((measurements_dir(dir) / "suite.json").string(), suite.dump(1) + "\n");
}

CheckReport judge_claims(const std::string& dir) {
  const auto start = std::chrono::steady_clock::now();
  const auto [suite, measured_seconds] =
      judge_file((measurements_dir(dir) / "suite.json").string(), [](const nlohmann::json& s) {
        return std::make_pair(s.at("suite").get<std::string>(), s.at("seconds").get<double>());
      });
  CheckReport report;
  report.profile = suite;
  const auto add = [&report](std::vector<Verdict> v) {
    report.verdicts.insert(report.verdicts.end(), v.begin(), v.end());
  };
  add(judge(kExact, dir));
  add(judge(kLocal, dir));
  add(judge_scaling(dir));
  add(judge(kPopulation, dir));
  report.seconds = measured_seconds + seconds_since(start);
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
