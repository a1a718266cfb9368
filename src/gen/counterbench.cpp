#include "rung/gen/counterbench.hpp"

#include "rung/core/error.hpp"
#include "rung/gen/mechanism_kinds.hpp"
#include "rung/gen/path_rule.hpp"

#include <boost/container/static_vector.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rung {

namespace {

constexpr int kMaxAttempts = 5000;        // candidates drawn for the answer targets, at most
constexpr int kMaxShortcutTries = 20000;  // candidates meeting them but not the shortcut targets
constexpr int kRelaxEvery = 2000;         // drop the last shortcut target after this many more
constexpr int kDistanceKeep = 4000;       // structures redrawn for the block's distance class, at most
constexpr int kMechanismsPerStructure = 4;  // mechanism draws tried on one drawn structure
constexpr std::string_view kBackground =
    "Imagine a self-contained, hypothetical world with only the following conditions, and without any "
    "unmentioned factors or causal relationships: ";

enum class Op : std::uint8_t { copy, and_, or_, xor_, threshold };

const char* op_name(Op op) {
  switch (op) {
    case Op::and_: return "and";
    case Op::or_: return "or";
    case Op::xor_: return "xor";
    case Op::threshold: return "threshold";
    case Op::copy: break;
  }
  return "copy";
}

constexpr std::size_t kMaxParents = 4;  // --max-in-degree is at most 4
constexpr std::size_t kMaxNodes = 40;   // --max-variables is at most 40

/// A mechanism over endogenous parents: op applied to (possibly negated) inputs. Fixed capacity,
/// so redrawing a graph allocates nothing.
struct Node {
  boost::container::static_vector<int, kMaxParents> parents;    // endogenous node indices, ascending (empty: a root)
  boost::container::static_vector<bool, kMaxParents> negated;   // per parent
  Op op = Op::copy;             // copy (one parent), and, or, xor, threshold (three or more)
  int at_least = 0;             // threshold: the inputs that must hold, 2 .. parents - 1
  bool negate_output = false;   // one parent: B := not A
  // The same negations as masks for the bit-parallel simulation (set by draw_mechanisms).
  std::array<std::uint64_t, kMaxParents> flip{};  // all ones where the input is negated
  std::uint64_t flip_output = 0;                   // all ones where the output is
};

/// The class of the outcome's mechanism, as its defining clause shows it: the connective, the
/// number of inputs, how many of them are negated and, for a negated copy, which side the "not"
/// is written on. Every item's class is drawn from its target's block seed (see ItemTarget), so
/// each class is balanced on the answer by construction.
struct OutcomeClass {
  Op op = Op::copy;
  int inputs = 1;
  int negated = 0;             // and, or, xor, threshold: negated inputs
  int at_least = 0;            // threshold
  bool negate_output = false;  // copy: Y := not A
  bool not_cause = false;      // Y := not A written "not A causes Y" (else "A causes not Y")

  /// "copy", "not_copy_effect", "not_copy_cause", "and2_neg1", "threshold3_2_neg0", ...
  [[nodiscard]] std::string name() const {
    if (op == Op::copy) return !negate_output ? "copy" : not_cause ? "not_copy_cause" : "not_copy_effect";
    if (op == Op::threshold) return fmt::format("threshold{}_{}_neg{}", inputs, at_least, negated);
    return fmt::format("{}{}_neg{}", op_name(op), inputs, negated);
  }
};

/// One sampled structure: nodes in topological order, the last the outcome. The treatment is
/// node 0 (a root), or node 1 when node 0 is a hidden confounder: a root that causes the
/// treatment and, through another path, the outcome.
struct Graph {
  std::vector<Node> nodes;
  std::vector<int> backbone;    // treatment -> ... -> outcome
  int treatment = 0;
  int confounder = -1;
  [[nodiscard]] int outcome() const { return static_cast<int>(nodes.size()) - 1; }
  [[nodiscard]] bool is_root(int v) const { return nodes[static_cast<std::size_t>(v)].parents.empty(); }
};

bool allowed(const GeneratorOptions& o, std::string_view kind) {
  return std::find(o.mechanisms.begin(), o.mechanisms.end(), kind) != o.mechanisms.end();
}

/// Uniform in [lo, hi] from the pooled bits (the sampler's small choices share engine calls).
int between(Rng& rng, int lo, int hi) {
  return lo + static_cast<int>(rng.below_pooled(static_cast<std::uint64_t>(hi - lo) + 1));
}

/// The length of the shortest directed path from the treatment to the outcome (nodes are in
/// topological order); kMaxNodes when there is none.
int treatment_distance(const Graph& g) {
  std::array<int, kMaxNodes> d{};
  d.fill(static_cast<int>(kMaxNodes));
  d[static_cast<std::size_t>(g.treatment)] = 0;
  for (std::size_t v = static_cast<std::size_t>(g.treatment) + 1; v < g.nodes.size(); ++v) {
    for (int p : g.nodes[v].parents) d[v] = std::min(d[v], d[static_cast<std::size_t>(p)] + 1);
  }
  return d[g.nodes.size() - 1];
}

/// Draws the structures and mechanisms of one item's candidates into a graph reused from draw to
/// draw.
class GraphSampler {
 public:
  explicit GraphSampler(const GeneratorOptions& o)
      : o_(o), negations_(allowed(o, "not")), copies_(allowed(o, "copy")) {
    for (Op op : {Op::and_, Op::or_, Op::xor_}) {
      if (allowed(o, op_name(op))) ops_.push_back(op);
    }
    wide_ops_ = ops_;
    if (allowed(o, "threshold")) wide_ops_.push_back(Op::threshold);  // validate(): with another kind
  }

  /// The outcome's class, drawn about as the preset kept them before the classes were drawn
  /// first: one input with probability 1/3 (the kept share was 26-38% by level; a single-input
  /// outcome meets the targets less often, and has fewer distinct structures in small graphs),
  /// else inputs uniform in 2 .. min(--max-in-degree, --min-variables - 1); then the kind as
  /// draw_mechanisms() draws it: uniform over those allowed, each input negated with
  /// probability 1/4 (a copy negated with probability 1/3, or always without `copy`), the
  /// wording of a negated copy either way with probability 1/2.
  [[nodiscard]] OutcomeClass draw_outcome_class(Rng& rng) const {
    OutcomeClass c;
    const int widest = ops_.empty() ? 1 : std::min(o_.max_in_degree, o_.min_variables - 1);
    c.inputs = widest == 1 || rng.chance(1, 3) ? 1 : 2 + static_cast<int>(rng.below(static_cast<std::uint64_t>(widest - 1)));
    if (c.inputs == 1) {
      c.negate_output = negations_ && (!copies_ || rng.chance(1, 3));
      c.not_cause = c.negate_output && rng.chance(1, 2);
      return c;
    }
    const std::vector<Op>& ops = c.inputs >= 3 ? wide_ops_ : ops_;
    c.op = rng.pick(ops);
    if (c.op == Op::threshold) c.at_least = 2 + static_cast<int>(rng.below(static_cast<std::uint64_t>(c.inputs - 2)));
    for (int i = 0; i < c.inputs; ++i) c.negated += negations_ && rng.chance(1, 4) ? 1 : 0;
    return c;
  }

  /// Overwrites `g` with a new structure: its nodes' parents, no mechanisms yet; the outcome has
  /// `outcome_inputs` parents.
  void draw_structure(Rng& rng, bool confounded, int outcome_inputs, Graph& g) {
    const GeneratorOptions& o = o_;
    const int n = between(rng, o.min_variables, o.max_variables);
    g.nodes.assign(static_cast<std::size_t>(n), Node{});
    g.backbone.clear();
    if (confounded && (o.max_in_degree < 2 || n - 2 < o.min_path_length)) confounded = false;
    // A confounder's second child is a backbone node after the treatment; an outcome with one
    // parent cannot be it, so the backbone then needs a node between the treatment and the outcome.
    const bool single = outcome_inputs == 1;
    if (confounded && single && std::min(n - 2, o.min_path_length + 2) < 2) confounded = false;
    const int t = confounded ? 1 : 0;
    g.treatment = t;
    g.confounder = confounded ? 0 : -1;
    // Backbone: the treatment, L-1 intermediate nodes, the outcome (n-1).
    const int longest = std::min(n - 1 - t, o.min_path_length + 2);
    const int length = between(rng, confounded && single ? std::max(2, o.min_path_length) : o.min_path_length, longest);
    std::array<int, kMaxNodes> middle{};
    std::size_t m = 0;
    for (int v = t + 1; v < n - 1; ++v) middle[m++] = v;
    const auto inner = static_cast<std::size_t>(length - 1);
    for (std::size_t i = 0; i < inner; ++i) {  // a uniform sample of length-1
      std::swap(middle[i], middle[i + static_cast<std::size_t>(rng.below_pooled(m - i))]);
    }
    std::sort(middle.begin(), middle.begin() + static_cast<std::ptrdiff_t>(inner));
    g.backbone.push_back(t);
    g.backbone.insert(g.backbone.end(), middle.begin(), middle.begin() + static_cast<std::ptrdiff_t>(inner));
    g.backbone.push_back(n - 1);
    std::array<int, kMaxNodes> backbone_parent{};
    std::fill(backbone_parent.begin(), backbone_parent.begin() + n, -1);
    for (std::size_t i = 1; i < g.backbone.size(); ++i) backbone_parent[static_cast<std::size_t>(g.backbone[i])] = g.backbone[i - 1];
    // A confounder causes the treatment and one later backbone node (so it reaches the outcome
    // around the treatment).
    int confounded_child = -1;
    if (confounded) {
      backbone_parent[1] = 0;
      const std::size_t choices = g.backbone.size() - (single ? 2 : 1);  // not the outcome if single
      confounded_child = g.backbone[1 + static_cast<std::size_t>(rng.below_pooled(choices))];
    }

    std::array<int, kMaxNodes> candidates{};
    for (int v = 1; v < n; ++v) {
      Node& node = g.nodes[static_cast<std::size_t>(v)];
      const int forced = backbone_parent[static_cast<std::size_t>(v)];
      if (forced < 0 && rng.chance_pooled(1, 3)) continue;  // another root
      const bool second = v == confounded_child;  // the confounder's other child
      std::size_t c = 0;
      if (!(confounded && v == t)) {
        for (int u = 0; u < v; ++u) {
          if (u != forced && !(second && u == 0)) candidates[c++] = u;
        }
      }
      const int k = (forced >= 0 ? 1 : 0) + (second ? 1 : 0);
      const int max_k = std::max(k, std::min<int>(o.max_in_degree, k + static_cast<int>(c)));
      const int want = v == n - 1 ? outcome_inputs : ops_.empty() ? 1 : between(rng, std::max(1, k), max_k);
      if (forced >= 0) node.parents.push_back(forced);
      if (second) node.parents.push_back(0);
      // The other parents: a uniform sample of the candidates (the first steps of a Fisher-Yates
      // shuffle, as many as are needed).
      for (std::size_t i = 0; static_cast<int>(node.parents.size()) < want && i < c; ++i) {
        std::swap(candidates[i], candidates[i + static_cast<std::size_t>(rng.below_pooled(c - i))]);
        node.parents.push_back(candidates[i]);
      }
      std::sort(node.parents.begin(), node.parents.end());
    }
  }

  /// Overwrites the mechanisms of `g`'s structure with a new draw; the outcome's is of class `c`
  /// (its inputs: c.inputs).
  void draw_mechanisms(Rng& rng, const OutcomeClass& c, Graph& g) const {
    for (Node& node : g.nodes) {
      if (node.parents.empty()) continue;
      node.negated.clear();
      node.at_least = 0;
      node.negate_output = false;
      if (&node == &g.nodes.back()) {
        node.op = c.op;
        node.at_least = c.at_least;
        node.negate_output = c.negate_output;
        // Which inputs are negated: a uniform choice of c.negated of them (selection sampling).
        int left = c.negated;
        const auto k = static_cast<int>(node.parents.size());
        for (int i = 0; i < k; ++i) {
          const bool negate = left > 0 && static_cast<int>(rng.below_pooled(static_cast<std::uint64_t>(k - i))) < left;
          node.negated.push_back(negate);
          left -= negate ? 1 : 0;
        }
      } else if (node.parents.size() == 1) {
        node.op = Op::copy;
        node.negate_output = negations_ && (!copies_ || rng.chance_pooled(1, 3));
        node.negated.push_back(false);
      } else {
        // "At least k of" needs three inputs or more (of two it is `and` or `or`).
        const std::vector<Op>& ops = node.parents.size() >= 3 ? wide_ops_ : ops_;
        node.op = ops[static_cast<std::size_t>(rng.below_pooled(ops.size()))];
        if (node.op == Op::threshold) node.at_least = between(rng, 2, static_cast<int>(node.parents.size()) - 1);
        for (std::size_t i = 0; i < node.parents.size(); ++i) node.negated.push_back(negations_ && rng.bits(2) == 0);
      }
      for (std::size_t i = 0; i < node.parents.size(); ++i) node.flip[i] = node.negated[i] ? ~std::uint64_t{0} : 0;
      node.flip_output = node.negate_output ? ~std::uint64_t{0} : 0;
    }
  }

 private:
  const GeneratorOptions& o_;
  std::vector<Op> ops_;       // the kinds for two inputs
  std::vector<Op> wide_ops_;  // ... and for three or more
  bool negations_;
  bool copies_;
};

/// Values of every node given the roots' values and constant settings (-1: not set).
std::vector<int> simulate(const Graph& g, const std::vector<int>& roots, const std::vector<int>& set) {
  std::vector<int> value(g.nodes.size(), 0);
  for (std::size_t v = 0; v < g.nodes.size(); ++v) {
    if (set[v] >= 0) {
      value[v] = set[v];
      continue;
    }
    const Node& node = g.nodes[v];
    if (node.parents.empty()) {
      value[v] = roots[v];
      continue;
    }
    auto input = [&](std::size_t i) { return value[static_cast<std::size_t>(node.parents[i])] ^ (node.negated[i] ? 1 : 0); };
    int r = input(0);
    for (std::size_t i = 1; i < node.parents.size(); ++i) {
      if (node.op == Op::and_) r &= input(i);
      else if (node.op == Op::or_) r |= input(i);
      else if (node.op == Op::threshold) r += input(i);
      else r ^= input(i);
    }
    if (node.op == Op::threshold) r = r >= node.at_least ? 1 : 0;
    value[v] = node.negate_output ? 1 - r : r;
  }
  return value;
}

std::string literal(const std::string& name, bool negated) { return negated ? "not " + name : name; }

std::string join_words(const std::vector<std::string>& items, const char* last) {
  if (items.size() == 1) return items[0];
  std::string out;
  for (std::size_t i = 0; i + 1 < items.size(); ++i) out += (i > 0 ? ", " : "") + items[i];
  return out + " " + last + " " + items.back();
}

/// The expression text of a node's mechanism, in the model's names.
std::string expression(const Graph& g, int v, const std::vector<std::string>& names) {
  const Node& node = g.nodes[static_cast<std::size_t>(v)];
  if (node.parents.empty()) return "U_" + names[static_cast<std::size_t>(v)];
  std::vector<std::string> inputs;
  for (std::size_t i = 0; i < node.parents.size(); ++i) {
    inputs.push_back(literal(names[static_cast<std::size_t>(node.parents[i])], node.negated[i]));
  }
  if (node.op == Op::copy) return node.negate_output ? "not " + inputs[0] : inputs[0];
  if (node.op == Op::threshold) return at_least_expression(inputs, node.at_least);
  const std::string between = fmt::format(" {} ", op_name(node.op));
  std::string out;
  for (std::size_t i = 0; i < inputs.size(); ++i) out += (i > 0 ? between : "") + inputs[i];
  return out;
}

/// Appends `count` words joined as "a", "a and b" or "a, b and c" (`last` in place of "and");
/// `word(out, i)` appends the i-th.
template <class Word>
void append_joined(std::string& out, std::size_t count, Word word, std::string_view last) {
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) {
      if (i + 1 < count) {
        out += ", ";
      } else {
        out += ' ';
        out += last;
        out += ' ';
      }
    }
    word(out, i);
  }
}

/// "We know that A causes B and C, not B causes D, A and D together cause E." The outcome's
/// negated copy, if it is one, is worded as `outcome` says.
std::string causal_text(const Graph& g, const std::vector<std::string>& names, const OutcomeClass& outcome, Rng& rng) {
  const std::size_t n = g.nodes.size();
  auto name = [&](int v) -> const std::string& { return names[static_cast<std::size_t>(v)]; };
  std::array<std::uint64_t, kMaxNodes> copies{};  // cause -> its plain effects (B := A), one bit each
  std::vector<std::pair<int, std::string>> clauses;  // (the variable the clause explains first, clause)
  clauses.reserve(n);
  for (std::size_t v = 0; v < n; ++v) {
    const Node& node = g.nodes[v];
    if (node.parents.empty()) continue;
    const std::string& effect = names[v];
    if (node.op == Op::copy && !node.negate_output) {
      copies[static_cast<std::size_t>(node.parents[0])] |= std::uint64_t{1} << v;
      continue;
    }
    std::string clause;
    if (node.op == Op::copy) {
      // B := not A reads "A causes not B" or "not A causes B": the same mechanism.
      const std::string& cause = name(node.parents[0]);
      const bool not_cause = v + 1 == n ? outcome.not_cause : rng.chance(1, 2);
      clause = not_cause ? "not " + cause + " causes " + effect : cause + " causes not " + effect;
    } else {
      auto input = [&](std::string& out, std::size_t i) {
        if (node.negated[i]) out += "not ";
        out += name(node.parents[i]);
      };
      if (node.op == Op::threshold) clause = node.at_least == 2 ? "at least two of " : "at least three of ";
      // xor is parity: "exactly one of" says it for two inputs only.
      if (node.op == Op::xor_) clause = node.parents.size() > 2 ? "an odd number of " : "exactly one of ";
      append_joined(clause, node.parents.size(), input, node.op == Op::or_ ? "or" : "and");
      clause += node.op == Op::or_ || node.op == Op::xor_ ? " causes " : " together cause ";
      clause += effect;
    }
    clauses.emplace_back(static_cast<int>(v), std::move(clause));
  }
  // A cause's plain effects are grouped in one clause, placed at its first effect.
  for (std::size_t cause = 0; cause < n; ++cause) {
    std::uint64_t effects = copies[cause];
    if (effects == 0) continue;
    std::array<int, kMaxNodes> list{};
    std::size_t k = 0;
    for (; effects != 0; effects &= effects - 1) list[k++] = std::countr_zero(effects);
    std::string clause = names[cause] + " causes ";
    append_joined(clause, k, [&](std::string& out, std::size_t i) { out += name(list[i]); }, "and");
    clauses.emplace_back(list[0], std::move(clause));
  }
  // Every variable is explained by one clause at most, so the keys are distinct.
  std::sort(clauses.begin(), clauses.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = "We know that ";
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    if (i > 0) out += i + 1 == clauses.size() ? ", and " : ", ";
    out += clauses[i].second;
  }
  return out + ".";
}

/// "We observed that A occurred and B did not occur."
std::string observation_text(const std::vector<std::pair<std::string, int>>& facts) {
  if (facts.empty()) return "";
  std::vector<std::string> parts;
  for (const auto& [name, value] : facts) parts.push_back(value != 0 ? name + " occurred" : name + " did not occur");
  return " We observed that " + join_words(parts, "and") + ".";
}

Term term(VarId var, std::vector<Setting> settings = {}) {
  std::sort(settings.begin(), settings.end(), [](const Setting& a, const Setting& b) { return a.var < b.var; });
  return Term{var, std::move(settings)};
}

Setting constant(VarId var, int value) { return Setting::to_value(var, static_cast<Value>(value)); }

/// All descendants of v (excluding v), in index order, into `out` (--max-variables is at most
/// 40, so one word marks them).
void descendants(const Graph& g, int v, std::vector<int>& out) {
  out.clear();
  std::uint64_t reach = std::uint64_t{1} << v;
  for (std::size_t w = static_cast<std::size_t>(v) + 1; w < g.nodes.size(); ++w) {
    for (int p : g.nodes[w].parents) {
      if (((reach >> p) & 1U) != 0) {
        reach |= std::uint64_t{1} << w;
        out.push_back(static_cast<int>(w));
        break;
      }
    }
  }
}


/// Whether a directed path leads from `from` to `to` without passing through `avoid`.
bool reaches_around(const Graph& g, int from, int to, int avoid) {
  std::uint64_t reach = std::uint64_t{1} << from;  // --max-variables is at most 40
  for (int w = from + 1; w <= to; ++w) {
    if (w == avoid) continue;
    for (int p : g.nodes[static_cast<std::size_t>(w)].parents) {
      if (((reach >> p) & 1U) != 0) {
        reach |= std::uint64_t{1} << w;
        break;
      }
    }
  }
  return ((reach >> to) & 1U) != 0;
}

/// v and its ancestors, one bit per node.
std::uint64_t ancestors_and_self(const Graph& g, int v) {
  std::uint64_t up = std::uint64_t{1} << v;
  for (int w = v; w >= 0; --w) {
    if (((up >> w) & 1U) == 0) continue;
    for (int p : g.nodes[static_cast<std::size_t>(w)].parents) up |= std::uint64_t{1} << p;
  }
  return up;
}

bool has(std::uint64_t set, int v) { return ((set >> v) & 1U) != 0; }

// ---- the question's procedures, simulated on 64 units at once -----------------------------------
//
// The preset's models are boolean circuits whose roots carry uniform noise, so every probability a
// procedure of distractors.hpp computes here is a count of root assignments. A word holds one
// value per unit (bit i: unit i), so one pass over the circuit simulates 64 units. The counts
// decide whether a candidate meets its target before any model is built; the generator then
// re-derives the answer and every procedure with the exact engines and fails if they differ.

using Lanes = std::uint64_t;
constexpr Lanes kAll = ~Lanes{0};

Lanes lanes_of(bool b) { return b ? kAll : 0; }

/// One word of units per node.
using NodeLanes = std::array<Lanes, kMaxNodes>;

/// The settings of a world, unit by unit: node v is set, to value[v], when bit v of `set` is.
struct Settings {
  void clear() { set = 0; }
  void fix(int v, Lanes x) {
    set |= std::uint64_t{1} << v;
    value[static_cast<std::size_t>(v)] = x;
  }
  [[nodiscard]] bool fixes(std::size_t v) const { return ((set >> v) & 1U) != 0; }
  std::uint64_t set = 0;
  NodeLanes value{};
};

/// A count from 0 to 31 in each of 64 units (bit-sliced: bits[k] holds bit k of every unit's count).
struct LaneCount {
  std::array<Lanes, 5> bits{};
  void add(Lanes x) {
    for (Lanes& b : bits) {
      const Lanes carry = b & x;
      b ^= x;
      x = carry;
    }
  }
  /// The count c in every unit.
  static LaneCount of(unsigned c) {
    LaneCount out;
    for (std::size_t k = 0; k < out.bits.size(); ++k) out.bits[k] = lanes_of(((c >> k) & 1U) != 0);
    return out;
  }
  /// The count in unit `unit`.
  [[nodiscard]] unsigned at(unsigned unit) const {
    unsigned c = 0;
    for (std::size_t k = 0; k < bits.size(); ++k) c |= static_cast<unsigned>((bits[k] >> unit) & 1U) << k;
    return c;
  }
  [[nodiscard]] LaneCount doubled() const {
    LaneCount out;
    for (std::size_t k = 1; k < bits.size(); ++k) out.bits[k] = bits[k - 1];
    return out;
  }
};

/// The units where a > b.
Lanes greater(const LaneCount& a, const LaneCount& b) {
  Lanes gt = 0;
  Lanes eq = kAll;
  for (std::size_t k = a.bits.size(); k-- > 0;) {
    gt |= eq & a.bits[k] & ~b.bits[k];
    eq &= ~(a.bits[k] ^ b.bits[k]);
  }
  return gt;
}

/// Every node's value in 64 units: root v reads roots[v]; set nodes (if `settings`) their value.
void simulate_lanes(const Graph& g, const NodeLanes& roots, const Settings* settings, NodeLanes& out) {
  const std::size_t n = g.nodes.size();
  const Node* nodes = g.nodes.data();
  const std::uint64_t fixed = settings != nullptr ? settings->set : 0;
  for (std::size_t v = 0; v < n; ++v) {
    if (((fixed >> v) & 1U) != 0) {
      out[v] = settings->value[v];
      continue;
    }
    const Node& node = nodes[v];
    const std::size_t k = node.parents.size();
    if (k == 0) {
      out[v] = roots[v];
      continue;
    }
    auto input = [&](std::size_t i) { return out[static_cast<std::size_t>(node.parents[i])] ^ node.flip[i]; };
    Lanes r = input(0);
    switch (node.op) {
      case Op::and_:
        for (std::size_t i = 1; i < k; ++i) r &= input(i);
        break;
      case Op::or_:
        for (std::size_t i = 1; i < k; ++i) r |= input(i);
        break;
      case Op::xor_:
        for (std::size_t i = 1; i < k; ++i) r ^= input(i);
        break;
      case Op::threshold: {
        LaneCount holding;
        for (std::size_t i = 0; i < k; ++i) holding.add(input(i));
        r = greater(holding, LaneCount::of(static_cast<unsigned>(node.at_least - 1)));
        break;
      }
      case Op::copy:
        break;
    }
    out[v] = r ^ node.flip_output;
  }
}

/// The units where num/den is defined and on `answer`'s side of 1/2 (yes: above, no: below), as
/// distractors.hpp's procedures are read (exactly 1/2 is neither).
Lanes on_side(const LaneCount& num, const LaneCount& den, bool answer) {
  return answer ? greater(num.doubled(), den) : greater(den, num.doubled());
}

/// The choices of a candidate question that do not depend on the roots' values.
struct Shape {
  std::vector<int> joint_vars;    // joint: the other intervened variables
  std::vector<int> joint_values;  // ... and the values they are set to
  int held = -1;                  // nested: the mediator kept at its value under the factual X
  int hidden_root = -1;           // conditional: the root left unobserved
  std::vector<int> observed;      // conditional: the observed non-roots
  void clear() {
    joint_vars.clear();
    joint_values.clear();
    held = -1;
    hidden_root = -1;
    observed.clear();
  }
};

/// The worlds the procedures read Y in.
enum class World : std::uint8_t {
  question,        // do(X = not x, the joint settings, held = its value under x)
  nested_ignored,  // do(X = not x)
  nested_literal,  // do(X = not x, held = 1)
  factual,
};

/// The settings of `world` in units whose factual treatment is `x`; `base` holds the held
/// mediator's value under the factual treatment.
void settings_of(World world, const Graph& g, const Shape& s, Lanes x, const NodeLanes& base, Settings& out) {
  out.clear();
  if (world == World::factual) return;
  out.fix(g.treatment, ~x);
  if (world == World::question) {
    for (std::size_t i = 0; i < s.joint_vars.size(); ++i) out.fix(s.joint_vars[i], lanes_of(s.joint_values[i] != 0));
    if (s.held >= 0) out.fix(s.held, base[static_cast<std::size_t>(s.held)]);
  } else if (world == World::nested_literal) {
    out.fix(s.held, kAll);
  }
}

/// One candidate (graph, shape) in 64 units, each unit a draw of the roots' values. In unit i the
/// question is the one the preset would ask for those values: the factual treatment is the
/// unit's, the evidence its roots (but the hidden ones) and witnesses.
/// One object serves every candidate of an item (reset() per candidate), reusing its buffers.
class Candidate {
 public:
  /// The candidate (g, s) in the units `roots`; g and s must outlive the calls that follow.
  void reset(const Graph& g, const Shape& s, const NodeLanes& roots) {
    g_ = &g;
    s_ = &s;
    roots_ = roots;
    hidden_.clear();
    if (g.confounder >= 0) hidden_.push_back(g.confounder);
    if (s.hidden_root >= 0) hidden_.push_back(s.hidden_root);
    simulate_lanes(g, roots_, nullptr, factual_);
    x_ = factual_[static_cast<std::size_t>(g.treatment)];
    prior_counted_ = false;
  }

  [[nodiscard]] const NodeLanes& factual() const { return factual_; }

  /// Evidence of a procedure: the question's (X = x, roots, witnesses), or conditioning's
  /// (settings read as observations: X = not x, the joint settings; roots but X, witnesses).
  enum class Evidence : std::uint8_t { question, conditioning };

  /// Over the values of the hidden roots consistent with the evidence (den), those where Y = 1
  /// in `world` (num): P(Y = 1 in world | evidence) = num / den in each unit.
  void posterior(World world, Evidence evidence, LaneCount& num, LaneCount& den) const {
    const Graph& g = *g_;
    const Shape& s = *s_;
    const auto x = static_cast<std::size_t>(g.treatment);
    const auto y = static_cast<std::size_t>(g.outcome());
    const bool conditioning = evidence == Evidence::conditioning;
    const Lanes x_seen = conditioning ? ~x_ : x_;
    NodeLanes& roots = work_;
    roots = roots_;
    if (conditioning && g.is_root(g.treatment)) roots[x] = x_seen;  // U_X = X is observed
    NodeLanes& f = f_;
    NodeLanes& w = w_;
    for (unsigned h = 0; h < (1U << hidden_.size()); ++h) {
      for (std::size_t j = 0; j < hidden_.size(); ++j) roots[static_cast<std::size_t>(hidden_[j])] = lanes_of(((h >> j) & 1U) != 0);
      simulate_lanes(g, roots, nullptr, f);
      Lanes holds = ~(f[x] ^ x_seen);
      for (int v : s.observed) holds &= ~(f[static_cast<std::size_t>(v)] ^ factual_[static_cast<std::size_t>(v)]);
      if (conditioning) {
        for (std::size_t i = 0; i < s.joint_vars.size(); ++i) {
          holds &= ~(f[static_cast<std::size_t>(s.joint_vars[i])] ^ lanes_of(s.joint_values[i] != 0));
        }
      }
      Lanes outcome = f[y];
      if (world != World::factual) {
        // Where the evidence holds, the factual world is the world of the factual treatment.
        settings_of(world, g, s, x_, f, settings_);
        simulate_lanes(g, roots, &settings_, w);
        outcome = w[y];
      }
      den.add(holds);
      num.add(holds & outcome);
    }
  }

  /// The units where the answer is deterministic and equals `answer`.
  [[nodiscard]] Lanes answers(bool answer) const {
    LaneCount num;
    LaneCount den;
    posterior(World::question, Evidence::question, num, den);
    // Every unit is consistent with its own evidence, so den >= 1.
    Lanes all_agree = kAll;
    for (std::size_t k = 0; k < num.bits.size(); ++k) {
      all_agree &= answer ? ~(num.bits[k] ^ den.bits[k]) : ~num.bits[k];
    }
    return all_agree;
  }

  /// Whether `procedure` is one of this question's distractors (the nested readings exist for
  /// nested questions only); the generator ignores the targets of the others.
  [[nodiscard]] bool applies(std::string_view procedure) const {
    return s_->held >= 0 || (procedure != "nested_ignored" && procedure != "nested_literal");
  }

  /// The units where `procedure` (a name of distractors.hpp) gives `answer`; nullopt for a
  /// procedure this simulation does not know or that does not apply.
  [[nodiscard]] std::optional<Lanes> agrees(std::string_view procedure, bool answer) const {
    LaneCount num;
    LaneCount den;
    if (procedure == "no_abduction") return prior_agrees(answer);
    if (procedure == "conditioning") {
      posterior(World::factual, Evidence::conditioning, num, den);
    } else if (procedure == "factual") {
      posterior(World::factual, Evidence::question, num, den);
    } else if (procedure == "nested_ignored" || procedure == "nested_literal") {
      if (s_->held < 0) return std::nullopt;  // see applies()
      posterior(procedure == "nested_ignored" ? World::nested_ignored : World::nested_literal, Evidence::question,
                num, den);
    } else {
      return std::nullopt;
    }
    return on_side(num, den, answer);
  }

  /// The exact value of every procedure of distractors.hpp in `unit`, in that file's order:
  /// counts over the hidden roots' values (and, for no_abduction, over every root's), each an
  /// exact fraction because the roots are uniform. The tests compare them with distractors().
  [[nodiscard]] std::vector<Distractor> distractors(unsigned unit) const {
    std::vector<Distractor> out;
    auto ratio = [&](World world, Evidence evidence) -> std::optional<Rational> {
      LaneCount num;
      LaneCount den;
      posterior(world, evidence, num, den);
      const unsigned n = num.at(unit);
      const unsigned d = den.at(unit);
      if (d == 0) return std::nullopt;  // zero-probability evidence
      return Rational(static_cast<long>(n), static_cast<long>(d));
    };
    const auto [count, units] = prior_count(((x_ >> unit) & 1U) != 0);
    out.push_back({"no_abduction", Rational(static_cast<long>(count), static_cast<long>(units))});
    out.push_back({"conditioning", ratio(World::factual, Evidence::conditioning)});
    if (std::optional<Rational> marginals = root_marginals(unit)) out.push_back({"root_marginals", std::move(marginals)});
    out.push_back({"factual", ratio(World::factual, Evidence::question)});
    if (s_->held >= 0) {
      out.push_back({"nested_ignored", ratio(World::nested_ignored, Evidence::question)});
      out.push_back({"nested_literal", ratio(World::nested_literal, Evidence::question)});
    }
    return out;
  }

 private:
  const Graph* g_ = nullptr;
  const Shape* s_ = nullptr;
  NodeLanes roots_{};
  boost::container::static_vector<int, 2> hidden_;  // roots the evidence does not state: the confounder, the hidden root
  NodeLanes factual_{};
  Lanes x_ = 0;
  // Scratch space.
  mutable NodeLanes work_{};
  mutable NodeLanes f_{};
  mutable NodeLanes w_{};
  mutable Settings settings_;
  mutable bool prior_counted_ = false;  // prior_ holds this candidate's no_abduction counts
  mutable std::array<std::uint64_t, 2> prior_{};
  mutable std::uint64_t prior_units_ = 1;

  /// no_abduction: P(Y = 1 in the question's world) with no evidence, which depends on the unit
  /// only through its treatment x.
  [[nodiscard]] Lanes prior_agrees(bool answer) const {
    Lanes out = 0;
    for (const bool x : {false, true}) {
      const auto [count, units] = prior_count(x);
      const bool agrees = answer ? 2 * count > units : 2 * count < units;
      if (agrees) out |= x ? x_ : ~x_;
    }
    return out;
  }

  /// P(Y = 1 in the question's world of factual treatment x) with no evidence, as count / units:
  /// counted over every assignment of the roots Y depends on (units = 2^their number).
  [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> prior_count(bool x) const {
    if (!prior_counted_) {  // both treatments at once, the first time a procedure asks
      prior_[0] = count_prior(false);
      prior_[1] = count_prior(true);
      prior_counted_ = true;
    }
    return {prior_[x ? 1 : 0], prior_units_};
  }

  /// See prior_count(); sets prior_units_.
  [[nodiscard]] std::uint64_t count_prior(bool x) const {
    static constexpr std::array<Lanes, 6> kPattern{0xAAAAAAAAAAAAAAAAULL, 0xCCCCCCCCCCCCCCCCULL,
                                                   0xF0F0F0F0F0F0F0F0ULL, 0xFF00FF00FF00FF00ULL,
                                                   0xFFFF0000FFFF0000ULL, 0xFFFFFFFF00000000ULL};
    const Graph& g = *g_;
    std::array<int, kMaxNodes> relevant{};  // the roots Y depends on
    std::size_t k = 0;
    const std::uint64_t up = ancestors_and_self(g, g.outcome());
    for (int w = 0; w <= g.outcome(); ++w) {
      if (has(up, w) && g.is_root(w)) relevant[k++] = w;
    }
    const std::uint64_t words = k <= 6 ? 1 : std::uint64_t{1} << (k - 6);
    const Lanes valid = k >= 6 ? kAll : (Lanes{1} << (std::uint64_t{1} << k)) - 1;
    NodeLanes& roots = work_;
    roots.fill(0);
    Settings factual_x;  // do(X = x): the held mediator's value under x
    std::uint64_t count = 0;
    for (std::uint64_t word = 0; word < words; ++word) {
      for (std::size_t j = 0; j < k; ++j) {
        roots[static_cast<std::size_t>(relevant[j])] = j < 6 ? kPattern[j] : lanes_of(((word >> (j - 6)) & 1U) != 0);
      }
      factual_x.fix(g.treatment, lanes_of(x));
      simulate_lanes(g, roots, &factual_x, f_);
      settings_of(World::question, g, *s_, lanes_of(x), f_, settings_);
      simulate_lanes(g, roots, &settings_, w_);
      count += static_cast<std::uint64_t>(std::popcount(w_[static_cast<std::size_t>(g.outcome())] & valid));
    }
    prior_units_ = std::uint64_t{1} << k;
    return count;
  }

  /// root_marginals in `unit`: each hidden root's posterior marginal used as an independent
  /// prior (the stated roots keep their values), then the question's world without evidence.
  /// nullopt when the evidence pins every hidden root (the procedure is then the correct one).
  [[nodiscard]] std::optional<Rational> root_marginals(unsigned unit) const {
    const Graph& g = *g_;
    const auto x = static_cast<std::size_t>(g.treatment);
    const auto y = static_cast<std::size_t>(g.outcome());
    const std::size_t assignments = std::size_t{1} << hidden_.size();
    std::array<bool, 4> consistent{};  // whether the evidence holds under each hidden assignment
    std::array<bool, 4> outcome{};     // Y = 1 in the question's world without evidence
    NodeLanes& roots = work_;
    roots = roots_;
    Settings factual_x;  // the held mediator's value under do(X = x), not under X's own value
    factual_x.fix(g.treatment, x_);
    for (std::size_t h = 0; h < assignments; ++h) {
      for (std::size_t j = 0; j < hidden_.size(); ++j) roots[static_cast<std::size_t>(hidden_[j])] = lanes_of(((h >> j) & 1U) != 0);
      simulate_lanes(g, roots, nullptr, f_);
      Lanes holds = ~(f_[x] ^ x_);
      for (int v : s_->observed) holds &= ~(f_[static_cast<std::size_t>(v)] ^ factual_[static_cast<std::size_t>(v)]);
      consistent[h] = ((holds >> unit) & 1U) != 0;
      simulate_lanes(g, roots, &factual_x, f_);
      settings_of(World::question, g, *s_, x_, f_, settings_);
      simulate_lanes(g, roots, &settings_, w_);
      outcome[h] = ((w_[y] >> unit) & 1U) != 0;
    }
    // P(hidden root j = 1 | evidence), each a count over the consistent assignments.
    std::array<Rational, 2> marginal;
    int total = 0;
    for (std::size_t h = 0; h < assignments; ++h) total += consistent[h] ? 1 : 0;
    bool point_mass = true;
    for (std::size_t j = 0; j < hidden_.size(); ++j) {
      int ones = 0;
      for (std::size_t h = 0; h < assignments; ++h) ones += consistent[h] && ((h >> j) & 1U) != 0 ? 1 : 0;
      marginal[j] = Rational(ones, total);
      point_mass = point_mass && (ones == 0 || ones == total);
    }
    if (point_mass) return std::nullopt;
    Rational value(0);
    for (std::size_t h = 0; h < assignments; ++h) {
      if (!outcome[h]) continue;
      Rational weight(1);
      for (std::size_t j = 0; j < hidden_.size(); ++j) weight *= ((h >> j) & 1U) != 0 ? marginal[j] : 1 - marginal[j];
      value += weight;
    }
    return value;
  }
};

}  // namespace

CounterbenchPreset::CounterbenchPreset(GeneratorOptions options) : options_(std::move(options)) {}

Item CounterbenchPreset::make(Rng& rng, Rng& name_rng, const ItemTarget& target) const {
  // The shortcut targets are met here when the simulation knows every procedure named (see
  // Candidate::agrees); otherwise the generator redraws on exact distractors, as for any preset.
  std::vector<std::pair<std::string, bool>> goal = target.agreements;
  const bool simulated = std::all_of(goal.begin(), goal.end(), [](const auto& a) {
    return a.first == "no_abduction" || a.first == "conditioning" || a.first == "factual" ||
           a.first == "nested_ignored" || a.first == "nested_literal";
  });
  // The question's wording ("not X instead of X" or the reverse; in a joint question also "Z" or
  // "not Z") is drawn once per item, before any candidate, so it is independent of the answer:
  // choosing among candidates by their answers must not let the wording predict them.
  const bool x_factual = rng.chance(1, 2);
  std::vector<int> joint_values;
  if (target.type == "joint") {
    for (int i = 1; i < options_.interventions; ++i) joint_values.push_back(rng.chance(1, 2) ? 1 : 0);
  }
  GraphSampler sampler(options_);
  // The outcome's class comes from the block seed, shared by the items of one balanced block.
  Rng block_rng(target.block_seed);
  const OutcomeClass outcome_class = sampler.draw_outcome_class(target.block_seed != 0 ? block_rng : rng);
  // Whether the treatment has a hidden confounder shows in the text too ("C causes X"), so it is
  // drawn per block as well (a basic item whose conditioning must differ is always confounded).
  const int confounded_class = target.block_seed != 0 ? (block_rng.chance(1, 2) ? 1 : 0) : -1;
  Graph g;
  // So is the treatment's distance to the outcome (the shortest directed path), read off a
  // structure drawn with the block's seed. Whether a change reaches the outcome depends on it
  // (level 1: changed on 0.65-0.73 of three types' items at distance 1, 0.38-0.44 at distance
  // 3), and the shortest-path reading is right exactly on the changed items (meets_targets), so
  // with a free distance the learners read the answer off distance and reading together (trees
  // 58-60% at level 1). Sharing it across a block's targets makes it say nothing of the class.
  // Structures at another distance are redrawn before anything else is drawn for them,
  // kDistanceKeep times at most; counted apart from `misses`, so that these redraws do not use up
  // the budget after which the reading and the confounder's class are given up.
  int distance_class = -1;
  if (target.block_seed != 0) {
    sampler.draw_structure(block_rng, confounded_class == 1, outcome_class.inputs, g);
    distance_class = treatment_distance(g);
  }
  int distance_misses = 0;
  Candidate candidate;
  Shape shape;  // the current candidate's, its buffers reused from draw to draw
  NodeLanes draws{};
  std::vector<int> pool;     // scratch: a shape's choices
  std::vector<int> below_x;  // scratch: descendants of X, or roots that can be hidden
  int misses = 0;  // candidates since the last one that met the answer targets
  int tries = 0;   // candidates that met the answer targets but not the shortcut targets
  std::vector<std::pair<int, int>> path_settings;  // the current shape's settings, for the path reading
  std::uint64_t path_held = 0;                      // and its held variable, as a bit
  // The lanes of the current candidate (g, shape, draws) that meet every target; 0 if none.
  auto meets_targets = [&]() -> Lanes {
    const int x = g.treatment;
    const int y = g.outcome();
    // The shortest-path reading (path_rule.hpp: the set value carried along the shortest stated
    // path to Y, flipped by its negations) must give the answer exactly when Y changes: then it
    // is right on half the items, like the factual value, and following a path without checking
    // that the change gets through tells nothing. On one path a change that reaches Y is what the
    // reading says, so only the unchanged items can disagree with it. A candidate on which the
    // reading is undefined (shortest paths that disagree) is redrawn too: such graphs are more
    // often unchanged ones, so letting them through would unbalance the rest. Given up, like the
    // confounder's class, after kRelaxEvery draws without an item.
    if (misses < kRelaxEvery) {
      const std::optional<int> reading = path_rule_value(
          static_cast<int>(g.nodes.size()), y, path_settings, path_held, [&](int w, auto&& f) {
            const Node& node = g.nodes[static_cast<std::size_t>(w)];
            for (std::size_t i = 0; i < node.parents.size(); ++i) f(node.parents[i], node.negated[i] != node.negate_output);
          });
      if (!reading || (*reading != 0) != (target.answer != target.answer_equals_factual)) return 0;
    }
    candidate.reset(g, shape, draws);
    // The answer must be the target's for every value of the unstated roots that fits the
    // evidence (so it is deterministic), and relate to the outcome's factual value as asked.
    Lanes good = candidate.answers(target.answer);
    good &= ~(candidate.factual()[static_cast<std::size_t>(x)] ^ lanes_of(x_factual));  // X factual as drawn
    const Lanes factual_y = candidate.factual()[static_cast<std::size_t>(y)];
    const Lanes equal = target.answer ? factual_y : ~factual_y;
    good &= target.answer_equals_factual ? equal : ~equal;
    if (good == 0 || !simulated) return good;
    misses = 0;
    for (const auto& [procedure, agree] : goal) {
      if (!candidate.applies(procedure)) continue;
      const Lanes agrees = *candidate.agrees(procedure, target.answer);
      good &= agree ? agrees : ~agrees;
      if (good == 0) break;  // the others cannot rescue this candidate
    }
    if (good == 0) {
      // Small models cannot meet every combination: every kRelaxEvery candidates the last
      // remaining shortcut target is dropped (deterministically).
      ++tries;
      if (tries % kRelaxEvery == 0 && !goal.empty()) goal.pop_back();
      if (tries >= kMaxShortcutTries) {
        throw Error(fmt::format("counterbench: no {} item meeting the balance targets in {} draws; relax the knobs",
                                target.type, kMaxShortcutTries));
      }
    }
    return good;
  };
  for (;;) {
    if (misses >= kMaxAttempts) {
      throw Error(fmt::format("counterbench: no {} item with answer {} found in {} attempts; relax the knobs",
                              target.type, target.answer ? "yes" : "no", kMaxAttempts));
    }
    // Half the items have a hidden confounder of the treatment: then conditioning on the
    // treatment is not intervening on it, and answering needs abduction of the confounder. In a
    // basic question every other root is observed, so conditioning can differ from the answer
    // only in confounded graphs: when the target needs it to differ, no other graph is drawn.
    const bool needs_confounder = simulated && target.type == "basic" &&
                                  std::any_of(goal.begin(), goal.end(), [](const auto& a) {
                                    return a.first == "conditioning" && !a.second;
                                  });
    // (After kRelaxEvery attempts the draw is free again: small models cannot host every class.)
    const bool confounded = confounded_class >= 0 && misses < kRelaxEvery ? confounded_class == 1 : rng.bits(1) != 0;
    sampler.draw_structure(rng, needs_confounder || confounded, outcome_class.inputs, g);
    if (distance_class >= 0 && distance_misses < kDistanceKeep && treatment_distance(g) != distance_class) {
      ++distance_misses;
      continue;
    }
    ++misses;
    const int n = static_cast<int>(g.nodes.size());
    const int x = g.treatment;
    const int y = g.outcome();

    const std::uint64_t affects_y = ancestors_and_self(g, y);

    // The question's choices that do not depend on the roots' values, by type.
    shape.clear();
    if (target.type == "joint") {
      pool.clear();
      for (int v = x + 1; v < y; ++v) {
        if (!g.is_root(v) && has(affects_y, v)) pool.push_back(v);
      }
      if (static_cast<int>(pool.size()) < options_.interventions - 1) continue;
      rng.shuffle(pool);
      shape.joint_vars.assign(pool.begin(), pool.begin() + options_.interventions - 1);
      std::sort(shape.joint_vars.begin(), shape.joint_vars.end());
      shape.joint_values = joint_values;
    } else if (target.type == "nested") {
      descendants(g, x, below_x);
      std::vector<int>& mediators = pool;
      mediators.clear();
      for (int v : below_x) {
        // A Y that must change while the mediator is held needs a path from X around it; so does
        // every item, so that the shortest-path reading (above) applies to all of them: without
        // it, the items without such a path would all be unchanged ones.
        if (v != y && has(affects_y, v) && reaches_around(g, x, y, v)) {
          mediators.push_back(v);
        }
      }
      if (mediators.empty()) continue;
      shape.held = rng.pick(mediators);
    } else if (target.type == "conditional") {
      std::vector<int>& hideable = below_x;
      hideable.clear();
      for (int v = x + 1; v < n; ++v) {
        if (g.is_root(v) && has(affects_y, v)) hideable.push_back(v);
      }
      if (hideable.empty()) continue;
      shape.hidden_root = rng.pick(hideable);
      std::vector<int>& witnesses = pool;
      descendants(g, shape.hidden_root, witnesses);
      std::erase(witnesses, y);
      if (witnesses.empty()) continue;
      rng.shuffle(witnesses);
      const auto k = std::min<std::size_t>(static_cast<std::size_t>(options_.evidence_count), witnesses.size());
      shape.observed.assign(witnesses.begin(), witnesses.begin() + static_cast<std::ptrdiff_t>(k));
      std::sort(shape.observed.begin(), shape.observed.end());
    }
    // The settings the shortest-path reading starts from (meets_targets), once per shape.
    path_settings.assign(1, {x, x_factual ? 0 : 1});
    for (std::size_t i = 0; i < shape.joint_vars.size(); ++i) path_settings.emplace_back(shape.joint_vars[i], shape.joint_values[i]);
    path_held = shape.held >= 0 ? std::uint64_t{1} << shape.held : 0;

    // Mechanisms for the structure, several draws of them before the structure is dropped; for
    // each, 64 draws of the roots' values at once. The first draw that meets every target is kept.
    Lanes good = 0;
    for (int m = 0; m < kMechanismsPerStructure && good == 0; ++m) {
      sampler.draw_mechanisms(rng, outcome_class, g);
      draws.fill(0);
      for (int v = 0; v < n; ++v) {
        if (g.is_root(v)) draws[static_cast<std::size_t>(v)] = rng.next();
      }
      good = meets_targets();
    }
    if (good == 0) continue;
    const auto unit = static_cast<unsigned>(std::countr_zero(good));
    std::vector<Distractor> procedures = candidate.distractors(unit);
    std::vector<int> roots(static_cast<std::size_t>(n), 0);
    for (int v = 0; v < n; ++v) {
      if (g.is_root(v)) roots[static_cast<std::size_t>(v)] = static_cast<int>((draws[static_cast<std::size_t>(v)] >> unit) & 1U);
    }
    const std::vector<int> none(static_cast<std::size_t>(n), -1);
    const std::vector<int> factual = simulate(g, roots, none);
    const int x_fact = factual[static_cast<std::size_t>(x)];
    const int held = shape.held;
    const int hidden_root = shape.hidden_root;
    const std::vector<int>& joint_vars = shape.joint_vars;
    const std::vector<int>& observed = shape.observed;
    std::vector<int> set = none;  // the question's world
    set[static_cast<std::size_t>(x)] = 1 - x_fact;
    for (std::size_t i = 0; i < joint_vars.size(); ++i) set[static_cast<std::size_t>(joint_vars[i])] = shape.joint_values[i];
    if (held >= 0) set[static_cast<std::size_t>(held)] = factual[static_cast<std::size_t>(held)];  // Z[X=x] = Z (consistency)

    // Names: endogenous from the pool, exogenous U_<name> for roots. Ids: exogenous first.
    const std::vector<std::string> names = make_names(options_.name_style, static_cast<std::size_t>(n), name_rng);
    ScmBuilder b;
    for (int v = 0; v < n; ++v) {
      if (g.is_root(v)) b.bernoulli("U_" + names[static_cast<std::size_t>(v)], Rational(1, 2));
    }
    for (int v = 0; v < n; ++v) b.endogenous(names[static_cast<std::size_t>(v)], expression(g, v, names));
    Scm model = b.build();
    std::vector<VarId> ids;
    for (int v = 0; v < n; ++v) ids.push_back(*model.find(names[static_cast<std::size_t>(v)]));
    auto id = [&ids](int v) { return ids[static_cast<std::size_t>(v)]; };

    // Evidence: the treatment's value (the question's "instead of" gives it) and every root's,
    // except the confounder (abduced from the treatment) and the hidden root of a conditional
    // question, whose value the observations determine.
    std::vector<Event> evidence;
    std::vector<std::pair<std::string, int>> facts;
    if (!g.is_root(x)) evidence.push_back({term(id(x)), static_cast<Value>(x_fact)});
    for (int v = 0; v < n; ++v) {
      if (!g.is_root(v) || v == hidden_root || v == g.confounder) continue;
      evidence.push_back({term(id(v)), static_cast<Value>(roots[static_cast<std::size_t>(v)])});
      if (v != x) facts.emplace_back(names[static_cast<std::size_t>(v)], roots[static_cast<std::size_t>(v)]);
    }
    // A joint question ("if not X and Z?") does not say what X actually was; the observations do.
    if (target.type == "joint") facts.emplace_back(names[static_cast<std::size_t>(x)], x_fact);
    for (int v : observed) {
      evidence.push_back({term(id(v)), static_cast<Value>(factual[static_cast<std::size_t>(v)])});
      facts.emplace_back(names[static_cast<std::size_t>(v)], factual[static_cast<std::size_t>(v)]);
    }
    std::sort(evidence.begin(), evidence.end(), [](const Event& a, const Event& c) { return a.term.var < c.term.var; });
    rng.shuffle(facts);

    std::vector<Setting> settings{constant(id(x), 1 - x_fact)};
    for (int v : joint_vars) settings.push_back(constant(id(v), set[static_cast<std::size_t>(v)]));
    if (held >= 0) {
      settings.push_back(Setting::to_term(id(held), term(id(held), {constant(id(x), x_fact)})));
    }
    Query query;
    query.parts.push_back({1, Probability{{Event{term(id(y), settings), 1}}, evidence}});

    const std::string& X = names[static_cast<std::size_t>(x)];
    const std::string& Y = names[static_cast<std::size_t>(y)];
    const std::string instead = x_fact != 0 ? fmt::format("not {} instead of {}", X, X) : fmt::format("{} instead of not {}", X, X);
    std::string question;
    if (target.type == "basic" || target.type == "conditional") {
      question = fmt::format("Would {} occur if {}?", Y, instead);
    } else if (target.type == "joint") {
      std::vector<std::string> parts{literal(X, x_fact != 0)};
      for (int v : joint_vars) parts.push_back(literal(names[static_cast<std::size_t>(v)], set[static_cast<std::size_t>(v)] == 0));
      question = fmt::format("Would {} occur if {}?", Y, join_words(parts, "and"));
    } else {
      question = fmt::format("Would {} occur if {}, with {} kept as it would be under {}?", Y, instead,
                             names[static_cast<std::size_t>(held)], literal(X, x_fact == 0));
    }

    Item item;
    item.model = std::move(model);
    item.query = std::move(query);
    item.type = target.type;
    item.query_type = "det_counterfactual";
    item.question = question;
    item.given_info = causal_text(g, names, outcome_class, rng) + observation_text(facts);
    item.prompt = fmt::format("{}{} {} Answer with yes or no.", kBackground, item.given_info, item.question);

    // Readings that common mistakes use.
    const Event& asked = std::get<Probability>(item.query.parts[0].quantity).events[0];
    if (held >= 0) {
      auto reading = [&](std::vector<Setting> s) {
        Query q;
        q.parts.push_back({1, Probability{{Event{term(asked.term.var, std::move(s)), 1}}, evidence}});
        return q;
      };
      item.readings.emplace_back("nested_ignored", reading({constant(id(x), 1 - x_fact)}));
      item.readings.emplace_back("nested_literal", reading({constant(id(x), 1 - x_fact), constant(id(held), 1)}));
    }

    std::size_t edges = 0;
    for (const auto& node : g.nodes) edges += node.parents.size();
    int depth = 0;  // longest path from X to Y, in arcs
    std::vector<int> longest(static_cast<std::size_t>(n), -1);
    longest[static_cast<std::size_t>(x)] = 0;
    for (int v = x + 1; v < n; ++v) {
      for (int p : g.nodes[static_cast<std::size_t>(v)].parents) {
        if (longest[static_cast<std::size_t>(p)] >= 0) {
          longest[static_cast<std::size_t>(v)] = std::max(longest[static_cast<std::size_t>(v)], longest[static_cast<std::size_t>(p)] + 1);
        }
      }
    }
    depth = longest[static_cast<std::size_t>(y)];
    item.knobs["variables"] = n;
    item.knobs["edges"] = edges;
    item.knobs["path_length"] = depth;
    item.knobs["interventions"] = settings.size();
    item.knobs["nesting_depth"] = held >= 0 ? 1 : 0;
    item.knobs["evidence_count"] = evidence.size();
    item.knobs["confounded"] = g.confounder >= 0;
    item.meta["query_type"] = "det-counterfactual";  // CounterBench's spelling in its meta
    item.meta["story_id"] = fmt::format("{}_{}", to_string(options_.name_style), target.type);
    item.meta["graph_id"] = fmt::format("rung-n{}-e{}-p{}", n, edges, depth);
    item.meta["outcome_class"] = outcome_class.name();
    if (simulated) item.agreements_met = std::move(goal);
    item.distractors = std::move(procedures);
    return item;
  }
}

}  // namespace rung
