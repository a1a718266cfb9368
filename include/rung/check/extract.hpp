#pragma once
/// \file
/// Finding the final answer in a model's free-text response, the way a careful grader would.
///
///     auto a = rung::extract_answer("Smelm causes Slome... so the final answer is **no**.",
///                                   rung::AnswerKind::yes_no);
///     // a.commitment == Commitment::no, a.strength == Strength::final_answer
///     auto n = rung::extract_answer("P(Y=1 | do(X=1)) = 0.5 * 0.7 = 0.35", rung::AnswerKind::numeric);
///     // n.commitment == Commitment::number, *n.value == 7/20, n.approximate == false
///     auto i = rung::extract_answer("The tightest interval is [-0.1, 0.35].", rung::AnswerKind::interval);
///     // i.commitment == Commitment::interval, *i.value == -1/10, *i.upper == 7/20
///
/// The contract (docs/checking.md has it in full, with examples):
/// - Text after the last `</think>` (or `</thinking>`, `</reasoning>`) is read alone when there is
///   any: a reasoning model's musings do not count.
/// - The text is read as tokens after removing markdown (`**`, `#`, backticks, bullets) and
///   LaTeX wrappers (`$`, `\text{}`, `\(`); `\boxed{...}` and `\frac{a}{b}` are understood.
/// - A **candidate** is a yes/no word, a number, or a phrase saying the answer cannot be
///   determined, that the text *commits to*. Each has a strength: `final_answer` (inside
///   `\boxed{}` or after "final answer"), `answer` (after "answer", "verdict", "conclusion",
///   "result", or the only content of a `**bold**` span), `clause` (a yes/no at the start of a
///   sentence or clause, "No, it would not"; for numbers: any number that is not an operand, an
///   argument such as the 1 in `P(Y=1)`, a variable's value `X = 0`, a list number, a step
///   number or a range).
/// - The answer is the candidate of the highest strength; among equals, the **last** one.
/// - yes/no words that are negated ("not yes"), questioned ("yes?"), joined ("yes or no",
///   "yes/no", "yes and no") or used as adjectives ("no abduction") are never candidates.
/// - Numbers joined by `=`, `≈`, "or", "i.e." or parentheses ("7/20 (0.35)") form one answer;
///   its value is the first fraction among them, else the first not stated approximately.
/// - Intervals (AnswerKind::interval) are written `[a, b]`, `(a, b)`, `[a; b]`, `[a to b]`,
///   "between a and b", "from a to b", or `a <= ... <= b` on one line; a single number is read
///   too (a point, which an interval question scores as wrong), with the numbers' rules above.
/// - Nothing committed, or "cannot be determined", is not an answer: the response is unanswered.
///   Nothing is ever guessed.

#include "rung/core/rational.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace rung {

/// What a record asks for: yes/no (or "undetermined"), a number, or an interval of numbers.
enum class AnswerKind { yes_no, numeric, interval };

/// What a response commits to.
enum class Commitment {
  none,  ///< no answer found
  yes,
  no,
  undetermined,  ///< an explicit "cannot be determined", "it depends", "unknown", ...
  number,        ///< a numeric answer (AnswerKind::numeric and interval)
  interval,      ///< an interval [value, upper] (only for AnswerKind::interval)
};

/// How firmly the text marks its answer, weakest first.
enum class Strength {
  none,
  clause,        ///< "No, it would not.", "So, yes.", a number in running text
  answer,        ///< "The answer is yes", "Answer: (A) yes", "**0.35**"
  final_answer,  ///< "Final answer: no", "\boxed{\text{No}}"
};

/// The answer found in a response.
struct ExtractedAnswer {
  Commitment commitment = Commitment::none;
  Strength strength = Strength::none;
  /// number: the exact value the text gives ("0.35" and "35%" are 7/20, "1/3" is 1/3);
  /// interval: its lower end.
  std::optional<Rational> value{};
  /// interval: its upper end (never below `value`).
  std::optional<Rational> upper{};
  /// number: stated approximately ("approximately 0.35", "≈ 0.33", "0.333...").
  bool approximate = false;
  /// The words that gave the answer, as written in the response, on one line (at most about
  /// 80 characters): "Final answer: No", "0.35".
  std::string evidence{};

  /// yes, no, a number or an interval (undetermined and none are unanswered).
  [[nodiscard]] bool answered() const noexcept {
    return commitment == Commitment::yes || commitment == Commitment::no || commitment == Commitment::number ||
           commitment == Commitment::interval;
  }
  friend bool operator==(const ExtractedAnswer&, const ExtractedAnswer&) = default;
};

/// The final answer of `response` for a question of `kind`. Never throws on any input (invalid
/// UTF-8, huge numbers, unbalanced braces are read as text); runs in linear time.
/// For AnswerKind::yes_no numbers are ignored; for AnswerKind::numeric and interval yes/no words
/// are; only AnswerKind::interval reads intervals.
[[nodiscard]] ExtractedAnswer extract_answer(std::string_view response, AnswerKind kind);

/// "none", "yes", "no", "undetermined", "number", "interval".
[[nodiscard]] std::string_view to_string(Commitment c) noexcept;
/// "none", "clause", "answer", "final_answer".
[[nodiscard]] std::string_view to_string(Strength s) noexcept;
/// The answer as a grader would write it: "yes", "no", "undetermined", "(none)", or the reduced
/// fraction of a number, prefixed with "~" when stated approximately ("~7/20"), or an interval
/// "[-1/10, 7/20]".
[[nodiscard]] std::string to_string(const ExtractedAnswer& a);

}  // namespace rung
