#pragma once
/// \file
/// The `cladder` preset: binary models with Bernoulli noise over CLadder's ten graph families
/// (chain, collision, confounding, diamond, diamondcut, fork, frontdoor, IV, mediation,
/// arrowhead) and random DAGs, told in CLadder's register ("Kwox has a direct effect on blaf.
/// For those who are not kwox, the probability of blaf is 36%."), with CLadder's ten query
/// types. The text states every conditional probability of the model, so every question is
/// answerable from the text; the answer is yes/no and follows from the exact value of the formal
/// query by the item's `decision` (e.g. `value > 0` for "will X increase the chance of Y").
/// docs/generator.md lists the formal query and decision of each type.
///
///     rung::CladderPreset preset(rung::preset_options("cladder"));
///     rung::Item item = preset.make(rng, names, {"ate", true, false, {}});

#include "rung/gen/item.hpp"

#include <optional>
#include <string_view>

namespace rung {

class CladderPreset : public Preset {
 public:
  explicit CladderPreset(GeneratorOptions options);
  [[nodiscard]] Item make(Rng& rng, Rng& names, const ItemTarget& target) const override;

 private:
  GeneratorOptions options_;
};

/// CLadder's query types, in the order CLadder lists them.
[[nodiscard]] const std::vector<std::string>& cladder_query_types();

/// The arcs of one of CLadder's ten graphs as its model files write them ("X->V2,V2->Y" for
/// `chain`); nullopt for any other graph id.
[[nodiscard]] std::optional<std::string_view> cladder_graph_arcs(std::string_view graph_id);

namespace detail {
/// Whether the preset keeps the identification formulas of its statements in observed
/// quantities per thread, keyed by the graph, the hidden variables and the query (on by
/// default). Off, each draw finds its formula on its own model, as before the cache: the tests
/// compare the items made both ways.
void cache_observed_formulas(bool on);
/// Whether the preset takes its shortcuts (on by default): a determined item's value checked
/// against its cap in floating point from the CPTs before the exact model is built (rejecting
/// only far past the cap), an nde item whose graph makes the NDE 0 redrawn before its model is
/// built, the balanced reading's class checked before the solve, d-separation in the backdoor
/// criterion on bit masks instead of a Dag, and the observed joint a statement reads summed off
/// the CPTs in integers instead of solved on the model. Each rejects only draws the slow path
/// rejects, and computes the same numbers, so the items are the same either way: the tests
/// compare them.
void fast_paths(bool on);
}  // namespace detail

}  // namespace rung
