#include "rung/gen/observed.hpp"

#include "rung/core/error.hpp"
#include "rung/identify/identify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <optional>
#include <tuple>

namespace rung {

namespace {

VarMask bit(int i) { return VarMask{1} << i; }

/// A family of statements: one variable's probability under every value of its conditions.
struct Family {
  int target = 0;
  VarMask given = 0;
  VarMask joint = 0;
  friend bool operator<(const Family& a, const Family& b) {
    return std::tie(a.target, a.joint, a.given) < std::tie(b.target, b.joint, b.given);
  }
};

std::string literal(const Admg& g, int v, std::uint32_t value) { return value != 0 ? g.name(v) : "not " + g.name(v); }

}  // namespace

std::string percent_text(const Rational& p) {
  const Rational hundred = p * 100;
  if (denominator(hundred) == 1) return fmt::format("{}%", numerator(hundred).str());
  return to_string(p);
}

VarMask relevant_given(const Admg& g, VarMask targets, VarMask given) {
  VarMask kept = given;
  VarMask dropped = 0;
  for (VarMask left = given; left != 0;) {
    const int v = 63 - std::countl_zero(left);  // the last first
    left &= ~bit(v);
    const VarMask rest = kept & ~bit(v);
    const VarMask gone = dropped | bit(v);
    if (g.m_separated(targets, gone, rest)) {
      kept = rest;
      dropped = gone;
    }
  }
  return kept;
}

Functional factorization(const Admg& g, VarMask set) {
  std::vector<Functional> factors;
  VarMask earlier = 0;
  for (int v : members(set)) {
    factors.push_back(Functional::prob(bit(v), relevant_given(g, bit(v), earlier)));
    earlier |= bit(v);
  }
  return Functional::product(std::move(factors));
}

Rational whole_percent(const Rational& p) {
  if (p < 0) throw Error(fmt::format("a negative probability {} cannot be stated", to_string(p)));
  // floor(100 p + 1/2) / 100, with integers only.
  const auto num = numerator(p);
  const auto den = denominator(p);
  const decltype(num) k = (num * 200 + den) / (den * 2);
  return Rational(k, 100);
}

std::vector<StatedProbability> stated_probabilities(const Admg& g, const std::vector<std::pair<VarMask, VarMask>>& terms,
                                                    const ProbabilitySource& exact, bool joints) {
  std::vector<Family> families;
  auto add = [&](Family f) {
    if (std::find_if(families.begin(), families.end(), [&](const Family& e) {
          return e.target == f.target && e.given == f.given && e.joint == f.joint;
        }) == families.end()) {
      families.push_back(f);
    }
  };
  for (const auto& [targets, given] : terms) {
    const std::vector<int> ts = members(targets);
    if (joints && given == 0 && ts.size() == 2) {
      add({ts[0], 0, 0});
      add({ts[1], 0, VarMask{1} << ts[0]});
      continue;
    }
    VarMask earlier = given;
    for (int t : ts) {
      add({t, earlier, 0});
      earlier |= VarMask{1} << t;
    }
  }
  std::sort(families.begin(), families.end());
  std::vector<StatedProbability> out;
  for (const Family& f : families) {
    if (g.cardinality(f.target) != 2) {
      throw Error(fmt::format("{} has {} values: only binary variables are stated as probabilities", g.name(f.target), g.cardinality(f.target)));
    }
    const VarMask conditions = f.given | f.joint;
    const std::vector<int> cs = members(conditions);
    for (int c : cs) {
      if (g.cardinality(c) != 2) {
        throw Error(fmt::format("{} has {} values: only binary variables are stated as probabilities", g.name(c), g.cardinality(c)));
      }
    }
    // Every value of the conditions, the first the most significant (0 before 1).
    for (std::uint64_t code = 0; code < (std::uint64_t{1} << cs.size()); ++code) {
      StatedProbability s;
      s.target = f.target;
      s.given = f.given;
      s.joint = f.joint;
      s.at.assign(static_cast<std::size_t>(g.size()), 0);
      for (std::size_t i = 0; i < cs.size(); ++i) {
        s.at[static_cast<std::size_t>(cs[i])] = static_cast<std::uint32_t>((code >> (cs.size() - 1 - i)) & 1U);
      }
      s.at[static_cast<std::size_t>(f.target)] = 1;
      const VarMask self = VarMask{1} << f.target;
      s.exact = f.joint != 0 ? exact.conditional(self | f.joint, 0, s.at) : exact.conditional(self, f.given, s.at);
      s.shown = whole_percent(s.exact);
      out.push_back(std::move(s));
    }
  }
  return out;
}

StatedSource::StatedSource(const Admg& g, const std::vector<StatedProbability>& stated, bool shown)
    : g_(&g), stated_(&stated), shown_(shown) {}

const Rational* StatedSource::find(int target, VarMask given, VarMask joint, const std::vector<std::uint32_t>& at) const {
  for (const StatedProbability& s : *stated_) {
    if (s.target != target || s.given != given || s.joint != joint) continue;
    const VarMask conditions = given | joint;
    bool same = true;
    for (int c : members(conditions)) same = same && s.at[static_cast<std::size_t>(c)] == at[static_cast<std::size_t>(c)];
    if (same) return shown_ ? &s.shown : &s.exact;
  }
  return nullptr;
}

Rational StatedSource::conditional(VarMask targets, VarMask given, const std::vector<std::uint32_t>& at) const {
  const Admg& g = *g_;
  const std::vector<int> ts = members(targets);
  auto value_of = [&](int t, const Rational& p_one) { return at[static_cast<std::size_t>(t)] == 1 ? p_one : Rational(1 - p_one); };
  auto missing = [&](int t, VarMask cond) {
    return Error(fmt::format("the text states no P({} | {}) (a bug: the statements do not cover the estimand)", g.name(t), g.names(cond)));
  };
  // A pair stated as joints, P(A = a, B = 1) with P(A): P(A = a, B = 0) = P(A = a) - P(A = a, B = 1).
  auto pair = [&](int a, int b) -> std::optional<std::pair<Rational, Rational>> {  // (P(A=a, B=b), P(A=a))
    const Rational* j = find(b, 0, VarMask{1} << a, at);
    if (j == nullptr) return std::nullopt;
    const Rational* pa = find(a, 0, 0, at);
    if (pa == nullptr) throw missing(a, 0);
    const Rational marginal = value_of(a, *pa);
    return std::make_pair(at[static_cast<std::size_t>(b)] == 1 ? *j : Rational(marginal - *j), marginal);
  };
  if (given == 0 && ts.size() == 2) {
    if (auto p = pair(ts[0], ts[1])) return p->first;
  }
  if (ts.size() == 1 && std::popcount(given) == 1 && find(ts[0], given, 0, at) == nullptr) {
    if (auto p = pair(members(given)[0], ts[0])) {
      if (p->second == 0) throw ZeroProbabilityEvidence(g.event(given, at));
      return p->first / p->second;  // P(B | A) = P(A, B) / P(A)
    }
  }
  Rational product(1);
  VarMask earlier = given;
  for (int t : ts) {
    const Rational* p = find(t, earlier, 0, at);
    if (p == nullptr) throw missing(t, earlier);
    product *= value_of(t, *p);
    earlier |= VarMask{1} << t;
  }
  return product;
}

FactorizedSource::FactorizedSource(const Admg& g, const std::vector<StatedProbability>& stated, bool shown, VarMask set)
    : g_(&g), set_(set), vars_(members(set)) {
  if (vars_.size() > 16) throw Error(fmt::format("a factorization over {} variables is too large to tabulate (at most 16)", vars_.size()));
  const StatedSource source(g, stated, shown);
  // P(set = code) = prod_v P(v | its stated conditions), each from its own statement family.
  std::vector<VarMask> given(vars_.size(), 0);
  for (std::size_t i = 0; i < vars_.size(); ++i) {
    bool found = false;
    for (const StatedProbability& s : stated) {
      if (s.target != vars_[i] || s.joint != 0) continue;
      if (found && s.given != given[i]) throw Error(fmt::format("{} is stated under two sets of conditions: not one factorization", g.name(vars_[i])));
      given[i] = s.given;
      found = true;
    }
    if (!found) throw Error(fmt::format("the text states no probability of {} (a bug: not a factorization of the set)", g.name(vars_[i])));
    if ((given[i] & ~set) != 0) throw Error(fmt::format("{} is stated under conditions outside the factorized set", g.name(vars_[i])));
  }
  joint_.assign(std::size_t{1} << vars_.size(), Rational(0));
  std::vector<std::uint32_t> at(static_cast<std::size_t>(g.size()), 0);
  for (std::size_t code = 0; code < joint_.size(); ++code) {
    for (std::size_t i = 0; i < vars_.size(); ++i) at[static_cast<std::size_t>(vars_[i])] = static_cast<std::uint32_t>((code >> (vars_.size() - 1 - i)) & 1U);
    Rational p(1);
    for (std::size_t i = 0; i < vars_.size() && p != 0; ++i) p *= source.conditional(bit(vars_[i]), given[i], at);
    joint_[code] = std::move(p);
  }
}

Rational FactorizedSource::marginal(VarMask of, const std::vector<std::uint32_t>& at) const {
  Rational total(0);
  for (std::size_t code = 0; code < joint_.size(); ++code) {
    bool match = true;
    for (std::size_t i = 0; i < vars_.size() && match; ++i) {
      if ((of & bit(vars_[i])) == 0) continue;
      match = ((code >> (vars_.size() - 1 - i)) & 1U) == at[static_cast<std::size_t>(vars_[i])];
    }
    if (match) total += joint_[code];
  }
  return total;
}

Rational FactorizedSource::conditional(VarMask targets, VarMask given, const std::vector<std::uint32_t>& at) const {
  if (((targets | given) & ~set_) != 0) {
    throw Error(fmt::format("P({} | {}) reads variables outside the factorized set {}", g_->names(targets), g_->names(given), g_->names(set_)));
  }
  const Rational joint = marginal(targets | given, at);
  if (given == 0) return joint;
  const Rational den = marginal(given, at);
  if (den == 0) throw ZeroProbabilityEvidence(g_->event(given, at));
  return joint / den;
}

namespace {

std::vector<VarId> ids_of(const Scm& model, const std::vector<std::string>& names) {
  std::vector<VarId> ids;
  for (const auto& n : names) {
    const auto id = model.find(n);
    if (!id) throw Error(fmt::format("observed statement: '{}' is not a variable of the model", n));
    ids.push_back(*id);
  }
  return ids;
}

bool has_bidirected(const Admg& g) {
  for (int i = 0; i < g.size(); ++i) {
    if (g.siblings(i) != 0) return true;
  }
  return false;
}

/// `e` with its conditions reduced by the independences of `by` (relevant_given).
CounterfactualEstimand reduced(const CounterfactualEstimand& e, const Admg& by) {
  return e.with_given([&by](VarMask t, VarMask given) { return relevant_given(by, t, given); });
}

/// The variables whose factorized distribution states what `e` reads: the ancestors in `g` of
/// the variables of its terms.
VarMask stated_set(const Admg& g, const CounterfactualEstimand& e) {
  VarMask read = 0;
  for (const auto& [t, given] : e.terms()) read |= t | given;
  return g.ancestors(read, g.all());
}

/// The form of the binary statements of `set`'s factorization (HiddenClasses::Candidate::form):
/// each term P(v | G) is stated for every value of G.
std::vector<std::size_t> statement_form(const Admg& g, VarMask set, int x, int y) {
  std::vector<std::pair<VarMask, VarMask>> terms;
  factorization(g, set).terms(terms);
  std::vector<std::size_t> form{0, 0, 99, 99};
  for (const auto& [t, given] : terms) {
    const auto conditions = static_cast<std::size_t>(std::popcount(given));
    form[0] += std::size_t{1} << conditions;
    if (given == 0) ++form[1];
    if (t == (VarMask{1} << x)) form[2] = conditions;
    if (t == (VarMask{1} << y)) form[3] = conditions;
  }
  return form;
}

}  // namespace

HiddenClasses hidden_classes(const Scm& model, const Query& query, const std::vector<std::string>& base,
                             const std::vector<std::string>& candidates, const std::string& x, const std::string& y) {
  HiddenClasses out;
  const VarId x_id = *model.find(x);
  const VarId y_id = *model.find(y);
  for (const auto& c : candidates) {
    std::vector<std::string> hidden = base;
    hidden.push_back(c);
    const Admg g = Admg::of(model, ids_of(model, hidden));
    const int xi = g.index(x_id);
    const int yi = g.index(y_id);
    // What the stated graph shows of the hidden variable: whether it is a direct cause of x, of y.
    const VarId ci = *model.find(c);
    const auto with_role = [&](std::vector<std::size_t> form) {
      form.push_back(model.dag().has_arc(ci, x_id) ? 1 : 0);
      form.push_back(model.dag().has_arc(ci, y_id) ? 1 : 0);
      return form;
    };
    if (CounterfactualIdentification r = identify_counterfactual(g, query, model); r.identifiable) {
      out.determined.push_back({c, with_role(statement_form(g, stated_set(g, reduced(*r.estimand, g)), xi, yi))});
    } else if (const Admg plain = g.without_bidirected(); (r = identify_counterfactual(plain, query, model)).identifiable) {
      out.undetermined.push_back({c, with_role(statement_form(g, stated_set(g, reduced(*r.estimand, plain)), xi, yi))});
    }
  }
  return out;
}

std::optional<ObservedStatement> observed_statement(const Scm& model, const Query& query, const std::vector<std::string>& hidden,
                                                    bool undetermined, const Rational& value, std::size_t max_numbers) {
  ObservedStatement out;
  out.admg = std::make_shared<const Admg>(Admg::of(model, ids_of(model, hidden)));
  const Admg& g = *out.admg;
  const CounterfactualIdentification own = identify_counterfactual(g, query, model);
  if (own.identifiable == undetermined) return std::nullopt;
  out.undetermined = undetermined;
  out.reason = own.reason;
  std::optional<CounterfactualEstimand> naive;
  if (has_bidirected(g)) {
    // Conditions an independence of the graph makes irrelevant are dropped (below); for the
    // formula that ignores the hidden common causes, those its reader assumes (the graph
    // without them).
    const Admg plain = g.without_bidirected();
    CounterfactualIdentification r = identify_counterfactual(plain, query, model);
    if (r.identifiable) naive = reduced(*r.estimand, plain);
  }
  if (undetermined && !naive) return std::nullopt;
  out.estimand = undetermined ? *naive : reduced(*own.estimand, g);
  out.set = stated_set(g, *out.estimand);
  std::vector<std::pair<VarMask, VarMask>> terms;
  factorization(g, out.set).terms(terms);
  out.joint = std::make_shared<const ObservedJoint>(observed_joint(model, g));
  const ObservedJoint& joint = *out.joint;
  out.stated = stated_probabilities(g, terms, joint, false);
  if (out.stated.size() > max_numbers) return std::nullopt;
  for (auto& st : out.stated) st.shown = st.exact;
  try {
    const FactorizedSource source(g, out.stated, false, out.set);
    out.from_text = out.estimand->evaluate(source);
    if (naive) out.assume_identifiable = undetermined ? out.from_text : naive->evaluate(joint);
  } catch (const ZeroProbabilityEvidence&) {
    return std::nullopt;  // a stated condition (or the formula's) has probability 0
  }
  if (!undetermined && out.from_text != value) {
    throw Error(fmt::format("observed statement: the estimand {} on the exact stated numbers gives {}, the model {} (a bug)",
                            out.estimand->to_string(g), to_string(out.from_text), to_string(value)));
  }
  return out;
}

std::string sentence(const Admg& g, const StatedProbability& s) {
  const std::string value = percent_text(s.shown);
  if (s.joint != 0) {
    std::vector<std::string> parts;
    for (int c : members(s.joint)) parts.push_back(literal(g, c, s.at[static_cast<std::size_t>(c)]));
    return fmt::format("The probability of {} and {} is {}.", fmt::join(parts, " and "), g.name(s.target), value);
  }
  if (s.given == 0) return fmt::format("The overall probability of {} is {}.", g.name(s.target), value);
  std::vector<std::string> who;
  for (int c : members(s.given)) who.push_back(literal(g, c, s.at[static_cast<std::size_t>(c)]));
  return fmt::format("For those who are {}, the probability of {} is {}.", fmt::join(who, " and are "), g.name(s.target), value);
}

std::string effect_sentence(const std::string& cause, const std::vector<std::string>& children) {
  std::string list = children.back();
  if (children.size() > 1) list = fmt::format("{} and {}", fmt::join(children.begin(), children.end() - 1, ", "), children.back());
  return fmt::format("{} has a direct effect on {}.", cause, list);
}

std::string notation(const Admg& g, const StatedProbability& s) {
  auto event = [&](VarMask set) {
    std::vector<std::string> parts;
    for (int c : members(set)) parts.push_back(fmt::format("{}={}", g.name(c), g.label(c, s.at[static_cast<std::size_t>(c)])));
    return fmt::format("{}", fmt::join(parts, ", "));
  };
  const std::string target = fmt::format("{}={}", g.name(s.target), g.label(s.target, 1));
  if (s.joint != 0) return fmt::format("P({}, {})", event(s.joint), target);
  if (s.given == 0) return fmt::format("P({})", target);
  return fmt::format("P({} | {})", target, event(s.given));
}

}  // namespace rung
