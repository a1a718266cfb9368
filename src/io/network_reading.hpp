#pragma once
/// \file
/// What the network readers (BIF, UAI, XMLBIF) share: a tokenizer that tracks line:column,
/// exact decimals, gzip input, and the last step from a read network to a checked SCM.
/// Private to src/io.

#include "rung/core/error.hpp"
#include "rung/core/rational.hpp"
#include "rung/scm/bayes_net.hpp"
#include "rung/scm/scm.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rung::network_reading {

/// `0.35`, `1`, `.5`, `1e-04`, `9.998996e-05`, `+1.0E2` as the exact fraction of their digits;
/// nullopt for anything else (signs other than a leading '+' included: probabilities are never
/// negative, and "-0.1" is reported by the caller as a number that is not a probability).
[[nodiscard]] std::optional<Rational> exact_decimal(std::string_view text);

/// True if `bytes` start with the gzip magic number.
[[nodiscard]] bool is_gzip(std::string_view bytes);
/// The decompressed content of a gzip stream. Throws rung::Error naming `file` if it is corrupt,
/// truncated, or would exceed 1 GiB.
[[nodiscard]] std::string gunzip(std::string_view bytes, std::string_view file);

/// One token of a network file.
struct Token {
  enum class Kind { word, quoted, punct, end };
  Kind kind = Kind::end;
  std::string text;  ///< a word, the unescaped content of a quoted string, or the punctuation
  Location at;
};

/// Splits text into words, quoted strings and the punctuation characters given; skips white
/// space and, when `c_comments`, `//` and `/* */` comments. A word is a run of other
/// non-space characters.
class Tokenizer {
 public:
  Tokenizer(std::string_view text, std::string_view punctuation, bool c_comments);
  /// The next token (Kind::end at the end). An unterminated quote or comment is reported in
  /// `problem` (and ends the input).
  Token next();
  [[nodiscard]] const std::optional<Diagnostic>& problem() const noexcept { return problem_; }

 private:
  std::string_view text_;
  std::string_view punctuation_;
  bool c_comments_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  std::optional<Diagnostic> problem_;
  void advance(std::size_t n);
  [[nodiscard]] Location here() const;
};

/// `'text'` cut short when long, for messages.
[[nodiscard]] std::string quote_text(std::string_view text);
/// What a token is, for "expected X, found Y".
[[nodiscard]] std::string describe(const Token& t);

/// Checks the CPTs (normalising if asked) and builds the canonical SCM; every problem becomes a
/// Diagnostic carrying `file`. Throws ParseError listing them all.
[[nodiscard]] Scm checked_scm(BayesNet net, std::string_view file, const CptOptions& options, CptReport* report);

/// Appends `file` to diagnostics without one and throws ParseError if there are any.
void throw_if_any(std::vector<Diagnostic> problems, std::string_view file);

}  // namespace rung::network_reading
