#include "rung/gen/distractors.hpp"

#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/json_fields.hpp"
#include "rung/io/json_line.hpp"
#include "rung/infer/variable_elimination.hpp"

#include <algorithm>

namespace rung {

namespace {

/// Applies `f` to every Probability/Expectation of the query (its terms and evidence).
template <class F>
Query rewrite(const Query& q, F f) {
  Query out = q;
  for (auto& part : out.parts) {
    std::visit([&](auto& quantity) { f(quantity); }, part.quantity);
  }
  return out;
}

std::optional<Rational> try_solve(const Scm& scm, const Query& q) {
  try {
    return solve(scm, q).value;
  } catch (const ZeroProbabilityEvidence&) {
    return std::nullopt;
  }
}

std::vector<Event>& evidence_of(Probability& p) { return p.evidence; }
std::vector<Event>& evidence_of(Expectation& e) { return e.evidence; }

/// Terms asked about (events' terms, or the expectation's term).
template <class F>
void for_each_asked(Probability& p, F f) {
  for (auto& e : p.events) f(e.term);
}
template <class F>
void for_each_asked(Expectation& e, F f) {
  f(e.term);
}

}  // namespace

Scm with_priors(const Scm& scm, const std::vector<std::vector<Rational>>& priors) {
  return scm.with_priors(priors);
}

std::vector<Distractor> distractors(const Scm& scm, const Query& query,
                                    const std::vector<std::pair<std::string, Query>>& readings,
                                    bool root_marginals) {
  std::vector<Distractor> out;
  // A procedure that leaves this query unchanged is not a mistake here: it is left out.
  auto add = [&](std::string name, const Query& rewritten) {
    if (rewritten != query) out.push_back({std::move(name), try_solve(scm, rewritten)});
  };

  add("no_abduction", rewrite(query, [](auto& q) { evidence_of(q).clear(); }));

  add("conditioning", rewrite(query, [](auto& q) {
                   std::vector<Event> observed;
                   for_each_asked(q, [&](Term& t) {
                     for (const Setting& s : t.settings) {
                       if (!s.is_nested()) observed.push_back({Term{s.var, {}}, s.value});
                     }
                     t.settings.clear();
                   });
                   auto& ev = evidence_of(q);
                   for (auto& e : ev) e.term.settings.clear();
                   std::erase_if(ev, [&](const Event& e) {
                     return std::any_of(observed.begin(), observed.end(), [&](const Event& o) { return o.term.var == e.term.var; });
                   });
                   for (auto& o : observed) {
                     if (std::none_of(ev.begin(), ev.end(), [&](const Event& e) { return e == o; })) ev.push_back(o);
                   }
                 }));

  // Root marginals: P(U_i | evidence) for each exogenous variable, used as independent priors,
  // then the query without its evidence. Defined for single-part queries with evidence (without
  // evidence the priors are the marginals: the procedure is the correct one).
  const std::vector<Event>* evidence = nullptr;
  if (query.parts.size() == 1) {
    std::visit([&](const auto& q) { evidence = &q.evidence; }, query.parts[0].quantity);
  }
  root_marginals = root_marginals && evidence != nullptr && !evidence->empty();
  std::optional<Rational> marginal_answer;
  if (root_marginals) {
    std::vector<std::vector<Rational>> priors(scm.exogenous().size());
    bool defined = true;
    std::vector<Term> roots;
    for (VarId u : scm.exogenous()) roots.push_back(Term{u, {}});
    std::vector<const Term*> terms;
    for (const Term& t : roots) terms.push_back(&t);
    // P(U = v | evidence) for every U and v from one elimination (when small enough), the same
    // exact values as one solve per value.
    const ve::Joint<FastRational> posterior(scm, std::move(terms), *evidence, SolverOptions{}.max_factor_cells);
    for (const Term& t : roots) {
      try {
        for (const FastRational& p : posterior.distribution(t)) priors[t.var].push_back(p.to_rational());
      } catch (const ZeroProbabilityEvidence&) {
        defined = false;
        break;
      }
    }
    // When the evidence pins every exogenous variable, the posterior is a point mass: the
    // product of its marginals is the posterior itself and the procedure is not a mistake.
    const bool point_mass = defined && std::all_of(priors.begin(), priors.end(), [](const std::vector<Rational>& p) {
      return std::any_of(p.begin(), p.end(), [](const Rational& x) { return x == 1; });
    });
    if (point_mass) root_marginals = false;
    if (defined && !point_mass) {
      Query without = rewrite(query, [](auto& q) { evidence_of(q).clear(); });
      marginal_answer = try_solve(scm.with_priors(priors), without);
    }
  }
  if (root_marginals) out.push_back({"root_marginals", marginal_answer});

  add("factual", rewrite(query, [](auto& q) { for_each_asked(q, [](Term& t) { t.settings.clear(); }); }));

  for (const auto& [name, reading] : readings) add(name, reading);
  return out;
}

void write_json(JsonWriter& out, const std::vector<Distractor>& procedures, const Decision* decision) {
  out.begin_object();
  for (const auto& d : procedures) {
    out.key(d.procedure).begin_object().key("answer");
    if (d.value && d.upper) {
      out.value(interval_string(*d.value, *d.upper)).key("lower");
      write_value_json(out, *d.value);
      out.key("upper");
      write_value_json(out, *d.upper);
    } else if (d.value) {
      out.value(decision != nullptr ? decision->answer(*d.value) : to_string(*d.value)).key("value");
      write_value_json(out, *d.value);
    } else {
      out.value(nullptr).key("note").value("undefined: zero-probability evidence");
    }
    out.end_object();
  }
  out.end_object();
}

rung::ordered_json to_json(const std::vector<Distractor>& procedures, const Decision* decision) {
  return written_json([&](JsonWriter& out) { write_json(out, procedures, decision); });
}

}  // namespace rung
