#include "rung/identify/functional.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <utility>

namespace rung {

ObservedJoint::ObservedJoint(const Admg& g, std::vector<Rational> cells) : g_(&g), cells_(std::move(cells)) {
  std::size_t expected = 1;
  for (int i = 0; i < g.size(); ++i) expected *= g.cardinality(i);
  if (cells_.size() != expected) {
    throw Error(fmt::format("the observed joint has {} cells, not the {} of its variables' domains", cells_.size(), expected));
  }
}

const Rational& ObservedJoint::marginal(VarMask set, const std::vector<std::uint32_t>& at) const {
  const Admg& g = *g_;
  const int n = g.size();
  auto it = marginals_.find(set);
  if (it == marginals_.end()) {
    // The cells over one common denominator, once per joint: the sums below then add integers
    // (no gcd per addition), and each entry of a table is reduced once.
    if (!scaled_) {
      Scaled s;
      s.denominator = 1;
      for (const Rational& cell : cells_) {
        if (cell != 0) s.denominator = boost::multiprecision::lcm(s.denominator, boost::multiprecision::denominator(cell));
      }
      s.numerators.reserve(cells_.size());
      for (const Rational& cell : cells_) {
        s.numerators.push_back(boost::multiprecision::numerator(cell) * (s.denominator / boost::multiprecision::denominator(cell)));
      }
      scaled_ = std::move(s);
    }
    // The table over `set`, row-major in index order, by one pass over the joint: each
    // variable's stride in the table (0 outside the set), the index kept as the digits count.
    std::size_t size = 1;
    std::vector<std::size_t> stride(static_cast<std::size_t>(n), 0);
    for (int i = n - 1; i >= 0; --i) {
      if (((set >> i) & 1U) == 0) continue;
      stride[static_cast<std::size_t>(i)] = size;
      size *= g.cardinality(i);
    }
    std::vector<BigInt> sums(size, BigInt(0));
    std::vector<std::uint32_t> digits(static_cast<std::size_t>(n), 0);
    std::size_t k = 0;
    for (const BigInt& cell : scaled_->numerators) {
      if (!cell.is_zero()) sums[k] += cell;
      for (int i = n - 1; i >= 0; --i) {  // next combination, the last variable fastest
        const auto si = static_cast<std::size_t>(i);
        if (++digits[si] < g.cardinality(i)) {
          k += stride[si];
          break;
        }
        k -= stride[si] * (digits[si] - 1);
        digits[si] = 0;
      }
    }
    std::vector<Rational> table;
    table.reserve(size);
    for (const BigInt& sum : sums) table.emplace_back(sum, scaled_->denominator);
    it = marginals_.emplace(set, std::move(table)).first;
  }
  std::size_t k = 0;
  for (int i = 0; i < n; ++i) {
    if (((set >> i) & 1U) != 0) k = k * g.cardinality(i) + at[static_cast<std::size_t>(i)];
  }
  return it->second[k];
}

Rational ObservedJoint::conditional(VarMask targets, VarMask given, const std::vector<std::uint32_t>& at) const {
  const Rational& joint = marginal(targets | given, at);
  if (given == 0) return joint;
  const Rational& den = marginal(given, at);
  if (den == 0) throw ZeroProbabilityEvidence(g_->event(given, at));  // positivity fails: the estimand is undefined there
  return joint / den;
}

Functional Functional::prob(VarMask targets, VarMask given) {
  Functional e;
  e.kind_ = Kind::prob;
  e.targets_ = targets;
  e.given_ = given & ~targets;
  return e;
}

Functional Functional::sum(VarMask over, Functional body) {
  if (over == 0) return body;
  // A summed variable the body does not read multiplies it by its number of values: kept as a
  // plain sum (the identification algorithms never build one; the evaluation counts it right).
  const bool all_read = (over & ~body.free()) == 0;
  if (all_read && body.kind_ == Kind::sum) {  // sum_A sum_B f = sum_{A,B} f (B is never shadowing A: A ⊆ free(body))
    body.summed_ |= over;
    return body;
  }
  if (all_read && body.kind_ == Kind::prob && body.given_ == 0) return prob(body.targets_ & ~over, 0);  // a marginal
  Functional e;
  e.kind_ = Kind::sum;
  e.summed_ = over;
  e.children_.push_back(std::move(body));
  return e;
}

Functional Functional::product(std::vector<Functional> factors) {
  std::vector<Functional> flat;
  for (auto& f : factors) {
    if (f.kind_ == Kind::product) {
      for (auto& g : f.children_) flat.push_back(std::move(g));
    } else {
      flat.push_back(std::move(f));
    }
  }
  if (flat.size() == 1) return std::move(flat[0]);
  Functional e;
  e.kind_ = Kind::product;
  e.children_ = std::move(flat);
  return e;
}

Functional Functional::ratio(Functional numerator, Functional denominator) {
  Functional e;
  e.kind_ = Kind::ratio;
  e.children_.push_back(std::move(numerator));
  e.children_.push_back(std::move(denominator));
  return e;
}

VarMask Functional::free() const {
  switch (kind_) {
    case Kind::prob:
      return targets_ | given_;
    case Kind::sum:
      return children_[0].free() & ~summed_;
    case Kind::product:
    case Kind::ratio: {
      VarMask f = 0;
      for (const auto& c : children_) f |= c.free();
      return f;
    }
  }
  return 0;
}

Functional Functional::with_given(const std::function<VarMask(VarMask targets, VarMask given)>& reduce) const {
  switch (kind_) {
    case Kind::prob:
      return prob(targets_, reduce(targets_, given_));
    case Kind::sum:
      return sum(summed_, children_[0].with_given(reduce));
    case Kind::product: {
      std::vector<Functional> factors;
      for (const auto& c : children_) factors.push_back(c.with_given(reduce));
      return product(std::move(factors));
    }
    case Kind::ratio:
      return ratio(children_[0].with_given(reduce), children_[1].with_given(reduce));
  }
  return *this;
}

void Functional::terms(std::vector<std::pair<VarMask, VarMask>>& out) const {
  if (kind_ == Kind::prob) {
    const std::pair<VarMask, VarMask> term(targets_, given_);
    if (std::find(out.begin(), out.end(), term) == out.end()) out.push_back(term);
    return;
  }
  for (const auto& c : children_) c.terms(out);
}

Rational Functional::evaluate(const ProbabilitySource& p, std::vector<std::uint32_t> at) const {
  if (at.size() != static_cast<std::size_t>(p.graph().size())) {
    throw Error(fmt::format("an estimand is evaluated at {} values, not one per observed variable ({})", at.size(), p.graph().size()));
  }
  return value(p, at);
}

Rational Functional::value(const ProbabilitySource& p, std::vector<std::uint32_t>& at) const {
  const Admg& g = p.graph();
  switch (kind_) {
    case Kind::prob:
      return p.conditional(targets_, given_, at);
    case Kind::sum: {
      const std::vector<int> vars = members(summed_);
      std::vector<std::uint32_t> saved;
      for (int v : vars) saved.push_back(at[static_cast<std::size_t>(v)]);
      for (int v : vars) at[static_cast<std::size_t>(v)] = 0;
      Rational total(0);
      for (;;) {
        total += children_[0].value(p, at);
        std::size_t k = vars.size();
        while (k > 0) {
          const auto v = static_cast<std::size_t>(vars[k - 1]);
          if (++at[v] < g.cardinality(vars[k - 1])) break;
          at[v] = 0;
          --k;
        }
        if (k == 0) break;
      }
      for (std::size_t k = 0; k < vars.size(); ++k) at[static_cast<std::size_t>(vars[k])] = saved[k];
      return total;
    }
    case Kind::product: {
      Rational result(1);
      for (const auto& c : children_) {
        result *= c.value(p, at);
        if (result == 0) break;
      }
      return result;
    }
    case Kind::ratio: {
      const Rational den = children_[1].value(p, at);
      if (den == 0) {
        throw ZeroProbabilityEvidence(g.event(children_[1].free(), at));  // the ratio's denominator: positivity fails
      }
      return children_[0].value(p, at) / den;
    }
  }
  return Rational(0);
}

namespace {

/// How variables are printed: LaTeX or text; `names[v]`, when not empty, replaces a free
/// occurrence of v (one not rebound by a sum inside the estimand); `base[v]` primes are added to
/// every other occurrence (a counterfactual estimand's own summed copies of v print before).
struct Printing {
  bool latex = false;
  VarMask free = 0;
  const std::vector<std::string>* names = nullptr;
  const std::vector<int>* base = nullptr;
};

/// A variable as printed: its name (or lower-case, for LaTeX) with one prime per enclosing sum
/// that rebinds it inside a scope where it is already bound.
std::string var_text(const Admg& g, int v, int primes, const Printing& pr) {
  const auto k = static_cast<std::size_t>(v);
  const int base = pr.base != nullptr ? (*pr.base)[k] : 0;
  if (primes == 0 && pr.names != nullptr && ((pr.free >> v) & 1U) != 0 && !(*pr.names)[k].empty()) return (*pr.names)[k];
  std::string name = g.name(v);
  if (pr.latex) {
    std::string lower;
    for (char c : name) lower += c == '_' ? std::string("\\_") : std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    name = "\\mathit{" + lower + "}";
  }
  for (int i = 0; i < primes + base; ++i) name += '\'';
  return name;
}

std::string join_vars(const Admg& g, VarMask set, const std::vector<int>& primes, const Printing& pr) {
  std::string out;
  for (int v : members(set)) {
    if (!out.empty()) out += ", ";
    out += var_text(g, v, primes[static_cast<std::size_t>(v)], pr);
  }
  return out;
}

std::string print_node(const Functional& e, const Admg& g, VarMask bound, std::vector<int>& primes, const Printing& pr) {
  const bool latex = pr.latex;
  switch (e.kind()) {
    case Functional::Kind::prob: {
      std::string out = "P(" + join_vars(g, e.targets(), primes, pr);
      if (e.given() != 0) out += (latex ? " \\mid " : " | ") + join_vars(g, e.given(), primes, pr);
      return out + ")";
    }
    case Functional::Kind::sum: {
      // A summed variable already bound outside is a new one: primed inside this sum.
      const VarMask rebound = e.summed() & bound;
      for (int v : members(rebound)) ++primes[static_cast<std::size_t>(v)];
      std::string head = (latex ? "\\sum_{" : "sum_{") + join_vars(g, e.summed(), primes, pr) + "} ";
      const Functional& body = e.children()[0];
      std::string inner = print_node(body, g, bound | e.summed(), primes, pr);
      for (int v : members(rebound)) --primes[static_cast<std::size_t>(v)];
      if (body.kind() == Functional::Kind::ratio && !latex) inner = "[" + inner + "]";
      return head + inner;
    }
    case Functional::Kind::product: {
      std::string out;
      for (const auto& c : e.children()) {
        if (!out.empty()) out += " ";
        std::string part = print_node(c, g, bound, primes, pr);
        if (c.kind() == Functional::Kind::sum) part = (latex ? "\\left(" : "(") + part + (latex ? "\\right)" : ")");
        if (c.kind() == Functional::Kind::ratio && !latex) part = "[" + part + "]";
        out += part;
      }
      return out;
    }
    case Functional::Kind::ratio: {
      const std::string num = print_node(e.children()[0], g, bound, primes, pr);
      const std::string den = print_node(e.children()[1], g, bound, primes, pr);
      if (latex) return "\\frac{" + num + "}{" + den + "}";
      return "(" + num + ") / (" + den + ")";
    }
  }
  return "";
}

}  // namespace

std::string Functional::print(const Admg& g, bool latex, const std::vector<std::string>* names, const std::vector<int>* base) const {
  std::vector<int> primes(static_cast<std::size_t>(g.size()), 0);
  const Printing pr{latex, free(), names, base};
  return print_node(*this, g, free(), primes, pr);
}

std::string Functional::to_string(const Admg& g) const { return print(g, false, nullptr, nullptr); }
std::string Functional::to_latex(const Admg& g) const { return print(g, true, nullptr, nullptr); }
std::string Functional::to_string(const Admg& g, const std::vector<std::string>& names, const std::vector<int>& base) const {
  return print(g, false, &names, &base);
}
std::string Functional::to_latex(const Admg& g, const std::vector<std::string>& names, const std::vector<int>& base) const {
  return print(g, true, &names, &base);
}

}  // namespace rung
