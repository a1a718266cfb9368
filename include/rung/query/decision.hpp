#pragma once
/// \file
/// How a yes/no question's answer follows from the exact value of its formal query: "is Y more
/// likely than not" is `value > 1/2`, "will X increase the chance of Y" is `value > 0` for the
/// query `E(Y[X=1]) - E(Y[X=0])`, "is it more correct to look directly at X and Y" is
/// `value = 0` for the bias of the unadjusted comparison. Records store it as text in the field
/// `decision`; a record without one uses the default `value > 1/2`.
///
///     rung::Decision d = rung::parse_decision("value < 0");
///     d.answer(rung::Rational(-1, 5));   // "yes"
///     rung::to_string(d);                // "value < 0"

#include "rung/core/rational.hpp"

#include <string>
#include <string_view>

namespace rung {

struct Decision {
  enum class Op { greater, less, equal, not_equal };
  Op op = Op::greater;
  Rational threshold{1, 2};

  /// "yes" or "no". The default rule (`value > 1/2`, a probability question) answers
  /// "undetermined" at exactly 1/2: neither more nor less likely than not.
  [[nodiscard]] std::string answer(const Rational& value) const;
  [[nodiscard]] bool is_default() const { return op == Op::greater && threshold == Rational(1, 2); }
  friend bool operator==(const Decision&, const Decision&) = default;
};

/// `value > 1/2`, `value < 0`, `value = 0`, `value != 0` (any fraction or decimal threshold).
[[nodiscard]] std::string to_string(const Decision& d);
/// Parses the form to_string writes. Throws InvalidQuery naming the text.
[[nodiscard]] Decision parse_decision(std::string_view text);

}  // namespace rung
