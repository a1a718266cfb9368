#include "rung/gen/stated.hpp"

#include "rung/core/rational.hpp"
#include "rung/gen/mechanism_kinds.hpp"
#include "rung/gen/observed.hpp"
#include "rung/infer/solver.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/expression.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace rung {

namespace {

/// Most input assignments a mechanism comparison enumerates.
constexpr std::size_t kMaxAssignments = std::size_t{1} << 16;

/// Thrown inside the reader when a part of a register does not read; becomes `checked = false`.
struct Unread {
  std::string reason;
};

[[noreturn]] void unread(std::string reason) { throw Unread{std::move(reason)}; }

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }

/// `text` split at every `sep`.
std::vector<std::string_view> split(std::string_view text, std::string_view sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto at = text.find(sep);
    if (at == std::string_view::npos) {
      out.push_back(text);
      return out;
    }
    out.push_back(text.substr(0, at));
    text.remove_prefix(at + sep.size());
  }
}

/// "A", "A and B", "A, B and C" -> names (`last` the final joining word).
std::vector<std::string> name_list(std::string_view text, std::string_view last = " and ") {
  std::vector<std::string> out;
  const auto at = text.rfind(last);
  std::string_view head = text;
  if (at != std::string_view::npos) {
    head = text.substr(0, at);
    for (auto part : split(head, ", ")) out.emplace_back(part);
    out.emplace_back(text.substr(at + last.size()));
  } else {
    out.emplace_back(text);
  }
  for (const auto& n : out) {
    if (n.empty() || n.find(' ') != std::string::npos || n.find(',') != std::string::npos) {
      unread(fmt::format("'{}' is not a list of names", text));
    }
  }
  return out;
}

/// The model-side context: name -> id, and the comparison of mechanisms as functions.
class Comparer {
 public:
  explicit Comparer(const Scm& model) : model_(model) {}

  [[nodiscard]] const Scm& model() const { return model_; }

  /// The model's id of a stated name; records a mismatch (once) if the model has no such variable.
  std::optional<VarId> id(const std::string& name, StatedCheck& out) {
    if (auto v = model_.find(name)) return v;
    if (missing_.insert(name).second) {
      out.mismatches.push_back({"given_info", fmt::format("{} is a variable", name), fmt::format("the model has no variable {}", name)});
    }
    return std::nullopt;
  }

  /// Compiles a stated mechanism against the model's variables (nullopt: a name is unknown, or
  /// the source does not type-check: mismatches or an Unread).
  std::optional<Mechanism> compile(const MechanismSource& source, const std::string& owner, const Domain& domain,
                                   StatedCheck& out) {
    // A name the model lacks may be a label (`B == 2`): only a failed compile makes it a mismatch.
    std::vector<std::string> unresolved;
    Mechanism::Resolver resolve = [&](std::string_view name) -> std::optional<Mechanism::Resolved> {
      if (auto v = model_.find(name)) return Mechanism::Resolved{*v, &model_.domain(*v)};
      unresolved.emplace_back(name);
      return std::nullopt;
    };
    std::vector<Diagnostic> problems;
    auto m = Mechanism::compile(source, owner, domain, resolve, Location{}, problems);
    if (m) return m;
    if (!unresolved.empty()) {
      for (const auto& name : unresolved) (void)id(name, out);
      return std::nullopt;
    }
    unread(fmt::format("{}'s stated mechanism does not compile: {}", owner, problems.empty() ? "" : problems[0].message));
  }

  /// Compares the stated mechanism of `v` with the model's on every assignment of their inputs.
  /// `stated_text` is the text's version, naming the variable.
  void compare(VarId v, const Mechanism& stated, const std::string& stated_text, StatedCheck& out) {
    const Mechanism& actual = model_.mechanism(v);
    std::vector<VarId> inputs;
    std::set_union(stated.parents().begin(), stated.parents().end(), actual.parents().begin(), actual.parents().end(),
                   std::back_inserter(inputs));
    std::size_t total = 1;
    for (VarId i : inputs) {
      total *= model_.domain(i).size();
      if (total > kMaxAssignments) unread(fmt::format("{}'s mechanism has more than {} input assignments", model_.name(v), kMaxAssignments));
    }
    values_.assign(model_.size(), 0);
    for (std::size_t a = 0; a < total; ++a) {
      std::size_t rest = a;
      for (auto it = inputs.rbegin(); it != inputs.rend(); ++it) {
        const std::size_t k = model_.domain(*it).size();
        values_[*it] = static_cast<Value>(rest % k);
        rest /= k;
      }
      const Value s = stated.evaluate(values_);
      const Value m = actual.evaluate(values_);
      if (s == m) continue;
      std::vector<std::string> at;
      for (VarId i : inputs) at.push_back(fmt::format("{}={}", model_.name(i), model_.domain(i).label(values_[i])));
      const std::string where = at.empty() ? "" : fmt::format(" at {}", fmt::join(at, ", "));
      const Domain& d = model_.domain(v);
      out.mismatches.push_back({"given_info", stated_text,
                                fmt::format("{} := {} (differs{}: the text gives {}, the model {})", model_.name(v),
                                            actual.to_string(), where, d.label(s), d.label(m))});
      return;
    }
  }

  /// Endogenous parents of v in the model, by id.
  [[nodiscard]] std::vector<VarId> endogenous_parents(VarId v) const {
    std::vector<VarId> out;
    for (VarId p : model_.mechanism(v).parents()) {
      if (!model_.is_exogenous(p)) out.push_back(p);
    }
    return out;
  }

 private:
  const Scm& model_;
  std::set<std::string> missing_;
  std::vector<Value> values_;
};

// ---- causal clauses ("We know that ...") -----------------------------------------------------

/// One clause: `effect := [not] op(literals)`.
struct Clause {
  enum class Op { copy, and_, or_, exactly_one, odd_number, at_least };
  Op op = Op::copy;
  int at_least = 0;
  std::vector<std::pair<std::string, bool>> literals;  ///< (name, negated)
  std::vector<std::string> effects;                     ///< copies: one or more; otherwise one
  bool negate_output = false;
  std::string text;  ///< as written
};

bool is_keyword(std::string_view w) {
  static const std::set<std::string_view> kWords = {"not", "and", "or", "causes", "cause", "together", "at", "least",
                                                    "of", "exactly", "one", "two", "three", "an", "odd", "number", ",", "."};
  return kWords.count(w) != 0;
}

std::vector<std::string> tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) out.push_back(std::move(word));
    word.clear();
  };
  for (char c : text) {
    if (c == ' ') {
      flush();
    } else if (c == ',' || c == '.') {
      flush();
      out.emplace_back(1, c);
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

/// Reads every way `toks` splits into clauses (the counterbench register can be ambiguous: "A
/// causes B and C, D and E together cause F" is B, C copies of A or C a cause of F).
class ClauseParser {
 public:
  explicit ClauseParser(std::vector<std::string> toks) : t_(std::move(toks)) {}

  std::vector<std::vector<Clause>> parses() {
    std::vector<Clause> so_far;
    walk(0, so_far);
    return std::move(done_);
  }

 private:
  std::vector<std::string> t_;
  std::vector<std::vector<Clause>> done_;
  static constexpr std::size_t kMaxParses = 16;

  [[nodiscard]] bool is(std::size_t i, std::string_view w) const { return i < t_.size() && t_[i] == w; }
  [[nodiscard]] bool name_at(std::size_t i) const { return i < t_.size() && !is_keyword(t_[i]); }

  std::string text(std::size_t from, std::size_t to) const {
    std::string out;
    for (std::size_t i = from; i < to; ++i) out += (i > from && t_[i] != "," ? " " : "") + t_[i];
    return out;
  }

  void walk(std::size_t pos, std::vector<Clause>& so_far) {
    if (done_.size() >= kMaxParses) return;
    for (auto& [clause, end] : clauses_at(pos)) {
      so_far.push_back(clause);
      if (end == t_.size()) {
        done_.push_back(so_far);
      } else if (is(end, ",") && is(end + 1, "and") && end + 2 < t_.size()) {
        walk(end + 2, so_far);
      } else if ((is(end, ",") || is(end, ".")) && end + 1 < t_.size()) {
        walk(end + 1, so_far);
      }
      so_far.pop_back();
    }
  }

  /// Every clause starting at `pos`, with the position after it.
  std::vector<std::pair<Clause, std::size_t>> clauses_at(std::size_t pos) const {
    std::vector<std::pair<Clause, std::size_t>> out;
    Clause c;
    std::size_t i = pos;
    if (is(i, "at") && is(i + 1, "least") && (is(i + 2, "two") || is(i + 2, "three")) && is(i + 3, "of")) {
      c.op = Clause::Op::at_least;
      c.at_least = is(i + 2, "two") ? 2 : 3;
      i += 4;
    } else if (is(i, "exactly") && is(i + 1, "one") && is(i + 2, "of")) {
      c.op = Clause::Op::exactly_one;
      i += 3;
    } else if (is(i, "an") && is(i + 1, "odd") && is(i + 2, "number") && is(i + 3, "of")) {
      c.op = Clause::Op::odd_number;
      i += 4;
    }
    // Literals joined by ",", "and", "or", up to the verb.
    std::vector<std::string> joins;
    for (;;) {
      bool negated = false;
      if (is(i, "not")) {
        negated = true;
        ++i;
      }
      if (!name_at(i)) return out;
      c.literals.emplace_back(t_[i], negated);
      ++i;
      if (is(i, "causes") || (is(i, "together") && is(i + 1, "cause"))) break;
      if (is(i, ",") || is(i, "and") || is(i, "or")) {
        joins.push_back(t_[i]);
        ++i;
        continue;
      }
      return out;
    }
    const bool together = is(i, "together");
    i += together ? 2 : 1;
    std::set<std::string> words;
    for (const auto& j : joins) {
      if (j != ",") words.insert(j);
    }
    if (words.size() > 1 || (!joins.empty() && joins.back() == ",")) return out;
    const std::string join = words.empty() ? "" : *words.begin();
    const std::size_t n = c.literals.size();
    if (c.op == Clause::Op::at_least) {
      if (!together || join != "and" || static_cast<int>(n) <= c.at_least) return out;
    } else if (c.op == Clause::Op::exactly_one || c.op == Clause::Op::odd_number) {
      if (together || join != "and" || n < 2) return out;
    } else if (n == 1) {
      if (together) return out;
      c.op = Clause::Op::copy;
    } else if (join == "and") {
      c.op = Clause::Op::and_;
    } else if (join == "or" && !together) {
      c.op = Clause::Op::or_;
    } else {
      return out;
    }
    // The effect: "not E", a name, or (a plain copy) a list of names.
    if (is(i, "not")) {
      if (!name_at(i + 1)) return out;
      c.negate_output = true;
      c.effects.push_back(t_[i + 1]);
      c.text = text(pos, i + 2);
      out.emplace_back(c, i + 2);
      return out;
    }
    if (!name_at(i)) return out;
    const bool plain_copy = c.op == Clause::Op::copy && !c.literals[0].second;
    c.effects.push_back(t_[i]);
    c.text = text(pos, i + 1);
    out.emplace_back(c, i + 1);
    if (!plain_copy) return out;
    // "B and C", "B, C and D": each list that ends with "and NAME".
    std::size_t j = i + 1;
    std::vector<std::string> effects{t_[i]};
    while (is(j, ",") && name_at(j + 1)) {
      effects.push_back(t_[j + 1]);
      j += 2;
    }
    for (std::size_t k = i + 1; k <= j; k += 2) {
      // The list effects[0..m] then "and NAME" at k.
      const std::size_t m = (k - i - 1) / 2;
      if (is(k, "and") && name_at(k + 1)) {
        Clause d = c;
        d.effects.assign(effects.begin(), effects.begin() + static_cast<std::ptrdiff_t>(m) + 1);
        d.effects.push_back(t_[k + 1]);
        d.text = text(pos, k + 2);
        out.emplace_back(std::move(d), k + 2);
      }
    }
    return out;
  }
};

std::string literal_expr(const std::pair<std::string, bool>& l) { return l.second ? "(not " + l.first + ")" : l.first; }

/// The clause's mechanism in .scm expression syntax.
std::string clause_expression(const Clause& c) {
  std::vector<std::string> lits;
  for (const auto& l : c.literals) lits.push_back(literal_expr(l));
  std::string e;
  switch (c.op) {
    case Clause::Op::copy: e = lits[0]; break;
    case Clause::Op::and_: e = fmt::format("{}", fmt::join(lits, " and ")); break;
    case Clause::Op::or_: e = fmt::format("{}", fmt::join(lits, " or ")); break;
    case Clause::Op::at_least: e = at_least_expression(lits, c.at_least); break;
    case Clause::Op::odd_number: e = fmt::format("{}", fmt::join(lits, " xor ")); break;
    case Clause::Op::exactly_one: {
      std::vector<std::string> terms;
      for (std::size_t i = 0; i < lits.size(); ++i) {
        std::vector<std::string> parts{lits[i]};
        for (std::size_t j = 0; j < lits.size(); ++j) {
          if (j != i) parts.push_back("(not " + lits[j] + ")");
        }
        terms.push_back(fmt::format("({})", fmt::join(parts, " and ")));
      }
      e = fmt::format("{}", fmt::join(terms, " or "));
      break;
    }
  }
  return c.negate_output ? "not (" + e + ")" : e;
}

/// The mismatches of one reading of the clauses (nullopt-like Unread propagates).
std::vector<StatedMismatch> compare_clauses(const std::vector<Clause>& clauses, const Scm& model, std::set<std::string>& named) {
  StatedCheck local;
  Comparer cmp(model);
  std::set<std::string> explained;
  for (const Clause& c : clauses) {
    for (const auto& [name, neg] : c.literals) named.insert(name);
    const std::string expr = clause_expression(c);
    for (const std::string& effect : c.effects) {
      named.insert(effect);
      if (!explained.insert(effect).second) unread(fmt::format("{} is explained by two clauses", effect));
      const auto v = cmp.id(effect, local);
      if (!v) continue;
      if (model.is_exogenous(*v)) {
        local.mismatches.push_back({"given_info", fmt::format("{} is caused by {}", effect, c.text), fmt::format("{} is exogenous", effect)});
        continue;
      }
      Expr parsed;
      try {
        parsed = parse_expression(expr);
      } catch (const std::exception& e) {
        unread(fmt::format("clause '{}': {}", c.text, e.what()));
      }
      if (auto m = cmp.compile(parsed, effect, model.domain(*v), local)) cmp.compare(*v, *m, c.text, local);
    }
  }
  // Every other variable is a root: no endogenous cause in the model either.
  for (VarId v : model.endogenous()) {
    if (explained.count(model.name(v)) != 0) continue;
    const auto parents = cmp.endogenous_parents(v);
    if (parents.empty()) continue;
    std::vector<std::string> names;
    for (VarId p : parents) names.push_back(model.name(p));
    local.mismatches.push_back({"given_info", fmt::format("no clause states a cause of {}", model.name(v)),
                                fmt::format("{} := {} (reads {})", model.name(v), model.mechanism(v).to_string(), fmt::join(names, ", "))});
  }
  for (const auto& name : named) {
    if (explained.count(name) == 0) (void)cmp.id(name, local);
  }
  return std::move(local.mismatches);
}

void check_clauses(std::string_view body, const Scm& model, StatedCheck& out) {
  ClauseParser parser(tokens(body));
  auto readings = parser.parses();
  if (readings.empty()) unread("the causal clauses do not read");
  std::vector<StatedMismatch> first;
  for (std::size_t r = 0; r < readings.size(); ++r) {
    std::set<std::string> named;
    auto m = compare_clauses(readings[r], model, named);
    if (m.empty()) return;  // the text can be read as the model
    if (r == 0) first = std::move(m);
  }
  for (auto& m : first) out.mismatches.push_back(std::move(m));
}

// ---- CLadder's graph and numbers ----------------------------------------------------------------

struct CptEntry {
  std::vector<std::pair<std::string, bool>> given;  ///< (parent, value 1?) as written
  std::string number;                                ///< "46%" or "1/3"
};

/// Whether `stated` ("46%", "12.5%", "1/3") states `exact`: fractions exactly, percentages as
/// the exact value rounded to the digits written.
bool states(std::string_view stated, const Rational& exact) {
  if (ends_with(stated, "%")) {
    const std::string_view digits = stated.substr(0, stated.size() - 1);
    const auto value = try_parse_rational(digits);
    if (!value) unread(fmt::format("'{}' is not a number", stated));
    const auto dot = digits.find('.');
    const std::size_t places = dot == std::string_view::npos ? 0 : digits.size() - dot - 1;
    Rational half(1, 2);
    for (std::size_t i = 0; i < places; ++i) half /= 10;
    return abs(exact * 100 - *value) <= half;
  }
  const auto value = try_parse_rational(stated);
  if (!value) unread(fmt::format("'{}' is not a number", stated));
  return *value == exact;
}


/// "not X" -> (X, false), "X" -> (X, true).
std::pair<std::string, bool> literal_of(std::string_view part) {
  const bool negated = starts_with(part, "not ");
  return {std::string(negated ? part.substr(4) : part), !negated};
}

/// The event of literals in query notation: "X=0, V3=1".
std::string event_text(const std::vector<std::pair<std::string, bool>>& literals) {
  std::vector<std::string> parts;
  for (const auto& [name, one] : literals) parts.push_back(fmt::format("{}={}", name, one ? 1 : 0));
  return fmt::format("{}", fmt::join(parts, ", "));
}

void check_cladder(const std::vector<std::string_view>& sentences, const Scm& model, bool observed, StatedCheck& out) {
  std::map<std::string, std::set<std::string>> parents;  // stated: child -> parents
  std::vector<std::string> order;                         // variables with numbers, first mention first
  std::map<std::string, std::vector<CptEntry>> cpts;
  std::vector<std::pair<std::vector<std::pair<std::string, bool>>, std::string>> joints;  // "The probability of not X and Y is 8%"
  std::vector<std::string> hidden;                                                         // "X is unobserved"
  std::vector<std::string> mentioned;
  for (std::string_view s : sentences) {
    constexpr std::string_view kArc = " has a direct effect on ";
    constexpr std::string_view kOverall = "The overall probability of ";
    constexpr std::string_view kThose = "For those who are ";
    constexpr std::string_view kProb = ", the probability of ";
    constexpr std::string_view kJoint = "The probability of ";
    constexpr std::string_view kHidden = " is unobserved";
    if (const auto at = s.find(kArc); at != std::string_view::npos) {
      const std::string cause(s.substr(0, at));
      for (const auto& child : name_list(s.substr(at + kArc.size()))) {
        parents[child].insert(cause);
        mentioned.push_back(child);
      }
      mentioned.push_back(cause);
      continue;
    }
    if (observed && ends_with(s, kHidden)) {
      hidden.emplace_back(s.substr(0, s.size() - kHidden.size()));
      mentioned.push_back(hidden.back());
      continue;
    }
    if (observed && starts_with(s, kJoint)) {
      const std::string_view rest = s.substr(kJoint.size());
      const auto is = rest.rfind(" is ");
      if (is == std::string_view::npos) unread(fmt::format("sentence '{}' does not read", s));
      std::vector<std::pair<std::string, bool>> literals;
      for (auto part : split(rest.substr(0, is), " and ")) {
        literals.push_back(literal_of(part));
        mentioned.push_back(literals.back().first);
      }
      joints.emplace_back(std::move(literals), std::string(rest.substr(is + 4)));
      continue;
    }
    std::string_view given;
    std::string_view rest;
    if (starts_with(s, kOverall)) {
      rest = s.substr(kOverall.size());
    } else if (starts_with(s, kThose) && s.find(kProb) != std::string_view::npos) {
      const auto at = s.find(kProb);
      given = s.substr(kThose.size(), at - kThose.size());
      rest = s.substr(at + kProb.size());
    } else {
      unread(fmt::format("sentence '{}' does not read", s));
    }
    const auto is = rest.rfind(" is ");
    if (is == std::string_view::npos) unread(fmt::format("sentence '{}' does not read", s));
    const std::string var(rest.substr(0, is));
    CptEntry e;
    e.number = std::string(rest.substr(is + 4));
    if (!given.empty()) {
      for (auto part : split(given, " and are ")) e.given.push_back(literal_of(part));
    }
    if (cpts.find(var) == cpts.end()) order.push_back(var);
    cpts[var].push_back(std::move(e));
    mentioned.push_back(var);
  }
  Comparer cmp(model);
  for (const auto& name : mentioned) (void)cmp.id(name, out);
  // Arcs among endogenous variables.
  for (VarId v : model.endogenous()) {
    std::set<std::string> actual;
    for (VarId p : cmp.endogenous_parents(v)) actual.insert(model.name(p));
    const auto it = parents.find(model.name(v));
    const std::set<std::string> stated = it == parents.end() ? std::set<std::string>{} : it->second;
    for (const auto& p : stated) {
      if (actual.count(p) == 0 && model.find(p)) {
        out.mismatches.push_back({"given_info", fmt::format("arc {} -> {}", p, model.name(v)), fmt::format("no arc {} -> {}", p, model.name(v))});
      }
    }
    for (const auto& p : actual) {
      if (stated.count(p) == 0) {
        out.mismatches.push_back({"given_info", fmt::format("no arc {} -> {}", p, model.name(v)), fmt::format("arc {} -> {}", p, model.name(v))});
      }
    }
  }
  if (cpts.empty() && joints.empty()) return;  // the graph alone (backdoor_set)
  if (observed) {
    // Observed quantities only (--given observed): each number is the model's probability of
    // what it states, whatever the conditions; unobserved variables are endogenous and never
    // stated. Which numbers are stated is the identification's business, not checked here.
    for (const auto& h : hidden) {
      const auto id = model.find(h);
      if (!id || model.is_exogenous(*id)) out.mismatches.push_back({"given_info", fmt::format("{} is unobserved", h), fmt::format("no endogenous variable {}", h)});
    }
    auto is_hidden = [&](const std::string& name) { return std::find(hidden.begin(), hidden.end(), name) != hidden.end(); };
    auto compare = [&](const std::string& what, const std::string& number, const std::vector<std::string>& names) {
      for (const auto& name : names) {
        if (is_hidden(name)) out.mismatches.push_back({"given_info", fmt::format("{} = {}", what, number), fmt::format("{} is unobserved", name)});
      }
      Rational prob;
      try {
        prob = solve(model, parse_query(what, model)).value;
      } catch (const std::exception& e) {
        unread(fmt::format("{}: {}", what, e.what()));
      }
      if (!states(number, prob)) out.mismatches.push_back({"given_info", fmt::format("{} = {}", what, number), fmt::format("{} = {}", what, percent_text(prob))});
    };
    for (const auto& name : order) {
      for (const CptEntry& e : cpts.at(name)) {
        std::vector<std::string> names{name};
        for (const auto& g : e.given) names.push_back(g.first);
        compare(e.given.empty() ? fmt::format("P({}=1)", name) : fmt::format("P({}=1 | {})", name, event_text(e.given)), e.number, names);
      }
    }
    for (const auto& [literals, number] : joints) {
      std::vector<std::string> names;
      for (const auto& l : literals) names.push_back(l.first);
      compare(fmt::format("P({})", event_text(literals)), number, names);
    }
    return;
  }
  // The numbers: each exogenous variable private to one endogenous variable, P(V=1 | parents).
  std::map<VarId, VarId> owner;
  for (VarId v : model.endogenous()) {
    for (VarId p : model.mechanism(v).parents()) {
      if (!model.is_exogenous(p)) continue;
      auto [it, fresh] = owner.try_emplace(p, v);
      if (!fresh) {
        out.mismatches.push_back({"given_info", fmt::format("no common cause of {} and {} besides the stated ones", model.name(it->second), model.name(v)),
                                  fmt::format("{} and {} both read {}", model.name(it->second), model.name(v), model.name(p))});
      }
    }
  }
  std::vector<Value> values(model.size(), 0);
  for (VarId v : model.endogenous()) {
    const std::string& name = model.name(v);
    const auto it = cpts.find(name);
    if (it == cpts.end()) {
      out.mismatches.push_back({"given_info", fmt::format("no probability of {}", name), fmt::format("{} := {}", name, model.mechanism(v).to_string())});
      continue;
    }
    if (!model.domain(v).is_boolean()) unread(fmt::format("{} is not boolean", name));
    const auto endo = cmp.endogenous_parents(v);
    std::vector<VarId> exo;
    std::size_t total = 1;
    for (VarId p : model.mechanism(v).parents()) {
      if (!model.is_exogenous(p)) continue;
      exo.push_back(p);
      total *= model.domain(p).size();
      if (total > kMaxAssignments) unread(fmt::format("{} reads more than {} noise assignments", name, kMaxAssignments));
    }
    std::set<std::string> seen_rows;
    bool rows_read = true;  // every row names the model's parents
    for (const CptEntry& e : it->second) {
      std::vector<std::string> cond;
      std::set<std::string> given_names;
      for (const auto& [p, one] : e.given) {
        cond.push_back(one ? p : "not " + p);
        given_names.insert(p);
      }
      const std::string what = cond.empty() ? fmt::format("P({}=1)", name) : fmt::format("P({}=1 | {})", name, fmt::join(cond, ", "));
      std::set<std::string> endo_names;
      for (VarId p : endo) endo_names.insert(model.name(p));
      if (given_names != endo_names) {
        rows_read = false;
        // Arc mismatches say it already when the text's arcs agree with its numbers.
        const auto pt = parents.find(name);
        if (pt != parents.end() && pt->second == given_names) continue;
        out.mismatches.push_back({"given_info", fmt::format("{} = {}", what, e.number), fmt::format("{} reads {}", name, fmt::join(endo_names, ", "))});
        continue;
      }
      if (!seen_rows.insert(fmt::format("{}", fmt::join(cond, ","))).second) unread(fmt::format("{} is stated twice", what));
      std::fill(values.begin(), values.end(), 0);
      for (const auto& [p, one] : e.given) {
        const VarId pid = *model.find(p);
        const auto label = model.domain(pid).index_of(one ? "1" : "0");
        if (!label) unread(fmt::format("{} is not boolean", p));
        values[pid] = *label;
      }
      Rational prob(0);
      for (std::size_t a = 0; a < total; ++a) {
        std::size_t rest = a;
        Rational weight(1);
        for (auto x = exo.rbegin(); x != exo.rend(); ++x) {
          const std::size_t k = model.domain(*x).size();
          values[*x] = static_cast<Value>(rest % k);
          rest /= k;
          weight *= model.prior(*x)[values[*x]];
        }
        if (model.domain(v).label(model.mechanism(v).evaluate(values)) == "1") prob += weight;
      }
      if (!states(e.number, prob)) out.mismatches.push_back({"given_info", fmt::format("{} = {}", what, e.number), fmt::format("{} = {}", what, percent_text(prob))});
    }
    if (rows_read && seen_rows.size() != (std::size_t{1} << endo.size())) {
      out.mismatches.push_back({"given_info", fmt::format("{} rows of P({}=1 | ...)", seen_rows.size(), name),
                                fmt::format("{} rows ({} parents)", std::size_t{1} << endo.size(), endo.size())});
    }
  }
}

// ---- the ladder preset's .scm sentences ------------------------------------------------------------

std::string prior_text(const Scm& model, VarId u) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < model.domain(u).size(); ++i) {
    parts.push_back(fmt::format("P({}={}) = {}", model.name(u), model.domain(u).label(static_cast<Value>(i)), to_string(model.prior(u)[i])));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::vector<std::string> labels_of(std::string_view braces) {
  if (!starts_with(braces, "{") || !ends_with(braces, "}")) unread(fmt::format("'{}' is not a domain", braces));
  std::vector<std::string> out;
  for (auto l : split(braces.substr(1, braces.size() - 2), ", ")) out.emplace_back(l);
  return out;
}

void check_ladder(const std::vector<std::string_view>& sentences, const Scm& model, StatedCheck& out) {
  Comparer cmp(model);
  std::map<std::string, Rational> priors;
  std::vector<std::pair<std::string, std::vector<std::string>>> shared;  // "U affects both A and B"
  struct Stated {
    std::string name;
    std::vector<std::string> labels{"0", "1"};
    MechanismSource source;
    std::string text;
  };
  std::vector<Stated> mechanisms;
  for (std::string_view s : sentences) {
    constexpr std::string_view kPrior = " is 1 with probability ";
    constexpr std::string_view kBoth = " affects both ";
    constexpr std::string_view kTable = " takes values ";
    if (const auto at = s.find(" := "); at != std::string_view::npos) {
      Stated m;
      m.name = std::string(s.substr(0, at));
      m.text = std::string(s.substr(at + 4));
      try {
        m.source = parse_expression(m.text);
      } catch (const std::exception& e) {
        unread(fmt::format("{}'s mechanism: {}", m.name, e.what()));
      }
      mechanisms.push_back(std::move(m));
    } else if (const auto tat = s.find(kTable); tat != std::string_view::npos) {
      // "B takes values {0, 1, 2} by this table over (A, U_B): 0, 0 -> 1; 0, 1 -> 2"
      Stated m;
      m.name = std::string(s.substr(0, tat));
      std::string_view rest = s.substr(tat + kTable.size());
      const auto by = rest.find(" by this table over (");
      const auto colon = rest.find("): ");
      if (by == std::string_view::npos || colon == std::string_view::npos || colon < by) unread(fmt::format("table sentence '{}' does not read", s));
      m.labels = labels_of(rest.substr(0, by));
      TableSpec table;
      const std::size_t open = by + std::string_view(" by this table over (").size();
      for (auto in : split(rest.substr(open, colon - open), ", ")) table.inputs.emplace_back(in);
      for (auto row : split(rest.substr(colon + 3), "; ")) {
        const auto arrow = row.find(" -> ");
        if (arrow == std::string_view::npos) unread(fmt::format("table row '{}' does not read", row));
        TableSpec::Row r;
        for (auto in : split(row.substr(0, arrow), ", ")) r.in.emplace_back(in);
        r.out = std::string(row.substr(arrow + 4));
        table.rows.push_back(std::move(r));
      }
      m.text = fmt::format("table over ({})", fmt::join(table.inputs, ", "));
      m.source = std::move(table);
      mechanisms.push_back(std::move(m));
    } else if (const auto pat = s.find(kPrior); pat != std::string_view::npos) {
      const auto p = try_parse_rational(s.substr(pat + kPrior.size()));
      if (!p) unread(fmt::format("sentence '{}' does not read", s));
      priors.emplace(std::string(s.substr(0, pat)), *p);
    } else if (const auto bat = s.find(kBoth); bat != std::string_view::npos) {
      shared.emplace_back(std::string(s.substr(0, bat)), name_list(s.substr(bat + kBoth.size())));
    } else {
      unread(fmt::format("sentence '{}' does not read", s));
    }
  }
  // Exogenous variables and their priors.
  for (const auto& [name, p] : priors) {
    const auto v = cmp.id(name, out);
    if (!v) continue;
    const std::string stated = fmt::format("P({}=1) = {}", name, to_string(p));
    if (!model.is_exogenous(*v)) {
      out.mismatches.push_back({"given_info", stated, fmt::format("{} is endogenous", name)});
      continue;
    }
    const auto one = model.domain(*v).index_of("1");
    if (!one || model.domain(*v).size() != 2 || model.prior(*v)[*one] != p) {
      out.mismatches.push_back({"given_info", stated, prior_text(model, *v)});
    }
  }
  for (VarId u : model.exogenous()) {
    if (priors.count(model.name(u)) == 0) {
      out.mismatches.push_back({"given_info", fmt::format("no prior of {}", model.name(u)), fmt::format("{} is exogenous", model.name(u))});
    }
  }
  // Endogenous variables: domains first (a mechanism is compared only where they agree).
  std::set<std::string> stated_names;
  std::vector<std::pair<VarId, const Stated*>> comparable;
  for (const Stated& m : mechanisms) {
    if (!stated_names.insert(m.name).second) unread(fmt::format("{} has two mechanisms", m.name));
    const auto v = cmp.id(m.name, out);
    if (!v) continue;
    if (model.is_exogenous(*v)) {
      out.mismatches.push_back({"given_info", fmt::format("{} := {}", m.name, m.text), fmt::format("{} is exogenous", m.name)});
      continue;
    }
    if (model.domain(*v).labels() != m.labels) {
      out.mismatches.push_back({"given_info", fmt::format("{} takes values {{{}}}", m.name, fmt::join(m.labels, ", ")),
                                fmt::format("{} takes values {}", m.name, model.domain(*v).to_string())});
      continue;
    }
    comparable.emplace_back(*v, &m);
  }
  for (VarId v : model.endogenous()) {
    if (stated_names.count(model.name(v)) == 0) {
      out.mismatches.push_back({"given_info", fmt::format("no mechanism of {}", model.name(v)), fmt::format("{} := {}", model.name(v), model.mechanism(v).to_string())});
    }
  }
  for (const auto& [v, m] : comparable) {
    if (auto compiled = cmp.compile(m->source, m->name, model.domain(v), out)) cmp.compare(v, *compiled, fmt::format("{} := {}", m->name, m->text), out);
  }
  for (const auto& [u, readers] : shared) {
    const auto uid = cmp.id(u, out);
    if (!uid) continue;
    for (const auto& r : readers) {
      const auto rid = cmp.id(r, out);
      if (!rid || model.is_exogenous(*rid)) continue;
      const auto& ps = model.mechanism(*rid).parents();
      if (std::find(ps.begin(), ps.end(), *uid) == ps.end()) {
        out.mismatches.push_back({"given_info", fmt::format("{} affects {}", u, r), fmt::format("{} := {} (does not read {})", r, model.mechanism(*rid).to_string(), u)});
      }
    }
  }
}

/// The question's "In notation: Q." against formal_query.
void check_notation(std::string_view question, std::string_view formal_query, const Scm& model, StatedCheck& out) {
  constexpr std::string_view kNotation = "In notation: ";
  const auto at = question.find(kNotation);
  if (at == std::string_view::npos || formal_query.empty()) return;
  std::string_view rest = question.substr(at + kNotation.size());
  const auto end = rest.find(". ");
  rest = end == std::string_view::npos ? (ends_with(rest, ".") ? rest.substr(0, rest.size() - 1) : rest) : rest.substr(0, end);
  std::optional<Query> formal;
  try {
    formal.emplace(parse_query(formal_query, model));
  } catch (const std::exception&) {
    return;  // the audit reports a formal_query it cannot parse
  }
  try {
    if (parse_query(rest, model) == *formal) return;
  } catch (const std::exception&) {
  }
  out.mismatches.push_back({"question", fmt::format("In notation: {}", rest), fmt::format("formal_query {}", formal_query)});
}

}  // namespace

StatedCheck check_stated_model(std::string_view given_info, std::string_view question, const Scm& model, std::string_view formal_query,
                               bool observed) {
  StatedCheck out;
  try {
    std::string_view text = given_info;
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    constexpr std::string_view kKnow = "We know that ";
    if (starts_with(text, kKnow)) {
      // The model is everything before the observations.
      std::string_view body = text.substr(kKnow.size());
      if (const auto obs = body.find(" We observed"); obs != std::string_view::npos) body = body.substr(0, obs);
      if (!ends_with(body, ".")) unread("the causal clauses do not end with a period");
      check_clauses(body.substr(0, body.size() - 1), model, out);
    } else {
      if (!ends_with(text, ".")) unread("the stated model does not end with a period");
      auto sentences = split(text.substr(0, text.size() - 1), ". ");
      for (auto& s : sentences) {
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
      }
      const bool ladder = std::any_of(sentences.begin(), sentences.end(), [](std::string_view s) {
        return s.find(" := ") != std::string_view::npos || s.find(" takes values ") != std::string_view::npos;
      });
      const bool cladder = std::any_of(sentences.begin(), sentences.end(), [](std::string_view s) {
        return s.find(" has a direct effect on ") != std::string_view::npos || starts_with(s, "The overall probability of ");
      });
      if (ladder == cladder) unread("no register of the generator recognised");
      if (ladder) {
        check_ladder(sentences, model, out);
      } else {
        check_cladder(sentences, model, observed, out);
      }
    }
    check_notation(question, formal_query, model, out);
    out.checked = true;
  } catch (const Unread& u) {
    out.checked = false;
    out.reason = u.reason;
  }
  return out;
}

}  // namespace rung
