#include "rung/scm/scm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

namespace rung {

std::vector<VarId> Scm::exogenous() const {
  std::vector<VarId> ids(exogenous_count_);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<VarId>(i);
  return ids;
}

std::vector<VarId> Scm::endogenous() const {
  std::vector<VarId> ids;
  for (std::size_t i = exogenous_count_; i < variables_.size(); ++i) ids.push_back(static_cast<VarId>(i));
  return ids;
}

std::vector<VarId> Scm::hidden() const {
  std::vector<VarId> ids;
  for (std::size_t i = exogenous_count_; i < variables_.size(); ++i) {
    if (variables_[i].hidden) ids.push_back(static_cast<VarId>(i));
  }
  return ids;
}

void Scm::evaluate(std::vector<Value>& values) const {
  values.resize(variables_.size());
  for (VarId id : order_) values[id] = variables_[id].mechanism->evaluate(values);
}

Scm Scm::with_priors(const std::vector<std::vector<Rational>>& priors) const {
  std::string problems;
  if (priors.size() != exogenous_count_) {
    problems = fmt::format("{} priors given for {} exogenous variables", priors.size(), exogenous_count_);
  }
  for (std::size_t id = 0; id < exogenous_count_ && id < priors.size(); ++id) {
    const Variable& u = variables_[id];
    const std::vector<Rational>& prior = priors[id];
    std::string problem;
    if (prior.size() != u.domain.size()) {
      problem = fmt::format("the prior of {} has {} probabilities, but its domain {} has {} values", u.name,
                            prior.size(), u.domain.to_string(), u.domain.size());
    } else {
      Rational sum = 0;
      for (const auto& p : prior) {
        if (p < 0) problem = fmt::format("negative probability {} in the prior of {}", to_string(p), u.name);
        sum += p;
      }
      if (problem.empty() && sum != 1) problem = fmt::format("the prior of {} sums to {}, not 1", u.name, to_string(sum));
    }
    if (problem.empty() && u.implied && prior != u.prior) {
      problem = fmt::format("the prior of {} is implied by a CPT and cannot be replaced", u.name);
    }
    if (!problem.empty()) problems += (problems.empty() ? "" : "\n") + problem;
  }
  if (!problems.empty()) throw InvalidModel(problems);
  Scm out = *this;
  for (std::size_t id = 0; id < exogenous_count_; ++id) out.variables_[id].prior = priors[id];
  return out;
}

namespace {

/// Room reserved at the first declaration: a Declaration is large, and growing the vector one
/// doubling at a time moves every declaration made so far.
constexpr std::size_t kTypicalDeclarations = 16;

}  // namespace

ScmBuilder& ScmBuilder::exogenous(std::string name, Domain domain, std::vector<Rational> prior,
                                  DeclarationSource at) {
  if (declarations_.empty()) declarations_.reserve(kTypicalDeclarations);
  declarations_.push_back({std::move(name), VarKind::exogenous, std::move(domain), std::move(prior), nullptr, at, false, {}});
  return *this;
}

ScmBuilder& ScmBuilder::endogenous(std::string name, Domain domain, MechanismSource mechanism,
                                   DeclarationSource at) {
  if (declarations_.empty()) declarations_.reserve(kTypicalDeclarations);
  declarations_.push_back({std::move(name), VarKind::endogenous, std::move(domain), {},
                           std::make_shared<const MechanismSource>(std::move(mechanism)), at, false, {}});
  return *this;
}

ScmBuilder& ScmBuilder::bernoulli(std::string name, Rational p, DeclarationSource at) {
  return exogenous(std::move(name), Domain(), {Rational(1) - p, p}, at);
}

ScmBuilder& ScmBuilder::endogenous(std::string name, std::string_view expression, Domain domain) {
  return endogenous(std::move(name), std::move(domain), parse_expression(expression));
}

namespace {

Diagnostic at(Location where, std::string message) {
  return {"", where.line, where.column, std::move(message)};
}

bool is_number(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

/// Whether the probabilities of `prior` sum to exactly 1. Usually they share a denominator
/// (1/2, 1/2): then it is enough to add the numerators, without the gcds of rational additions.
bool sums_to_one(const std::vector<Rational>& prior) {
  if (prior.empty()) return false;
  const auto denominator = [](const Rational& p) { return mpq_denref(p.backend().data()); };
  const auto numerator = [](const Rational& p) { return mpq_numref(p.backend().data()); };
  const bool shared = std::all_of(prior.begin(), prior.end(), [&](const Rational& p) {
    return mpz_cmp(denominator(p), denominator(prior.front())) == 0;
  });
  if (!shared) {
    Rational sum = 0;
    for (const auto& p : prior) sum += p;
    return sum == 1;
  }
  mpz_t total;
  mpz_init(total);
  for (const auto& p : prior) mpz_add(total, total, numerator(p));
  const bool one = mpz_cmp(total, denominator(prior.front())) == 0;  // denominators are positive
  mpz_clear(total);
  return one;
}

/// The variables a mechanism's source names (atoms or table inputs that resolve), sorted.
NodeSet referenced_variables(const MechanismSource& source, std::string_view noise, const Mechanism::Resolver& resolve) {
  NodeSet ids;
  auto add = [&](std::string_view name) {
    if (auto r = resolve(name)) ids.push_back(r->id);
  };
  if (const auto* e = std::get_if<Expr>(&source)) {
    std::vector<const Expr*> atoms;
    collect_atoms(*e, atoms);
    for (const Expr* a : atoms) add(a->text);
  } else if (const auto* t = std::get_if<TableSpec>(&source)) {
    for (const auto& name : t->inputs) add(name);
  } else {
    for (const auto& name : std::get<CptSpec>(source).parents) add(name);
    add(noise);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

namespace {

/// The arcs a model declares (parent -> child), as lists, for the linear passes of try_build.
struct ArcGraph {
  struct Child {
    VarId child;
    std::size_t slot;  // the arc's index in parents[child]
  };
  std::vector<std::vector<VarId>> parents;   // per child, in the mechanism's order
  std::vector<std::vector<Child>> children;  // per parent, children in id order
  std::vector<std::vector<char>> dropped;    // per child, per parent slot: the arc closes a cycle (empty: none)

  explicit ArcGraph(std::size_t n) : parents(n), children(n), dropped(n) {}

  [[nodiscard]] bool kept(VarId child, std::size_t slot) const {
    return dropped[child].empty() || dropped[child][slot] == 0;
  }

  /// Kahn's order over the arcs not dropped; shorter than the node count when a cycle is left.
  [[nodiscard]] std::vector<VarId> topological_order() const {
    const std::size_t n = parents.size();
    std::vector<std::size_t> waiting(n, 0);
    for (VarId c = 0; c < n; ++c) {
      for (std::size_t i = 0; i < parents[c].size(); ++i) waiting[c] += kept(c, i) ? 1 : 0;
    }
    std::vector<VarId> order;
    order.reserve(n);
    for (VarId v = 0; v < n; ++v) {
      if (waiting[v] == 0) order.push_back(v);
    }
    for (std::size_t i = 0; i < order.size(); ++i) {
      for (const Child& c : children[order[i]]) {
        if (kept(c.child, c.slot) && --waiting[c.child] == 0) order.push_back(c.child);
      }
    }
    return order;
  }

  /// Strongly connected components (Tarjan's, with a stack of our own): a component id per node.
  [[nodiscard]] std::vector<std::size_t> components() const {
    const std::size_t n = parents.size();
    constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> index(n, none), low(n, 0), component(n, none);
    std::vector<VarId> stack;
    std::vector<std::pair<VarId, std::size_t>> calls;  // (node, next child to visit)
    std::size_t next_index = 0, next_component = 0;
    for (VarId root = 0; root < n; ++root) {
      if (index[root] != none) continue;
      calls.emplace_back(root, 0);
      index[root] = low[root] = next_index++;
      stack.push_back(root);
      while (!calls.empty()) {
        auto& [v, k] = calls.back();
        if (k < children[v].size()) {
          const VarId w = children[v][k++].child;
          if (index[w] == none) {
            index[w] = low[w] = next_index++;
            stack.push_back(w);
            calls.emplace_back(w, 0);
          } else if (component[w] == none) {
            low[v] = std::min(low[v], index[w]);
          }
          continue;
        }
        const VarId done = v;
        calls.pop_back();
        if (!calls.empty()) low[calls.back().first] = std::min(low[calls.back().first], low[done]);
        if (low[done] == index[done]) {
          VarId w = 0;
          do {
            w = stack.back();
            stack.pop_back();
            component[w] = next_component;
          } while (w != done);
          ++next_component;
        }
      }
    }
    return component;
  }

  /// Drops a set of arcs whose removal leaves no cycle, and returns each with a cycle it closes.
  /// In each strongly connected component, a depth-first walk from its last-declared variable
  /// (children in declaration order) drops the arcs back to a variable on the walk's path: for a
  /// simple cycle, the arc into its last-declared variable, as adding arcs one by one in
  /// declaration order would. Linear in the arcs, plus at most 41 names per cycle reported;
  /// sorted by child and parent slot (declaration order).
  struct Found {
    VarId child;
    std::size_t slot;          // the arc's index in parents[child]
    std::vector<VarId> cycle;  // from, to, ..., from
    std::size_t omitted = 0;   // names left out of a long cycle after its first 21
  };
  [[nodiscard]] std::vector<Found> cycle_arcs() {
    const std::size_t n = parents.size();
    const std::vector<std::size_t> component = components();
    constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
    std::vector<char> seen(n, 0);
    std::vector<std::size_t> depth(n, none);  // position on the walk's path, none when off it
    std::vector<VarId> path;
    std::vector<std::size_t> next;  // per path entry: the next child to look at
    std::vector<Found> found;
    for (VarId root = static_cast<VarId>(n); root-- > 0;) {
      if (seen[root] != 0) continue;
      seen[root] = 1;
      depth[root] = 0;
      path.assign(1, root);
      next.assign(1, 0);
      while (!path.empty()) {
        const VarId v = path.back();
        if (next.back() == children[v].size()) {
          depth[v] = none;
          path.pop_back();
          next.pop_back();
          continue;
        }
        const Child c = children[v][next.back()++];
        if (component[c.child] != component[v]) continue;
        if (depth[c.child] != none) {  // back to the path: a cycle
          if (dropped[c.child].empty()) dropped[c.child].assign(parents[c.child].size(), 0);
          dropped[c.child][c.slot] = 1;
          Found f{c.child, c.slot, {v}, 0};
          const std::size_t first = depth[c.child], length = path.size() - first;
          constexpr std::size_t shown = 20;  // names at each end of a long cycle
          for (std::size_t i = 0; i < length; ++i) {
            if (length > 2 * shown && i == shown) {
              f.omitted = length - 2 * shown;
              i += f.omitted;
            }
            f.cycle.push_back(path[first + i]);
          }
          found.push_back(std::move(f));
        } else if (seen[c.child] == 0) {
          seen[c.child] = 1;
          depth[c.child] = path.size();
          path.push_back(c.child);
          next.push_back(0);
        }
      }
    }
    std::sort(found.begin(), found.end(),
              [](const Found& a, const Found& b) { return std::pair(a.child, a.slot) < std::pair(b.child, b.slot); });
    return found;
  }
};
using CycleArc = ArcGraph::Found;

/// `cycle: A -> B -> A`, with the names of a long cycle shortened in the middle
/// (`... 19960 more ...`).
std::string cycle_message(const CycleArc& c, const Dag& dag) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < c.cycle.size(); ++i) {
    if (c.omitted != 0 && i == 21) names.push_back(fmt::format("... {} more ...", c.omitted));
    names.push_back(dag.name(c.cycle[i]));
  }
  return InvalidModel::cycle(names).what();
}

}  // namespace

std::optional<Scm> ScmBuilder::try_build(std::vector<Diagnostic>& problems) const {
  const std::size_t first_problem = problems.size();

  // CPT mechanisms declare their noise, just before them: `U_X`, with `U_` prefixed while the
  // name is taken. The CPT's own declaration is copied (its source is shared) with the noise's
  // name filled in.
  std::vector<const Declaration*> declared;
  declared.reserve(declarations_.size());
  std::vector<std::unique_ptr<Declaration>> made;
  {
    const bool any_cpt = std::any_of(declarations_.begin(), declarations_.end(), [](const Declaration& d) {
      return d.mechanism && std::holds_alternative<CptSpec>(*d.mechanism);
    });
    std::set<std::string_view> taken;
    if (any_cpt) {
      for (const auto& d : declarations_) taken.insert(d.name);
    }
    std::set<std::string> noise_names;
    for (const auto& d : declarations_) {
      const auto* cpt = any_cpt && d.mechanism ? std::get_if<CptSpec>(d.mechanism.get()) : nullptr;
      if (cpt == nullptr || d.kind != VarKind::endogenous) {
        declared.push_back(&d);
        continue;
      }
      std::string noise = "U_" + d.name;
      while (taken.contains(noise) || noise_names.contains(noise)) noise = "U_" + noise;
      const std::vector<Rational> cuts = cpt_cut_points(*cpt);
      std::vector<std::string> labels;
      std::vector<Rational> prior;
      labels.reserve(cuts.size());
      prior.reserve(cuts.size());
      Rational previous = 0;
      for (std::size_t k = 0; k < cuts.size(); ++k) {
        labels.push_back(std::to_string(k));
        prior.push_back(cuts[k] - previous);
        previous = cuts[k];
      }
      auto u = std::make_unique<Declaration>(
          Declaration{noise, VarKind::exogenous, Domain(std::move(labels)), std::move(prior), nullptr, d.at, true, {}});
      auto owner = std::make_unique<Declaration>(d);
      owner->noise = noise;
      noise_names.insert(std::move(noise));
      declared.push_back(u.get());
      declared.push_back(owner.get());
      made.push_back(std::move(u));
      made.push_back(std::move(owner));
    }
  }

  Scm scm;
  // Names are checked in declaration order, so "first declared" means first in the file.
  std::map<std::string_view, const Declaration*> by_name;
  std::vector<char> rejected(declared.size(), 0);  // by position in `declared`
  for (std::size_t i = 0; i < declared.size(); ++i) {
    const Declaration* d = declared[i];
    if (!is_valid_name(d->name)) {
      problems.push_back(at(d->at.name, fmt::format("invalid name '{}': use letters, digits and '_'", d->name)));
    } else if (std::isdigit(static_cast<unsigned char>(d->name.front())) != 0) {
      problems.push_back(at(d->at.name, fmt::format("invalid name '{}': a variable name must start with a letter or '_'", d->name)));
    } else if (is_reserved_word(d->name)) {
      problems.push_back(at(d->at.name, fmt::format("'{}' is a reserved word and cannot name a variable", d->name)));
    } else if (auto [it, fresh] = by_name.emplace(d->name, d); !fresh) {
      const Location first = it->second->at.name;
      problems.push_back(at(d->at.name, first.line > 0 ? fmt::format("duplicate name '{}' (first declared on line {})",
                                                                       d->name, first.line)
                                                      : fmt::format("duplicate name '{}'", d->name)));
    } else {
      continue;
    }
    rejected[i] = 1;
  }
  // Ids in canonical order: exogenous first, then endogenous, each in declaration order.
  std::vector<const Declaration*> kept;  // declarations with a valid, unique name, in id order
  kept.reserve(declared.size());
  for (auto kind : {VarKind::exogenous, VarKind::endogenous}) {
    for (std::size_t i = 0; i < declared.size(); ++i) {
      if (declared[i]->kind == kind && rejected[i] == 0) kept.push_back(declared[i]);
    }
  }

  for (const Declaration* d : kept) {
    for (const auto& label : d->domain.labels()) {
      if (!is_number(label) && by_name.contains(label)) {
        problems.push_back(at(d->at.domain, fmt::format("value '{}' of {} is also the name of a variable", label, d->name)));
      }
    }
    if (d->kind != VarKind::exogenous) continue;
    if (d->prior.size() != d->domain.size()) {
      problems.push_back(at(d->at.rhs, fmt::format("the prior of {} has {} probabilities, but its domain {} has {} values",
                                                   d->name, d->prior.size(), d->domain.to_string(), d->domain.size())));
      continue;
    }
    bool negative = false;
    for (const auto& p : d->prior) {
      if (p.sign() < 0) {
        problems.push_back(at(d->at.rhs, fmt::format("negative probability {} in the prior of {}", to_string(p), d->name)));
        negative = true;
      }
    }
    if (!negative && !sums_to_one(d->prior)) {
      Rational sum = 0;
      for (const auto& p : d->prior) sum += p;
      problems.push_back(at(d->at.rhs, fmt::format("the prior of {} sums to {}, not 1", d->name, to_string(sum))));
    }
  }

  scm.dag_.reserve(kept.size());
  for (const Declaration* d : kept) scm.dag_.add_node(d->name);

  // Compile mechanisms against the kept names.
  Mechanism::Resolver resolve = [&](std::string_view name) -> std::optional<Mechanism::Resolved> {
    auto id = scm.dag_.find(name);
    if (!id) return std::nullopt;
    const Declaration* d = kept[*id];
    return Mechanism::Resolved{*id, &d->domain, d->kind == VarKind::exogenous ? &d->prior : nullptr};
  };
  scm.variables_.reserve(kept.size());
  for (const Declaration* d : kept) {
    Variable v{d->name, d->kind, d->domain, d->prior, std::nullopt};
    v.implied = d->implied;
    if (d->kind == VarKind::endogenous) {
      v.mechanism = Mechanism::compile(d->mechanism, d->name, d->domain, resolve, d->at.rhs, problems, d->noise);
    } else {
      ++scm.exogenous_count_;
    }
    scm.variables_.push_back(std::move(v));
  }

  // Hidden marks: on declared endogenous variables, once each.
  std::map<std::string_view, Location> marked;
  for (const auto& [name, where] : hidden_) {
    const auto id = scm.dag_.find(name);
    if (!id) {
      if (!by_name.contains(name)) problems.push_back(at(where, fmt::format("unknown name '{}' in 'hidden'", name)));
    } else if (scm.variables_[*id].kind == VarKind::exogenous) {
      problems.push_back(at(where, fmt::format("{} is exogenous, and exogenous variables are never observed: 'hidden' marks "
                                               "endogenous variables (one exogenous variable shared by several mechanisms is "
                                               "a hidden confounder already)",
                                               name)));
    } else if (auto [it, fresh] = marked.emplace(name, where); !fresh) {
      problems.push_back(at(where, it->second.line > 0 ? fmt::format("{} is marked hidden twice (first on line {})", name, it->second.line)
                                                        : fmt::format("{} is marked hidden twice", name)));
    } else {
      scm.variables_[*id].hidden = true;
    }
  }

  // The graph: an arc that would close a cycle is reported where the child's mechanism is. A
  // mechanism that did not compile still contributes the variables it names, so a cycle through
  // it is reported too.
  // Dag::add_arc looks for a path back from the child, which costs nothing when the child has
  // no children yet. So the arcs go in with their children in topological order (Kahn's): linear
  // even for a chain declared in reverse order, where the one-by-one order took quadratic time.
  // A graph with a cycle first loses the arcs that close one (cycle_arcs, also linear), each
  // reported, and the rest goes in the same way.
  const std::size_t n = scm.variables_.size();
  ArcGraph g(n);
  for (VarId child = 0; child < n; ++child) {
    if (kept[child]->kind != VarKind::endogenous) continue;
    const auto& m = scm.variables_[child].mechanism;
    for (VarId parent : m ? m->parents() : referenced_variables(*kept[child]->mechanism, kept[child]->noise, resolve)) {
      g.children[parent].push_back({child, g.parents[child].size()});
      g.parents[child].push_back(parent);
    }
  }
  std::vector<VarId> arc_order = g.topological_order();
  if (arc_order.size() != n) {
    for (const CycleArc& c : g.cycle_arcs()) {
      problems.push_back(at(kept[c.child]->at.rhs, cycle_message(c, scm.dag_)));
    }
    arc_order = g.topological_order();
  }
  for (VarId child : arc_order) {
    for (std::size_t i = 0; i < g.parents[child].size(); ++i) {
      if (g.kept(child, i)) scm.dag_.add_arc(g.parents[child][i], child);
    }
  }

  std::stable_sort(problems.begin() + static_cast<std::ptrdiff_t>(first_problem), problems.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                   });
  if (problems.size() != first_problem) return std::nullopt;

  for (VarId id : scm.dag_.topological_order()) {
    if (!scm.is_exogenous(id)) scm.order_.push_back(id);
  }
  return scm;
}

ScmBuilder& ScmBuilder::hide(std::string name, Location at) {
  hidden_.emplace_back(std::move(name), at);
  return *this;
}

std::vector<Diagnostic> ScmBuilder::problems() const {
  std::vector<Diagnostic> out;
  (void)try_build(out);
  return out;
}

Scm ScmBuilder::build() const {
  std::vector<Diagnostic> problems;
  auto scm = try_build(problems);
  if (scm) return std::move(*scm);
  std::string message;
  for (const auto& d : problems) {
    if (!message.empty()) message += '\n';
    if (d.line > 0) message += fmt::format("{}:{}: ", d.line, d.column);
    message += d.message;
  }
  throw InvalidModel(message);
}

}  // namespace rung
