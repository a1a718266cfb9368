#include "rung/gen/structure.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string_view>
#include <utility>
#include <vector>

namespace rung {

namespace {

/// Leaves of the search tree visited at most. Pruning keeps every model we know of far below
/// this (k interchangeable components: about k leaves; identical noises: one leaf); past it the
/// smallest text seen so far is returned, which is deterministic for one model but may then
/// depend on the declaration order.
constexpr std::size_t kMaxLeaves = 20000;
/// Automorphisms kept for pruning (generators; more add little).
constexpr std::size_t kMaxAutomorphisms = 256;
/// Stands for a variable reference inside a text template (never in a name or label).
constexpr char kHole = '\x01';

using Colouring = std::vector<std::uint32_t>;

/// `v12`: the canonical name of the variable at canonical position 12.
std::string canonical_name(std::size_t index) {
  std::string out(1, 'v');
  out += std::to_string(index);
  return out;
}

/// `open`, then `parts` separated by `separator`, then `close` (plain appends: this runs for
/// every generated item; appended piece by piece because `"(" + str` trips a GCC 12 -Wrestrict
/// false positive at -O3).
std::string join(const std::vector<std::string>& parts, std::string_view separator, std::string_view open = {},
                 std::string_view close = {}) {
  std::string out(open);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  out += close;
  return out;
}

/// True for texts of the form `v<digits>`, which a label atom must not be confused with.
bool looks_like_canonical_name(std::string_view s) {
  return s.size() >= 2 && s[0] == 'v' &&
         std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string domain_text(const Domain& d) { return join(d.labels(), ",", "{", "}"); }

/// A copy of `e` whose atoms are rewritten: atoms naming a variable of `scm` by `on_var(id)`,
/// the others (labels, numbers, true/false) by `on_other(text)`. Atoms are visited left to right.
template <class OnVar, class OnOther>
Expr map_atoms(const Expr& e, const Scm& scm, OnVar& on_var, OnOther& on_other) {
  Expr out;
  out.kind = e.kind;
  out.offset = e.offset;
  if (e.kind == Expr::Kind::atom) {
    if (auto id = scm.find(e.text)) {
      out.text = on_var(*id);
    } else {
      out.text = on_other(e.text);
    }
    return out;
  }
  out.args.reserve(e.args.size());
  for (const auto& a : e.args) out.args.push_back(map_atoms(a, scm, on_var, on_other));
  return out;
}

/// A text with holes, each filled by the canonical name of a variable: pieces.size() ==
/// refs.size() + 1 and the text is pieces[0] name(refs[0]) pieces[1] ... pieces.back().
struct Template {
  std::vector<std::string> pieces{std::string()};
  std::vector<VarId> refs;

  void text(std::string_view s) { pieces.back() += s; }
  void hole(VarId id) {
    refs.push_back(id);
    pieces.emplace_back();
  }
  void append(const Template& t) {
    text(t.pieces.front());
    for (std::size_t i = 0; i < t.refs.size(); ++i) {
      hole(t.refs[i]);
      text(t.pieces[i + 1]);
    }
  }
  /// The text with every hole filled by `fill(id)`.
  template <class Fill>
  void render(std::string& out, Fill&& fill) const {
    out += pieces.front();
    for (std::size_t i = 0; i < refs.size(); ++i) {
      out += fill(refs[i]);
      out += pieces[i + 1];
    }
  }
};

/// The mechanism of `id` as a template: the expression as written (canonical printing) with
/// variable atoms as holes, or `table(inputs) { in, ... -> out; ... }`.
Template mechanism_template(const Scm& scm, VarId id) {
  const Mechanism& m = scm.mechanism(id);
  Template t;
  if (m.is_table()) {
    const TableSpec& spec = m.table();
    t.text("table(");
    for (std::size_t i = 0; i < spec.inputs.size(); ++i) {
      if (i > 0) t.text(", ");
      t.hole(*scm.find(spec.inputs[i]));
    }
    t.text(") {");
    for (const auto& row : spec.rows) t.text(fmt::format(" {} -> {};", fmt::join(row.in, ", "), row.out));
    t.text(" }");
    return t;
  }
  std::vector<VarId> refs;
  const std::string printed = to_string(m.expression(), [&](const Expr& atom, std::string& out) {
    if (auto v = scm.find(atom.text)) {
      refs.push_back(*v);
      out += kHole;
    } else if (looks_like_canonical_name(atom.text)) {
      out += '\'';
      out += atom.text;
      out += '\'';
    } else {
      out += atom.text;
    }
  });
  // The printer visits atoms left to right: holes and refs line up.
  std::size_t next = 0;
  for (char c : printed) {
    if (c == kHole) {
      t.hole(refs.at(next++));
    } else {
      t.pieces.back() += c;
    }
  }
  return t;
}

// ---- query roles (initial colours) and query text (leaves) -------------------------------------

void term_roles(const Term& term, const std::string& path, std::vector<std::vector<std::string>>& roles) {
  if (term.var < roles.size()) roles[term.var].push_back(path + "T");
  for (const auto& s : term.settings) {
    if (s.var >= roles.size()) continue;
    if (s.is_nested()) {
      roles[s.var].push_back(path + "S=N");
      term_roles(s.nested.front(), path + "N.", roles);
    } else {
      roles[s.var].push_back(path + "S=" + std::to_string(s.value));
    }
  }
}

void event_roles(const std::vector<Event>& events, const std::string& path,
                 std::vector<std::vector<std::string>>& roles) {
  for (std::size_t j = 0; j < events.size(); ++j) {
    term_roles(events[j].term, path + std::to_string(j) + "=" + std::to_string(events[j].value) + ".", roles);
  }
}

/// For each variable, the sorted places where the query mentions it (no ids, no names).
std::vector<std::string> query_roles(const Query& q, std::size_t n) {
  std::vector<std::vector<std::string>> roles(n);
  for (std::size_t i = 0; i < q.parts.size(); ++i) {
    const auto& part = q.parts[i];
    const std::string p = std::to_string(i) + (part.sign < 0 ? '-' : '+');
    if (const auto* prob = std::get_if<Probability>(&part.quantity)) {
      event_roles(prob->events, p + "Pe", roles);
      event_roles(prob->evidence, p + "Pc", roles);
    } else {
      const auto& ex = std::get<Expectation>(part.quantity);
      term_roles(ex.term, p + "Et.", roles);
      event_roles(ex.evidence, p + "Ec", roles);
    }
  }
  std::vector<std::string> out(n);
  for (std::size_t v = 0; v < n; ++v) {
    std::sort(roles[v].begin(), roles[v].end());
    out[v] = join(roles[v], ";");
  }
  return out;
}

/// Renders the query with canonical names (`label[v]` = canonical index of v). Settings are a set
/// (sorted by id in a Query), so they are written in canonical order.
class QueryWriter {
 public:
  QueryWriter(const Scm& scm, const std::vector<std::uint32_t>& label) : scm_(scm), label_(label) {}

  void query(const Query& q, std::string& out) const {
    for (std::size_t i = 0; i < q.parts.size(); ++i) {
      const auto& part = q.parts[i];
      if (i == 0) {
        if (part.sign < 0) out += '-';
      } else {
        out += part.sign < 0 ? " - " : " + ";
      }
      if (const auto* prob = std::get_if<Probability>(&part.quantity)) {
        out += "P(";
        events(prob->events, out);
        if (!prob->evidence.empty()) {
          out += " | ";
          events(prob->evidence, out);
        }
      } else {
        const auto& ex = std::get<Expectation>(part.quantity);
        out += "E(";
        term(ex.term, out);
        if (!ex.evidence.empty()) {
          out += " | ";
          events(ex.evidence, out);
        }
      }
      out += ')';
    }
  }

 private:
  const Scm& scm_;
  const std::vector<std::uint32_t>& label_;

  std::string name(VarId v) const { return v < label_.size() ? canonical_name(label_[v]) : fmt::format("#{}", v); }

  std::string value(VarId v, Value x) const {
    if (v < scm_.size() && x < scm_.domain(v).size()) return scm_.domain(v).label(x);
    return fmt::format("#{}", x);
  }

  void term(const Term& t, std::string& out) const {
    out += name(t.var);
    if (t.settings.empty()) return;
    std::vector<const Setting*> sorted;
    for (const auto& s : t.settings) sorted.push_back(&s);
    auto key = [&](const Setting* s) { return s->var < label_.size() ? label_[s->var] : s->var; };
    std::stable_sort(sorted.begin(), sorted.end(), [&](const Setting* a, const Setting* b) { return key(a) < key(b); });
    out += '[';
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      if (i > 0) out += ", ";
      out += name(sorted[i]->var);
      out += '=';
      if (sorted[i]->is_nested()) {
        term(sorted[i]->nested.front(), out);
      } else {
        out += value(sorted[i]->var, sorted[i]->value);
      }
    }
    out += ']';
  }

  void events(const std::vector<Event>& es, std::string& out) const {
    for (std::size_t i = 0; i < es.size(); ++i) {
      if (i > 0) out += ", ";
      term(es[i].term, out);
      out += '=';
      out += value(es[i].term.var, es[i].value);
    }
  }
};

/// Individualisation-refinement over the variables of one (model, query).
///
/// Colours are dense ranks 0..k-1 whose order is itself invariant, so that a colouring is an
/// ordered partition. Pruning, all of it sound (the smallest text is found whatever the order
/// of declarations, up to kMaxLeaves):
/// - twins: u and w whose transposition is an automorphism (identical noises read by the same
///   mechanisms the same way, unused identical noises, identical children) are interchangeable,
///   so only one of each twin class is tried in a cell;
/// - a leaf whose text equals the first or best leaf's gives an automorphism fixing the common
///   prefix of the two paths: the search jumps back to where they part (nauty's rule);
/// - a child in the orbit of an explored sibling under the automorphisms found so far that fix
///   the current path is skipped.
class Canonicaliser {
 public:
  Canonicaliser(const Scm& scm, const Query& query) : scm_(scm), query_(query), n_(scm.size()) {
    for (std::size_t i = 0; i < n_; ++i) names_.push_back(canonical_name(i));
    lines_.resize(n_);
    parents_.resize(n_);
    children_.resize(n_);
    const std::vector<std::string> roles = query_roles(query, n_);
    std::vector<std::string> initial(n_);
    for (VarId v = 0; v < n_; ++v) {
      const Variable& var = scm.variable(v);
      Template& line = lines_[v];
      const bool exo = var.kind == VarKind::exogenous;
      line.text(exo ? "x " : "n ");
      line.hole(v);
      line.text(" ");
      line.text(domain_text(var.domain));
      std::string shape;
      if (exo) {
        std::vector<std::string> p;
        for (const auto& x : var.prior) p.push_back(to_string(x));
        shape = join(p, ",", " (", ")");
        line.text(shape);
      } else {
        Template m = mechanism_template(scm, v);
        parents_[v] = m.refs;
        for (std::size_t i = 0; i < m.refs.size(); ++i) {
          children_[m.refs[i]].emplace_back(v, static_cast<std::uint32_t>(i));
        }
        shape = join(m.pieces, "@", " := ");
        line.text(" := ");
        line.append(m);
      }
      // Exogenous first ('0' < '1'), so the canonical names of exogenous variables come first.
      initial[v] = std::string(1, exo ? '0' : '1') + "\n" + domain_text(var.domain) + "\n" + shape + "\n" + roles[v];
    }
    Colouring c;
    std::size_t cells = rank(initial, c);
    cells = refine(c, cells);
    find_twins(c);
    std::vector<VarId> prefix;
    search(c, cells, prefix);
  }

  [[nodiscard]] std::string result() && { return std::move(best_); }

 private:
  const Scm& scm_;
  const Query& query_;
  std::size_t n_;
  std::vector<std::string> names_;                                      // v0, v1, ...
  std::vector<Template> lines_;                                         // "x v0 {0,1} (1/2,1/2)"
  std::vector<std::vector<VarId>> parents_;                             // holes of the mechanism, in order
  std::vector<std::vector<std::pair<VarId, std::uint32_t>>> children_;  // (child, hole index)
  std::vector<VarId> twin_;  // representative of each variable's twin class

  std::size_t leaves_ = 0;
  bool have_best_ = false;
  std::string best_;
  Colouring best_label_;
  std::vector<VarId> best_path_;
  std::string first_;
  Colouring first_label_;
  std::vector<VarId> first_path_;
  std::vector<std::vector<VarId>> automorphisms_;
  static constexpr std::size_t kNoJump = static_cast<std::size_t>(-1);
  std::size_t jump_ = kNoJump;  // after a leaf: go back up to this depth

  // Scratch space of refine().
  std::vector<std::uint32_t> sig_;
  std::vector<std::size_t> offset_;
  std::vector<std::uint32_t> order_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> kids_;

  /// Dense ranks of `keys` into `out` (equal keys, equal rank; rank order = key order).
  template <class Key>
  std::size_t rank(const std::vector<Key>& keys, Colouring& out) {
    order_.resize(n_);
    std::iota(order_.begin(), order_.end(), 0U);
    std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
    out.assign(n_, 0);
    std::uint32_t r = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      if (i > 0 && keys[order_[i - 1]] < keys[order_[i]]) ++r;
      out[order_[i]] = r;
    }
    return n_ == 0 ? 0 : static_cast<std::size_t>(r) + 1;
  }

  /// Refines `c` (with `cells` colours) to the coarsest equitable colouring below it: a
  /// variable's colour then determines the colours of its parents in mechanism order and the
  /// multiset of (child colour, position in the child's mechanism). Returns the number of colours.
  std::size_t refine(Colouring& c, std::size_t cells) {
    for (;;) {
      sig_.clear();
      offset_.clear();
      for (VarId v = 0; v < n_; ++v) {
        offset_.push_back(sig_.size());
        sig_.push_back(c[v]);
        for (VarId p : parents_[v]) sig_.push_back(c[p]);
        kids_.clear();
        for (auto [child, pos] : children_[v]) kids_.emplace_back(c[child], pos);
        std::sort(kids_.begin(), kids_.end());
        for (auto [col, pos] : kids_) {
          sig_.push_back(col);
          sig_.push_back(pos);
        }
      }
      offset_.push_back(sig_.size());
      // Same colour implies the same mechanism shape and number of children: signatures of equal
      // colours have equal lengths, and the leading colour orders the others.
      auto less = [&](std::uint32_t a, std::uint32_t b) {
        return std::lexicographical_compare(sig_.begin() + static_cast<std::ptrdiff_t>(offset_[a]),
                                            sig_.begin() + static_cast<std::ptrdiff_t>(offset_[a + 1]),
                                            sig_.begin() + static_cast<std::ptrdiff_t>(offset_[b]),
                                            sig_.begin() + static_cast<std::ptrdiff_t>(offset_[b + 1]));
      };
      order_.resize(n_);
      std::iota(order_.begin(), order_.end(), 0U);
      std::sort(order_.begin(), order_.end(), less);
      std::uint32_t r = 0;
      for (std::size_t i = 0; i < n_; ++i) {
        if (i > 0 && less(order_[i - 1], order_[i])) ++r;
        c[order_[i]] = r;
      }
      const std::size_t k = n_ == 0 ? 0 : static_cast<std::size_t>(r) + 1;
      if (k == cells) return k;
      cells = k;
    }
  }

  /// `c` with `w` given a colour of its own, just before the rest of its cell; then refined.
  Colouring individualise(const Colouring& c, VarId w, std::size_t cells, std::size_t& out_cells) {
    Colouring out(c);
    for (VarId v = 0; v < n_; ++v) {
      if (c[v] > c[w] || (c[v] == c[w] && v != w)) ++out[v];
    }
    out_cells = refine(out, cells + 1);
    return out;
  }

  /// The text of the model relabelled by `label` (a bijection onto 0..n-1).
  std::string text(const Colouring& label) const {
    std::vector<VarId> at(n_);
    for (VarId v = 0; v < n_; ++v) at[label[v]] = v;
    std::string out;
    auto fill = [&](VarId v) -> const std::string& { return names_[label[v]]; };
    for (VarId v : at) {
      lines_[v].render(out, fill);
      out += '\n';
    }
    out += "q ";
    QueryWriter(scm_, label).query(query_, out);
    return out;
  }

  /// Twin classes: u and w (same colour after the first refinement) whose transposition maps
  /// the model and query onto themselves. Twinship is an equivalence (the transpositions
  /// conjugate each other), so each variable is compared with one member of each class so far.
  void find_twins(const Colouring& c) {
    twin_.resize(n_);
    std::iota(twin_.begin(), twin_.end(), VarId{0});
    Colouring identity(n_);
    std::iota(identity.begin(), identity.end(), 0U);
    std::string plain;
    auto neighbours = [&](VarId v, VarId a, VarId b) {
      std::vector<VarId> out;
      for (VarId p : parents_[v]) out.push_back(p);
      for (auto [child, pos] : children_[v]) out.push_back(child);
      std::erase_if(out, [&](VarId x) { return x == a || x == b; });
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      return out;
    };
    std::vector<VarId> reps;
    for (VarId w = 0; w < n_; ++w) {
      for (VarId u : reps) {
        if (c[u] != c[w] || neighbours(u, u, w) != neighbours(w, u, w)) continue;
        if (plain.empty()) plain = text(identity);
        Colouring swapped = identity;
        std::swap(swapped[u], swapped[w]);
        if (text(swapped) == plain) {
          twin_[w] = u;
          break;
        }
      }
      if (twin_[w] == w) reps.push_back(w);
    }
  }

  /// True if `w` is a twin of an explored sibling, or some automorphism found so far that fixes
  /// `prefix` pointwise maps `w` into the orbit of an explored sibling.
  bool pruned(VarId w, const std::vector<VarId>& explored, const std::vector<VarId>& prefix) const {
    // Neither w nor an explored sibling is in the prefix, so their transposition fixes it.
    if (std::any_of(explored.begin(), explored.end(), [&](VarId e) { return twin_[e] == twin_[w]; })) return true;
    std::vector<VarId> parent(n_);
    std::iota(parent.begin(), parent.end(), VarId{0});
    auto find = [&](VarId x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    bool any = false;
    for (const auto& g : automorphisms_) {
      if (!std::all_of(prefix.begin(), prefix.end(), [&](VarId p) { return g[p] == p; })) continue;
      any = true;
      for (VarId v = 0; v < n_; ++v) {
        const VarId a = find(v);
        const VarId b = find(g[v]);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
      }
    }
    if (!any) return false;
    const VarId root = find(w);
    return std::any_of(explored.begin(), explored.end(), [&](VarId e) { return find(e) == root; });
  }

  void search(const Colouring& c, std::size_t cells, std::vector<VarId>& prefix) {
    if (cells == n_) {
      leaf(c, prefix);
      return;
    }
    // Target cell: the smallest non-singleton cell, the first such in colour order.
    std::vector<std::size_t> size(cells, 0);
    for (VarId v = 0; v < n_; ++v) ++size[c[v]];
    std::size_t target = cells;
    for (std::size_t k = 0; k < cells; ++k) {
      if (size[k] > 1 && (target == cells || size[k] < size[target])) target = k;
    }
    const std::size_t depth = prefix.size();
    std::vector<VarId> explored;
    for (VarId w = 0; w < n_; ++w) {
      if (c[w] != target) continue;
      if (leaves_ >= kMaxLeaves) return;
      if (!explored.empty() && pruned(w, explored, prefix)) continue;
      std::size_t k = 0;
      Colouring child = individualise(c, w, cells, k);
      prefix.push_back(w);
      search(child, k, prefix);
      prefix.pop_back();
      explored.push_back(w);
      if (jump_ < depth) return;  // this whole subtree is the image of one already explored
      jump_ = kNoJump;
    }
  }

  /// `g` = the map taking each variable to the one with the same canonical index under `other`:
  /// the two labellings give the same text, so `g` is an automorphism.
  void record_automorphism(const Colouring& label, const Colouring& other) {
    if (automorphisms_.size() >= kMaxAutomorphisms) return;
    std::vector<VarId> at(n_);
    for (VarId v = 0; v < n_; ++v) at[other[v]] = v;
    std::vector<VarId> g(n_);
    bool identity = true;
    for (VarId v = 0; v < n_; ++v) {
      g[v] = at[label[v]];
      identity = identity && g[v] == v;
    }
    if (!identity) automorphisms_.push_back(std::move(g));
  }

  /// Length of the common prefix of two paths.
  static std::size_t common(const std::vector<VarId>& a, const std::vector<VarId>& b) {
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    return i;
  }

  /// A leaf. If its text equals that of an earlier leaf (the first or the best), the map between
  /// the two is an automorphism fixing their common prefix and taking this path's branch at the
  /// first difference onto the earlier one's, which is fully explored: record it, and jump back
  /// to that level. (An individualised vertex keeps the first position of its cell through
  /// refinement, so equal discrete colourings mean the automorphism maps path onto path.)
  void leaf(const Colouring& label, const std::vector<VarId>& path) {
    ++leaves_;
    std::string t = text(label);
    if (!have_best_) {
      have_best_ = true;
      first_ = t;
      first_label_ = label;
      first_path_ = path;
      best_ = std::move(t);
      best_label_ = label;
      best_path_ = path;
      return;
    }
    if (t == first_) {
      record_automorphism(label, first_label_);
      jump_ = std::min(jump_, common(path, first_path_));
    }
    const int cmp = t.compare(best_);
    if (cmp == 0) {
      if (best_path_ != first_path_) record_automorphism(label, best_label_);
      jump_ = std::min(jump_, common(path, best_path_));
    } else if (cmp < 0) {
      best_ = std::move(t);
      best_label_ = label;
      best_path_ = path;
    }
  }
};

}  // namespace

std::string canonical_form(const Scm& scm, const Query& query) {
  return Canonicaliser(scm, query).result();
}

std::string structure_hash(const Scm& scm, const Query& query) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : canonical_form(scm, query)) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

Scm rename_variables(const Scm& scm, const std::vector<std::string>& names) {
  if (names.size() != scm.size()) {
    throw InvalidModel(fmt::format("rename_variables: {} names for {} variables", names.size(), scm.size()));
  }
  auto on_var = [&](VarId id) { return names[id]; };
  auto keep = [](const std::string& text) { return text; };
  ScmBuilder b;
  for (VarId id = 0; id < scm.size(); ++id) {
    const Variable& v = scm.variable(id);
    if (v.kind == VarKind::exogenous) {
      b.exogenous(names[id], v.domain, v.prior);
      continue;
    }
    const Mechanism& m = scm.mechanism(id);
    if (m.is_table()) {
      TableSpec t = m.table();
      for (auto& input : t.inputs) input = names[*scm.find(input)];
      b.endogenous(names[id], v.domain, std::move(t));
    } else {
      b.endogenous(names[id], v.domain, map_atoms(m.expression(), scm, on_var, keep));
    }
  }
  return b.build();
}

}  // namespace rung
