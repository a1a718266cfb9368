#include "rung/infer/worlds.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rung {

NodeId WorldNetwork::push(WorldNode node) {
  nodes_.push_back(std::move(node));
  previous_function_.push_back(kNone);
  return static_cast<NodeId>(nodes_.size() - 1);
}

NodeId WorldNetwork::add(const Term& term) {
  check_term(term, *scm_);
  return resolve(term);
}

NodeId WorldNetwork::resolve(const Term& term) {
  Context context;
  context.reserve(term.settings.size());
  for (const Setting& s : term.settings) {
    NodeId target = 0;
    if (s.is_nested()) {
      target = resolve(s.nested.front());
    } else {
      const std::pair<VarId, Value> key{s.var, s.value};
      auto it = std::find_if(constants_.begin(), constants_.end(), [&](const auto& c) { return c.first == key; });
      if (it != constants_.end()) {
        target = it->second;
      } else {
        target = push({WorldNode::Kind::constant, s.var, s.value, {}});
        constants_.emplace_back(key, target);
      }
    }
    context.emplace_back(s.var, target);
  }
  std::sort(context.begin(), context.end());
  auto it = std::find(context_list_.begin(), context_list_.end(), context);
  const auto id = static_cast<std::uint32_t>(it - context_list_.begin());
  if (it == context_list_.end()) {
    context_list_.push_back(std::move(context));
    memo_.resize(memo_.size() + scm_->size(), kNone);
  }
  return node_in(term.var, id);
}

NodeId WorldNetwork::node_in(VarId var, std::uint32_t context) {
  const std::size_t memo = std::size_t{context} * scm_->size() + var;
  if (const NodeId known = memo_[memo]; known != kNone) return known;
  NodeId id = 0;
  const Context& c = context_list_[context];
  auto set = std::lower_bound(c.begin(), c.end(), std::pair<VarId, NodeId>{var, 0},
                              [](const auto& a, const auto& b) { return a.first < b.first; });
  if (set != c.end() && set->first == var) {
    id = set->second;
  } else if (scm_->is_exogenous(var)) {
    if (exogenous_[var] == kNone) exogenous_[var] = push({WorldNode::Kind::exogenous, var, 0, {}});
    id = exogenous_[var];
  } else {
    WorldNode node{WorldNode::Kind::function, var, 0, {}};
    const NodeSet& parents = scm_->mechanism(var).parents();
    node.inputs.reserve(parents.size());
    for (VarId p : parents) node.inputs.push_back(node_in(p, context));
    id = last_function_[var];
    while (id != kNone && nodes_[id].inputs != node.inputs) id = previous_function_[id];
    if (id == kNone) {
      id = push(std::move(node));
      previous_function_[id] = last_function_[var];
      last_function_[var] = id;
    }
  }
  memo_[memo] = id;
  return id;
}

}  // namespace rung
