#include "rung/gen/linear.hpp"

#include "rung/core/error.hpp"
#include "rung/gen/backbone.hpp"
#include "rung/infer/linear_gaussian.hpp"
#include "rung/io/linear_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace rung {

namespace {

constexpr int kMaxAttempts = 400;
constexpr std::string_view kBackground =
    "Consider a hypothetical world with only the following continuous variables and linear mechanisms, and no other "
    "factors. Each variable is computed by the equation written after ':=' from its causes and from noise terms "
    "(variables starting with U_, which are never observed directly); the noise terms are normally distributed as "
    "stated. ";

/// A random DAG over the endogenous variables in topological order: X = node 0, Y = the last
/// node, a backbone path between them, and how X and Y are confounded (if at all).
struct Graph {
  std::vector<std::vector<int>> parents;
  std::vector<int> backbone;  ///< X -> ... -> Y
  enum class Confounding { none, shared, covariance } confounding = Confounding::none;
  [[nodiscard]] int size() const { return static_cast<int>(parents.size()); }
  [[nodiscard]] int y() const { return size() - 1; }
};

std::string_view confounding_name(Graph::Confounding c) {
  switch (c) {
    case Graph::Confounding::none: return "none";
    case Graph::Confounding::shared: return "shared";
    case Graph::Confounding::covariance: return "covariance";
  }
  return "none";
}

Graph sample_graph(const GeneratorOptions& o, Rng& rng) {
  // NDE/NIE and nesting need a mediator: at least two arcs on the path.
  BackboneDag dag = draw_backbone_dag(rng, {.min_variables = o.min_variables, .max_variables = o.max_variables,
                                            .min_backbone = std::max(o.min_path_length, 2), .extra_length = 1,
                                            .max_in_degree = o.max_in_degree, .root_odds = 4});
  Graph g;
  g.parents = std::move(dag.parents);
  g.backbone = std::move(dag.backbone);
  const auto c = rng.below(3);
  g.confounding = c == 0 ? Graph::Confounding::none : c == 1 ? Graph::Confounding::shared : Graph::Confounding::covariance;
  return g;
}

/// A non-zero coefficient: numerators 1..3 (1..2 at level 1), denominators by level.
Rational coefficient(int level, Rng& rng) {
  static const std::vector<int> kDenominators[] = {{1}, {1, 2}, {1, 2}, {1, 2, 3}, {1, 2, 3, 4}};
  const int numerator = rng.between(1, level <= 1 ? 2 : 3);
  const int denominator = rng.pick(kDenominators[level - 1]);
  const Rational c(numerator, denominator);
  return rng.chance(1, 3) ? Rational(-c) : c;
}

Rational variance(int level, Rng& rng) {
  static const std::vector<Rational> kMid = {Rational(1, 2), Rational(1), Rational(2)};
  static const std::vector<Rational> kHigh = {Rational(1, 4), Rational(1, 2), Rational(1), Rational(3, 2), Rational(2)};
  return rng.pick(level <= 3 ? kMid : kHigh);
}

/// The model and its statement in words.
struct Drawn {
  LinearScm model;
  std::string prose;
};

Drawn sample_model(const Graph& g, int level, const std::vector<std::string>& names, Rng& rng) {
  LinearScmBuilder b;
  auto noise = [&](int v) { return "U_" + names[static_cast<std::size_t>(v)]; };
  const std::string hidden = "U_" + names[static_cast<std::size_t>(g.size())];
  std::vector<std::pair<std::string, std::pair<Rational, Rational>>> exogenous;
  for (int v = 0; v < g.size(); ++v) {
    const Rational mean = level >= 3 && rng.chance(1, 4) ? Rational(rng.between(-2, 2)) : Rational(0);
    exogenous.push_back({noise(v), {mean, variance(level, rng)}});
  }
  if (g.confounding == Graph::Confounding::shared) exogenous.push_back({hidden, {Rational(0), variance(level, rng)}});
  for (const auto& [name, p] : exogenous) b.exogenous(name, p.first, p.second);
  std::optional<Rational> cov;  // between the noises of X and Y
  if (g.confounding == Graph::Confounding::covariance) {
    // |c| <= 3/4 min(variances) < sqrt(product): positive definite.
    const Rational smaller = std::min(exogenous.front().second.second, exogenous[static_cast<std::size_t>(g.y())].second.second);
    const Rational share(rng.between(1, 3), 4);
    const bool negative = rng.chance(1, 3);
    cov = share * smaller;
    if (negative) cov = -*cov;
    b.covariance(noise(0), noise(g.y()), *cov);
  }
  for (int v = 0; v < g.size(); ++v) {
    std::vector<std::pair<std::string, Rational>> terms;
    for (int p : g.parents[static_cast<std::size_t>(v)]) terms.emplace_back(names[static_cast<std::size_t>(p)], coefficient(level, rng));
    if (g.confounding == Graph::Confounding::shared && (v == 0 || v == g.y())) terms.emplace_back(hidden, coefficient(level, rng));
    terms.emplace_back(noise(v), Rational(1));
    const Rational constant = level >= 2 && rng.chance(1, 3) ? Rational(rng.between(-3, 3)) : Rational(0);
    b.endogenous(names[static_cast<std::size_t>(v)], std::move(terms), constant);
  }
  Drawn d{b.build(), {}};
  d.prose = linear_given_info(d.model);
  return d;
}

/// "A was observed to be 1 and B was observed to be -2"
std::string observed_text(const std::vector<std::pair<std::string, Rational>>& evidence) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : evidence) parts.push_back(fmt::format("{} was observed to be {}", name, to_string(value)));
  return fmt::format("{}", fmt::join(parts, " and "));
}

/// "A=1, B=-2"
std::string evidence_formal(const std::vector<std::pair<std::string, Rational>>& evidence) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : evidence) parts.push_back(fmt::format("{}={}", name, to_string(value)));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string given(const std::vector<std::pair<std::string, Rational>>& evidence) {
  return evidence.empty() ? "" : " | " + evidence_formal(evidence);
}

}  // namespace

std::string linear_given_info(const LinearScm& m) {
  std::string out;
  for (VarId v : m.endogenous()) out += fmt::format(" {} := {}.", m.name(v), to_string(m.mechanism(v), m));
  for (VarId u : m.exogenous()) {
    out += fmt::format(" {} is normally distributed with mean {} and variance {}.", m.name(u), to_string(m.variable(u).mean),
                       to_string(m.variable(u).variance));
  }
  for (const Covariance& c : m.covariances()) {
    out += fmt::format(" {} and {} are correlated, with covariance {}.", m.name(c.a), m.name(c.b), to_string(c.value));
  }
  out += m.covariances().empty() ? " The noise terms are independent of each other." : " The other noise terms are independent.";
  return out.substr(1);
}

const std::vector<std::string>& linear_query_types() {
  static const std::vector<std::string> kTypes = {"conditional_mean",          "intervention_mean", "ate",
                                                  "counterfactual_mean",       "counterfactual_unobserved",
                                                  "nested_mean",               "nde",               "nie",
                                                  "counterfactual_variance"};
  return kTypes;
}

GeneratorOptions linear_options(GeneratorOptions o, int difficulty) {
  struct Level {
    int min_vars, max_vars, in_degree, path, depth, evidence;
  };
  static constexpr Level kLevels[] = {{3, 3, 2, 2, 1, 1}, {3, 5, 2, 2, 1, 1}, {4, 6, 2, 2, 1, 2}, {5, 7, 3, 3, 2, 2}, {6, 9, 3, 3, 2, 2}};
  const Level& l = kLevels[difficulty - 1];
  o.min_variables = l.min_vars;
  o.max_variables = l.max_vars;
  o.max_in_degree = l.in_degree;
  o.min_path_length = l.path;
  o.nesting_depth = l.depth;
  o.evidence_count = l.evidence;
  o.deterministic = false;
  o.mechanisms = {"linear"};
  o.types = linear_query_types();
  o.interventions = 1;
  return o;
}

LinearPreset::LinearPreset(GeneratorOptions options) : options_(std::move(options)) {}

Item LinearPreset::make(Rng& /*rng*/, Rng& /*names*/, const ItemTarget& /*target*/) const {
  throw std::logic_error("the linear preset makes LinearItems (make_linear), not discrete Items");
}

LinearItem LinearPreset::make_linear(Rng& rng, Rng& name_rng, const ItemTarget& target) const {
  const std::string& type = target.type;
  const auto& types = linear_query_types();
  if (std::find(types.begin(), types.end(), type) == types.end()) {
    throw UsageError(fmt::format("the linear preset has no question type '{}'", type));
  }
  const int level = options_.difficulty;
  // An answer of exactly 0 is kept on one item in eight of a type (bits 0..2 of its rank) and
  // redrawn otherwise.
  const bool zero_allowed = (target.rank % 8U) == 0;
  auto small = [&] { return Rational(rng.between(-3, 3)); };
  auto other_than = [&](const Rational& x) {
    Rational v = small();
    while (v == x) v = small();
    return v;
  };
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const Graph g = sample_graph(options_, rng);
    const std::vector<std::string> names = make_names(options_.name_style, static_cast<std::size_t>(g.size()) + 1, name_rng);
    Drawn drawn = sample_model(g, level, names, rng);
    const LinearScm& m = drawn.model;
    auto nm = [&](int v) -> const std::string& { return names[static_cast<std::size_t>(v)]; };
    const std::string& X = nm(0);
    const std::string& Y = nm(g.y());
    const std::vector<int> inner(g.backbone.begin() + 1, g.backbone.end() - 1);

    auto exact = [&](const std::string& formal) -> std::optional<Rational> {
      try {
        return solve(m, parse_linear_query(formal, m)).value;
      } catch (const ZeroProbabilityEvidence&) {
        return std::nullopt;
      }
    };
    // Observations of `count` variables other than X and Y, in variable order.
    auto extras = [&](int count) {
      std::vector<int> others;
      for (int v = 1; v < g.y(); ++v) others.push_back(v);
      rng.shuffle(others);
      others.resize(std::min<std::size_t>(others.size(), static_cast<std::size_t>(std::max(count, 0))));
      std::sort(others.begin(), others.end());
      std::vector<std::pair<std::string, Rational>> out;
      for (int v : others) out.emplace_back(nm(v), small());
      return out;
    };
    const Rational tau = *exact(fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", Y, X));
    Rational direct;  // the coefficient of X in Y's mechanism
    for (const Coefficient& c : m.mechanism(*m.find(Y)).coefficients) {
      if (m.name(c.var) == X) direct = c.value;
    }

    std::string formal;
    std::string question;
    int interventions = 1;
    int depth = 0;
    std::vector<std::pair<std::string, Rational>> evidence;
    // Wrong procedures: name and value (computed once the answer is known).
    std::vector<std::pair<std::string, std::function<std::optional<Rational>(const Rational&)>>> wrong;
    const std::string tail = " Answer with an exact fraction.";
    if (type == "conditional_mean") {
      evidence.emplace_back(X, small());
      for (auto& e : extras(options_.evidence_count - 1)) evidence.push_back(std::move(e));
      std::sort(evidence.begin(), evidence.end(), [&](const auto& a, const auto& b) { return *m.find(a.first) < *m.find(b.first); });
      formal = fmt::format("E({}{})", Y, given(evidence));
      question = fmt::format("Suppose that {}. What is the expected value of {}? In notation: {}.{}", observed_text(evidence), Y,
                             formal, tail);
      interventions = 0;
      wrong.emplace_back("no_abduction", [&, Y](const Rational&) { return exact(fmt::format("E({})", Y)); });
    } else if (type == "intervention_mean") {
      const Rational x = small();
      formal = fmt::format("E({}[{}={}])", Y, X, to_string(x));
      question = fmt::format("Suppose {} were set to {} by an intervention. What would the expected value of {} be? In "
                             "notation: {}.{}",
                             X, to_string(x), Y, formal, tail);
      wrong.emplace_back("conditioning", [&, x](const Rational&) { return exact(fmt::format("E({} | {}={})", Y, X, to_string(x))); });
      wrong.emplace_back("factual", [&](const Rational&) { return exact(fmt::format("E({})", Y)); });
      wrong.emplace_back("direct_only", [&, x](const Rational&) -> std::optional<Rational> {
        return *exact(fmt::format("E({})", Y)) + direct * (x - *exact(fmt::format("E({})", X)));
      });
    } else if (type == "ate" || type == "nde" || type == "nie") {
      const Rational a = small();
      const Rational b = other_than(a);
      const std::string& M = inner.empty() ? X : nm(rng.pick(inner));
      formal = to_string(make_linear_estimand(type, X, M, Y, a, b, m), m);
      if (type == "ate") {
        question = fmt::format("What is the average causal effect on {0} of setting {1} to {2} rather than {3}, that is, the "
                               "expected value of {0} had {1} been {2} minus its expected value had {1} been {3}? In notation: {4}.{5}",
                               Y, X, to_string(a), to_string(b), formal, tail);
        wrong.emplace_back("conditioning", [&, a, b](const Rational&) -> std::optional<Rational> {
          return *exact(fmt::format("E({} | {}={})", Y, X, to_string(a))) - *exact(fmt::format("E({} | {}={})", Y, X, to_string(b)));
        });
      } else if (type == "nde") {
        question = fmt::format("What is the natural direct effect of {1} on {0} (not through {4}) of a change of {1} from {3} to "
                               "{2}, that is, the expected value of {0} had {1} been {2} and {4} been what it would have been had "
                               "{1} been {3}, minus the expected value of {0} had {1} been {3}? In notation: {5}.{6}",
                               Y, X, to_string(a), to_string(b), M, formal, tail);
        interventions = 2;
        depth = 1;
      } else {
        question = fmt::format("What is the natural indirect effect of {1} on {0} through {4} of a change of {1} from {3} to "
                               "{2}, that is, the expected value of {0} had {1} been {3} and {4} been what it would have been had "
                               "{1} been {2}, minus the expected value of {0} had {1} been {3}? In notation: {5}.{6}",
                               Y, X, to_string(a), to_string(b), M, formal, tail);
        interventions = 2;
        depth = 1;
      }
      if (type != "ate") wrong.emplace_back("total_effect", [&, a, b](const Rational&) -> std::optional<Rational> { return tau * (a - b); });
      if (type != "nie") wrong.emplace_back("direct_only", [&, a, b](const Rational&) -> std::optional<Rational> { return direct * (a - b); });
    } else if (type == "counterfactual_mean" || type == "counterfactual_unobserved" || type == "counterfactual_variance") {
      const Rational x = small();
      const Rational x1 = other_than(x);
      const bool outcome_seen = type == "counterfactual_mean";
      evidence.emplace_back(X, x);
      // The variance does not depend on the observed values, only on which variables are
      // observed: with X alone (plus extras from --evidence-count 2 on) it is not always the
      // outcome's own noise variance.
      const bool variance_type = type == "counterfactual_variance";
      const int more = outcome_seen || variance_type ? options_.evidence_count - 1 : std::max(1, options_.evidence_count);
      for (auto& e : extras(more)) evidence.push_back(std::move(e));
      std::optional<Rational> y;
      if (outcome_seen) {
        y = small();
        evidence.emplace_back(Y, *y);
      }
      std::vector<std::pair<std::string, Rational>> rest;  // the evidence not about X and Y
      for (const auto& e : evidence) {
        if (e.first != X && e.first != Y) rest.push_back(e);
      }
      const bool variance = type == "counterfactual_variance";
      const std::string op = variance ? "Var" : "E";
      formal = fmt::format("{}({}[{}={}]{})", op, Y, X, to_string(x1), given(evidence));
      question = fmt::format("For one unit, {}. Had {} been {} instead of its observed {}, what would the {} of {} have been, "
                             "given what was observed? In notation: {}.{}",
                             observed_text(evidence), X, to_string(x1), to_string(x), variance ? "variance" : "expected value", Y,
                             formal, tail);
      wrong.emplace_back("no_abduction", [&, op, x1](const Rational&) { return exact(fmt::format("{}({}[{}={}])", op, Y, X, to_string(x1))); });
      wrong.emplace_back("conditioning", [&, op, x1, rest](const Rational&) {
        std::vector<std::pair<std::string, Rational>> seen{{X, x1}};
        seen.insert(seen.end(), rest.begin(), rest.end());
        return exact(fmt::format("{}({}{})", op, Y, given(seen)));
      });
      if (!variance) {
        wrong.emplace_back("factual", [&, evidence](const Rational&) { return exact(fmt::format("E({}{})", Y, given(evidence))); });
        wrong.emplace_back("direct_only", [&, x, x1](const Rational& answer) -> std::optional<Rational> {
          return answer - (tau - direct) * (x1 - x);
        });
      }
    } else {  // nested_mean
      depth = std::min<int>(options_.nesting_depth, static_cast<int>(inner.size()));
      if (depth < 1) continue;
      std::vector<int> chosen = inner;
      rng.shuffle(chosen);
      chosen.resize(static_cast<std::size_t>(depth));
      std::sort(chosen.rbegin(), chosen.rend());  // nearest the outcome first
      // Y[X=a0, M1=M1[X=a1, M2=M2[X=a2]]] and its words, from the innermost setting out.
      std::string nested;
      std::string words;
      for (int k = depth - 1; k >= 0; --k) {
        const std::string& mk = nm(chosen[static_cast<std::size_t>(k)]);
        const Rational ak = small();
        if (nested.empty()) {
          nested = fmt::format("{}[{}={}]", mk, X, to_string(ak));
          words = fmt::format("{} been what it would have been had {} been {}", mk, X, to_string(ak));
        } else {
          const std::string& inner_name = nm(chosen[static_cast<std::size_t>(k + 1)]);
          nested = fmt::format("{}[{}={}, {}={}]", mk, X, to_string(ak), inner_name, nested);
          words = fmt::format("{} been what it would have been had {} been {} and {}", mk, X, to_string(ak), words);
        }
      }
      const Rational a = small();
      const Rational x = small();
      evidence.emplace_back(X, x);
      evidence.emplace_back(Y, small());
      const std::string outer = fmt::format("{}[{}={}, {}={}]", Y, X, to_string(a), nm(chosen[0]), nested);
      formal = fmt::format("E({}{})", outer, given(evidence));
      question = fmt::format("For one unit, {}. What would the expected value of {} have been had {} been {} and {}, given what was "
                             "observed? In notation: {}.{}",
                             observed_text(evidence), Y, X, to_string(a), words, formal, tail);
      interventions = depth + 1;
      wrong.emplace_back("no_abduction", [&, outer](const Rational&) { return exact(fmt::format("E({})", outer)); });
      wrong.emplace_back("nested_ignored", [&, a, evidence](const Rational&) {
        return exact(fmt::format("E({}[{}={}]{})", Y, X, to_string(a), given(evidence)));
      });
      wrong.emplace_back("factual", [&, evidence](const Rational&) { return exact(fmt::format("E({}{})", Y, given(evidence))); });
    }

    LinearItem item{m, parse_linear_query(formal, m), type, {}, {}, {}, {}, {}, {}, {}};
    try {
      item.value = solve(m, item.query).value;
    } catch (const ZeroProbabilityEvidence&) {
      continue;
    }
    if (item.value == 0 && !zero_allowed) continue;
    for (const auto& [procedure, compute] : wrong) {
      const std::optional<Rational> v = compute(item.value);
      if (v && *v != item.value) item.distractors.push_back({procedure, *v});
    }
    formal = to_string(item.query, m);
    item.given_info = drawn.prose;
    item.question = question;
    item.prompt = fmt::format("{}{} {}", kBackground, item.given_info, item.question);
    int arcs = 0;
    for (const auto& ps : g.parents) arcs += static_cast<int>(ps.size());
    item.knobs["variables"] = g.size();
    item.knobs["edges"] = arcs;
    item.knobs["path_length"] = static_cast<int>(g.backbone.size()) - 1;
    item.knobs["interventions"] = interventions;
    item.knobs["nesting_depth"] = depth;
    item.knobs["evidence_count"] = static_cast<int>(evidence.size());
    item.knobs["exogenous"] = static_cast<int>(m.exogenous_count());
    item.knobs["hidden_confounding"] = std::string(confounding_name(g.confounding));
    item.meta["graph_id"] = "random";
    item.meta["story_id"] = "nonsense";
    item.meta["treatment"] = X;
    item.meta["outcome"] = Y;
    item.meta["answer_kind"] = "fraction";
    item.meta["total_effect_coefficient"] = to_string(tau);
    return item;
  }
  throw Error(fmt::format("linear preset: no {} item meeting the target in {} draws; relax the knobs", type, kMaxAttempts));
}

// ---- structure up to renaming -------------------------------------------------------------------

namespace {

constexpr std::uint64_t kFnvBasis = 1469598103934665603ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

std::uint64_t fnv(std::string_view text, std::uint64_t h = kFnvBasis) {
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
  return h;
}

std::uint64_t fnv(std::uint64_t value, std::uint64_t h) {
  for (int k = 0; k < 8; ++k) {
    h ^= (value >> (8 * k)) & 0xffU;
    h *= kFnvPrime;
  }
  return h;
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

}  // namespace

std::string linear_canonical_form(const LinearScm& m, const LinearQuery& q) {
  // The query as text, cut into literal pieces and variable references (a name not followed by
  // '(': E, Var, Cov and P are functions).
  const std::string formal = to_string(q, m);
  struct Piece {
    std::string text;
    std::optional<VarId> var;
  };
  std::vector<Piece> pieces;
  for (std::size_t i = 0; i < formal.size();) {
    if (name_char(formal[i]) && std::isdigit(static_cast<unsigned char>(formal[i])) == 0) {
      std::size_t j = i;
      while (j < formal.size() && name_char(formal[j])) ++j;
      const std::string word = formal.substr(i, j - i);
      const auto id = j < formal.size() && formal[j] == '(' ? std::nullopt : m.find(word);
      pieces.push_back({id ? std::string() : word, id});
      i = j;
    } else {
      if (pieces.empty() || pieces.back().var) pieces.push_back({"", std::nullopt});
      pieces.back().text += formal[i++];
    }
  }
  const std::size_t n = m.size();
  std::vector<std::vector<std::pair<std::uint64_t, VarId>>> links(n);  // (coefficient hash, neighbour)
  for (VarId v : m.endogenous()) {
    for (const Coefficient& c : m.mechanism(v).coefficients) {
      const std::uint64_t h = fnv(to_string(c.value));
      links[v].emplace_back(fnv(std::string_view("parent"), h), c.var);
      links[c.var].emplace_back(fnv(std::string_view("child"), h), v);
    }
  }
  for (const Covariance& c : m.covariances()) {
    const std::uint64_t h = fnv("cov" + to_string(c.value));
    links[c.a].emplace_back(h, c.b);
    links[c.b].emplace_back(h, c.a);
  }
  // Initial colours: kind, parameters, and the query with this variable marked.
  std::vector<std::uint64_t> colour(n);
  for (VarId v = 0; v < n; ++v) {
    const LinearVariable& var = m.variable(v);
    std::string own = var.exogenous ? fmt::format("u{}~{}", to_string(var.mean), to_string(var.variance))
                                    : fmt::format("v+{}", to_string(var.mechanism.constant));
    own += '|';
    for (const Piece& p : pieces) own += p.var ? (*p.var == v ? "#" : "_") : p.text;
    colour[v] = fnv(own);
  }
  auto classes = [&] {
    std::vector<std::uint64_t> c = colour;
    std::sort(c.begin(), c.end());
    return static_cast<std::size_t>(std::unique(c.begin(), c.end()) - c.begin());
  };
  for (std::size_t round = 0, before = classes(); round < n; ++round) {
    std::vector<std::uint64_t> next(n);
    for (VarId v = 0; v < n; ++v) {
      std::vector<std::uint64_t> around;
      for (const auto& [h, w] : links[v]) around.push_back(fnv(colour[w], h));
      std::sort(around.begin(), around.end());
      std::uint64_t h = fnv(colour[v], kFnvBasis);
      for (std::uint64_t a : around) h = fnv(a, h);
      next[v] = h;
    }
    colour = std::move(next);
    const std::size_t after = classes();
    if (after == before) break;
    before = after;
  }
  std::vector<VarId> order(n);
  for (VarId v = 0; v < n; ++v) order[v] = v;
  std::stable_sort(order.begin(), order.end(), [&](VarId a, VarId b) {
    if (m.is_exogenous(a) != m.is_exogenous(b)) return m.is_exogenous(a);
    return colour[a] < colour[b];
  });
  std::vector<std::size_t> index(n);
  for (std::size_t k = 0; k < n; ++k) index[order[k]] = k;
  std::string out;
  for (VarId v : order) {
    const LinearVariable& var = m.variable(v);
    if (var.exogenous) {
      out += fmt::format("v{}~N({},{})\n", index[v], to_string(var.mean), to_string(var.variance));
      continue;
    }
    std::vector<std::pair<std::size_t, std::string>> terms;
    for (const Coefficient& c : var.mechanism.coefficients) terms.emplace_back(index[c.var], to_string(c.value));
    std::sort(terms.begin(), terms.end());
    out += fmt::format("v{}:=", index[v]);
    for (const auto& [k, c] : terms) out += fmt::format("{}*v{}+", c, k);
    out += to_string(var.mechanism.constant) + "\n";
  }
  std::vector<std::tuple<std::size_t, std::size_t, std::string>> covs;
  for (const Covariance& c : m.covariances()) {
    covs.emplace_back(std::min(index[c.a], index[c.b]), std::max(index[c.a], index[c.b]), to_string(c.value));
  }
  std::sort(covs.begin(), covs.end());
  for (const auto& [a, b, value] : covs) out += fmt::format("cov(v{},v{})={}\n", a, b, value);
  for (const Piece& p : pieces) out += p.var ? fmt::format("v{}", index[*p.var]) : p.text;
  return out;
}

std::string linear_structure_hash(const LinearScm& m, const LinearQuery& q) {
  return fmt::format("{:016x}", fnv(linear_canonical_form(m, q)));
}

}  // namespace rung
