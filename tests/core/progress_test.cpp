#include "rung/core/progress.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rung {
namespace {

using namespace std::chrono_literals;

TEST(Progress, WithoutAScopeAReportDoesNothing) { EXPECT_NO_THROW(report_progress("eliminating", 1, 2)); }

TEST(Progress, NothingIsReportedBeforeTheFirstDelay) {
  int calls = 0;
  ProgressScope watch([&](const WorkProgress&) { ++calls; }, 1h, 0ms);
  report_progress("eliminating", 1, 10, 100);
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(watch.reported());
}

TEST(Progress, ThenAtMostOnceAnInterval) {
  std::vector<WorkProgress> seen;
  ProgressScope watch([&](const WorkProgress& p) { seen.push_back(p); }, 0ms, 1h);
  report_progress("eliminating", 2, 10, 200);
  report_progress("eliminating", 3, 10, 300);  // within the hour: not reported
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(watch.reported());
  EXPECT_EQ(seen[0].stage, "eliminating");
  EXPECT_EQ(seen[0].done, 2u);
  EXPECT_EQ(seen[0].total, 10u);
  EXPECT_EQ(seen[0].bytes, 200u);
  EXPECT_GE(seen[0].elapsed.count(), 0.0);
}

TEST(Progress, ScopesNestAndTheInnerOneApplies) {
  int outer_calls = 0;
  int inner_calls = 0;
  ProgressScope outer([&](const WorkProgress&) { ++outer_calls; }, 0ms, 0ms);
  {
    ProgressScope inner([&](const WorkProgress&) { ++inner_calls; }, 0ms, 0ms);
    report_progress("enumerating", 4096, 0);
  }
  report_progress("enumerating", 8192, 0);
  EXPECT_EQ(inner_calls, 1);
  EXPECT_EQ(outer_calls, 1);
}

}  // namespace
}  // namespace rung
