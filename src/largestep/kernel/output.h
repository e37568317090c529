// Writing outputs: every result, trace, cache and verdict file of the project, and standard
// output, go through here, so one set of rules holds everywhere:
//
//  - "-" is standard output, written in place.
//  - A path that is a symlink is resolved first: the link's target gets the content, the link
//    stays a link.
//  - A device or FIFO (/dev/null, /dev/full, a named pipe) is written in place, never replaced.
//  - A regular file, or a path that does not exist yet, is written to a temporary file in the
//    same directory (NAME.tmp.PID.K), fsync'd, then renamed over it: a reader sees the old content
//    or the new, never a part. The new file keeps the permission bits of the file it replaces.
//  - Every write, flush, fsync, close and rename is checked. A failure (ENOSPC, EPIPE, ...)
//    throws OutputError naming the path ("standard output" for "-") and the reason, and removes
//    the temporary file.
//  - After install_interrupt_cleanup(), SIGINT, SIGTERM and SIGHUP remove the temporary files of
//    the writes in progress, then end the process by the signal (the shell sees 130 or 143).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace largestep {

// A write that failed after it started (disk full, broken pipe): the command's work is lost.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A path that cannot be an output (a directory, a missing or read-only directory): found before
// any work, a usage error.
class OutputPathError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// How messages name an output: "standard output" for "-", else 'PATH'.
std::string output_name(const std::string& path);

// The file a write to `path` changes: symlinks followed to their final target (which may not
// exist yet). Throws OutputPathError on a symlink loop.
std::filesystem::path resolve_output(const std::string& path);

// Checks, before any work, that `path` can be written: not a directory; for a new or regular
// file, its directory exists and is writable; a device or FIFO is writable. Throws
// OutputPathError naming the path and the problem. "-" always passes.
void check_output_path(const std::string& path);

// Whether writing `output` would change the file `input` (same device and inode, symlinks
// followed). False for "-" and when either does not exist.
bool same_file(const std::string& output, const std::string& input);

// A streaming writer: the target (or its temporary file) is opened at construction, text is
// written as it is produced, and commit() makes it final. Destroyed without commit(), it removes
// the temporary file and leaves the target as it was.
class OutputFile {
 public:
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view text);
  void commit();

  const std::string& path() const { return path_; }
  // The temporary file being written, empty when the target is written in place.
  const std::string& temporary() const { return temporary_; }

 private:
  void flush_buffer();
  [[noreturn]] void fail(int error);
  void discard() noexcept;

  std::string path_;       // as given
  std::string target_;     // symlinks resolved
  std::string temporary_;  // renamed over target_ at commit; empty when written in place
  std::string buffer_;
  int fd_ = -1;
  int slot_ = -1;  // the interrupt-cleanup slot holding temporary_
  bool committed_ = false;
  bool muted_ = false;  // mute_outputs() was called before this was opened
};

// The one-shot form: `content` to `path` under the rules above.
void write_output(const std::string& path, std::string_view content);

// The earlier name of write_output, kept for its callers.
inline void write_file_atomically(const std::string& path, std::string_view content) {
  write_output(path, content);
}

// Flushes std::cout and C stdio's stdout and throws OutputError ("standard output") if anything
// printed through them was lost: the check for text that did not go through write_output.
void finish_standard_output();

// From here on this process writes nothing: every OutputFile and write_output is a no-op that
// succeeds. For the processes of an mpirun job other than rank 0, which do the same work and
// leave the writing to it, the process `writer` (rank 0's PID). A muted output still holds the
// name of the writer's temporary file for it, so that SIGINT, SIGTERM or SIGHUP here remove it
// too: when the writer is killed outright (SIGKILL), mpirun ends the others by SIGTERM, and
// they leave no partial file behind.
void mute_outputs(long writer);

// Installs the SIGINT/SIGTERM/SIGHUP cleanup described above (signals the process ignores stay
// ignored) and ignores SIGPIPE, so a closed pipe is an EPIPE error of the write rather than a
// silent death.
void install_interrupt_cleanup();

}  // namespace largestep
