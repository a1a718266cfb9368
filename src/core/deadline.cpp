#include "rung/core/deadline.hpp"

#include <fmt/format.h>

namespace rung {

thread_local std::optional<DeadlineScope::Limit> DeadlineScope::current_;

DeadlineScope::DeadlineScope(std::chrono::milliseconds limit) : previous_(current_) {
  current_ = Limit{std::chrono::steady_clock::now() + limit, limit};
}

DeadlineScope::~DeadlineScope() { current_ = previous_; }

void check_deadline() {
  const auto& limit = DeadlineScope::current_;
  if (!limit || std::chrono::steady_clock::now() < limit->at) return;
  const double seconds = std::chrono::duration<double>(limit->limit).count();
  throw TimedOut(fmt::format("timed out after {} s", seconds));
}

}  // namespace rung
