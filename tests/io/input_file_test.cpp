#include "rung/io/input_file.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace rung {
namespace {

namespace fs = std::filesystem;

/// A fresh folder per test, removed afterwards.
class InputFileTest : public ::testing::Test {
 protected:
  fs::path dir_;
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rung_input_file_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }
};

/// The message of the rung::Error that f throws ("" if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ByteCount, ExactUnitsOrDigitsInGroups) {
  EXPECT_EQ(byte_count(std::uint64_t{1} << 30), "1 GiB");
  EXPECT_EQ(byte_count(std::uint64_t{256} << 20), "256 MiB");
  EXPECT_EQ(byte_count(65536), "64 KiB");
  EXPECT_EQ(byte_count(65537), "65,537 bytes");
  EXPECT_EQ(byte_count(1), "1 byte");
  EXPECT_EQ(byte_count(999), "999 bytes");
}

TEST_F(InputFileTest, ReadsTheWholeText) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n";  // several chunks
  EXPECT_EQ(read_input_file(write("a.txt", text)), text);
  EXPECT_EQ(read_input_file(write("empty.txt", "")), "");
}

TEST_F(InputFileTest, RefusesWhatIsNotAReadableFile) {
  EXPECT_EQ(error_of([&] { (void)read_input_file(dir_ / "missing.scm"); }),
            (dir_ / "missing.scm").string() + ": cannot open: No such file or directory");
  EXPECT_EQ(error_of([&] { (void)read_input_file(dir_); }), dir_.string() + ": is a directory, not a file");
  EXPECT_EQ(error_of([&] { InputFile in(dir_); }), dir_.string() + ": is a directory, not a file");
}

TEST_F(InputFileTest, ARegularFileOverTheLimitIsRefusedBeforeReading) {
  const fs::path big = dir_ / "big.scm";
  { std::ofstream(big) << ""; }
  fs::resize_file(big, 5000);  // sparse: NUL bytes, but the size is checked first
  EXPECT_EQ(error_of([&] { (void)read_input_file(big, 4096); }),
            big.string() + ": is 5,000 bytes: rung reads at most 4 KiB of one input");
  // The default limit is far away.
  EXPECT_NE(error_of([&] { (void)read_input_file(big); }).find("binary data"), std::string::npos);
}

TEST_F(InputFileTest, NulBytesAreBinaryDataWithTheirPosition) {
  const auto path = write("nul.scm", std::string("X := 1\nY :=\0 2\n", 15));
  EXPECT_EQ(error_of([&] { (void)read_input_file(path); }),
            path.string() + ": binary data: a NUL byte at line 2, column 5 (byte 12); rung reads UTF-8 text");
  if (fs::exists("/dev/zero")) {
    // Refused on its first read, not after a gigabyte.
    EXPECT_EQ(error_of([] { (void)read_input_file("/dev/zero"); }),
              "/dev/zero: binary data: a NUL byte at line 1, column 1 (byte 1); rung reads UTF-8 text");
  }
}

TEST_F(InputFileTest, Utf16IsNamed) {
  const auto path = write("u16.scm", std::string("\xFF\xFEX\0", 4));
  EXPECT_NE(error_of([&] { (void)read_input_file(path); }).find("UTF-16 text (byte order mark FF FE)"), std::string::npos);
}

TEST_F(InputFileTest, GetlineSeesTheErrorNotAnEndOfInput) {
  const auto path = write("nul.jsonl", std::string("{}\n{\0}\n", 6));
  InputFile in(path);
  std::string line;
  EXPECT_THROW(
      {
        while (std::getline(in, line)) {
        }
      },
      Error);
}

TEST_F(InputFileTest, AFifoWithoutAWriterDoesNotBlock) {
  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(error_of([&] { (void)read_input_file(fifo); }),
            fifo.string() + ": named pipe gave no data (no writer, or it wrote nothing); start the writer first");
}

/// A FIFO in dir with its write end open (a reader held open meanwhile, so that the writer's
/// open does not wait): what `cat m.scm > p &` gives once it runs.
struct Fifo {
  fs::path path;
  int write_end = -1;
  explicit Fifo(const fs::path& dir) : path(dir / "fifo") {
    EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0);
    const int hold = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
    write_end = ::open(path.c_str(), O_WRONLY);
    ::close(hold);
  }
  void write(const std::string& text) const {
    EXPECT_EQ(::write(write_end, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  void close() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
  ~Fifo() { close(); }
};

TEST_F(InputFileTest, AFifoIsReadAsItsWriterWrites) {
  Fifo fifo(dir_);
  ASSERT_GE(fifo.write_end, 0);
  InputFile in(fifo.path);
  const std::string text = "exogenous U ~ Bernoulli(1/2)\nX := U\n";
  // The reader waits (poll) for data while the writer is open, and reads to its end.
  std::thread writer([&] {
    fifo.write(text.substr(0, 10));
    std::this_thread::yield();
    fifo.write(text.substr(10));
    fifo.close();
  });
  std::string got;
  EXPECT_NO_THROW(got = in.read_rest());
  writer.join();
  EXPECT_EQ(got, text);
}

TEST_F(InputFileTest, AStreamStopsAtTheLimit) {
  // A pipe has no size to check beforehand: reading stops once the limit is passed.
  Fifo fifo(dir_);
  ASSERT_GE(fifo.write_end, 0);
  InputFile in(fifo.path, 1000);
  fifo.write(std::string(3000, 'a'));  // fits the pipe's buffer
  fifo.close();
  EXPECT_EQ(error_of([&] { (void)in.read_rest(); }),
            fifo.path.string() + ": more than 1,000 bytes: rung reads at most 1,000 bytes of one input (stopped reading there)");
}

TEST_F(InputFileTest, ReadLineSplitsAndBoundsLines) {
  std::istringstream in("a\n\nbc\nlast");
  std::string line;
  std::vector<std::string> lines;
  for (std::size_t n = 1; read_line(in, line, "f", n); ++n) lines.push_back(line);
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "", "bc", "last"}));

  std::istringstream longer("ok\n0123456789\n");
  ASSERT_TRUE(read_line(longer, line, "f.jsonl", 1, 5));
  EXPECT_EQ(error_of([&] { (void)read_line(longer, line, "f.jsonl", 2, 5); }),
            "f.jsonl:2: line longer than 5 bytes: rung reads at most 5 bytes per line");
}

}  // namespace
}  // namespace rung
