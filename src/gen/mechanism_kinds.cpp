#include "rung/gen/mechanism_kinds.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

namespace rung {

const std::vector<std::string>& mechanism_kinds() {
  static const std::vector<std::string> kinds = {"and", "or", "not", "copy", "xor", "threshold", "table"};
  return kinds;
}

std::string at_least_expression(const std::vector<std::string>& literals, int k) {
  const int n = static_cast<int>(literals.size());
  if (k < 1 || k > n) throw Error(fmt::format("at least {} of {} inputs: expected 1..{}", k, n, n));
  auto conjunction = [&](const std::vector<int>& pick) {
    std::string out;
    for (int i : pick) out += (out.empty() ? "" : " and ") + literals[static_cast<std::size_t>(i)];
    return pick.size() > 1 && k < n ? "(" + out + ")" : out;
  };
  // Every k-subset in lexicographic order of positions.
  std::vector<int> pick(static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i) pick[static_cast<std::size_t>(i)] = i;
  std::string out;
  for (;;) {
    out += (out.empty() ? "" : " or ") + conjunction(pick);
    int i = k - 1;
    while (i >= 0 && pick[static_cast<std::size_t>(i)] == n - k + i) --i;
    if (i < 0) return out;
    ++pick[static_cast<std::size_t>(i)];
    for (int j = i + 1; j < k; ++j) pick[static_cast<std::size_t>(j)] = pick[static_cast<std::size_t>(j - 1)] + 1;
  }
}

}  // namespace rung
