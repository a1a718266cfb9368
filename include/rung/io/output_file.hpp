#pragma once
/// \file
/// Writing an output file so that a reader never sees a partial one, and nothing of the user's
/// is lost or loosened on the way.
///
///     rung::write_file_atomically("data.jsonl", [&](std::ostream& out) { gen.write(out, run); });
///
/// - A regular file (new or existing) is written to a temporary beside it, `FILE.tmp-PID-XXXXXX`
///   (unique by mkstemp, so writers in different PID namespaces never collide), which then
///   replaces FILE by a rename. An existing file keeps its permission bits; a new one gets
///   0666 less the umask. A file with no write permission bit at all is refused, not replaced.
/// - A symbolic link is followed: the file it points to is replaced, the link stays.
/// - A character device, FIFO or socket (`/dev/stdout`, `/dev/null`, a named pipe) is written
///   to directly, never replaced by a regular file.
/// - Every write and the close are checked: a full disk is an error ("FILE: cannot write: No
///   space left on device") and the temporary is removed.
/// - A temporary being written is removed by `remove_pending_outputs()`, which
///   `remove_pending_outputs_on_signals()` arranges for SIGINT, SIGTERM and SIGHUP (the rung
///   tool does). SIGKILL cannot be caught: the next write of the same FILE removes temporaries
///   of processes that no longer exist (when they are over a minute old).

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string_view>

namespace rung {

/// Writes `content` to `path` as described above.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);
/// The same, streaming: `write` fills the temporary file, which replaces `path` only if `write`
/// returns; if it throws, the temporary file is removed and `path` is untouched.
void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

/// Removes the temporaries that write_file_atomically is writing right now. Async-signal-safe.
void remove_pending_outputs() noexcept;

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that call remove_pending_outputs() and then
/// die of the same signal (so the exit status still says which signal it was).
void remove_pending_outputs_on_signals();

}  // namespace rung
