#pragma once
/// \file
/// Importing CLadder: its models (`test-model-meta.json`: graph, Bernoulli CPTs, stored ground
/// truth) become SCMs whose stored quantities are recomputed exactly; its deterministic
/// counterfactual items (`test-generate-det.json`) are re-solved on the model their `model_id`
/// names, and their text is read with the CounterBench parser (phrases from the model's
/// `variable_mapping`) and compared with the parameters.
///
///     std::ifstream models("test-model-meta.json");
///     rung::ImportResult r = rung::import_cladder(models, nullptr, {.file = "test-model-meta.json"});
///     r.report.by_query_type["ate"].max_abs_error;   // |stored - exact|, largest
///
///     rung::CladderModel m = rung::cladder_model(entry);   // one element of the models file
///     rung::solve(m.scm, rung::parse_query(*rung::cladder_formal_query("ATE(Y | X)", m), m.scm));
///
/// Encoding (docs/importing.md): every float parameter is the exact Rational of its shortest
/// round-trip decimal text (the digits written in the file). A root V with P(V=1) = p is
/// `U_V ~ Bernoulli(p)`, `V := U_V`. A variable with parents gets one exogenous
/// `U_V_<bits> ~ Bernoulli(p_bits)` per parent configuration whose probability is not 0 or 1, and
/// the mechanism `if P1 then (...) else (...)` over its parents in the key's order; 0/1 entries
/// are constants and `if P then 1 else E` is written `P or E` (and the like), so a deterministic
/// CPT needs no noise at all: p(Y | X, V2) = [[0, 1], [1, 1]] gives `Y := X or V2`.

#include "rung/core/json.hpp"
#include "rung/import/counterbench.hpp"
#include "rung/scm/scm.hpp"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rung {

/// A CLadder model rebuilt as an SCM.
struct CladderModel {
  std::string id;  ///< "model148"
  long long model_id = -1;
  std::string graph_id;
  std::string story_id;
  std::vector<std::string> variables;                        ///< in the params' key order
  std::map<std::string, std::vector<std::string>> parents;   ///< as in the keys ("p(Y | X, V2)")
  Scm scm;
  PhraseBook phrases;   ///< variable_mapping: "<V>1" -> V holds, "<V>0" -> V does not
  bool deterministic = false;  ///< every non-root CPT entry is 0 or 1
};

/// The exact value of the decimal text a double is written with (its shortest round-trip form,
/// as nlohmann writes it): exact_decimal(0.1) == 1/10.
[[nodiscard]] Rational exact_decimal(double value);

/// Builds one element of a CLadder models file. Throws ImportError naming `model<id>` and the
/// offending key (an unknown parent, a CPT of the wrong shape, a probability outside [0, 1], a
/// `structure` that disagrees with the params).
[[nodiscard]] CladderModel cladder_model(const rung::ordered_json& entry);

/// The mediators of treatment -> outcome: descendants of the treatment that are ancestors of
/// the outcome (CLadder's find_mediators), in the model's variable order.
[[nodiscard]] std::vector<std::string> cladder_mediators(const CladderModel& model, const std::string& treatment = "X",
                                                         const std::string& outcome = "Y");

/// A stored ground-truth key as a formal query on `model`, with its query type:
/// "ATE(Y | X)" -> ("ate", "E(Y[X=1]) - E(Y[X=0])"); "ETT(Y | X)" -> ("ett", ...);
/// "NDE(Y | X)" -> ("nde", "E(Y[X=1, M=M[X=0]]) - E(Y[X=0])") with every mediator (ATE when there
/// is none); "NIE(Y | X)" -> ("nie", "E(Y[X=0, M=M[X=1]]) - E(Y[X=0])") (zero when there is none);
/// "P(Y=1 | X=1)" -> ("conditional", same text); "P(V2=1)" -> ("marginal", same text).
/// nullopt for any other key.
[[nodiscard]] std::optional<std::pair<std::string, std::string>> cladder_formal_query(std::string_view key,
                                                                                      const CladderModel& model);

struct CladderImportOptions {
  std::string file{};         ///< shown in the report and records
  std::string models_file{};  ///< the --meta-models file's name, for the report
  double tolerance = 1e-6;    ///< a numeric label agrees when |stored - exact| <= tolerance
  /// Solve every query twice (variable elimination and enumeration); throw rung::Error if they
  /// differ.
  bool cross_check = false;
  bool audit = true;  ///< run `rung audit`'s shortcut baselines on an items file
};

/// Imports a CLadder file: a models file (re-verifies every stored ground truth), or a questions
/// file, every item from its own fields (analyze_cladder_item, include/rung/import/cladder_items.hpp).
/// `models` (nullable) adds the exact-model checks; det-counterfactual items with models are
/// checked against the params and their text as before. Unreadable items or models are reported
/// and skipped.
[[nodiscard]] ImportResult import_cladder(std::istream& in, std::istream* models, const CladderImportOptions& options = {});

}  // namespace rung
