#pragma once
/// \file
/// Reading CounterBench's register ("We know that A causes B, not C causes D, A and B together
/// cause E, A or B causes F. We observed C") into a deterministic boolean SCM, its questions into
/// formal queries, and whole CounterBench files into rung records plus an ImportReport.
///
///     rung::CausalText t = rung::parse_causal_text(
///         "We know that Ziklo causes not Blaf, Blaf causes Lumbo.", rung::PhraseBook(), "item 5");
///     rung::Scm m = rung::causal_model(t, "item 5");   // U_Ziklo ~ Bernoulli(1/2), Ziklo := U_Ziklo, ...
///     std::ifstream in("CounterBenchDataset_100.json");
///     rung::ImportResult r = rung::import_counterbench(in, {.file = "CounterBenchDataset_100.json"});
///
/// The text parser is shared with the CLadder importer: with an empty PhraseBook a literal is a
/// name (one word) optionally preceded by `not`; with phrases (CLadder's `variable_mapping`:
/// "alarm set by husband" -> X=1, "alarm not set by husband" -> X=0) a literal is the longest
/// phrase that matches, optionally preceded by `not`. Statements (case-insensitive keywords):
///
///     A causes B                       B := A
///     A causes not B / not A causes B  B := not A
///     A causes B, C and D              B := A, C := A, D := A
///     A and B [together] cause(s) C    C := A and B
///     A or B causes C                  C := A or B
///     exactly one of A and B causes C  C := A xor B   (rung's own counterbench preset)
///
/// separated by `,`, `and`, `, and` or `.`; then optionally `We observed [that] L1 and L2`
/// (a literal, or `L occurred` / `L did not occur`). Anything else is an ImportError naming the
/// item and the phrase where reading stopped: never a guess. docs/importing.md states the
/// readings of each question form.

#include "rung/core/json.hpp"
#include "rung/import/report.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rung {

/// A variable (a model name) and whether it holds.
struct Literal {
  std::string var;
  bool holds = true;
  friend bool operator==(const Literal&, const Literal&) = default;
};

/// Phrases that name literals (CLadder's variable_mapping). Empty: CounterBench names.
class PhraseBook {
 public:
  /// Adds `phrase` (matched case-insensitively, word by word) as the name of `literal`.
  void add(std::string_view phrase, Literal literal);
  [[nodiscard]] bool empty() const noexcept { return phrases_.empty(); }

  struct Entry {
    std::vector<std::string> words;  ///< lower case
    Literal literal;
  };
  /// Entries, longest first (ties in insertion order).
  [[nodiscard]] const std::vector<Entry>& entries() const noexcept { return phrases_; }

 private:
  std::vector<Entry> phrases_;
};

/// One statement of the text: `causes` combined by `combine` cause each of `effects`.
struct CausalStatement {
  enum class Combine { single, all, any, exactly_one };
  Combine combine = Combine::single;
  std::vector<Literal> causes;
  std::vector<Literal> effects;
  std::string text;  ///< as written
};

/// The facts of a given_info text.
struct CausalText {
  std::vector<CausalStatement> statements;
  std::vector<Literal> observations;
  std::vector<std::string> variables;  ///< in order of first mention
};

/// Parses a given_info text. Throws ImportError(id, reason, phrase).
[[nodiscard]] CausalText parse_causal_text(std::string_view text, const PhraseBook& phrases, std::string_view id);

/// The deterministic model of `text`: every variable that no statement causes is a root R with
/// `U_R ~ Bernoulli(1/2)` and `R := U_R`; every other variable gets its statement's mechanism.
/// Variables are declared in order of first mention. Throws ImportError for a variable caused by
/// two statements or a cycle.
[[nodiscard]] Scm causal_model(const CausalText& text, std::string_view id);

/// A CounterBench question, as literals.
struct CounterbenchQuestion {
  enum class Form {
    instead,  ///< Would Y occur if not X instead of X?
    joint,    ///< Would Y occur if not X and not Z?
    nested,   ///< Assume not X, and based on this assumption, further suppose not Z. Would Y occur?
  };
  Form form = Form::instead;
  Literal outcome;                ///< "Would Y occur": (Y, true); "Would not Y occur": (Y, false)
  std::vector<Literal> settings;  ///< the supposed values, in the order written
  std::optional<Literal> factual; ///< `instead of X`
};

/// Parses a question. Throws ImportError(id, reason, phrase).
[[nodiscard]] CounterbenchQuestion parse_counterbench_question(std::string_view question, const PhraseBook& phrases,
                                                               std::string_view id);

/// A formal reading of a question.
struct Reading {
  std::string name;  ///< "documented", "nested_literal", "conditional_factual", ...
  Query query;
};

/// The readings of a question on `model` (docs/importing.md): the documented one first, then
/// the alternatives (nested: the literal do(X, Z); conditional: evidence in the factual world).
[[nodiscard]] std::vector<Reading> counterbench_readings(const Scm& model, const CounterbenchQuestion& question,
                                                         const std::vector<Literal>& observations, std::string_view id);

/// What an importer returns: the report and one rung record per imported item.
struct ImportResult {
  ImportReport report;
  std::vector<rung::ordered_json> records;
};

struct CounterbenchImportOptions {
  std::string file{};       ///< shown in the report and records
  double tolerance = 1e-6;  ///< for numeric labels (CounterBench's are yes/no)
  /// Solve every reading twice (variable elimination and enumeration) and throw rung::Error if
  /// they differ.
  bool cross_check = false;
  bool audit = true;  ///< run `rung audit`'s shortcut baselines on the source text
};

/// Imports a CounterBench file (a JSON array, or JSONL). Items that cannot be read are reported
/// in `report.not_parsed` and skipped. Throws rung::Error only when the file is not JSON at all.
[[nodiscard]] ImportResult import_counterbench(std::istream& in, const CounterbenchImportOptions& options = {});

/// "yes" above 1/2, "no" below, "undetermined" at 1/2.
[[nodiscard]] std::string yes_no_answer(const Rational& value);

/// Reads a JSON array or JSONL text into a list of values. Throws rung::Error naming the line.
[[nodiscard]] std::vector<rung::ordered_json> read_json_items(std::string_view text, std::string_view file = "");

}  // namespace rung
