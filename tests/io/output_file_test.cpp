#include "rung/io/output_file.hpp"

#include "rung/core/error.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace rung {
namespace {

namespace fs = std::filesystem;

/// A fresh folder per test, removed afterwards.
class OutputFile : public ::testing::Test {
 protected:
  fs::path dir_;
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rung_output_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  [[nodiscard]] std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static unsigned mode(const fs::path& p) {
    struct stat info {};
    EXPECT_EQ(::stat(p.c_str(), &info), 0);
    return info.st_mode & 07777;
  }
};

TEST_F(OutputFile, WritesANewFileAndLeavesNoTemporary) {
  write_file_atomically(dir_ / "a.txt", "hello\n");
  EXPECT_EQ(read(dir_ / "a.txt"), "hello\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"a.txt"});
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(mode(dir_ / "a.txt"), 0666U & ~mask);
}

TEST_F(OutputFile, KeepsTheModeOfAFileItReplaces) {
  write_file_atomically(dir_ / "secret.txt", "old");
  fs::permissions(dir_ / "secret.txt", fs::perms::owner_read | fs::perms::owner_write);
  write_file_atomically(dir_ / "secret.txt", "new");
  EXPECT_EQ(read(dir_ / "secret.txt"), "new");
  EXPECT_EQ(mode(dir_ / "secret.txt"), 0600U);
}

TEST_F(OutputFile, RefusesToReplaceAReadOnlyFile) {
  write_file_atomically(dir_ / "ro.txt", "keep");
  fs::permissions(dir_ / "ro.txt", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  try {
    write_file_atomically(dir_ / "ro.txt", "lost");
    FAIL() << "a read-only file was replaced";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "ro.txt").string() + ": is read-only (mode 0444); not replaced");
  }
  EXPECT_EQ(read(dir_ / "ro.txt"), "keep");
  EXPECT_EQ(entries(), std::vector<std::string>{"ro.txt"});
}

TEST_F(OutputFile, FollowsASymlinkAndKeepsIt) {
  write_file_atomically(dir_ / "real.txt", "old");
  fs::create_symlink("real.txt", dir_ / "link.txt");
  write_file_atomically(dir_ / "link.txt", "new");
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.txt"));
  EXPECT_EQ(read(dir_ / "real.txt"), "new");
  EXPECT_EQ((entries()), (std::vector<std::string>{"link.txt", "real.txt"}));
}

TEST_F(OutputFile, WritesThroughAFifoWithoutReplacingIt) {
  const fs::path fifo = dir_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = read(fifo); });
  write_file_atomically(fifo, "through the pipe\n");
  reader.join();
  EXPECT_EQ(received, "through the pipe\n");
  EXPECT_TRUE(fs::is_fifo(fifo));
}

TEST_F(OutputFile, AFullDeviceIsAnErrorAndStaysADevice) {
  if (!fs::is_character_file("/dev/full")) GTEST_SKIP() << "no /dev/full";
  try {
    write_file_atomically("/dev/full", std::string(1 << 16, 'x'));
    FAIL() << "writing to /dev/full succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "/dev/full: cannot write: No space left on device");
  }
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
}

TEST_F(OutputFile, AFailingWriterLeavesTheOldFileAndNoTemporary) {
  write_file_atomically(dir_ / "data.jsonl", "old\n");
  EXPECT_THROW(write_file_atomically(dir_ / "data.jsonl",
                                     [](std::ostream& out) {
                                       out << "partial";
                                       throw Error("interrupted");
                                     }),
               Error);
  EXPECT_EQ(read(dir_ / "data.jsonl"), "old\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"data.jsonl"});
}

TEST_F(OutputFile, MissingFolderNamesTheUsersFile) {
  try {
    write_file_atomically(dir_ / "no" / "x.json", "{}");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "no" / "x.json").string() + ": cannot write: No such file or directory");
  }
}

TEST_F(OutputFile, PendingTemporariesAreRemovedOnRequest) {
  // What a signal handler does in the middle of a write.
  auto write = [&](std::ostream& out) {
    out << "some";
    const auto names = entries();
    EXPECT_EQ(names.size(), 1U);
    if (!names.empty()) {
      EXPECT_EQ(names[0].rfind("big.jsonl.tmp-" + std::to_string(::getpid()) + "-", 0), 0U);
    }
    remove_pending_outputs();
    EXPECT_TRUE(entries().empty());
    throw Error("stop");  // the write cannot complete once its temporary is gone
  };
  EXPECT_THROW(write_file_atomically(dir_ / "big.jsonl", write), Error);
  EXPECT_TRUE(entries().empty());
}

TEST_F(OutputFile, ATerminatedWriterLeavesNothingBehind) {
  const fs::path target = dir_ / "gen.jsonl";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    remove_pending_outputs_on_signals();
    write_file_atomically(target, [](std::ostream& out) {
      out << "half a record";
      out.flush();
      std::raise(SIGTERM);  // what Slurm sends at its time limit
    });
    ::_exit(0);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  if (WIFSIGNALED(status)) {
    EXPECT_EQ(WTERMSIG(status), SIGTERM);
  }
  EXPECT_TRUE(entries().empty()) << entries().front();
}

TEST_F(OutputFile, StaleTemporariesOfDeadWritersAreCleanedUp) {
  // PIDs never exceed 2^22 on Linux, so this writer cannot be alive.
  const fs::path stale = dir_ / "out.jsonl.tmp-4194305-abcdef";
  const fs::path fresh = dir_ / "out.jsonl.tmp-4194306-ghijkl";
  const fs::path other = dir_ / "other.jsonl.tmp-4194305-abcdef";
  for (const auto& p : {stale, fresh, other}) std::ofstream(p) << "partial";
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(1));
  fs::last_write_time(other, fs::file_time_type::clock::now() - std::chrono::hours(1));
  write_file_atomically(dir_ / "out.jsonl", "whole\n");
  // The fresh one may belong to a live writer in another PID namespace; another file's are not ours.
  EXPECT_EQ((entries()), (std::vector<std::string>{"other.jsonl.tmp-4194305-abcdef", "out.jsonl",
                                                   "out.jsonl.tmp-4194306-ghijkl"}));
}

}  // namespace
}  // namespace rung
