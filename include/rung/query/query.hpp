#pragma once
/// \file
/// Queries over one or several worlds of a model (SPEC §3), as values bound to a model's ids.
///
///     rung::Query q = rung::parse_query("P(Y[X=0]=1 | X=1, Y=1)", scm);
///     rung::to_string(q, scm);     // "P(Y[X=0]=1 | X=1, Y=1)"
///     rung::rung_of(q);            // 3
///
/// Semantics: every Term is a potential outcome evaluated for the same unit u (the exogenous
/// values shared by all worlds). A Term's settings fix variables to constants or to the value of
/// another Term (a nested counterfactual), which is itself evaluated in its own world, not in the
/// outer one. `do(...)` in a condition is not a separate notion: the parser folds it into the
/// settings of every term of the probability, so P(Y=1 | do(X=0), Z=1) is P(Y[X=0]=1 | Z[X=0]=1).

#include "rung/scm/scm.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace rung {

struct Term;

/// `X=x` or `X=<term>` inside brackets.
struct Setting {
  VarId var = 0;
  Value value = 0;            ///< the constant, when `nested` is empty
  std::vector<Term> nested;   ///< empty, or exactly one Term whose value X takes
  [[nodiscard]] bool is_nested() const noexcept { return !nested.empty(); }
  /// `var=value`
  [[nodiscard]] static Setting to_value(VarId var, Value value);
  /// `var=<term>`: var takes the value of `term`, evaluated in its own world.
  [[nodiscard]] static Setting to_term(VarId var, Term term);
  friend bool operator==(const Setting&, const Setting&) = default;
};

/// A potential outcome `Y[X=0, M=M[X=1]]`; no settings = the factual world.
/// Invariant: settings sorted by var, at most one per variable.
struct Term {
  VarId var = 0;
  std::vector<Setting> settings;
  friend bool operator==(const Term&, const Term&) = default;
};

inline Setting Setting::to_value(VarId var, Value value) { return Setting{var, value, {}}; }
inline Setting Setting::to_term(VarId var, Term term) {
  Setting s{var, 0, {}};
  s.nested.push_back(std::move(term));
  return s;
}

/// `term = value`
struct Event {
  Term term;
  Value value = 0;
  friend bool operator==(const Event&, const Event&) = default;
};

/// P(events | evidence): a joint probability of events, conditioned on evidence (may be empty).
struct Probability {
  std::vector<Event> events;
  std::vector<Event> evidence;
  friend bool operator==(const Probability&, const Probability&) = default;
};

/// E(term | evidence): the expected value of a term whose domain labels are all numbers.
struct Expectation {
  Term term;
  std::vector<Event> evidence;
  friend bool operator==(const Expectation&, const Expectation&) = default;
};

/// A signed sum of probabilities and expectations: `E(Y[X=1]) - E(Y[X=0])`. Usually one term.
struct Query {
  struct Part {
    int sign = 1;  ///< +1 or -1
    std::variant<Probability, Expectation> quantity;
    friend bool operator==(const Part&, const Part&) = default;
  };
  std::vector<Part> parts;
  friend bool operator==(const Query&, const Query&) = default;
};

/// P(Y, Z | evidence) written without values: the joint distribution of the targets (each a
/// term, in any world) given the evidence, over every combination of their values.
struct Distribution {
  std::vector<Term> targets;
  std::vector<Event> evidence;
  friend bool operator==(const Distribution&, const Distribution&) = default;
};

/// A query or a distribution, as `parse_request` reads them.
using Request = std::variant<Query, Distribution>;

/// Parses SPEC §3 notation against `scm`: names and labels are checked, `Y_{X=0}` is read as
/// `Y[X=0]`, `do(...)` is folded into the terms. Throws InvalidQuery with the 1-based column and
/// what was expected (`column 9: expected '=' after 'Y', found ')'`), or naming the unknown
/// variable or the value outside a domain.
[[nodiscard]] Query parse_query(std::string_view text, const Scm& scm);

/// Parses a query as parse_query does, and also a distribution: one `P(...)` whose events all
/// lack a value (`P(BP)`, `P(BP, CO | do(CATECHOL=HIGH), HYPOVOLEMIA=TRUE)`). Mixing events with
/// and without values, a distribution inside a sum, or the same target twice is an InvalidQuery.
[[nodiscard]] Request parse_request(std::string_view text, const Scm& scm);

/// `P(BP[CATECHOL=HIGH] | HYPOVOLEMIA[CATECHOL=HIGH]=TRUE)`: canonical, as for queries.
[[nodiscard]] std::string to_string(const Distribution& d, const Scm& scm);
[[nodiscard]] int rung_of(const Distribution& d);

/// Canonical notation (settings sorted by variable id, no do()): parse_query(to_string(q)) == q.
[[nodiscard]] std::string to_string(const Query& q, const Scm& scm);
[[nodiscard]] std::string to_string(const Term& t, const Scm& scm);
/// `X=1, Y[X=0]=1`, the form used in ZeroProbabilityEvidence messages.
[[nodiscard]] std::string to_string(const std::vector<Event>& events, const Scm& scm);

/// The same notation appended to `out`, without temporaries (to_string is built on these; the
/// solver's trace writes its text with them). The settings overload gives a term's bracket
/// contents, `X=1, M=M[X=0]`; the quantity overload one part without its sign, `P(Y=1 | X=0)`.
void append_to_string(std::string& out, const Query& q, const Scm& scm);
void append_to_string(std::string& out, const std::variant<Probability, Expectation>& quantity, const Scm& scm);
void append_to_string(std::string& out, const Term& t, const Scm& scm);
void append_to_string(std::string& out, const std::vector<Setting>& settings, const Scm& scm);
void append_to_string(std::string& out, const std::vector<Event>& events, const Scm& scm);

/// 1 if no term has settings; 2 if all terms of each probability share one set of constant
/// settings (a single intervened world); 3 otherwise (several worlds, or nested settings).
[[nodiscard]] int rung_of(const Query& q);

/// Named estimands (Pearl's definitions), with treatment x = `treated`, baseline x' = `control`:
///   ATE = E(Y[X=x]) - E(Y[X=x'])           ETT = E(Y[X=x] | X=x) - E(Y[X=x'] | X=x)
///   NDE = E(Y[X=x, M=M[X=x']]) - E(Y[X=x'])  NIE = E(Y[X=x', M=M[X=x]]) - E(Y[X=x'])
///   PN  = P(Y[X=x']=y' | X=x, Y=y)           PS  = P(Y[X=x]=y | X=x', Y=y')
///   PNS = P(Y[X=x]=y, Y[X=x']=y')
/// For PN/PS/PNS, y / y' are `Y`'s values `outcome` / `no_outcome` (labels "1"/"0" by default).
/// Labels are given as text and checked against the domains; InvalidQuery on a bad name or label.
struct Estimand {
  enum class Kind { ate, ett, nde, nie, pn, ps, pns };
  Kind kind = Kind::ate;
  std::string treatment;            ///< X
  std::string outcome;              ///< Y
  std::string mediator;             ///< M (NDE, NIE only)
  std::string treated = "1";        ///< x
  std::string control = "0";        ///< x'
  std::string outcome_value = "1";  ///< y
  std::string no_outcome_value = "0";  ///< y'
};
[[nodiscard]] Query make_query(const Estimand& e, const Scm& scm);
/// "ate" -> Kind::ate, ...; nullopt for an unknown name.
[[nodiscard]] std::optional<Estimand::Kind> estimand_kind(std::string_view name);

}  // namespace rung
