#include "rung/infer/enumeration.hpp"

#include "rung/core/deadline.hpp"
#include "rung/core/progress.hpp"

#include "rung/core/scalar.hpp"

#include "rung/core/error.hpp"
#include "rung/infer/factor.hpp"
#include "rung/infer/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <limits>
#include <memory>
#include <type_traits>

namespace rung::enumeration {

namespace {


void collect_vars(const Term& term, std::vector<VarId>& out) {
  out.push_back(term.var);
  for (const Setting& s : term.settings) {
    if (s.is_nested()) collect_vars(s.nested.front(), out);
  }
}


}  // namespace

namespace {

/// One world's values and which of them are set, kept per thread and per nesting depth so that
/// evaluating a term in unit after unit allocates nothing.
struct WorldBuffer {
  std::vector<Value> values;
  std::vector<char> set;
};
thread_local std::deque<WorldBuffer> t_worlds;  // a deque: deeper levels never move shallower ones
thread_local std::size_t t_depth = 0;

}  // namespace

Value evaluate(const Scm& scm, const Term& term, std::span<const Value> unit) {
  if (t_worlds.size() <= t_depth) t_worlds.emplace_back();
  WorldBuffer& world = t_worlds[t_depth];
  ++t_depth;
  struct Leave {
    ~Leave() { --t_depth; }
  } leave;
  std::vector<Value>& values = world.values;
  std::vector<char>& set = world.set;
  values.assign(unit.begin(), unit.end());
  values.resize(scm.size(), 0);
  set.assign(scm.size(), 0);
  for (const Setting& s : term.settings) {
    values[s.var] = s.is_nested() ? evaluate(scm, s.nested.front(), unit) : s.value;
    set[s.var] = 1;
  }
  // In evaluation (topological) order, nothing after the term's variable can change it.
  if (set[term.var] == 0 && !scm.is_exogenous(term.var)) {
    for (VarId id : scm.evaluation_order()) {
      if (set[id] == 0) values[id] = scm.mechanism(id).evaluate(values);
      if (id == term.var) break;
    }
  }
  return values[term.var];
}

std::vector<VarId> relevant_exogenous(const Scm& scm, const std::vector<const Term*>& terms) {
  // A walk up the mechanisms' parents (the model's arcs) with one mark per variable: the marks
  // list the exogenous ones sorted by id, with no set or sort to build.
  std::vector<VarId> stack;
  for (const Term* t : terms) collect_vars(*t, stack);
  std::vector<char> seen(scm.size(), 0);
  while (!stack.empty()) {
    const VarId v = stack.back();
    stack.pop_back();
    if (seen[v] != 0) continue;
    seen[v] = 1;
    if (!scm.is_exogenous(v)) {
      for (VarId p : scm.mechanism(v).parents()) stack.push_back(p);
    }
  }
  std::vector<VarId> out;
  for (VarId v = 0; v < scm.size(); ++v) {
    if (seen[v] != 0 && scm.is_exogenous(v)) out.push_back(v);
  }
  return out;
}

namespace {

using Integer = boost::multiprecision::mpz_int;

/// Bytes per combination of the unit limit that the numbers of an enumeration may take (see
/// units), and at least kMinByteLimit in all, as for elimination.
constexpr std::uint64_t kBytesPerUnit = 16;

std::size_t weight_bytes(const Integer& x) {
  return static_cast<std::size_t>(x.backend().data()->_mp_alloc) * sizeof(mp_limb_t);
}
template <class W>
std::size_t weight_bytes(const W& x) {
  return heap_bytes(x);
}

/// Throws TooLarge when the exogenous variables have more than max_units combinations of values
/// with a non-zero prior weight, before any arithmetic on them. The count is not computed
/// exactly when it is huge (2^1,000,000 combinations would take 301,030 digits).
void check_unit_count(const Scm& scm, const std::vector<VarId>& exogenous, std::uint64_t max_units) {
  std::vector<std::uint64_t> choices(exogenous.size());
  std::uint64_t units = 1;
  bool over = false;
  for (std::size_t i = 0; i < exogenous.size(); ++i) {
    const auto& prior = scm.prior(exogenous[i]);
    choices[i] = static_cast<std::uint64_t>(std::count_if(prior.begin(), prior.end(), [](const Rational& p) { return !p.is_zero(); }));
    if (choices[i] == 0) return;  // no unit at all
    if (units > max_units / choices[i]) over = true;
    if (!over) units *= choices[i];
  }
  if (over || units > max_units) {
    throw TooLarge(fmt::format(
        "query too large for enumeration: {} combinations of the values of {} exogenous variables (limit {})",
        product_text(choices), exogenous.size(), max_units));
  }
}

/// Calls visit(unit, weight) for every combination of values of `exogenous` with a non-zero
/// prior weight, where the weight of a value is weight_of(variable index, value) and the weight
/// of a unit the product (see for_each_unit). Beside the count, the size of the numbers is
/// bounded: each unit multiplies and adds a weight of up to the sum of the largest weight of
/// each variable, and units x that many bytes may be at most max_units x kBytesPerUnit (1 GiB
/// at the default): 2^20 units whose weights have 20,000 digits are refused, not summed for
/// minutes.
template <class W, class WeightOf, class Visit>
void units(const Scm& scm, const std::vector<VarId>& exogenous, WeightOf&& weight_of, Visit&& visit,
           std::uint64_t max_units) {
  check_unit_count(scm, exogenous, max_units);
  const std::size_t k = exogenous.size();
  std::vector<std::vector<Value>> choices(k);
  std::vector<std::vector<W>> weights(k);
  std::uint64_t units = 1;
  double unit_bytes = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const auto& prior = scm.prior(exogenous[i]);
    std::size_t largest = 0;
    for (std::size_t v = 0; v < prior.size(); ++v) {
      if (prior[v].is_zero()) continue;
      choices[i].push_back(static_cast<Value>(v));
      weights[i].push_back(weight_of(i, prior[v]));
      largest = std::max(largest, weight_bytes(weights[i].back()));
    }
    if (choices[i].empty()) return;
    units *= choices[i].size();  // no overflow: check_unit_count bounded the product
    unit_bytes += static_cast<double>(largest);
  }
  const double budget = std::max(static_cast<double>(max_units) * static_cast<double>(kBytesPerUnit),
                                 static_cast<double>(kMinByteLimit));
  if (static_cast<double>(units) * unit_bytes > budget) {
    throw TooLarge(fmt::format(
        "query too large for enumeration: {} combinations of the values of {} exogenous variables whose weights "
        "take up to {} bytes each (about {} of arithmetic), over the limit of {} ({} bytes per combination of the "
        "limit {}); the probabilities have too many digits for this model: use shorter fractions or a smaller model",
        units, k, static_cast<std::uint64_t>(unit_bytes), bytes_text(static_cast<double>(units) * unit_bytes),
        bytes_text(budget), kBytesPerUnit, max_units));
  }
  std::vector<Value> unit(scm.size(), 0);
  std::vector<std::size_t> digit(k, 0);
  std::vector<W> prefix(k + 1, W(1));  // prefix[i] = product of the weights of the first i digits
  for (std::size_t i = 0; i < k; ++i) {
    unit[exogenous[i]] = choices[i][0];
    prefix[i + 1] = prefix[i] * weights[i][0];
  }
  std::size_t changed = 0;  // the first digit that differs from the previous unit's (0 at first)
  for (std::uint32_t visited = 1;; ++visited) {
    if (visited % 4096 == 0) {
      check_deadline();
      report_progress("enumerating", visited, units);
    }
    if constexpr (std::is_invocable_v<Visit&, std::span<const Value>, const W&, std::size_t>) {
      visit(std::span<const Value>(unit), prefix[k], changed);
    } else {
      visit(std::span<const Value>(unit), prefix[k]);
    }
    std::size_t d = k;
    while (d > 0) {
      --d;
      if (++digit[d] < choices[d].size()) break;
      digit[d] = 0;
      unit[exogenous[d]] = choices[d][0];
      if (d == 0) return;
    }
    if (k == 0) return;
    unit[exogenous[d]] = choices[d][digit[d]];
    for (std::size_t i = d; i < k; ++i) prefix[i + 1] = prefix[i] * weights[i][digit[i]];
    changed = d;
  }
}

/// A term evaluated unit after unit in the order units() visits them: when the first digit that
/// changed is d, only the variables of the term's world that depend on an exogenous variable at
/// index d or later are evaluated again, instead of the whole world up to the term's variable
/// (evaluate()). The values are evaluate()'s: the same mechanisms on the same inputs. In the
/// lexicographic order the last digit changes at nearly every unit, and few variables depend on
/// it. Nested settings are terms of their own, updated first.
class IncrementalTerm {
 public:
  IncrementalTerm(const Scm& scm, const Term& term, const std::vector<VarId>& exogenous)
      : scm_(&scm), exogenous_(&exogenous), var_(term.var), values_(scm.size(), 0), maxdep_(scm.size(), -1) {
    std::vector<char> set(scm.size(), 0);
    for (std::size_t i = 0; i < exogenous.size(); ++i) maxdep_[exogenous[i]] = static_cast<int>(i);
    for (const Setting& st : term.settings) {
      set[st.var] = 1;
      if (st.is_nested()) {
        nested_.emplace_back(st.var, std::make_unique<IncrementalTerm>(scm, st.nested.front(), exogenous));
        maxdep_[st.var] = nested_.back().second->maxdep_[nested_.back().second->var_];
      } else {
        values_[st.var] = st.value;
        maxdep_[st.var] = -1;
      }
    }
    if (set[var_] != 0 || scm.is_exogenous(var_)) return;
    // The ancestors of the term's variable in its world (set variables cut the paths).
    std::vector<char> needed(scm.size(), 0);
    std::vector<VarId> stack{var_};
    while (!stack.empty()) {
      const VarId v = stack.back();
      stack.pop_back();
      if (needed[v] != 0 || set[v] != 0 || scm.is_exogenous(v)) continue;
      needed[v] = 1;
      for (VarId p : scm.mechanism(v).parents()) stack.push_back(p);
    }
    for (VarId v : scm.evaluation_order()) {
      if (needed[v] == 0) continue;
      order_.push_back(v);
      int m = -1;
      for (VarId p : scm.mechanism(v).parents()) m = std::max(m, maxdep_[p]);
      maxdep_[v] = m;
    }
  }

  /// The term's value in `unit`, whose digits before `changed` are those of the previous call's
  /// (or of the last skip()'s).
  Value update(std::span<const Value> unit, std::size_t changed) {
    changed = std::min(changed, pending_);
    pending_ = std::numeric_limits<std::size_t>::max();
    if (first_) changed = 0;
    const auto from = static_cast<int>(changed);
    for (auto& [v, t] : nested_) values_[v] = t->update(unit, changed);
    const std::vector<VarId>& exogenous = *exogenous_;
    for (std::size_t i = changed; i < exogenous.size(); ++i) values_[exogenous[i]] = unit[exogenous[i]];
    for (VarId v : order_) {
      if (first_ || maxdep_[v] >= from) values_[v] = scm_->mechanism(v).evaluate(values_);
    }
    first_ = false;
    return values_[var_];
  }
  /// A unit not evaluated: the next update() starts from the earliest digit changed since.
  void skip(std::size_t changed) { pending_ = std::min(pending_, changed); }

 private:
  const Scm* scm_;
  const std::vector<VarId>* exogenous_;
  VarId var_;
  std::vector<Value> values_;
  std::vector<int> maxdep_;  ///< per variable: the last exogenous index it depends on (-1: none)
  std::vector<VarId> order_;  ///< the variables to evaluate, in evaluation order
  std::vector<std::pair<VarId, std::unique_ptr<IncrementalTerm>>> nested_;
  bool first_ = true;
  std::size_t pending_ = std::numeric_limits<std::size_t>::max();
};

/// The events' terms as IncrementalTerms, and whether they all hold in a unit.
class IncrementalEvents {
 public:
  IncrementalEvents(const Scm& scm, const std::vector<Event>& events, const std::vector<VarId>& exogenous) : events_(&events) {
    terms_.reserve(events.size());
    for (const Event& e : events) terms_.emplace_back(scm, e.term, exogenous);
  }
  /// At the first event that fails the rest are skipped (IncrementalTerm::skip).
  bool holds(std::span<const Value> unit, std::size_t changed) {
    for (std::size_t i = 0; i < terms_.size(); ++i) {
      if (terms_[i].update(unit, changed) == (*events_)[i].value) continue;
      skip(changed, i + 1);
      return false;
    }
    return true;
  }
  /// A unit not evaluated for the terms from `first` on.
  void skip(std::size_t changed, std::size_t first = 0) {
    for (std::size_t j = first; j < terms_.size(); ++j) terms_[j].skip(changed);
  }

 private:
  std::vector<IncrementalTerm> terms_;
  const std::vector<Event>* events_;
};

/// Exact enumeration in integers: each exogenous variable's prior is scaled by the lcm of its
/// denominators, so a unit's weight is an integer over one common denominator (the product of
/// those lcms) and summing weights costs an integer addition instead of a rational one (no gcd
/// per unit). Calls visit(unit, scaled weight) and returns the common denominator.
template <class Visit>
Integer scaled_units(const Scm& scm, const std::vector<VarId>& exogenous, Visit&& visit, std::uint64_t max_units) {
  check_unit_count(scm, exogenous, max_units);  // before the lcms: a million variables would take minutes
  std::vector<Integer> scale(exogenous.size(), Integer(1));
  Integer denominator = 1;
  for (std::size_t i = 0; i < exogenous.size(); ++i) {
    for (const Rational& p : scm.prior(exogenous[i])) {
      if (!p.is_zero()) scale[i] = boost::multiprecision::lcm(scale[i], Integer(boost::multiprecision::denominator(p)));
    }
    denominator *= scale[i];
  }
  units<Integer>(
      scm, exogenous,
      [&](std::size_t i, const Rational& p) {
        return Integer(boost::multiprecision::numerator(p) * (scale[i] / boost::multiprecision::denominator(p)));
      },
      visit, max_units);
  return denominator;
}

/// a / b as a reduced fraction.
Rational ratio(const Integer& a, const Integer& b) { return Rational(a, b); }

}  // namespace

template <class S>
void for_each_unit(const Scm& scm, const std::vector<VarId>& exogenous,
                   const std::function<void(std::span<const Value>, const S&)>& visit, std::uint64_t max_units) {
  units<S>(
      scm, exogenous, [](std::size_t, const Rational& p) { return from_rational<S>(p); }, visit, max_units);
}

template <class S>
S probability(const Scm& scm, const Probability& p, std::uint64_t max_units) {
  check_events(p.events, scm);
  check_events(p.evidence, scm);
  std::vector<const Term*> terms;
  for (const Event& e : p.events) terms.push_back(&e.term);
  for (const Event& e : p.evidence) terms.push_back(&e.term);
  const std::vector<VarId> exogenous = relevant_exogenous(scm, terms);
  IncrementalEvents evidence(scm, p.evidence, exogenous);
  IncrementalEvents events(scm, p.events, exogenous);
  if constexpr (std::is_same_v<S, Rational>) {
    Integer num = 0;
    Integer den = 0;
    const Integer all = scaled_units(
        scm, exogenous,
        [&](std::span<const Value> unit, const Integer& weight, std::size_t changed) {
          if (!evidence.holds(unit, changed)) {
            events.skip(changed);
            return;
          }
          den += weight;
          if (events.holds(unit, changed)) num += weight;
        },
        max_units);
    if (p.evidence.empty()) return ratio(num, all);
    if (den.is_zero()) throw ZeroProbabilityEvidence(to_string(p.evidence, scm));
    return ratio(num, den);
  } else {
    S num(0);
    S den(0);
    units<S>(
        scm, exogenous, [](std::size_t, const Rational& q) { return from_rational<S>(q); },
        [&](std::span<const Value> unit, const S& weight, std::size_t changed) {
          if (!evidence.holds(unit, changed)) {
            events.skip(changed);
            return;
          }
          den += weight;
          if (events.holds(unit, changed)) num += weight;
        },
        max_units);
    if (p.evidence.empty()) return num;
    if (is_zero(den)) throw ZeroProbabilityEvidence(to_string(p.evidence, scm));
    return S(num / den);
  }
}

template <class S>
std::vector<S> distribution(const Scm& scm, const Term& term, const std::vector<Event>& evidence,
                            std::uint64_t max_units) {
  check_term(term, scm);
  check_events(evidence, scm);
  std::vector<const Term*> terms{&term};
  for (const Event& e : evidence) terms.push_back(&e.term);
  const std::vector<VarId> exogenous = relevant_exogenous(scm, terms);
  IncrementalEvents given(scm, evidence, exogenous);
  IncrementalTerm asked(scm, term, exogenous);
  if constexpr (std::is_same_v<S, Rational>) {
    std::vector<Integer> sums(scm.domain(term.var).size(), Integer(0));
    Integer den = 0;
    const Integer all = scaled_units(
        scm, exogenous,
        [&](std::span<const Value> unit, const Integer& weight, std::size_t changed) {
          if (!given.holds(unit, changed)) {
            asked.skip(changed);
            return;
          }
          den += weight;
          sums[asked.update(unit, changed)] += weight;
        },
        max_units);
    if (!evidence.empty() && den.is_zero()) throw ZeroProbabilityEvidence(to_string(evidence, scm));
    std::vector<S> out;
    out.reserve(sums.size());
    for (const Integer& s : sums) out.push_back(ratio(s, evidence.empty() ? all : den));
    return out;
  } else {
    std::vector<S> out(scm.domain(term.var).size(), S(0));
    S den(0);
    units<S>(
        scm, exogenous, [](std::size_t, const Rational& q) { return from_rational<S>(q); },
        [&](std::span<const Value> unit, const S& weight, std::size_t changed) {
          if (!given.holds(unit, changed)) {
            asked.skip(changed);
            return;
          }
          den += weight;
          out[asked.update(unit, changed)] += weight;
        },
        max_units);
    if (evidence.empty()) return out;
    if (is_zero(den)) throw ZeroProbabilityEvidence(to_string(evidence, scm));
    for (S& v : out) v /= den;
    return out;
  }
}

template void for_each_unit(const Scm&, const std::vector<VarId>&,
                            const std::function<void(std::span<const Value>, const Rational&)>&, std::uint64_t);
template void for_each_unit(const Scm&, const std::vector<VarId>&,
                            const std::function<void(std::span<const Value>, const double&)>&, std::uint64_t);
template void for_each_unit(const Scm&, const std::vector<VarId>&,
                            const std::function<void(std::span<const Value>, const FastRational&)>&, std::uint64_t);
template Rational probability(const Scm&, const Probability&, std::uint64_t);
template double probability(const Scm&, const Probability&, std::uint64_t);
template std::vector<Rational> distribution(const Scm&, const Term&, const std::vector<Event>&, std::uint64_t);
template std::vector<double> distribution(const Scm&, const Term&, const std::vector<Event>&, std::uint64_t);

}  // namespace rung::enumeration
