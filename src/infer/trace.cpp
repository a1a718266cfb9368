#include "rung/infer/trace.hpp"

#include "rung/core/scalar.hpp"

#include "rung/infer/enumeration.hpp"
#include "rung/infer/validate.hpp"
#include "rung/infer/variable_elimination.hpp"
#include "rung/io/json_line.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>

namespace rung {

namespace {

/// "X=1, M=M[X=0]" for the settings of a term (the bracket contents of its canonical notation).
std::string settings_text(const Term& term, const Scm& scm) {
  const std::string full = to_string(Term{term.var, term.settings}, scm);
  const std::string& name = scm.name(term.var);
  if (full.size() > name.size() + 1 && full.compare(0, name.size(), name) == 0 && full[name.size()] == '[' &&
      full.back() == ']') {
    return full.substr(name.size() + 1, full.size() - name.size() - 2);
  }
  return full;
}

std::string world_name(const Term& term, const Scm& scm) {
  if (term.settings.empty()) return "factual";
  return "do(" + settings_text(term, scm) + ")";
}

const std::vector<Event>& evidence_of(const Query::Part& part) {
  if (const auto* p = std::get_if<Probability>(&part.quantity)) return p->evidence;
  return std::get<Expectation>(part.quantity).evidence;
}

/// The terms a part asks about: its events' terms, or the expectation's term.
std::vector<const Term*> asked_terms(const Query::Part& part) {
  std::vector<const Term*> out;
  if (const auto* p = std::get_if<Probability>(&part.quantity)) {
    for (const Event& e : p->events) out.push_back(&e.term);
  } else {
    out.push_back(&std::get<Expectation>(part.quantity).term);
  }
  return out;
}

/// The values as GMP rationals (the trace's public form).
std::vector<Rational> exact(const std::vector<FastRational>& values) {
  std::vector<Rational> out;
  out.reserve(values.size());
  for (const FastRational& v : values) out.push_back(v.to_rational());
  return out;
}

/// The numbers of one part of a trace, by the solver's method. With variable elimination, one
/// elimination over the joint of every term the part asks about or predicts gives them all (exact:
/// the same fractions as one elimination per number).
class PartNumbers {
 public:
  PartNumbers(const Scm& scm, const std::vector<Term>& asked, const std::vector<Term>& inner,
              const std::vector<Event>& evidence, const TraceOptions& o)
      : scm_(scm), evidence_(evidence), max_factor_cells_(o.max_factor_cells) {
    if (o.enumerate) return;
    std::vector<const Term*> terms;
    for (const Term& t : asked) terms.push_back(&t);
    for (const Term& t : inner) terms.push_back(&t);
    joint_.emplace(scm, std::move(terms), evidence, o.max_factor_cells);
  }

  [[nodiscard]] Rational probability(const Probability& p) const {
    return joint_ ? joint_->probability(p.events).to_rational() : enumeration::probability<Rational>(scm_, p);
  }
  [[nodiscard]] std::vector<Rational> distribution(const Term& t) const {
    return joint_ ? exact(joint_->distribution(t)) : enumeration::distribution<Rational>(scm_, t, evidence_);
  }
  /// P(U = v | evidence) for an exogenous variable U, which need not be a term of the part.
  [[nodiscard]] std::vector<Rational> marginal(VarId u) const {
    const Term t{u, {}};
    return joint_ ? exact(ve::distribution<FastRational>(scm_, t, evidence_, max_factor_cells_))
                  : enumeration::distribution<Rational>(scm_, t, evidence_);
  }
  [[nodiscard]] Rational evidence_probability() const {
    if (evidence_.empty()) return 1;
    if (joint_) return joint_->evidence_probability().to_rational();
    std::vector<const Term*> terms;
    for (const Event& e : evidence_) terms.push_back(&e.term);
    Rational total = 0;
    enumeration::for_each_unit<Rational>(scm_, enumeration::relevant_exogenous(scm_, terms),
                                         [&](std::span<const Value> unit, const Rational& weight) {
                                           for (const Event& e : evidence_) {
                                             if (enumeration::evaluate(scm_, e.term, unit) != e.value) return;
                                           }
                                           total += weight;
                                         });
    return total;
  }

 private:
  const Scm& scm_;
  const std::vector<Event>& evidence_;
  std::size_t max_factor_cells_;
  std::optional<ve::Joint<FastRational>> joint_;  // variable elimination (exact, GMP only when needed)
};

/// Marks the exogenous variables that the value of `term` depends on: ancestors of its variable
/// in its own world (the parents of a set variable are cut), and those of its nested terms.
void mark_relevant(const Scm& scm, const Term& term, std::vector<bool>& relevant) {
  for (const Setting& s : term.settings) {
    if (s.is_nested()) mark_relevant(scm, s.nested.front(), relevant);
  }
  std::vector<bool> seen(scm.size(), false);
  std::vector<VarId> stack{term.var};
  while (!stack.empty()) {
    const VarId v = stack.back();
    stack.pop_back();
    if (seen[v]) continue;
    seen[v] = true;
    if (std::any_of(term.settings.begin(), term.settings.end(), [&](const Setting& s) { return s.var == v; })) continue;
    if (scm.is_exogenous(v)) {
      relevant[v] = true;
      continue;
    }
    for (VarId p : scm.mechanism(v).parents()) stack.push_back(p);
  }
}

Trace::Abduction abduce(const Scm& scm, const std::vector<const Term*>& terms, const std::vector<Event>& evidence,
                        const PartNumbers& numbers, const TraceOptions& options) {
  Trace::Abduction a;
  a.evidence = evidence.empty() ? std::string() : to_string(evidence, scm);
  a.evidence_probability = numbers.evidence_probability();
  std::vector<bool> marked(scm.size(), false);
  for (const Term* t : terms) mark_relevant(scm, *t, marked);
  std::vector<VarId> relevant;
  for (VarId u : scm.exogenous()) {
    if (marked[u]) relevant.push_back(u);
  }
  std::uint64_t units = 1;
  bool too_many = false;
  for (VarId u : relevant) {
    const auto& prior = scm.prior(u);
    a.exogenous.push_back({scm.name(u), scm.domain(u).labels(), prior});
    const auto c = static_cast<std::uint64_t>(
        std::count_if(prior.begin(), prior.end(), [](const Rational& p) { return !p.is_zero(); }));
    if (units > options.max_units / c) too_many = true;
    if (!too_many) units *= c;
  }
  too_many = too_many || units > options.max_units;

  if (!too_many) {
    // Rows in FastRational until they are shown: the marginals are exact sums, so they need
    // neither the rows sorted nor converted.
    struct Weighted {
      std::vector<Value> values;
      FastRational probability;
    };
    std::vector<Weighted> rows;
    const FastRational evidence_probability(a.evidence_probability);
    enumeration::for_each_unit<FastRational>(
        scm, relevant,
        [&](std::span<const Value> unit, const FastRational& weight) {
          for (const Event& e : evidence) {
            if (enumeration::evaluate(scm, e.term, unit) != e.value) return;
          }
          Weighted row;
          for (VarId u : relevant) row.values.push_back(unit[u]);
          row.probability = weight / evidence_probability;
          rows.push_back(std::move(row));
        },
        options.max_units);
    if (rows.size() <= options.max_rows) {
      std::sort(rows.begin(), rows.end(), [](const Weighted& x, const Weighted& y) { return x.values < y.values; });
      a.posterior.reserve(rows.size());
      for (auto& row : rows) a.posterior.push_back({std::move(row.values), row.probability.to_rational()});
      return a;
    }
    a.summarised = true;
    a.note = fmt::format("the joint posterior has {} non-zero rows (more than {}): each variable's posterior "
                         "marginal is shown instead",
                         rows.size(), options.max_rows);
    for (std::size_t i = 0; i < relevant.size(); ++i) {
      std::vector<FastRational> m(scm.domain(relevant[i]).size());
      for (const auto& row : rows) m[row.values[i]] += row.probability;
      a.marginals.push_back(exact(m));
    }
    return a;
  }
  a.summarised = true;
  a.note = fmt::format("the {} exogenous variables have more than {} combinations of values: each variable's "
                       "posterior marginal is shown instead of the joint",
                       relevant.size(), options.max_units);
  for (VarId u : relevant) a.marginals.push_back(numbers.marginal(u));
  return a;
}

struct WorldTerms {
  std::vector<Setting> settings;
  Term representative;          // a term of the world (for its name)
  std::vector<VarId> vars;      // the variables asked for in this world
};

/// Worlds in dependency order (nested worlds before the worlds that read them), and the terms to
/// predict: the asked terms first, then the nested ones.
void collect_worlds(const Term& term, bool nested, std::vector<WorldTerms>& worlds, std::vector<Term>& asked,
                    std::vector<Term>& inner) {
  for (const Setting& s : term.settings) {
    if (s.is_nested()) collect_worlds(s.nested.front(), true, worlds, asked, inner);
  }
  auto it = std::find_if(worlds.begin(), worlds.end(), [&](const WorldTerms& w) { return w.settings == term.settings; });
  if (it == worlds.end()) {
    worlds.push_back({term.settings, term, {}});
    it = worlds.end() - 1;
  }
  it->vars.push_back(term.var);
  auto& list = nested ? inner : asked;
  if (std::find(list.begin(), list.end(), term) == list.end()) list.push_back(term);
}

Trace::World describe_world(const Scm& scm, const WorldTerms& w) {
  Trace::World out;
  out.name = world_name(w.representative, scm);
  std::vector<bool> seen(scm.size(), false);
  std::vector<VarId> stack = w.vars;
  for (const Setting& s : w.settings) stack.push_back(s.var);  // the interventions are always shown
  auto setting_of = [&](VarId v) -> const Setting* {
    for (const Setting& s : w.settings) {
      if (s.var == v) return &s;
    }
    return nullptr;
  };
  while (!stack.empty()) {
    const VarId v = stack.back();
    stack.pop_back();
    if (seen[v]) continue;
    seen[v] = true;
    if (setting_of(v) != nullptr || scm.is_exogenous(v)) continue;
    for (VarId p : scm.mechanism(v).parents()) stack.push_back(p);
  }
  for (VarId v : scm.evaluation_order()) {
    if (!seen[v]) continue;
    if (const Setting* s = setting_of(v)) {
      if (s->is_nested()) {
        const Term& t = s->nested.front();
        out.mechanisms.push_back(fmt::format("{} := {} in {}", scm.name(v), scm.name(t.var),
                                             t.settings.empty() ? "the factual world"
                                                                : "world " + world_name(t, scm)));
      } else {
        out.mechanisms.push_back(fmt::format("{} := {}", scm.name(v), scm.domain(v).label(s->value)));
      }
    } else {
      out.mechanisms.push_back(fmt::format("{} := {}", scm.name(v), scm.mechanism(v).to_string()));
    }
  }
  return out;
}

Trace::Part trace_part(const Scm& scm, const Query::Part& part, const TraceOptions& options) {
  Trace::Part out;
  out.sign = part.sign;
  out.quantity = to_string(Query{{Query::Part{1, part.quantity}}}, scm);
  const std::vector<Event>& evidence = evidence_of(part);
  std::vector<WorldTerms> worlds;
  std::vector<Term> asked;
  std::vector<Term> inner;
  for (const Term* t : asked_terms(part)) collect_worlds(*t, false, worlds, asked, inner);
  // Checked in the order the solver checks them: the events (or the labels), then the evidence.
  const auto* asked_probability = std::get_if<Probability>(&part.quantity);
  std::vector<Rational> labels_as_numbers;
  if (asked_probability != nullptr) {
    check_events(asked_probability->events, scm);
  } else {
    labels_as_numbers = numeric_labels(std::get<Expectation>(part.quantity).term.var, scm);
  }
  const PartNumbers numbers(scm, asked, inner, evidence, options);
  if (asked_probability != nullptr) {
    out.value = numbers.probability(*asked_probability);
  } else {
    const auto dist = numbers.distribution(std::get<Expectation>(part.quantity).term);
    out.value = 0;
    for (std::size_t v = 0; v < dist.size(); ++v) out.value += labels_as_numbers[v] * dist[v];
  }

  std::vector<const Term*> terms = asked_terms(part);
  for (const Event& e : evidence) terms.push_back(&e.term);
  out.abduction = abduce(scm, terms, evidence, numbers, options);

  for (const auto& w : worlds) out.action.push_back(describe_world(scm, w));

  auto predict = [&](const Term& t, bool nested) {
    Trace::Prediction p;
    p.world = world_name(t, scm);
    p.term = to_string(t, scm);
    p.labels = scm.domain(t.var).labels();
    p.distribution = numbers.distribution(t);
    for (std::size_t v = 0; v < p.distribution.size(); ++v) {
      if (is_one(p.distribution[v])) p.value = p.labels[v];
    }
    p.nested = nested;
    out.prediction.push_back(std::move(p));
  };
  for (const Term& t : asked) predict(t, false);
  for (const Term& t : inner) {
    if (std::find(asked.begin(), asked.end(), t) == asked.end()) predict(t, true);
  }
  return out;
}

std::string value_text(const Rational& v) { return fmt::format("{} ({})", to_string(v), to_decimal(v, 6)); }

std::string assignment_text(const Trace::Abduction& a, const std::vector<Value>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += a.exogenous[i].name + "=" + a.exogenous[i].labels[values[i]];
  }
  return out;
}

/// Appends `indent`, then `format` filled in with `args`, to `out` (no temporary strings).
template <class... Args>
void add(std::string& out, const std::string& indent, fmt::format_string<Args...> format, Args&&... args) {
  out += indent;
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

/// Appends "P(Y=0 | X=1) = 1/3, P(Y=1 | X=1) = 2/3"; `given` is " | evidence" or empty.
void add_distribution(std::string& out, const std::vector<std::string>& labels, const std::vector<Rational>& dist,
                      const std::string& what, const std::string& given) {
  for (std::size_t v = 0; v < dist.size(); ++v) {
    if (v > 0) out += ", ";
    fmt::format_to(std::back_inserter(out), "P({}={}{}) = {}", what, labels[v], given, to_string(dist[v]));
  }
}

void part_text(const Trace::Part& part, const Scm& scm, const std::string& indent, bool last_is_answer,
               std::string& out) {
  const Trace::Abduction& a = part.abduction;
  const std::string given = a.evidence.empty() ? std::string() : " | " + a.evidence;
  // 1. Abduction
  if (a.evidence.empty()) {
    add(out, indent, "1. Abduction. No evidence: the posterior over the exogenous variables is their prior.\n");
  } else {
    add(out, indent, "1. Abduction. Evidence: {}, with probability {}.\n", a.evidence, to_string(a.evidence_probability));
  }
  if (a.exogenous.empty()) {
    add(out, indent, "   No exogenous variable affects the query.\n");
  } else {
    add(out, indent, "   Exogenous variables that affect the query, with their priors: ");
    std::vector<std::string> names;
    for (const auto& u : a.exogenous) {
      if (!names.empty()) out += "; ";
      out += u.name;
      out += " ~ (";
      for (std::size_t v = 0; v < u.prior.size(); ++v) {
        if (v > 0) out += ", ";
        fmt::format_to(std::back_inserter(out), "{}: {}", u.labels[v], to_string(u.prior[v]));
      }
      out += ")";
      names.push_back(u.name);
    }
    out += ".\n";
    std::vector<std::string> others;
    for (VarId u : scm.exogenous()) {
      if (std::find(names.begin(), names.end(), scm.name(u)) == names.end()) others.push_back(scm.name(u));
    }
    if (!others.empty()) add(out, indent, "   ({} cannot affect the query.)\n", fmt::join(others, ", "));
    if (!a.summarised) {
      add(out, indent, "   Joint posterior P({}{}), non-zero rows:\n", fmt::join(names, ", "), given);
      for (const auto& row : a.posterior) {
        add(out, indent, "     {}: {}\n", assignment_text(a, row.values), to_string(row.probability));
      }
    } else {
      add(out, indent, "   Note: {}.\n", a.note);
      for (std::size_t i = 0; i < a.exogenous.size(); ++i) {
        add(out, indent, "     ");
        add_distribution(out, a.exogenous[i].labels, a.marginals[i], a.exogenous[i].name, given);
        out += "\n";
      }
    }
  }
  // 2. Action
  add(out, indent, "2. Action. The worlds the query needs, each with the mechanisms its terms depend on:\n");
  for (const auto& w : part.action) {
    add(out, indent, "     world {}:\n", w.name);
    for (const auto& m : w.mechanisms) {
      add(out, indent, "       ");
      for (const char c : m) {
        out += c;
        if (c == '\n') add(out, indent, "         ");  // continuation lines of a table, indented
      }
      out += "\n";
    }
  }
  // 3. Prediction
  add(out, indent, "3. Prediction. In each world, for units drawn from the posterior:\n");
  for (const auto& p : part.prediction) {
    add(out, indent, "     {}{} (world {}): ", p.term, p.nested ? ", nested" : "", p.world);
    add_distribution(out, p.labels, p.distribution, p.term, given);
    if (p.value) fmt::format_to(std::back_inserter(out), "; always {}", *p.value);
    out += "\n";
  }
  // 4. Value
  add(out, indent, "4. {}: {} = {}\n", last_is_answer ? "Answer" : "Value", part.quantity,
      last_is_answer ? value_text(part.value) : to_string(part.value));
}

// The JSON form: keys in alphabetical order, as `nlohmann::json` (a std::map) prints them.

void write_rationals(JsonWriter& out, const std::vector<Rational>& values) {
  out.begin_array();
  for (const auto& v : values) out.value(to_string(v));
  out.end_array();
}

void write_abduction(JsonWriter& out, const Trace::Abduction& a) {
  out.begin_object();
  out.key("evidence").value(a.evidence);
  out.key("evidence_probability").value(to_string(a.evidence_probability));
  out.key("exogenous").begin_array();
  for (const auto& u : a.exogenous) {
    out.begin_object().key("name").value(u.name).key("prior");
    write_rationals(out, u.prior);
    out.key("values").strings(u.labels).end_object();
  }
  out.end_array();
  if (a.summarised) {
    out.key("marginals").begin_array();
    for (const auto& m : a.marginals) write_rationals(out, m);
    out.end_array();
    out.key("note").value(a.note);
  } else {
    out.key("posterior").begin_array();
    for (const auto& row : a.posterior) {
      out.begin_object().key("probability").value(to_string(row.probability)).key("values").begin_array();
      for (std::size_t i = 0; i < row.values.size(); ++i) out.value(a.exogenous[i].labels[row.values[i]]);
      out.end_array().end_object();
    }
    out.end_array();
  }
  out.key("summarised").value(a.summarised).end_object();
}

void write_prediction(JsonWriter& out, const Trace::Prediction& p) {
  out.begin_object().key("distribution");
  write_rationals(out, p.distribution);
  out.key("nested").value(p.nested).key("term").value(p.term);
  if (p.value) out.key("value").value(*p.value);
  out.key("values").strings(p.labels).key("world").value(p.world).end_object();
}

void write_part(JsonWriter& out, const Trace::Part& part) {
  out.begin_object().key("abduction");
  write_abduction(out, part.abduction);
  out.key("action").begin_array();
  for (const auto& w : part.action) out.begin_object().key("mechanisms").strings(w.mechanisms).key("world").value(w.name).end_object();
  out.end_array();
  out.key("prediction").begin_array();
  for (const auto& p : part.prediction) write_prediction(out, p);
  out.end_array();
  out.key("quantity").value(part.quantity).key("sign").value(part.sign).key("value").value(to_string(part.value));
  out.end_object();
}

}  // namespace

Trace make_trace(const Scm& scm, const Query& query, const TraceOptions& options) {
  Trace t;
  t.query = to_string(query, scm);
  t.value = 0;
  for (const auto& part : query.parts) {
    t.parts.push_back(trace_part(scm, part, options));
    if (part.sign < 0) {
      t.value -= t.parts.back().value;
    } else {
      t.value += t.parts.back().value;
    }
  }
  return t;
}

std::string to_text(const Trace& trace, const Scm& scm) {
  std::string out = "Query: " + trace.query + "\n";
  if (trace.parts.size() == 1 && trace.parts.front().sign > 0) {
    part_text(trace.parts.front(), scm, "", true, out);
    return out;
  }
  std::string sum;
  for (std::size_t i = 0; i < trace.parts.size(); ++i) {
    const auto& part = trace.parts[i];
    out += fmt::format("Part {} of {}: {}{}\n", i + 1, trace.parts.size(), part.sign < 0 ? "- " : "+ ", part.quantity);
    part_text(part, scm, "  ", false, out);
    if (i == 0) {
      sum += part.sign < 0 ? "-" : "";
    } else {
      sum += part.sign < 0 ? " - " : " + ";
    }
    // Appended piece by piece: `"(" + str` trips a GCC 12 -Wrestrict false positive at -O3.
    if (part.value < 0) sum += '(';
    sum += to_string(part.value);
    if (part.value < 0) sum += ')';
  }
  out += fmt::format("Answer: {} = {} = {}\n", trace.query, sum, value_text(trace.value));
  return out;
}

void write_json(JsonWriter& out, const Trace& trace) {
  out.begin_object();
  out.key("decimal").value(to_decimal(trace.value, 6));
  out.key("parts").begin_array();
  for (const auto& part : trace.parts) write_part(out, part);
  out.end_array();
  out.key("query").value(trace.query).key("value").value(to_string(trace.value));
  out.end_object();
}

nlohmann::json to_json(const Trace& trace) {
  return written_json<nlohmann::json>([&](JsonWriter& out) { write_json(out, trace); });
}

int reasoning_steps(const Trace& t) {
  int steps = 0;
  for (const auto& part : t.parts) {
    if (!part.abduction.evidence.empty()) ++steps;
    for (const auto& world : part.action) steps += static_cast<int>(world.mechanisms.size());
  }
  return steps;
}

}  // namespace rung
