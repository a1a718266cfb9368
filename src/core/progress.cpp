#include "rung/core/progress.hpp"

#include <utility>

namespace rung {

thread_local ProgressScope* ProgressScope::current_ = nullptr;

ProgressScope::ProgressScope(Callback report, std::chrono::milliseconds first, std::chrono::milliseconds every)
    : report_(std::move(report)),
      start_(std::chrono::steady_clock::now()),
      next_(start_ + first),
      every_(every),
      previous_(current_) {
  current_ = this;
}

ProgressScope::~ProgressScope() { current_ = previous_; }

void report_progress(std::string_view stage, std::uint64_t done, std::uint64_t total, std::uint64_t bytes) {
  ProgressScope* scope = ProgressScope::current_;
  if (scope == nullptr || !scope->report_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < scope->next_) return;
  scope->next_ = now + scope->every_;
  scope->reported_ = true;
  scope->report_(WorkProgress{stage, done, total, bytes, now - scope->start_});
}

}  // namespace rung
