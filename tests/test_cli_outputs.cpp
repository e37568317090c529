// Outputs, interrupts and option parsing through the program: devices stay devices, links stay
// links, inputs are never overwritten, lost writes fail the command, an interrupt leaves no
// partial file, output paths are checked before any work, and every option is either applied or
// refused.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli_runner.h"
#include "file_text.h"
#include "devices.h"
#include "temp_dir.h"

extern char** environ;

namespace largestep {
namespace {

namespace fs = std::filesystem;

const std::string kBinary = LARGESTEP_BINARY;

// A shell command line, run as it is (for redirections run_cli cannot express); stdout and stderr
// are read only where the command line leaves them.
CliOutcome run_shell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// The names in `dir` that start with `prefix`.
std::vector<std::string> files_starting(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path().string());
  return out;
}

TEST(CliOutputs, DevicesAreWrittenInPlaceAndStayDevices) {
  const TempDir dir;
  const std::optional<TestDevices> devices = test_devices(dir);
  if (!devices) GTEST_SKIP() << "cannot create device nodes";
  const CliOutcome null = run_cli("run --data hard --lambda 1e-2 --eta 1 --trace " + devices->null);
  EXPECT_EQ(null.code, 0) << null.output;
  EXPECT_TRUE(fs::is_character_file(devices->null));

  const CliOutcome full = run_cli("run --data hard --lambda 1e-2 --eta 1 --trace " + devices->full);
  EXPECT_EQ(full.code, 1) << full.output;
  EXPECT_TRUE(contains(full.output, "cannot write '" + devices->full + "'")) << full.output;
  EXPECT_TRUE(contains(full.output, "No space left on device")) << full.output;
  EXPECT_TRUE(fs::is_character_file(devices->full));
  EXPECT_TRUE(files_starting(dir.path(""), "full.tmp.").empty());

  const CliOutcome bifurcation =
      run_cli("bifurcation --lambda 1e-2 --count 2 --out " + devices->full);
  EXPECT_EQ(bifurcation.code, 1) << bifurcation.output;
  EXPECT_TRUE(fs::is_character_file(devices->full));
}

TEST(CliOutputs, ASymlinkStaysALinkAndItsTargetGetsTheTrace) {
  const TempDir dir;
  const std::string target = dir.write("target.csv", "old\n");
  const std::string link = dir.path("link.csv");
  fs::create_symlink("target.csv", link);
  const CliOutcome o = run_cli("run --data hard --lambda 1e-2 --eta 1 --trace " + link);
  ASSERT_EQ(o.code, 0) << o.output;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read(target).rfind("t,value,gap,grad_norm,w_norm\n0,", 0), 0u) << read(target);
}

TEST(CliOutputs, WritingOverAnInputOfTheCommandIsRefused) {
  const TempDir dir;
  const std::string data = dir.path("same.libsvm");
  ASSERT_EQ(run_cli("data export hard --out " + data).code, 0);
  const std::string original = read(data);
  ASSERT_FALSE(original.empty());
  fs::create_symlink(data, dir.path("link"));
  const std::string spec = "libsvm:" + data;
  for (const std::string& args :
       {"sweep --data " + spec + " --lambdas 1e-2 --etas 1 --out " + data,
        "sweep --data " + spec + " --lambdas 1e-2 --etas 1 --out " + dir.path("link"),
        "run --data " + spec + " --lambda 1e-2 --eta 1 --trace " + data,
        "bifurcation --data " + spec + " --lambda 1e-2 --out " + data,
        "data export " + spec + " --out " + data}) {
    const CliOutcome o = run_cli(args);
    EXPECT_EQ(o.code, 2) << args << "\n" << o.output;
    EXPECT_TRUE(contains(o.output, "is the file that")) << args << "\n" << o.output;
    EXPECT_TRUE(contains(o.output, spec)) << args << "\n" << o.output;  // names the input too
    EXPECT_EQ(read(data), original) << args;
  }
  // verify reads --results: its verdict files may not be that file.
  const std::string out = dir.path("verdicts");
  fs::create_directory(out);
  const std::string results = out + "/verdicts.json";
  std::ofstream(results) << R"({"benchmarks": []})";
  const CliOutcome verify = run_cli("verify --results " + results + " --out " + out);
  EXPECT_EQ(verify.code, 2) << verify.output;
  EXPECT_TRUE(contains(verify.output, "--results")) << verify.output;
  EXPECT_EQ(read(results), R"({"benchmarks": []})");
}

// Each command whose standard output is /dev/full: exit 1, naming standard output.
TEST(CliOutputs, ALostWriteOnStandardOutputFailsTheCommand) {
  const TempDir dir;
  const std::optional<TestDevices> devices = test_devices(dir);
  if (!devices) GTEST_SKIP() << "cannot create device nodes";
  for (const std::string& args :
       {std::string("sweep --data hard --lambdas 1e-2 --etas 1"),
        std::string("run --data hard --lambda 1e-2 --eta 1 --json"),
        std::string("run --data hard --lambda 1e-2 --eta 1"),
        std::string("data export hard --out -"), std::string("data describe hard"),
        std::string("bifurcation --lambda 1e-2 --count 2"), std::string("sweep --list-suites"),
        std::string("--help"), std::string("--version")}) {
    // stderr to the pipe, then stdout to the full device.
    const CliOutcome o = run_shell(kBinary + " " + args + " 2>&1 >" + devices->full);
    EXPECT_EQ(o.code, 1) << args << "\n" << o.output;
    EXPECT_TRUE(contains(o.output, "cannot write standard output: No space left on device"))
        << args << "\n"
        << o.output;
  }
}

TEST(CliOutputs, AClosedPipeOnStandardOutputFailsTheCommand) {
  const TempDir dir;
  // 500 etas x 64 rows: megabytes, far more than a pipe holds, so the writer meets the closed end.
  const CliOutcome o =
      run_shell("{ " + kBinary + " bifurcation --lambda 1e-2 --count 500 2>" + dir.path("err") +
                "; echo $? >" + dir.path("code") + "; } | head -c 1 >/dev/null");
  EXPECT_EQ(read(dir.path("code")), "1\n") << read(dir.path("err"));
  EXPECT_TRUE(contains(read(dir.path("err")), "cannot write standard output: Broken pipe"))
      << read(dir.path("err"));
}

// Starts the program with stdout and stderr discarded and SIGINT/SIGTERM at their defaults (a
// test run in the background may inherit them ignored).
pid_t spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(kBinary.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  if (posix_spawn(&pid, kBinary.c_str(), &actions, &attributes, argv.data(), environ) != 0)
    pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return pid;
}

// The issue's case: bifurcation interrupted while it writes. The test waits for the temporary
// file to appear (the write is in progress), then signals: no timing assumption.
TEST(CliOutputs, AnInterruptLeavesNoPartialFileAndEndsByTheSignal) {
  for (const int signal : {SIGINT, SIGTERM}) {
    const TempDir dir;
    const std::string out = dir.path("b.csv");
    const pid_t pid = spawn({"bifurcation", "--lambda", "1e-2", "--count", "20000", "--steps",
                             "200", "--last", "200", "--out", out});
    ASSERT_GT(pid, 0);
    int status = 0;
    bool exited = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (files_starting(dir.path(""), "b.csv.tmp.").empty() &&
           std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!exited) {
      EXPECT_FALSE(files_starting(dir.path(""), "b.csv.tmp.").empty())
          << "no temporary file while the rows are written";
      ::kill(pid, signal);
      ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    }
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal)
        << "status " << status << ", expected death by signal " << signal;
    EXPECT_TRUE(files_starting(dir.path(""), "b.csv").empty()) << "a partial or temporary file";
  }
}

// A path that cannot be written is found before any work: no progress line, no run.
TEST(CliOutputs, TheOutputPathIsCheckedBeforeAnyWork) {
  const TempDir dir;
  const std::string missing = dir.path("nodir/x/out.csv");
  const CliOutcome sweep =
      run_cli("sweep --data hard --lambdas 1e-2,1e-3 --etas 1,2 --progress --out " + missing);
  EXPECT_EQ(sweep.code, 2) << sweep.output;
  EXPECT_TRUE(contains(sweep.output, "directory '" + dir.path("nodir/x") + "' does not exist"))
      << sweep.output;
  EXPECT_FALSE(contains(sweep.output, "[1/4]")) << sweep.output;

  const CliOutcome bifurcation = run_cli("bifurcation --lambda 1e-2 --progress --out " + missing);
  EXPECT_EQ(bifurcation.code, 2) << bifurcation.output;
  EXPECT_FALSE(contains(bifurcation.output, "[1/")) << bifurcation.output;

  expect_usage_error("run --data hard --lambda 1e-2 --eta 1 --trace " + missing, "nodir/x");
  expect_usage_error("run --data hard --lambda 1e-2 --eta 1 --trace " + dir.path(""),
                     "is a directory");
  expect_usage_error("data export hard --out " + missing, "nodir/x");
  expect_usage_error("sweep --data hard --lambdas 1e-2 --etas 1 --out ''", "empty path");

  // Directory outputs: created with their parents, unless a file is in the way.
  const std::string file = dir.write("file", "x");
  const CliOutcome suite = run_cli("sweep --suite quick --progress --out " + file + "/sub");
  EXPECT_EQ(suite.code, 2) << suite.output;
  EXPECT_TRUE(contains(suite.output, "cannot create directory")) << suite.output;
  EXPECT_FALSE(contains(suite.output, "[1/")) << suite.output;
  const CliOutcome verify = run_cli("verify --suite quick --out " + file + "/sub");
  EXPECT_EQ(verify.code, 2) << verify.output;
  EXPECT_FALSE(contains(verify.output, "verify: ")) << verify.output;  // no measurement started
}

// In a log (stderr not a terminal, with --progress) progress is the first and last item and a line
// every 5 s between them, never a line per item: 3000 bifurcation stepsizes printed 3000 lines.
TEST(CliOutputs, ProgressInALogIsThrottled) {
  const TempDir dir;
  const CliOutcome o =
      run_cli("bifurcation --lambda 1e-2 --count 3000 --steps 20 --last 2 --progress --out " +
              dir.path("b.csv"));
  ASSERT_EQ(o.code, 0) << o.output.substr(0, 2000);
  std::size_t lines = 0;
  for (std::size_t at = o.output.find("/3000]"); at != std::string::npos;
       at = o.output.find("/3000]", at + 1))
    ++lines;
  EXPECT_TRUE(contains(o.output, "[1/3000]")) << o.output.substr(0, 2000);
  EXPECT_TRUE(contains(o.output, "[3000/3000]")) << o.output.substr(0, 2000);
  EXPECT_LT(lines, 100u) << o.output.substr(0, 2000);
}

TEST(CliOutputs, AnOptionThatDoesNotApplyIsAnError) {
  const TempDir dir;
  expect_usage_error("run --data hard --lambda 1e-2 --eta 1 --trace-every 5",
                     "--trace-every applies only with --trace");
  expect_usage_error("sweep --list-suites --data hard", "--list-suites takes no other option");
  expect_usage_error("sweep --suite quick --solvers gd --out " + dir.path("s"), "drop --data");
  expect_usage_error("sweep --suite quick --format csv --out " + dir.path("s"),
                     "--format does not apply");
  expect_usage_error("verify --suite quick --results " + dir.write("r.json", "{}"),
                     "give one of --suite, --data and --results");
  EXPECT_FALSE(fs::exists(dir.path("s"))) << "a refused command creates nothing";
}

TEST(CliOutputs, NumbersFollowOneGrammar) {
  expect_usage_error("run --data hard --lambda 1e-2 --eta 1 --max-steps 99999999999999999999",
                     "--max-steps must be in 1 .. 1000000000000000");
  expect_usage_error("run --data hard --lambda 1e-2 --eta 1 --max-steps 1.5",
                     "--max-steps must be an integer");
  expect_usage_error("run --data hard --lambda '' --eta 1", "--lambda: empty value");
  expect_usage_error("run --data hard --lambda 0x10 --eta 1", "--lambda: '0x10' is not a number");
  expect_usage_error("run --data hard --lambda inf --eta 1", "'inf' is not a finite number");
  expect_usage_error("run --data hard --lambda 1e400 --eta 1", "'1e400' is out of range");
  expect_usage_error("run --data hard --lambda 1e-400 --eta 1", "'1e-400' is too small");
  expect_usage_error("sweep --data hard --lambdas 1e-2 --etas 1,,2", "--etas: empty value");
  expect_usage_error("sweep --data hard --lambdas 0x10 --etas 1", "'0x10' is not a number");
  expect_usage_error("reference --data hard --lambda 1e-2 --digits 1e9",
                     "--digits must be in 20 .. 2000");
  // Bounds come before the data (here two-dimensional, which bifurcation refuses after making it).
  expect_usage_error("bifurcation --data hard --lambda 1e-2 --count 2000000",
                     "--count must be in 1 .. 1000000");
  expect_usage_error("bifurcation --data hard --lambda 1e-2 --count 100000 --last 200",
                     "more than the 10000000 rows");

  // A subnormal stepsize is a positive double like any other, for run and sweep alike.
  const CliOutcome run = run_cli("run --data hard --lambda 1e-2 --eta 1e-320 --max-steps 5 --json");
  EXPECT_EQ(run.code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, "\"eta\": 1e-320")) << run.output;
  const CliOutcome sweep = run_cli("sweep --data hard --lambdas 1e-2 --etas 1e-320 --max-steps 5");
  EXPECT_EQ(sweep.code, 0) << sweep.output;
  EXPECT_TRUE(contains(sweep.output, "fixed:eta=1e-320,1e-320,")) << sweep.output;
  // Integers in the number grammar: 2e1 steps is 20.
  const CliOutcome steps = run_cli("run --data hard --lambda 1e-2 --eta 1 --max-steps 2e1 --json");
  EXPECT_EQ(steps.code, 0) << steps.output;
  EXPECT_TRUE(contains(steps.output, "\"horizon\": 20")) << steps.output;
}

TEST(CliOutputs, ParseErrorsCarryTheProgramsPrefixAndVersionExists) {
  for (const std::string& args : {std::string("run --data hard --lambda 1e-2 --eta 1 --bogus"),
                                  std::string("run --data"), std::string("")}) {
    const CliOutcome o = run_cli(args);
    EXPECT_EQ(o.code, 2) << args << "\n" << o.output;
    EXPECT_EQ(o.output.rfind("largestep: error: ", 0), 0u) << args << "\n" << o.output;
  }
  const CliOutcome version = run_cli("--version");
  EXPECT_EQ(version.code, 0) << version.output;
  EXPECT_EQ(version.output.rfind("largestep " LARGESTEP_VERSION " (commit ", 0), 0u)
      << version.output;
}

}  // namespace
}  // namespace largestep
