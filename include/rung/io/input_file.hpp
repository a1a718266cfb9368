#pragma once
/// \file
/// The one reading layer for every file rung reads: models, datasets, response files and the
/// inputs of `rung import`. It opens the file, refuses what cannot be text, checks every read
/// and stops at a size limit, each with a message that names the file:
///
///     rung::InputFile in("data.jsonl");                 // throws rung::Error if it cannot be used
///     std::string line;
///     while (rung::read_line(in, line, "data.jsonl")) { ... }
///     std::string text = rung::read_input_file("m.scm");  // the whole file, same checks
///
/// What is refused (rung::Error, exit status 1), before or while reading:
/// - a missing or unreadable file (`cannot open: <reason>`), a directory;
/// - a regular file larger than the limit (by its size, before reading a byte), and any other
///   input (a pipe, /dev/urandom-like devices) once the limit is reached: `more than N bytes`;
/// - binary data: the first NUL byte (`binary data: a NUL byte at line L, column C`), so that
///   `/dev/zero` fails on its first read; UTF-16 text (by its byte order mark);
/// - a failed read (`cannot read: <reason>`): never a silently shortened text;
/// - a named pipe (FIFO) without a writer: opened without blocking, it reports that nothing came
///   (`named pipe gave no data`) instead of waiting forever. A pipe whose writer is running is
///   read as it writes.
/// The stream's exceptions mask includes badbit, so a reader that uses std::getline sees the
/// error as the exception, not as the end of the input.

#include "rung/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <memory>
#include <string>

namespace rung {

/// Largest input read as a whole (a model, an import input) or streamed (a dataset): 1 GiB.
inline constexpr std::uint64_t kMaxInputBytes = std::uint64_t{1} << 30;
/// Longest line of a line-oriented input (a JSONL record): 256 MiB.
inline constexpr std::size_t kMaxLineBytes = std::size_t{1} << 28;

/// A file opened for reading, as a std::istream. Not copyable or movable; build it in place.
class InputFile : public std::istream {
 public:
  /// `text` false: bytes (a gzip file), without the NUL and UTF-16 checks.
  explicit InputFile(const std::filesystem::path& path, std::uint64_t max_bytes = kMaxInputBytes, bool text = true);
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() override;

  /// The path as given, for messages.
  [[nodiscard]] const std::string& name() const noexcept;
  /// The rest of the input as one string (checked like every read).
  [[nodiscard]] std::string read_rest();

  class Buffer;

 private:
  std::unique_ptr<Buffer> buffer_;
};

/// The whole file as text: InputFile's checks, and a clear error if memory runs out.
[[nodiscard]] std::string read_input_file(const std::filesystem::path& path, std::uint64_t max_bytes = kMaxInputBytes,
                                          bool text = true);

/// Reads the next line of `in` into `line` (without its '\n'); false at the end of the input.
/// A line longer than `max_line` bytes throws rung::Error naming `file` and the line number
/// (1-based count of lines read so far, kept by the caller in `number`), without reading the
/// rest of it into memory. Read errors of an InputFile propagate as their own rung::Error.
bool read_line(std::istream& in, std::string& line, const std::string& file, std::size_t number,
               std::size_t max_line = kMaxLineBytes);

/// "1 GiB", "256 MiB", "65,536 bytes": a byte count as people write it (exact, no rounding).
[[nodiscard]] std::string byte_count(std::uint64_t bytes);

}  // namespace rung
