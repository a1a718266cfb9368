#pragma once
/// \file
/// What the audit's learners see of an item (include/rung/check/learners.hpp): the masked words
/// of its text, and a fixed vector of numeric features read from the text alone (no solver, no
/// model file). Every feature that cannot be read is NaN ("missing"), never an error.
///
///     rung::FeatureInput in;
///     in.given_info = "We know that A or B causes Y. We observed that A occurred.";
///     in.question = "Would Y occur if not A instead of A?";
///     std::vector<double> f = rung::text_features(in);   // f[feature_index("outcome_connective")] == 2 (or)
///
/// Three registers are read (a text may match none, then their features are NaN):
/// - CounterBench: "We know that A causes B, A and not C together cause D, C or B causes E,
///   exactly one of A and B causes E, at least two of A, not B and C together cause E. We
///   observed that B occurred and C did not occur." + "Would Y occur if not X instead of X?";
/// - CLadder: "X has a direct effect on Y and Z.", "The overall probability of X is 72%.",
///   "For those who are not X and are Z, the probability of Y is 31%.", "The probability of not
///   X and Y is 8%.", "the correlation between X and Y is -0.16", "case by case according to Z";
/// - rung's ladder: "Y := (A and not B) xor U_Y", "U_Y is 1 with probability 3/10", "U_C affects
///   both A and B", the question's "In notation: P(Y[X=1]=1 | X=0)".
/// docs/audit.md lists every feature.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rung {

/// Calls f(word, heuristic_name) for each run of word bytes (ASCII letters, digits, `_`,
/// non-ASCII bytes) of `text`, in order. `heuristic_name` is the CounterBench name rule: the word
/// starts with a capital letter and does not start a sentence (the text's start or after any of
/// `. ? !`). The question templates of the audit use the same rule.
void for_each_word(std::string_view text, const std::function<void(std::string_view, bool)>& f);

/// The same walk over every run of `text`, word or not: f(run, is_word, heuristic_name)
/// (heuristic_name is false for non-word runs). Concatenating the runs gives `text` back.
void for_each_run(std::string_view text, const std::function<void(std::string_view, bool, bool)>& f);

/// The text of one item, as a model sees it.
struct FeatureInput {
  std::string_view given_info;
  std::string_view question;
  /// The model's variable names (rung records); empty: names are found by the capitalised-word
  /// rule of for_each_word, or by position in the sentence patterns.
  std::vector<std::string> names{};
  /// Treatment and outcome when the record states them (rung's `meta.treatment`/`meta.outcome`);
  /// otherwise they are read from the question.
  std::optional<std::string> treatment{};
  std::optional<std::string> outcome{};
};

/// The roles the question names; empty when not found.
struct QuestionRoles {
  std::string treatment;
  std::string outcome;
  std::string adjustment;   ///< backdoor: "case by case according to Z"
  std::string conditioned;  ///< "If we look at those who are Z"
  std::string mediator;     ///< "through M"
  bool treatment_negated = false;  ///< the question's intervention or hypothetical is "not X"
};

/// Reads treatment, outcome and the other roles from a question of CounterBench's, CLadder's or
/// rung's templates (see docs/audit.md). Unknown templates give empty roles.
[[nodiscard]] QuestionRoles question_roles(std::string_view question);

/// The path-parity rule, a shortcut for deterministic counterfactual questions (CounterBench's
/// register, and CLadder's det-counterfactual "We know that A causes B. not A and B causes C."):
/// follow the shortest stated causal paths from the question's set variables to its outcome and
/// count the "not"s on them. It ignores whether the other inputs of each clause let the change
/// through, so it is a heuristic, not a solution (docs/audit.md, "Shortcut baselines").
///
/// - Each clause "L causes R" / "L together cause R" of `given_info` gives an arc from every
///   cause of L to every effect in R ("A causes B, C and D"); an arc a → b is negated once when
///   L writes "not a", and once more when the clause writes the effect "not b".
/// - `question` names the outcome ("Would Y occur ...", "Would not Y occur ..." asks for Y = 0)
///   and the settings: "if X instead of not X" sets X = 1, "if not X instead of X" X = 0;
///   "if not X and Z" sets X = 0, Z = 1 (any number of settings joined by "and" or ",");
///   "..., with Z kept as it would be under ..." also holds Z; CounterBench's "Assume not X, and
///   based on this assumption, further suppose not Z. Would Y occur?" sets both, as written.
/// - A breadth-first search from all set variables at once, never entering a held or another set
///   variable, gives each variable its distance from the nearest setting. Along every arc u → w
///   with dist(w) = dist(u) + 1 the set values flow, flipped by each negated arc.
///
/// Returns true ("yes") when the only value reaching Y is 1 (0 when Y is asked negated), false
/// when it is the other; nullopt (abstains) when no setting reaches Y, when shortest paths bring
/// both values, or when the text cannot be read so (no clause, an unknown question form, a name
/// of more than one word).
///
///     path_parity_prediction("We know that A causes not B, B causes C.", "Would C occur if A instead of not A?")
///         // false: one negation on A → B → C
[[nodiscard]] std::optional<bool> path_parity_prediction(std::string_view given_info, std::string_view question);

/// The names of the fixed features, in vector order (docs/audit.md defines each).
[[nodiscard]] const std::vector<std::string>& feature_names();
/// The position of `name` in feature_names(); throws std::out_of_range when unknown.
[[nodiscard]] std::size_t feature_index(std::string_view name);

/// The fixed feature vector of one item (size feature_names().size(); NaN = missing).
[[nodiscard]] std::vector<double> text_features(const FeatureInput& input);

/// The words of `text` for the n-gram learner: lower case; a variable name becomes `X`
/// (the treatment), `Y` (the outcome) or `V` (any other); a number (a run of digits) becomes `#`.
/// Names are `names` when given (whole words, case-sensitive), otherwise the capitalised-word
/// rule. Punctuation is dropped.
[[nodiscard]] std::vector<std::string> masked_words(std::string_view text, const std::vector<std::string>& names,
                                                    std::string_view treatment = {}, std::string_view outcome = {});

/// `text` with each variable name replaced by its order of first appearance (byte 0x01 and the
/// number: "A causes B. Would B occur?" and "C causes D. Would D occur?" give the same text);
/// everything else, numbers included, kept. Names as in masked_words. Two records with the same
/// renamed text differ only in their names (name variants, when a file names no structure).
[[nodiscard]] std::string renamed_text(std::string_view text, const std::vector<std::string>& names);

}  // namespace rung
