// One file (~1,040 lines) because every feature reads the same private parse of the text (the
// sentences, the stated graph, the stated numbers, the question's roles in each register); split,
// those parses would have to be exposed or done twice.
#include "rung/check/features.hpp"

#include "rung/core/text.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

namespace rung {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool all_digits(std::string_view w) { return !w.empty() && std::all_of(w.begin(), w.end(), is_digit); }

std::string_view strip(std::string_view s) {
  s = trim(s);
  while (!s.empty() && (s.back() == '?' || s.back() == '.' || s.back() == ',' || s.back() == ':')) s = trim(s.substr(0, s.size() - 1));
  return s;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

/// The part of `s` after the first `marker` (case-sensitive); nullopt when absent.
std::optional<std::string_view> after(std::string_view s, std::string_view marker) {
  const auto p = s.find(marker);
  if (p == std::string_view::npos) return std::nullopt;
  return s.substr(p + marker.size());
}

/// The part of `s` before the first `marker`, or all of `s`.
std::string_view before(std::string_view s, std::string_view marker) {
  const auto p = s.find(marker);
  return p == std::string_view::npos ? s : s.substr(0, p);
}

/// Splits on every occurrence of `sep`.
std::vector<std::string_view> split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> out;
  while (true) {
    const auto p = s.find(sep);
    if (p == std::string_view::npos) {
      out.push_back(s);
      return out;
    }
    out.push_back(s.substr(0, p));
    s.remove_prefix(p + sep.size());
  }
}

/// Sentences: split after `.`, `?` or `!` followed by a space or the end (so "0.16" stays whole).
std::vector<std::string_view> sentences(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '.' || c == '?' || c == '!') && (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n')) {
      auto s = trim(text.substr(start, i - start));
      if (!s.empty()) out.push_back(s);
      start = i + 1;
    }
  }
  auto s = trim(text.substr(std::min(start, text.size())));
  if (!s.empty()) out.push_back(s);
  return out;
}

/// Whole-word, case-insensitive occurrences of `word` (lower case) in `text`.
std::size_t count_word(std::string_view text, std::string_view word) {
  std::size_t n = 0;
  for_each_word(text, [&](std::string_view w, bool) {
    if (w.size() == word.size() && lower(w) == word) ++n;
  });
  return n;
}

/// "31" "31.5" "-0.16" "3/10" at the start of `s` → value; nullopt when no number.
std::optional<double> leading_number(std::string_view s) {
  s = trim(s);
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  auto read = [&](double& out) {
    const std::size_t start = i;
    double v = 0;
    while (i < s.size() && is_digit(s[i])) v = v * 10 + (s[i++] - '0');
    if (i < s.size() && s[i] == '.' && i + 1 < s.size() && is_digit(s[i + 1])) {
      ++i;
      double scale = 0.1;
      while (i < s.size() && is_digit(s[i])) {
        v += (s[i++] - '0') * scale;
        scale /= 10;
      }
    }
    out = v;
    return i > start;
  };
  double v = 0;
  if (!read(v)) return std::nullopt;
  if (i < s.size() && s[i] == '/') {
    ++i;
    double d = 0;
    if (read(d) && d != 0) v /= d;
  }
  return negative ? -v : v;
}

/// "72%" → 0.72 (the number right before " is " ... "%").
std::optional<double> percent_after_is(std::string_view s) {
  const auto p = s.rfind(" is ");
  if (p == std::string_view::npos) return std::nullopt;
  auto rest = s.substr(p + 4);
  if (rest.find('%') == std::string_view::npos) return std::nullopt;
  auto v = leading_number(rest);
  if (!v) return std::nullopt;
  return *v / 100.0;
}

bool is_negation_word(std::string_view w) {
  const std::string l = lower(w);
  return l == "not" || l == "no" || l == "never" || l == "don" || l == "doesn" || l == "didn" || l == "isn" ||
         l == "aren" || l == "wasn" || l == "weren" || l == "haven" || l == "hasn" || l == "non";
}

/// "not X" → {X, true}; "X" → {X, false}; also "are not X", "don't X" (negation anywhere).
std::pair<std::string, bool> literal(std::string_view s) {
  s = strip(s);
  if (starts_with_ci(s, "are ")) s = trim(s.substr(4));
  bool negated = false;
  if (starts_with_ci(s, "not ")) {
    negated = true;
    s = trim(s.substr(4));
  } else {
    for_each_word(s, [&](std::string_view w, bool) { negated = negated || is_negation_word(w); });
  }
  return {std::string(s), negated};
}

double sign(double v) { return std::isnan(v) ? kNaN : v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0; }
double times(double a, double b) { return std::isnan(a) || std::isnan(b) ? kNaN : a * b; }
double mean(const std::vector<double>& v) {
  if (v.empty()) return kNaN;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// ---- the stated graph -----------------------------------------------------------------------

struct Graph {
  std::map<std::string, std::set<std::string>> children;
  std::map<std::string, std::set<std::string>> parents;
  void add(const std::string& from, const std::string& to) {
    if (from.empty() || to.empty() || from == to) return;
    children[from].insert(to);
    parents[to].insert(from);
  }
  /// Edges on a shortest directed path from → to (empty when none).
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> path(const std::string& from, const std::string& to) const {
    if (from.empty() || to.empty()) return {};
    std::map<std::string, std::string> previous;
    std::deque<std::string> queue{from};
    previous[from] = "";
    while (!queue.empty()) {
      const std::string v = queue.front();
      queue.pop_front();
      if (v == to) break;
      auto it = children.find(v);
      if (it == children.end()) continue;
      for (const auto& c : it->second) {
        if (previous.try_emplace(c, v).second) queue.push_back(c);
      }
    }
    if (!previous.contains(to) || from == to) return {};
    std::vector<std::pair<std::string, std::string>> edges;
    for (std::string v = to; v != from; v = previous.at(v)) edges.emplace_back(previous.at(v), v);
    std::reverse(edges.begin(), edges.end());
    return edges;
  }
  [[nodiscard]] bool reaches(const std::string& from, const std::string& to) const { return !path(from, to).empty(); }
};

// ---- CounterBench clauses ---------------------------------------------------------------------

enum Connective { kCopy = 0, kAnd = 1, kOr = 2, kXor = 3, kThreshold = 4 };

struct Clause {
  int connective = kCopy;
  std::size_t nots = 0;               ///< in the causes
  std::vector<std::string> causes;    ///< variable names
  std::vector<bool> negated;          ///< per cause: written "not <cause>"
};

struct CbText {
  std::map<std::string, Clause> defining;  ///< effect → its clause
  std::map<std::string, bool> effect_negated;
  std::size_t clauses = 0;
  std::size_t observed = 0;
  std::size_t observed_negative = 0;
  std::set<std::string> observed_names;
};

bool cb_stopword(const std::string& l) {
  static const std::set<std::string> words{"not", "and", "or", "together", "exactly", "one", "of", "at", "least",
                                           "two", "three", "four", "five", "all", "none", "both", "either", "neither", "nor"};
  return words.contains(l);
}

void read_cb_clause(std::string_view clause, CbText& cb, Graph& g) {
  clause = strip(clause);
  if (starts_with_ci(clause, "and ")) clause = trim(clause.substr(4));
  std::string_view lhs;
  std::string_view rhs;
  if (auto p = clause.find(" causes "); p != std::string_view::npos) {
    lhs = clause.substr(0, p);
    rhs = clause.substr(p + 8);
  } else if (auto q = clause.find(" cause "); q != std::string_view::npos) {
    lhs = clause.substr(0, q);
    rhs = clause.substr(q + 7);
  } else {
    return;
  }
  Clause c;
  const std::string l = lower(lhs);
  if (l.starts_with("exactly one of") || l.starts_with("an odd number of")) {
    c.connective = kXor;
  } else if (l.starts_with("at least")) {
    c.connective = kThreshold;
  } else if (l.find(" or ") != std::string::npos) {
    c.connective = kOr;
  } else if (l.find(" and ") != std::string::npos) {
    c.connective = kAnd;
  }
  bool pending_not = false;  // a "not" applies to the next cause
  for_each_word(lhs, [&](std::string_view w, bool) {
    const std::string lw = lower(w);
    if (lw == "not") {
      ++c.nots;
      pending_not = true;
    }
    if (!cb_stopword(lw) && !all_digits(w)) {
      c.causes.emplace_back(w);
      c.negated.push_back(pending_not);
      pending_not = false;
    }
  });
  ++cb.clauses;
  for (auto item : split(rhs, ", ")) {
    for (auto part : split(item, " and ")) {
      part = strip(part);
      if (starts_with_ci(part, "and ")) part = trim(part.substr(4));
      auto [name, negated] = literal(part);
      if (name.empty()) continue;
      for (const auto& cause : c.causes) g.add(cause, name);
      cb.defining[name] = c;
      cb.effect_negated[name] = negated;
    }
  }
}

void read_cb_sentence(std::string_view s, CbText& cb, Graph& g) {
  if (starts_with_ci(s, "we observed")) {
    s = trim(s.substr(11));
    if (starts_with_ci(s, "that ")) s = trim(s.substr(5));
    for (auto part : split(s, ", ")) {
      for (auto fact : split(part, " and ")) {
        fact = strip(fact);
        if (starts_with_ci(fact, "and ")) fact = trim(fact.substr(4));
        if (fact.empty()) continue;
        ++cb.observed;
        const bool negative = fact.find("did not") != std::string_view::npos || starts_with_ci(fact, "not ");
        if (negative) ++cb.observed_negative;
        std::string name;
        for_each_word(fact, [&](std::string_view w, bool) {
          const std::string lw = lower(w);
          if (name.empty() && lw != "not" && lw != "did" && lw != "occurred" && lw != "occur") name = std::string(w);
        });
        if (!name.empty()) cb.observed_names.insert(name);
      }
    }
    return;
  }
  if (starts_with_ci(s, "we know that ")) s = trim(s.substr(13));
  if (s.find(" cause") == std::string_view::npos || s.find(":=") != std::string_view::npos) return;
  // Clauses are separated by ", ", and so are the items of a list: the causes of "at least two
  // of A, not B and C together cause E", the effects of "A causes B, C and D". A run of parts
  // without a verb continues the effects of the clause before it when that clause names one
  // effect and the run holds the list's last item ("C and D"); the rest of the run starts the
  // next clause.
  std::vector<std::string> clauses;
  std::vector<std::string_view> run;
  auto ends_list = [](std::string_view part) { return part.find(" and ") != std::string_view::npos; };
  auto continue_effects = [&] {
    if (clauses.empty() || run.empty()) return;
    const std::string& last = clauses.back();
    const auto verb = last.find(" cause");
    if (ends_list(std::string_view(last).substr(last.find(' ', verb + 1) + 1))) return;  // its list is complete
    const auto end = std::find_if(run.begin(), run.end(), ends_list);
    if (end == run.end()) return;
    for (auto it = run.begin(); it <= end; ++it) clauses.back() += ", " + std::string(*it);
    run.erase(run.begin(), end + 1);
  };
  for (auto part : split(s, ", ")) {
    if (part.find(" cause") == std::string_view::npos) {
      run.push_back(part);
      continue;
    }
    continue_effects();
    std::string clause;
    for (auto r : run) clause += std::string(r) + ", ";
    clauses.push_back(clause + std::string(part));
    run.clear();
  }
  continue_effects();
  for (const auto& clause : clauses) read_cb_clause(clause, cb, g);
}

// ---- the path-parity rule ------------------------------------------------------------------------

/// A deterministic counterfactual question as the path-parity rule reads it.
struct PathQuestion {
  std::string outcome;
  bool outcome_negated = false;                       ///< "Would not Y occur ..."
  std::vector<std::pair<std::string, int>> settings;  ///< (variable, set value)
  std::set<std::string> held;                         ///< "with Z kept as it would be under ..."
};

/// "X" → (X, 1), "not X" → (X, 0); nullopt unless a single word is left after the "not".
std::optional<std::pair<std::string, int>> one_word_literal(std::string_view s) {
  s = strip(s);
  if (starts_with_ci(s, "and ")) s = trim(s.substr(4));
  int value = 1;
  if (starts_with_ci(s, "not ")) {
    value = 0;
    s = trim(s.substr(4));
  }
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return is_word_byte(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  return std::pair{std::string(s), value};
}

/// Reads "Would Y occur if not X instead of X?", "Would Y occur if not X and Z?" (any number of
/// settings joined by "and" or ","), "Would Y occur if X instead of not X, with Z kept as it
/// would be under not X?" (Z held) and CounterBench's "Assume not X, and based on this
/// assumption, further suppose not Z. Would Y occur?" (both settings, as written). nullopt for
/// any other question, or when a name is more than one word.
std::optional<PathQuestion> read_path_question(std::string_view q) {
  PathQuestion pq;
  auto outcome = [&](std::string_view s) {
    const auto y = one_word_literal(s);
    if (!y) return false;
    pq.outcome = y->first;
    pq.outcome_negated = y->second == 0;
    return true;
  };
  auto setting = [&](std::string_view s) {
    const auto x = one_word_literal(s);
    if (x) pq.settings.push_back(*x);
    return x.has_value();
  };
  if (auto rest = after(q, "Assume ")) {
    constexpr std::string_view kBridge = ", and based on this assumption, further suppose ";
    const auto bridge = rest->find(kBridge);
    const auto would = rest->find(". Would ");
    if (bridge == std::string_view::npos || would == std::string_view::npos) return std::nullopt;
    const auto second = bridge + kBridge.size();
    if (would < second || !setting(rest->substr(0, bridge)) || !setting(rest->substr(second, would - second))) return std::nullopt;
    const auto tail = rest->substr(would + 8);
    const auto occur = tail.find(" occur");
    if (occur == std::string_view::npos || !outcome(tail.substr(0, occur))) return std::nullopt;
    return pq;
  }
  const auto rest = after(q, "Would ");
  if (!rest) return std::nullopt;
  const auto p = rest->find(" occur if ");
  if (p == std::string_view::npos || !outcome(rest->substr(0, p))) return std::nullopt;
  std::string_view body = before(rest->substr(p + 10), "?");
  if (const auto w = body.find(", with "); w != std::string_view::npos) {
    const auto tail = body.substr(w + 7);
    const auto k = tail.find(" kept as it would be under ");
    if (k == std::string_view::npos) return std::nullopt;
    const auto z = one_word_literal(tail.substr(0, k));
    if (!z || z->second == 0) return std::nullopt;
    pq.held.insert(z->first);
    body = body.substr(0, w);
  }
  if (const auto i = body.find(" instead of "); i != std::string_view::npos) {
    if (!setting(body.substr(0, i))) return std::nullopt;
  } else {
    for (auto item : split(body, ", ")) {
      for (auto part : split(item, " and ")) {
        if (!setting(part)) return std::nullopt;
      }
    }
  }
  return pq;
}

/// path_parity_prediction on an already read text.
std::optional<bool> path_parity(const CbText& cb, std::string_view question) {
  if (cb.defining.empty()) return std::nullopt;
  const auto q = read_path_question(question);
  if (!q || q->settings.empty()) return std::nullopt;
  // cause → (effect, whether the arc carries an odd number of negations)
  std::map<std::string, std::vector<std::pair<std::string, bool>>> arcs;
  for (const auto& [effect, clause] : cb.defining) {
    const bool effect_not = cb.effect_negated.at(effect);
    for (std::size_t k = 0; k < clause.causes.size(); ++k) {
      arcs[clause.causes[k]].emplace_back(effect, clause.negated[k] != effect_not);
    }
  }
  // Breadth-first from every set variable at once; `values` holds bit 1 when the value 0 reaches
  // a variable along a shortest path, bit 2 when the value 1 does.
  constexpr unsigned kZero = 1;
  constexpr unsigned kOne = 2;
  std::map<std::string, std::size_t> dist;
  std::map<std::string, unsigned> values;
  std::deque<std::string> queue;
  for (const auto& [name, value] : q->settings) {
    if (dist.emplace(name, 0).second) queue.push_back(name);
    values[name] |= value != 0 ? kOne : kZero;
  }
  while (!queue.empty()) {
    const std::string u = queue.front();
    queue.pop_front();
    const auto out = arcs.find(u);
    if (out == arcs.end()) continue;
    const std::size_t next = dist.at(u) + 1;
    const unsigned here = values[u];  // final: every arc into u starts nearer the sources
    const unsigned flipped = ((here & kZero) != 0 ? kOne : 0U) | ((here & kOne) != 0 ? kZero : 0U);
    for (const auto& [w, negated] : out->second) {
      if (q->held.contains(w)) continue;
      const auto [at, fresh] = dist.try_emplace(w, next);
      if (fresh) queue.push_back(w);
      if (at->second == next) values[w] |= negated ? flipped : here;
    }
  }
  const auto y = values.find(q->outcome);
  if (y == values.end() || (y->second != kZero && y->second != kOne)) return std::nullopt;
  return (y->second == kOne) != q->outcome_negated;
}

// ---- CLadder statements -----------------------------------------------------------------------

struct Conditional {
  std::string target;
  std::vector<std::pair<std::string, bool>> conditions;  ///< (name, negated)
  double p = kNaN;
};

struct CladderText {
  std::size_t edge_sentences = 0;
  std::map<std::string, double> overall;  ///< "The overall probability of A is p%"
  std::vector<Conditional> conditionals;
  std::vector<std::pair<std::vector<std::pair<std::string, bool>>, double>> joints;  ///< "The probability of not A and B is p%"
  double correlation = kNaN;
  std::vector<double> percents;
  std::string adjustment;
  std::set<std::string> unobserved;  ///< "A is unobserved." (rung's statements in observed quantities)
};

void read_cladder_sentence(std::string_view s, CladderText& c, Graph& g) {
  if (auto rest = after(s, " has a direct effect on ")) {
    ++c.edge_sentences;
    const std::string from(strip(before(s, " has a direct effect on ")));
    for (auto part : split(*rest, " and ")) {
      for (auto name : split(part, ", ")) g.add(from, std::string(strip(name)));
    }
    return;
  }
  if (s.ends_with(" is unobserved")) {
    c.unobserved.emplace(strip(before(s, " is unobserved")));
    return;
  }
  if (auto rest = after(s, "case by case according to ")) {
    c.adjustment = std::string(strip(before(*rest, ".")));
  }
  if (auto rest = after(s, "the correlation between ")) {
    if (auto v = after(*rest, " is ")) {
      if (auto x = leading_number(*v)) c.correlation = *x;
    }
    return;
  }
  const auto pct = percent_after_is(s);
  if (!pct) return;
  c.percents.push_back(*pct);
  if (auto rest = after(s, "The overall probability of ")) {
    c.overall[std::string(strip(before(*rest, " is ")))] = *pct;
    return;
  }
  if (starts_with_ci(s, "for ")) {
    auto body = s.substr(4);
    const auto comma = body.find(", the probability of ");
    if (comma == std::string_view::npos) return;
    Conditional cond;
    cond.p = *pct;
    auto head = body.substr(0, comma);
    if (starts_with_ci(head, "those who are ")) head = head.substr(14);
    std::vector<std::string_view> parts = split(head, " and are ");
    if (parts.size() == 1) parts = split(head, " and ");
    for (auto part : parts) cond.conditions.push_back(literal(part));
    cond.target = std::string(strip(before(body.substr(comma + 21), " is ")));
    c.conditionals.push_back(std::move(cond));
    return;
  }
  if (auto rest = after(s, "The probability of ")) {
    std::vector<std::pair<std::string, bool>> lits;
    for (auto part : split(before(*rest, " is "), " and ")) lits.push_back(literal(part));
    c.joints.emplace_back(std::move(lits), *pct);
  }
}

/// Mean over the other conditions' rows of P(target | from=1, row) − P(target | from=0, row);
/// `from` is matched by name, else (by_position) the first condition. NaN when no pair.
double stated_difference(const CladderText& c, const std::string& target, const std::string& from, bool by_position) {
  std::map<std::vector<std::pair<std::string, bool>>, std::pair<double, double>> rows;  // (p1, p0)
  for (const auto& s : c.conditionals) {
    if (s.target != target || s.conditions.empty()) continue;
    std::size_t index = s.conditions.size();
    for (std::size_t k = 0; k < s.conditions.size(); ++k) {
      if (s.conditions[k].first == from) index = k;
    }
    if (index == s.conditions.size()) {
      if (!by_position) continue;
      index = 0;
    }
    std::vector<std::pair<std::string, bool>> key;
    for (std::size_t k = 0; k < s.conditions.size(); ++k) {
      if (k != index) key.push_back(s.conditions[k]);
    }
    auto& slot = rows.try_emplace(key, kNaN, kNaN).first->second;
    (s.conditions[index].second ? slot.second : slot.first) = s.p;
  }
  std::vector<double> diffs;
  for (const auto& [key, p] : rows) {
    if (!std::isnan(p.first) && !std::isnan(p.second)) diffs.push_back(p.first - p.second);
  }
  return mean(diffs);
}

// ---- rung's ladder ------------------------------------------------------------------------------

struct LadderText {
  std::map<std::string, std::string> mechanisms;  ///< name → expression text
  std::vector<double> priors;
  std::size_t shared = 0;
};

void read_ladder_sentence(std::string_view s, LadderText& l, Graph& g) {
  if (auto p = s.find(" := "); p != std::string_view::npos) {
    const std::string name(strip(s.substr(0, p)));
    const auto expr = s.substr(p + 4);
    l.mechanisms[name] = std::string(expr);
    for_each_word(expr, [&](std::string_view w, bool) {
      const std::string lw = lower(w);
      if (lw == "and" || lw == "or" || lw == "xor" || lw == "not" || lw == "if" || lw == "then" || lw == "else" ||
          lw == "true" || lw == "false" || all_digits(w) || w.starts_with("U_"))
        return;
      g.add(std::string(w), name);
    });
    return;
  }
  if (auto rest = after(s, " is 1 with probability ")) {
    if (auto v = leading_number(*rest)) l.priors.push_back(*v);
    return;
  }
  if (s.find(" affects both ") != std::string_view::npos) ++l.shared;
}

/// The name at the start of `s` (up to one of `[=|,)` or a space).
std::string leading_name(std::string_view s) {
  s = trim(s);
  std::size_t i = 0;
  while (i < s.size() && is_word_byte(static_cast<unsigned char>(s[i]))) ++i;
  return std::string(s.substr(0, i));
}

struct Notation {
  std::string outcome;
  std::string treatment;
  double worlds = kNaN;
  double settings = kNaN;
  double evidence = kNaN;
  double asked_value = kNaN;
  double treatment_value = kNaN;
};

/// Reads "P(Y[X=1]=1 | X=0)", "E(Y[X=1]) - E(Y[X=0])", "P(Y=0 | X=1)".
Notation read_notation(std::string_view f) {
  Notation n;
  f = strip(f);
  const auto open = f.find('(');
  if (open == std::string_view::npos) return n;
  const auto body = f.substr(open + 1);
  n.outcome = leading_name(body);
  std::set<std::string> worlds;
  std::size_t settings = 0;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '[') {
      if (depth == 0) start = i;
      ++depth;
    } else if (f[i] == ']' && depth > 0) {
      --depth;
      if (depth == 0) worlds.insert(std::string(f.substr(start, i - start)));
    } else if (f[i] == '=' && depth > 0) {
      ++settings;
    }
  }
  n.worlds = static_cast<double>(worlds.size());
  n.settings = static_cast<double>(settings);
  if (auto b = f.find('['); b != std::string_view::npos) {
    n.treatment = leading_name(f.substr(b + 1));
    if (auto eq = f.find('=', b); eq != std::string_view::npos) {
      if (auto v = leading_number(f.substr(eq + 1))) n.treatment_value = *v;
    }
  }
  const auto bar = f.find('|');
  if (bar == std::string_view::npos) {
    n.evidence = 0;
  } else {
    auto ev = before(f.substr(bar + 1), ")");
    n.evidence = static_cast<double>(split(ev, ",").size());
    if (n.treatment.empty()) n.treatment = leading_name(ev);
  }
  // The asked value: after the first term's last top-level '='.
  depth = 0;
  std::size_t eq = std::string_view::npos;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '[' || c == '(') ++depth;
    if ((c == ']' || c == ')') && depth == 0) break;
    if (c == ']' || c == ')') --depth;
    if (depth == 0 && (c == ',' || c == '|')) break;
    if (depth == 0 && c == '=') eq = i;
  }
  if (eq != std::string_view::npos) {
    if (auto v = leading_number(body.substr(eq + 1))) n.asked_value = *v;
  }
  return n;
}

const std::vector<std::string>& names_list() {
  static const std::vector<std::string> names{
      // every register
      "polarity", "question_nots", "question_nots_mod2", "given_nots", "given_nots_mod2", "total_nots_mod2",
      "variables", "causal_clauses", "numbers", "question_words", "treatment_negated", "stated_path", "path_length",
      "treatment_has_parent", "outcome_parents",
      // CounterBench
      "outcome_connective", "outcome_clause_nots", "outcome_clause_nots_mod2", "outcome_negated_effect",
      "treatment_connective", "treatment_clause_nots", "observations", "observed_negative", "outcome_observed",
      "treatment_observed", "path_parity_rule",
      // CLadder
      "adjustment_is_parent_of_treatment", "adjustment_descends_from_treatment", "conditioned_is_common_child",
      "unobserved_causes_treatment", "unobserved_causes_outcome", "unobserved_common_cause",
      "p_treatment", "diff_avg", "mean_p_outcome", "chain_product", "joint_diff", "correlation", "mean_percent",
      "sign_diff_polarity", "sign_mean_polarity", "sign_chain_polarity", "sign_joint_polarity", "sign_corr_polarity",
      // ladder
      "outcome_and", "outcome_or", "outcome_xor", "outcome_not", "outcome_own_noise", "priors_above_half",
      "priors_below_half", "priors_half", "mean_prior", "shared_noise", "worlds", "settings", "evidence",
      "asked_value", "treatment_value"};
  return names;
}

}  // namespace

void for_each_run(std::string_view text, const std::function<void(std::string_view, bool, bool)>& f) {
  bool sentence_start = true;
  std::size_t i = 0;
  while (i < text.size()) {
    const bool word = is_word_byte(static_cast<unsigned char>(text[i]));
    std::size_t j = i + 1;
    while (j < text.size() && is_word_byte(static_cast<unsigned char>(text[j])) == word) ++j;
    const std::string_view run = text.substr(i, j - i);
    if (word) {
      f(run, true, run.front() >= 'A' && run.front() <= 'Z' && !sentence_start);
      sentence_start = false;
    } else {
      f(run, false, false);
      if (run.find_first_of(".?!") != std::string_view::npos) sentence_start = true;
    }
    i = j;
  }
}

void for_each_word(std::string_view text, const std::function<void(std::string_view, bool)>& f) {
  for_each_run(text, [&](std::string_view run, bool word, bool name) {
    if (word) f(run, name);
  });
}

QuestionRoles question_roles(std::string_view q) {
  QuestionRoles r;
  auto set = [](std::string& slot, std::string_view v) {
    if (slot.empty()) slot = std::string(strip(v));
  };
  auto hypothetical = [&](std::string_view rest) {
    // "they were not X", "the individual was X", "not X instead of X"
    for (std::string_view filler : {"they were ", "the individual was ", "they had been ", "it had been ", "had been "}) {
      if (starts_with_ci(rest, filler)) rest = rest.substr(filler.size());
    }
    if (starts_with_ci(rest, "not ")) {
      r.treatment_negated = true;
      rest = rest.substr(4);
    }
    return rest;
  };
  if (auto f = after(q, "In notation: ")) {
    const Notation n = read_notation(*f);
    set(r.outcome, n.outcome);
    set(r.treatment, n.treatment);
    r.treatment_negated = n.treatment_value == 0;
    return r;
  }
  if (auto rest = after(q, "Would ")) {
    if (auto p = rest->find(" occur if "); p != std::string_view::npos) {
      set(r.outcome, rest->substr(0, p));
      auto x = hypothetical(rest->substr(p + 10));
      set(r.treatment, leading_name(x));
      return r;
    }
  }
  if (auto rest = after(q, "If we look at those who are ")) set(r.conditioned, before(*rest, ","));
  if (auto rest = after(q, "how ")) {
    if (auto p = rest->find(" correlates with "); p != std::string_view::npos) {
      set(r.treatment, rest->substr(0, p));
      auto tail = rest->substr(p + 17);
      set(r.outcome, before(before(tail, " case by case"), " in general"));
      if (auto z = after(tail, "case by case according to ")) set(r.adjustment, before(*z, "."));
    }
  }
  if (auto rest = after(q, "To understand how ")) {
    if (auto p = rest->find(" affects "); p != std::string_view::npos) {
      set(r.treatment, rest->substr(0, p));
      set(r.outcome, before(rest->substr(p + 9), ","));
    }
  }
  if (auto rest = after(q, "the chance of ")) {
    for (std::string_view verb : {" larger when observing ", " smaller when observing ", " increase when ", " decrease when "}) {
      if (auto p = rest->find(verb); p != std::string_view::npos) {
        set(r.outcome, rest->substr(0, p));
        set(r.treatment, hypothetical(rest->substr(p + verb.size())));
      }
    }
  }
  if (auto rest = after(q, "Will ")) {
    for (std::string_view verb : {" increase the chance of ", " decrease the chance of "}) {
      if (auto p = rest->find(verb); p != std::string_view::npos) {
        set(r.treatment, rest->substr(0, p));
        set(r.outcome, rest->substr(p + verb.size()));
      }
    }
  }
  for (std::string_view lead : {"Is ", "is "}) {
    if (auto rest = after(q, lead)) {
      for (std::string_view verb : {" more likely than not", " less likely than not"}) {
        if (auto p = rest->find(verb); p != std::string_view::npos) set(r.outcome, rest->substr(0, p));
      }
    }
  }
  if (auto rest = after(q, "likely to see ")) {
    if (auto p = rest->find(" if "); p != std::string_view::npos) {
      set(r.outcome, rest->substr(0, p));
      set(r.treatment, hypothetical(rest->substr(p + 4)));
    }
  }
  for (std::string_view lead : {"Does ", "would ", "Would "}) {
    if (auto rest = after(q, lead)) {
      for (std::string_view verb : {" positively affect ", " negatively affect "}) {
        if (auto p = rest->find(verb); p != std::string_view::npos) {
          set(r.treatment, rest->substr(0, p));
          set(r.outcome, before(rest->substr(p + verb.size()), " through "));
        }
      }
    }
  }
  if (auto rest = after(q, " through ")) set(r.mediator, before(*rest, ","));
  if (auto rest = after(q, "does it mean that ")) {
    for (std::string_view verb : {" does not affect ", " affects "}) {
      if (auto p = rest->find(verb); p != std::string_view::npos) {
        set(r.treatment, rest->substr(0, p));
        set(r.outcome, rest->substr(p + verb.size()));
      }
    }
  }
  return r;
}

const std::vector<std::string>& feature_names() { return names_list(); }

std::size_t feature_index(std::string_view name) {
  const auto& names = names_list();
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (names[k] == name) return k;
  }
  throw std::out_of_range("unknown feature '" + std::string(name) + "'");
}

std::vector<double> text_features(const FeatureInput& in) {
  const auto& names = names_list();
  std::vector<double> f(names.size(), kNaN);
  std::size_t next = 0;
  auto put = [&](double v) { f.at(next++) = v; };

  QuestionRoles roles = question_roles(in.question);
  if (roles.adjustment.empty() || roles.treatment.empty()) {
    // Real CLadder keeps the two methods of a backdoor question in given_info.
    const QuestionRoles from_info = question_roles(in.given_info);
    if (roles.adjustment.empty()) roles.adjustment = from_info.adjustment;
    if (roles.treatment.empty()) roles.treatment = from_info.treatment;
    if (roles.outcome.empty()) roles.outcome = from_info.outcome;
  }
  const std::string x = in.treatment.value_or(roles.treatment);
  const std::string y = in.outcome.value_or(roles.outcome);

  Graph g;
  CbText cb;
  CladderText cl;
  LadderText la;
  for (auto s : sentences(in.given_info)) {
    read_cb_sentence(s, cb, g);
    read_cladder_sentence(s, cl, g);
    read_ladder_sentence(s, la, g);
  }
  // Stated conditionals name the parents of their target (CLadder states each CPT).
  for (const auto& c : cl.conditionals) {
    for (const auto& [name, negated] : c.conditions) g.add(name, c.target);
  }

  // ---- every register
  double polarity = kNaN;
  for_each_word(in.question, [&](std::string_view w, bool) {
    if (!std::isnan(polarity)) return;
    const std::string l = lower(w);
    if (l == "increase" || l == "more" || l == "larger" || l == "greater" || l == "positively" || l == "higher") polarity = 1;
    if (l == "decrease" || l == "less" || l == "smaller" || l == "lower" || l == "negatively" || l == "fewer") polarity = -1;
  });
  put(polarity);
  const std::size_t qn = count_word(in.question, "not");
  const std::size_t gn = count_word(in.given_info, "not");
  put(static_cast<double>(qn));
  put(static_cast<double>(qn % 2));
  put(static_cast<double>(gn));
  put(static_cast<double>(gn % 2));
  put(static_cast<double>((qn + gn) % 2));
  std::set<std::string, std::less<>> variables;
  {
    const std::set<std::string, std::less<>> known(in.names.begin(), in.names.end());
    auto collect = [&](std::string_view text) {
      for_each_word(text, [&](std::string_view w, bool heuristic) {
        if (known.empty() ? heuristic : known.contains(w)) variables.emplace(w);
      });
    };
    collect(in.given_info);
    collect(in.question);
  }
  put(variables.empty() ? kNaN : static_cast<double>(variables.size()));
  put(static_cast<double>(cb.clauses + cl.edge_sentences + la.mechanisms.size()));
  std::size_t numbers = 0;
  for_each_word(in.given_info, [&](std::string_view w, bool) { numbers += all_digits(w) ? 1 : 0; });
  put(static_cast<double>(numbers));
  std::size_t qwords = 0;
  for_each_word(in.question, [&](std::string_view, bool) { ++qwords; });
  put(static_cast<double>(qwords));
  put(x.empty() ? kNaN : roles.treatment_negated ? 1.0 : 0.0);
  const auto path = g.path(x, y);
  const bool any_edges = !g.children.empty();
  put(x.empty() || y.empty() || !any_edges ? kNaN : path.empty() ? 0.0 : 1.0);
  put(path.empty() ? kNaN : static_cast<double>(path.size()));
  put(x.empty() || !any_edges ? kNaN : g.parents.contains(x) ? 1.0 : 0.0);
  put(y.empty() || !any_edges ? kNaN : g.parents.contains(y) ? static_cast<double>(g.parents.at(y).size()) : 0.0);

  // ---- CounterBench
  const bool cb_text = cb.clauses > 0;
  auto clause_of = [&](const std::string& v) -> const Clause* {
    auto it = cb.defining.find(v);
    return it == cb.defining.end() ? nullptr : &it->second;
  };
  const Clause* yc = clause_of(y);
  const Clause* xc = clause_of(x);
  const double y_effect_not = yc ? (cb.effect_negated.at(y) ? 1.0 : 0.0) : kNaN;
  put(yc ? yc->connective : kNaN);
  put(yc ? static_cast<double>(yc->nots) + y_effect_not : kNaN);
  put(yc ? static_cast<double>((yc->nots + static_cast<std::size_t>(y_effect_not)) % 2) : kNaN);
  put(y_effect_not);
  put(xc ? xc->connective : (cb_text && !x.empty() ? -1.0 : kNaN));  // -1: the treatment is a root
  put(xc ? static_cast<double>(xc->nots) + (cb.effect_negated.at(x) ? 1.0 : 0.0) : kNaN);
  put(cb_text ? static_cast<double>(cb.observed) : kNaN);
  put(cb_text ? static_cast<double>(cb.observed_negative) : kNaN);
  put(cb_text && !y.empty() ? (cb.observed_names.contains(y) ? 1.0 : 0.0) : kNaN);
  put(cb_text && !x.empty() ? (cb.observed_names.contains(x) ? 1.0 : 0.0) : kNaN);
  {
    const auto rule = path_parity(cb, in.question);
    put(rule ? (*rule ? 1.0 : 0.0) : kNaN);
  }

  // ---- CLadder
  const std::string& z = roles.adjustment;
  put(z.empty() || x.empty() || !any_edges ? kNaN : (g.parents.contains(x) && g.parents.at(x).contains(z)) ? 1.0 : 0.0);
  put(z.empty() || x.empty() || !any_edges ? kNaN : g.reaches(x, z) ? 1.0 : 0.0);
  {
    const std::string& c = roles.conditioned;
    if (c.empty() || x.empty() || y.empty() || !any_edges) {
      put(kNaN);
    } else {
      const auto it = g.parents.find(c);
      put(it != g.parents.end() && it->second.contains(x) && it->second.contains(y) ? 1.0 : 0.0);
    }
  }
  {
    // Where the unobserved variables sit: a direct cause of the treatment, of the outcome, of
    // both (the textbook hidden confounder, whose answer is mostly "undetermined").
    if (cl.unobserved.empty() || x.empty() || y.empty() || !any_edges) {
      for (int k = 0; k < 3; ++k) put(kNaN);
    } else {
      bool of_x = false;
      bool of_y = false;
      bool common = false;
      for (const auto& u : cl.unobserved) {
        const auto it = g.children.find(u);
        if (it == g.children.end()) continue;
        of_x = of_x || it->second.contains(x);
        of_y = of_y || it->second.contains(y);
        common = common || (it->second.contains(x) && it->second.contains(y));
      }
      put(of_x ? 1.0 : 0.0);
      put(of_y ? 1.0 : 0.0);
      put(common ? 1.0 : 0.0);
    }
  }
  double px = kNaN;
  if (auto it = cl.overall.find(x); it != cl.overall.end()) px = it->second;
  put(px);
  // The outcome's statements: target Y, else the last conditional's target.
  std::string target = y;
  bool target_stated = false;
  for (const auto& c : cl.conditionals) target_stated = target_stated || c.target == y;
  if (!target_stated && !cl.conditionals.empty()) target = cl.conditionals.back().target;
  // The treatment's condition is found by name; only when no statement names it (commonsense
  // wording such as "husbands that set the alarm") is it taken to be the first condition.
  bool x_named = false;
  for (const auto& c : cl.conditionals) {
    for (const auto& cond : c.conditions) x_named = x_named || cond.first == x;
  }
  const double diff = cl.conditionals.empty() ? kNaN : stated_difference(cl, target, x, !x_named);
  put(diff);
  std::vector<double> py;
  for (const auto& c : cl.conditionals) {
    if (c.target == target) py.push_back(c.p);
  }
  if (auto it = cl.overall.find(target); it != cl.overall.end()) py.push_back(it->second);
  const double mean_py = mean(py);
  put(mean_py);
  double chain = kNaN;
  if (!path.empty() && !cl.conditionals.empty()) {
    chain = 1;
    for (const auto& [a, b] : path) chain = times(chain, stated_difference(cl, b, a, false));
  }
  put(chain);
  double joint = kNaN;
  if (!std::isnan(px) && px > 0 && px < 1) {
    double with = kNaN;
    double without = kNaN;
    for (const auto& [lits, p] : cl.joints) {
      if (lits.size() != 2) continue;
      for (std::size_t k = 0; k < 2; ++k) {
        if (lits[k].first == x && lits[1 - k].first == y && !lits[1 - k].second) (lits[k].second ? without : with) = p;
      }
    }
    if (!std::isnan(with) && !std::isnan(without)) joint = with / px - without / (1 - px);
  }
  put(joint);
  put(cl.correlation);
  put(mean(cl.percents));
  put(times(sign(diff), polarity));
  put(times(sign(mean_py - 0.5), polarity));
  put(times(sign(chain), polarity));
  put(times(sign(joint), polarity));
  put(times(sign(cl.correlation), polarity));

  // ---- ladder
  const auto mech = la.mechanisms.find(y);
  if (mech == la.mechanisms.end()) {
    for (int k = 0; k < 5; ++k) put(kNaN);
  } else {
    const std::string& e = mech->second;
    put(static_cast<double>(count_word(e, "and")));
    put(static_cast<double>(count_word(e, "or")));
    put(static_cast<double>(count_word(e, "xor")));
    put(static_cast<double>(count_word(e, "not")));
    bool own = false;
    for_each_word(e, [&](std::string_view w, bool) { own = own || w == "U_" + y; });
    put(own ? 1.0 : 0.0);
  }
  if (la.priors.empty()) {
    for (int k = 0; k < 5; ++k) put(kNaN);
  } else {
    std::size_t above = 0, below = 0, half = 0;
    for (double p : la.priors) {
      above += p > 0.5 ? 1 : 0;
      below += p < 0.5 ? 1 : 0;
      half += p == 0.5 ? 1 : 0;
    }
    put(static_cast<double>(above));
    put(static_cast<double>(below));
    put(static_cast<double>(half));
    put(mean(la.priors));
    put(static_cast<double>(la.shared));
  }
  if (auto nf = after(in.question, "In notation: ")) {
    const Notation n = read_notation(*nf);
    put(n.worlds);
    put(n.settings);
    put(n.evidence);
    put(n.asked_value);
    put(n.treatment_value);
  } else {
    for (int k = 0; k < 5; ++k) put(kNaN);
  }
  if (next != f.size()) throw std::logic_error("text_features: feature count mismatch");
  return f;
}

std::optional<bool> path_parity_prediction(std::string_view given_info, std::string_view question) {
  CbText cb;
  Graph g;
  for (auto s : sentences(given_info)) read_cb_sentence(s, cb, g);
  return path_parity(cb, question);
}

std::vector<std::string> masked_words(std::string_view text, const std::vector<std::string>& names,
                                      std::string_view treatment, std::string_view outcome) {
  const std::set<std::string, std::less<>> known(names.begin(), names.end());
  std::vector<std::string> out;
  for_each_word(text, [&](std::string_view w, bool heuristic) {
    if (all_digits(w)) {
      out.emplace_back("#");
    } else if (known.empty() ? heuristic : known.contains(w)) {
      out.emplace_back(w == treatment ? "X" : w == outcome ? "Y" : "V");
    } else {
      out.push_back(lower(w));
    }
  });
  return out;
}

std::string renamed_text(std::string_view text, const std::vector<std::string>& names) {
  const std::set<std::string, std::less<>> known(names.begin(), names.end());
  std::map<std::string, std::size_t, std::less<>> number;  // name -> order of first appearance
  std::string out;
  out.reserve(text.size());
  for_each_run(text, [&](std::string_view run, bool word, bool heuristic) {
    if (word && (known.empty() ? heuristic : known.contains(run))) {
      auto it = number.find(run);
      if (it == number.end()) it = number.emplace(std::string(run), number.size() + 1).first;
      out += '\x01';
      out += std::to_string(it->second);
    } else {
      out += run;
    }
  });
  return out;
}

}  // namespace rung
