// largestep verify [--suite quick|paper] [--data DIR] [--results FILE.json] [--out DIR]
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "bench_results.h"
#include "checker.h"
#include "cli/cli_common.h"
#include "largestep/core/result_io.h"
#include "largestep/kernel/output.h"

namespace largestep::cli {
namespace {

struct VerifyArgs {
  std::string suite = "quick", data, results, out;
};

theory::CheckReport check_results_file(const std::string& path, const theory::CheckContext& ctx) {
  std::ifstream in(path);
  if (!in || std::filesystem::is_directory(path))
    throw UsageError(
        fmt::format("cannot read --results file '{}'{}", path, in ? ": it is a directory" : ""));
  nlohmann::json results;
  try {
    results = theory::parse_benchmark_json(std::string(std::istreambuf_iterator<char>(in), {}));
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("--results file '{}' is not valid JSON: {}", path, e.what()));
  }
  theory::CheckReport report;
  report.profile = "results";
  report.verdicts = theory::check_benchmark_results(results, path, ctx);
  return report;
}

// Where the verdicts go, checked before any work: --out (created, with its parents), else the
// judged --data directory (which must exist: judging it says what is missing otherwise), else
// out/verify. Neither verdict file may be the --results file being judged.
std::string prepare_verdict_dir(const VerifyArgs& a) {
  const std::string dir = !a.out.empty() ? a.out : !a.data.empty() ? a.data : "out/verify";
  if (a.out.empty() && !a.data.empty()) {
    if (!std::filesystem::is_directory(dir)) return dir;
  } else {
    prepare_output_dir(a.out.empty() ? "the default --out" : "--out", dir);
  }
  std::vector<Input> inputs;
  if (!a.results.empty()) inputs.push_back({"--results", a.results});
  for (const char* file : {"verdicts.json", "verdicts.md"})
    check_output("--out", dir + "/" + file, inputs);
  return dir;
}

int verify_command(const VerifyArgs& a, bool suite_given) {
  const int sources = (suite_given ? 1 : 0) + (a.data.empty() ? 0 : 1) + (a.results.empty() ? 0 : 1);
  if (sources > 1) throw UsageError("give one of --suite, --data and --results");
  theory::CheckContext ctx;
  ctx.profile = theory::parse_profile(a.suite);
  ctx.progress = [](const std::string& what) { std::cerr << "verify: " << what << "\n" << std::flush; };
  const std::string dir = prepare_verdict_dir(a);

  theory::CheckReport report;
  std::string what;
  if (!a.results.empty()) {
    report = check_results_file(a.results, ctx);
    what = "checking " + a.results;
  } else {
    std::string judged = a.data;
    if (judged.empty()) {
      judged = dir;
      theory::measure_claims(ctx, judged);
    }
    try {
      report = theory::judge_claims(judged);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    what = fmt::format("{} suite, judged from {}", report.profile, judged);
  }
  emit("-",
       theory::verdict_table(report.verdicts) +
           fmt::format("\n{} pass, {} fail, {} inconclusive in {:.1f} s ({})\n",
                       report.count(theory::Outcome::pass), report.count(theory::Outcome::fail),
                       report.count(theory::Outcome::inconclusive), report.seconds, what));
  write_output(dir + "/verdicts.json", theory::verdict_json(report).dump(2) + "\n");
  write_output(dir + "/verdicts.md", theory::verdict_markdown(report));
  emit("-", fmt::format("wrote {0}/verdicts.json and {0}/verdicts.md\n", dir));
  return report.any_failed() ? 1 : 0;
}

}  // namespace

void add_verify_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check the paper's claims (E1-E7, S1-S10): verdict table, verdicts.json/.md;\n"
                "exit 0 when nothing fails, 1 when a claim fails, 2 on a usage error");
  CLI::Option* suite =
      cmd->add_option("--suite", a->suite,
                      "Measure the claims at this size into --out (runs, traces, measurements), "
                      "then judge them: quick (about a minute) or paper (minutes)")
          ->check(CLI::IsMember({"quick", "paper"}))
          ->capture_default_str();
  cmd->add_option("--data", a->data,
                  "Judge the claims from the files a `verify --suite` wrote to DIR; runs nothing");
  cmd->add_option("--results", a->results,
                  "Check a Google Benchmark JSON file of bench_time_to_eps instead");
  cmd->add_option("--out", a->out,
                  "Directory for verdicts.json and verdicts.md (and, with --suite, the "
                  "measurements); default: the --data directory, else out/verify");
  cmd->callback([a, suite, &action] {
    action = [a, suite] { return verify_command(*a, suite->count() > 0); };
  });
}

}  // namespace largestep::cli
