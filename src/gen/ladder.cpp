#include "rung/gen/ladder.hpp"

#include "rung/core/error.hpp"
#include "rung/gen/backbone.hpp"
#include "rung/gen/distractors.hpp"
#include "rung/gen/mechanism_kinds.hpp"
#include "rung/gen/observed.hpp"
#include "rung/identify/identify.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/scm_text.hpp"
#include "rung/query/decision.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <set>

namespace rung {

namespace {

constexpr int kMaxAttempts = 2000;
constexpr int kRelaxEvery = 400;  // missed draws after which the last shortcut target left is dropped (--given observed)
/// --given observed, marginal and conditional: the classes of the distance of `mean_conditional`
/// (the mean of the outcome's stated probabilities) from 1/2. Class 0 holds the readings of
/// exactly 1/2 (a balanced boolean mechanism under xor noise gives many), class 1 the distances
/// in (0, 1/20), class k > 1 those in [1/d[k-2], 1/d[k-1]) (d = the denominators below);
/// readings past the last edge are redrawn while the class is kept. Each block of 32 ranks of a
/// type (bits 1-16: the answer, the question kind, the two readings' agreements) takes the next
/// class in turn, so the reading agrees with the answer on half the items of every class: before,
/// a "less than 1/2" question whose reading was exactly 1/2 was answered "yes" on 68% of the
/// items, and a reading past 1/10 agreed with the answer on 80-100% (docs/generator.md).
constexpr std::array<int, 3> kReadingEdgeDenominators{20, 10, 5};  // 1/20, 1/10, 1/5
constexpr int kReadingClasses = static_cast<int>(kReadingEdgeDenominators.size()) + 1;

/// Whether a reading at `distance` from the threshold lies in class `k` (above).
bool in_reading_class(const Rational& distance, std::size_t k) {
  if (k == 0) return distance == 0;
  const bool above_lower = k == 1 ? distance > 0 : distance >= Rational(1, kReadingEdgeDenominators[k - 2]);
  return above_lower && distance < Rational(1, kReadingEdgeDenominators[k - 1]);
}
constexpr int kClassKept = 800;  // missed draws for which the class holds (then the targets relax)
constexpr std::string_view kBackground =
    "Consider a hypothetical world with only the following variables and mechanisms, and no other factors. "
    "Each variable is computed from its causes and from noise terms (variables starting with U_, which are "
    "never observed directly) by the mechanism written after ':='. ";
constexpr std::string_view kDeterministicBackground =
    "Consider a hypothetical world with only the following variables and mechanisms, and no other factors. "
    "Each variable is computed by the mechanism written after ':=' from its causes, or from noise terms "
    "(variables starting with U_, which are never observed directly) when it has no causes. ";

constexpr std::string_view kObservedBackground =
    "Consider a hypothetical world with only the following variables and no other factors, except that each variable "
    "also depends on random noise of its own. The causal graph is stated first; a variable said to be unobserved was "
    "not measured. The probabilities that follow are exact, from a study of all the other variables. ";

/// A random DAG in topological order: X = node 0, Y = the last node, a backbone path between
/// them, and possibly a hidden confounder of X and Y.
struct Graph {
  std::vector<std::vector<int>> parents;
  std::vector<int> domain;       ///< number of values of each node
  std::vector<int> backbone;     ///< X -> ... -> Y
  bool confounded = false;
  /// --given observed: the children of each extra root W_k (names[size() + 1 + k]), two each,
  /// which the question may hide; the hidden confounder is then an endogenous root H
  /// (names[size()]) read by X and Y.
  std::vector<std::vector<int>> extra;
  [[nodiscard]] bool observed() const { return !extra.empty(); }
  [[nodiscard]] int size() const { return static_cast<int>(parents.size()); }
  [[nodiscard]] int y() const { return size() - 1; }
  /// v's children among the graph's nodes, in index order.
  [[nodiscard]] std::vector<int> children(int v) const {
    std::vector<int> out;
    for (int c = 0; c < size(); ++c) {
      const auto& ps = parents[static_cast<std::size_t>(c)];
      if (std::find(ps.begin(), ps.end(), v) != ps.end()) out.push_back(c);
    }
    return out;
  }
};

Graph sample_graph(const GeneratorOptions& o, Rng& rng) {
  BackboneDag dag = draw_backbone_dag(rng, {.min_variables = o.min_variables, .max_variables = o.max_variables,
                                            .min_backbone = std::max(o.min_path_length, o.nesting_depth + 1),
                                            .extra_length = 2, .max_in_degree = o.max_in_degree, .root_odds = 3});
  Graph g;
  g.parents = std::move(dag.parents);
  g.backbone = std::move(dag.backbone);
  const int n = g.size();
  g.domain.assign(static_cast<std::size_t>(n), 2);
  for (int v = 1; v + 1 < n; ++v) g.domain[static_cast<std::size_t>(v)] = rng.chance(1, 2) ? o.domain_size : 2;
  g.confounded = rng.chance(1, 2);
  if (o.given == "observed") {
    // An extra root with two children drawn uniformly among the graph's nodes, and a second one
    // in graphs of at most four nodes: candidates to hide where the question names most nodes.
    for (int k = 0; k < (n <= 4 ? 2 : 1); ++k) {
      std::vector<int> nodes(static_cast<std::size_t>(n));
      for (int v = 0; v < n; ++v) nodes[static_cast<std::size_t>(v)] = v;
      rng.shuffle(nodes);
      g.extra.push_back({std::min(nodes[0], nodes[1]), std::max(nodes[0], nodes[1])});
    }
  }
  return g;
}

/// The model's .scm text and its reading for the prompt (the same mechanisms).
struct ModelText {
  std::string scm;
  std::string prose;
};

std::string labels(int size) {
  std::vector<std::string> out;
  for (int k = 0; k < size; ++k) out.push_back(std::to_string(k));
  return fmt::format("{{{}}}", fmt::join(out, ", "));
}

ModelText sample_model(const Graph& g, const GeneratorOptions& o, const std::vector<std::string>& names, Rng& rng) {
  const int grid = o.difficulty <= 1 ? 5 : 10;
  ModelText t;
  auto prior = [&](const std::string& u) {
    const Rational p(rng.between(1, grid - 1), grid);
    t.scm += fmt::format("exogenous {} ~ Bernoulli({})\n", u, to_string(p));
    t.prose += fmt::format(" {} is 1 with probability {}.", u, to_string(p));
  };
  // Stated in observed quantities, the hidden confounder is an endogenous root H := U_H (a
  // variable the text can call unobserved) and W := U_W another root; both are causes.
  const bool observed = g.observed();
  const std::string& h_name = names[static_cast<std::size_t>(g.size())];
  const std::string hidden = observed ? h_name : "U_" + h_name;
  auto extra_name = [&](std::size_t k) -> const std::string& { return names[static_cast<std::size_t>(g.size()) + 1 + k]; };
  // Deterministic models give noise to the roots only: the other variables follow their causes.
  auto noisy = [&](int v) { return !o.deterministic || g.parents[static_cast<std::size_t>(v)].empty(); };
  for (int v = 0; v < g.size(); ++v) {
    if (noisy(v)) prior("U_" + names[static_cast<std::size_t>(v)]);
  }
  if (observed) {
    if (g.confounded) prior("U_" + h_name);
    for (std::size_t k = 0; k < g.extra.size(); ++k) prior("U_" + extra_name(k));
    if (g.confounded) t.scm += fmt::format("{0} := U_{0}\n", h_name);
    for (std::size_t k = 0; k < g.extra.size(); ++k) t.scm += fmt::format("{0} := U_{0}\n", extra_name(k));
  }
  auto allowed = [&](std::string_view kind) { return std::find(o.mechanisms.begin(), o.mechanisms.end(), kind) != o.mechanisms.end(); };
  std::vector<std::string> ops;  // ways to combine two or more causes; threshold only for three or more
  for (const char* op : {"and", "or", "xor"}) {
    if (allowed(op)) ops.emplace_back(op);
  }
  const bool negations = allowed("not");
  if (g.confounded && !observed) {
    prior(hidden);
    t.prose += fmt::format(" {} affects both {} and {}.", hidden, names[0], names[static_cast<std::size_t>(g.y())]);
  }
  for (int v = 0; v < g.size(); ++v) {
    const auto sv = static_cast<std::size_t>(v);
    const std::string& name = names[sv];
    std::vector<std::string> inputs;
    std::vector<int> sizes;
    for (int p : g.parents[sv]) {
      inputs.push_back(names[static_cast<std::size_t>(p)]);
      sizes.push_back(g.domain[static_cast<std::size_t>(p)]);
    }
    if (observed) {
      for (std::size_t k = 0; k < g.extra.size(); ++k) {
        if (std::find(g.extra[k].begin(), g.extra[k].end(), v) != g.extra[k].end()) inputs.push_back(extra_name(k));
      }
      if (g.confounded && (v == 0 || v == g.y())) inputs.push_back(hidden);
      sizes.resize(inputs.size(), 2);
    }
    const std::size_t causes = inputs.size();
    if (noisy(v)) {
      inputs.push_back("U_" + name);
      sizes.push_back(2);
    }
    if (g.confounded && !observed && (v == 0 || v == g.y())) {
      inputs.push_back(hidden);
      sizes.push_back(2);
    }
    const bool binary = g.domain[sv] == 2 && std::all_of(sizes.begin(), sizes.end(), [](int s) { return s == 2; });
    std::vector<std::string> kinds = ops;
    if (causes >= 3 && allowed("threshold")) kinds.emplace_back("threshold");
    std::string mechanism;
    if (binary && (causes < 2 || !kinds.empty())) {
      // A boolean function of the causes, then the noise terms: flip, force on, or force off.
      std::string core;
      if (causes > 0) {
        // Drawn for a single cause too (where it is unused), so every model draws alike.
        const std::string op = kinds.empty() ? "" : rng.pick(kinds);
        // A negated cause is parenthesised wherever another operator meets it, so the text has
        // one reading: `(not A) xor U_B`, never `not A xor U_B`.
        const bool alone = causes == 1 && inputs.size() == 1;
        std::vector<std::string> literals;
        for (std::size_t i = 0; i < causes; ++i) {
          const bool negated = negations && rng.chance(1, 4);
          literals.push_back(!negated ? inputs[i] : alone ? "not " + inputs[i] : "(not " + inputs[i] + ")");
        }
        if (op == "threshold") {
          core = at_least_expression(literals, rng.between(2, static_cast<int>(causes) - 1));
        } else {
          for (std::size_t i = 0; i < causes; ++i) core += (i > 0 ? " " + op + " " : "") + literals[i];
        }
        if (causes > 1) core = "(" + core + ")";
      }
      for (std::size_t i = causes; i < inputs.size(); ++i) {
        if (core.empty()) {
          core = inputs[i];
          continue;
        }
        // Stated in observed quantities, noise flips the value: every observed combination then
        // has a positive probability, so every stated conditional is defined.
        static const std::vector<std::string> kNoise = {"xor", "or", "and not"};
        const std::string& how = observed ? kNoise[0] : rng.pick(kNoise);
        core = how == "and not" ? fmt::format("{} and (not {})", core, inputs[i]) : fmt::format("{} {} {}", core, how, inputs[i]);
        if (i + 1 < inputs.size()) core = "(" + core + ")";
      }
      mechanism = core;
      t.scm += fmt::format("{} := {}\n", name, mechanism);
      t.prose += fmt::format(" {} := {}.", name, mechanism);
    } else {
      // A table: every combination of the inputs' values gets a random value.
      std::size_t rows = 1;
      for (int s : sizes) rows *= static_cast<std::size_t>(s);
      std::vector<std::string> lines;
      for (std::size_t r = 0; r < rows; ++r) {
        std::vector<std::string> in;
        std::size_t rest = r;
        for (std::size_t i = inputs.size(); i-- > 0;) {
          in.insert(in.begin(), std::to_string(rest % static_cast<std::size_t>(sizes[i])));
          rest /= static_cast<std::size_t>(sizes[i]);
        }
        lines.push_back(fmt::format("{} -> {}", fmt::join(in, ", "), rng.below(static_cast<std::uint64_t>(g.domain[sv]))));
      }
      const std::string domain = g.domain[sv] == 2 ? "" : fmt::format(" in {}", labels(g.domain[sv]));
      t.scm += fmt::format("{}{} := table({}) {{\n  {}\n}}\n", name, domain, fmt::join(inputs, ", "), fmt::join(lines, "\n  "));
      t.prose += fmt::format(" {} takes values {} by this table over ({}): {}.", name, labels(g.domain[sv]), fmt::join(inputs, ", "),
                             fmt::join(lines, "; "));
    }
  }
  return t;
}

/// "kwox would be 1 had blaf been 0 and zup been what it would have been had blaf been 1"
std::string settings_text(const std::vector<Setting>& settings, const Scm& m);

std::string term_condition(const Term& t, const Scm& m) {
  return t.settings.empty() ? "" : " had " + settings_text(t.settings, m);
}

std::string settings_text(const std::vector<Setting>& settings, const Scm& m) {
  std::vector<std::string> parts;
  for (const Setting& s : settings) {
    if (s.is_nested()) {
      parts.push_back(fmt::format("{} been what it would have been{}", m.name(s.var), term_condition(s.nested[0], m)));
    } else {
      parts.push_back(fmt::format("{} been {}", m.name(s.var), m.domain(s.var).label(s.value)));
    }
  }
  return fmt::format("{}", fmt::join(parts, " and "));
}

std::string event_text(const Event& e, const Scm& m) {
  const std::string value(m.domain(e.term.var).label(e.value));
  if (e.term.settings.empty()) return fmt::format("{} is {}", m.name(e.term.var), value);
  return fmt::format("{} would be {}{}", m.name(e.term.var), value, term_condition(e.term, m));
}

std::string evidence_text(const std::vector<Event>& evidence, const Scm& m) {
  if (evidence.empty()) return "";
  std::vector<std::string> parts;
  for (const Event& e : evidence) parts.push_back(event_text(e, m));
  return fmt::format(", given that {}", fmt::join(parts, " and "));
}

/// The plain-words reading of a one-part probability query.
std::string probability_text(const Query& q, const Scm& m) {
  const auto& p = std::get<Probability>(q.parts.at(0).quantity);
  std::vector<std::string> events;
  for (const Event& e : p.events) events.push_back(event_text(e, m));
  return fmt::format("the probability that {}{}", fmt::join(events, " and "), evidence_text(p.evidence, m));
}

/// Draws in which a set with undetermined items matches the form of the statement across the
/// classes (LadderPreset::make).
constexpr int kFormDraws = 400;

/// Above this many numbers an item stated in observed quantities is redrawn.
constexpr std::size_t kMaxStated = 32;

/// "Kwox has a direct effect on blaf and zup.": a sentence per variable with children, the
/// extra roots H and W (--given observed) first.
std::string graph_text(const Graph& g, const std::vector<std::string>& names) {
  const auto n = static_cast<std::size_t>(g.size());
  std::vector<std::pair<std::string, std::vector<std::string>>> arcs;  // cause, its children
  if (g.confounded) arcs.push_back({names[n], {names[0], names[n - 1]}});
  for (std::size_t k = 0; k < g.extra.size(); ++k) {
    arcs.push_back({names[n + 1 + k], {}});
    for (int c : g.extra[k]) arcs.back().second.push_back(names[static_cast<std::size_t>(c)]);
  }
  for (std::size_t v = 0; v < n; ++v) {
    arcs.push_back({names[v], {}});
    for (int c : g.children(static_cast<int>(v))) arcs.back().second.push_back(names[static_cast<std::size_t>(c)]);
  }
  std::vector<std::string> sentences;
  for (const auto& [cause, kids] : arcs) {
    if (!kids.empty()) sentences.push_back(effect_sentence(cause, kids));
  }
  return fmt::format("{}", fmt::join(sentences, " "));
}

/// P(Y_x = y)'s natural bounds (Manski) from the observed joint, for a query that is one such
/// probability (the intervention type), or the ATE's from those of P(Y_1 = 1) and P(Y_0 = 1);
/// nullopt for other queries.
std::optional<std::pair<Rational, Rational>> natural_query_bounds(const ObservedStatement& o, const Scm& model, const std::string& type,
                                                                  const Query& q, const std::string& x, const std::string& y) {
  const Admg& g = *o.admg;
  const int xi = g.index(*model.find(x));
  const int yi = g.index(*model.find(y));
  const ObservedJoint& joint = *o.joint;
  auto bounds = [&](std::uint32_t xv, std::uint32_t yv) {
    std::vector<std::uint32_t> at(static_cast<std::size_t>(g.size()), 0);
    at[static_cast<std::size_t>(xi)] = xv;
    at[static_cast<std::size_t>(yi)] = yv;
    return natural_bounds(joint, VarMask{1} << yi, VarMask{1} << xi, at);
  };
  if (type == "ate") {
    const Bounds one = bounds(1, 1);
    const Bounds zero = bounds(0, 1);
    return std::pair{one.lower - zero.upper, one.upper - zero.lower};
  }
  if (type != "intervention") return std::nullopt;
  const Event& e = std::get<Probability>(q.parts.at(0).quantity).events.at(0);
  const Bounds b = bounds(e.term.settings.at(0).value, e.value);
  return std::pair{b.lower, b.upper};
}

/// The identification record and gold reasoning of an item stated in observed quantities.
ItemIdentification identification(const ObservedStatement& o, const std::vector<std::string>& hidden, const Graph& g,
                                  const std::vector<std::string>& names, const Scm& model, const Query& query) {
  const Admg& admg = *o.admg;
  ItemIdentification id;
  id.hidden = hidden;
  id.identifiable = !o.undetermined;
  id.reason = o.undetermined ? o.reason : std::string();
  id.method = o.undetermined ? std::string("not identifiable")
              : rung_of(query) == 1 ? std::string("the observed distribution (conditioning)")
                                    : std::string("counterfactual identification (ID*, IDC*; Shpitser-Pearl)");
  if (!o.undetermined) {
    id.estimand = o.estimand->to_string(admg);
    id.estimand_latex = o.estimand->to_latex(admg);
  }
  std::vector<std::string> numbers;
  for (const StatedProbability& s : o.stated) {
    id.stated.push_back({notation(admg, s), s.exact, s.shown});
    numbers.push_back(fmt::format("{} = {}", id.stated.back().probability, to_string(s.shown)));
  }
  id.value_from_text = o.from_text;
  const auto n = static_cast<std::size_t>(g.size());
  std::vector<std::string> arcs;
  if (g.confounded) arcs.push_back(fmt::format("{0} -> {1}, {0} -> {2}", names[n], names[0], names[n - 1]));
  for (std::size_t k = 0; k < g.extra.size(); ++k) {
    for (int c : g.extra[k]) arcs.push_back(fmt::format("{} -> {}", names[n + 1 + k], names[static_cast<std::size_t>(c)]));
  }
  for (std::size_t c = 0; c < n; ++c) {
    for (int p : g.parents[c]) arcs.push_back(fmt::format("{} -> {}", names[static_cast<std::size_t>(p)], names[c]));
  }
  id.steps.push_back(fmt::format("Graph: {}. Unobserved: {}.", fmt::join(arcs, ", "), fmt::join(hidden, ", ")));
  id.steps.push_back(fmt::format("Query: {}.", to_string(query, model)));
  id.steps.push_back(fmt::format("Stated numbers (the chain rule over {}): {}.", admg.names(o.set), fmt::join(numbers, "; ")));
  if (o.undetermined) {
    id.steps.push_back(fmt::format("Identification: the observed variables do not identify the query ({}).", o.reason));
    id.steps.push_back(fmt::format("Ignoring the unobserved common causes would give {} = {} (the assume_identifiable mistake).",
                                   o.estimand->to_string(admg), to_string(o.from_text)));
  } else {
    id.steps.push_back(fmt::format("Identification, by {}: {}.", id.method, id.estimand));
    id.steps.push_back(fmt::format("Substituted: {}.", to_string(o.from_text)));
  }
  return id;
}

}  // namespace

const std::vector<std::string>& ladder_query_types() {
  static const std::vector<std::string> kTypes = {"marginal", "conditional", "intervention", "ate", "ett", "nde",
                                                  "counterfactual", "joint", "nested", "pn", "ps", "pns"};
  return kTypes;
}

const std::vector<std::string>& ladder_observed_types() {
  static const std::vector<std::string> kTypes = {"marginal", "conditional", "intervention", "ate", "ett", "nde", "nested"};
  return kTypes;
}

GeneratorOptions ladder_options(GeneratorOptions o, int difficulty) {
  struct Level {
    int min_vars, max_vars, in_degree, path, domain, depth, evidence;
  };
  static constexpr Level kLevels[] = {
      {3, 4, 2, 1, 2, 2, 1}, {4, 6, 2, 3, 2, 3, 1}, {5, 7, 2, 3, 3, 3, 2}, {6, 8, 3, 4, 3, 3, 2}, {7, 9, 3, 4, 3, 4, 2}};
  const Level& l = kLevels[difficulty - 1];
  o.min_variables = l.min_vars;
  o.max_variables = l.max_vars;
  o.max_in_degree = l.in_degree;
  o.min_path_length = l.path;
  o.domain_size = l.domain;
  o.nesting_depth = l.depth;
  o.evidence_count = l.evidence;
  o.deterministic = false;
  o.mechanisms = {"and", "or", "xor", "not", "table"};
  o.types = ladder_query_types();
  o.interventions = 2;
  return o;
}

LadderPreset::LadderPreset(GeneratorOptions options) : options_(std::move(options)) {}

Item LadderPreset::make(Rng& rng, Rng& name_rng, const ItemTarget& target) const {
  const std::string& type = target.type;
  // Half of each type's items ask for the value, half a yes/no question about it. Joint
  // probabilities, PN, PS and PNS are skewed towards 0 (a yes/no question about them would be
  // answered by its wording), so they are always asked for their value.
  const bool skewed = type == "joint" || type == "pn" || type == "ps" || type == "pns";
  const bool numeric = skewed || !target.answer_equals_factual;
  // The direction of a yes/no question ("greater" or "less") is drawn before the model, so
  // that it says nothing about the answer; models are redrawn until the answer is the target.
  const bool up = rng.chance(1, 2);
  // A fraction answer of exactly 0, 1 or -1 (an impossible or certain event, a total effect) is
  // kept on one item in eight (bits 3..5 of the item's rank) and redrawn otherwise, so "answer
  // 0" is right on at most 12.5% of a type's fraction items.
  const bool extreme_allowed = ((target.rank >> 3U) % 8U) == 0;
  // Stated in observed quantities (--given observed), with undetermined items in the set: every
  // item of a type that can be undetermined hides a variable chosen among those whose hiding
  // gives the item's class, on a graph that offers both (docs/generator.md).
  const bool observed = options_.given == "observed";
  const bool three_class = observed && parse_rational(options_.undetermined_share) > 0 && can_be_undetermined("ladder", type);
  // Stated in observed quantities, a determined yes/no item meets its shortcut targets here,
  // before the costly identification (ItemTarget::agreements, Item::agreements_met): the
  // generator's redraws would repeat all of it. The last target left is dropped every
  // kRelaxEvery missed draws.
  const bool own_agreements = observed && !numeric && !target.agreements.empty();
  const std::string target_answer = target.answer ? "yes" : "no";
  int misses = 0;  // draws that missed a shortcut target (own_agreements)
  // The class of mean_conditional's distance from 1/2 (kReadingEdgeDenominators), for a
  // determined rung-1 yes/no item; -1: none. Kept for kClassKept missed draws, before any
  // agreement target is given up.
  const bool rung1_type = type == "marginal" || type == "conditional";
  const int reading_class = own_agreements && rung1_type ? static_cast<int>((target.rank >> 5U) % kReadingClasses) : -1;
  const int kept = reading_class >= 0 ? kClassKept : 0;
  // (Stated in observed quantities, a draw fails more often: a graph must offer both classes.)
  for (int attempt = 0; attempt < (observed ? 4 * kMaxAttempts : kMaxAttempts); ++attempt) {
    const Graph g = sample_graph(options_, rng);
    const std::vector<std::string> names =
        make_names(options_.name_style, static_cast<std::size_t>(g.size()) + 1 + g.extra.size(), name_rng);
    const ModelText text = sample_model(g, options_, names, rng);
    Item item;
    item.model = read_scm_text(text.scm);
    const std::string& X = names[0];
    const std::string& Y = names[static_cast<std::size_t>(g.y())];
    const std::vector<int> inner(g.backbone.begin() + 1, g.backbone.end() - 1);
    auto nm = [&](int v) -> const std::string& { return names[static_cast<std::size_t>(v)]; };
    auto value_of = [&](int v) { return static_cast<int>(rng.below(static_cast<std::uint64_t>(g.domain[static_cast<std::size_t>(v)]))); };

    std::string formal;
    std::string what;  // the quantity in words
    bool difference = false;
    int interventions = 0;
    int depth = 0;
    int evidence_count = 0;
    const auto y_asked = rng.below(2);  // the outcome value asked about
    std::vector<int> named{0, g.y()};   // the nodes the query names (never hidden)
    if (type == "marginal") {
      formal = fmt::format("P({}={})", Y, y_asked);
    } else if (type == "conditional") {
      const int z = rng.between(0, g.size() - 2);
      named.push_back(z);
      formal = fmt::format("P({}={} | {}={})", Y, y_asked, nm(z), value_of(z));
      evidence_count = 1;
    } else if (type == "intervention") {
      formal = fmt::format("P({}[{}={}]={})", Y, X, rng.below(2), y_asked);
      interventions = 1;
    } else if (type == "ate" || type == "ett" || type == "nde" || type == "pn" || type == "ps" || type == "pns") {
      Estimand e;
      e.kind = *estimand_kind(type);
      e.treatment = X;
      e.outcome = Y;
      if (type == "nde") {
        if (inner.empty()) continue;
        e.mediator = nm(inner.front());
        named.push_back(inner.front());
      }
      item.query = make_query(e, item.model);
      formal = to_string(item.query, item.model);
      difference = type == "ate" || type == "ett" || type == "nde";
      interventions = type == "nde" ? 2 : 1;
      evidence_count = type == "pn" || type == "ps" ? 2 : type == "ett" ? 1 : 0;
      depth = type == "nde" ? 1 : 0;
    } else if (type == "counterfactual") {
      const int x = static_cast<int>(rng.below(2));
      std::vector<std::string> evidence{fmt::format("{}={}", X, x), fmt::format("{}={}", Y, rng.below(2))};
      for (int k = 1; k < options_.evidence_count && g.size() > 2; ++k) {
        const int z = rng.between(1, g.size() - 2);
        evidence.push_back(fmt::format("{}={}", nm(z), value_of(z)));
      }
      std::sort(evidence.begin(), evidence.end());
      evidence.erase(std::unique(evidence.begin(), evidence.end(), [](const std::string& a, const std::string& b) {
                       return a.substr(0, a.find('=')) == b.substr(0, b.find('='));
                     }),
                     evidence.end());
      formal = fmt::format("P({}[{}={}]={} | {})", Y, X, 1 - x, y_asked, fmt::join(evidence, ", "));
      interventions = 1;
      evidence_count = static_cast<int>(evidence.size());
    } else if (type == "joint") {
      // Worlds: do(X=1), do(X=0), and with more interventions do(X=x, B=b) for a mediator B.
      std::vector<std::string> events{fmt::format("{}[{}=1]={}", Y, X, rng.below(2)), fmt::format("{}[{}=0]={}", Y, X, rng.below(2))};
      interventions = 1;
      if (options_.interventions >= 2 && !inner.empty()) {
        const int b = rng.pick(inner);
        events.push_back(fmt::format("{}[{}={}, {}={}]={}", Y, X, rng.below(2), nm(b), value_of(b), rng.below(2)));
        interventions = 2;
      }
      formal = fmt::format("P({})", fmt::join(events, ", "));
    } else if (type == "nested") {
      // Y[X=a0, M1=M1[X=a1, M2=M2[X=a2, ...]]]: mediators from the outcome back to the treatment.
      depth = std::min<int>(options_.nesting_depth, static_cast<int>(inner.size()));
      if (depth < options_.nesting_depth) continue;
      std::vector<int> chosen = inner;
      rng.shuffle(chosen);
      chosen.resize(static_cast<std::size_t>(depth));
      std::sort(chosen.rbegin(), chosen.rend());
      named.insert(named.end(), chosen.begin(), chosen.end());
      std::string nested;
      for (int k = depth - 1; k >= 0; --k) {
        const std::string& mk = nm(chosen[static_cast<std::size_t>(k)]);
        nested = nested.empty() ? fmt::format("{}[{}={}]", mk, X, rng.below(2))
                                : fmt::format("{}[{}={}, {}={}]", mk, X, rng.below(2), nm(chosen[static_cast<std::size_t>(k + 1)]), nested);
      }
      const std::string evidence = g.confounded ? fmt::format(" | {}={}", X, rng.below(2)) : "";
      formal = fmt::format("P({}[{}={}, {}={}]={}{})", Y, X, rng.below(2), nm(chosen[0]), nested, y_asked, evidence);
      interventions = depth + 1;
      evidence_count = g.confounded ? 1 : 0;
    } else {
      throw UsageError(fmt::format("the ladder preset has no question type '{}'", type));
    }
    if (item.query.parts.empty()) item.query = parse_query(formal, item.model);
    formal = to_string(item.query, item.model);
    Rational value;
    try {
      value = solve(item.model, item.query).value;
    } catch (const ZeroProbabilityEvidence&) {
      continue;
    }
    std::vector<std::pair<std::string, bool>> wanted;
    const Decision early{up ? Decision::Op::greater : Decision::Op::less, difference ? Rational(0) : Rational(1, 2)};
    if (own_agreements) {
      wanted = target.agreements;
      wanted.resize(wanted.size() - std::min<std::size_t>(wanted.size(), static_cast<std::size_t>(std::max(0, misses - kept) / kRelaxEvery)));
      // (An undetermined item's answer target is that of the formula ignoring the hidden variables,
      // known below.)
      if (!target.undetermined && (value == early.threshold || early.answer(value) != target_answer)) continue;
      bool met = true;
      std::vector<Distractor> ds;
      for (const auto& [procedure, agree] : wanted) {
        if (procedure == "mean_conditional" || procedure == "mean_stated") continue;  // read off the stated numbers, below
        if (ds.empty()) ds = distractors(item.model, item.query, {}, false);
        const auto it = std::find_if(ds.begin(), ds.end(), [&p = procedure](const Distractor& d) { return d.procedure == p; });
        if (it == ds.end()) continue;  // not a mistake for this query (the generator skips it too)
        met = met && (it->value.has_value() && early.answer(*it->value) == target_answer) == agree;
      }
      if (!met) {
        ++misses;
        continue;
      }
    }
    std::optional<ObservedStatement> obs;
    std::vector<std::string> hidden;  // the variables the text calls unobserved
    if (observed) {
      const auto n = static_cast<std::size_t>(g.size());
      if (g.confounded) hidden.push_back(names[n]);
      // Candidates: the variables with children that the query does not name, and the extra roots.
      std::vector<std::string> candidates;
      for (int v = 1; v + 1 < g.size(); ++v) {
        if (!g.children(v).empty() && std::find(named.begin(), named.end(), v) == named.end()) candidates.push_back(nm(v));
      }
      for (std::size_t k = 0; k < g.extra.size(); ++k) candidates.push_back(names[n + 1 + k]);
      std::vector<std::string> pool = candidates;
      if (three_class) {
        // The form of the statement (HiddenClasses::Candidate::form: how many numbers, how many
        // overall ones, how many conditions X's and Y's have, and whether the hidden variable is
        // a direct cause of X, of Y) is drawn first, among those both classes reach on this
        // graph, then the hidden variable within it: so that neither the graph nor the form
        // tells the classes apart (else redrawn). After kFormDraws draws (graphs where a long
        // nested query names most nodes) only the hidden variable's place is matched (its two
        // last entries), and after twice as many nothing: the class alone then picks among its
        // candidates.
        const HiddenClasses classes = hidden_classes(item.model, item.query, hidden, candidates, X, Y);
        if (classes.determined.empty() || classes.undetermined.empty()) continue;  // the graph offers one class only
        const int level = attempt < kFormDraws ? 2 : attempt < 2 * kFormDraws ? 1 : 0;
        const auto key = [level](const std::vector<std::size_t>& form) {
          return level == 2 ? form : level == 1 ? std::vector<std::size_t>(form.end() - 2, form.end()) : std::vector<std::size_t>{};
        };
        std::set<std::vector<std::size_t>> undetermined_keys;
        for (const auto& u : classes.undetermined) undetermined_keys.insert(key(u.form));
        std::set<std::vector<std::size_t>> both;
        for (const auto& d : classes.determined) {
          if (auto k = key(d.form); undetermined_keys.contains(k)) both.insert(std::move(k));
        }
        if (both.empty()) continue;
        const auto form = *std::next(both.begin(), static_cast<std::ptrdiff_t>(rng.below(both.size())));
        pool.clear();
        for (const auto& c : target.undetermined ? classes.undetermined : classes.determined) {
          if (key(c.form) == form) pool.push_back(c.name);
        }
      }
      hidden.push_back(pool[rng.below(pool.size())]);
      obs = observed_statement(item.model, item.query, hidden, target.undetermined, value, kMaxStated);
      if (!obs) continue;  // not of the target's class, too long, or a condition of probability 0
    }
    const bool undetermined = obs && obs->undetermined;
    // An undetermined item's polarity follows the formula that ignores the hidden variables.
    const Rational basis = undetermined ? *obs->assume_identifiable : value;
    if (numeric && !undetermined && !extreme_allowed && (value == 0 || value == 1 || value == -1)) continue;

    if (type == "ate") what = fmt::format("the average causal effect of {} on {} (setting it to 1 rather than 0)", X, Y);
    else if (type == "ett") what = fmt::format("the effect of {0} on {1} among those with {0} = 1", X, Y);
    else if (type == "nde") what = fmt::format("the natural direct effect of {} on {} (not through {})", X, Y, nm(inner.front()));
    else what = probability_text(item.query, item.model);

    // With undetermined items in the set, every prompt offers the third answer.
    const std::string third = observed && parse_rational(options_.undetermined_share) > 0
                                  ? ", or with undetermined if what is stated cannot decide it"
                                  : "";
    std::string question;
    if (numeric) {
      item.yes_no = false;
      question = fmt::format("What is {}? In notation: {}. Answer with an exact fraction{}.", what, formal, third);
    } else {
      const Rational threshold = difference ? Rational(0) : Rational(1, 2);
      if (value == threshold || basis == threshold || (up ? basis > threshold : basis < threshold) != target.answer) continue;
      item.decision.op = up ? Decision::Op::greater : Decision::Op::less;
      item.decision.threshold = threshold;
      if (difference) {
        question = fmt::format("Is {} {} than zero? In notation: {}. Answer with yes or no{}.", what, up ? "greater" : "less", formal, third);
      } else {
        question = fmt::format("Is {} {} than 1/2? In notation: {}. Answer with yes or no{}.", what, up ? "greater" : "less", formal, third);
      }
    }
    item.type = type;
    item.query_type = type;
    if (obs) {
      // The mean of the outcome's stated probabilities and the mean of all stated numbers, for
      // the value asked (rung 1): readings a learner computes from the numbers (balanced),
      // checked before the words are written.
      std::vector<std::string> at_threshold;  // readings of exactly the threshold (no target)
      if (rung_of(item.query) == 1) {
        const int yi = obs->admg->index(*item.model.find(Y));
        Rational outcome_sum;
        Rational all_sum;
        int rows = 0;
        for (const StatedProbability& st : obs->stated) {
          all_sum += st.exact;
          if (st.target != yi || st.joint != 0) continue;
          outcome_sum += st.exact;
          ++rows;
        }
        auto for_asked = [&](const Rational& p1) { return y_asked == 1 ? p1 : Rational(1 - p1); };
        const std::optional<Rational> mean_conditional = rows > 0 ? std::optional(for_asked(outcome_sum / rows)) : std::nullopt;
        if (mean_conditional) item.computed.push_back({"mean_conditional", *mean_conditional});
        item.computed.push_back({"mean_stated", for_asked(all_sum / static_cast<int>(obs->stated.size()))});
        // A reading of exactly 1/2 meets no agreement target: its answer is fixed by the question's
        // direction ("no" to "less", "undetermined" to "greater"), so a target on it would tie the
        // answer to the direction; the answer's own balance covers those items.
        bool met = true;  // (`wanted` is empty but for a yes/no item's targets)
        for (const auto& [procedure, agree] : wanted) {
          const auto d = std::find_if(item.computed.begin(), item.computed.end(), [&p = procedure](const Distractor& c) { return c.procedure == p; });
          if (d == item.computed.end()) continue;
          if (*d->value == item.decision.threshold) {
            at_threshold.push_back(procedure);
            continue;
          }
          met = met && (item.decision.answer(*d->value) == target_answer) == agree;
        }
        if (met && reading_class >= 0 && misses < kept && mean_conditional) {
          met = in_reading_class(abs(Rational(*mean_conditional - item.decision.threshold)), static_cast<std::size_t>(reading_class));
        }
        if (!met) {
          ++misses;
          continue;
        }
      }
      std::vector<std::string> sentences{graph_text(g, names)};
      for (const auto& h : hidden) sentences.push_back(fmt::format("{} is unobserved.", h));
      for (const StatedProbability& st : obs->stated) sentences.push_back(sentence(*obs->admg, st));
      item.given_info = fmt::format("{}", fmt::join(sentences, " "));
      ItemIdentification id = identification(*obs, hidden, g, names, item.model, item.query);
      if (undetermined) id.bounds = natural_query_bounds(*obs, item.model, type, item.query, X, Y);
      if (id.bounds) {
        id.steps.push_back(fmt::format("The stated numbers only bound it: {} <= {} <= {} (natural bounds).", to_string(id.bounds->first),
                                       formal, to_string(id.bounds->second)));
      }
      if (undetermined) {
        id.steps.push_back("The answer is undetermined: the stated information does not decide it.");
      } else if (item.yes_no) {
        id.steps.push_back(fmt::format("Decision: {}, so the answer is {}.", to_string(item.decision), item.decision.answer(value)));
      } else {
        id.steps.push_back(fmt::format("The answer is {}.", to_string(value)));
      }
      // (Rung 1 needs no causal assumption: ignoring the hidden causes is no mistake there.)
      if (obs->assume_identifiable && rung_of(item.query) >= 2) item.computed.push_back({"assume_identifiable", *obs->assume_identifiable});
      item.identification = std::move(id);
      if (own_agreements) {
        std::erase_if(wanted, [&](const auto& w) { return std::find(at_threshold.begin(), at_threshold.end(), w.first) != at_threshold.end(); });
        item.agreements_met = wanted;
      }
    } else {
      item.given_info = text.prose.substr(1);
    }
    item.question = question;
    item.prompt = fmt::format("{}{} {}", observed ? kObservedBackground : options_.deterministic ? kDeterministicBackground : kBackground,
                              item.given_info, item.question);
    int arcs = 0;
    for (const auto& ps : g.parents) arcs += static_cast<int>(ps.size());
    if (observed) arcs += 2 * static_cast<int>(g.extra.size()) + (g.confounded ? 2 : 0);
    item.knobs["variables"] = g.size() + static_cast<int>(g.extra.size()) + (observed && g.confounded ? 1 : 0);
    item.knobs["edges"] = arcs;
    item.knobs["path_length"] = static_cast<int>(g.backbone.size()) - 1;
    item.knobs["interventions"] = interventions;
    item.knobs["nesting_depth"] = depth;
    item.knobs["evidence_count"] = evidence_count;
    item.knobs["max_domain"] = *std::max_element(g.domain.begin(), g.domain.end());
    item.knobs["hidden_confounder"] = g.confounded;
    item.meta["graph_id"] = "random";
    item.meta["story_id"] = "nonsense";
    item.meta["treatment"] = X;
    item.meta["outcome"] = Y;
    item.meta["answer_kind"] = numeric ? "fraction" : "yes/no";
    return item;
  }
  throw Error(fmt::format("ladder preset: no {} item meeting the target in {} draws; relax the knobs", type, observed ? 4 * kMaxAttempts : kMaxAttempts));
}

}  // namespace rung
