#include "rung/infer/variable_elimination.hpp"

#include "rung/core/scalar.hpp"

#include "rung/core/error.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <optional>
#include <stdexcept>

namespace rung::ve {

namespace {


bool contains(const std::vector<NodeId>& scope, NodeId node) {
  return std::binary_search(scope.begin(), scope.end(), node);
}

std::uint32_t card_of(const WorldNetwork& net, NodeId id) { return static_cast<std::uint32_t>(net.cardinality(id)); }

template <class S>
S sum(const std::vector<S>& values) {
  S total(0);
  for (const S& v : values) total += v;
  return total;
}

/// Calls visit(coordinates, value) for every cell of `f`, in row-major order.
template <class S, class Visit>
void for_each_cell(const Factor<S>& f, Visit&& visit) {
  std::vector<std::uint32_t> at(f.scope.size(), 0);
  for (const S& value : f.values) {
    visit(at, value);
    for (std::size_t d = at.size(); d-- > 0;) {
      if (++at[d] < f.card[d]) break;
      at[d] = 0;
    }
  }
}

/// Cliques stored flat (two allocations however many there are): clique i is
/// nodes[end[i - 1], end[i]).
struct Cliques {
  std::vector<NodeId> nodes;
  std::vector<std::size_t> end;

  void add(std::span<const NodeId> clique) {
    nodes.insert(nodes.end(), clique.begin(), clique.end());
    end.push_back(nodes.size());
  }
  /// Adds `node` to the last clique.
  void extend(NodeId node) {
    nodes.push_back(node);
    ++end.back();
  }
  [[nodiscard]] std::size_t size() const { return end.size(); }
  [[nodiscard]] std::span<const NodeId> operator[](std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : end[i - 1];
    return {nodes.data() + begin, end[i] - begin};
  }
};

std::vector<NodeId> min_fill(std::size_t count, const Cliques& cliques, std::span<const std::uint32_t> card,
                             const std::vector<bool>& eliminable) {
  const std::size_t words = (count + 63) / 64;
  std::vector<std::uint64_t> adj(count * words, 0);
  std::vector<std::uint64_t> alive(words, 0);
  auto row = [&](std::size_t v) { return adj.data() + v * words; };
  auto bit = [](std::uint64_t* bits, std::size_t v) -> std::uint64_t& { return bits[v / 64]; };
  auto mask = [](std::size_t v) { return std::uint64_t{1} << (v % 64); };
  for (std::size_t c = 0; c < cliques.size(); ++c) {
    const std::span<const NodeId> clique = cliques[c];
    for (NodeId a : clique) {
      bit(alive.data(), a) |= mask(a);
      for (NodeId b : clique) {
        if (a != b) bit(row(a), b) |= mask(b);
      }
    }
  }
  std::size_t remaining = 0;
  for (std::size_t v = 0; v < count; ++v) {
    if (eliminable[v]) {
      bit(alive.data(), v) |= mask(v);
      ++remaining;
    }
  }

  struct Score {
    std::size_t fill = 0;
    std::uint64_t weight = 0;
  };
  std::vector<Score> score(count);
  std::vector<std::size_t> neighbours;
  std::vector<std::uint64_t> n_bits(words);
  auto collect = [&](std::size_t v) {
    neighbours.clear();
    const std::uint64_t* r = row(v);
    for (std::size_t w = 0; w < words; ++w) {
      n_bits[w] = r[w] & alive[w];
      for (std::uint64_t b = n_bits[w]; b != 0; b &= b - 1) {
        neighbours.push_back(w * 64 + static_cast<std::size_t>(std::countr_zero(b)));
      }
    }
  };
  auto compute = [&](std::size_t v) {
    collect(v);
    std::size_t fill = 0;
    std::uint64_t weight = card[v];
    constexpr std::uint64_t cap = std::uint64_t{1} << 62;
    for (std::size_t a : neighbours) {
      const std::uint64_t* ra = row(a);
      std::size_t missing = 0;
      for (std::size_t w = 0; w < words; ++w) missing += static_cast<std::size_t>(std::popcount(n_bits[w] & ~ra[w]));
      fill += missing - 1;  // a itself is in N(v) but not in N(a)
      weight = weight > cap / card[a] ? cap : weight * card[a];
    }
    score[v] = {fill / 2, weight};
  };
  for (std::size_t v = 0; v < count; ++v) {
    if (eliminable[v]) compute(v);
  }

  std::vector<NodeId> order;
  order.reserve(remaining);
  std::vector<bool> done(count, false);
  std::vector<char> dirty(count, 0);
  std::vector<std::size_t> nb;  // the neighbours of the node eliminated (collect() reuses `neighbours`)
  while (remaining-- > 0) {
    std::size_t best = count;
    for (std::size_t v = 0; v < count; ++v) {
      if (!eliminable[v] || done[v]) continue;
      if (best == count || score[v].fill < score[best].fill ||
          (score[v].fill == score[best].fill && score[v].weight < score[best].weight)) {
        best = v;
      }
    }
    order.push_back(static_cast<NodeId>(best));
    done[best] = true;
    bit(alive.data(), best) &= ~mask(best);
    collect(best);
    nb.assign(neighbours.begin(), neighbours.end());
    for (std::size_t a : nb) {
      std::uint64_t* ra = row(a);
      for (std::size_t w = 0; w < words; ++w) ra[w] |= n_bits[w];
      bit(ra, a) &= ~mask(a);
    }
    for (std::size_t a : nb) {
      dirty[a] = 1;
      collect(a);
      for (std::size_t b : neighbours) dirty[b] = 1;
    }
    for (std::size_t v = 0; v < count; ++v) {
      if (dirty[v]) {
        dirty[v] = 0;
        if (eliminable[v] && !done[v]) compute(v);
      }
    }
  }
  return order;
}

}  // namespace

std::vector<NodeId> min_fill_order(std::size_t count, const std::vector<std::vector<NodeId>>& cliques,
                                   std::span<const std::uint32_t> card, const std::vector<bool>& eliminable) {
  Cliques flat;
  for (const auto& clique : cliques) flat.add(clique);
  return min_fill(count, flat, card, eliminable);
}

template <class S>
Factor<S> joint(const WorldNetwork& net, std::vector<NodeId> targets, const std::map<NodeId, Value>& evidence,
                std::size_t limit) {
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  const Scm& scm = net.scm();
  const std::size_t n = net.size();
  std::vector<bool> is_target(n, false);
  for (NodeId t : targets) is_target[t] = true;

  // 1. Factors, folding away every value known without uncertainty.
  std::vector<std::optional<Value>> known(n);
  std::vector<Factor<S>> dense;
  std::vector<FunctionFactor> functions;
  S scalar(1);
  bool impossible = false;
  std::vector<Value> scratch(scm.size(), 0);
  std::vector<std::uint32_t> counter;
  std::vector<std::size_t> slot;
  for (NodeId id = 0; id < n; ++id) {
    const WorldNode& node = net.node(id);
    const auto found = evidence.find(id);
    const std::optional<Value> ev = found == evidence.end() ? std::nullopt : std::optional<Value>(found->second);
    switch (node.kind) {
      case WorldNode::Kind::constant:
        known[id] = node.value;
        impossible = impossible || (ev && *ev != node.value);
        break;
      case WorldNode::Kind::exogenous: {
        const auto& prior = scm.prior(node.var);
        if (ev) {
          scalar *= from_rational<S>(prior[*ev]);
          known[id] = *ev;
          break;
        }
        if (!is_target[id] && std::count_if(prior.begin(), prior.end(), [](const Rational& p) { return !p.is_zero(); }) == 1) {
          known[id] = static_cast<Value>(
              std::find_if(prior.begin(), prior.end(), [](const Rational& p) { return !p.is_zero(); }) - prior.begin());
          break;
        }
        Factor<S> f;
        f.scope = {id};
        f.card = {card_of(net, id)};
        f.indicator = true;
        for (const auto& p : prior) {
          f.values.push_back(from_rational<S>(p));
          f.indicator = f.indicator && (p.is_zero() || is_one(p));
        }
        dense.push_back(std::move(f));
        break;
      }
      case WorldNode::Kind::function: {
        const Mechanism& m = scm.mechanism(node.var);
        const NodeSet& parents = m.parents();
        FunctionFactor f;
        f.out = id;
        f.out_card = card_of(net, id);
        f.observed = ev;
        for (std::size_t i = 0; i < parents.size(); ++i) {
          const NodeId in = node.inputs[i];
          if (known[in]) {
            scratch[parents[i]] = *known[in];
          } else {
            f.scope.push_back(in);
          }
        }
        std::sort(f.scope.begin(), f.scope.end());
        f.scope.erase(std::unique(f.scope.begin(), f.scope.end()), f.scope.end());
        for (NodeId s : f.scope) f.card.push_back(card_of(net, s));
        slot.assign(parents.size(), std::numeric_limits<std::size_t>::max());
        for (std::size_t i = 0; i < parents.size(); ++i) {
          if (!known[node.inputs[i]]) {
            slot[i] = static_cast<std::size_t>(std::lower_bound(f.scope.begin(), f.scope.end(), node.inputs[i]) -
                                               f.scope.begin());
          }
        }
        const std::size_t cells = check_cells(f.card, limit);
        f.values.resize(cells);
        counter.assign(f.scope.size(), 0);
        for (std::size_t cell = 0; cell < cells; ++cell) {
          for (std::size_t i = 0; i < parents.size(); ++i) {
            if (slot[i] != std::numeric_limits<std::size_t>::max()) scratch[parents[i]] = counter[slot[i]];
          }
          f.values[cell] = m.evaluate(scratch);
          for (std::size_t d = counter.size(); d-- > 0;) {
            if (++counter[d] < f.card[d]) break;
            counter[d] = 0;
          }
        }
        if (f.scope.empty()) {
          const Value v = f.values[0];
          if (ev) {
            impossible = impossible || v != *ev;
            known[id] = *ev;
            break;
          }
          if (!is_target[id]) {
            known[id] = v;
            break;
          }
        } else if (ev) {
          known[id] = *ev;  // the children read the observed value
        }
        functions.push_back(std::move(f));
        break;
      }
    }
  }

  std::vector<std::uint32_t> target_card;
  for (NodeId t : targets) target_card.push_back(card_of(net, t));
  if (impossible) {
    Factor<S> zero;
    zero.scope = targets;
    zero.card = target_card;
    zero.values.assign(check_cells(target_card, limit), S(0));
    zero.indicator = true;
    return zero;
  }

  // 2. Elimination order over the interaction graph.
  Cliques cliques;
  cliques.end.reserve(dense.size() + functions.size());
  for (const auto& f : dense) cliques.add(f.scope);
  for (const auto& f : functions) {
    cliques.add(f.scope);
    if (!f.observed) cliques.extend(f.out);
  }
  std::vector<std::uint32_t> card(n);
  std::vector<bool> eliminable(n, false);
  for (NodeId id = 0; id < n; ++id) {
    card[id] = card_of(net, id);
    eliminable[id] = !is_target[id] && !known[id] && net.node(id).kind != WorldNode::Kind::constant;
  }
  const std::vector<NodeId> order = min_fill(n, cliques, card, eliminable);

  // 3. Eliminate.
  std::vector<bool> dense_alive(dense.size(), true);
  std::vector<bool> function_alive(functions.size(), true);
  std::vector<std::ptrdiff_t> function_of(n, -1);
  for (std::size_t k = 0; k < functions.size(); ++k) {
    if (!functions[k].observed) function_of[functions[k].out] = static_cast<std::ptrdiff_t>(k);
  }
  std::vector<const Factor<S>*> dense_in;
  std::vector<const FunctionFactor*> functions_in;
  for (NodeId v : order) {
    if (const std::ptrdiff_t k = function_of[v]; k >= 0) {
      // v = f(inputs): substitute f into every factor that reads v.
      const auto fk = static_cast<std::size_t>(k);
      function_alive[fk] = false;
      function_of[v] = -1;
      const FunctionFactor& f = functions[fk];
      for (std::size_t d = 0; d < dense.size(); ++d) {
        if (dense_alive[d] && contains(dense[d].scope, v)) dense[d] = substitute(dense[d], f, limit);
      }
      for (std::size_t g = 0; g < functions.size(); ++g) {
        if (function_alive[g] && contains(functions[g].scope, v)) functions[g] = substitute(functions[g], f, limit);
      }
      continue;
    }
    dense_in.clear();
    functions_in.clear();
    for (std::size_t d = 0; d < dense.size(); ++d) {
      if (dense_alive[d] && contains(dense[d].scope, v)) {
        dense_in.push_back(&dense[d]);
        dense_alive[d] = false;
      }
    }
    for (std::size_t g = 0; g < functions.size(); ++g) {
      if (function_alive[g] && contains(functions[g].scope, v)) {
        functions_in.push_back(&functions[g]);
        function_alive[g] = false;
        if (!functions[g].observed) function_of[functions[g].out] = -1;
      }
    }
    Factor<S> result = sum_product<S>(dense_in, functions_in, v, limit);
    dense.push_back(std::move(result));
    dense_alive.push_back(true);
  }

  // 4. What is left is over the targets only.
  dense_in.clear();
  functions_in.clear();
  for (std::size_t d = 0; d < dense.size(); ++d) {
    if (dense_alive[d]) dense_in.push_back(&dense[d]);
  }
  for (std::size_t g = 0; g < functions.size(); ++g) {
    if (function_alive[g]) functions_in.push_back(&functions[g]);
  }
  Factor<S> result = sum_product<S>(dense_in, functions_in, std::nullopt, limit);
  if (result.scope != targets) throw std::logic_error("variable elimination: nodes left over");
  if (scalar != S(1)) {
    for (S& v : result.values) v *= scalar;
    result.indicator = false;
  }
  return result;
}

template <class S>
Joint<S>::Joint(const Scm& scm, std::vector<const Term*> terms, const std::vector<Event>& evidence, std::size_t limit)
    : Joint(scm, std::move(terms), evidence, limit, false) {}

template <class S>
Joint<S>::Joint(const Scm& scm, std::vector<const Term*> terms, const std::vector<Event>& evidence, std::size_t limit,
                bool force_combined)
    : scm_(&scm), terms_(std::move(terms)), evidence_(&evidence), limit_(limit) {
  for (const Term* t : terms_) check_term(*t, scm);
  check_events(evidence, scm);
  if (!force_combined && terms_.size() > 1) {
    std::size_t cells = 1;
    for (const Term* t : terms_) {
      cells = std::min(cells * scm.domain(t->var).size(), combined_cells + 1);
    }
    combined_ = cells <= combined_cells;
    if (!combined_) return;
    try {
      eliminate();
    } catch (const Error&) {  // too large at once: one elimination per quantity instead
      combined_ = false;
    }
    return;
  }
  eliminate();
}

template <class S>
void Joint<S>::eliminate() {
  WorldNetwork net(*scm_);
  std::map<NodeId, Value> observed;
  for (const Event& e : *evidence_) {
    const NodeId id = net.add(e.term);
    const WorldNode& node = net.node(id);
    if (node.kind == WorldNode::Kind::constant) {
      contradictory_ = contradictory_ || node.value != e.value;
      continue;
    }
    auto [it, fresh] = observed.emplace(id, e.value);
    contradictory_ = contradictory_ || (!fresh && it->second != e.value);
  }
  std::vector<NodeId> targets;
  node_.clear();
  point_.clear();
  for (const Term* t : terms_) {
    const NodeId id = net.add(*t);
    const WorldNode& node = net.node(id);
    node_.push_back(id);
    if (node.kind == WorldNode::Kind::constant) {
      point_.emplace_back(node.value);
    } else if (auto it = observed.find(id); it != observed.end()) {
      point_.emplace_back(it->second);
    } else {
      point_.emplace_back();
      targets.push_back(id);
    }
  }
  if (contradictory_) return;
  factor_ = joint<S>(net, std::move(targets), observed, limit_);
  evidence_probability_ = sum(factor_.values);
}

template <class S>
S Joint<S>::evidence_probability() const {
  if (!combined_) return Joint(*scm_, {}, *evidence_, limit_, true).evidence_probability();
  return evidence_probability_;
}

template <class S>
void Joint<S>::check_defined() const {
  if (contradictory_ || (!evidence_->empty() && is_zero(evidence_probability_))) {
    throw ZeroProbabilityEvidence(to_string(*evidence_, *scm_));
  }
}

template <class S>
std::size_t Joint<S>::index_of(const Term& term) const {
  for (std::size_t i = 0; i < terms_.size(); ++i) {
    if (terms_[i] == &term || *terms_[i] == term) return i;
  }
  throw std::logic_error("ve::Joint: a term it was not built for");
}

template <class S>
S Joint<S>::probability(const std::vector<Event>& events) const {
  if (!combined_) {
    std::vector<const Term*> terms;
    for (const Event& e : events) terms.push_back(&e.term);
    return Joint(*scm_, std::move(terms), *evidence_, limit_, true).probability(events);
  }
  check_defined();
  // The value each scope node must take; an event contradicting another, an intervention or
  // the evidence has probability 0.
  std::vector<std::optional<Value>> wanted(factor_.scope.size());
  for (const Event& e : events) {
    const std::size_t i = index_of(e.term);
    if (point_[i]) {
      if (*point_[i] != e.value) return S(0);
      continue;
    }
    auto& w = wanted[static_cast<std::size_t>(std::lower_bound(factor_.scope.begin(), factor_.scope.end(), node_[i]) -
                                              factor_.scope.begin())];
    if (w && *w != e.value) return S(0);
    w = e.value;
  }
  S num(0);
  for_each_cell(factor_, [&](const std::vector<std::uint32_t>& at, const S& value) {
    for (std::size_t d = 0; d < at.size(); ++d) {
      if (wanted[d] && *wanted[d] != at[d]) return;
    }
    num += value;
  });
  if (evidence_->empty()) return num;  // P(evidence) = 1
  return S(num / evidence_probability_);
}

template <class S>
std::vector<S> Joint<S>::distribution(const Term& term) const {
  if (!combined_) return Joint(*scm_, {&term}, *evidence_, limit_, true).distribution(term);
  check_defined();
  const std::size_t i = index_of(term);
  std::vector<S> out(scm_->domain(term.var).size(), S(0));
  if (point_[i]) {
    out[*point_[i]] = S(1);
    return out;
  }
  const auto d = static_cast<std::size_t>(std::lower_bound(factor_.scope.begin(), factor_.scope.end(), node_[i]) -
                                          factor_.scope.begin());
  for_each_cell(factor_, [&](const std::vector<std::uint32_t>& at, const S& value) { out[at[d]] += value; });
  if (!evidence_->empty()) {
    for (S& v : out) v /= evidence_probability_;
  }
  return out;
}

template <class S>
S probability(const Scm& scm, const Probability& p, std::size_t limit) {
  check_events(p.events, scm);
  std::vector<const Term*> terms;
  for (const Event& e : p.events) terms.push_back(&e.term);
  return Joint<S>(scm, std::move(terms), p.evidence, limit).probability(p.events);
}

template <class S>
std::vector<S> distribution(const Scm& scm, const Term& term, const std::vector<Event>& evidence, std::size_t limit) {
  return Joint<S>(scm, {&term}, evidence, limit).distribution(term);
}

template <class S>
S evidence_probability(const Scm& scm, const std::vector<Event>& evidence, std::size_t limit) {
  return Joint<S>(scm, {}, evidence, limit).evidence_probability();
}

template Factor<Rational> joint(const WorldNetwork&, std::vector<NodeId>, const std::map<NodeId, Value>&, std::size_t);
template Factor<FastRational> joint(const WorldNetwork&, std::vector<NodeId>, const std::map<NodeId, Value>&, std::size_t);
template Factor<double> joint(const WorldNetwork&, std::vector<NodeId>, const std::map<NodeId, Value>&, std::size_t);
template class Joint<Rational>;
template class Joint<FastRational>;
template class Joint<double>;
template Rational probability(const Scm&, const Probability&, std::size_t);
template FastRational probability(const Scm&, const Probability&, std::size_t);
template double probability(const Scm&, const Probability&, std::size_t);
template std::vector<Rational> distribution(const Scm&, const Term&, const std::vector<Event>&, std::size_t);
template std::vector<FastRational> distribution(const Scm&, const Term&, const std::vector<Event>&, std::size_t);
template std::vector<double> distribution(const Scm&, const Term&, const std::vector<Event>&, std::size_t);
template Rational evidence_probability(const Scm&, const std::vector<Event>&, std::size_t);
template FastRational evidence_probability(const Scm&, const std::vector<Event>&, std::size_t);
template double evidence_probability(const Scm&, const std::vector<Event>&, std::size_t);

}  // namespace rung::ve
