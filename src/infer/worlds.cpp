#include "rung/infer/worlds.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rung {

NodeId WorldNetwork::push(WorldNode node) {
  nodes_.push_back(std::move(node));
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
      auto [it, fresh] = constants_.try_emplace({s.var, s.value}, 0);
      if (fresh) it->second = push({WorldNode::Kind::constant, s.var, s.value, {}});
      target = it->second;
    }
    context.emplace_back(s.var, target);
  }
  std::sort(context.begin(), context.end());
  auto [it, fresh] = contexts_.try_emplace(std::move(context), static_cast<std::uint32_t>(context_list_.size()));
  if (fresh) context_list_.push_back(it->first);
  return node_in(term.var, it->second);
}

NodeId WorldNetwork::node_in(VarId var, std::uint32_t context) {
  if (auto it = memo_.find({context, var}); it != memo_.end()) return it->second;
  NodeId id = 0;
  const Context& c = context_list_[context];
  auto set = std::lower_bound(c.begin(), c.end(), std::pair<VarId, NodeId>{var, 0},
                              [](const auto& a, const auto& b) { return a.first < b.first; });
  if (set != c.end() && set->first == var) {
    id = set->second;
  } else if (scm_->is_exogenous(var)) {
    auto [it, fresh] = exogenous_.try_emplace(var, 0);
    if (fresh) it->second = push({WorldNode::Kind::exogenous, var, 0, {}});
    id = it->second;
  } else {
    std::vector<NodeId> inputs;
    const NodeSet& parents = scm_->mechanism(var).parents();
    inputs.reserve(parents.size());
    for (VarId p : parents) inputs.push_back(node_in(p, context));
    auto key = std::make_pair(var, inputs);
    auto it = functions_.find(key);
    if (it == functions_.end()) {
      id = push({WorldNode::Kind::function, var, 0, std::move(inputs)});
      functions_.emplace(std::move(key), id);
    } else {
      id = it->second;
    }
  }
  memo_.emplace(std::pair{context, var}, id);
  return id;
}

}  // namespace rung
