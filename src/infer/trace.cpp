#include "rung/infer/trace.hpp"

#include "rung/core/scalar.hpp"

#include "rung/infer/enumeration.hpp"
#include "rung/infer/validate.hpp"
#include "rung/infer/variable_elimination.hpp"
#include "rung/io/json_line.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <iterator>
#include <string_view>

namespace rung {

namespace {

// ---- Text, appended ---------------------------------------------------------------------------
// A trace is mostly text. Every piece is appended into the string that holds it, instead of being
// built as a temporary and copied (the per-item cost of the generator's reasoning field).

void append_integer(std::string& out, long v) {
  char digits[24];  // enough for any 64-bit integer
  out.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
}

/// Appends to_string(value) ("7/20", "-1/3", "2"): digits written directly when numerator and
/// denominator fit in a long (every value of a generated item), rung::to_string otherwise.
void append_rational(std::string& out, const Rational& value) {
  const auto* q = value.backend().data();
  if (mpz_fits_slong_p(mpq_numref(q)) == 0 || mpz_fits_slong_p(mpq_denref(q)) == 0) {
    out += to_string(value);
    return;
  }
  append_integer(out, mpz_get_si(mpq_numref(q)));
  const long den = mpz_get_si(mpq_denref(q));
  if (den != 1) {
    out += '/';
    append_integer(out, den);
  }
}

/// "factual", or "do(X=1, M=M[X=0])" for the settings of a term.
void append_world_name(std::string& out, const std::vector<Setting>& settings, const Scm& scm) {
  if (settings.empty()) {
    out += "factual";
    return;
  }
  out += "do(";
  append_to_string(out, settings, scm);
  out += ')';
}


const std::vector<Event>& evidence_of(const Query::Part& part) {
  if (const auto* p = std::get_if<Probability>(&part.quantity)) return p->evidence;
  return std::get<Expectation>(part.quantity).evidence;
}

/// The values as GMP rationals (the trace's public form).
std::vector<Rational> exact(const std::vector<FastRational>& values) {
  std::vector<Rational> out;
  out.reserve(values.size());
  for (const FastRational& v : values) out.push_back(v.to_rational());
  return out;
}

/// Buffers reused from query to query (per thread): a trace is built for every generated item,
/// and these would otherwise be allocated and freed each time.
struct Scratch {
  std::vector<char> reached;        // per variable: reached by the current walk
  std::vector<VarId> stack;         // the walk's frontier
  std::vector<Value> row_values;    // the units that satisfy the evidence, k values each
  std::vector<FastRational> row_weights;  // and their prior weights
  std::string json;                 // write_json's text
  // for_each_unit's enumeration
  std::vector<std::size_t> first_choice;
  std::vector<Value> choices;
  std::vector<FastRational> choice_weights;
  std::vector<Value> unit;
  std::vector<std::size_t> digit;
  std::vector<FastRational> prefix;
};
thread_local Scratch t_scratch;

/// The setting of `v` among `settings`, or nullptr.
const Setting* setting_of(const std::vector<Setting>& settings, VarId v) {
  for (const Setting& s : settings) {
    if (s.var == v) return &s;
  }
  return nullptr;
}

/// Marks in `reached` (one entry per variable, cleared here) the variables that the variables on
/// `stack` depend on in the world of `settings`: a walk up the mechanisms' parents that stops at
/// exogenous and at set variables (an intervention cuts its variable's parents); those are
/// marked too. Empties `stack`.
void reach(const Scm& scm, const std::vector<Setting>& settings, std::vector<VarId>& stack, std::vector<char>& reached) {
  reached.assign(scm.size(), 0);
  while (!stack.empty()) {
    const VarId v = stack.back();
    stack.pop_back();
    if (reached[v] != 0) continue;
    reached[v] = 1;
    if (setting_of(settings, v) != nullptr || scm.is_exogenous(v)) continue;
    for (VarId p : scm.mechanism(v).parents()) stack.push_back(p);
  }
}

/// The numbers of one part of a trace, by the solver's method. With variable elimination, one
/// elimination over the joint of every term the part asks about or predicts gives them all (exact:
/// the same fractions as one elimination per number).
class PartNumbers {
 public:
  PartNumbers(const Scm& scm, std::vector<const Term*> terms, const std::vector<Event>& evidence,
              const TraceOptions& o)
      : scm_(scm), evidence_(evidence), max_factor_cells_(o.max_factor_cells) {
    if (o.enumerate) return;
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
void mark_relevant(const Scm& scm, const Term& term, std::vector<char>& relevant, Scratch& scratch) {
  for (const Setting& s : term.settings) {
    if (s.is_nested()) mark_relevant(scm, s.nested.front(), relevant, scratch);
  }
  scratch.stack.assign(1, term.var);
  reach(scm, term.settings, scratch.stack, scratch.reached);
  for (VarId v = 0; v < scm.size(); ++v) {
    if (scratch.reached[v] != 0 && scm.is_exogenous(v) && setting_of(term.settings, v) == nullptr) relevant[v] = 1;
  }
}

/// Whether a unit satisfies the evidence, as enumeration::evaluate would tell event by event, but
/// with what does not change from unit to unit worked out once: the evidence terms are grouped
/// by world, and each world evaluates, per unit, only the mechanisms the evidence reads there.
class EvidenceCheck {
 public:
  EvidenceCheck(const Scm& scm, const std::vector<Event>& evidence, const std::vector<VarId>& exogenous,
                Scratch& scratch)
      : scm_(scm), evidence_(evidence), exogenous_(exogenous), world_of_(evidence.size()) {
    for (std::size_t i = 0; i < evidence.size(); ++i) {
      const std::vector<Setting>& settings = evidence[i].term.settings;
      auto w = std::find_if(worlds_.begin(), worlds_.end(), [&](const World& x) { return *x.settings == settings; });
      if (w == worlds_.end()) w = worlds_.insert(worlds_.end(), World{&settings, {}, std::vector<Value>(scm.size(), 0)});
      world_of_[i] = static_cast<std::size_t>(w - worlds_.begin());
    }
    for (std::size_t w = 0; w < worlds_.size(); ++w) {
      // The unset endogenous ancestors of the world's evidence variables, in evaluation order.
      World& world = worlds_[w];
      scratch.stack.clear();
      for (std::size_t i = 0; i < evidence.size(); ++i) {
        if (world_of_[i] == w) scratch.stack.push_back(evidence[i].term.var);
      }
      reach(scm, *world.settings, scratch.stack, scratch.reached);
      for (VarId v : scm.evaluation_order()) {
        if (scratch.reached[v] != 0 && setting_of(*world.settings, v) == nullptr) world.order.push_back(v);
      }
    }
  }

  /// `unit` has the values of the exogenous variables at their ids (0 for the others).
  [[nodiscard]] bool holds(std::span<const Value> unit) {
    for (std::size_t w = 0; w < worlds_.size(); ++w) {
      World& world = worlds_[w];
      std::vector<Value>& values = world.values;
      for (VarId u : exogenous_) values[u] = unit[u];
      for (const Setting& s : *world.settings) {
        values[s.var] = s.is_nested() ? enumeration::evaluate(scm_, s.nested.front(), unit) : s.value;
      }
      for (VarId v : world.order) values[v] = scm_.mechanism(v).evaluate(values);
      for (std::size_t i = 0; i < evidence_.size(); ++i) {
        if (world_of_[i] == w && values[evidence_[i].term.var] != evidence_[i].value) return false;
      }
    }
    return true;
  }

 private:
  struct World {
    const std::vector<Setting>* settings;
    std::vector<VarId> order;   // the variables to compute, in evaluation order
    std::vector<Value> values;  // per variable: the world's values for the current unit
  };
  const Scm& scm_;
  const std::vector<Event>& evidence_;
  const std::vector<VarId>& exogenous_;
  std::vector<World> worlds_;
  std::vector<std::size_t> world_of_;  // per event: its world
};

/// Calls visit(unit, weight) for every combination of values of `exogenous` whose prior weight is
/// not zero, in lexicographic order of the values (first variable slowest), the weight being the
/// product of the priors: enumeration::for_each_unit without a std::function per unit, on the
/// scratch buffers. The caller has checked that the combinations are few enough.
template <class Visit>
void for_each_unit(const Scm& scm, const std::vector<VarId>& exogenous, Scratch& scratch, Visit&& visit) {
  const std::size_t k = exogenous.size();
  // The choices of variable i are first[i] .. first[i + 1] - 1 in the flat lists.
  auto& first = scratch.first_choice;
  auto& choices = scratch.choices;
  auto& weights = scratch.choice_weights;
  first.assign(1, 0);
  choices.clear();
  weights.clear();
  for (std::size_t i = 0; i < k; ++i) {
    const auto& prior = scm.prior(exogenous[i]);
    for (std::size_t v = 0; v < prior.size(); ++v) {
      if (prior[v].is_zero()) continue;
      choices.push_back(static_cast<Value>(v));
      weights.emplace_back(prior[v]);
    }
    first.push_back(choices.size());
    if (first[i + 1] == first[i]) return;
  }
  auto& unit = scratch.unit;
  auto& digit = scratch.digit;    // per variable: the index of its current choice
  auto& prefix = scratch.prefix;  // prefix[i]: the weight of the first i variables' choices
  unit.assign(scm.size(), 0);
  digit.assign(first.begin(), first.end() - 1);
  prefix.resize(k + 1);
  prefix[0] = 1;
  for (std::size_t i = 0; i < k; ++i) {
    unit[exogenous[i]] = choices[digit[i]];
    prefix[i + 1] = prefix[i] * weights[digit[i]];
  }
  for (;;) {
    visit(std::span<const Value>(unit), prefix[k]);
    std::size_t d = k;
    while (d > 0) {
      --d;
      if (++digit[d] < first[d + 1]) break;
      digit[d] = first[d];
      unit[exogenous[d]] = choices[digit[d]];
      if (d == 0) return;
    }
    if (k == 0) return;
    unit[exogenous[d]] = choices[digit[d]];
    for (std::size_t i = d; i < k; ++i) prefix[i + 1] = prefix[i] * weights[digit[i]];
  }
}

std::string too_many_rows_note(std::uint64_t rows, std::size_t max_rows) {
  return fmt::format("the joint posterior has {} non-zero rows (more than {}): each variable's posterior marginal is shown instead",
                     rows, max_rows);
}

void abduce(const Scm& scm, const Query::Part& part, const std::vector<Event>& evidence, const PartNumbers& numbers,
            const TraceOptions& options, Scratch& scratch, Trace::Abduction& a) {
  append_to_string(a.evidence, evidence, scm);
  a.evidence_probability = numbers.evidence_probability();
  // The relevant exogenous variables: those of the asked terms and of the evidence.
  std::vector<char> marked(scm.size(), 0);
  if (const auto* p = std::get_if<Probability>(&part.quantity)) {
    for (const Event& e : p->events) mark_relevant(scm, e.term, marked, scratch);
  } else {
    mark_relevant(scm, std::get<Expectation>(part.quantity).term, marked, scratch);
  }
  for (const Event& e : evidence) mark_relevant(scm, e.term, marked, scratch);
  std::vector<VarId> relevant;
  for (VarId u = 0; u < scm.size(); ++u) {
    if (marked[u] != 0 && scm.is_exogenous(u)) relevant.push_back(u);
  }
  std::uint64_t units = 1;
  bool too_many = false;
  a.exogenous.reserve(relevant.size());
  for (VarId u : relevant) {
    const auto& prior = scm.prior(u);
    a.exogenous.push_back({scm.name(u), scm.domain(u).labels(), prior});
    const auto c = static_cast<std::uint64_t>(
        std::count_if(prior.begin(), prior.end(), [](const Rational& p) { return !p.is_zero(); }));
    if (units > options.max_units / c) too_many = true;
    if (!too_many) units *= c;
  }
  too_many = too_many || units > options.max_units;

  if (too_many) {
    a.summarised = true;
    a.note = fmt::format("the {} exogenous variables have more than {} combinations of values: each variable's "
                         "posterior marginal is shown instead of the joint",
                         relevant.size(), options.max_units);
    for (VarId u : relevant) a.marginals.push_back(numbers.marginal(u));
    return;
  }
  // Without evidence every unit of non-zero prior weight is a row, and the posterior is the
  // prior: where they are too many to list, the note and the marginals (each variable's prior)
  // are known without walking the units (the same numbers the walk below would sum).
  if (evidence.empty() && units > options.max_rows) {
    a.summarised = true;
    a.note = too_many_rows_note(units, options.max_rows);
    a.marginals.reserve(relevant.size());
    for (VarId u : relevant) a.marginals.push_back(scm.prior(u));
    return;
  }
  // The units that satisfy the evidence, with their prior weights, flat (k values a row), in
  // lexicographic order of their values: the order of the posterior's rows.
  const std::size_t k = relevant.size();
  std::vector<Value>& values = scratch.row_values;
  std::vector<FastRational>& weights = scratch.row_weights;
  values.clear();
  weights.clear();
  EvidenceCheck check(scm, evidence, relevant, scratch);
  for_each_unit(scm, relevant, scratch, [&](std::span<const Value> unit, const FastRational& weight) {
    if (!check.holds(unit)) return;
    for (VarId u : relevant) values.push_back(unit[u]);
    weights.push_back(weight);
  });
  const std::size_t rows = weights.size();
  // P(u | evidence) = P(u) / P(evidence) where the unit satisfies the evidence.
  const FastRational evidence_probability(a.evidence_probability);
  auto posterior = [&](std::size_t r) { return evidence.empty() ? weights[r] : weights[r] / evidence_probability; };
  if (rows <= options.max_rows) {
    a.posterior.resize(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      a.posterior[r].values.assign(values.begin() + static_cast<std::ptrdiff_t>(r * k),
                                   values.begin() + static_cast<std::ptrdiff_t>((r + 1) * k));
      a.posterior[r].probability = posterior(r).to_rational();
    }
    return;
  }
  a.summarised = true;
  a.note = too_many_rows_note(rows, options.max_rows);
  // The marginals are exact sums: they need neither sorted nor GMP rows.
  std::vector<std::vector<FastRational>> marginals(k);
  for (std::size_t i = 0; i < k; ++i) marginals[i].resize(scm.domain(relevant[i]).size());
  for (std::size_t r = 0; r < rows; ++r) {
    const FastRational p = posterior(r);
    for (std::size_t i = 0; i < k; ++i) marginals[i][values[r * k + i]] += p;
  }
  a.marginals.reserve(k);
  for (const auto& m : marginals) a.marginals.push_back(exact(m));
}

/// A world of the part: its settings (those of its first term) and the variables asked there.
struct WorldTerms {
  const std::vector<Setting>* settings;
  std::vector<VarId> vars;
};

/// A term to predict, and the index of its world.
struct Predicted {
  const Term* term;
  std::size_t world;
};

/// Worlds in dependency order (nested worlds before the worlds that read them), and the terms to
/// predict: the asked terms first, then the nested ones.
void collect_worlds(const Term& term, bool nested, std::vector<WorldTerms>& worlds, std::vector<Predicted>& asked,
                    std::vector<Predicted>& inner) {
  for (const Setting& s : term.settings) {
    if (s.is_nested()) collect_worlds(s.nested.front(), true, worlds, asked, inner);
  }
  auto it = std::find_if(worlds.begin(), worlds.end(), [&](const WorldTerms& w) { return *w.settings == term.settings; });
  if (it == worlds.end()) it = worlds.insert(worlds.end(), WorldTerms{&term.settings, {}});
  it->vars.push_back(term.var);
  auto& list = nested ? inner : asked;
  if (std::none_of(list.begin(), list.end(), [&](const Predicted& p) { return *p.term == term; })) {
    list.push_back({&term, static_cast<std::size_t>(it - worlds.begin())});
  }
}

/// The mechanisms of the variables the world's terms depend on (and its interventions), in
/// evaluation order. `out.name` is already set.
void describe_world(const Scm& scm, const WorldTerms& w, Scratch& scratch, Trace::World& out) {
  const std::vector<Setting>& settings = *w.settings;
  scratch.stack.assign(w.vars.begin(), w.vars.end());
  for (const Setting& s : settings) scratch.stack.push_back(s.var);  // the interventions are always shown
  reach(scm, settings, scratch.stack, scratch.reached);
  std::size_t shown = 0;
  for (VarId v : scm.evaluation_order()) shown += scratch.reached[v] != 0 ? 1 : 0;
  out.mechanisms.reserve(shown);
  for (VarId v : scm.evaluation_order()) {
    if (scratch.reached[v] == 0) continue;
    std::string& m = out.mechanisms.emplace_back(scm.name(v));
    const Setting* s = setting_of(settings, v);
    m += s == nullptr && scm.mechanism(v).is_cpt() ? " ~ " : " := ";  // a CPT as written; a setting replaces it
    if (s != nullptr) {
      if (s->is_nested()) {
        const Term& t = s->nested.front();
        m += scm.name(t.var);
        if (t.settings.empty()) {
          m += " in the factual world";
        } else {
          m += " in world ";
          append_world_name(m, t.settings, scm);
        }
      } else {
        m += scm.domain(v).label(s->value);
      }
    } else {
      m += scm.mechanism(v).to_string();
    }
  }
}

void trace_part(const Scm& scm, const Query::Part& part, const TraceOptions& options, Scratch& scratch,
                Trace::Part& out) {
  out.sign = part.sign;
  append_to_string(out.quantity, part.quantity, scm);
  const std::vector<Event>& evidence = evidence_of(part);
  std::vector<WorldTerms> worlds;
  std::vector<Predicted> asked;
  std::vector<Predicted> inner;
  const auto* asked_probability = std::get_if<Probability>(&part.quantity);
  if (asked_probability != nullptr) {
    for (const Event& e : asked_probability->events) collect_worlds(e.term, false, worlds, asked, inner);
  } else {
    collect_worlds(std::get<Expectation>(part.quantity).term, false, worlds, asked, inner);
  }
  // Checked in the order the solver checks them: the events (or the labels), then the evidence.
  std::vector<Rational> labels_as_numbers;
  if (asked_probability != nullptr) {
    check_events(asked_probability->events, scm);
  } else {
    labels_as_numbers = numeric_labels(std::get<Expectation>(part.quantity).term.var, scm);
  }
  std::vector<const Term*> terms;
  terms.reserve(asked.size() + inner.size());
  for (const Predicted& p : asked) terms.push_back(p.term);
  for (const Predicted& p : inner) terms.push_back(p.term);
  const PartNumbers numbers(scm, std::move(terms), evidence, options);
  if (asked_probability != nullptr) {
    out.value = numbers.probability(*asked_probability);
  } else {
    const auto dist = numbers.distribution(std::get<Expectation>(part.quantity).term);
    out.value = 0;
    for (std::size_t v = 0; v < dist.size(); ++v) out.value += labels_as_numbers[v] * dist[v];
  }

  abduce(scm, part, evidence, numbers, options, scratch, out.abduction);

  out.action.resize(worlds.size());
  for (std::size_t w = 0; w < worlds.size(); ++w) {
    append_world_name(out.action[w].name, *worlds[w].settings, scm);
    describe_world(scm, worlds[w], scratch, out.action[w]);
  }

  out.prediction.reserve(asked.size() + inner.size());
  auto predict = [&](const Predicted& t, bool nested) {
    Trace::Prediction& p = out.prediction.emplace_back();
    p.world = out.action[t.world].name;
    append_to_string(p.term, *t.term, scm);
    p.labels = scm.domain(t.term->var).labels();
    p.distribution = numbers.distribution(*t.term);
    for (std::size_t v = 0; v < p.distribution.size(); ++v) {
      if (is_one(p.distribution[v])) p.value = p.labels[v];
    }
    p.nested = nested;
  };
  for (const Predicted& t : asked) predict(t, false);
  for (const Predicted& t : inner) {
    if (std::none_of(asked.begin(), asked.end(), [&](const Predicted& a) { return *a.term == *t.term; })) {
      predict(t, true);
    }
  }
}

// ---- The text form ----------------------------------------------------------------------------

/// "1/3 (0.333333)"
void append_value(std::string& out, const Rational& v) {
  append_rational(out, v);
  out += " (";
  out += to_decimal(v, 6);
  out += ')';
}

/// Appends "P(Y=0 | X=1) = 1/3, P(Y=1 | X=1) = 2/3"; `given` is " | evidence" or empty.
void append_distribution(std::string& out, const std::vector<std::string>& labels, const std::vector<Rational>& dist,
                         std::string_view what, std::string_view given) {
  for (std::size_t v = 0; v < dist.size(); ++v) {
    if (v > 0) out += ", ";
    out += "P(";
    out += what;
    out += '=';
    out += labels[v];
    out += given;
    out += ") = ";
    append_rational(out, dist[v]);
  }
}

/// Appends a new line of the text: `indent`, then `text`.
void line(std::string& out, std::string_view indent, std::string_view text) {
  out += indent;
  out += text;
}

void abduction_text(const Trace::Abduction& a, const Scm& scm, std::string_view indent, std::string_view given,
                    std::string& out) {
  if (a.evidence.empty()) {
    line(out, indent, "1. Abduction. No evidence: the posterior over the exogenous variables is their prior.\n");
  } else {
    line(out, indent, "1. Abduction. Evidence: ");
    out += a.evidence;
    out += ", with probability ";
    append_rational(out, a.evidence_probability);
    out += ".\n";
  }
  if (a.exogenous.empty()) {
    line(out, indent, "   No exogenous variable affects the query.\n");
    return;
  }
  line(out, indent, "   Exogenous variables that affect the query, with their priors: ");
  for (std::size_t i = 0; i < a.exogenous.size(); ++i) {
    const Trace::Exogenous& u = a.exogenous[i];
    if (i > 0) out += "; ";
    out += u.name;
    out += " ~ (";
    for (std::size_t v = 0; v < u.prior.size(); ++v) {
      if (v > 0) out += ", ";
      out += u.labels[v];
      out += ": ";
      append_rational(out, u.prior[v]);
    }
    out += ')';
  }
  out += ".\n";
  // The model's other exogenous variables (ids 0..k-1 are the exogenous ones), by name: the trace
  // holds names.
  bool others = false;
  for (VarId u = 0; u < scm.size() && scm.is_exogenous(u); ++u) {
    const std::string& name = scm.name(u);
    if (std::any_of(a.exogenous.begin(), a.exogenous.end(), [&](const Trace::Exogenous& x) { return x.name == name; })) {
      continue;
    }
    line(out, others ? std::string_view() : indent, others ? ", " : "   (");
    out += name;
    others = true;
  }
  if (others) out += " cannot affect the query.)\n";
  if (a.summarised) {
    line(out, indent, "   Note: ");
    out += a.note;
    out += ".\n";
    for (std::size_t i = 0; i < a.exogenous.size(); ++i) {
      line(out, indent, "     ");
      append_distribution(out, a.exogenous[i].labels, a.marginals[i], a.exogenous[i].name, given);
      out += '\n';
    }
    return;
  }
  line(out, indent, "   Joint posterior P(");
  for (std::size_t i = 0; i < a.exogenous.size(); ++i) {
    if (i > 0) out += ", ";
    out += a.exogenous[i].name;
  }
  out += given;
  out += "), non-zero rows:\n";
  for (const auto& row : a.posterior) {
    line(out, indent, "     ");
    for (std::size_t i = 0; i < row.values.size(); ++i) {
      if (i > 0) out += ", ";
      out += a.exogenous[i].name;
      out += '=';
      out += a.exogenous[i].labels[row.values[i]];
    }
    out += ": ";
    append_rational(out, row.probability);
    out += '\n';
  }
}

void part_text(const Trace::Part& part, const Scm& scm, std::string_view indent, bool last_is_answer,
               std::string& out) {
  const Trace::Abduction& a = part.abduction;
  std::string given;  // " | evidence", or nothing
  if (!a.evidence.empty()) {
    given.reserve(a.evidence.size() + 3);
    given += " | ";
    given += a.evidence;
  }
  // 1. Abduction
  abduction_text(a, scm, indent, given, out);
  // 2. Action
  line(out, indent, "2. Action. The worlds the query needs, each with the mechanisms its terms depend on:\n");
  for (const auto& w : part.action) {
    line(out, indent, "     world ");
    out += w.name;
    out += ":\n";
    for (const std::string& m : w.mechanisms) {
      line(out, indent, "       ");
      // Continuation lines of a table, indented.
      std::size_t from = 0;
      for (std::size_t nl = m.find('\n'); nl != std::string::npos; nl = m.find('\n', from)) {
        out.append(m, from, nl + 1 - from);
        line(out, indent, "         ");
        from = nl + 1;
      }
      out.append(m, from);
      out += '\n';
    }
  }
  // 3. Prediction
  line(out, indent, "3. Prediction. In each world, for units drawn from the posterior:\n");
  for (const auto& p : part.prediction) {
    line(out, indent, "     ");
    out += p.term;
    if (p.nested) out += ", nested";
    out += " (world ";
    out += p.world;
    out += "): ";
    append_distribution(out, p.labels, p.distribution, p.term, given);
    if (p.value) {
      out += "; always ";
      out += *p.value;
    }
    out += '\n';
  }
  // 4. Value
  line(out, indent, last_is_answer ? "4. Answer: " : "4. Value: ");
  out += part.quantity;
  out += " = ";
  if (last_is_answer) {
    append_value(out, part.value);
  } else {
    append_rational(out, part.value);
  }
  out += '\n';
}

// ---- The JSON form ----------------------------------------------------------------------------
// Keys in alphabetical order, as `nlohmann::json` (a std::map) prints them. The text is appended
// directly (the keys are constants, the numbers digits); strings go through `json_string`.

/// Appends `s` as a JSON string, with the bytes JsonWriter::value writes: as it is when every
/// byte is printable ASCII other than '"' and '\\' (names, labels, fractions, most mechanisms),
/// else by a JsonWriter (escapes, and UTF-8 checked by nlohmann).
void json_string(std::string& out, std::string_view s) {
  static constexpr auto kPlain = [] {
    std::array<bool, 256> plain{};
    for (std::size_t c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
    return plain;
  }();
  for (const char c : s) {
    if (!kPlain[static_cast<unsigned char>(c)]) {
      JsonWriter(out).value(s);
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

/// A fraction as a JSON string ("1/3": digits, '/' and '-' need no escape).
void json_rational(std::string& out, const Rational& v) {
  out += '"';
  append_rational(out, v);
  out += '"';
}

void json_rationals(std::string& out, const std::vector<Rational>& values) {
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    json_rational(out, values[i]);
  }
  out += ']';
}

void json_strings(std::string& out, const std::vector<std::string>& values) {
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    json_string(out, values[i]);
  }
  out += ']';
}

void json_abduction(std::string& out, const Trace::Abduction& a) {
  out += R"({"evidence":)";
  json_string(out, a.evidence);
  out += R"(,"evidence_probability":)";
  json_rational(out, a.evidence_probability);
  out += R"(,"exogenous":[)";
  for (std::size_t i = 0; i < a.exogenous.size(); ++i) {
    const Trace::Exogenous& u = a.exogenous[i];
    out += i > 0 ? R"(,{"name":)" : R"({"name":)";
    json_string(out, u.name);
    out += R"(,"prior":)";
    json_rationals(out, u.prior);
    out += R"(,"values":)";
    json_strings(out, u.labels);
    out += '}';
  }
  out += ']';
  if (a.summarised) {
    out += R"(,"marginals":[)";
    for (std::size_t i = 0; i < a.marginals.size(); ++i) {
      if (i > 0) out += ',';
      json_rationals(out, a.marginals[i]);
    }
    out += R"(],"note":)";
    json_string(out, a.note);
  } else {
    out += R"(,"posterior":[)";
    for (std::size_t r = 0; r < a.posterior.size(); ++r) {
      const Trace::Row& row = a.posterior[r];
      out += r > 0 ? R"(,{"probability":)" : R"({"probability":)";
      json_rational(out, row.probability);
      out += R"(,"values":[)";
      for (std::size_t i = 0; i < row.values.size(); ++i) {
        if (i > 0) out += ',';
        json_string(out, a.exogenous[i].labels[row.values[i]]);
      }
      out += "]}";
    }
    out += ']';
  }
  out += a.summarised ? R"(,"summarised":true})" : R"(,"summarised":false})";
}

void json_prediction(std::string& out, const Trace::Prediction& p) {
  out += R"({"distribution":)";
  json_rationals(out, p.distribution);
  out += p.nested ? R"(,"nested":true,"term":)" : R"(,"nested":false,"term":)";
  json_string(out, p.term);
  if (p.value) {
    out += R"(,"value":)";
    json_string(out, *p.value);
  }
  out += R"(,"values":)";
  json_strings(out, p.labels);
  out += R"(,"world":)";
  json_string(out, p.world);
  out += '}';
}

void json_part(std::string& out, const Trace::Part& part) {
  out += R"({"abduction":)";
  json_abduction(out, part.abduction);
  out += R"(,"action":[)";
  for (std::size_t i = 0; i < part.action.size(); ++i) {
    out += i > 0 ? R"(,{"mechanisms":)" : R"({"mechanisms":)";
    json_strings(out, part.action[i].mechanisms);
    out += R"(,"world":)";
    json_string(out, part.action[i].name);
    out += '}';
  }
  out += R"(],"prediction":[)";
  for (std::size_t i = 0; i < part.prediction.size(); ++i) {
    if (i > 0) out += ',';
    json_prediction(out, part.prediction[i]);
  }
  out += R"(],"quantity":)";
  json_string(out, part.quantity);
  out += R"(,"sign":)";
  append_integer(out, part.sign);
  out += R"(,"value":)";
  json_rational(out, part.value);
  out += '}';
}

}  // namespace

Trace make_trace(const Scm& scm, const Query& query, const TraceOptions& options) {
  Trace t;
  append_to_string(t.query, query, scm);
  t.value = 0;
  t.parts.resize(query.parts.size());
  for (std::size_t i = 0; i < query.parts.size(); ++i) {
    trace_part(scm, query.parts[i], options, t_scratch, t.parts[i]);
    if (query.parts[i].sign < 0) {
      t.value -= t.parts[i].value;
    } else {
      t.value += t.parts[i].value;
    }
  }
  return t;
}

std::string to_text(const Trace& trace, const Scm& scm) {
  std::string out;
  out.reserve(2048 * trace.parts.size());
  out += "Query: ";
  out += trace.query;
  out += '\n';
  if (trace.parts.size() == 1 && trace.parts.front().sign > 0) {
    part_text(trace.parts.front(), scm, "", true, out);
    return out;
  }
  for (std::size_t i = 0; i < trace.parts.size(); ++i) {
    const auto& part = trace.parts[i];
    out += "Part ";
    append_integer(out, static_cast<long>(i + 1));
    out += " of ";
    append_integer(out, static_cast<long>(trace.parts.size()));
    out += part.sign < 0 ? ": - " : ": + ";
    out += part.quantity;
    out += '\n';
    part_text(part, scm, "  ", false, out);
  }
  out += "Answer: ";
  out += trace.query;
  out += " = ";
  for (std::size_t i = 0; i < trace.parts.size(); ++i) {
    const auto& part = trace.parts[i];
    if (i == 0) {
      if (part.sign < 0) out += '-';
    } else {
      out += part.sign < 0 ? " - " : " + ";
    }
    if (part.value < 0) out += '(';
    append_rational(out, part.value);
    if (part.value < 0) out += ')';
  }
  out += " = ";
  append_value(out, trace.value);
  out += '\n';
  return out;
}

void write_json(JsonWriter& out, const Trace& trace) {
  // Written as one piece of text: what the writer's calls would give, without a call per key.
  std::string& text = t_scratch.json;
  text.clear();
  text += R"({"decimal":)";
  json_string(text, to_decimal(trace.value, 6));
  text += R"(,"parts":[)";
  for (std::size_t i = 0; i < trace.parts.size(); ++i) {
    if (i > 0) text += ',';
    json_part(text, trace.parts[i]);
  }
  text += R"(],"query":)";
  json_string(text, trace.query);
  text += R"(,"value":)";
  json_rational(text, trace.value);
  text += '}';
  out.raw(text);
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
