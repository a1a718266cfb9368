#pragma once
/// \file
/// Re-verifying one CLadder question from its own fields (no models file): the stated numbers
/// (`meta.given_info`, each decimal read as the exact fraction of its digits) become a small SCM,
/// the *stated-numbers model*, on which the item's question is a formal rung query whose exact
/// value is CLadder's estimand; CLadder's decision rule gives the answer, which is compared with
/// the label (verdict a). The rounded percentages of the `given_info` text give the same
/// computation a second time (verdict b), and the true model of the models file a third
/// (verdict c, optional).
///
///     rung::CladderItemAnalysis a = rung::analyze_cladder_item(item, nullptr);
///     a.formal_query;            // "E(Y[X=1]) - E(Y[X=0])"
///     a.value;                   // exact, from meta.given_info
///     a.label_verdict;           // "agrees" / "wrong" / "undecided"
///
/// The stated-numbers model (docs/importing.md, "CLadder items"): a stated `p(V | A, B)` makes
/// V's mechanism a table over A and B with one Bernoulli noise per row; a stated `P(V)` makes V a
/// root. A conditioning variable A that is not causal for V in the item's graph (A is no ancestor
/// of V, or a backdoor path from A to V is open given the other conditioning variables) enters
/// through A's own noise `U_A` instead of A: the association stays, the effect goes (this is how
/// the frontdoor, diamondcut and explaining-away numbers get their meaning). IV items are
/// evaluated by the Wald ratio of two effects of the instrument.

#include "rung/core/json.hpp"
#include "rung/core/rational.hpp"
#include "rung/import/cladder.hpp"
#include "rung/query/decision.hpp"
#include "rung/scm/scm.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <cstddef>
#include <string>
#include <vector>

namespace rung {

/// One number an item states: its meaning as a rung query, its exact value, and the value its
/// text shows (rounded), when the text could be aligned with the numbers.
struct CladderStatedNumber {
  std::string query;   ///< "P(Y=1 | X=0, V2=1)"
  Rational value;      ///< meta.given_info's digits, exactly
  std::optional<Rational> shown;  ///< the text's number (26% -> 13/50)
};

struct CladderItemAnalysis {
  std::string id;
  std::string query_type;  ///< CLadder's (`exp_away`, `backadj`, `det-counterfactual`, ...)
  std::string graph_id;
  std::string label;       ///< the stored answer
  std::string formal_query;  ///< on `model`
  Scm model;                 ///< the stated-numbers model
  Rational value;            ///< exact value of formal_query on model
  Decision decision;
  std::string answer;        ///< decision.answer(value): "yes", "no" or "undetermined"
  std::string formula;       ///< the identification formula the numbers feed (one line)
  std::vector<CladderStatedNumber> numbers;

  /// (a) label vs the item's own numbers: "agrees", "wrong" or "undecided" (backadj items where
  /// both methods, or neither, are valid). A value exactly at the threshold answers "no" (not
  /// larger, not smaller), as rung::Decision does.
  std::string label_verdict;
  bool undecided = false;  ///< backadj: both methods valid, or neither
  /// (b) label vs the text's rounded numbers: "decided" (the answer is the label's for every
  /// number within half a unit of the shown one), "flips" (the rounded numbers give another
  /// answer or a tie), "may_flip" (the rounded point agrees but some point of the box does
  /// not), "no_numbers" (the item states none), "unaligned" (text and numbers cannot be matched).
  std::string text_verdict;
  std::optional<Rational> text_value;  ///< value at the rounded numbers
  std::string text_reason;

  /// (c) with a model: "agrees" / "wrong" / "undecided"; "" when no model was given.
  std::string model_verdict;
  std::optional<Rational> model_value;
  std::string model_query;            ///< the question on the true model
  std::size_t numbers_off = 0;        ///< stated numbers that differ from the exact model's
  double max_number_error = 0;        ///< largest |stated - exact model value|
  std::string max_number_query;

  /// Distractors: procedure -> value (nullopt: undefined).
  std::vector<std::pair<std::string, std::optional<Rational>>> distractors;
};

/// Analyses one item (a JSON object of a CLadder questions file). `model` (nullable) is the
/// item's model from the models file, for verdict (c). Throws ImportError (id, reason, phrase)
/// when a field cannot be read; never guesses.
[[nodiscard]] CladderItemAnalysis analyze_cladder_item(const rung::ordered_json& item, const CladderModel* model,
                                                       double tolerance = 1e-6);

/// The item's record (SPEC §5) with the verdicts under `source`.
[[nodiscard]] rung::ordered_json cladder_item_record(const rung::ordered_json& item, const CladderItemAnalysis& a,
                                                         const std::string& file);

/// The most entries strictly between 0 and 1 that one CLadder table may have. Each becomes a
/// noise variable that its variable's mechanism reads, so a query on that variable has 2^n
/// combinations to enumerate (over the 2^26 guard past 26) and a factor of at least 2^n cells to
/// eliminate (over the 2^24 guard): a larger table is refused as the model is built
/// (table_too_large), before a model of a million variables is made and then refused.
inline constexpr std::size_t kMaxTableNoise = 26;
/// `a table of Y with more than 26 entries strictly between 0 and 1: ...`
[[nodiscard]] std::string table_too_large(const std::string& var, std::size_t limit);

}  // namespace rung
