#include "rung/infer/solver.hpp"

#include "rung/core/error.hpp"
#include "rung/core/scalar.hpp"

#include "rung/infer/enumeration.hpp"
#include "rung/infer/validate.hpp"
#include "rung/infer/variable_elimination.hpp"

#include <fmt/format.h>

#include <type_traits>

namespace rung {

namespace {

template <class S>
S part_value(const Scm& scm, const Query::Part& part, const SolverOptions& options) {
  // Enumeration is only instantiated for Rational and double (solve() keeps it on GMP).
  constexpr bool enumerable = !std::is_same_v<S, FastRational>;
  const bool ve = !enumerable || options.method == Method::variable_elimination;
  if (const auto* p = std::get_if<Probability>(&part.quantity)) {
    if (ve) return ve::probability<S>(scm, *p, options.max_factor_cells);
    if constexpr (enumerable) return enumeration::probability<S>(scm, *p);
  }
  const auto& e = std::get<Expectation>(part.quantity);
  const std::vector<Rational> numbers = numeric_labels(e.term.var, scm);
  std::vector<S> dist;
  if (ve) {
    dist = ve::distribution<S>(scm, e.term, e.evidence, options.max_factor_cells);
  } else if constexpr (enumerable) {
    dist = enumeration::distribution<S>(scm, e.term, e.evidence);
  }
  S value(0);
  for (std::size_t v = 0; v < dist.size(); ++v) {
    if (!numbers[v].is_zero()) value += from_rational<S>(numbers[v]) * dist[v];
  }
  return value;
}

void check_parts(const Query& query) {
  if (query.parts.empty()) throw InvalidQuery("empty query");
  for (const auto& part : query.parts) {
    if (part.sign != 1 && part.sign != -1) throw InvalidQuery("the sign of a part of a query must be +1 or -1");
  }
}

template <class S>
S query_value(const Scm& scm, const Query& query, const SolverOptions& options) {
  check_parts(query);
  S value(0);
  for (const auto& part : query.parts) {
    S v = part_value<S>(scm, part, options);
    if (part.sign < 0) {
      value -= v;
    } else {
      value += v;
    }
  }
  return value;
}

std::vector<std::uint32_t> target_cards(const Scm& scm, const Distribution& d) {
  if (d.targets.empty()) throw InvalidQuery("a distribution needs at least one target");
  std::vector<std::uint32_t> cards;
  std::size_t cells = 1;
  for (const auto& t : d.targets) {
    cards.push_back(static_cast<std::uint32_t>(scm.domain(t.var).size()));
    cells *= cards.back();
    if (cells > (std::size_t{1} << 20)) {
      throw InvalidQuery(fmt::format("the distribution has more than {} cells; ask for fewer targets", std::size_t{1} << 20));
    }
  }
  return cards;
}

/// The events of cell `index` (row-major, last target fastest).
std::vector<Event> cell_events(const Distribution& d, const std::vector<std::uint32_t>& cards, std::size_t index) {
  std::vector<Event> events(d.targets.size());
  for (std::size_t i = d.targets.size(); i-- > 0;) {
    events[i] = Event{d.targets[i], static_cast<Value>(index % cards[i])};
    index /= cards[i];
  }
  return events;
}

std::size_t cell_count(const std::vector<std::uint32_t>& cards) {
  std::size_t cells = 1;
  for (auto c : cards) cells *= c;
  return cells;
}

template <class S>
std::vector<S> distribution_values(const Scm& scm, const Distribution& d, const std::vector<std::uint32_t>& cards,
                                   const SolverOptions& options) {
  const std::size_t cells = cell_count(cards);
  std::vector<S> out;
  out.reserve(cells);
  constexpr bool enumerable = !std::is_same_v<S, FastRational>;
  if constexpr (enumerable) {
    if (options.method == Method::enumeration) {
      for (std::size_t c = 0; c < cells; ++c) {
        out.push_back(enumeration::probability<S>(scm, Probability{cell_events(d, cards, c), d.evidence}));
      }
      return out;
    }
  }
  std::vector<const Term*> terms;
  for (const auto& t : d.targets) terms.push_back(&t);
  const ve::Joint<S> joint(scm, terms, d.evidence, options.max_factor_cells);
  return joint.table();
}

const char* method_name(Method m) { return m == Method::enumeration ? "enumeration" : "variable elimination"; }

/// Both exact methods refused: one message with both reasons and the way that remains.
TooLarge both_refused(const TooLarge& first, Method other, const TooLarge& second) {
  return TooLarge(fmt::format("{}; {} refuses it too: {}; --double computes it in double precision, where the numbers "
                              "stay small (not exact)",
                              first.what(), method_name(other), second.what()));
}

}  // namespace

DistributionAnswer solve(const Scm& scm, const Distribution& d, const SolverOptions& options) {
  DistributionAnswer answer;
  answer.cards = target_cards(scm, d);
  auto by = [&](Method method) {
    answer.values.clear();
    if (method == Method::variable_elimination) {
      for (auto& v : distribution_values<FastRational>(scm, d, answer.cards, options)) answer.values.push_back(v.to_rational());
    } else {
      SolverOptions o = options;
      o.method = Method::enumeration;
      answer.values = distribution_values<Rational>(scm, d, answer.cards, o);
    }
  };
  try {
    by(options.method);
  } catch (const TooLarge& refused) {
    if (!options.fallback) throw;  // as for a Query: the other exact method (solve below)
    const Method other = options.method == Method::enumeration ? Method::variable_elimination : Method::enumeration;
    try {
      by(other);
    } catch (const TooLarge& also) {
      throw both_refused(refused, other, also);
    }
  }
  return answer;
}

std::vector<double> solve_double(const Scm& scm, const Distribution& d, const SolverOptions& options) {
  return distribution_values<double>(scm, d, target_cards(scm, d), options);
}

namespace {

Answer solve_by(const Scm& scm, const Query& query, const SolverOptions& options) {
  Answer answer;
  answer.method = options.method;
  if (!options.trace) {
    // Variable elimination computes in FastRational (exact, without GMP for small fractions);
    // enumeration, the independent check, keeps GMP's rationals.
    answer.value = options.method == Method::variable_elimination
                       ? query_value<FastRational>(scm, query, options).to_rational()
                       : query_value<Rational>(scm, query, options);
    return answer;
  }
  check_parts(query);
  TraceOptions t;
  t.max_factor_cells = options.max_factor_cells;
  t.enumerate = options.method == Method::enumeration;
  answer.trace = make_trace(scm, query, t);
  // The trace computes every part by the same method, with the same exact arithmetic: its value
  // is the answer (computing it a second time would give the same fraction).
  answer.value = answer.trace->value;
  return answer;
}

}  // namespace

Answer solve(const Scm& scm, const Query& query, const SolverOptions& options) {
  try {
    return solve_by(scm, query, options);
  } catch (const TooLarge& refused) {
    if (!options.fallback) throw;
    // Issue #15, item 21: a query one exact method answers cheaply is never refused because the
    // other's guard trips (a joint of many terms over few exogenous values is small to enumerate).
    SolverOptions other = options;
    other.method = options.method == Method::enumeration ? Method::variable_elimination : Method::enumeration;
    other.fallback = false;
    try {
      return solve_by(scm, query, other);
    } catch (const TooLarge& also) {
      throw both_refused(refused, other.method, also);
    }
  }
}

double solve_double(const Scm& scm, const Query& query, const SolverOptions& options) {
  return query_value<double>(scm, query, options);
}

std::optional<Method> method_from_string(std::string_view name) {
  if (name == "variable-elimination" || name == "ve") return Method::variable_elimination;
  if (name == "enumerate" || name == "enumeration") return Method::enumeration;
  return std::nullopt;
}

}  // namespace rung
