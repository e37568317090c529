// Resource limits checked before a dataset is generated or read: a request that cannot fit in
// memory is refused at once (a DataError naming the size and what to change) rather than ending in
// std::bad_alloc, or in swapping, minutes later.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace largestep {

// The memory the system can give this process without swapping: $LARGESTEP_MAX_MEMORY (bytes,
// to lower the limit on a shared machine or in a test) if set, else MemAvailable of
// /proc/meminfo, else sysconf's available pages; nullopt when none is known (nothing is refused).
std::optional<double> available_memory_bytes();

// "8.0 GB (8000000000 bytes)".
std::string format_bytes(double bytes);

// Throws DataError "{what} needs {bytes} of memory, more than the {available} available; {remedy}"
// when bytes > available. `bytes` is a double so that n * d never overflows before the check.
void require_memory(double bytes, std::optional<double> available, std::string_view what,
                    std::string_view remedy);
void require_memory(double bytes, std::string_view what, std::string_view remedy);

}  // namespace largestep
