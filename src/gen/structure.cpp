#include "rung/gen/structure.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <iterator>
#include <numeric>
#include <span>
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

/// Appends `v12`, the canonical name of the variable at canonical position 12.
void append_canonical_name(std::string& out, std::size_t index) {
  std::array<char, 24> digits{};  // enough for any 64-bit integer
  const char* end = std::to_chars(digits.data(), digits.data() + digits.size(), index).ptr;
  out += 'v';
  out.append(digits.data(), static_cast<std::size_t>(end - digits.data()));
}

/// Appends `open`, then `parts` separated by `separator`, then `close`.
template <class Parts>
void append_joined(std::string& out, const Parts& parts, std::string_view separator, std::string_view open = {},
                   std::string_view close = {}) {
  out += open;
  bool first = true;
  for (const auto& part : parts) {
    if (!first) out += separator;
    first = false;
    out += part;
  }
  out += close;
}

/// True for texts of the form `v<digits>`, which a label atom must not be confused with.
bool looks_like_canonical_name(std::string_view s) {
  return s.size() >= 2 && s[0] == 'v' &&
         std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Appends `{0,1}`.
void append_domain(std::string& out, const Domain& d) { append_joined(out, d.labels(), ",", "{", "}"); }

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

/// The model's lines (`x v0 {0,1} (1/2,1/2)`, `n v2 {0,1} := not v0 and v1`) as one text with a
/// hole (a kHole byte) wherever a variable is named; rendering fills each hole with the
/// canonical name of its variable. One buffer and flat arrays, not a string per piece: this
/// runs for every generated item.
class Lines {
 public:
  /// Room for `lines` lines of about `chars` characters and `holes` holes.
  Lines(std::size_t lines, std::size_t chars, std::size_t holes) {
    text_.reserve(chars);
    end_.reserve(lines);
    hole_at_.reserve(holes);
    ref_.reserve(holes);
    first_hole_.reserve(lines + 1);
    first_hole_.push_back(0);
  }

  std::string& text() { return text_; }
  /// A hole for `v` at the end of the text.
  void hole(VarId v) {
    hole_at_.push_back(static_cast<std::uint32_t>(text_.size()));
    ref_.push_back(v);
    text_ += kHole;
  }
  /// Ends the current line (lines are numbered from 0 in the order they end).
  void end_line() {
    end_.push_back(static_cast<std::uint32_t>(text_.size()));
    first_hole_.push_back(static_cast<std::uint32_t>(ref_.size()));
  }
  /// The variables of the holes made since hole number `from`, in order.
  [[nodiscard]] std::span<const VarId> refs_since(std::size_t from) const {
    return std::span<const VarId>(ref_).subspan(from);
  }
  [[nodiscard]] std::size_t holes() const noexcept { return ref_.size(); }
  [[nodiscard]] std::size_t size() const noexcept { return text_.size(); }

  /// Appends line `line` with each hole filled by `fill(variable, out)`.
  template <class Fill>
  void render(std::size_t line, std::string& out, Fill&& fill) const {
    std::size_t at = line == 0 ? 0 : end_[line - 1];
    for (std::size_t h = first_hole_[line]; h < first_hole_[line + 1]; ++h) {
      out.append(text_.data() + at, hole_at_[h] - at);
      fill(ref_[h], out);
      at = hole_at_[h] + 1;
    }
    out.append(text_.data() + at, end_[line] - at);
  }

 private:
  std::string text_;                       // every line, back to back
  std::vector<std::uint32_t> end_;         // end of each line in text_
  std::vector<std::uint32_t> hole_at_;     // position of each hole in text_
  std::vector<VarId> ref_;                 // the variable of each hole
  std::vector<std::uint32_t> first_hole_;  // first hole of each line (one more entry than lines)
};

/// Appends the mechanism of `id` to `lines` with variable atoms as holes: the expression as
/// written (canonical printing; a label that looks like a canonical name is quoted), or
/// `table(inputs) { in, ... -> out; ... }`.
void append_mechanism(Lines& lines, const Scm& scm, VarId id) {
  const Mechanism& m = scm.mechanism(id);
  std::string& text = lines.text();
  if (m.is_table()) {
    const TableSpec& spec = m.table();
    text += "table(";
    for (std::size_t i = 0; i < spec.inputs.size(); ++i) {
      if (i > 0) text += ", ";
      lines.hole(*scm.find(spec.inputs[i]));
    }
    text += ") {";
    for (const auto& row : spec.rows) {
      append_joined(text, row.in, ", ", " ");
      text += " -> ";
      text += row.out;
      text += ';';
    }
    text += " }";
    return;
  }
  // The printer appends to `text` itself and visits atoms left to right.
  append_to_string(text, m.expression(), [&](const Expr& atom, std::string& out) {
    if (auto v = scm.find(atom.text)) {
      lines.hole(*v);
    } else if (looks_like_canonical_name(atom.text)) {
      out += '\'';
      out += atom.text;
      out += '\'';
    } else {
      out += atom.text;
    }
  });
}

// ---- query roles (initial colours) and query text (leaves) -------------------------------------

/// (variable, place in the query): the places are paths such as `0+Pe1=0.S=1`.
using Roles = std::vector<std::pair<VarId, std::string>>;

/// Appends the places of `term` under `path` (which it extends and restores).
void term_roles(const Term& term, std::string& path, std::size_t n, Roles& roles) {
  const std::size_t base = path.size();
  auto role = [&](VarId v, std::string_view last) {
    roles.emplace_back(v, path);
    roles.back().second += last;
  };
  if (term.var < n) role(term.var, "T");
  for (const auto& s : term.settings) {
    if (s.var >= n) continue;
    if (s.is_nested()) {
      role(s.var, "S=N");
      path += "N.";
      term_roles(s.nested.front(), path, n, roles);
      path.resize(base);
    } else {
      role(s.var, "S=" + std::to_string(s.value));
    }
  }
}

void event_roles(const std::vector<Event>& events, std::string& path, std::size_t n, Roles& roles) {
  const std::size_t base = path.size();
  for (std::size_t j = 0; j < events.size(); ++j) {
    path += std::to_string(j);
    path += '=';
    path += std::to_string(events[j].value);
    path += '.';
    term_roles(events[j].term, path, n, roles);
    path.resize(base);
  }
}

/// For each variable, the sorted places where the query mentions it (no ids, no names), joined
/// by ';'.
std::vector<std::string> query_roles(const Query& q, std::size_t n) {
  Roles roles;
  std::string path;
  auto under = [&path](std::string_view p, std::string_view step) -> std::string& {
    path = p;
    path += step;
    return path;
  };
  for (std::size_t i = 0; i < q.parts.size(); ++i) {
    const auto& part = q.parts[i];
    const std::string p = std::to_string(i) + (part.sign < 0 ? '-' : '+');
    if (const auto* prob = std::get_if<Probability>(&part.quantity)) {
      event_roles(prob->events, under(p, "Pe"), n, roles);
      event_roles(prob->evidence, under(p, "Pc"), n, roles);
    } else {
      const auto& ex = std::get<Expectation>(part.quantity);
      term_roles(ex.term, under(p, "Et."), n, roles);
      event_roles(ex.evidence, under(p, "Ec"), n, roles);
    }
  }
  std::sort(roles.begin(), roles.end());  // by variable, then place
  std::vector<std::string> out(n);
  for (std::size_t i = 0; i < roles.size(); ++i) {
    std::string& joined = out[roles[i].first];
    if (i > 0 && roles[i - 1].first == roles[i].first) joined += ';';
    joined += roles[i].second;
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

  void name(VarId v, std::string& out) const {
    if (v < label_.size()) {
      append_canonical_name(out, label_[v]);
    } else {
      fmt::format_to(std::back_inserter(out), "#{}", v);
    }
  }

  void value(VarId v, Value x, std::string& out) const {
    if (v < scm_.size() && x < scm_.domain(v).size()) {
      out += scm_.domain(v).label(x);
    } else {
      fmt::format_to(std::back_inserter(out), "#{}", x);
    }
  }

  void term(const Term& t, std::string& out) const {
    name(t.var, out);
    if (t.settings.empty()) return;
    std::vector<const Setting*> sorted;
    sorted.reserve(t.settings.size());
    auto key = [&](const Setting* s) { return s->var < label_.size() ? label_[s->var] : s->var; };
    // Insertion sort, stable: a term has few settings (std::stable_sort would allocate a buffer).
    for (const auto& s : t.settings) {
      auto at = sorted.end();
      while (at != sorted.begin() && key(&s) < key(*(at - 1))) --at;
      sorted.insert(at, &s);
    }
    out += '[';
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      if (i > 0) out += ", ";
      name(sorted[i]->var, out);
      out += '=';
      if (sorted[i]->is_nested()) {
        term(sorted[i]->nested.front(), out);
      } else {
        value(sorted[i]->var, sorted[i]->value, out);
      }
    }
    out += ']';
  }

  void events(const std::vector<Event>& es, std::string& out) const {
    for (std::size_t i = 0; i < es.size(); ++i) {
      if (i > 0) out += ", ";
      term(es[i].term, out);
      out += '=';
      value(es[i].term.var, es[i].value, out);
    }
  }
};

/// The arcs read off the mechanisms, in flat arrays: each variable's parents in the order of
/// its mechanism's holes (repeats kept), and its children with the hole of theirs it fills.
class Arcs {
 public:
  using Child = std::pair<VarId, std::uint32_t>;  // (child, hole index)

  Arcs() = default;
  /// `parents` of variable v at [parent_begin[v], parent_begin[v + 1]).
  Arcs(std::size_t n, std::vector<std::uint32_t> parent_begin, std::vector<VarId> parents)
      : parent_begin_(std::move(parent_begin)), parents_(std::move(parents)), child_begin_(n + 1, 0),
        children_(parents_.size()) {
    for (VarId p : parents_) ++child_begin_[p + 1];
    std::partial_sum(child_begin_.begin(), child_begin_.end(), child_begin_.begin());
    std::vector<std::uint32_t> next(child_begin_.begin(), child_begin_.end() - 1);
    for (VarId v = 0; v < n; ++v) {
      const auto ps = this->parents(v);
      for (std::size_t i = 0; i < ps.size(); ++i) children_[next[ps[i]]++] = {v, static_cast<std::uint32_t>(i)};
    }
  }

  [[nodiscard]] std::span<const VarId> parents(VarId v) const {
    return std::span<const VarId>(parents_).subspan(parent_begin_[v], parent_begin_[v + 1] - parent_begin_[v]);
  }
  [[nodiscard]] std::span<const Child> children(VarId v) const {
    return std::span<const Child>(children_).subspan(child_begin_[v], child_begin_[v + 1] - child_begin_[v]);
  }

 private:
  std::vector<std::uint32_t> parent_begin_;
  std::vector<VarId> parents_;
  std::vector<std::uint32_t> child_begin_;
  std::vector<Child> children_;
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
  Canonicaliser(const Scm& scm, const Query& query)
      : scm_(scm), query_(query), n_(scm.size()), lines_(n_, kLineChars * n_, kLineHoles * n_) {
    const std::vector<std::string> roles = query_roles(query, n_);
    std::vector<std::string> initial(n_);
    std::vector<std::uint32_t> parent_begin(n_ + 1, 0);
    std::vector<VarId> parents;
    parents.reserve(kLineHoles * n_);
    std::string domain;
    for (VarId v = 0; v < n_; ++v) {
      const Variable& var = scm.variable(v);
      const bool exo = var.kind == VarKind::exogenous;
      domain.clear();
      append_domain(domain, var.domain);
      // Exogenous first ('0' < '1'), so the canonical names of exogenous variables come first.
      std::string& key = initial[v];
      key.reserve(kLineChars);
      key += exo ? '0' : '1';
      key += '\n';
      key += domain;
      key += '\n';
      std::string& line = lines_.text();
      line += exo ? "x " : "n ";
      lines_.hole(v);
      line += ' ';
      line += domain;
      const std::size_t shape_at = line.size();
      if (exo) {
        line += " (";
        for (std::size_t i = 0; i < var.prior.size(); ++i) {
          if (i > 0) line += ',';
          line += to_string(var.prior[i]);
        }
        line += ')';
      } else {
        line += " := ";
        const std::size_t first_hole = lines_.holes();
        append_mechanism(lines_, scm, v);
        const auto refs = lines_.refs_since(first_hole);
        parents.insert(parents.end(), refs.begin(), refs.end());
      }
      parent_begin[v + 1] = static_cast<std::uint32_t>(parents.size());
      // The shape: the line after the domain, each hole an '@'.
      const std::size_t shape_end = line.size();
      for (std::size_t i = shape_at; i < shape_end; ++i) key += line[i] == kHole ? '@' : line[i];
      key += '\n';
      key += roles[v];
      lines_.end_line();
    }
    arcs_ = Arcs(n_, std::move(parent_begin), std::move(parents));
    name_at_.reserve(n_ + 1);
    for (std::size_t i = 0; i < n_; ++i) {
      name_at_.push_back(static_cast<std::uint32_t>(names_.size()));
      append_canonical_name(names_, i);
    }
    name_at_.push_back(static_cast<std::uint32_t>(names_.size()));
    sig_.reserve(n_ * (1 + 3 * kLineHoles));
    offset_.reserve(n_ + 1);
    order_.reserve(n_);
    kids_.reserve(n_);
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
  // Typical sizes of a line, to reserve room once (more is allocated as needed).
  static constexpr std::size_t kLineChars = 48;
  static constexpr std::size_t kLineHoles = 4;
  Lines lines_;   // "x v0 {0,1} (1/2,1/2)", "n v2 {0,1} := not v0 and v1"
  Arcs arcs_;     // parents in mechanism order, children with the hole they fill
  std::string names_;                   // v0v1v2...: the canonical names, back to back
  std::vector<std::uint32_t> name_at_;  // where each starts in names_ (one more entry than names)
  std::size_t text_size_ = 0;  // size of the last text, to reserve the next
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
  std::vector<VarId> at_;  // of text(): the variable at each canonical position

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
        for (VarId p : arcs_.parents(v)) sig_.push_back(c[p]);
        kids_.clear();
        for (auto [child, pos] : arcs_.children(v)) kids_.emplace_back(c[child], pos);
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
  std::string text(const Colouring& label) {
    at_.resize(n_);
    for (VarId v = 0; v < n_; ++v) at_[label[v]] = v;
    std::string out;
    out.reserve(text_size_);
    auto fill = [&](VarId v, std::string& to) {
      const std::size_t i = label[v];
      to.append(names_.data() + name_at_[i], name_at_[i + 1] - name_at_[i]);
    };
    for (VarId v : at_) {
      lines_.render(v, out, fill);
      out += '\n';
    }
    out += "q ";
    QueryWriter(scm_, label).query(query_, out);
    text_size_ = out.size();
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
    std::vector<VarId> of_u;
    std::vector<VarId> of_w;
    auto neighbours = [&](VarId v, VarId a, VarId b, std::vector<VarId>& out) -> const std::vector<VarId>& {
      out.clear();
      for (VarId p : arcs_.parents(v)) out.push_back(p);
      for (auto [child, pos] : arcs_.children(v)) out.push_back(child);
      std::erase_if(out, [&](VarId x) { return x == a || x == b; });
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      return out;
    };
    std::vector<VarId> reps;
    for (VarId w = 0; w < n_; ++w) {
      for (VarId u : reps) {
        if (c[u] != c[w] || neighbours(u, u, w, of_u) != neighbours(w, u, w, of_w)) continue;
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
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (std::size_t i = 16; i-- > 0; h >>= 4) out[i] = kHex[h & 0xF];
  return out;
}

std::optional<std::uint64_t> structure_key(std::string_view hash) {
  if (hash.size() != 16) return std::nullopt;
  std::uint64_t key = 0;
  for (char c : hash) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a') + 10U;
    } else {
      return std::nullopt;
    }
    key = (key << 4U) | digit;
  }
  return key;
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
