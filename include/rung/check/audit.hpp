#pragma once
/// \file
/// The dataset audit (`rung audit DATASET`): what a benchmark's labels can be predicted from
/// without solving anything, and whether its stored answers are right.
///
///     std::ifstream in("data.jsonl");
///     rung::AuditReport r = rung::audit_dataset(in, {.threads = 2, .file = "data.jsonl"});
///     std::cout << rung::to_text(r);          // aligned tables
///     std::cout << rung::to_json(r).dump(2);  // the same content
///
/// Input: JSONL (one record a line; blank lines are skipped) or one JSON array of records (the
/// form of CounterBench's public file). Each record's schema is detected on its own:
/// - "rung": has `formal_query` and `model` (SPEC §5, the generator's records);
/// - "counterbench": has `question`, `given_info` and `answer` and no `model` (CounterBench,
///   CLadder).
/// A record that cannot be read (invalid JSON, not an object, neither schema, no `answer`) is
/// counted and listed with its 1-based line number; it never stops the audit.
///
/// The report: counts by type, rung, query type, difficulty level, ...; the answer balance;
/// shortcut baselines (rules that predict the answer without solving, as accuracies); question
/// templates; duplicate structures and ids; and, for rung records, re-verification: the model
/// is rebuilt, `formal_query` parsed and solved by enumeration, and the value compared exactly
/// with `value.fraction` (and `answer`, `value.decimal`, `rung` with it); the model the record's
/// `given_info` states is compared with `model` (include/rung/gen/stated.hpp). docs/audit.md
/// defines every figure.
///
/// Determinism: the report does not depend on `threads`; every list is in file order.

#include "rung/check/learner_chance.hpp"
#include "rung/check/learners.hpp"
#include "rung/core/json.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rung {

/// How far the audit has come; passed to AuditOptions::progress.
struct AuditProgress {
  std::size_t records = 0;   ///< records read so far (well-formed or not)
  std::size_t verified = 0;  ///< rung records re-solved so far
};

struct AuditOptions {
  /// Re-solve every rung record by enumeration (`--no-verify` turns it off).
  bool verify = true;
  /// Threads for re-verification and for training the learners (0 is taken as 1). The report
  /// does not depend on it.
  unsigned threads = 1;
  /// How many items each list holds (malformed lines, mismatches, failures, duplicates,
  /// templates); 0 = all. Counts always cover everything.
  std::size_t max_listed = 10;
  /// The dataset's name, shown in the report (may be empty).
  std::string file{};
  /// Called on the calling thread after each block of records (a few hundred), and once at the
  /// end. The total is not known in advance when reading a stream.
  std::function<void(const AuditProgress&)> progress{};
  /// The learned-shortcut audit (include/rung/check/learners.hpp); on by default
  /// (`--no-learners` sets learners.enabled = false, `--folds K` learners.folds, `--cv-repeats R`
  /// learners.repeats). The cross-validated baselines (graph_shape_cv, statement_form_cv,
  /// wording_cv) take their number of fold layouts (`repeats`) and seed from here too, learners
  /// on or off.
  LearnerOptions learners{};
  /// Shuffles of the answers for the learners' chance level (learner_chance.hpp); 0 = none
  /// (`--chance-shuffles N`). Each costs about one more run of the learners.
  unsigned chance_shuffles = 0;
};

/// A rule that predicts the answer without solving, scored on every record of its population.
/// `by_type` scores the same rule on the records of each type (empty when no record has a type).
struct Baseline {
  std::string name;         ///< stable identifier: "majority", "negation_parity", "path_parity", "distractor:no_abduction", ...
  std::string description;  ///< one line, with the learned constants (e.g. `always "no"`)
  Accuracy all;
  std::map<std::string, Accuracy> by_type;
  /// Records where the rule gives no answer (a distractor undefined for the item, a template or
  /// fold with nothing to learn from); they are counted as wrong.
  std::size_t undefined = 0;
  /// The rule is a lookup learned on the very records it is scored on, over cells that can be
  /// small (graph_shape, graph_shape_unobserved, wording), or such a lookup's chance level (the
  /// `_chance` rows): a reference beside its cross-validated version, never the max shortcut. A
  /// cell of a few records fits its own answers whatever they are.
  bool in_sample = false;
};

/// The baselines of one population of records (yes/no answers, numeric answers, or intervals).
struct BaselineTable {
  std::string population;   ///< "yes/no", "numeric" or "interval"
  std::size_t records = 0;  ///< records in the population
  std::vector<Baseline> baselines;
  /// Index in `baselines` of the highest overall accuracy (the first on ties) among the rows that
  /// are not `in_sample`; -1 when there is none.
  int max_shortcut = -1;
  /// The same among the rules that read only the records' text and labels, with the wording
  /// rule cross-validated (majority*, negation_parity*, path_parity, wording_cv): no solver, no
  /// in-sample template fit. The distractors need a (wrong) solver; some equal the gold by
  /// construction.
  int max_text_shortcut = -1;
};

/// Answers of a set of records. yes/no/undetermined are matched case-insensitively; numeric =
/// a fraction or decimal string; other = anything else.
struct AnswerBalance {
  std::size_t records = 0;
  std::size_t yes = 0;
  std::size_t no = 0;
  std::size_t undetermined = 0;
  std::size_t numeric = 0;
  std::size_t other = 0;
  std::size_t interval = 0;  ///< "[a, b]": a question that asks for the bounds of a query
  /// yes / (yes + no); 0 when there are neither.
  [[nodiscard]] double yes_share() const noexcept;
  friend bool operator==(const AnswerBalance&, const AnswerBalance&) = default;
};

/// How many records have each value of one field, values in natural order (numbers by value).
struct FieldCounts {
  std::string field;  ///< "schema", "type", "rung", "query_type", "difficulty.level", "name_style", "graph_id"
  std::vector<std::pair<std::string, std::size_t>> values;  ///< "(none)": records without the field
};

/// min / mean / max of one numeric difficulty knob over the records that have it.
struct KnobSpread {
  std::string knob;  ///< "variables", "edges", "path_length", ...
  std::size_t records = 0;
  double min = 0;
  double mean = 0;
  double max = 0;
};

/// A question template: the question with its variable names replaced by {1}, {2}, ...
struct QuestionTemplate {
  std::string text;
  std::size_t records = 0;
  AnswerBalance answers;
};

/// A line that could not be audited.
struct MalformedRecord {
  std::size_t line = 0;  ///< 1-based line of the file (for an array element: where it starts)
  std::string message;
};

/// A record that repeats the structure (or the id) of an earlier one.
struct DuplicateRecord {
  std::size_t line = 0;
  std::string id;
  std::size_t first_line = 0;  ///< the earlier record
  std::string first_id;
};

/// One field of a rung record whose stored content disagrees with the re-solved value.
struct Mismatch {
  std::size_t line = 0;
  std::string id;
  std::string field;       ///< "value", "answer", "value.decimal", "rung", "given_info" or "question"
  std::string stored;
  std::string recomputed;  ///< what the field should hold
};

/// A rung record that could not be re-solved (bad model, bad query, zero-probability evidence,
/// no stored value).
struct VerifyFailure {
  std::size_t line = 0;
  std::string id;
  std::string message;
};

/// Whether each record's answer follows from the numbers its text shows (issue #18), per type.
/// rung's records stated in observed quantities: `decision` applied to
/// `identification.value_from_text` (the formula on the shown, rounded numbers) gives `answer`
/// ("decided") or not ("flips"); an undetermined record is decided by its graph, not by numbers
/// ("undetermined"). Imported records: the importer's verdict (`source.text_verdict`: decided,
/// flips, may_flip, no_numbers, unaligned; docs/importing.md). Records with neither are not
/// counted.
struct TextDecidability {
  std::size_t records = 0;  ///< records with a verdict
  std::map<std::string, std::size_t> all;  ///< verdict -> records
  /// type (or query_type for records without one) -> verdict -> records
  std::map<std::string, std::map<std::string, std::size_t>> by_type;
  std::size_t not_decided = 0;  ///< records whose verdict is flips, may_flip, unaligned or unreadable
  std::vector<VerifyFailure> not_decided_list;  ///< the first max_listed (message: verdict and value)
};

/// A structure found in more than one split: the record that first showed it in a second split,
/// and the structure's first record (in another split).
struct SplitOverlap {
  std::string structure;  ///< empty when by_text
  /// Records without a structure: compared by their text up to the variable names instead
  /// (renamed_text in features.hpp: name variants of CounterBench's files).
  bool by_text = false;
  std::size_t line = 0;
  std::string id;
  std::string split;
  std::size_t first_line = 0;
  std::string first_id;
  std::string first_split;
};

/// Leak-free splits (`rung generate --splits`): the records of each split, and the structures
/// (SPEC §5 `structure`, the item up to renaming) found in more than one split. Only records with
/// a string `split` field count (or a file's split); a record without `structure` is compared by
/// its text up to the variable names (name variants of a file that names no structure).
struct SplitReport {
  std::size_t with_split = 0;  ///< records with a split: a `split` field, or their file's (0: no section in the report)
  /// split -> records, and split -> distinct structures (and texts, for records without one), in
  /// order of the split's first record.
  std::vector<std::pair<std::string, std::size_t>> records;
  std::vector<std::pair<std::string, std::size_t>> structures;
  std::size_t shared_structures = 0;  ///< structures found in two or more splits
  std::size_t leaked_records = 0;     ///< records whose structure is in another split too
  std::vector<SplitOverlap> shared;   ///< the first max_listed, in file order
};

/// One file of a multi-file audit (audit_datasets).
struct AuditSource {
  std::string file;
  std::string split;        ///< the split of its records without a `split` field ("" when one file)
  std::size_t offset = 0;   ///< lines of the files before it: its line n is the report's offset + n
  std::size_t entries = 0;  ///< non-blank lines (JSONL) or array elements
};

struct AuditReport {
  std::string file;
  /// The files audited together, in order (audit_datasets; one entry for audit_dataset). Lines in
  /// the lists below count across them: locate() maps one back to its file and line.
  std::vector<AuditSource> sources;
  std::size_t entries = 0;  ///< non-blank lines (JSONL) or array elements
  std::size_t records = 0;  ///< records audited (entries minus malformed)
  std::size_t malformed_count = 0;
  std::vector<MalformedRecord> malformed;  ///< the first max_listed

  /// Non-empty fields only: "schema" always, then "type", "rung", "query_type",
  /// "difficulty.level", "name_style", "graph_id" where some record has them (top level, or in
  /// `meta`).
  std::vector<FieldCounts> counts;
  std::vector<KnobSpread> difficulty;  ///< the numeric members of `difficulty` other than level

  /// The record types in natural order; "(none)" for records without a type. Empty when no
  /// record has a `type`.
  std::vector<std::string> types;
  AnswerBalance answers;
  std::map<std::string, AnswerBalance> answers_by_type;

  TextDecidability from_text;  ///< whether the shown numbers decide each answer
  BaselineTable yes_no;   ///< records answered yes, no or undetermined
  BaselineTable numeric;  ///< records with a numeric answer (records == 0: none)
  /// Records whose answer is an interval "[a, b]" (questions that ask for bounds; records == 0:
  /// none). An interval counts as right when both ends are equal.
  BaselineTable interval;
  /// Cross-validated learners on the same populations (enabled == false when turned off).
  LearnedShortcuts learned;
  LearnerChance chance;  ///< empty unless AuditOptions::chance_shuffles

  std::size_t template_count = 0;                ///< distinct question templates
  std::vector<QuestionTemplate> top_templates;   ///< most frequent first, the first max_listed

  std::size_t with_structure = 0;        ///< records with a `structure` string
  std::size_t distinct_structures = 0;
  std::size_t sharing_structure = 0;     ///< records whose structure another record also has
  std::size_t expected_repeats = 0;      ///< repeats by declared name variants
  std::size_t unexpected_repeats = 0;
  std::vector<DuplicateRecord> unexpected;  ///< the first max_listed
  std::size_t variant_mismatches = 0;    ///< name variants whose structure differs from variant 0's
  std::vector<DuplicateRecord> variant_mismatch_list;  ///< (first_* = the variant 0 record)
  /// Records without a `structure` whose text up to the variable names (renamed_text) an
  /// earlier such record has: name variants, or the same question asked twice.
  std::size_t text_repeats = 0;
  std::size_t text_conflicts = 0;        ///< ... of which answered otherwise than that earlier record
  std::vector<DuplicateRecord> text_conflict_list;  ///< the first max_listed
  std::size_t duplicate_id_count = 0;    ///< records whose id an earlier record has
  std::vector<DuplicateRecord> duplicate_ids;
  SplitReport splits;  ///< cross-split structure overlap (records with a `split` field)

  bool verification_enabled = false;
  std::size_t checked = 0;     ///< rung records re-solved
  std::size_t checked_linear = 0;  ///< ... of which linear-Gaussian (re-solved by parallel worlds)
  std::size_t verified = 0;    ///< ... whose every checked field agrees
  std::size_t mismatched = 0;  ///< records with at least one Mismatch
  std::map<std::string, std::size_t> mismatched_fields;  ///< records per field
  std::vector<Mismatch> mismatches;  ///< the first max_listed
  std::size_t failed = 0;
  std::vector<VerifyFailure> failures;  ///< the first max_listed
  /// Of the re-solved records, those whose stated model (`given_info`, read as the generator
  /// writes it: include/rung/gen/stated.hpp) was compared with `model` (a difference is a
  /// Mismatch of field "given_info", or "question" for its notation) and those it could not be
  /// (not written by rung generate, no given_info, another register, a sentence that does not
  /// read).
  std::size_t stated_checked = 0;
  std::size_t stated_unchecked = 0;
  std::vector<VerifyFailure> stated_unchecked_list;  ///< the first max_listed (message: why)
};

/// Audits a JSONL stream or a JSON array of records. Throws only on a stream error; bad
/// records are reported.
[[nodiscard]] AuditReport audit_dataset(std::istream& in, const AuditOptions& options = {});

/// One file of a multi-file audit: the stream and its name (shown in the report).
struct AuditInput {
  std::istream* in = nullptr;
  std::string file;
};
/// Audits several files as one dataset (`rung audit train.jsonl validation.jsonl test.jsonl`):
/// every figure over all their records, and the splits compared (SplitReport). With two or more
/// files, a record without a `split` field is in its file's split, named by split_of_file;
/// a record's own `split` field wins. `options.file` names the whole in the report. The lists'
/// lines count across the files (AuditReport::sources); the text and JSON reports name each
/// listed record's file and its line in it.
[[nodiscard]] AuditReport audit_datasets(const std::vector<AuditInput>& inputs, const AuditOptions& options = {});
/// The split a file's records default to in a multi-file audit: its name without directory and
/// extension (`data/train.jsonl` and `train.jsonl.gz` -> `train`).
[[nodiscard]] std::string split_of_file(const std::string& file);
/// A line of the report's lists as (file, line in it); the file is "" unless the report has two
/// or more sources.
[[nodiscard]] std::pair<std::string, std::size_t> locate(const AuditReport& report, std::size_t line);
/// The readable report: sections with aligned tables, ending with a newline.
[[nodiscard]] std::string to_text(const AuditReport& report);

/// The same content as JSON (docs/audit.md lists the fields).
[[nodiscard]] rung::ordered_json to_json(const AuditReport& report);

/// The question with variable names replaced by {1}, {2}, ... in order of first appearance
/// (whole words, case-sensitive). With `names` empty, a name is a word that starts with a
/// capital letter and is not the first word of a sentence (the CounterBench heuristic).
[[nodiscard]] std::string question_template(std::string_view question, const std::vector<std::string>& names = {});

/// Whole-word, case-insensitive occurrences of "not" in `text`.
[[nodiscard]] std::size_t count_not(std::string_view text);

}  // namespace rung
