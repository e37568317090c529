// The output function: devices written in place, symlinks resolved, regular files replaced
// through a temporary file, every failure reported, and no temporary file left by a failure or an
// interrupt.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "devices.h"
#include "file_text.h"
#include "largestep/kernel/output.h"
#include "temp_dir.h"

namespace largestep {
namespace {

namespace fs = std::filesystem;

// The names in the directory of `path` that start with "NAME.tmp.".
std::vector<std::string> temporaries_of(const std::string& path) {
  std::vector<std::string> out;
  const std::string prefix = fs::path(path).filename().string() + ".tmp.";
  for (const fs::directory_entry& e : fs::directory_iterator(fs::path(path).parent_path()))
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path().string());
  return out;
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST(Output, NewFileGetsTheContentAndNoTemporaryRemains) {
  const TempDir dir;
  const std::string path = dir.path("out.csv");
  write_output(path, "a,b\n1,2\n");
  EXPECT_EQ(read(path), "a,b\n1,2\n");
  EXPECT_TRUE(temporaries_of(path).empty());
}

TEST(Output, ARegularFileIsReplacedAndKeepsItsPermissions) {
  const TempDir dir;
  const std::string path = dir.write("out.csv", "old content, longer than the new one\n");
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  const auto inode_before = [&] {
    struct stat st {};
    ::stat(path.c_str(), &st);
    return st.st_ino;
  }();
  write_output(path, "new\n");
  EXPECT_EQ(read(path), "new\n");
  EXPECT_EQ(fs::status(path).permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_NE(after.st_ino, inode_before) << "a regular file is replaced by rename, not rewritten";
}

TEST(Output, LargeContentInManyPiecesArrivesWhole) {
  const TempDir dir;
  const std::string path = dir.path("big.csv");
  std::string expected;
  OutputFile out(path);
  for (int k = 0; k < 20000; ++k) {
    const std::string line = std::to_string(k) + "," + std::string(k % 37, 'x') + "\n";
    out.write(line);
    expected += line;
  }
  out.write(std::string(300000, 'y'));  // one piece larger than the buffer
  expected += std::string(300000, 'y');
  EXPECT_FALSE(fs::exists(path)) << "nothing is visible at the path before commit";
  out.commit();
  EXPECT_EQ(read(path), expected);
}

TEST(Output, DevNullStaysACharacterDevice) {
  const TempDir dir;
  const std::optional<TestDevices> devices = test_devices(dir);
  if (!devices) GTEST_SKIP() << "cannot create device nodes";
  write_output(devices->null, "discarded\n");
  OutputFile stream(devices->null);
  stream.write("more");
  EXPECT_TRUE(stream.temporary().empty());
  stream.commit();
  EXPECT_TRUE(fs::is_character_file(devices->null));
  EXPECT_TRUE(temporaries_of(devices->null).empty());
}

TEST(Output, DevFullIsAnErrorNamingThePathAndStaysADevice) {
  const TempDir dir;
  const std::optional<TestDevices> devices = test_devices(dir);
  if (!devices) GTEST_SKIP() << "cannot create device nodes";
  const std::string message = message_of([&] { write_output(devices->full, "x\n"); });
  EXPECT_NE(message.find("'" + devices->full + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("No space left on device"), std::string::npos) << message;
  EXPECT_THROW(write_output(devices->full, "x\n"), OutputError);
  EXPECT_TRUE(fs::is_character_file(devices->full));
}

TEST(Output, AFifoIsWrittenInPlace) {
  const TempDir dir;
  const std::string fifo = dir.path("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = read(fifo); });
  write_output(fifo, "through the pipe\n");
  reader.join();
  EXPECT_EQ(received, "through the pipe\n");
  EXPECT_EQ(fs::symlink_status(fifo).type(), fs::file_type::fifo);
}

TEST(Output, ASymlinkStaysALinkAndItsTargetGetsTheContent) {
  const TempDir dir;
  const std::string target = dir.write("target.csv", "old\n");
  const std::string link = dir.path("link.csv"), link_to_link = dir.path("link2.csv");
  fs::create_symlink("target.csv", link);  // relative: resolved against the link's directory
  fs::create_symlink(link, link_to_link);
  write_output(link_to_link, "new\n");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_TRUE(fs::is_symlink(link_to_link));
  EXPECT_EQ(fs::read_symlink(link), "target.csv");
  EXPECT_EQ(read(target), "new\n");
  EXPECT_TRUE(temporaries_of(target).empty());
  EXPECT_TRUE(temporaries_of(link).empty());

  // A dangling link: its target is created, the link kept.
  const std::string dangling = dir.path("dangling.csv");
  fs::create_symlink("created.csv", dangling);
  write_output(dangling, "made\n");
  EXPECT_TRUE(fs::is_symlink(dangling));
  EXPECT_EQ(read(dir.path("created.csv")), "made\n");
}

TEST(Output, ASymlinkLoopIsAPathError) {
  const TempDir dir;
  fs::create_symlink("b", dir.path("a"));
  fs::create_symlink("a", dir.path("b"));
  EXPECT_THROW(check_output_path(dir.path("a")), OutputPathError);
  EXPECT_THROW(write_output(dir.path("a"), "x"), OutputPathError);
}

TEST(Output, ThePathIsCheckedBeforeAnyWork) {
  const TempDir dir;
  EXPECT_NO_THROW(check_output_path("-"));
  if (const std::optional<TestDevices> devices = test_devices(dir)) {
    EXPECT_NO_THROW(check_output_path(devices->null));
  }
  EXPECT_NO_THROW(check_output_path(dir.path("new.csv")));
  EXPECT_NO_THROW(check_output_path(dir.write("old.csv", "x")));

  const std::string missing = dir.path("nodir/x/out.csv");
  const std::string message = message_of([&] { check_output_path(missing); });
  EXPECT_NE(message.find("directory '" + dir.path("nodir/x") + "' does not exist"),
            std::string::npos)
      << message;
  EXPECT_THROW(check_output_path(missing), OutputPathError);

  const std::string file = dir.write("file", "x");
  EXPECT_NE(message_of([&] { check_output_path(file + "/out.csv"); }).find("is not a directory"),
            std::string::npos);
  EXPECT_NE(message_of([&] { check_output_path(dir.path("")); }).find("is a directory"),
            std::string::npos);
  EXPECT_THROW(check_output_path(""), OutputPathError);
  if (::geteuid() != 0) {  // root writes anywhere
    fs::create_directory(dir.path("ro"));
    fs::permissions(dir.path("ro"), fs::perms::owner_read | fs::perms::owner_exec);
    EXPECT_NE(message_of([&] { check_output_path(dir.path("ro/out.csv")); }).find("not writable"),
              std::string::npos);
  }
}

TEST(Output, SameFileComparesDeviceAndInode) {
  const TempDir dir;
  const std::string data = dir.write("same.libsvm", "+1 1:1\n");
  const std::string other = dir.write("other.libsvm", "+1 1:1\n");
  fs::create_symlink(data, dir.path("link"));
  fs::create_hard_link(data, dir.path("hard"));
  EXPECT_TRUE(same_file(data, data));
  EXPECT_TRUE(same_file(dir.path("link"), data));
  EXPECT_TRUE(same_file(dir.path("hard"), data));
  EXPECT_TRUE(same_file(dir.path(".") + "/./same.libsvm", data));
  EXPECT_FALSE(same_file(other, data));
  EXPECT_FALSE(same_file(dir.path("missing"), data));
  EXPECT_FALSE(same_file("-", data));
}

TEST(Output, AStreamNotCommittedLeavesTheOldFileAndNoTemporary) {
  const TempDir dir;
  const std::string path = dir.write("out.csv", "old\n");
  {
    OutputFile out(path);
    out.write(std::string(200000, 'z'));
    ASSERT_FALSE(out.temporary().empty());
    EXPECT_TRUE(fs::exists(out.temporary()));
  }
  EXPECT_EQ(read(path), "old\n");
  EXPECT_TRUE(temporaries_of(path).empty());
}

// A write that fails half-way (here: the file size limit) reports the path, keeps the old content
// and removes its temporary file. In a child process, since the limit is process-wide.
void write_past_the_size_limit(const std::string& path) {
  std::signal(SIGXFSZ, SIG_IGN);
  const rlimit limit{4096, 4096};
  ::setrlimit(RLIMIT_FSIZE, &limit);
  try {
    write_output(path, std::string(1 << 20, 'q'));
  } catch (const OutputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    std::_Exit(3);
  }
  std::_Exit(0);
}

TEST(Output, AFailedWriteKeepsTheOldFileAndRemovesTheTemporary) {
  const TempDir dir;
  const std::string path = dir.write("out.csv", "old\n");
  EXPECT_EXIT(write_past_the_size_limit(path), testing::ExitedWithCode(3),
              "cannot write '.*out.csv': File too large");
  EXPECT_EQ(read(path), "old\n");
  EXPECT_TRUE(temporaries_of(path).empty());
}

TEST(Output, AClosedPipeOnStandardOutputIsAnError) {
  EXPECT_EXIT(
      {
        install_interrupt_cleanup();  // ignores SIGPIPE: the write sees EPIPE
        int fds[2];
        if (::pipe(fds) != 0) std::_Exit(9);
        ::close(fds[0]);
        ::dup2(fds[1], STDOUT_FILENO);
        try {
          write_output("-", "lost\n");
        } catch (const OutputError& e) {
          std::fprintf(stderr, "%s\n", e.what());
          std::_Exit(1);
        }
        std::_Exit(0);
      },
      testing::ExitedWithCode(1), "cannot write standard output: Broken pipe");
}

TEST(Output, TextPrintedOutsideTheOutputFunctionIsCheckedAtTheEnd) {
  EXPECT_EXIT(
      {
        if (!std::freopen("/dev/full", "w", stdout)) std::_Exit(9);
        std::printf("lost\n");
        try {
          finish_standard_output();
        } catch (const OutputError& e) {
          std::fprintf(stderr, "%s\n", e.what());
          std::_Exit(1);
        }
        std::_Exit(0);
      },
      testing::ExitedWithCode(1), "cannot write standard output: No space left on device");
}

// An interrupt during a write removes the temporary file and ends the process by the signal.
void interrupted_write(const std::string& path, int signal) {
  install_interrupt_cleanup();
  OutputFile out(path);
  out.write(std::string(200000, 'p'));
  OutputFile second(path + ".2");  // every write in progress, not just the last
  second.write("q");
  std::raise(signal);
  std::_Exit(0);  // not reached
}

TEST(Output, AnInterruptRemovesTheTemporaryFilesAndEndsByTheSignal) {
  for (const int signal : {SIGINT, SIGTERM}) {
    const TempDir dir;
    const std::string path = dir.write("b.csv", "old\n");
    EXPECT_EXIT(interrupted_write(path, signal), testing::KilledBySignal(signal), "");
    EXPECT_EQ(read(path), "old\n");
    EXPECT_TRUE(temporaries_of(path).empty());
    EXPECT_TRUE(temporaries_of(path + ".2").empty());
    EXPECT_FALSE(fs::exists(path + ".2"));
  }
}

}  // namespace
}  // namespace largestep
