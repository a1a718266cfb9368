#include "rung/scm/scm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>

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
  declarations_.push_back({std::move(name), VarKind::exogenous, std::move(domain), std::move(prior), Expr{}, at});
  return *this;
}

ScmBuilder& ScmBuilder::endogenous(std::string name, Domain domain, std::variant<Expr, TableSpec> mechanism,
                                   DeclarationSource at) {
  if (declarations_.empty()) declarations_.reserve(kTypicalDeclarations);
  declarations_.push_back({std::move(name), VarKind::endogenous, std::move(domain), {}, std::move(mechanism), at});
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
NodeSet referenced_variables(const std::variant<Expr, TableSpec>& source, const Mechanism::Resolver& resolve) {
  NodeSet ids;
  auto add = [&](std::string_view name) {
    if (auto r = resolve(name)) ids.push_back(r->id);
  };
  if (const auto* e = std::get_if<Expr>(&source)) {
    std::vector<const Expr*> atoms;
    collect_atoms(*e, atoms);
    for (const Expr* a : atoms) add(a->text);
  } else {
    for (const auto& name : std::get<TableSpec>(source).inputs) add(name);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

std::optional<Scm> ScmBuilder::try_build(std::vector<Diagnostic>& problems) const {
  const std::size_t first_problem = problems.size();

  // Canonical order: exogenous first, then endogenous, each in declaration order.
  std::vector<const Declaration*> order;
  order.reserve(declarations_.size());
  for (auto kind : {VarKind::exogenous, VarKind::endogenous}) {
    for (const auto& d : declarations_) {
      if (d.kind == kind) order.push_back(&d);
    }
  }

  Scm scm;
  // Names are checked in declaration order, so "first declared" means first in the file.
  std::map<std::string_view, const Declaration*> by_name;
  std::vector<char> rejected(declarations_.size(), 0);  // by declaration index
  for (std::size_t i = 0; i < declarations_.size(); ++i) {
    const Declaration* d = &declarations_[i];
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
  std::vector<const Declaration*> kept;  // declarations with a valid, unique name, in id order
  kept.reserve(order.size());
  for (const Declaration* d : order) {
    if (rejected[static_cast<std::size_t>(d - declarations_.data())] == 0) kept.push_back(d);
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
    return Mechanism::Resolved{*id, &kept[*id]->domain};
  };
  scm.variables_.reserve(kept.size());
  for (const Declaration* d : kept) {
    Variable v{d->name, d->kind, d->domain, d->prior, std::nullopt};
    if (d->kind == VarKind::endogenous) {
      v.mechanism = Mechanism::compile(d->mechanism, d->name, d->domain, resolve, d->at.rhs, problems);
    } else {
      ++scm.exogenous_count_;
    }
    scm.variables_.push_back(std::move(v));
  }

  // The graph: an arc that would close a cycle is reported where the child's mechanism is. A
  // mechanism that did not compile still contributes the variables it names, so a cycle through
  // it is reported too.
  // Dag::add_arc looks for a path back from the child, which costs nothing when the child has
  // no children yet. So when the declared graph is acyclic (Kahn's count), the arcs go in with
  // their children in topological order: linear even for a chain declared in reverse order, where
  // the one-by-one order took quadratic time. Only a graph with a cycle takes the slow path, which
  // reports each arc that closes one.
  const std::size_t n = scm.variables_.size();
  std::vector<std::vector<VarId>> parents_of(n);
  std::vector<std::vector<VarId>> children_of(n);
  std::vector<std::size_t> waiting(n, 0);
  for (VarId child = 0; child < n; ++child) {
    if (kept[child]->kind != VarKind::endogenous) continue;
    const auto& m = scm.variables_[child].mechanism;
    for (VarId parent : m ? m->parents() : referenced_variables(kept[child]->mechanism, resolve)) {
      parents_of[child].push_back(parent);
      children_of[parent].push_back(child);
      ++waiting[child];
    }
  }
  std::vector<VarId> arc_order;
  arc_order.reserve(n);
  for (VarId v = 0; v < n; ++v) {
    if (waiting[v] == 0) arc_order.push_back(v);
  }
  for (std::size_t i = 0; i < arc_order.size(); ++i) {
    for (VarId c : children_of[arc_order[i]]) {
      if (--waiting[c] == 0) arc_order.push_back(c);
    }
  }
  const bool acyclic = arc_order.size() == n;
  if (!acyclic) {
    arc_order.resize(n);
    for (VarId v = 0; v < n; ++v) arc_order[v] = v;
  }
  for (VarId child : arc_order) {
    for (VarId parent : parents_of[child]) {
      try {
        scm.dag_.add_arc(parent, child);
      } catch (const InvalidModel& e) {
        problems.push_back(at(kept[child]->at.rhs, e.what()));
      }
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
