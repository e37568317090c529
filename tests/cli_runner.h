// Test helper: runs the `largestep` program (LARGESTEP_BINARY) and checks usage errors.
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

inline CliOutcome run_cli(const std::string& args) {
  const std::string command = std::string(LARGESTEP_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

inline void expect_usage_error(const std::string& args, const std::string& keyword) {
  const CliOutcome o = run_cli(args);
  EXPECT_EQ(o.code, 2) << args << "\n" << o.output;
  EXPECT_NE(o.output.find(keyword), std::string::npos) << args << "\n" << o.output;
}

}  // namespace largestep
