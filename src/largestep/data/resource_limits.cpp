#include "largestep/data/resource_limits.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "largestep/data/text.h"
#include "largestep/kernel/dataset.h"

namespace largestep {

std::optional<double> available_memory_bytes() {
  if (const char* limit = std::getenv("LARGESTEP_MAX_MEMORY"); limit && *limit) {
    const std::optional<double> bytes = parse_finite(limit);
    if (!bytes || *bytes < 0)
      throw DataError(fmt::format("LARGESTEP_MAX_MEMORY={} is not a number of bytes", limit));
    return *bytes;
  }
  // MemAvailable counts the page cache the kernel can drop, which MemFree does not.
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    constexpr std::string_view kKey = "MemAvailable:";
    if (line.rfind(kKey, 0) != 0) continue;
    const std::string_view rest = std::string_view(line).substr(kKey.size());
    const std::size_t first = rest.find_first_not_of(' ');
    if (first == std::string_view::npos) break;
    const std::string_view number = rest.substr(first, rest.find(' ', first) - first);
    if (const std::optional<double> kilobytes = parse_finite(number)) return *kilobytes * 1024;
  }
  const long pages = sysconf(_SC_AVPHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0)
    return static_cast<double>(pages) * static_cast<double>(page_size);
  return std::nullopt;
}

std::string format_bytes(double bytes) {
  if (bytes < 1e3) return fmt::format("{:.0f} bytes", bytes);
  const char* units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
  double scaled = bytes / 1e3;
  int unit = 0;
  while (scaled >= 1e3 && unit < 5) {
    scaled /= 1e3;
    ++unit;
  }
  return fmt::format("{:.3g} {} ({:.0f} bytes)", scaled, units[unit], bytes);
}

void require_memory(double bytes, std::optional<double> available, std::string_view what,
                    std::string_view remedy) {
  if (!available || bytes <= *available) return;
  throw DataError(fmt::format("{} needs {} of memory, more than the {} available; {}", what,
                              format_bytes(bytes), format_bytes(*available), remedy));
}

void require_memory(double bytes, std::string_view what, std::string_view remedy) {
  // Below 16 MiB no machine refuses, and readers call this for every file: spare them the read of
  // /proc/meminfo, unless a limit is set.
  if (bytes < (1 << 24) && !std::getenv("LARGESTEP_MAX_MEMORY")) return;
  require_memory(bytes, available_memory_bytes(), what, remedy);
}

}  // namespace largestep
