#pragma once
/// \file
/// A time limit on long computations, per thread (`rung solve --timeout`).
///
///     {
///       rung::DeadlineScope limit(std::chrono::milliseconds(10'000));
///       auto a = rung::solve(m, q);   // throws rung::TimedOut at a check point after 10 s
///     }
///
/// The inference engines call rung::check_deadline() at their check points: each elimination
/// step of variable elimination, every 4,096 assignments of enumeration. Without a scope a check
/// is one thread-local load. Scopes nest: the inner one applies until it ends.

#include "rung/core/error.hpp"

#include <chrono>
#include <optional>

namespace rung {

/// A computation stopped by its time limit: exit status 1 (a batch lists it and goes on).
class TimedOut : public Error {
 public:
  using Error::Error;
};

class DeadlineScope {
 public:
  explicit DeadlineScope(std::chrono::milliseconds limit);
  ~DeadlineScope();
  DeadlineScope(const DeadlineScope&) = delete;
  DeadlineScope& operator=(const DeadlineScope&) = delete;

 private:
  struct Limit {
    std::chrono::steady_clock::time_point at;
    std::chrono::milliseconds limit;
  };
  std::optional<Limit> previous_;
  friend void check_deadline();
  static thread_local std::optional<Limit> current_;
};

/// Throws TimedOut ("timed out after 10 s") when the innermost scope's limit has passed.
void check_deadline();

}  // namespace rung
