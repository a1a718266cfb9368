#pragma once
/// \file
/// Progress of long computations, per thread (`rung solve` on a large network).
///
///     {
///       rung::ProgressScope watch([](const rung::WorkProgress& p) { print(p); });
///       auto a = rung::solve(m, q);   // print() runs after 2 s, then at most once a second
///     }
///
/// The inference engines call rung::report_progress() at the check points where they call
/// rung::check_deadline(): each elimination step of variable elimination, every 4,096
/// assignments of enumeration. Without a scope a report is one thread-local load; within one it
/// reads the clock and calls the callback only when the next report is due, so a short query
/// reports nothing. Scopes nest: the inner one applies until it ends.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace rung {

/// What a long computation has done so far.
struct WorkProgress {
  std::string_view stage;            ///< "eliminating" or "enumerating"
  std::uint64_t done = 0;            ///< steps done: variables eliminated, assignments visited
  std::uint64_t total = 0;           ///< steps in all (0 when unknown)
  std::uint64_t bytes = 0;           ///< heap bytes of the numbers held (exact arithmetic), 0 when not tracked
  std::chrono::duration<double> elapsed{};  ///< since the scope began
};

class ProgressScope {
 public:
  using Callback = std::function<void(const WorkProgress&)>;
  /// Calls `report` at the first check point after `first` has passed, then at the first after
  /// each further `every`.
  explicit ProgressScope(Callback report, std::chrono::milliseconds first = std::chrono::milliseconds(2000),
                         std::chrono::milliseconds every = std::chrono::milliseconds(1000));
  ~ProgressScope();
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;

  /// Whether the callback has been called at least once (a caller that drew a progress line on
  /// a terminal clears it).
  [[nodiscard]] bool reported() const { return reported_; }

 private:
  Callback report_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point next_;
  std::chrono::milliseconds every_;
  bool reported_ = false;
  ProgressScope* previous_;
  friend void report_progress(std::string_view, std::uint64_t, std::uint64_t, std::uint64_t);
  static thread_local ProgressScope* current_;
};

/// Tells the innermost scope (if any) how far the computation is; calls its callback when due.
void report_progress(std::string_view stage, std::uint64_t done, std::uint64_t total, std::uint64_t bytes = 0);

}  // namespace rung
