// largestep arena [--suite arena-quick|arena] [--out DIR] [--from DIR] [--progress]
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "arena.h"
#include "cli/certificate_args.h"
#include "cli/cli_common.h"
#include "cli/run_options.h"
#include "cli/suite_command.h"
#include "largestep/core/registry.h"
#include "largestep/core/result_io.h"

namespace largestep::cli {
namespace {

struct ArenaArgs {
  std::string suite = "arena-quick", out, from;
  CommonRunArgs common;
  CertificateArgs certificate;
  std::vector<std::string> given;  // the options given, by name
};

int arena_command(const ArenaArgs& a, bool suite_given) {
  if (!a.from.empty() && suite_given)
    throw UsageError("give one of --suite (run the arena) and --from DIR (tabulate its runs)");
  if (!a.from.empty())
    for (const std::string& option : a.given)
      if (option != "--from" && option != "--out")
        throw UsageError(fmt::format("{} does not apply to --from, which runs nothing", option));
  const std::string dir = !a.out.empty() ? a.out : !a.from.empty() ? a.from : "out/arena";
  const std::string runs_path = (a.from.empty() ? dir : a.from) + "/runs.json";
  Suite suite;
  if (!a.from.empty()) {
    if (!std::filesystem::is_regular_file(runs_path))
      throw UsageError(fmt::format("--from {}: no runs.json there (write one with `largestep arena "
                                   "--suite NAME --out {}`)",
                                   a.from, a.from));
    if (!a.out.empty()) prepare_output_dir("--out", dir);
  } else {
    suite = find_suite(a.suite);
    if (suite.name.rfind("arena", 0) != 0)
      throw UsageError(fmt::format("--suite {}: not an arena suite (arena-quick, arena)", a.suite));
    a.common.check_safe_applies(suite.experiments);
    for (Experiment& e : suite.experiments) e = a.common.applied_to(std::move(e));
    prepare_output_dir(a.out.empty() ? "the default --out" : "--out", dir);
  }
  // Before any work; the tables may not overwrite the runs.json they are made from.
  std::vector<Input> inputs;
  if (!a.from.empty()) inputs.push_back({"--from", runs_path});
  for (const char* file : {"arena.md", "arena.json"}) check_output("--out", dir + "/" + file, inputs);
  if (a.from.empty()) run_suite_into(suite, dir, a.certificate, "arena");
  const theory::ArenaTable table = theory::tabulate_arena(read_json_file(runs_path), runs_path);
  const std::string markdown = theory::arena_markdown(table);
  emit(dir + "/arena.json", theory::arena_json(table).dump(1) + "\n");
  emit(dir + "/arena.md", markdown);
  emit("-", markdown);
  return 0;
}

}  // namespace

void add_arena_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<ArenaArgs>();
  CLI::App* cmd = app.add_subcommand(
      "arena",
      "The stepsize arena: every method on every (dataset, lambda) cell of an arena suite;\n"
      "passes over the data to eps, settled steps, wall time, slopes against kappa\n"
      "(DIR/runs.json, runs.csv, arena.md, arena.json; the table on stdout)");
  CLI::Option* suite =
      cmd->add_option("--suite", a->suite,
                      "Run this registry suite: arena-quick (seconds) or arena (tens of minutes)")
          ->capture_default_str();
  cmd->add_option("--from", a->from, "Tabulate the runs.json an arena run wrote to DIR; runs nothing");
  cmd->add_option("--out", a->out,
                  "Directory for the runs and the tables; default: the --from directory, else "
                  "out/arena");
  a->common.add_to(*cmd);
  a->certificate.add_to(*cmd);
  cmd->callback([a, cmd, suite, &action] {
    for (const CLI::Option* option : cmd->get_options())
      if (option->count() > 0) a->given.push_back(option->get_name());
    action = [a, suite] { return arena_command(*a, suite->count() > 0); };
  });
}

}  // namespace largestep::cli
