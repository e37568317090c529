// How long work (generating, reading) tells how far it is. The library never writes to stderr
// itself: the caller passes a sink (the CLI's display, cli/progress.h), empty by default, and an
// empty sink costs a test of a null std::function now and then, nothing per item.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>

namespace largestep {

// Hears `done` of `total` units of `what` ("rows of planted generated", "bytes of FILE read").
using ProgressSink =
    std::function<void(std::int64_t done, std::int64_t total, const std::string& what)>;

// Tells a sink about a loop over `total` units: at most kReports + 1 times in all (a count test
// per item, the sink every ceil(total / kReports) items), and always once at the end, so that a
// display is never left short of 100%. Rate limiting in time is the display's business.
class ProgressCounter {
 public:
  static constexpr std::int64_t kReports = 256;

  ProgressCounter(const ProgressSink& sink, std::int64_t total, std::string what)
      : sink_(sink), total_(total), what_(std::move(what)) {
    stride_ = std::max<std::int64_t>(1, (total_ + kReports - 1) / kReports);
    next_ = sink_ ? std::min(stride_, total_) : kNever;
  }

  // `done` units are done (non-decreasing across calls, at most `total`); the end is told once.
  void operator()(std::int64_t done) {
    if (done < next_) return;
    next_ = done >= total_ ? kNever : std::min(done + stride_, total_);
    sink_(done, total_, what_);
  }

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  const ProgressSink& sink_;
  std::int64_t total_;
  std::string what_;
  std::int64_t stride_ = 1, next_ = 0;
};

}  // namespace largestep
