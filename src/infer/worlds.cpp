#include "rung/infer/worlds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

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

std::optional<NodeId> WorldNetwork::leaf_in(VarId var, std::uint32_t context) {
  const Context& c = context_list_[context];
  auto set = std::lower_bound(c.begin(), c.end(), std::pair<VarId, NodeId>{var, 0},
                              [](const auto& a, const auto& b) { return a.first < b.first; });
  if (set != c.end() && set->first == var) return set->second;
  if (!scm_->is_exogenous(var)) return std::nullopt;
  if (exogenous_[var] == kNone) exogenous_[var] = push({WorldNode::Kind::exogenous, var, 0, {}});
  return exogenous_[var];
}

NodeId WorldNetwork::node_in(VarId var, std::uint32_t context) {
  // A depth-first walk up the parents with a stack of its own, not the call stack: a chain of
  // 100,000 variables is 100,000 levels deep. Nodes are made in the same order as a recursive
  // walk would make them (parents in order, then the variable), so ids do not depend on it.
  const std::size_t base = std::size_t{context} * scm_->size();
  if (const NodeId known = memo_[base + var]; known != kNone) return known;
  if (const auto leaf = leaf_in(var, context)) return memo_[base + var] = *leaf;
  struct Frame {
    VarId var;
    std::size_t next_parent;
  };
  std::vector<Frame> stack{{var, 0}};
  while (!stack.empty()) {
    const VarId v = stack.back().var;
    const NodeSet& parents = scm_->mechanism(v).parents();
    std::size_t& next = stack.back().next_parent;
    while (next < parents.size()) {
      const VarId p = parents[next];
      if (memo_[base + p] != kNone) {
        ++next;
      } else if (const auto leaf = leaf_in(p, context)) {
        memo_[base + p] = *leaf;
        ++next;
      } else {
        break;
      }
    }
    if (next < parents.size()) {
      stack.push_back({parents[next], 0});  // `next` is not used again before the parent is done
      continue;
    }
    WorldNode node{WorldNode::Kind::function, v, 0, {}};
    node.inputs.reserve(parents.size());
    for (VarId p : parents) node.inputs.push_back(memo_[base + p]);
    NodeId id = last_function_[v];
    while (id != kNone && nodes_[id].inputs != node.inputs) id = previous_function_[id];
    if (id == kNone) {
      id = push(std::move(node));
      previous_function_[id] = last_function_[v];
      last_function_[v] = id;
    }
    memo_[base + v] = id;
    stack.pop_back();
  }
  return memo_[base + var];
}

}  // namespace rung
