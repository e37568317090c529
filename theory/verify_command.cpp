// largestep verify [--suite quick|paper] [--results FILE.json] [--out DIR]
#include <filesystem>
#include <fstream>
#include <iterator>
#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "largestep/core/result_io.h"
#include "bench_results.h"
#include "checker.h"
#include "largestep/reference/certified.h"

namespace largestep::cli {
namespace {

struct VerifyArgs {
  std::string suite = "quick", results, out = "out/verify";
};

int verify_command(const VerifyArgs& a) {
  theory::CheckContext ctx;
  ctx.profile = theory::parse_profile(a.suite);
  ctx.reference = certified_reference;
  ctx.progress = [](const std::string& what) { std::cerr << "verify: " << what << "\n" << std::flush; };
  std::filesystem::create_directories(a.out);

  theory::CheckReport report;
  if (a.results.empty()) {
    report = theory::run_checks(ctx);
  } else {  // check a benchmark file's counters instead of running the checker's own sweeps
    std::ifstream in(a.results);
    if (!in) throw UsageError(fmt::format("cannot read --results file '{}'", a.results));
    nlohmann::json results;
    try {
      results = theory::parse_benchmark_json(std::string(std::istreambuf_iterator<char>(in), {}));
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(fmt::format("--results file '{}' is not valid JSON: {}", a.results, e.what()));
    }
    report.profile = "results";
    report.verdicts = theory::check_benchmark_results(results, a.results, ctx);
  }
  std::cout << theory::verdict_table(report.verdicts);
  std::cout << fmt::format("\n{} pass, {} fail, {} inconclusive in {:.1f} s ({})\n",
                           report.count(theory::Outcome::pass), report.count(theory::Outcome::fail),
                           report.count(theory::Outcome::inconclusive), report.seconds,
                           a.results.empty() ? a.suite + " suite" : "checking " + a.results);
  const std::string dir = a.out;
  write_file_atomically(dir + "/verdicts.json", theory::verdict_json(report).dump(2) + "\n");
  write_file_atomically(dir + "/verdicts.md", theory::verdict_markdown(report));
  std::cout << fmt::format("wrote {0}/verdicts.json and {0}/verdicts.md\n", dir);
  return report.any_failed() ? 1 : 0;
}

}  // namespace

void add_verify_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check the paper's claims (E1-E7, S1-S10): verdict table, verdicts.json/.md;\n"
                "exit 0 when nothing fails, 1 when a claim fails, 2 on a usage error");
  cmd->add_option("--suite", a->suite, "quick (about a minute) or paper (minutes)")
      ->check(CLI::IsMember({"quick", "paper"}))
      ->capture_default_str();
  cmd->add_option("--results", a->results,
                  "Check a Google Benchmark JSON file of bench_time_to_eps instead of running");
  cmd->add_option("--out", a->out, "Directory for verdicts.json and verdicts.md")->capture_default_str();
  cmd->callback([a, &action] { action = [a] { return verify_command(*a); }; });
}

}  // namespace largestep::cli
