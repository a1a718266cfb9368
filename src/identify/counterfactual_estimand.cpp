#include "rung/identify/counterfactual.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <cctype>
#include <utility>

// The counterfactual estimand's expression: construction, exact evaluation, printing (the
// identification algorithms that build it are in counterfactual.cpp).

namespace rung {

// ---- CfExpr ------------------------------------------------------------------------------

CfExpr CfExpr::constant(Rational c) {
  CfExpr e;
  e.kind_ = Kind::constant;
  e.constant_ = std::move(c);
  return e;
}

CfExpr CfExpr::factor(Functional f, std::vector<CfValue> bind) {
  CfExpr e;
  e.kind_ = Kind::factor;
  e.functional_ = std::move(f);
  e.bind_ = std::move(bind);
  return e;
}

CfExpr CfExpr::sum(std::vector<int> slots, CfExpr body) {
  if (slots.empty()) return body;
  if (body.kind_ == Kind::sum) {  // sum_a sum_b f = sum_{a,b} f (slots are never rebound)
    slots.insert(slots.end(), body.slots_.begin(), body.slots_.end());
    body.slots_ = std::move(slots);
    return body;
  }
  CfExpr e;
  e.kind_ = Kind::sum;
  e.slots_ = std::move(slots);
  e.children_.push_back(std::move(body));
  return e;
}

CfExpr CfExpr::product(std::vector<CfExpr> factors) {
  std::vector<CfExpr> flat;
  for (auto& f : factors) {
    if (f.kind_ == Kind::constant && f.constant_ == 1) continue;
    if (f.kind_ == Kind::product) {
      for (auto& g : f.children_) flat.push_back(std::move(g));
    } else {
      flat.push_back(std::move(f));
    }
  }
  if (flat.empty()) return constant(Rational(1));
  if (flat.size() == 1) return std::move(flat[0]);
  CfExpr e;
  e.kind_ = Kind::product;
  e.children_ = std::move(flat);
  return e;
}

CfExpr CfExpr::ratio(CfExpr numerator, CfExpr denominator, std::string evidence) {
  if (numerator.is_zero()) return numerator;
  CfExpr e;
  e.kind_ = Kind::ratio;
  e.evidence_ = std::move(evidence);
  e.children_.push_back(std::move(numerator));
  e.children_.push_back(std::move(denominator));
  return e;
}

CfExpr CfExpr::linear(std::vector<Rational> coefficients, std::vector<CfExpr> terms) {
  std::vector<Rational> c;
  std::vector<CfExpr> t;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (coefficients[i] == 0 || terms[i].is_zero()) continue;
    c.push_back(coefficients[i]);
    t.push_back(std::move(terms[i]));
  }
  if (t.empty()) return constant(Rational(0));
  if (t.size() == 1 && c[0] == 1) return std::move(t[0]);
  CfExpr e;
  e.kind_ = Kind::linear;
  e.coefficients_ = std::move(c);
  e.children_ = std::move(t);
  return e;
}

// ---- CounterfactualEstimand --------------------------------------------------------------

CounterfactualEstimand CounterfactualEstimand::with_given(const std::function<VarMask(VarMask, VarMask)>& reduce) const {
  return CounterfactualEstimand(with_given(root_, reduce), slot_vars_);
}

CfExpr CounterfactualEstimand::with_given(const CfExpr& e, const std::function<VarMask(VarMask, VarMask)>& reduce) {
  CfExpr out = e;
  if (e.kind_ == CfExpr::Kind::factor) {
    out.functional_ = e.functional_->with_given(reduce);
    return out;
  }
  for (auto& c : out.children_) c = with_given(c, reduce);
  return out;
}

std::vector<std::pair<VarMask, VarMask>> CounterfactualEstimand::terms() const {
  std::vector<std::pair<VarMask, VarMask>> out;
  terms(root_, out);
  return out;
}

void CounterfactualEstimand::terms(const CfExpr& e, std::vector<std::pair<VarMask, VarMask>>& out) {
  if (e.kind_ == CfExpr::Kind::factor) {
    e.functional_->terms(out);
    return;
  }
  for (const auto& c : e.children_) terms(c, out);
}

Rational CounterfactualEstimand::evaluate(const ProbabilitySource& p) const {
  std::vector<std::uint32_t> slots(slot_vars_.size(), 0);
  return value(root_, p, slots);
}

Rational CounterfactualEstimand::value(const CfExpr& e, const ProbabilitySource& p, std::vector<std::uint32_t>& slots) const {
  const Admg& g = p.graph();
  switch (e.kind_) {
    case CfExpr::Kind::constant:
      return e.constant_;
    case CfExpr::Kind::factor: {
      std::vector<std::uint32_t> at(static_cast<std::size_t>(g.size()), 0);
      for (std::size_t v = 0; v < at.size(); ++v) at[v] = e.bind_[v].is_slot ? slots[e.bind_[v].index] : e.bind_[v].index;
      return e.functional_->evaluate(p, std::move(at));
    }
    case CfExpr::Kind::sum: {
      for (int s : e.slots_) slots[static_cast<std::size_t>(s)] = 0;
      Rational total(0);
      for (;;) {
        total += value(e.children_[0], p, slots);
        std::size_t k = e.slots_.size();
        while (k > 0) {
          const auto s = static_cast<std::size_t>(e.slots_[k - 1]);
          if (++slots[s] < g.cardinality(slot_vars_[s])) break;
          slots[s] = 0;
          --k;
        }
        if (k == 0) break;
      }
      return total;
    }
    case CfExpr::Kind::product: {
      Rational r(1);
      for (const auto& c : e.children_) {
        r *= value(c, p, slots);
        if (r == 0) break;
      }
      return r;
    }
    case CfExpr::Kind::ratio: {
      const Rational den = value(e.children_[1], p, slots);
      if (den == 0) throw ZeroProbabilityEvidence(e.evidence_);
      return value(e.children_[0], p, slots) / den;
    }
    case CfExpr::Kind::linear: {
      Rational r(0);
      for (std::size_t i = 0; i < e.children_.size(); ++i) r += e.coefficients_[i] * value(e.children_[i], p, slots);
      return r;
    }
  }
  return Rational(0);
}

namespace {

std::string latex_name(const std::string& name) {
  std::string lower;
  for (char c : name) lower += c == '_' ? std::string("\\_") : std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return "\\mathit{" + lower + "}";
}

}  // namespace

std::string CounterfactualEstimand::print(const CfExpr& e, const Admg& g, bool latex) const {
  PrintScope scope{std::vector<int>(static_cast<std::size_t>(g.size()), 0), std::vector<std::string>(slot_vars_.size())};
  return print(e, g, latex, scope);
}

std::string CounterfactualEstimand::print(const CfExpr& e, const Admg& g, bool latex, PrintScope& scope) const {
  const auto n = static_cast<std::size_t>(g.size());
  std::vector<int>& count = scope.bound;
  std::vector<std::string>& slot_name = scope.slot_names;
  const auto parenthesised = [&](const CfExpr& c, const std::string& text) {
    const bool wrap = c.kind_ == CfExpr::Kind::sum || c.kind_ == CfExpr::Kind::linear;
    if (!wrap) return text;
    return latex ? "\\left(" + text + "\\right)" : "(" + text + ")";
  };
  switch (e.kind_) {
    case CfExpr::Kind::constant:
      return rung::to_string(e.constant_);
    case CfExpr::Kind::factor: {
      std::vector<std::string> names(n);
      const VarMask free = e.functional_->free();
      for (int v : members(free)) {
        const CfValue& b = e.bind_[static_cast<std::size_t>(v)];
        if (b.is_slot) names[static_cast<std::size_t>(v)] = slot_name[b.index];
        else names[static_cast<std::size_t>(v)] = latex ? latex_name(g.name(v)) + "=" + g.label(v, b.index) : g.name(v) + "=" + g.label(v, b.index);
      }
      return latex ? e.functional_->to_latex(g, names, count) : e.functional_->to_string(g, names, count);
    }
    case CfExpr::Kind::sum: {
      // A slot is named after its variable, primed once per slot of that variable bound around it.
      std::string head;
      for (int s : e.slots_) {
        const auto v = static_cast<std::size_t>(slot_vars_[static_cast<std::size_t>(s)]);
        std::string name = latex ? latex_name(g.name(static_cast<int>(v))) : g.name(static_cast<int>(v));
        name.append(static_cast<std::size_t>(count[v]++), '\'');
        slot_name[static_cast<std::size_t>(s)] = name;
        head += (head.empty() ? "" : ", ") + name;
      }
      const CfExpr& body = e.children_[0];
      std::string inner = print(body, g, latex, scope);
      for (int s : e.slots_) --count[static_cast<std::size_t>(slot_vars_[static_cast<std::size_t>(s)])];
      if (body.kind_ == CfExpr::Kind::ratio && !latex) inner = "[" + inner + "]";
      if (body.kind_ == CfExpr::Kind::linear) inner = latex ? "\\left(" + inner + "\\right)" : "(" + inner + ")";
      return (latex ? "\\sum_{" : "sum_{") + head + "} " + inner;
    }
    case CfExpr::Kind::product: {
      std::string out;
      for (const auto& c : e.children_) {
        std::string part = parenthesised(c, print(c, g, latex, scope));
        if (c.kind_ == CfExpr::Kind::ratio && !latex) part = "[" + part + "]";
        out += (out.empty() ? "" : " ") + part;
      }
      return out;
    }
    case CfExpr::Kind::ratio: {
      const std::string num = print(e.children_[0], g, latex, scope);
      const std::string den = print(e.children_[1], g, latex, scope);
      if (latex) return "\\frac{" + num + "}{" + den + "}";
      return "[" + num + "] / [" + den + "]";
    }
    case CfExpr::Kind::linear: {
      std::string out;
      for (std::size_t i = 0; i < e.children_.size(); ++i) {
        const Rational& c = e.coefficients_[i];
        const Rational magnitude = c < 0 ? Rational(-c) : c;
        std::string term = print(e.children_[i], g, latex, scope);
        if (e.children_[i].kind_ == CfExpr::Kind::linear || e.children_[i].kind_ == CfExpr::Kind::sum ||
            (magnitude != 1 && e.children_[i].kind_ == CfExpr::Kind::ratio && !latex)) {
          term = latex ? "\\left(" + term + "\\right)" : "(" + term + ")";
        }
        if (magnitude != 1) term = rung::to_string(magnitude) + (latex ? " \\cdot " : " * ") + term;
        if (out.empty()) out = (c < 0 ? "-" : "") + term;
        else out += (c < 0 ? " - " : " + ") + term;
      }
      return out;
    }
  }
  return "";
}

std::string CounterfactualEstimand::to_string(const Admg& g) const { return print(root_, g, false); }
std::string CounterfactualEstimand::to_latex(const Admg& g) const { return print(root_, g, true); }

}  // namespace rung
