#include "rung/scm/mechanism.hpp"

#include "rung/core/scalar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <string_view>

namespace rung {

namespace {

/// What an operand must fit, as said in messages: `text` as is, or the domain after `head` if
/// any (`Y {0, 1}`, `{lo, hi}`). Written out only when a problem is reported.
struct Context {
  std::string_view text;
  const std::string* head = nullptr;
  const Domain* domain = nullptr;

  [[nodiscard]] std::string to_string() const {
    if (domain == nullptr) return std::string(text);
    if (head == nullptr) return domain->to_string();
    return fmt::format("{} {}", *head, domain->to_string());
  }
};

}  // namespace

/// Turns an Expr or a TableSpec into a Mechanism's program, collecting every problem.
class MechanismCompiler {
 public:
  MechanismCompiler(Mechanism& m, const std::string& owner, const Mechanism::Resolver& resolve,
                    Location at, std::vector<Diagnostic>& problems)
      : m_(m), owner_(owner), resolve_(resolve), at_(at), problems_(problems) {}

  bool expression(const Expr& e, const Domain& target) {
    m_.program_.reserve(kTypicalProgram);
    compile(e, &target, Context{{}, &owner_, &target});
    if (ok_) tabulate();
    return ok_;
  }

  bool table(const TableSpec& t, const Domain& target);
  bool cpt(const CptSpec& t, const Domain& target, std::string_view noise_name);

 private:
  /// How a table or a CPT names its inputs in messages.
  struct InputWords {
    std::string_view inputs;  ///< "inputs of the table", "parents of the CPT"
    std::string_view table;   ///< "table", "CPT"
    bool cpt = false;
  };
  /// Resolves the inputs of a table or CPT (declared, each once, not `noise`), records them as
  /// parents and table inputs, and returns their domains; nullopt after a problem, or when the
  /// rows (times `cells_per_row`) would pass `max_rows` (`max_cells`).
  std::optional<std::vector<const Domain*>> inputs(const std::vector<std::string>& names, const InputWords& words,
                                                   std::optional<VarId> noise, std::size_t max_rows,
                                                   std::size_t cells_per_row, std::size_t max_cells);
  /// Reports the rows that `filled` says are missing, naming the first; false if any is.
  bool all_rows(const std::vector<const Domain*>& domains, const std::vector<char>& filled, const InputWords& words);

  using Op = Mechanism::Op;
  /// Instructions reserved up front (a mechanism of a few operators), so the program is not
  /// regrown from one instruction.
  static constexpr std::size_t kTypicalProgram = 16;
  Mechanism& m_;
  const std::string& owner_;
  const Mechanism::Resolver& resolve_;
  Location at_;
  std::vector<Diagnostic>& problems_;
  bool ok_ = true;
  std::size_t depth_ = 0;

  void problem(int offset, std::string message) {
    ok_ = false;
    problems_.push_back({"", at_.line, at_.column > 0 ? at_.column + offset : 0, std::move(message)});
  }
  void problem_at(Location where, std::string message) {
    ok_ = false;
    if (where.line == 0) where = at_;
    problems_.push_back({"", where.line, where.column, std::move(message)});
  }

  void emit(Op op, std::uint32_t arg = 0) {
    m_.program_.push_back({op, arg});
    switch (op) {
      case Op::push:
      case Op::load: ++depth_; break;
      case Op::and_:
      case Op::or_:
      case Op::xor_:
      case Op::eq:
      case Op::ne: --depth_; break;
      case Op::select: depth_ -= 2; break;
      case Op::jump_if_zero: --depth_; break;
      default: break;
    }
    m_.stack_depth_ = std::max(m_.stack_depth_, depth_);
  }

  void add_parent(VarId id) {
    auto& p = m_.parents_;
    auto it = std::lower_bound(p.begin(), p.end(), id);
    if (it == p.end() || *it != id) p.insert(it, id);
  }

  /// An expression's parents (sorted by id) with their numbers of values, for tabulate().
  std::vector<std::pair<VarId, Value>> radices_;
  void add_radix(VarId id, const Domain& domain) {
    auto it = std::lower_bound(radices_.begin(), radices_.end(), id, [](const auto& a, VarId b) { return a.first < b; });
    if (it == radices_.end() || it->first != id) radices_.insert(it, {id, static_cast<Value>(domain.size())});
  }

  /// An expression over few parent values (at most Mechanism::kMaxTruthCells combinations, and
  /// as many times the program's length at most kMaxTruthWork instructions to run): its value
  /// for every combination, so that evaluate() looks it up instead of running the program
  /// (solvers evaluate a mechanism once per cell of every factor they build, model after model).
  void tabulate() {
    constexpr std::size_t kMaxTruthWork = std::size_t{1} << 16;
    std::size_t cells = 1;
    for (const auto& [id, radix] : radices_) {
      if (radix == 0 || cells > Mechanism::kMaxTruthCells / radix) return;
      cells *= radix;
    }
    if (cells * m_.program_.size() > kMaxTruthWork) return;
    // The program reads its parents' slots only, indexed by id: one scratch vector per thread,
    // grown to the largest id seen, so that tabulating the mechanisms of a long chain costs
    // O(cells) each, not O(id) (a fresh vector per mechanism made 200,000 of them quadratic).
    thread_local std::vector<Value> scratch;
    const std::size_t needed = radices_.empty() ? 0 : static_cast<std::size_t>(radices_.back().first) + 1;
    if (scratch.size() < needed) scratch.resize(std::max(needed, 2 * scratch.size()), 0);
    std::vector<Value>& values = scratch;
    auto truth = std::make_shared<std::vector<Value>>(cells);
    for (std::size_t cell = 0; cell < cells; ++cell) {
      std::size_t rest = cell;
      for (std::size_t i = radices_.size(); i-- > 0;) {
        values[radices_[i].first] = static_cast<Value>(rest % radices_[i].second);
        rest /= radices_[i].second;
      }
      (*truth)[cell] = m_.run(values);
    }
    m_.truth_inputs_ = radices_;
    m_.truth_ = std::move(truth);
  }

  static bool is_bool_word(const std::string& s) { return s == "true" || s == "false"; }

  /// An atom that names neither a variable nor true/false: its domain comes from the context.
  bool is_bare_label(const Expr& e) const {
    return e.kind == Expr::Kind::atom && !is_bool_word(e.text) && !resolve_(e.text).has_value();
  }

  /// Converts the value on the stack from domain `from` to `want` (by label), if they differ.
  void convert(const Domain& from, const Domain* want, const Expr& e, const Context& context) {
    if (want == nullptr || from == *want) return;
    std::vector<Value> map;
    for (const auto& label : from.labels()) {
      auto v = want->index_of(label);
      if (!v) {
        std::string what = e.kind == Expr::Kind::atom ? fmt::format("'{}'", e.text) : "this expression";
        problem(e.offset, fmt::format("{} takes values {}, which do not fit {}", what, from.to_string(),
                                      context.to_string()));
        return;
      }
      map.push_back(*v);
    }
    m_.remaps_.push_back(std::move(map));
    emit(Op::remap, static_cast<std::uint32_t>(m_.remaps_.size() - 1));
  }

  /// Emits code for `e`; `want` is the domain the context expects (nullptr: any). Returns the
  /// domain of the value it leaves on the stack, or nullptr after a problem.
  const Domain* compile(const Expr& e, const Domain* want, const Context& context) {
    const Domain& boolean = Domain::boolean();
    switch (e.kind) {
      case Expr::Kind::atom: {
        if (auto r = resolve_(e.text)) {
          add_parent(r->id);
          add_radix(r->id, *r->domain);
          emit(Op::load, r->id);
          convert(*r->domain, want, e, context);
          return want != nullptr ? want : r->domain;
        }
        if (want != nullptr) {
          if (auto v = want->index_of(e.text)) {
            emit(Op::push, *v);
            return want;
          }
        }
        if (is_bool_word(e.text)) {
          emit(Op::push, e.text == "true" ? 1U : 0U);
          convert(boolean, want, e, context);
          return want != nullptr ? want : &boolean;
        }
        if (want == nullptr) {
          problem(e.offset, fmt::format("cannot tell which domain '{}' belongs to: compare it with a variable", e.text));
        } else if (want->is_boolean()) {
          problem(e.offset, fmt::format("unknown name '{}'", e.text));
        } else {
          problem(e.offset, fmt::format("unknown name '{}': not a variable, nor a value of {}", e.text,
                                        context.to_string()));
        }
        emit(Op::push, 0);
        return nullptr;
      }
      case Expr::Kind::not_:
        compile(e.args[0], &boolean, Context{"a boolean operand of 'not' {0, 1}"});
        emit(Op::not_);
        convert(boolean, want, e, context);
        return want != nullptr ? want : &boolean;
      case Expr::Kind::and_:
      case Expr::Kind::or_:
      case Expr::Kind::xor_: {
        const Context ctx{e.kind == Expr::Kind::and_  ? "a boolean operand of 'and' {0, 1}"
                          : e.kind == Expr::Kind::or_ ? "a boolean operand of 'or' {0, 1}"
                                                      : "a boolean operand of 'xor' {0, 1}"};
        compile(e.args[0], &boolean, ctx);
        compile(e.args[1], &boolean, ctx);
        emit(e.kind == Expr::Kind::and_ ? Op::and_ : e.kind == Expr::Kind::or_ ? Op::or_ : Op::xor_);
        convert(boolean, want, e, context);
        return want != nullptr ? want : &boolean;
      }
      case Expr::Kind::eq:
      case Expr::Kind::ne: {
        const Expr& a = e.args[0];
        const Expr& b = e.args[1];
        if (is_bare_label(a) && is_bare_label(b)) {
          problem(e.offset, fmt::format("comparison of '{}' with '{}': neither is a variable", a.text, b.text));
          emit(Op::push, 0);
          return nullptr;
        }
        // Type the side that is not a bare label first; the other side takes its domain.
        const bool a_first = !is_bare_label(a);
        const Expr& typed = a_first ? a : b;
        const Expr& other = a_first ? b : a;
        const Domain* d = compile(typed, nullptr, context);
        if (d == nullptr) {
          emit(Op::push, 0);
        } else {
          const Context ctx{{}, typed.kind == Expr::Kind::atom ? &typed.text : nullptr, d};
          compile(other, d, ctx);
        }
        emit(e.kind == Expr::Kind::eq ? Op::eq : Op::ne);
        convert(boolean, want, e, context);
        return d != nullptr ? (want != nullptr ? want : &boolean) : nullptr;
      }
      case Expr::Kind::if_: {
        compile(e.args[0], &boolean, Context{"the condition of 'if' {0, 1}"});
        const Domain* type = want;
        if (type == nullptr) {
          // Take the domain of the first branch that is not a bare label.
          const Expr& first = is_bare_label(e.args[1]) ? e.args[2] : e.args[1];
          if (is_bare_label(first)) {
            problem(first.offset, fmt::format("cannot tell which domain '{}' belongs to: compare it with a variable",
                                              first.text));
            emit(Op::push, 0);
            emit(Op::push, 0);
            emit(Op::select);
            return nullptr;
          }
          // Compile into a scratch compiler to learn the type without emitting twice.
          type = type_of(first);
          if (type == nullptr) {
            compile(first, nullptr, context);  // reports the problem
            emit(Op::push, 0);
            emit(Op::select);
            return nullptr;
          }
        }
        const Context branch = want != nullptr ? context : Context{{}, nullptr, type};
        // cond; jump_if_zero else; then; jump end; else: otherwise; end:
        const std::size_t to_else = m_.program_.size();
        emit(Op::jump_if_zero);
        compile(e.args[1], type, branch);
        const std::size_t to_end = m_.program_.size();
        emit(Op::jump);
        m_.program_[to_else].arg = static_cast<std::uint32_t>(m_.program_.size());
        --depth_;  // the else branch starts without the then branch's value
        compile(e.args[2], type, branch);
        m_.program_[to_end].arg = static_cast<std::uint32_t>(m_.program_.size());
        return type;
      }
    }
    return nullptr;
  }

  /// The domain an expression would have with no expectation, without emitting code.
  const Domain* type_of(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::atom:
        if (auto r = resolve_(e.text)) return r->domain;
        if (is_bool_word(e.text)) return &Domain::boolean();
        return nullptr;
      case Expr::Kind::if_: {
        const Domain* t = type_of(e.args[1]);
        return t != nullptr ? t : type_of(e.args[2]);
      }
      default: return &Domain::boolean();
    }
  }
};

std::optional<std::vector<const Domain*>> MechanismCompiler::inputs(const std::vector<std::string>& names,
                                                                    const InputWords& words, std::optional<VarId> noise,
                                                                    std::size_t max_rows, std::size_t cells_per_row,
                                                                    std::size_t max_cells) {
  std::vector<const Domain*> domains;
  std::size_t rows = 1;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& name = names[i];
    auto r = resolve_(name);
    if (!r) {
      problem_at({}, fmt::format("unknown name '{}' in the {} of {}", name, words.inputs, owner_));
      continue;
    }
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), name) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      problem_at({}, words.cpt ? fmt::format("parent {} is listed twice in the CPT of {}", name, owner_)
                               : fmt::format("duplicate table input '{}'", name));
      continue;
    }
    if (noise && r->id == *noise) {
      problem_at({}, fmt::format("{} is the noise of {}, which its CPT reads already: it cannot be a parent", name, owner_));
      continue;
    }
    add_parent(r->id);
    domains.push_back(r->domain);
    m_.table_inputs_.emplace_back(r->id, static_cast<Value>(r->domain->size()));
    rows *= r->domain->size();
    if (rows > max_rows || rows * cells_per_row > max_cells) {
      problem_at({}, words.cpt ? fmt::format("the CPT of {} would have more than {} rows or {} entries", owner_, max_rows,
                                             max_cells)
                               : fmt::format("the table of {} would need more than {} rows", owner_, max_rows));
      return std::nullopt;
    }
  }
  if (!ok_) return std::nullopt;
  return domains;
}

bool MechanismCompiler::all_rows(const std::vector<const Domain*>& domains, const std::vector<char>& filled,
                                 const InputWords& words) {
  const auto first = std::find(filled.begin(), filled.end(), 0);
  if (first == filled.end()) return true;
  const auto missing = static_cast<std::size_t>(std::count(first, filled.end(), 0));
  std::vector<std::string> labels(domains.size());
  auto rest = static_cast<std::size_t>(first - filled.begin());
  for (std::size_t i = domains.size(); i-- > 0;) {
    labels[i] = domains[i]->label(static_cast<Value>(rest % domains[i]->size()));
    rest /= domains[i]->size();
  }
  const std::string row = words.cpt ? fmt::format("({})", fmt::join(labels, ", ")) : fmt::format("{}", fmt::join(labels, ", "));
  problem_at({}, missing == 1 ? fmt::format("the {} of {} has no row for {}", words.table, owner_, row)
                              : fmt::format("the {} of {} has no row for {} (and {} more missing)", words.table, owner_,
                                            row, missing - 1));
  return false;
}

bool MechanismCompiler::table(const TableSpec& t, const Domain& target) {
  const InputWords words{"inputs of the table", "table", false};
  constexpr std::size_t kMaxRows = std::size_t{1} << 20;
  const auto found = inputs(t.inputs, words, std::nullopt, kMaxRows, 1, kMaxRows);
  if (!found) return false;
  const std::vector<const Domain*>& domains = *found;
  std::size_t rows = 1;
  for (const Domain* d : domains) rows *= d->size();

  constexpr Value kUnset = ~Value{0};
  std::vector<Value> out(rows, kUnset);
  // Each distinct label of the table is looked up once per column (a table of a million rows
  // has a handful of labels): value_of[i][label id] is its index in column i's domain, kUnknown
  // when not looked up yet, kMissing when not a value. The output is column inputs.size().
  constexpr std::size_t kUnknown = ~std::size_t{0};
  constexpr std::size_t kMissing = kUnknown - 1;
  const std::size_t width = t.inputs.size();
  std::vector<std::vector<std::size_t>> value_of(width + 1, std::vector<std::size_t>(t.rows.labels().size(), kUnknown));
  const auto value = [&](std::size_t column, TableRows::LabelId id) {
    std::size_t& v = value_of[column][id];
    if (v == kUnknown) {
      const Domain& d = column < width ? *domains[column] : target;
      const auto index = d.index_of(t.rows.label(id));
      v = index ? *index : kMissing;
    }
    return v;
  };
  for (const auto& row : t.rows) {
    if (row.in.size() != width) {
      problem_at(row.at, fmt::format("table row has {} input value{}, expected {} ({})", row.in.size(),
                                     row.in.size() == 1 ? "" : "s", width, fmt::join(t.inputs, ", ")));
      continue;
    }
    std::size_t index = 0;
    bool row_ok = true;
    for (std::size_t i = 0; i < width; ++i) {
      const std::size_t v = value(i, row.in.id(i));
      if (v == kMissing) {
        problem_at(row.at, fmt::format("'{}' is not a value of {} {}", row.in[i], t.inputs[i], domains[i]->to_string()));
        row_ok = false;
      } else {
        index = index * domains[i]->size() + v;
      }
    }
    const std::size_t o = value(width, row.out_id);
    if (o == kMissing) {
      problem_at(row.at, fmt::format("'{}' is not a value of {} {}", row.out, owner_, target.to_string()));
      row_ok = false;
    }
    if (!row_ok) continue;
    if (out[index] != kUnset) {
      problem_at(row.at, fmt::format("duplicate table row for {}", fmt::join(row.in, ", ")));
      continue;
    }
    out[index] = static_cast<Value>(o);
  }
  if (!ok_) return false;

  std::vector<char> filled(rows);
  for (std::size_t index = 0; index < rows; ++index) filled[index] = out[index] != kUnset ? 1 : 0;
  if (!all_rows(domains, filled, words)) return false;
  m_.remaps_.push_back(std::move(out));
  m_.program_.push_back({Op::table, 0});
  m_.stack_depth_ = 1;
  return true;
}

std::vector<Rational> cpt_cut_points(const CptSpec& cpt) {
  std::vector<Rational> cuts;
  for (const auto& row : cpt.rows) {
    Rational c = 0;
    for (std::size_t j = 0; j + 1 < row.p.size(); ++j) {
      c += row.p[j];
      if (c > 0 && c < 1) cuts.push_back(c);
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  cuts.emplace_back(1);
  return cuts;
}

bool MechanismCompiler::cpt(const CptSpec& t, const Domain& target, std::string_view noise_name) {
  const auto noise = resolve_(noise_name);
  if (!noise || noise->prior == nullptr) {
    problem_at({}, fmt::format("the noise of the CPT of {} is not declared (build CPT models with ScmBuilder)", owner_));
    return false;
  }
  const InputWords words{"parents of the CPT", "CPT", true};
  const std::size_t m = target.size();
  const auto found = inputs(t.parents, words, noise->id, std::size_t{1} << 22, m, std::size_t{1} << 24);
  if (!found) return false;
  const std::vector<const Domain*>& domains = *found;
  std::size_t rows = 1;
  for (const Domain* d : domains) rows *= d->size();
  m_.cpt_noise_ = noise->id;
  m_.cpt_values_ = m;
  add_parent(noise->id);

  constexpr std::size_t kUnset = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> row_of(rows, kUnset);  // canonical row -> index in t.rows
  for (std::size_t k = 0; k < t.rows.size(); ++k) {
    const auto& row = t.rows[k];
    if (row.given.size() != t.parents.size()) {
      problem_at(row.at, fmt::format("CPT row has {} parent value{}, expected {}{}", row.given.size(),
                                     row.given.size() == 1 ? "" : "s", t.parents.size(),
                                     t.parents.empty() ? "" : fmt::format(" ({})", fmt::join(t.parents, ", "))));
      continue;
    }
    std::size_t index = 0;
    bool row_ok = true;
    for (std::size_t i = 0; i < row.given.size(); ++i) {
      auto v = domains[i]->index_of(row.given[i]);
      if (!v) {
        problem_at(row.at, fmt::format("'{}' is not a value of {} {}", row.given[i], t.parents[i], domains[i]->to_string()));
        row_ok = false;
        continue;
      }
      index = index * domains[i]->size() + *v;
    }
    const std::string where = row.given.empty() ? fmt::format("the CPT of {}", owner_)
                                                : fmt::format("the row ({}) of the CPT of {}", fmt::join(row.given, ", "), owner_);
    if (row.p.size() != m) {
      problem_at(row.at, fmt::format("{} has {} probabilities, expected {} (one per value of {} {})", where,
                                     row.p.size(), m, owner_, target.to_string()));
      row_ok = false;
    } else {
      Rational sum = 0;
      bool negative = false;
      for (const auto& p : row.p) {
        negative = negative || p < 0;
        sum += p;
      }
      if (negative) {
        problem_at(row.at, fmt::format("negative probability in {}", where));
        row_ok = false;
      } else if (sum != 1) {
        problem_at(row.at, fmt::format("{} sums to {}, not 1", where, to_string(sum)));
        row_ok = false;
      }
    }
    if (!row_ok) continue;
    if (row_of[index] != kUnset) {
      problem_at(row.at, fmt::format("duplicate row ({}) in the CPT of {}", fmt::join(row.given, ", "), owner_));
      continue;
    }
    row_of[index] = k;
  }
  if (!ok_) return false;
  std::vector<char> filled(rows);
  for (std::size_t index = 0; index < rows; ++index) filled[index] = row_of[index] != kUnset ? 1 : 0;
  if (!all_rows(domains, filled, words)) return false;

  // The cut points t_1 .. t_K of the noise, from its prior; they are the rows' cut points when
  // the builder declared the noise.
  const auto& prior = *noise->prior;
  std::vector<Rational> cuts;
  cuts.reserve(prior.size());
  Rational running = 0;
  for (const auto& p : prior) {
    running += p;
    cuts.push_back(running);
  }
  // Each row's cumulative sums must be cut points, else the inverse CDF does not give the row.
  const auto mismatch = [&] {
    problem_at({}, fmt::format("the prior of {}, the noise of {}, is not its CPT's", noise_name, owner_));
    return false;
  };
  if (cuts.empty() || cuts.back() != 1) return mismatch();
  m_.cpt_p_.reserve(rows * m);
  m_.cpt_d_.reserve(rows * m);
  m_.cpt_bounds_.reserve(rows * m);
  for (std::size_t index = 0; index < rows; ++index) {
    const auto& p = t.rows[row_of[index]].p;  // checked above: m entries summing to 1
    Rational cumulative = 0;
    for (std::size_t j = 0; j < m; ++j) {
      m_.cpt_p_.push_back(p[j]);
      m_.cpt_d_.push_back(from_rational<double>(p[j]));
      std::size_t below = cuts.size();
      if (j + 1 < m) {
        // Noise k covers (t_k, t_{k+1}]: it maps to the first j with t_{k+1} <= P(V <= j | row).
        cumulative += p[j];
        below = static_cast<std::size_t>(std::upper_bound(cuts.begin(), cuts.end(), cumulative) - cuts.begin());
        if (cumulative > 0 && cumulative < 1 && (below == 0 || cuts[below - 1] != cumulative)) return mismatch();
      }
      m_.cpt_bounds_.push_back(static_cast<std::uint32_t>(below));
    }
  }
  m_.program_.push_back({Op::cpt, 0});
  m_.stack_depth_ = 1;
  return true;
}

std::optional<Mechanism> Mechanism::compile(MechanismSource source, const std::string& owner,
                                            const Domain& target, const Resolver& resolve, Location at,
                                            std::vector<Diagnostic>& problems, std::string_view noise) {
  return compile(std::make_shared<const MechanismSource>(std::move(source)), owner, target, resolve, at, problems,
                 noise);
}

std::optional<Mechanism> Mechanism::compile(SharedSource source, const std::string& owner, const Domain& target,
                                            const Resolver& resolve, Location at, std::vector<Diagnostic>& problems,
                                            std::string_view noise) {
  Mechanism m;
  MechanismCompiler c(m, owner, resolve, at, problems);
  bool ok = false;
  if (const auto* e = std::get_if<Expr>(source.get())) ok = c.expression(*e, target);
  else if (const auto* t = std::get_if<TableSpec>(source.get())) ok = c.table(*t, target);
  else ok = c.cpt(std::get<CptSpec>(*source), target, noise);
  if (!ok) return std::nullopt;
  m.source_ = std::move(source);
  return m;
}

Value Mechanism::evaluate(std::span<const Value> values) const {
  if (program_.size() == 1 && program_[0].op == Op::table) {
    std::size_t index = 0;
    for (auto [id, radix] : table_inputs_) index = index * radix + values[id];
    return remaps_[0][index];
  }
  if (program_.size() == 1 && program_[0].op == Op::cpt) {
    const auto* bounds = cpt_bounds_.data() + cpt_row(values) * cpt_values_;
    return static_cast<Value>(std::upper_bound(bounds, bounds + cpt_values_, values[cpt_noise_]) - bounds);
  }
  if (truth_) {
    std::size_t index = 0;
    for (auto [id, radix] : truth_inputs_) index = index * radix + values[id];
    return (*truth_)[index];
  }
  return run(values);
}

Value Mechanism::run(std::span<const Value> values) const {
  std::array<Value, 64> fixed{};
  std::vector<Value> heap;
  Value* stack = fixed.data();
  if (stack_depth_ > fixed.size()) {
    heap.resize(stack_depth_);
    stack = heap.data();
  }
  std::size_t top = 0;  // number of values on the stack
  const std::size_t end = program_.size();
  for (std::size_t pc = 0; pc < end; ++pc) {
    const Instr& in = program_[pc];
    switch (in.op) {
      case Op::push: stack[top++] = in.arg; break;
      case Op::load: stack[top++] = values[in.arg]; break;
      case Op::not_: stack[top - 1] ^= 1U; break;
      case Op::and_: --top; stack[top - 1] &= stack[top]; break;
      case Op::or_: --top; stack[top - 1] |= stack[top]; break;
      case Op::xor_: --top; stack[top - 1] ^= stack[top]; break;
      case Op::eq: --top; stack[top - 1] = stack[top - 1] == stack[top] ? 1U : 0U; break;
      case Op::ne: --top; stack[top - 1] = stack[top - 1] != stack[top] ? 1U : 0U; break;
      case Op::select:
        top -= 2;
        stack[top - 1] = stack[top - 1] != 0 ? stack[top] : stack[top + 1];
        break;
      case Op::remap: stack[top - 1] = remaps_[in.arg][stack[top - 1]]; break;
      case Op::jump_if_zero:
        if (stack[--top] == 0) pc = in.arg - 1;  // (the loop's ++pc lands on arg)
        break;
      case Op::jump: pc = in.arg - 1; break;
      case Op::table:
      case Op::cpt: break;  // handled above
    }
  }
  return stack[0];
}

std::string Mechanism::to_string() const {
  if (is_cpt()) {
    const auto& t = cpt();
    std::string out = fmt::format("cpt({}) {{\n", fmt::join(t.parents, ", "));
    for (const auto& row : t.rows) {
      out += "  ";
      for (std::size_t i = 0; i < row.given.size(); ++i) {
        if (i > 0) out += ", ";
        append_label(out, row.given[i]);
      }
      out += row.given.empty() ? "-> " : " -> ";
      for (std::size_t j = 0; j < row.p.size(); ++j) {
        if (j > 0) out += ", ";
        out += rung::to_string(row.p[j]);
      }
      out += '\n';
    }
    out += "}";
    return out;
  }
  if (!is_table()) return rung::to_string(expression());
  const auto& t = table();
  std::string out = fmt::format("table({}) {{\n", fmt::join(t.inputs, ", "));
  for (const auto& row : t.rows) {
    out += "  ";
    bool first = true;
    for (std::string_view label : row.in) {
      if (!first) out += ", ";
      first = false;
      append_label(out, label);
    }
    out += " -> ";
    append_label(out, row.out);
    out += '\n';
  }
  out += "}";
  return out;
}

}  // namespace rung
