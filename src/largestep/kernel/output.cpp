#include "largestep/kernel/output.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace largestep {
namespace fs = std::filesystem;
namespace {

// The temporary files of the writes in progress, where a signal handler can read them: a fixed
// table of plain char arrays guarded by lock-free atomics (no allocation, no locks).
constexpr int kSlots = 32;
enum SlotState : int { kFree = 0, kBusy = 1, kLive = 2 };
struct Slot {
  std::atomic<int> state{kFree};
  char path[PATH_MAX];
};
static_assert(std::atomic<int>::is_always_lock_free);
Slot g_slots[kSlots];

int claim_slot(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;  // open() fails with ENAMETOOLONG before it matters
  for (int k = 0; k < kSlots; ++k) {
    int expected = kFree;
    if (g_slots[k].state.compare_exchange_strong(expected, kBusy)) {
      std::memcpy(g_slots[k].path, path.c_str(), path.size() + 1);
      g_slots[k].state.store(kLive);
      return k;
    }
  }
  throw OutputError(
      fmt::format("cannot write '{}': more than {} outputs open at once", path, kSlots));
}

void release_slot(int k) {
  if (k >= 0) g_slots[k].state.store(kFree);
}

extern "C" void remove_temporaries_and_reraise(int signal) {
  for (Slot& s : g_slots)
    if (s.state.load() == kLive) ::unlink(s.path);
  // SA_RESETHAND restored the default action: the process ends by this signal, as it would have
  // without the handler, so the shell reports 128 + signal.
  ::raise(signal);
}

constexpr std::size_t kBufferSize = 1 << 16;
std::atomic<unsigned> g_temporary_counter{0};

bool is_standard_output(const std::string& path) { return path == "-"; }

}  // namespace

std::string output_name(const std::string& path) {
  return is_standard_output(path) ? std::string("standard output") : fmt::format("'{}'", path);
}

fs::path resolve_output(const std::string& path) {
  fs::path p = path;
  std::error_code ec;
  for (int hops = 0; fs::is_symlink(fs::symlink_status(p, ec)); ++hops) {
    if (hops == 40)
      throw OutputPathError(
          fmt::format("cannot write {}: too many levels of symbolic links", output_name(path)));
    const fs::path target = fs::read_symlink(p, ec);
    if (ec)
      throw OutputPathError(fmt::format("cannot write {}: cannot read the symbolic link '{}': {}",
                                        output_name(path), p.string(), ec.message()));
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  return p;
}

void check_output_path(const std::string& path) {
  if (is_standard_output(path)) return;
  const auto problem = [&path](const std::string& why) {
    return OutputPathError(fmt::format("cannot write {}: {}", output_name(path), why));
  };
  if (path.empty()) throw OutputPathError("cannot write to an empty path");
  const fs::path target = resolve_output(path);
  std::error_code ec;
  const fs::file_status status = fs::status(target, ec);
  if (fs::is_directory(status)) throw problem("it is a directory");
  if (fs::exists(status) && !fs::is_regular_file(status)) {  // device, FIFO: written in place
    if (::access(target.c_str(), W_OK) != 0)
      throw problem(fmt::format("it is not writable ({})", std::strerror(errno)));
    return;
  }
  // A new or regular file: the temporary file and the rename need its directory.
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const fs::file_status dir_status = fs::status(dir, ec);
  if (!fs::exists(dir_status))
    throw problem(fmt::format("directory '{}' does not exist", dir.string()));
  if (!fs::is_directory(dir_status))
    throw problem(fmt::format("'{}' is not a directory", dir.string()));
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw problem(
        fmt::format("directory '{}' is not writable ({})", dir.string(), std::strerror(errno)));
}

bool same_file(const std::string& output, const std::string& input) {
  if (is_standard_output(output)) return false;
  std::error_code ec;
  const bool same = fs::equivalent(output, input, ec);
  return !ec && same;
}

namespace {
bool g_muted = false;
long g_writer = 0;  // the process that writes for a muted one
}  // namespace

void mute_outputs(long writer) {
  g_muted = true;
  g_writer = writer;
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)), muted_(g_muted) {
  if (muted_) {
    // The writer's temporary file for this output, by the name it gives it (same sequence of
    // outputs, same counter), held for the interrupt cleanup only: never written or removed
    // otherwise. If the writer is killed outright, the signal that ends this process removes it.
    if (is_standard_output(path_) || g_writer <= 0) return;
    struct stat existing {};
    target_ = resolve_output(path_).string();
    if (::stat(target_.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) return;
    slot_ = claim_slot(fmt::format("{}.tmp.{}.{}", target_, g_writer, g_temporary_counter++));
    return;
  }
  if (is_standard_output(path_)) {
    // Text printed through iostreams or stdio before this must come first.
    std::cout.flush();
    std::fflush(stdout);
    fd_ = STDOUT_FILENO;
    return;
  }
  target_ = resolve_output(path_).string();
  struct stat existing {};
  const bool exists = ::stat(target_.c_str(), &existing) == 0;
  if (exists && S_ISDIR(existing.st_mode)) fail(EISDIR);
  if (exists && !S_ISREG(existing.st_mode)) {
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) fail(errno);
    return;
  }
  for (int attempt = 0; fd_ < 0; ++attempt) {
    temporary_ = fmt::format("{}.tmp.{}.{}", target_, ::getpid(), g_temporary_counter++);
    slot_ = claim_slot(temporary_);  // before the file exists, so no signal can miss it
    fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) break;
    const int error = errno;
    release_slot(slot_);
    slot_ = -1;
    temporary_.clear();
    if (error != EEXIST || attempt == 100) fail(error);
  }
  if (exists && ::fchmod(fd_, existing.st_mode & 07777) != 0) fail(errno);
}

OutputFile::~OutputFile() {
  if (!committed_) discard();
}

void OutputFile::discard() noexcept {
  if (muted_) {  // the writer's file is the writer's to remove
    release_slot(slot_);
    slot_ = -1;
    return;
  }
  if (fd_ >= 0 && fd_ != STDOUT_FILENO) ::close(fd_);
  fd_ = -1;
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
  temporary_.clear();
  release_slot(slot_);
  slot_ = -1;
}

void OutputFile::fail(int error) {
  discard();
  throw OutputError(fmt::format("cannot write {}: {}", output_name(path_), std::strerror(error)));
}

namespace {

// Returns 0, or the errno of the failed write.
int write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

void OutputFile::flush_buffer() {
  if (buffer_.empty()) return;
  const int error = write_all(fd_, buffer_.data(), buffer_.size());
  buffer_.clear();
  if (error != 0) fail(error);
}

void OutputFile::write(std::string_view text) {
  if (muted_) return;
  if (committed_ || fd_ < 0)
    throw std::logic_error(fmt::format("write to {} after commit or failure", output_name(path_)));
  if (buffer_.size() + text.size() < kBufferSize) {
    buffer_.append(text);
    return;
  }
  flush_buffer();
  if (text.size() < kBufferSize) {
    buffer_.append(text);
  } else if (const int error = write_all(fd_, text.data(), text.size()); error != 0) {
    fail(error);
  }
}

void OutputFile::commit() {
  if (muted_) {
    release_slot(slot_);
    slot_ = -1;
    committed_ = true;
    return;
  }
  if (committed_ || fd_ < 0)
    throw std::logic_error(fmt::format("commit of {} twice or after failure", output_name(path_)));
  flush_buffer();
  if (fd_ == STDOUT_FILENO) {
    // A redirection to a regular file can report a lost write only at fsync (NFS, quotas);
    // pipes and terminals cannot be fsync'd.
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && ::fsync(fd_) != 0) fail(errno);
    committed_ = true;
    return;
  }
  if (!temporary_.empty() && ::fsync(fd_) != 0) fail(errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail(errno);
  if (!temporary_.empty()) {
    if (::rename(temporary_.c_str(), target_.c_str()) != 0) fail(errno);
    temporary_.clear();
    release_slot(slot_);
    slot_ = -1;
  }
  committed_ = true;
}

void write_output(const std::string& path, std::string_view content) {
  OutputFile out(path);
  out.write(content);
  out.commit();
}

void finish_standard_output() {
  errno = 0;
  std::cout.flush();
  const bool stream_failed = !std::cout;
  const bool stdio_failed = std::fflush(stdout) != 0 || std::ferror(stdout) != 0;
  if (stream_failed || stdio_failed)
    throw OutputError(fmt::format("cannot write standard output: {}",
                                  errno != 0 ? std::strerror(errno) : "an earlier write failed"));
}

void install_interrupt_cleanup() {
  struct sigaction action {};
  action.sa_handler = remove_temporaries_and_reraise;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction previous {};
    if (::sigaction(signal, nullptr, &previous) == 0 && previous.sa_handler != SIG_IGN)
      ::sigaction(signal, &action, nullptr);
  }
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace largestep
