#include "rung/infer/validate.hpp"

#include <fmt/format.h>

namespace rung {

namespace {

constexpr int kMaxDepth = 1000;

void check_term_at(const Term& term, const Scm& scm, int depth) {
  if (term.var >= scm.size()) throw InvalidQuery(fmt::format("unknown variable id {} in a query", term.var));
  if (depth > kMaxDepth) throw InvalidQuery(fmt::format("counterfactuals nested more than {} levels deep", kMaxDepth));
  for (std::size_t i = 0; i < term.settings.size(); ++i) {
    const Setting& s = term.settings[i];
    if (s.var >= scm.size()) throw InvalidQuery(fmt::format("unknown variable id {} in a query", s.var));
    if (i > 0 && term.settings[i - 1].var >= s.var) {
      throw InvalidQuery(fmt::format("the settings of a term on {} are not sorted by variable, or set {} twice",
                                     scm.name(term.var), scm.name(s.var)));
    }
    if (scm.is_exogenous(s.var)) {
      throw InvalidQuery(fmt::format("cannot intervene on the exogenous variable {}", scm.name(s.var)));
    }
    if (s.nested.size() > 1) {
      throw InvalidQuery(
          fmt::format("the setting of {} has {} nested terms, not one", scm.name(s.var), s.nested.size()));
    }
    if (s.is_nested()) {
      const Term& inner = s.nested.front();
      check_term_at(inner, scm, depth + 1);
      if (scm.domain(inner.var) != scm.domain(s.var)) {
        throw InvalidQuery(fmt::format("cannot set {} {} to the value of {} {}: the domains differ", scm.name(s.var),
                                       scm.domain(s.var).to_string(), scm.name(inner.var),
                                       scm.domain(inner.var).to_string()));
      }
    } else if (s.value >= scm.domain(s.var).size()) {
      throw InvalidQuery(fmt::format("value {} is outside the domain {} of {}", s.value,
                                     scm.domain(s.var).to_string(), scm.name(s.var)));
    }
  }
}

}  // namespace

void check_term(const Term& term, const Scm& scm) { check_term_at(term, scm, 0); }

void check_events(const std::vector<Event>& events, const Scm& scm) {
  for (const Event& e : events) {
    check_term(e.term, scm);
    if (e.value >= scm.domain(e.term.var).size()) {
      throw InvalidQuery(fmt::format("value {} is outside the domain {} of {}", e.value,
                                     scm.domain(e.term.var).to_string(), scm.name(e.term.var)));
    }
  }
}

std::vector<Rational> numeric_labels(VarId var, const Scm& scm) {
  if (var >= scm.size()) throw InvalidQuery(fmt::format("unknown variable id {} in a query", var));
  std::vector<Rational> out;
  for (const auto& label : scm.domain(var).labels()) {
    auto x = try_parse_rational(label);
    if (!x) {
      throw InvalidQuery(fmt::format("E({}) needs numeric values, but {} takes {}", scm.name(var), scm.name(var),
                                     scm.domain(var).to_string()));
    }
    out.push_back(std::move(*x));
  }
  return out;
}

}  // namespace rung
