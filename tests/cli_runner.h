// Test helper: runs a shell command or the `largestep` program (LARGESTEP_BINARY) and checks
// usage errors.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace largestep {

struct CliOutcome {
  int code;
  std::string output;  // stdout and stderr together
};

// Whether a command's output (or any text) holds `part`.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Runs `command` through the shell; its exit code and stdout + stderr.
inline CliOutcome run_command(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

#ifdef LARGESTEP_BINARY
inline CliOutcome run_cli(const std::string& args) {
  return run_command(std::string(LARGESTEP_BINARY) + " " + args);
}
#endif

#ifdef LARGESTEP_BINARY
inline void expect_usage_error(const std::string& args, const std::string& keyword) {
  const CliOutcome o = run_cli(args);
  EXPECT_EQ(o.code, 2) << args << "\n" << o.output;
  EXPECT_NE(o.output.find(keyword), std::string::npos) << args << "\n" << o.output;
}
#endif

}  // namespace largestep
