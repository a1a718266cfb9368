#pragma once
/// \file
/// Scoring a language model's answers against a dataset (`rung check DATASET RESPONSES`): a
/// verdict for each response, accuracy with Wilson intervals overall and by type, rung, query
/// type and difficulty, and which wrong procedure (SPEC §5 `distractors`) each wrong answer
/// matches.
///
///     rung::Checker checker({.tolerance = rung::Rational(1, 200)});
///     rung::GoldItem item = rung::gold_item(record);           // one dataset record (JSON)
///     rung::Verdict v = checker.check(item, "Let's see... so the final answer is no.");
///     // v.outcome == Outcome::wrong, v.matched == {"no_abduction", ...}
///
///     std::ifstream data("cb.jsonl"), responses("responses.jsonl");
///     rung::CheckReport report = rung::check_responses(data, responses, {});
///     std::cout << rung::to_text(report);          // tables
///     std::cout << rung::to_json(report).dump(2);  // the same, with every item's verdict
///
/// Scoring (docs/checking.md has the details):
/// - the answer is found with extract_answer (include/rung/check/extract.hpp); nothing is guessed;
/// - yes/no items: correct iff the response commits to the gold answer (`undetermined` gold
///   answers need an explicit "cannot be determined"); a yes/no response that differs is wrong;
///   no answer, or "cannot be determined" for a yes/no item, is unanswered;
/// - numeric items: correct iff |answer - gold| <= tolerance (exact rationals; 0 = exact match
///   only); `exact` tells whether it was equal;
/// - interval items (answer "[a, b]"): correct iff the response gives an interval whose two ends
///   are each within the tolerance of the gold ends; a single number is wrong (and matches the
///   distractors whose answer is that number);
/// - accuracy = correct / items scored: unanswered items count as not correct.
/// Malformed lines, duplicate ids and ids found in only one file are reported, never dropped
/// silently; they never stop the check.

#include "rung/check/extract.hpp"
#include "rung/core/json.hpp"
#include "rung/core/rational.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rung {

/// What a dataset record expects, as the checker reads it.
struct GoldItem {
  /// The answer a wrong procedure gives (SPEC §5 `distractors`).
  struct Distractor {
    std::string procedure;
    std::optional<std::string> answer{};  ///< "yes", "no", "undetermined" or a reduced fraction; nullopt: undefined
    std::optional<Rational> value{};      ///< numeric items: the procedure's exact value; interval items: its lower end or its number
    std::optional<Rational> upper{};      ///< interval items: the upper end of the procedure's interval (none for a number)
    friend bool operator==(const Distractor&, const Distractor&) = default;
  };

  std::string id;
  AnswerKind kind = AnswerKind::yes_no;
  /// "yes", "no", "undetermined", the reduced fraction of a numeric answer ("7/20"), or an
  /// interval of them ("[-1/10, 7/20]").
  std::string answer;
  std::optional<Rational> value{};        ///< numeric items: the exact answer; interval items: its lower end
  std::optional<Rational> upper{};        ///< interval items: the upper end
  std::vector<Distractor> distractors{};  ///< in the record's order
  /// The record's ("type", "basic"), ("rung", "3"), ("query_type", ...), ("difficulty.level", "2"),
  /// for the fields it has (rung and query_type are also read from `meta`).
  std::vector<std::pair<std::string, std::string>> groups{};
};

/// Reads one dataset record: a rung record (SPEC §5) or a CounterBench/CLadder one (id from
/// `id`, else `question_id`). Throws rung::Error naming the problem: no id, no answer, an answer
/// that is neither yes/no/undetermined nor a number.
[[nodiscard]] GoldItem gold_item(const rung::ordered_json& record);

enum class Outcome { correct, wrong, unanswered };

[[nodiscard]] std::string_view to_string(Outcome o) noexcept;

/// The score of one response.
struct Verdict {
  Outcome outcome = Outcome::unanswered;
  ExtractedAnswer extracted{};
  /// Correct and equal to the gold answer (numeric answers within the tolerance but not equal
  /// are correct and not exact). Always true for a correct yes/no answer.
  bool exact = false;
  /// wrong: the distractor procedures whose answer this one equals (numeric: within the
  /// tolerance), in the record's order. unanswered with an explicit "cannot be determined": the
  /// procedures whose answer is `undetermined`.
  std::vector<std::string> matched{};
};

struct CheckOptions {
  /// Numeric items: an answer within this distance of the exact value is correct (and matches a
  /// distractor within this distance). 0: exact match only. Must not be negative.
  Rational tolerance{1, 200};
  /// Items kept in each list of the report (wrong answers, problems); 0 = all. Counts cover all.
  std::size_t max_listed = 10;
  std::string dataset_file{};    ///< shown in the report
  std::string responses_file{};  ///< shown in the report
};

/// Scores responses against gold items. Cheap to copy; `check` is const and thread-safe.
class Checker {
 public:
  /// Throws UsageError when the tolerance is negative.
  explicit Checker(CheckOptions options = {});
  [[nodiscard]] Verdict check(const GoldItem& item, std::string_view response) const;
  [[nodiscard]] const CheckOptions& options() const noexcept { return options_; }

 private:
  CheckOptions options_;
};

/// A two-sided confidence interval for a proportion, as fractions in [0, 1].
struct Interval {
  double low = 0;
  double high = 0;
};

/// The Wilson score interval of `successes` in `trials` (z = 1.96 for 95%). {0, 0} when
/// trials is 0.
[[nodiscard]] Interval wilson_interval(std::size_t successes, std::size_t trials, double z = 1.959963984540054);
/// The same for an observed share `p` (0..1) of `trials`, e.g. a mean over repetitions.
[[nodiscard]] Interval wilson_interval_of_share(double p, std::size_t trials, double z = 1.959963984540054);

/// Outcomes of a set of items.
struct Score {
  std::size_t items = 0;
  std::size_t correct = 0;
  std::size_t wrong = 0;
  std::size_t unanswered = 0;
  void add(Outcome o) noexcept;
  /// correct / items (0 when empty).
  [[nodiscard]] double accuracy() const noexcept;
  /// The 95% Wilson interval of the accuracy.
  [[nodiscard]] Interval interval() const;
  friend bool operator==(const Score&, const Score&) = default;
};

/// The scores of each value of one field ("type", "rung", ...), values in natural order,
/// "(none)" last for items without the field.
struct GroupScores {
  std::string field;
  std::vector<std::pair<std::string, Score>> values;
};

/// How often wrong answers equal one procedure's answer.
struct Mistake {
  std::string procedure;
  std::size_t matched = 0;   ///< wrong answers equal to the procedure's answer
  std::size_t traps = 0;     ///< scored items where the procedure commits to an answer that is not the gold one
  std::size_t fell = 0;      ///< wrong answers on those items equal to the procedure's answer
  std::size_t declined = 0;  ///< "cannot be determined" responses where the procedure's answer is undetermined
};

/// A line of either file that could not be used, or an id found in only one file.
struct CheckProblem {
  std::string file;      ///< "dataset" or "responses" (the file's name when given)
  std::size_t line = 0;  ///< 1-based (for a JSON array: the line where the array starts)
  std::string id;        ///< may be empty
  std::string message;
};

/// One scored item.
struct ItemVerdict {
  std::string id;
  std::size_t line = 0;           ///< the record's line in the dataset
  std::size_t response_line = 0;  ///< the response's line
  std::string answer;             ///< the gold answer
  Verdict verdict;
};

struct CheckReport {
  std::string dataset_file;
  std::string responses_file;
  Rational tolerance{};
  std::size_t records = 0;        ///< dataset records read
  std::size_t responses = 0;      ///< responses read
  std::size_t yes_no_items = 0;   ///< scored items with a yes/no answer
  std::size_t numeric_items = 0;  ///< scored items with a numeric answer (a number or an interval)
  std::size_t exact = 0;          ///< correct numeric answers equal to the gold value (both ends)

  Score all;
  /// "type", "rung", "query_type", "difficulty.level": the fields some scored item has.
  std::vector<GroupScores> groups;
  /// What the responses committed to: "yes", "no", "number", "undetermined", "none".
  std::map<std::string, std::size_t> extracted;

  /// One row per procedure, in order of first appearance in the dataset.
  std::vector<Mistake> mistakes;
  std::size_t wrong_unmatched = 0;  ///< wrong answers that equal no procedure's answer

  std::vector<ItemVerdict> items;  ///< every scored item, in dataset order

  std::size_t malformed_count = 0;  ///< unreadable lines of either file
  std::vector<CheckProblem> malformed;
  std::size_t missing_count = 0;  ///< dataset records without a response
  std::vector<CheckProblem> missing;
  std::size_t unknown_count = 0;  ///< responses whose id is not in the dataset
  std::vector<CheckProblem> unknown;
  std::size_t duplicate_count = 0;  ///< records or responses repeating an earlier id (ignored)
  std::vector<CheckProblem> duplicates;
  std::size_t max_listed = 10;  ///< lists of wrong and unanswered items in to_text (0 = all)
};

/// Scores a responses file against a dataset. Each is JSONL (blank lines skipped) or one JSON
/// array. Throws only on a stream error; bad lines are reported.
[[nodiscard]] CheckReport check_responses(std::istream& dataset, std::istream& responses,
                                          const CheckOptions& options = {});

/// The readable report: accuracy table, mistakes, wrong answers, problems.
[[nodiscard]] std::string to_text(const CheckReport& report);

/// The same content as JSON, with every item's verdict (docs/checking.md lists the fields).
[[nodiscard]] rung::ordered_json to_json(const CheckReport& report);

/// The id of a responses-file entry: `id`, `custom_id`, `question_id`, `doc.id`,
/// `doc.question_id` (strings or integers); nullopt when none.
[[nodiscard]] std::optional<std::string> response_id(const rung::ordered_json& entry);

/// The response text of an entry, from the first of the fields docs/checking.md lists
/// (`response`, `output`, `completion`, ..., OpenAI/Anthropic batch results, lm-eval-harness
/// `filtered_resps`/`resps`); "" for a null response (a failed request); nullopt when none.
[[nodiscard]] std::optional<std::string> response_text(const rung::ordered_json& entry);

/// Why an entry in one of the API formats response_text reads is malformed — a field of the
/// wrong type where that format puts the text, e.g. "response.body.choices is a string; expected
/// a list of choices" — or nullopt when its shape is sound. A well-formed failed request (null
/// response, an error body, Anthropic's errored result) is not malformed: it is unanswered.
[[nodiscard]] std::optional<std::string> response_shape_problem(const rung::ordered_json& entry);

}  // namespace rung
