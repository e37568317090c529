#include "largestep/kernel/environment.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <thread>

#ifndef LARGESTEP_FLAVOUR
#define LARGESTEP_FLAVOUR "unknown"
#endif

namespace largestep {
namespace {

std::string command_output(const std::string& command) {
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    std::array<char, 256> buffer{};
    while (fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
    pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string git_commit() {
  const std::string dir = LARGESTEP_SOURCE_DIR;
  const std::string head = command_output("git -C '" + dir + "' rev-parse HEAD 2>/dev/null");
  if (head.empty()) return "unknown";
  const bool dirty =
      !command_output("git -C '" + dir + "' status --porcelain --untracked-files=no 2>/dev/null").empty();
  return dirty ? head + "+dirty" : head;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

}  // namespace

const Environment& current_environment() {
  static const Environment env = [] {
    Environment e;
    e.commit = git_commit();
#if defined(__clang__)
    e.compiler = "clang++ " __clang_version__;
#elif defined(__GNUC__)
    e.compiler = "g++ " __VERSION__;
#endif
    e.flavour = LARGESTEP_FLAVOUR;
    e.cpu = cpu_model();
    e.hardware_threads = static_cast<int>(std::thread::hardware_concurrency());
    return e;
  }();
  return env;
}

nlohmann::json to_json(const Environment& e) {
  return {{"commit", e.commit},
          {"compiler", e.compiler},
          {"flavour", e.flavour},
          {"cpu", e.cpu},
          {"hardware_threads", e.hardware_threads}};
}

}  // namespace largestep
