#include "rung/io/input_file.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <streambuf>
#include <vector>

namespace rung {

std::string byte_count(std::uint64_t bytes) {
  constexpr std::uint64_t kib = 1024;
  for (const auto& [unit, size] : {std::pair{"GiB", kib * kib * kib}, std::pair{"MiB", kib * kib}, std::pair{"KiB", kib}}) {
    if (bytes >= size && bytes % size == 0) return fmt::format("{} {}", bytes / size, unit);
  }
  const std::string digits = std::to_string(bytes);
  std::string grouped;  // built forwards: GCC 12 -O3 warns (falsely) about insert in a loop
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return fmt::format("{} byte{}", grouped, bytes == 1 ? "" : "s");
}

/// The file descriptor and every check; a std::streambuf so that readers can use std::istream.
class InputFile::Buffer : public std::streambuf {
 public:
  Buffer(const std::filesystem::path& path, std::uint64_t max_bytes, bool text)
      : name_(path.string()), max_bytes_(max_bytes), text_(text) {
    // O_NONBLOCK: opening a FIFO for reading does not wait for a writer (it is cleared below
    // for everything but pipes and sockets, where a read may then return EAGAIN).
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) throw Error(fmt::format("{}: cannot open: {}", name_, std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail(fmt::format("cannot read: {}", std::strerror(errno)));
    if (S_ISDIR(st.st_mode)) fail("is a directory, not a file");
    pipe_ = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
    if (S_ISREG(st.st_mode)) {
      size_ = static_cast<std::uint64_t>(st.st_size);
      if (size_ > max_bytes_) {
        const std::string exact = size_ >= (std::uint64_t{1} << 20) ? fmt::format(" ({} bytes)", size_) : "";
        fail(fmt::format("is {}{}: rung reads at most {} of one input", human(size_), exact, byte_count(max_bytes_)));
      }
    }
    if (!pipe_) {
      const int flags = ::fcntl(fd_, F_GETFL);
      if (flags >= 0) (void)::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
    }
    chunk_.resize(kChunk);
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() override { ::close(fd_); }

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  /// The size of a regular file (0 for the rest).
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

  /// Appends the rest of the input to `out`.
  void read_rest(std::string& out) {
    try {
      if (size_ > total_) out.reserve(out.size() + static_cast<std::size_t>(size_ - total_ + static_cast<std::uint64_t>(egptr() - gptr())));
      while (gptr() != egptr() || underflow() != traits_type::eof()) {
        out.append(gptr(), egptr());
        setg(eback(), egptr(), egptr());
      }
    } catch (const std::bad_alloc&) {
      fail(fmt::format("not enough memory to read it ({} read)", human(total_)));
    }
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (eof_) return traits_type::eof();
    const std::size_t n = read_chunk();
    if (n == 0) {
      eof_ = true;
      if (pipe_ && total_ == 0) fail("named pipe gave no data (no writer, or it wrote nothing); start the writer first");
      return traits_type::eof();
    }
    setg(chunk_.data(), chunk_.data(), chunk_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  static constexpr std::size_t kChunk = std::size_t{1} << 16;

  [[noreturn]] void fail(const std::string& what) const { throw Error(fmt::format("{}: {}", name_, what)); }

  static std::string human(std::uint64_t bytes) {
    if (bytes >= (std::uint64_t{1} << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1 << 30));
    if (bytes >= (std::uint64_t{1} << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
    return byte_count(bytes);
  }

  /// One read(2) into chunk_, with every check; 0 at the end of the input.
  std::size_t read_chunk() {
    for (;;) {
      const ssize_t got = ::read(fd_, chunk_.data(), chunk_.size());
      if (got > 0) {
        const auto n = static_cast<std::size_t>(got);
        check(n);
        total_ += n;
        return n;
      }
      if (got == 0) return 0;
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {  // a pipe whose writer has not written yet
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, -1) < 0 && errno != EINTR) fail(fmt::format("cannot read: {}", std::strerror(errno)));
        continue;
      }
      if (errno == EISDIR) fail("is a directory, not a file");
      fail(fmt::format("cannot read: {}", std::strerror(errno)));
    }
  }

  /// The checks on chunk_[0, n) before it is handed out.
  void check(std::size_t n) {
    const char* data = chunk_.data();
    if (!text_) {  // bytes: only the size limit
      if (total_ + n > max_bytes_) {
        fail(fmt::format("more than {}: rung reads at most {} of one input (stopped reading there)", byte_count(max_bytes_),
                         byte_count(max_bytes_)));
      }
      return;
    }
    if (total_ == 0 && n >= 2) {
      const auto b0 = static_cast<unsigned char>(data[0]);
      const auto b1 = static_cast<unsigned char>(data[1]);
      if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) {
        fail(fmt::format("UTF-16 text (byte order mark {:02X} {:02X}); rung reads UTF-8: convert it, e.g. with "
                         "iconv -f UTF-16 -t UTF-8",
                         b0, b1));
      }
    }
    if (const void* nul = std::memchr(data, '\0', n)) {
      const auto at = static_cast<std::size_t>(static_cast<const char*>(nul) - data);
      count_lines(data, at);
      fail(fmt::format("binary data: a NUL byte at line {}, column {} (byte {}); rung reads UTF-8 text", line_,
                       column_, total_ + at + 1));
    }
    if (total_ + n > max_bytes_) {
      fail(fmt::format("more than {}: rung reads at most {} of one input (stopped reading there)",
                       byte_count(max_bytes_), byte_count(max_bytes_)));
    }
    count_lines(data, n);
  }

  /// Moves line_ and column_ past data[0, n).
  void count_lines(const char* data, std::size_t n) {
    const char* end = data + n;
    for (const char* p = data; p < end;) {
      const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      if (nl == nullptr) {
        column_ += static_cast<std::uint64_t>(end - p);
        break;
      }
      ++line_;
      column_ = 1;
      p = static_cast<const char*>(nl) + 1;
    }
  }

  std::string name_;
  std::uint64_t max_bytes_;
  bool text_ = true;
  int fd_ = -1;
  bool pipe_ = false;
  bool eof_ = false;
  std::uint64_t size_ = 0;
  std::uint64_t total_ = 0;   // bytes read so far
  std::uint64_t line_ = 1;    // position after them, for messages
  std::uint64_t column_ = 1;
  std::vector<char> chunk_;
};

InputFile::InputFile(const std::filesystem::path& path, std::uint64_t max_bytes, bool text)
    : std::istream(nullptr), buffer_(std::make_unique<Buffer>(path, max_bytes, text)) {
  rdbuf(buffer_.get());
  exceptions(std::ios::badbit);  // a read error is the Error thrown, never a quiet end of input
}

InputFile::~InputFile() = default;

const std::string& InputFile::name() const noexcept { return buffer_->name(); }

std::string InputFile::read_rest() {
  std::string text;
  buffer_->read_rest(text);
  return text;
}

std::string read_input_file(const std::filesystem::path& path, std::uint64_t max_bytes, bool text) {
  InputFile in(path, max_bytes, text);
  return in.read_rest();
}

bool read_line(std::istream& in, std::string& line, const std::string& file, std::size_t number, std::size_t max_line) {
  line.clear();
  std::streambuf* buf = in.rdbuf();
  using traits = std::char_traits<char>;
  for (;;) {
    const auto c = buf->sbumpc();
    if (traits::eq_int_type(c, traits::eof())) {
      if (line.empty()) {
        in.setstate(std::ios::eofbit);
        return false;
      }
      return true;
    }
    const char ch = traits::to_char_type(c);
    if (ch == '\n') return true;
    if (line.size() >= max_line) {
      throw Error(fmt::format("{}:{}: line longer than {}: rung reads at most {} per line", file, number,
                              byte_count(max_line), byte_count(max_line)));
    }
    line += ch;
  }
}

}  // namespace rung
