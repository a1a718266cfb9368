#pragma once
/// \file
/// Finite domains of labelled values. A value is the index of its label in the domain.
///
///     rung::Domain w({"lo", "mid", "hi"});
///     w.index_of("hi");          // 2
///     rung::Domain::boolean();   // {0, 1}: the default domain, where 0 is false and 1 true

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rung {

/// A value of a variable: the index of its label in the variable's Domain.
using Value = std::uint32_t;

class Domain {
 public:
  /// The boolean domain {0, 1}.
  Domain();
  /// Labels must be non-empty, made of letters, digits and '_', distinct, and not expression
  /// keywords; at least one.
  /// Throws InvalidModel naming the offending label otherwise.
  explicit Domain(std::vector<std::string> labels);

  static const Domain& boolean();

  [[nodiscard]] std::size_t size() const noexcept { return labels_.size(); }
  [[nodiscard]] const std::string& label(Value v) const { return labels_.at(v); }
  [[nodiscard]] const std::vector<std::string>& labels() const noexcept { return labels_; }
  [[nodiscard]] std::optional<Value> index_of(std::string_view label) const;
  /// True for the labels exactly {0, 1} in that order.
  [[nodiscard]] bool is_boolean() const noexcept;
  /// `{lo, mid, hi}`
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const Domain&, const Domain&) = default;

 private:
  std::vector<std::string> labels_;
};

/// True if `name` is a non-empty run of ASCII letters, digits and '_'.
[[nodiscard]] bool is_valid_name(std::string_view name) noexcept;

/// Words of the expression grammar (`not and or xor if then else`): never a domain value.
[[nodiscard]] bool is_expression_keyword(std::string_view word) noexcept;

/// Words that cannot name a variable: the expression keywords, `true`, `false`, and the words of
/// the .scm format (`exogenous in table Bernoulli Uniform`).
[[nodiscard]] bool is_reserved_word(std::string_view word) noexcept;

}  // namespace rung
