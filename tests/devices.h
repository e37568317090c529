// Test helper: character devices (null, full) to write to without risking the system's own. Run
// as root, a regression that replaces its output by rename would replace /dev/null itself, so
// root gets private device nodes of the same numbers in a test directory; other users cannot
// replace anything in /dev.
#pragma once

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "temp_dir.h"

namespace largestep {

struct TestDevices {
  std::string null, full;
};

// Unset when root cannot create device nodes (a container without CAP_MKNOD): skip the test.
inline std::optional<TestDevices> test_devices(const TempDir& dir) {
  if (::geteuid() != 0) return TestDevices{"/dev/null", "/dev/full"};
  TestDevices out{dir.path("null"), dir.path("full")};
  for (const auto& [system, copy] : {std::pair<std::string, std::string>{"/dev/null", out.null},
                                     std::pair<std::string, std::string>{"/dev/full", out.full}}) {
    struct stat st {};
    if (::stat(system.c_str(), &st) != 0 || !S_ISCHR(st.st_mode) ||
        ::mknod(copy.c_str(), S_IFCHR | 0666, st.st_rdev) != 0)
      return std::nullopt;
  }
  return out;
}

}  // namespace largestep
