#pragma once
/// \file
/// What a preset makes for one dataset item, before it is solved and written: the model (with
/// the names the text uses), the formal query, the text, and the knobs it measured.
///
///     rung::Rng rng = rung::Rng::for_item(seed, index);
///     rung::Item item = preset.make(rng, rung::ItemTarget{...});

#include "rung/core/json.hpp"
#include "rung/gen/distractors.hpp"
#include "rung/gen/options.hpp"
#include "rung/gen/random.hpp"
#include "rung/query/decision.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rung {

/// What the generator asks of an item so that datasets are balanced by construction.
struct ItemTarget {
  std::string type;                ///< one of GeneratorOptions::types
  bool answer = true;              ///< the yes/no answer the item must have
  bool answer_equals_factual = true;  ///< whether the answer equals the outcome's factual value
  /// For shortcut procedures (see distractors.hpp), whether each must give the target answer;
  /// the generator enforces these (a preset may ignore them).
  std::vector<std::pair<std::string, bool>> agreements;
  /// The item's rank among the items of its type (0, 1, 2, ...): the bits above the ones the
  /// generator uses let a preset balance further properties of its own (e.g. graph classes).
  std::uint64_t rank = 0;
  /// A seed shared by the items of one balanced block of this type (the 2^k consecutive ranks
  /// that run once through every combination of the answer and agreement targets), 0 for none.
  /// A preset may draw a class of items from it (the counterbench preset: the outcome's
  /// mechanism and whether the treatment is confounded); each class then gets whole blocks and is
  /// balanced on the answer by construction.
  std::uint64_t block_seed = 0;
  /// The item must be undetermined: its query not identified by the observed variables the
  /// text names (GeneratorOptions::undetermined_share). `answer` is then the answer the formula
  /// that ignores the hidden variables gives (the "assume_identifiable" reading), balanced.
  bool undetermined = false;
};

/// How an item whose text states only observed quantities (`--given observed`) is answered from
/// that text: the identification verdict, the formula, the numbers it reads and the value they give.
struct ItemIdentification {
  std::vector<std::string> hidden;  ///< variables of the model the text calls unobserved
  bool identifiable = true;
  std::string reason;               ///< why not identifiable (then the answer is "undetermined")
  std::string method;               ///< "backdoor adjustment for {V1}", "frontdoor through {V3}", "ID algorithm", ...
  std::string estimand;             ///< in rung's notation, on observed variables
  std::string estimand_latex;
  struct Number {
    std::string probability;  ///< "P(Y=1 | X=0, V3=1)"
    Rational exact;           ///< under the model
    Rational shown;           ///< as the text states it
  };
  std::vector<Number> stated;   ///< every number the text states, in its order
  Rational value_from_text;     ///< the estimand evaluated on the shown numbers (identifiable items)
  /// Undetermined ATE: the tightest interval the observed distribution allows without further
  /// assumptions (Manski's natural bounds on each P(Y=1 | do(X=x))), exact. Undetermined ETT,
  /// NDE, NIE (when the program is small enough) and the *_bounds types: the response-function
  /// program's bounds on the model's exact numbers.
  std::optional<std::pair<Rational, Rational>> bounds;
  /// The *_bounds types and undetermined ETT, NDE, NIE: the bounds on the numbers as the text
  /// shows them (a *_bounds item's answer), and how both were found (sharp or only valid).
  std::optional<std::pair<Rational, Rational>> bounds_from_text;
  std::string bounds_method;
  std::vector<std::string> steps;  ///< the gold reasoning: graph, formula, numbers, value, decision
};

struct Item {
  Scm model;
  Query query;
  std::string type;        ///< CounterBench type: basic, joint, nested, conditional
  std::string query_type;  ///< e.g. det_counterfactual
  std::string given_info;
  std::string question;
  std::string prompt;
  bool yes_no = true;
  /// The answer is this interval (ate_bounds: the bounds the stated numbers give), not a number.
  std::optional<std::pair<Rational, Rational>> interval;
  /// How the yes/no answer follows from the exact value (default: value > 1/2).
  Decision decision;
  /// Alternative formal readings of the question that common wrong procedures use, by name
  /// (e.g. "nested_literal"); the generator solves each for the `distractors` field.
  std::vector<std::pair<std::string, Query>> readings;
  /// Measured knobs (variables, edges, path_length, interventions, nesting_depth, evidence_count).
  rung::ordered_json knobs;
  /// Fields for CounterBench/CLadder-compatible `meta` (graph_id, story_id, ...).
  rung::ordered_json meta;
  /// Set when make() met ItemTarget::agreements itself (the counterbench preset simulates the
  /// shortcut procedures on its circuits): the agreements it met, the target's or, after
  /// relaxing, the first of them. The generator then checks them once on the exact distractors
  /// (a difference is a bug and stops the run) instead of redrawing until they hold.
  std::optional<std::vector<std::pair<std::string, bool>>> agreements_met;
  /// Set when make() computed the answers of the wrong procedures itself, exactly (the
  /// counterbench preset counts them on its circuits; tests compare them with distractors()).
  /// The generator then writes these instead of solving each rewritten query again.
  std::optional<std::vector<Distractor>> distractors;
  /// Wrong procedures that are not queries (e.g. arithmetic on the stated probabilities), with
  /// the values the preset computed exactly; the generator appends them to the solved ones.
  std::vector<Distractor> computed;
  /// Set for items stated in observed quantities (GeneratorOptions::given == "observed").
  std::optional<ItemIdentification> identification;
};

/// A family of items. Implementations are stateless and thread-safe: make() may run concurrently.
class Preset {
 public:
  virtual ~Preset() = default;
  /// An item meeting `target`, drawn from `rng`, with names drawn from `names` (a separate
  /// stream, so name variants of one structure share everything but names). Throws rung::Error
  /// if no such item was found within the preset's attempt budget.
  [[nodiscard]] virtual Item make(Rng& rng, Rng& names, const ItemTarget& target) const = 0;
};

/// The preset named in `options` (validated). Throws UsageError for an unknown name.
[[nodiscard]] std::unique_ptr<Preset> make_preset(const GeneratorOptions& options);

}  // namespace rung
