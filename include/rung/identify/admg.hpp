#pragma once
/// \file
/// The observed part of a model: an acyclic directed mixed graph (ADMG) over its observed
/// endogenous variables, the latent projection of everything else.
///
///     rung::Admg g = rung::Admg::of(scm, {*scm.find("M")});   // M hidden
///     g.size();                // observed variables
///     g.bidirected(a, b);      // a hidden common cause of a and b
///
/// Observed are the endogenous variables not listed as hidden. A -> B when a directed path
/// A -> H1 -> ... -> B runs through hidden endogenous variables only (or none); A <-> B when an
/// unobserved variable U (exogenous, or hidden endogenous) reaches both along such paths: an
/// exogenous variable shared by several mechanisms is a latent confounder, one private to a
/// single mechanism is noise and leaves no arc. Sets of observed variables are bit masks over
/// their indices (at most 64 observed variables; more is a rung::TooLarge error).

#include "rung/graph/dag.hpp"
#include "rung/scm/scm.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rung {

/// A set of observed variables: bit i is the observed variable of index i.
using VarMask = std::uint64_t;

class Admg {
 public:
  /// The latent projection of `scm` onto its endogenous variables minus `hidden` (endogenous
  /// ids). Throws InvalidQuery for an exogenous or repeated id in `hidden`, TooLarge above 64
  /// observed variables.
  [[nodiscard]] static Admg of(const Scm& scm, std::span<const VarId> hidden = {});
  /// An ADMG given by its parts, for callers that project graphs of their own instead of building
  /// a model for each (the generator hides one variable of many small graphs): observed variable
  /// i has model id vars[i], its name, its value labels, its parents and its siblings
  /// (bidirected neighbours) as masks of indices. The indices are the evaluation order: every
  /// parent of i lies below i. Children are derived. What of() gives for a model whose
  /// evaluation order and projection these parts repeat. Throws InvalidQuery when the parts
  /// differ in length, a parent does not lie below its child, a sibling set is not symmetric or
  /// holds the variable itself, or a mask names an index past the last; TooLarge above 64.
  [[nodiscard]] static Admg of_parts(std::vector<VarId> vars, std::vector<std::string> names,
                                     std::vector<std::vector<std::string>> labels, std::vector<VarMask> parents,
                                     std::vector<VarMask> siblings);

  [[nodiscard]] int size() const noexcept { return static_cast<int>(vars_.size()); }
  [[nodiscard]] VarMask all() const noexcept { return size() == 64 ? ~VarMask{0} : (VarMask{1} << size()) - 1; }
  /// The model's id of observed variable i; and the index of a model id (-1 when not observed).
  [[nodiscard]] VarId var(int i) const { return vars_.at(static_cast<std::size_t>(i)); }
  [[nodiscard]] int index(VarId v) const;
  [[nodiscard]] const std::string& name(int i) const { return names_.at(static_cast<std::size_t>(i)); }
  [[nodiscard]] std::size_t cardinality(int i) const { return labels_.at(static_cast<std::size_t>(i)).size(); }
  [[nodiscard]] const std::string& label(int i, std::uint32_t value) const { return labels_.at(static_cast<std::size_t>(i)).at(value); }
  [[nodiscard]] VarMask parents(int i) const { return parents_.at(static_cast<std::size_t>(i)); }
  [[nodiscard]] VarMask children(int i) const { return children_.at(static_cast<std::size_t>(i)); }
  [[nodiscard]] VarMask siblings(int i) const { return siblings_.at(static_cast<std::size_t>(i)); }
  [[nodiscard]] bool bidirected(int a, int b) const { return ((siblings(a) >> b) & 1U) != 0; }
  /// Observed indices in a topological order of the directed arcs (the model's evaluation order).
  [[nodiscard]] const std::vector<int>& order() const noexcept { return order_; }

  /// Ancestors of `of` (itself included) in the subgraph induced by `within`, not entering
  /// `cut` from its parents (ancestors in G[within] with the arcs into `cut` removed).
  [[nodiscard]] VarMask ancestors(VarMask of, VarMask within, VarMask cut = 0) const;
  /// Descendants of `of` (itself included) in the subgraph induced by `within`.
  [[nodiscard]] VarMask descendants(VarMask of, VarMask within) const;
  /// True iff every variable of `a` is m-separated from every variable of `b` given `given` in
  /// this graph without the arcs out of `cut_out` and without every arc into `cut_in` (bidirected
  /// ones included), i.e. d-separated in to_dag() so cut. Members of a or b that are given are
  /// separated from everything; a shared one that is not, never (as Dag::dsep). Bayes ball on
  /// the masks, without allocating.
  [[nodiscard]] bool m_separated(VarMask a, VarMask b, VarMask given, VarMask cut_out = 0, VarMask cut_in = 0) const;
  /// The c-components (connected by bidirected arcs) of the subgraph induced by `within`, each a
  /// mask, ordered by their lowest index.
  [[nodiscard]] std::vector<VarMask> c_components(VarMask within) const;
  /// The same graph without its bidirected arcs: what an analyst who ignores the hidden common
  /// causes assumes (a generated question's "assume identifiable" reading).
  [[nodiscard]] Admg without_bidirected() const {
    Admg g = *this;
    std::fill(g.siblings_.begin(), g.siblings_.end(), VarMask{0});
    return g;
  }
  /// The ADMG as a DAG with the same separations among observed variables: observed variable i
  /// is node i (named as here), and each bidirected arc a latent parent of its two ends (named
  /// "<A,B>"), so that d-separation there is m-separation here.
  [[nodiscard]] Dag to_dag() const;
  /// "{A, B}" in the order of the indices.
  [[nodiscard]] std::string names(VarMask set) const;
  /// Graphviz DOT: directed arcs solid, bidirected arcs (hidden common causes) dashed with two
  /// arrowheads, observed variables only.
  [[nodiscard]] std::string to_dot(std::string_view graph_name = "admg") const;
  /// "A=0, B=high": the set's variables at the values `at` gives them (one per observed variable).
  [[nodiscard]] std::string event(VarMask set, const std::vector<std::uint32_t>& at) const;

 private:
  std::vector<VarId> vars_;
  std::vector<std::string> names_;
  std::vector<std::vector<std::string>> labels_;
  std::vector<VarMask> parents_, children_, siblings_;
  std::vector<int> order_;
};

/// The observed variables of a mask, in index order.
[[nodiscard]] std::vector<int> members(VarMask set);

/// Admg::m_separated on a graph given by masks: variable v's parents, children and siblings
/// (bidirected neighbours; an empty span: none), at most 64 variables. For callers that hold
/// a graph of their own and ask many separations of it (the generator's backdoor test).
[[nodiscard]] bool m_separated(std::span<const VarMask> parents, std::span<const VarMask> children, std::span<const VarMask> siblings,
                               VarMask a, VarMask b, VarMask given, VarMask cut_out = 0, VarMask cut_in = 0);

}  // namespace rung
