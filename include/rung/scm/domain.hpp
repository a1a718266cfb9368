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
  /// Labels must be non-empty, printable (no control characters), distinct, and not expression
  /// keywords; at least one. A label that is not a name (`<7.5`, `Transp.`, `Asy/Patch`, `12+`)
  /// is written quoted in the text forms: `"<7.5"` (see write_label).
  /// Throws InvalidModel naming the offending label otherwise.
  explicit Domain(std::vector<std::string> labels);

  static const Domain& boolean();

  [[nodiscard]] std::size_t size() const noexcept { return labels_.size(); }
  [[nodiscard]] const std::string& label(Value v) const { return labels_.at(v); }
  [[nodiscard]] const std::vector<std::string>& labels() const noexcept { return labels_; }
  [[nodiscard]] std::optional<Value> index_of(std::string_view label) const;
  /// True for the labels exactly {0, 1} in that order.
  [[nodiscard]] bool is_boolean() const noexcept;
  /// `{lo, mid, hi}`, labels that are not names quoted: `{"<7.5", ">=7.5"}`
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const Domain&, const Domain&) = default;

 private:
  std::vector<std::string> labels_;
};

/// True if `name` is a non-empty run of ASCII letters, digits and '_'.
[[nodiscard]] bool is_valid_name(std::string_view name) noexcept;

/// True if `label` is written without quotes in the text forms: a name (is_valid_name).
[[nodiscard]] bool is_plain_label(std::string_view label) noexcept;

/// A label as written in the .scm text and query notation: as is when plain, otherwise between
/// double quotes with `"` and `\` escaped by a backslash: `"<7.5"`, `"say \"hi\""`.
[[nodiscard]] std::string write_label(std::string_view label);
void append_label(std::string& out, std::string_view label);

/// Reads a quoted label starting at text[pos] == '"'. On success returns the number of bytes
/// consumed (quotes included) and sets `label` (unescaped); returns 0 if the closing quote is
/// missing, a backslash is followed by anything but `"` or `\`, or a control character occurs.
[[nodiscard]] std::size_t read_quoted_label(std::string_view text, std::size_t pos, std::string& label);

/// Words of the expression grammar (`not and or xor if then else`): never a domain value.
[[nodiscard]] bool is_expression_keyword(std::string_view word) noexcept;

/// Words that cannot name a variable: the expression keywords, `true`, `false`, and the words of
/// the .scm format (`exogenous in table Bernoulli Uniform`).
[[nodiscard]] bool is_reserved_word(std::string_view word) noexcept;

}  // namespace rung
