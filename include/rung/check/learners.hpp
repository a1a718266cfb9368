#pragma once
/// \file
/// The learned-shortcut audit: independent learners that see only what a model sees (the
/// item's text and its type), cross-validated, to measure how far a dataset's labels can be
/// predicted without solving anything. Part of `rung audit`; docs/audit.md describes the
/// learners, every feature and how to read the figures.
///
///     std::vector<rung::LearnerRecord> records = ...;   // one per item
///     rung::LearnedShortcuts s = rung::learned_shortcuts(records, {.folds = 5});
///     std::cout << rung::to_text(s);
///
/// Learners:
/// - `linear`: L2-regularised logistic regression (liblinear) on binary word 1- and 2-grams of
///   the masked text (masked_words in features.hpp) plus the record's type as a token;
/// - `trees`: gradient-boosted trees (xgboost, one thread, fixed seed, no subsampling) on
///   text_features (features.hpp) plus one-hot columns of the type and of the frequent question
///   templates;
/// - for numeric answers, an xgboost regressor on the same columns against the per-type mean of
///   the training folds (mean absolute error), and the share of each constant answer.
/// Folds: the i-th record of a type (within its population, yes/no or numeric) is in fold i mod k,
/// counting the records with one `fold_group` once (name variants are held out together: a
/// learner that saw one variant in training would otherwise recall its answer for the others).
/// The k-fold split is made `repeats` times, the later ones with each type's fold groups in a
/// seeded random order, and every figure is the mean over the repetitions.
/// Every cell is scored twice: by the pooled model (trained on every type) and by a model
/// trained on that type's records only (same folds).
///
/// Determinism: the result depends only on the records and the options (never on threads).

#include "rung/check/features.hpp"
#include "rung/core/json.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rung {

/// `correct` of `total` records predicted right (the baselines of audit.hpp use it too). A
/// learner's cross-validation repeated `repeats` times counts every record once a repetition:
/// `total` is then records × repeats and `correct` the sum over the repetitions.
struct Accuracy {
  std::size_t correct = 0;
  std::size_t total = 0;
  std::size_t repeats = 1;
  /// correct / total (0 when total is 0).
  [[nodiscard]] double rate() const noexcept;
  /// The records scored (total / repeats).
  [[nodiscard]] std::size_t records() const noexcept { return repeats == 0 ? total : total / repeats; }
  /// The mean correct count of a repetition (correct / repeats).
  [[nodiscard]] double mean_correct() const noexcept;
  /// The 95% Wilson score interval of rate() over records() trials ({0, 0} when total is 0), by
  /// wilson_interval of checker.hpp.
  [[nodiscard]] std::pair<double, double> wilson95() const;
  friend bool operator==(const Accuracy&, const Accuracy&) = default;
};

struct LearnerOptions {
  /// Run the learners (`rung audit --no-learners` turns them off).
  bool enabled = true;
  /// k of k-fold cross-validation (`--folds K`); at least 2.
  unsigned folds = 5;
  /// Repetitions of the k-fold cross-validation (`--cv-repeats R`), 1 to 100 (fold_layouts():
  /// repetition 0 puts the i-th fold group of a type in fold i mod k, each further one the type's
  /// groups in a seeded random order); a cell's accuracy is the mean over them (less noisy: a
  /// record's prediction no longer hangs on the one split it happened to fall in).
  unsigned repeats = 3;
  /// Seeds xgboost and the permutations of the importance measure.
  std::uint64_t seed = 1;
  /// Features listed for each cell whose accuracy is more than `explain_margin` above the share
  /// of the most common answer among its records (50% for yes/no, 41.7% for a type with 1 item
  /// in 6 undetermined).
  std::size_t top_features = 5;
  double explain_margin = 0.05;
  /// Boosting rounds, tree depth and learning rate of the tree learners.
  unsigned rounds = 60;
  unsigned max_depth = 4;
  double eta = 0.3;
  /// liblinear's C (inverse regularisation strength).
  double linear_c = 1.0;
  /// An n-gram is a feature when at least this many records contain it.
  std::size_t min_count = 2;
  /// Question templates given a one-hot column each (the most frequent ones).
  std::size_t max_templates = 20;
  /// Threads that train the models (each xgboost model itself uses one); 0 is taken as 1. The
  /// result does not depend on it. `audit_dataset` sets it to AuditOptions::threads.
  unsigned threads = 1;
};

/// One item as the learners see it.
struct LearnerRecord {
  /// What the n-gram learner reads: the record's `prompt`, or `given_info` + " " + `question`.
  std::string text;
  std::string given_info;
  std::string question;
  /// The model's variable names (rung records); empty for CounterBench/CLadder records.
  std::vector<std::string> names;
  std::optional<std::string> treatment;
  std::optional<std::string> outcome;
  /// The record's `type`, else its `query_type`, else "(none)".
  std::string group;
  /// The question's template (question_template in audit.hpp).
  std::string template_text;
  /// Records with one value are held out together (the audit gives the FNV-1a of fold_key());
  /// none: the record is a group of its own.
  std::optional<std::uint64_t> fold_group{};
  /// "yes"/"no"/"undetermined" for yes/no records; the reduced fraction for numeric ones.
  std::string answer;
  bool numeric = false;
  double value = std::numeric_limits<double>::quiet_NaN();  ///< numeric answers as a double
};

/// What holds records together (in one fold of the audit, in one split of an export): the
/// record's `structure` ("s:" and it), else the text a model reads up to the variable names ("t:"
/// and renamed_text in features.hpp), so that name variants are held together also in a file
/// that names no structure (CounterBench's release). `text` is read only without a structure.
[[nodiscard]] std::string fold_key(const std::optional<std::string>& structure, std::string_view text,
                                   const std::vector<std::string>& names);

/// The fold (0..folds-1) of each record in each of `repeats` layouts of a k-fold split, for the
/// learners and the audit's cross-validated baselines. Record i is of type `type[i]` (0, 1, ...)
/// and in that type's fold group `group[i]` (0, 1, ..., numbered in file order; the records of
/// one group share their fold). Layout 0 puts group n of a type in fold n mod `folds`; layout
/// r > 0 deals the type's groups to the folds in an order shuffled by Rng from (`seed`, r, type).
[[nodiscard]] std::vector<std::vector<std::size_t>> fold_layouts(const std::vector<std::size_t>& type,
                                                                 const std::vector<std::size_t>& group, unsigned folds,
                                                                 unsigned repeats, std::uint64_t seed);

/// A feature and how much it matters: for trees the accuracy drop when the feature's column is
/// permuted in the held-out fold (a fraction), for the linear learner its weight (`label` is
/// the answer a positive weight pushes towards).
struct FeatureImportance {
  std::string feature;
  double value = 0;
  std::string label{};
  friend bool operator==(const FeatureImportance&, const FeatureImportance&) = default;
};

/// One cell of a learner's table (all records, or one type).
struct LearnerCell {
  Accuracy pooled;    ///< the model trained on every type, scored on this cell's records
  Accuracy per_type;  ///< the model trained on this type only (total == 0 for the "all" cell)
  std::vector<FeatureImportance> pooled_top;    ///< filled when pooled accuracy > majority + explain_margin
  std::vector<FeatureImportance> per_type_top;  ///< filled when per-type accuracy > majority + explain_margin
  /// The better of the two (pooled on ties).
  [[nodiscard]] const Accuracy& best() const noexcept { return per_type.correct > pooled.correct ? per_type : pooled; }
  friend bool operator==(const LearnerCell&, const LearnerCell&) = default;
};

struct LearnerResult {
  std::string name;         ///< "linear" or "trees"
  std::string description;
  LearnerCell all;
  std::map<std::string, LearnerCell> by_group;
  friend bool operator==(const LearnerResult&, const LearnerResult&) = default;
};

struct RegressionCell {
  std::size_t records = 0;
  double mae_trees = 0;       ///< mean absolute error of the cross-validated regressor
  double mae_type_mean = 0;   ///< ... of the training folds' mean answer of the record's type
  friend bool operator==(const RegressionCell&, const RegressionCell&) = default;
};

/// How often a constant answer is exactly right in one type.
struct ConstantShare {
  std::string answer;
  std::size_t records = 0;
  friend bool operator==(const ConstantShare&, const ConstantShare&) = default;
};

struct NumericLearners {
  std::size_t records = 0;
  RegressionCell all;
  std::map<std::string, RegressionCell> by_group;
  /// The three most common exact answers of each type (and "all"), most common first.
  std::map<std::string, std::vector<ConstantShare>> constants;
  std::vector<FeatureImportance> top;  ///< by the increase of the error when permuted
  friend bool operator==(const NumericLearners&, const NumericLearners&) = default;
};

struct LearnedShortcuts {
  bool enabled = false;
  unsigned folds = 0;
  unsigned repeats = 1;  ///< LearnerOptions::repeats
  double explain_margin = 0;  ///< LearnerOptions::explain_margin
  std::size_t yes_no_records = 0;
  std::vector<std::string> groups;  ///< in natural order
  std::vector<LearnerResult> classifiers;  ///< "linear", "trees" (empty without yes/no records)
  NumericLearners numeric;
  std::size_t vocabulary = 0;   ///< n-gram features of the linear learner
  std::size_t tree_columns = 0; ///< columns of the tree learner
  friend bool operator==(const LearnedShortcuts&, const LearnedShortcuts&) = default;
};

/// Runs the learners on `records` (yes/no and numeric ones; others are ignored). Throws
/// UsageError when folds < 2, rung::Error when liblinear or xgboost fails.
[[nodiscard]] LearnedShortcuts learned_shortcuts(const std::vector<LearnerRecord>& records,
                                                 const LearnerOptions& options = {});

/// The report's section: aligned tables, ending with a newline (empty when not enabled).
[[nodiscard]] std::string to_text(const LearnedShortcuts& s);
/// The same content as JSON.
[[nodiscard]] rung::ordered_json to_json(const LearnedShortcuts& s);

}  // namespace rung
