#include "rung/query/query.hpp"

#include "rung/core/error.hpp"
#include "rung/core/rational.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rung {

namespace {

/// Deepest nesting of counterfactuals inside settings: `Y[M=M[X=0]]` has depth 1.
constexpr int kMaxDepth = 64;
/// Longest token text quoted in full in an error message.
constexpr std::size_t kMaxQuoted = 40;

// ---- shared helpers (parser and make_query) ---------------------------------------------------

/// `'text'`, cut short when very long (hostile input must not produce a megabyte message).
std::string quote(std::string_view text) {
  if (text.size() > kMaxQuoted) return fmt::format("'{}...'", text.substr(0, kMaxQuoted));
  return fmt::format("'{}'", text);
}

std::string not_a_value(const Scm& scm, VarId var, std::string_view label) {
  return fmt::format("{} is not a value of {} {}", quote(label), scm.name(var), scm.domain(var).to_string());
}

std::string cannot_intervene(const Scm& scm, VarId var) {
  return fmt::format("cannot intervene on exogenous variable {}", scm.name(var));
}

/// Empty if every label of `var`'s domain is a number, else the complaint.
std::string numeric_problem(const Scm& scm, VarId var) {
  const Domain& d = scm.domain(var);
  for (const auto& label : d.labels()) {
    if (!try_parse_rational(label)) {
      return fmt::format("E({}) needs numeric values, but {} takes {}", scm.name(var), scm.name(var), d.to_string());
    }
  }
  return {};
}

void sort_settings(std::vector<Setting>& settings) {
  std::stable_sort(settings.begin(), settings.end(),
                   [](const Setting& a, const Setting& b) { return a.var < b.var; });
}

std::string settings_text(const std::vector<Setting>& settings, const Scm& scm) {
  std::string out;
  append_to_string(out, settings, scm);
  return out;
}

// ---- lexer ------------------------------------------------------------------------------------

struct Token {
  enum class Kind { name, quoted, lparen, rparen, lbracket, rbracket, subscript, rbrace, comma, bar, eq, plus, minus, end, bad };
  Kind kind = Kind::end;
  std::string_view text;
  std::size_t offset = 0;  ///< 0-based byte offset in the query text
  std::string label;       ///< quoted: the label, unescaped
};

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// The token starting at or after `pos` (whitespace skipped); `pos` is moved past it.
/// A name stops before `_{`, which is a token of its own (the subscript form `Y_{X=0}`).
Token lex(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && is_space(text[pos])) ++pos;
  Token t;
  t.offset = pos;
  if (pos >= text.size()) {
    t.kind = Token::Kind::end;
    return t;
  }
  auto take = [&](Token::Kind kind, std::size_t n) {
    t.kind = kind;
    t.text = text.substr(pos, n);
    pos += n;
    return t;
  };
  const char c = text[pos];
  const bool subscript_next = c == '_' && pos + 1 < text.size() && text[pos + 1] == '{';
  if (subscript_next) return take(Token::Kind::subscript, 2);
  if (is_name_char(c)) {
    std::size_t n = 0;
    while (pos + n < text.size() && is_name_char(text[pos + n])) {
      if (text[pos + n] == '_' && pos + n + 1 < text.size() && text[pos + n + 1] == '{') break;
      ++n;
    }
    return take(Token::Kind::name, n);
  }
  if (c == '"') {
    std::string label;
    const std::size_t n = read_quoted_label(text, pos, label);
    if (n == 0 || label.empty()) return take(Token::Kind::bad, 1);
    t.label = std::move(label);
    return take(Token::Kind::quoted, n);
  }
  switch (c) {
    case '(': return take(Token::Kind::lparen, 1);
    case ')': return take(Token::Kind::rparen, 1);
    case '[': return take(Token::Kind::lbracket, 1);
    case ']': return take(Token::Kind::rbracket, 1);
    case '}': return take(Token::Kind::rbrace, 1);
    case ',': return take(Token::Kind::comma, 1);
    case '|': return take(Token::Kind::bar, 1);
    case '=': return take(Token::Kind::eq, 1);
    case '+': return take(Token::Kind::plus, 1);
    case '-': return take(Token::Kind::minus, 1);
    default: return take(Token::Kind::bad, 1);
  }
}

std::string describe(const Token& t) {
  if (t.kind == Token::Kind::end) return "end of query";
  if (t.kind == Token::Kind::bad) {
    const auto ch = static_cast<unsigned char>(t.text.front());
    if (ch == '"') return "'\"' (a quoted value needs a closing '\"'; escape '\"' and '\\' with '\\')";
    if (std::isprint(ch) == 0) return fmt::format("byte 0x{:02x}", static_cast<unsigned>(ch));
  }
  return quote(t.text);
}

// ---- parser -----------------------------------------------------------------------------------

/// A do() assignment with the column of its variable's name, for error messages.
struct DoAssign {
  Setting setting;
  std::size_t offset = 0;
};

class Parser {
 public:
  Parser(std::string_view text, const Scm& scm, bool allow_open = false)
      : text_(text), scm_(scm), allow_open_(allow_open) {
    tok_ = lex(text_, next_);
  }

  /// After query(): the distribution's targets, when the query was one (evidence in the part).
  std::vector<Term> open_;
  std::size_t first_open_ = 0;
  std::size_t first_closed_ = std::string_view::npos;

  Query query() {
    Query q;
    int sign = 1;
    if (tok_.kind == Token::Kind::minus) {
      sign = -1;
      advance();
    }
    for (;;) {
      q.parts.push_back(part(sign));
      if (tok_.kind == Token::Kind::plus) {
        sign = 1;
      } else if (tok_.kind == Token::Kind::minus) {
        sign = -1;
      } else if (tok_.kind == Token::Kind::end) {
        break;
      } else {
        fail("'+', '-' or end of query");
      }
      advance();
    }
    return q;
  }

 private:
  std::string_view text_;
  const Scm& scm_;
  bool allow_open_ = false;
  std::size_t next_ = 0;  ///< where the token after tok_ starts
  Token tok_;

  void advance() { tok_ = lex(text_, next_); }
  [[nodiscard]] Token peek() const {
    std::size_t p = next_;
    return lex(text_, p);
  }
  [[nodiscard]] bool is(Token::Kind kind) const { return tok_.kind == kind; }
  [[nodiscard]] bool is_name(std::string_view text) const { return is(Token::Kind::name) && tok_.text == text; }
  [[nodiscard]] bool at_do() const { return is_name("do") && peek().kind == Token::Kind::lparen; }

  [[noreturn]] static void fail_at(std::size_t offset, const std::string& message) {
    throw InvalidQuery(fmt::format("column {}: {}", offset + 1, message));
  }
  [[noreturn]] void fail(std::string_view expected) const {
    fail_at(tok_.offset, fmt::format("expected {}, found {}", expected, describe(tok_)));
  }
  void expect(Token::Kind kind, std::string_view expected) {
    if (!is(kind)) fail(expected);
    advance();
  }

  /// The variable named by the current token (which must be a name); advances past it.
  VarId variable(std::string_view expected) {
    if (!is(Token::Kind::name)) fail(expected);
    auto id = scm_.find(tok_.text);
    if (!id) fail_at(tok_.offset, fmt::format("unknown variable {}", quote(tok_.text)));
    advance();
    return *id;
  }

  /// A variable that is about to be set (in brackets or do()): endogenous only.
  VarId settable(std::string_view expected) {
    const std::size_t at = tok_.offset;
    VarId v = variable(expected);
    if (scm_.is_exogenous(v)) fail_at(at, cannot_intervene(scm_, v));
    return v;
  }

  /// A label of `var`'s domain at the current token; advances past it.
  Value label(VarId var, std::string_view expected) {
    if (!is(Token::Kind::name) && !is(Token::Kind::quoted)) fail(expected);
    const std::string_view text = is(Token::Kind::quoted) ? std::string_view(tok_.label) : tok_.text;
    auto v = scm_.domain(var).index_of(text);
    if (!v) fail_at(tok_.offset, not_a_value(scm_, var, is(Token::Kind::quoted) ? std::string_view(tok_.text) : text));
    advance();
    return *v;
  }

  [[nodiscard]] std::string value_expected(VarId var) const {
    return fmt::format("a value of {} {}", scm_.name(var), scm_.domain(var).to_string());
  }

  // term := NAME ( '[' setting (',' setting)* ']' | '_{' setting (',' setting)* '}' )?
  Term term(int depth, std::string_view expected) {
    if (depth > kMaxDepth) {
      fail_at(tok_.offset, fmt::format("counterfactuals nested more than {} levels deep", kMaxDepth));
    }
    Term t;
    t.var = variable(expected);
    if (!is(Token::Kind::lbracket) && !is(Token::Kind::subscript)) return t;
    const bool brackets = is(Token::Kind::lbracket);
    const std::string_view close_expected = brackets ? "',' or ']'" : "',' or '}'";
    const Token::Kind close = brackets ? Token::Kind::rbracket : Token::Kind::rbrace;
    advance();
    for (;;) {
      const std::size_t at = tok_.offset;
      Setting s;
      s.var = settable("a variable");
      expect(Token::Kind::eq, fmt::format("'=' after '{}'", scm_.name(s.var)));
      if (is(Token::Kind::name) && scm_.find(tok_.text)) {
        const std::size_t nested_at = tok_.offset;
        s.nested.push_back(term(depth + 1, "a variable"));
        const VarId source = s.nested.front().var;
        if (scm_.domain(source) != scm_.domain(s.var)) {
          fail_at(nested_at, fmt::format("{} cannot take the value of {}: {} takes {}, {} takes {}", scm_.name(s.var),
                                         scm_.name(source), scm_.name(source), scm_.domain(source).to_string(),
                                         scm_.name(s.var), scm_.domain(s.var).to_string()));
        }
      } else {
        s.value = label(s.var, value_expected(s.var) + " or a variable");
      }
      t.settings.push_back(std::move(s));
      const auto& added = t.settings.back();
      for (std::size_t i = 0; i + 1 < t.settings.size(); ++i) {
        if (t.settings[i].var == added.var) {
          fail_at(at, fmt::format("{} is set twice in {}[{}]", scm_.name(added.var), scm_.name(t.var),
                                  settings_text(t.settings, scm_)));
        }
      }
      if (is(Token::Kind::comma)) {
        advance();
        continue;
      }
      expect(close, close_expected);
      break;
    }
    sort_settings(t.settings);
    return t;
  }

  // event := term '=' LABEL
  Event event(std::string_view expected) {
    if (at_do() && !scm_.find("do")) fail_at(tok_.offset, "do(...) may only appear after '|'");
    Event e;
    e.term = term(0, expected);
    expect(Token::Kind::eq, fmt::format("'=' after '{}'", to_string(e.term, scm_)));
    e.value = label(e.term.var, value_expected(e.term.var));
    return e;
  }

  // do := 'do' '(' assign (',' assign)* ')'   (current token: 'do')
  void do_condition(std::vector<DoAssign>& dos) {
    advance();  // 'do'
    advance();  // '('
    for (;;) {
      DoAssign a;
      a.offset = tok_.offset;
      a.setting.var = settable("a variable");
      expect(Token::Kind::eq, fmt::format("'=' after '{}'", scm_.name(a.setting.var)));
      a.setting.value = label(a.setting.var, value_expected(a.setting.var));
      for (const auto& other : dos) {
        if (other.setting.var == a.setting.var) {
          std::vector<Setting> written;
          for (const auto& d : dos) written.push_back(d.setting);
          written.push_back(a.setting);
          fail_at(a.offset, fmt::format("{} is set twice in do({})", scm_.name(a.setting.var),
                                        settings_text(written, scm_)));
        }
      }
      dos.push_back(std::move(a));
      if (is(Token::Kind::comma)) {
        advance();
        continue;
      }
      expect(Token::Kind::rparen, "',' or ')'");
      return;
    }
  }

  // conds := cond (',' cond)* ; the closing ')' of the part is consumed too.
  void conditions(std::vector<Event>& evidence, std::vector<DoAssign>& dos) {
    for (;;) {
      if (at_do()) {
        do_condition(dos);
      } else {
        evidence.push_back(event("a variable or 'do('"));
      }
      if (is(Token::Kind::comma)) {
        advance();
        continue;
      }
      expect(Token::Kind::rparen, "',' or ')'");
      return;
    }
  }

  /// Merges the do() settings into the outer settings of `t`.
  void fold(Term& t, const std::vector<DoAssign>& dos) const {
    for (const auto& d : dos) {
      auto it = std::lower_bound(t.settings.begin(), t.settings.end(), d.setting.var,
                                 [](const Setting& s, VarId v) { return s.var < v; });
      if (it != t.settings.end() && it->var == d.setting.var) {
        std::vector<Setting> written = t.settings;
        written.push_back(d.setting);
        fail_at(d.offset, fmt::format("{} is set twice in {}[{}]", scm_.name(d.setting.var), scm_.name(t.var),
                                      settings_text(written, scm_)));
      }
      t.settings.insert(it, d.setting);
    }
  }

  // part := 'P' '(' events ('|' conds)? ')' | 'E' '(' term ('|' conds)? ')'
  Query::Part part(int sign) {
    const bool probability = is_name("P");
    if (!probability && !is_name("E")) fail("'P(' or 'E('");
    const std::string_view head = tok_.text;
    advance();
    expect(Token::Kind::lparen, fmt::format("'(' after '{}'", head));

    Query::Part p;
    p.sign = sign;
    std::vector<DoAssign> dos;
    if (probability) {
      Probability pr;
      for (;;) {
        if (allow_open_) {
          const std::size_t at = tok_.offset;
          if (at_do() && !scm_.find("do")) fail_at(tok_.offset, "do(...) may only appear after '|'");
          Term t = term(0, "a variable");
          if (is(Token::Kind::eq)) {
            advance();
            const Value v = label(t.var, value_expected(t.var));
            pr.events.push_back(Event{std::move(t), v});
            if (first_closed_ == std::string_view::npos) first_closed_ = at;
          } else {
            if (open_.empty()) first_open_ = at;
            for (const auto& earlier : open_) {
              if (earlier == t) fail_at(at, fmt::format("{} appears twice in the distribution", to_string(t, scm_)));
            }
            open_.push_back(std::move(t));
          }
        } else {
          pr.events.push_back(event("a variable"));
        }
        if (is(Token::Kind::comma)) {
          advance();
          continue;
        }
        if (is(Token::Kind::bar)) {
          advance();
          conditions(pr.evidence, dos);
          break;
        }
        expect(Token::Kind::rparen, "',', '|' or ')'");
        break;
      }
      for (auto& e : pr.events) fold(e.term, dos);
      for (auto& t : open_) fold(t, dos);
      for (auto& e : pr.evidence) fold(e.term, dos);
      p.quantity = std::move(pr);
    } else {
      Expectation ex;
      if (at_do() && !scm_.find("do")) fail_at(tok_.offset, "do(...) may only appear after '|'");
      const std::size_t at = tok_.offset;
      ex.term = term(0, "a variable");
      if (auto problem = numeric_problem(scm_, ex.term.var); !problem.empty()) fail_at(at, problem);
      if (is(Token::Kind::bar)) {
        advance();
        conditions(ex.evidence, dos);
      } else {
        expect(Token::Kind::rparen, "'|' or ')'");
      }
      fold(ex.term, dos);
      for (auto& e : ex.evidence) fold(e.term, dos);
      p.quantity = std::move(ex);
    }
    return p;
  }
};

// ---- rung_of ----------------------------------------------------------------------------------

int rung_of_terms(const std::vector<const Term*>& terms) {
  bool any = false;
  bool nested = false;
  bool same = true;
  for (const Term* t : terms) {
    if (!t->settings.empty()) any = true;
    for (const auto& s : t->settings) nested = nested || s.is_nested();
    if (t->settings != terms.front()->settings) same = false;
  }
  if (!any) return 1;
  return same && !nested ? 2 : 3;
}

// ---- make_query helpers -----------------------------------------------------------------------

VarId resolve(const Scm& scm, const std::string& name) {
  auto id = scm.find(name);
  if (!id) throw InvalidQuery(fmt::format("unknown variable {}", quote(name)));
  return *id;
}

Value resolve_label(const Scm& scm, VarId var, const std::string& label) {
  auto v = scm.domain(var).index_of(label);
  if (!v) throw InvalidQuery(not_a_value(scm, var, label));
  return *v;
}

Setting constant(VarId var, Value value) { return Setting::to_value(var, value); }
Setting nested(VarId var, Term t) { return Setting::to_term(var, std::move(t)); }

Term term_of(VarId var, std::vector<Setting> settings = {}) {
  Term t;
  t.var = var;
  t.settings = std::move(settings);
  sort_settings(t.settings);
  return t;
}

Query::Part expectation(int sign, Term t, std::vector<Event> evidence = {}) {
  return Query::Part{sign, Expectation{std::move(t), std::move(evidence)}};
}

Query::Part probability(std::vector<Event> events, std::vector<Event> evidence = {}) {
  return Query::Part{1, Probability{std::move(events), std::move(evidence)}};
}

}  // namespace

Query parse_query(std::string_view text, const Scm& scm) { return Parser(text, scm).query(); }

Request parse_request(std::string_view text, const Scm& scm) {
  Parser parser(text, scm, true);
  Query q = parser.query();
  if (parser.open_.empty()) return q;
  if (parser.first_closed_ != std::string_view::npos) {
    throw InvalidQuery(fmt::format("column {}: give a value to every event or to none (a distribution such as "
                                   "P(Y, Z | X=1) lists its targets without values)",
                                   std::max(parser.first_open_, parser.first_closed_) + 1));
  }
  if (q.parts.size() != 1 || q.parts.front().sign != 1) {
    throw InvalidQuery(fmt::format("column {}: a distribution P(Y) must be the whole query (it cannot be added, "
                                   "subtracted or negated)", parser.first_open_ + 1));
  }
  Distribution d;
  d.targets = std::move(parser.open_);
  d.evidence = std::move(std::get<Probability>(q.parts.front().quantity).evidence);
  return d;
}

std::string to_string(const Distribution& d, const Scm& scm) {
  std::string out = "P(";
  for (std::size_t i = 0; i < d.targets.size(); ++i) {
    if (i > 0) out += ", ";
    append_to_string(out, d.targets[i], scm);
  }
  if (!d.evidence.empty()) {
    out += " | ";
    append_to_string(out, d.evidence, scm);
  }
  out += ')';
  return out;
}

int rung_of(const Distribution& d) {
  Query q;
  Probability p;
  for (const auto& t : d.targets) p.events.push_back(Event{t, 0});
  p.evidence = d.evidence;
  q.parts.push_back(Query::Part{1, std::move(p)});
  return rung_of(q);
}

void append_to_string(std::string& out, const std::vector<Setting>& settings, const Scm& scm) {
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const Setting& s = settings[i];
    if (i > 0) out += ", ";
    out += scm.name(s.var);
    out += '=';
    if (s.is_nested()) {
      append_to_string(out, s.nested.front(), scm);
    } else {
      append_label(out, scm.domain(s.var).label(s.value));
    }
  }
}

void append_to_string(std::string& out, const Term& t, const Scm& scm) {
  out += scm.name(t.var);
  if (t.settings.empty()) return;
  out += '[';
  append_to_string(out, t.settings, scm);
  out += ']';
}

void append_to_string(std::string& out, const std::vector<Event>& events, const Scm& scm) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) out += ", ";
    append_to_string(out, events[i].term, scm);
    out += '=';
    append_label(out, scm.domain(events[i].term.var).label(events[i].value));
  }
}

void append_to_string(std::string& out, const std::variant<Probability, Expectation>& quantity, const Scm& scm) {
  const std::vector<Event>* evidence = nullptr;
  if (const auto* p = std::get_if<Probability>(&quantity)) {
    out += "P(";
    append_to_string(out, p->events, scm);
    evidence = &p->evidence;
  } else {
    const auto& e = std::get<Expectation>(quantity);
    out += "E(";
    append_to_string(out, e.term, scm);
    evidence = &e.evidence;
  }
  if (!evidence->empty()) {
    out += " | ";
    append_to_string(out, *evidence, scm);
  }
  out += ')';
}

void append_to_string(std::string& out, const Query& q, const Scm& scm) {
  for (std::size_t i = 0; i < q.parts.size(); ++i) {
    const Query::Part& part = q.parts[i];
    if (i == 0) {
      if (part.sign < 0) out += '-';
    } else {
      out += part.sign < 0 ? " - " : " + ";
    }
    append_to_string(out, part.quantity, scm);
  }
}

std::string to_string(const Term& t, const Scm& scm) {
  std::string out;
  append_to_string(out, t, scm);
  return out;
}

std::string to_string(const std::vector<Event>& events, const Scm& scm) {
  std::string out;
  append_to_string(out, events, scm);
  return out;
}

std::string to_string(const Query& q, const Scm& scm) {
  std::string out;
  append_to_string(out, q, scm);
  return out;
}

int rung_of(const Query& q) {
  int rung = 1;
  for (const auto& part : q.parts) {
    std::vector<const Term*> terms;
    const std::vector<Event>* evidence = nullptr;
    if (const auto* p = std::get_if<Probability>(&part.quantity)) {
      for (const auto& e : p->events) terms.push_back(&e.term);
      evidence = &p->evidence;
    } else {
      const auto& e = std::get<Expectation>(part.quantity);
      terms.push_back(&e.term);
      evidence = &e.evidence;
    }
    for (const auto& e : *evidence) terms.push_back(&e.term);
    if (!terms.empty()) rung = std::max(rung, rung_of_terms(terms));
  }
  return rung;
}

Query make_query(const Estimand& e, const Scm& scm) {
  using Kind = Estimand::Kind;
  const VarId x = resolve(scm, e.treatment);
  const VarId y = resolve(scm, e.outcome);
  if (scm.is_exogenous(x)) throw InvalidQuery(cannot_intervene(scm, x));
  const Value x1 = resolve_label(scm, x, e.treated);
  const Value x0 = resolve_label(scm, x, e.control);

  const bool mediated = e.kind == Kind::nde || e.kind == Kind::nie;
  const bool expected = mediated || e.kind == Kind::ate || e.kind == Kind::ett;
  VarId m = 0;
  if (mediated) {
    const char* name = e.kind == Kind::nde ? "NDE" : "NIE";
    if (e.mediator.empty()) throw InvalidQuery(fmt::format("{} needs a mediator", name));
    m = resolve(scm, e.mediator);
    if (scm.is_exogenous(m)) throw InvalidQuery(cannot_intervene(scm, m));
    if (m == x || m == y) {
      throw InvalidQuery(fmt::format("the mediator of {} must differ from the treatment and the outcome, got {}",
                                     name, e.mediator));
    }
  }
  if (expected) {
    if (auto problem = numeric_problem(scm, y); !problem.empty()) throw InvalidQuery(problem);
  }

  Query q;
  switch (e.kind) {
    case Kind::ate:
      q.parts.push_back(expectation(1, term_of(y, {constant(x, x1)})));
      q.parts.push_back(expectation(-1, term_of(y, {constant(x, x0)})));
      break;
    case Kind::ett: {
      const std::vector<Event> treated{Event{term_of(x), x1}};
      q.parts.push_back(expectation(1, term_of(y, {constant(x, x1)}), treated));
      q.parts.push_back(expectation(-1, term_of(y, {constant(x, x0)}), treated));
      break;
    }
    case Kind::nde:
      q.parts.push_back(expectation(1, term_of(y, {constant(x, x1), nested(m, term_of(m, {constant(x, x0)}))})));
      q.parts.push_back(expectation(-1, term_of(y, {constant(x, x0)})));
      break;
    case Kind::nie:
      q.parts.push_back(expectation(1, term_of(y, {constant(x, x0), nested(m, term_of(m, {constant(x, x1)}))})));
      q.parts.push_back(expectation(-1, term_of(y, {constant(x, x0)})));
      break;
    case Kind::pn:
    case Kind::ps:
    case Kind::pns: {
      const Value y1 = resolve_label(scm, y, e.outcome_value);
      const Value y0 = resolve_label(scm, y, e.no_outcome_value);
      if (e.kind == Kind::pn) {
        q.parts.push_back(probability({Event{term_of(y, {constant(x, x0)}), y0}},
                                      {Event{term_of(x), x1}, Event{term_of(y), y1}}));
      } else if (e.kind == Kind::ps) {
        q.parts.push_back(probability({Event{term_of(y, {constant(x, x1)}), y1}},
                                      {Event{term_of(x), x0}, Event{term_of(y), y0}}));
      } else {
        q.parts.push_back(probability({Event{term_of(y, {constant(x, x1)}), y1}, Event{term_of(y, {constant(x, x0)}), y0}}));
      }
      break;
    }
  }
  return q;
}

std::optional<Estimand::Kind> estimand_kind(std::string_view name) {
  using Kind = Estimand::Kind;
  static constexpr std::pair<std::string_view, Kind> kNames[] = {
      {"ate", Kind::ate}, {"ett", Kind::ett}, {"nde", Kind::nde}, {"nie", Kind::nie},
      {"pn", Kind::pn},   {"ps", Kind::ps},   {"pns", Kind::pns},
  };
  for (const auto& [text, kind] : kNames) {
    if (text.size() == name.size() &&
        std::equal(text.begin(), text.end(), name.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      return kind;
    }
  }
  return std::nullopt;
}

}  // namespace rung
