#include "rung/core/deadline.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace rung {
namespace {

using namespace std::chrono_literals;

TEST(Deadline, WithoutAScopeNothingTimesOut) { EXPECT_NO_THROW(check_deadline()); }

TEST(Deadline, APassedLimitThrowsUntilItsScopeEnds) {
  {
    DeadlineScope limit(1ms);
    std::this_thread::sleep_for(5ms);
    try {
      check_deadline();
      FAIL() << "no TimedOut";
    } catch (const TimedOut& e) {
      EXPECT_EQ(std::string(e.what()), "timed out after 0.001 s");
      EXPECT_EQ(e.exit_code(), 1);
    }
  }
  EXPECT_NO_THROW(check_deadline());
}

TEST(Deadline, ScopesNestAndTheInnerOneApplies) {
  DeadlineScope outer(1h);
  EXPECT_NO_THROW(check_deadline());
  {
    DeadlineScope inner(1ms);
    std::this_thread::sleep_for(5ms);
    EXPECT_THROW(check_deadline(), TimedOut);
  }
  EXPECT_NO_THROW(check_deadline());  // the outer hour again
}

}  // namespace
}  // namespace rung
