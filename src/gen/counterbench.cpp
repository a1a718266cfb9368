#include "rung/gen/counterbench.hpp"

#include "rung/core/error.hpp"
#include "rung/infer/solver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace rung {

namespace {

constexpr int kMaxAttempts = 5000;
constexpr std::string_view kBackground =
    "Imagine a self-contained, hypothetical world with only the following conditions, and without any "
    "unmentioned factors or causal relationships: ";

/// A mechanism over endogenous parents: op applied to (possibly negated) inputs.
struct Node {
  std::vector<int> parents;     // endogenous node indices (empty: a root)
  std::vector<bool> negated;    // per parent
  std::string op;               // "copy" (one parent), "and", "or", "xor"
  bool negate_output = false;   // one parent: B := not A
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

Graph sample_graph(const GeneratorOptions& o, Rng& rng, bool confounded) {
  const int n = rng.between(o.min_variables, o.max_variables);
  Graph g;
  g.nodes.resize(static_cast<std::size_t>(n));
  if (confounded && (o.max_in_degree < 2 || n - 2 < o.min_path_length)) confounded = false;
  const int t = confounded ? 1 : 0;
  g.treatment = t;
  g.confounder = confounded ? 0 : -1;
  // Backbone: the treatment, L-1 intermediate nodes, the outcome (n-1).
  const int longest = std::min(n - 1 - t, o.min_path_length + 2);
  const int length = rng.between(o.min_path_length, longest);
  std::vector<int> middle;
  for (int v = t + 1; v < n - 1; ++v) middle.push_back(v);
  rng.shuffle(middle);
  middle.resize(static_cast<std::size_t>(length - 1));
  std::sort(middle.begin(), middle.end());
  g.backbone.push_back(t);
  g.backbone.insert(g.backbone.end(), middle.begin(), middle.end());
  g.backbone.push_back(n - 1);
  std::vector<int> backbone_parent(static_cast<std::size_t>(n), -1);
  for (std::size_t i = 1; i < g.backbone.size(); ++i) backbone_parent[static_cast<std::size_t>(g.backbone[i])] = g.backbone[i - 1];
  // A confounder causes the treatment and one later backbone node (so it reaches the outcome
  // around the treatment).
  int confounded_child = -1;
  if (confounded) {
    backbone_parent[1] = 0;
    confounded_child = g.backbone[1 + static_cast<std::size_t>(rng.below(g.backbone.size() - 1))];
  }

  std::vector<std::string> ops;
  for (const char* op : {"and", "or", "xor"}) {
    if (allowed(o, op)) ops.emplace_back(op);
  }
  for (int v = 1; v < n; ++v) {
    Node& node = g.nodes[static_cast<std::size_t>(v)];
    const int forced = backbone_parent[static_cast<std::size_t>(v)];
    if (forced < 0 && rng.chance(1, 3)) continue;  // another root
    const bool second = v == confounded_child;  // the confounder's other child
    std::vector<int> candidates;
    for (int u = 0; u < v; ++u) {
      if (u != forced && !(second && u == 0) && !(confounded && v == t)) candidates.push_back(u);
    }
    rng.shuffle(candidates);
    const int k = (forced >= 0 ? 1 : 0) + (second ? 1 : 0);
    const int max_k = std::max(k, std::min<int>(o.max_in_degree, k + static_cast<int>(candidates.size())));
    const int want = ops.empty() ? 1 : rng.between(std::max(1, k), max_k);
    if (forced >= 0) node.parents.push_back(forced);
    if (second) node.parents.push_back(0);
    for (std::size_t i = 0; static_cast<int>(node.parents.size()) < want && i < candidates.size(); ++i) {
      node.parents.push_back(candidates[i]);
    }
    std::sort(node.parents.begin(), node.parents.end());
    const bool negations = allowed(o, "not");
    if (node.parents.size() == 1) {
      node.op = "copy";
      node.negate_output = negations && (!allowed(o, "copy") || rng.chance(1, 3));
      node.negated = {false};
    } else {
      node.op = rng.pick(ops);
      for (std::size_t i = 0; i < node.parents.size(); ++i) node.negated.push_back(negations && rng.chance(1, 4));
    }
  }
  return g;
}

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
      if (node.op == "and") r &= input(i);
      else if (node.op == "or") r |= input(i);
      else r ^= input(i);
    }
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
  if (node.op == "copy") return node.negate_output ? "not " + inputs[0] : inputs[0];
  std::string out;
  for (std::size_t i = 0; i < inputs.size(); ++i) out += (i > 0 ? " " + node.op + " " : "") + inputs[i];
  return out;
}

/// "We know that A causes B and C, not B causes D, A and D together cause E."
std::string causal_text(const Graph& g, const std::vector<std::string>& names, Rng& rng) {
  std::vector<std::string> clauses;
  std::map<int, std::vector<std::string>> copies;  // cause -> its plain effects, grouped
  std::vector<int> order;                            // causes in order of first effect
  std::vector<std::pair<int, std::string>> others;   // (effect, clause)
  for (std::size_t v = 0; v < g.nodes.size(); ++v) {
    const Node& node = g.nodes[v];
    if (node.parents.empty()) continue;
    const std::string& effect = names[v];
    if (node.op == "copy" && !node.negate_output) {
      const int cause = node.parents[0];
      if (!copies.contains(cause)) order.push_back(cause);
      copies[cause].push_back(effect);
      continue;
    }
    std::string clause;
    if (node.op == "copy") {
      // B := not A reads "A causes not B" or "not A causes B": the same mechanism.
      const std::string& cause = names[static_cast<std::size_t>(node.parents[0])];
      clause = rng.chance(1, 2) ? fmt::format("{} causes not {}", cause, effect) : fmt::format("not {} causes {}", cause, effect);
    } else {
      std::vector<std::string> inputs;
      for (std::size_t i = 0; i < node.parents.size(); ++i) {
        inputs.push_back(literal(names[static_cast<std::size_t>(node.parents[i])], node.negated[i]));
      }
      if (node.op == "and") clause = fmt::format("{} together cause {}", join_words(inputs, "and"), effect);
      else if (node.op == "or") clause = fmt::format("{} causes {}", join_words(inputs, "or"), effect);
      else clause = fmt::format("exactly one of {} causes {}", join_words(inputs, "and"), effect);
    }
    others.emplace_back(static_cast<int>(v), clause);
  }
  // Clauses in the order of the variables they explain (copies grouped under their cause).
  std::vector<std::pair<int, std::string>> all = others;
  for (int cause : order) {
    const auto& effects = copies[cause];
    int first = static_cast<int>(g.nodes.size());
    for (std::size_t v = 0; v < g.nodes.size(); ++v) {
      if (std::find(effects.begin(), effects.end(), names[v]) != effects.end()) first = std::min(first, static_cast<int>(v));
    }
    all.emplace_back(first, fmt::format("{} causes {}", names[static_cast<std::size_t>(cause)], join_words(effects, "and")));
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [v, clause] : all) clauses.push_back(std::move(clause));
  if (clauses.size() == 1) return "We know that " + clauses[0] + ".";
  std::string out = "We know that ";
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    if (i > 0) out += i + 1 == clauses.size() ? ", and " : ", ";
    out += clauses[i];
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

/// All descendants of v (excluding v), in index order.
std::vector<int> descendants(const Graph& g, int v) {
  std::vector<bool> reach(g.nodes.size(), false);
  reach[static_cast<std::size_t>(v)] = true;
  std::vector<int> out;
  for (std::size_t w = static_cast<std::size_t>(v) + 1; w < g.nodes.size(); ++w) {
    for (int p : g.nodes[w].parents) {
      if (reach[static_cast<std::size_t>(p)]) {
        reach[w] = true;
        out.push_back(static_cast<int>(w));
        break;
      }
    }
  }
  return out;
}

bool is_ancestor(const Graph& g, int a, int b) {
  auto d = descendants(g, a);
  return std::find(d.begin(), d.end(), b) != d.end();
}

}  // namespace

CounterbenchPreset::CounterbenchPreset(GeneratorOptions options) : options_(std::move(options)) {}

Item CounterbenchPreset::make(Rng& rng, Rng& name_rng, const ItemTarget& target) const {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    // Half the items have a hidden confounder of the treatment: then conditioning on the
    // treatment is not intervening on it, and answering needs abduction of the confounder.
    Graph g = sample_graph(options_, rng, rng.chance(1, 2));
    const int n = static_cast<int>(g.nodes.size());
    const int x = g.treatment;
    const int y = g.outcome();
    std::vector<int> roots(static_cast<std::size_t>(n), 0);
    for (int v = 0; v < n; ++v) {
      if (g.is_root(v)) roots[static_cast<std::size_t>(v)] = rng.chance(1, 2) ? 1 : 0;
    }
    const std::vector<int> none(static_cast<std::size_t>(n), -1);
    const std::vector<int> factual = simulate(g, roots, none);
    const int x_fact = factual[static_cast<std::size_t>(x)];

    // The worlds of the question, by type.
    std::vector<int> set = none;
    set[static_cast<std::size_t>(x)] = 1 - x_fact;
    int held = -1;                 // nested: the mediator kept at its value under the factual X
    std::vector<int> joint_vars;   // joint: the other intervened variables
    int hidden_root = -1;          // conditional: the root left unobserved
    std::vector<int> observed;     // conditional: the observed non-roots
    std::vector<int> mediators;
    for (int v : descendants(g, x)) {
      if (v != y && is_ancestor(g, v, y)) mediators.push_back(v);
    }
    if (target.type == "joint") {
      std::vector<int> pool;
      for (int v = x + 1; v < y; ++v) {
        if (!g.is_root(v) && is_ancestor(g, v, y)) pool.push_back(v);
      }
      if (static_cast<int>(pool.size()) < options_.interventions - 1) continue;
      rng.shuffle(pool);
      joint_vars.assign(pool.begin(), pool.begin() + options_.interventions - 1);
      std::sort(joint_vars.begin(), joint_vars.end());
      for (int v : joint_vars) set[static_cast<std::size_t>(v)] = rng.chance(1, 2) ? 1 : 0;
    } else if (target.type == "nested") {
      if (mediators.empty()) continue;
      held = rng.pick(mediators);
      set[static_cast<std::size_t>(held)] = factual[static_cast<std::size_t>(held)];  // Z[X=x] = Z (consistency)
    } else if (target.type == "conditional") {
      std::vector<int> hideable;
      for (int v = x + 1; v < n; ++v) {
        if (g.is_root(v) && is_ancestor(g, v, y)) hideable.push_back(v);
      }
      if (hideable.empty()) continue;
      hidden_root = rng.pick(hideable);
      std::vector<int> witnesses = descendants(g, hidden_root);
      std::erase(witnesses, y);
      if (witnesses.empty()) continue;
      rng.shuffle(witnesses);
      const auto k = std::min<std::size_t>(static_cast<std::size_t>(options_.evidence_count), witnesses.size());
      observed.assign(witnesses.begin(), witnesses.begin() + static_cast<std::ptrdiff_t>(k));
      std::sort(observed.begin(), observed.end());
    }
    const std::vector<int> world = simulate(g, roots, set);
    const bool answer = world[static_cast<std::size_t>(y)] != 0;
    if (answer != target.answer) continue;
    if ((answer == (factual[static_cast<std::size_t>(y)] != 0)) != target.answer_equals_factual) continue;

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

    // With a hidden root (conditional) or a confounder, the evidence must pin it down: the formal
    // answer must be deterministic and equal the simulated one. (Elsewhere every root is known,
    // and the generator checks every answer by two methods anyway.)
    if ((hidden_root >= 0 || g.confounder >= 0) && solve(model, query).value != Rational(answer ? 1 : 0)) continue;

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

    Item item{std::move(model), std::move(query), target.type, "det_counterfactual", "", question, "", true, {}, {}, {}, {}};
    item.given_info = causal_text(g, names, rng) + observation_text(facts);
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
    return item;
  }
  throw Error(fmt::format("counterbench: no {} item with answer {} found in {} attempts; relax the knobs",
                          target.type, target.answer ? "yes" : "no", kMaxAttempts));
}

}  // namespace rung
