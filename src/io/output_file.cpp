#include "rung/io/output_file.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace rung {

namespace {

namespace fs = std::filesystem;

/// The temporaries being written, readable from a signal handler: fixed buffers, claimed and
/// released through atomic flags (a few concurrent writers in one process at most).
constexpr std::size_t kSlots = 8;
constexpr std::size_t kMaxPath = 4096;
struct PendingSlot {
  std::atomic<bool> claimed{false};  ///< owned by a writer
  std::atomic<bool> armed{false};    ///< `path` holds a temporary to remove
  std::array<char, kMaxPath> path{};
};
std::array<PendingSlot, kSlots> g_pending;

/// Registers `tmp` for removal on a signal while it lives.
class PendingOutput {
 public:
  explicit PendingOutput(const fs::path& tmp) {
    const std::string& text = tmp.native();
    if (text.size() >= kMaxPath) return;  // not registered: removed on errors, not on signals
    for (auto& slot : g_pending) {
      bool expected = false;
      if (slot.claimed.compare_exchange_strong(expected, true)) {
        std::memcpy(slot.path.data(), text.c_str(), text.size() + 1);
        slot.armed.store(true);
        slot_ = &slot;
        return;
      }
    }
  }
  PendingOutput(const PendingOutput&) = delete;
  PendingOutput& operator=(const PendingOutput&) = delete;
  ~PendingOutput() {
    if (slot_ == nullptr) return;
    slot_->armed.store(false);
    slot_->claimed.store(false);
  }

 private:
  PendingSlot* slot_ = nullptr;
};

std::string reason(int error) { return std::strerror(error); }

/// Removes `FILE.tmp-PID-*` left by a process that no longer exists (SIGKILL), when over a
/// minute old: a live writer in another PID namespace keeps its file fresh.
void remove_stale_temporaries(const fs::path& target) {
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string prefix = target.filename().string() + ".tmp-";
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return;
  const auto now = fs::file_time_type::clock::now();
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string rest = name.substr(prefix.size());
    const auto dash = rest.find('-');
    if (dash == std::string::npos || dash == 0) continue;
    char* end = nullptr;
    const long pid = std::strtol(rest.c_str(), &end, 10);
    if (end != rest.c_str() + dash || pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    std::error_code time_ec;
    const auto written = entry.last_write_time(time_ec);
    if (time_ec || now - written < std::chrono::minutes(1)) continue;
    fs::remove(entry.path(), time_ec);
  }
}

/// Writes through to a device, FIFO or socket (never replaced by a regular file).
void write_through(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(fmt::format("{}: cannot write: {}", path.string(), reason(errno)));
  write(out);
  out.flush();
  if (!out) throw Error(fmt::format("{}: cannot write: {}", path.string(), reason(errno)));
  out.close();
  if (out.fail()) throw Error(fmt::format("{}: cannot write: {}", path.string(), reason(errno)));
}

mode_t new_file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return static_cast<mode_t>(0666 & ~mask);
}

}  // namespace

void remove_pending_outputs() noexcept {
  for (auto& slot : g_pending) {
    if (slot.armed.load()) ::unlink(slot.path.data());
  }
}

namespace {
void remove_pending_and_die(int signal) {
  remove_pending_outputs();
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}
}  // namespace

void remove_pending_outputs_on_signals() {
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) std::signal(signal, remove_pending_and_die);
}

void write_file_atomically(const fs::path& given, const std::function<void(std::ostream&)>& write) {
  // Messages name the user's file: the temporary one is an implementation detail.
  const std::string shown = given.string();
  fs::path target = given;
  struct stat info {};
  if (::lstat(given.c_str(), &info) == 0 && S_ISLNK(info.st_mode)) {
    std::error_code ec;
    target = fs::weakly_canonical(given, ec);  // the file the link names, replaced in its folder
    if (ec) throw Error(fmt::format("{}: cannot follow the link: {}", shown, ec.message()));
  }
  mode_t mode = new_file_mode();
  if (::stat(target.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) throw Error(fmt::format("{}: is a directory, not a file", shown));
    if (!S_ISREG(info.st_mode)) {
      write_through(target, write);
      return;
    }
    mode = static_cast<mode_t>(info.st_mode & 07777);
    if ((mode & 0222) == 0) {
      throw Error(fmt::format("{}: is read-only (mode {:04o}); not replaced", shown, static_cast<unsigned>(mode)));
    }
  }

  remove_stale_temporaries(target);
  std::string pattern = target.string() + fmt::format(".tmp-{}-XXXXXX", static_cast<long>(::getpid()));
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw Error(fmt::format("{}: cannot write: {}", shown, reason(errno)));
  const fs::path tmp = pattern;
  PendingOutput pending(tmp);
  auto fail = [&](const std::string& message) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw Error(message);
  };
  if (::fchmod(fd, mode) != 0) {
    const int error = errno;
    ::close(fd);
    fail(fmt::format("{}: cannot write: {}", shown, reason(error)));
  }
  ::close(fd);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail(fmt::format("{}: cannot write: {}", shown, reason(errno)));
    try {
      write(out);
    } catch (...) {
      out.close();
      std::error_code ignored;
      fs::remove(tmp, ignored);  // an interrupted run leaves no partial file behind
      throw;
    }
    out.flush();
    if (!out) fail(fmt::format("{}: cannot write: {}", shown, reason(errno)));
    out.close();
    if (out.fail()) fail(fmt::format("{}: cannot write: {}", shown, reason(errno)));
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    fail(fmt::format("{}: cannot replace: {}", shown, reason(errno)));
  }
}

void write_file_atomically(const fs::path& path, std::string_view content) {
  write_file_atomically(path, [&](std::ostream& out) { out.write(content.data(), static_cast<std::streamsize>(content.size())); });
}

}  // namespace rung
