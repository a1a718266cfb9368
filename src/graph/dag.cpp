#include "rung/graph/dag.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>
#include <utility>

// Neighbour order: the graph uses boost::setS for its edge lists, whose stored edges compare by
// the other endpoint, so adjacent_vertices (children) and inv_adjacent_vertices (parents) come
// out in increasing id. Several results below rely on that: sorted NodeSets, arcs() sorted by
// (from, to), and the BFS in add_arc visiting neighbours in increasing id.

namespace rung {
namespace {

/// Calls f(child) for each child of v, in increasing id.
template <class Graph, class F>
void for_each_child(const Graph& g, NodeId v, F&& f) {
  for (auto [it, end] = boost::adjacent_vertices(v, g); it != end; ++it) {
    f(static_cast<NodeId>(*it));
  }
}

/// Calls f(parent) for each parent of v, in increasing id.
template <class Graph, class F>
void for_each_parent(const Graph& g, NodeId v, F&& f) {
  for (auto [it, end] = boost::inv_adjacent_vertices(v, g); it != end; ++it) {
    f(static_cast<NodeId>(*it));
  }
}

/// Steps for mark_reachable: to the parents / to the children of a node.
struct ToParents {
  template <class Graph, class F>
  void operator()(const Graph& g, NodeId v, F&& f) const { for_each_parent(g, v, f); }
};
struct ToChildren {
  template <class Graph, class F>
  void operator()(const Graph& g, NodeId v, F&& f) const { for_each_child(g, v, f); }
};

/// Marks every node reachable from `start` by one or more steps (ToParents or ToChildren);
/// a start node is marked only if it is reached again from another.
template <class Graph, class Step>
std::vector<char> mark_reachable(const Graph& g, std::span<const NodeId> start,
                                 Step for_each_next) {
  std::vector<char> marked(boost::num_vertices(g), 0);
  std::vector<NodeId> stack;
  auto visit = [&](NodeId w) {
    if (marked[w] == 0) {
      marked[w] = 1;
      stack.push_back(w);
    }
  };
  for (NodeId s : start) for_each_next(g, s, visit);
  while (!stack.empty()) {
    NodeId v = stack.back();
    stack.pop_back();
    for_each_next(g, v, visit);
  }
  return marked;
}

/// The ids whose mark is set, in increasing order.
NodeSet marked_ids(const std::vector<char>& marked) {
  NodeSet out;
  for (std::size_t i = 0; i < marked.size(); ++i) {
    if (marked[i] != 0) out.push_back(static_cast<NodeId>(i));
  }
  return out;
}

/// Shortest directed path source -> ... -> target (both included), found by BFS visiting
/// children in increasing id; empty if target is unreachable.
template <class Graph>
std::vector<NodeId> shortest_path(const Graph& g, NodeId source, NodeId target) {
  constexpr NodeId none = std::numeric_limits<NodeId>::max();
  std::vector<NodeId> predecessor(boost::num_vertices(g), none);
  std::deque<NodeId> queue{source};
  predecessor[source] = source;
  while (!queue.empty() && predecessor[target] == none) {
    NodeId v = queue.front();
    queue.pop_front();
    for_each_child(g, v, [&](NodeId w) {
      if (predecessor[w] == none) {
        predecessor[w] = v;
        queue.push_back(w);
      }
    });
  }
  if (predecessor[target] == none) return {};
  std::vector<NodeId> path{target};
  while (path.back() != source) path.push_back(predecessor[path.back()]);
  std::reverse(path.begin(), path.end());
  return path;
}

// ---- Bayes-ball --------------------------------------------------------------------------

/// Direction a trail enters a node: `up` from one of its children, `down` from a parent.
enum class Direction : std::uint8_t { up, down };

/// Koller & Friedman's "Reachable" (Algorithm 3.1): true iff some active trail given the
/// `observed` nodes links a source to a node marked in `target`. `observed_or_ancestor` marks
/// the observed nodes and their ancestors (the colliders that let a trail through).
template <class Graph>
bool active_trail_exists(const Graph& g, std::span<const NodeId> sources,
                         const std::vector<char>& observed,
                         const std::vector<char>& observed_or_ancestor,
                         const std::vector<char>& target) {
  const std::size_t n = boost::num_vertices(g);
  std::vector<char> seen_up(n, 0);
  std::vector<char> seen_down(n, 0);
  std::vector<std::pair<NodeId, Direction>> pending;
  for (NodeId s : sources) pending.emplace_back(s, Direction::up);
  auto go_up = [&](NodeId w) { pending.emplace_back(w, Direction::up); };
  auto go_down = [&](NodeId w) { pending.emplace_back(w, Direction::down); };

  while (!pending.empty()) {
    auto [v, direction] = pending.back();
    pending.pop_back();
    auto& seen = direction == Direction::up ? seen_up : seen_down;
    if (seen[v] != 0) continue;
    seen[v] = 1;
    if (observed[v] == 0 && target[v] != 0) return true;
    if (direction == Direction::up) {
      // From a child: a chain or fork through v, open only if v is unobserved.
      if (observed[v] == 0) {
        for_each_parent(g, v, go_up);
        for_each_child(g, v, go_down);
      }
    } else {
      // From a parent: a chain through v if unobserved, a collider if v or a descendant is.
      if (observed[v] == 0) for_each_child(g, v, go_down);
      if (observed_or_ancestor[v] != 0) for_each_parent(g, v, go_up);
    }
  }
  return false;
}

// ---- the fixture parser ------------------------------------------------------------------

/// One statement of a fixture: a lone name or a chain `A -> B -> C`.
using Chain = std::vector<std::string>;

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_separator(char c) { return c == ';' || c == ','; }

/// Recursive-descent parser of the fixture syntax. Reports every malformed statement (it skips
/// to the next separator after an error), then throws ParseError if there was any.
class FixtureParser {
 public:
  explicit FixtureParser(std::string_view text) : text_(text) {}

  std::vector<Chain> parse() {
    std::vector<Chain> chains;
    while (true) {
      if (auto chain = statement()) {
        chains.push_back(std::move(*chain));
      } else {
        while (!at_end() && !is_separator(peek())) advance();
      }
      if (at_end()) break;
      advance();  // the separator
    }
    if (!diagnostics_.empty()) throw ParseError(std::move(diagnostics_));
    return chains;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  std::vector<Diagnostic> diagnostics_;

  [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
  [[nodiscard]] char peek() const { return text_[pos_]; }
  [[nodiscard]] bool at_statement_end() const { return at_end() || is_separator(peek()); }
  [[nodiscard]] bool at_arrow() const { return text_.substr(pos_, 2) == "->"; }

  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++pos_;
  }

  void skip_space() {
    while (!at_end() && is_space(peek())) advance();
  }

  /// What stands at the current position, for "found ..." in messages.
  [[nodiscard]] std::string found() const {
    if (at_end()) return "end of input";
    if (at_arrow()) return "'->'";
    const char c = peek();
    if (c > ' ' && c < '\x7f') return fmt::format("'{}'", c);
    return fmt::format("byte 0x{:02X}", static_cast<unsigned char>(c));
  }

  void error(std::string message) {
    diagnostics_.push_back(Diagnostic{"", line_, column_, std::move(message)});
  }

  /// Appends the name at the current position to `chain`; records an error if there is none.
  bool name(std::string_view expected, Chain& chain) {
    if (at_end() || !is_name_char(peek())) {
      error(fmt::format("{}, found {}", expected, found()));
      return false;
    }
    const std::size_t begin = pos_;
    while (!at_end() && is_name_char(peek())) advance();
    chain.emplace_back(text_.substr(begin, pos_ - begin));
    return true;
  }

  /// `[name ('->' name)*]` up to the next separator; nullopt after recording an error.
  std::optional<Chain> statement() {
    Chain chain;
    skip_space();
    if (at_statement_end()) return chain;
    if (!name("expected a node name", chain)) return std::nullopt;
    while (true) {
      skip_space();
      if (at_statement_end()) return chain;
      if (!at_arrow()) {
        error(fmt::format("expected '->', ';', ',' or end of input after '{}', found {}",
                          chain.back(), found()));
        return std::nullopt;
      }
      advance();
      advance();
      skip_space();
      if (!name("expected a node name after '->'", chain)) return std::nullopt;
    }
  }
};

}  // namespace

// ---- construction ------------------------------------------------------------------------

Dag Dag::parse(std::string_view text) {
  Dag dag;
  for (const Chain& chain : FixtureParser(text).parse()) {
    std::vector<NodeId> ids;
    ids.reserve(chain.size());
    for (const std::string& name : chain) {
      auto id = dag.find(name);
      ids.push_back(id ? *id : dag.add_node(name));
    }
    for (std::size_t i = 1; i < ids.size(); ++i) dag.add_arc(ids[i - 1], ids[i]);
  }
  return dag;
}

Dag::Dag(const Dag& other)
    : graph_(other.graph_ ? std::make_unique<Graph>(*other.graph_) : nullptr),
      names_(other.names_),
      ids_(other.ids_) {}

Dag& Dag::operator=(const Dag& other) {
  if (this != &other) *this = Dag(other);
  return *this;
}

Dag::Dag(Dag&& other) noexcept
    : graph_(std::move(other.graph_)), names_(std::move(other.names_)), ids_(std::move(other.ids_)) {
  other.names_.clear();
  other.ids_.clear();
}

Dag& Dag::operator=(Dag&& other) noexcept {
  graph_ = std::move(other.graph_);
  names_ = std::move(other.names_);
  ids_ = std::move(other.ids_);
  other.names_.clear();
  other.ids_.clear();
  return *this;
}

Dag::~Dag() = default;

const Dag::Graph& Dag::graph() const {
  static const Graph empty;
  return graph_ ? *graph_ : empty;
}

NodeId Dag::add_node(std::string name) {
  const auto hint = ids_.lower_bound(name);
  if (hint != ids_.end() && hint->first == name) throw InvalidModel::duplicate_name(name);
  if (names_.size() >= std::numeric_limits<NodeId>::max()) {
    throw std::length_error("rung::Dag: too many nodes");
  }
  if (!graph_) graph_ = std::make_unique<Graph>();
  const auto id = static_cast<NodeId>(names_.size());
  const auto it = ids_.emplace_hint(hint, name, id);
  try {
    names_.push_back(std::move(name));
    boost::add_vertex(*graph_);
  } catch (...) {
    if (names_.size() > id) names_.pop_back();
    ids_.erase(it);
    throw;
  }
  return id;
}

void Dag::reserve(std::size_t nodes) { names_.reserve(nodes); }

void Dag::add_arc(NodeId from, NodeId to) {
  check(from);
  check(to);
  if (from == to) throw InvalidModel::cycle({names_[from], names_[from]});
  if (boost::edge(from, to, *graph_).second) return;
  // A cycle needs a path from `to` back to `from`: none if `to` has no child yet (the common
  // case when models are declared parents first).
  if (boost::out_degree(to, *graph_) != 0) {
    if (auto path = shortest_path(*graph_, to, from); !path.empty()) {
      std::vector<std::string> cycle{names_[from]};
      for (NodeId v : path) cycle.push_back(names_[v]);
      throw InvalidModel::cycle(cycle);
    }
  }
  boost::add_edge(from, to, *graph_);
}

void Dag::check(NodeId id) const {
  if (id >= names_.size()) {
    throw std::out_of_range(
        fmt::format("rung::Dag: node id {} out of range (size {})", id, names_.size()));
  }
}

// ---- queries -----------------------------------------------------------------------------

std::size_t Dag::size() const noexcept { return names_.size(); }

std::size_t Dag::arc_count() const noexcept { return (graph_ ? boost::num_edges(*graph_) : 0); }

const std::string& Dag::name(NodeId id) const {
  check(id);
  return names_[id];
}

std::optional<NodeId> Dag::find(std::string_view name) const {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  return std::nullopt;
}

bool Dag::has_arc(NodeId from, NodeId to) const {
  check(from);
  check(to);
  return boost::edge(from, to, *graph_).second;
}

std::vector<std::pair<NodeId, NodeId>> Dag::arcs() const {
  std::vector<std::pair<NodeId, NodeId>> out;
  out.reserve(arc_count());
  for (NodeId v = 0; v < size(); ++v) {
    for_each_child(*graph_, v, [&](NodeId w) { out.emplace_back(v, w); });
  }
  return out;
}

NodeSet Dag::parents(NodeId id) const {
  check(id);
  NodeSet out;
  for_each_parent(*graph_, id, [&](NodeId w) { out.push_back(w); });
  return out;
}

NodeSet Dag::children(NodeId id) const {
  check(id);
  NodeSet out;
  for_each_child(*graph_, id, [&](NodeId w) { out.push_back(w); });
  return out;
}

NodeSet Dag::ancestors(std::span<const NodeId> nodes) const {
  for (NodeId v : nodes) check(v);
  return marked_ids(mark_reachable(graph(), nodes, ToParents{}));
}

NodeSet Dag::descendants(std::span<const NodeId> nodes) const {
  for (NodeId v : nodes) check(v);
  return marked_ids(mark_reachable(graph(), nodes, ToChildren{}));
}

std::vector<NodeId> Dag::topological_order() const {
  std::vector<std::size_t> waiting(size());  // parents not yet placed
  std::priority_queue<NodeId, std::vector<NodeId>, std::greater<>> ready;
  for (NodeId v = 0; v < size(); ++v) {
    waiting[v] = boost::in_degree(v, *graph_);
    if (waiting[v] == 0) ready.push(v);
  }
  std::vector<NodeId> order;
  order.reserve(size());
  while (!ready.empty()) {
    NodeId v = ready.top();
    ready.pop();
    order.push_back(v);
    for_each_child(*graph_, v, [&](NodeId w) {
      if (--waiting[w] == 0) ready.push(w);
    });
  }
  return order;
}

bool Dag::dsep(std::span<const NodeId> x, std::span<const NodeId> y,
               std::span<const NodeId> z) const {
  for (auto set : {x, y, z}) {
    for (NodeId v : set) check(v);
  }
  std::vector<char> observed(size(), 0);
  for (NodeId v : z) observed[v] = 1;
  // Observed members of x and y are constants given z: they drop out of the question.
  std::vector<char> target(size(), 0);
  for (NodeId v : y) target[v] = observed[v] == 0 ? 1 : 0;
  std::vector<NodeId> sources;
  for (NodeId v : x) {
    if (observed[v] != 0) continue;
    if (target[v] != 0) return false;
    sources.push_back(v);
  }
  if (sources.empty()) return true;

  std::vector<char> observed_or_ancestor = mark_reachable(*graph_, z, ToParents{});
  for (NodeId v : z) observed_or_ancestor[v] = 1;
  return !active_trail_exists(*graph_, sources, observed, observed_or_ancestor, target);
}

bool operator==(const Dag& a, const Dag& b) {
  return a.names_ == b.names_ && a.arcs() == b.arcs();
}

}  // namespace rung
