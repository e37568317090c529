// Progress through the program: with --progress, generating, reading, the reference and a run
// show it on stderr, a line each; without it, and with stderr not a terminal, stderr stays empty;
// stdout is the same either way. On a terminal the line is rewritten in place and ended.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.h"
#include "file_text.h"
#include "scoped_env.h"
#include "temp_dir.h"

namespace largestep {
namespace {

const std::string kBinary = LARGESTEP_BINARY;

struct Streams {
  int code;
  std::string out, err;
};

// Runs the program with stdout and stderr to files of their own (neither is a terminal).
Streams run_split(const std::string& args, const TempDir& dir) {
  const std::string out = dir.path("stdout"), err = dir.path("stderr");
  const CliOutcome o = run_command("(" + kBinary + " " + args + " >" + out + " 2>" + err + ")");
  return {o.code, read(out), read(err)};
}

// The text without its lines that hold a wall time (a run's "seconds").
std::string without_times(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line))
    if (!contains(line, "seconds")) out += line + "\n";
  return out;
}

TEST(CliProgress, ARunShowsGeneratingTheReferenceAndItsStepsOnlyWithProgress) {
  const TempDir dir;
  // n d^2 above 1e7: the scaled reference, whose stages are shown; a fresh cache each time.
  const std::string run =
      "run --data planted:n=5000,d=50,gamma=0.05 --lambda 1e-3 --rule classical --json";
  Streams shown, quiet;
  {
    const ScopedEnv cache("LARGESTEP_CACHE_DIR", dir.path("cache1"));
    shown = run_split(run + " --progress", dir);
  }
  {
    const ScopedEnv cache("LARGESTEP_CACHE_DIR", dir.path("cache2"));
    quiet = run_split(run, dir);
  }
  ASSERT_EQ(shown.code, 0) << shown.err;
  ASSERT_EQ(quiet.code, 0) << quiet.err;
  EXPECT_TRUE(contains(shown.err, "data: 100% of 5000 rows of planted data generated (5000)\n"))
      << shown.err;
  EXPECT_TRUE(contains(shown.err, "[5/5] reference: ")) << shown.err;
  EXPECT_TRUE(contains(shown.err, "run: step 0 of 1000000, f = 0.69314718")) << shown.err;
  EXPECT_TRUE(contains(shown.err, "(stopped)\n")) << shown.err;
  EXPECT_FALSE(contains(shown.err, "\r")) << "a log gets lines, not a rewritten line";
  EXPECT_EQ(quiet.err, "") << "no progress without --progress when stderr is not a terminal";
  // The same record either way, but for its wall times.
  EXPECT_EQ(without_times(shown.out), without_times(quiet.out));
  EXPECT_TRUE(contains(shown.out, "\"termination\": \"converged\"")) << shown.out;
}

TEST(CliProgress, ReadingAFileShowsTheBytesRead) {
  const TempDir dir;
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += (i % 2 == 0 ? "1 1:" : "-1 2:") + std::to_string(1 + i % 9) + " 3:0.5\n";
  const std::string file = dir.write("data.svm", text);
  const Streams shown = run_split("data describe --progress libsvm:" + file, dir);
  const Streams quiet = run_split("data describe libsvm:" + file, dir);
  ASSERT_EQ(shown.code, 0) << shown.err;
  ASSERT_EQ(quiet.code, 0) << quiet.err;
  EXPECT_TRUE(contains(
      shown.err, "data: 100% of " + std::to_string(text.size()) + " bytes of " + file + " read"))
      << shown.err;
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(without_times(shown.out), without_times(quiet.out));  // the certificate's time
}

// stdout byte for byte the same: a dataset written to standard output.
TEST(CliProgress, StandardOutputIsTheSameByteForByte) {
  const TempDir dir;
  const std::string spec = "planted:n=3000,d=200,nnz=3,gamma=1e-4";
  const Streams shown = run_split("data export " + spec + " --out - --progress", dir);
  const Streams quiet = run_split("data export " + spec + " --out -", dir);
  ASSERT_EQ(shown.code, 0) << shown.err;
  ASSERT_EQ(quiet.code, 0) << quiet.err;
  EXPECT_TRUE(contains(shown.err, "data: 100% of 3000 rows of sparse planted data generated"))
      << shown.err;
  EXPECT_FALSE(contains(shown.out, "data:"));
  EXPECT_EQ(shown.out.size(), quiet.out.size());
  EXPECT_TRUE(shown.out == quiet.out) << "stdout differs with --progress";
  EXPECT_EQ(quiet.err, "");
}

// A sweep shows its runs with --progress and nothing without; its CSV is the same.
TEST(CliProgress, ASweepShowsItsRunsOnlyWithProgress) {
  const TempDir dir;
  const std::string sweep = "sweep --data hard --lambdas 1e-2,1e-3 --etas 1,2 --format json";
  const Streams shown = run_split(sweep + " --progress", dir);
  const Streams quiet = run_split(sweep, dir);
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_TRUE(contains(shown.err, "[4/4] hard:gamma=0.1 lambda=0.001 gd fixed:eta=2: settled"))
      << shown.err;
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(without_times(shown.out), without_times(quiet.out));
}

// On a terminal (a pseudo-terminal from script(1)) progress is shown without --progress: one line
// rewritten in place ("\r", erase to the end) and ended before the summary.
TEST(CliProgress, ATerminalGetsOneLineRewrittenInPlace) {
  if (!std::filesystem::exists("/usr/bin/script")) GTEST_SKIP() << "no script(1)";
  const TempDir dir;
  const ScopedEnv cache("LARGESTEP_CACHE_DIR", dir.path("cache"));
  const CliOutcome o = run_command(
      "/usr/bin/script -qec '" + kBinary +
      " run --data planted:n=2000,d=20,gamma=0.05 --lambda 1e-3 --rule classical' /dev/null");
  ASSERT_EQ(o.code, 0) << o.output;
  EXPECT_TRUE(contains(o.output, "\r\033[Kdata: 100% of 2000 rows")) << o.output;
  EXPECT_TRUE(contains(o.output, "\r\033[Krun: step ")) << o.output;
  // The line is ended (the terminal shows "\r\n" for "\n") before the summary on stdout.
  const std::size_t stopped = o.output.find("(stopped)");
  ASSERT_NE(stopped, std::string::npos) << o.output;
  EXPECT_EQ(o.output.substr(stopped + 9, 2), "\r\n") << o.output;
  EXPECT_LT(stopped, o.output.find("dataset      planted")) << o.output;
}

}  // namespace
}  // namespace largestep
