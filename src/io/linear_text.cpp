#include "rung/io/linear_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

// The linear `.scm` reader is line-oriented like the discrete one (scm_text.cpp) but separate:
// the two grammars share only comments and names. A statement with a syntax error is reported
// and, when its name was read, replaced by a placeholder declaration so that other statements
// that mention it are checked without cascades. docs/file-format.md lists every message.

namespace rung {
namespace {

constexpr std::size_t kMaxDiagnostics = 100;
constexpr std::size_t kMaxQuoted = 32;

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string quote(std::string_view text) {
  if (text.size() <= kMaxQuoted) return fmt::format("'{}'", text);
  std::size_t cut = kMaxQuoted;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
  return fmt::format("'{}...'", text.substr(0, cut));
}

/// A cursor over one statement (its comment already cut).
struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  int offset = 0;  // column of text[0], minus 1

  void skip() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r')) ++pos;
  }
  bool at_end() {
    skip();
    return pos >= text.size();
  }
  [[nodiscard]] int column() const { return offset + static_cast<int>(pos) + 1; }
  bool peek(char c) {
    skip();
    return pos < text.size() && text[pos] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++pos;
    return true;
  }
  bool eat(std::string_view s) {
    skip();
    if (text.substr(pos, s.size()) != s) return false;
    pos += s.size();
    return true;
  }
  /// A word (letters, digits, '_') or empty.
  std::string_view word() {
    skip();
    const std::size_t start = pos;
    while (pos < text.size() && is_name_char(text[pos])) ++pos;
    return text.substr(start, pos - start);
  }
  std::string_view peek_word() {
    const std::size_t saved = pos;
    const auto w = word();
    pos = saved;
    return w;
  }
  /// A number's text: optional sign, then digits, '.' and one '/'.
  std::string_view number_text() {
    skip();
    const std::size_t start = pos;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) ++pos;
    const std::size_t body = pos;
    while (pos < text.size() && (is_digit(text[pos]) || text[pos] == '.' || text[pos] == '/')) ++pos;
    if (pos == body) {
      pos = start;
      return {};
    }
    return text.substr(start, pos - start);
  }
  /// What comes next, for messages: a quoted word or character, or `end of line`.
  std::string found() {
    skip();
    if (pos >= text.size()) return "end of line";
    if (is_name_char(text[pos])) return quote(peek_word());
    if (text.substr(pos, 2) == ":=") return "':='";
    std::size_t n = 1;
    while (pos + n < text.size() && (static_cast<unsigned char>(text[pos + n]) & 0xc0) == 0x80) ++n;
    return quote(text.substr(pos, n));
  }
};

/// Where the comment of a line starts, or its size.
std::size_t comment_start(std::string_view line) {
  const auto hash = line.find('#');
  return hash == std::string_view::npos ? line.size() : hash;
}

bool declares_normal(std::string_view line) {
  Cursor c{line.substr(0, comment_start(line))};
  if (c.word() != "exogenous" || c.word().empty() || !c.eat('~')) return false;
  return c.word() == "Normal" && c.peek('(');
}

}  // namespace

std::optional<Rational> parse_linear_number(std::string_view text) {
  if (text.empty() || text.size() > kMaxNumberText) return std::nullopt;
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const auto digits = [](std::string_view d) { return !d.empty() && std::all_of(d.begin(), d.end(), is_digit); };
  const auto integer = [](std::string_view d) {
    const std::size_t first = d.find_first_not_of('0');
    return Rational(first == std::string_view::npos ? std::string("0") : std::string(d.substr(first)));
  };
  Rational value;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    const auto num = text.substr(0, slash);
    const auto den = text.substr(slash + 1);
    if (!digits(num) || !digits(den)) return std::nullopt;
    const Rational d = integer(den);
    if (d == 0) return std::nullopt;
    value = integer(num) / d;
  } else if (const auto dot = text.find('.'); dot != std::string_view::npos) {
    const auto whole = text.substr(0, dot);
    const auto frac = text.substr(dot + 1);
    if (!(whole.empty() || digits(whole)) || !digits(frac)) return std::nullopt;
    Rational scale = 1;
    for (std::size_t i = 0; i < frac.size(); ++i) scale *= 10;
    value = (whole.empty() ? Rational(0) : integer(whole)) + integer(frac) / scale;
  } else {
    if (!digits(text)) return std::nullopt;
    value = integer(text);
  }
  return negative ? Rational(-value) : value;
}

ParsedLinearExpression parse_linear_expression(std::string_view text) {
  ParsedLinearExpression out;
  Cursor c{text};
  const auto fail = [&](std::string message) {
    out.error = std::move(message);
    out.column = c.column();
    return out;
  };
  bool first = true;
  for (;;) {
    int sign = 1;
    if (c.eat('+')) {
    } else if (c.eat('-')) {
      sign = -1;
    } else if (!first) {
      if (c.at_end()) break;
      return fail(fmt::format("expected '+', '-' or the end of the mechanism, found {} (a linear mechanism is a sum of "
                              "terms such as 3/2*X, and a constant)",
                              c.found()));
    }
    first = false;
    c.skip();
    if (c.pos < c.text.size() && (is_digit(c.text[c.pos]) || c.text[c.pos] == '.')) {
      const int at = c.column();
      const auto number = c.number_text();
      const auto value = parse_linear_number(number);
      if (!value) {
        c.pos -= number.size();
        (void)at;
        return fail(fmt::format("invalid number {}", quote(number)));
      }
      const Rational signed_value = sign < 0 ? Rational(-*value) : *value;
      if (c.eat('*')) {
        const auto name = c.word();
        if (name.empty()) return fail(fmt::format("expected a variable name after '*', found {}", c.found()));
        out.terms.emplace_back(std::string(name), signed_value);
      } else {
        out.constant += signed_value;
      }
    } else if (c.pos < c.text.size() && is_name_char(c.text[c.pos])) {
      const auto name = c.word();
      if (c.eat('*')) {
        const auto number = c.number_text();
        const auto value = parse_linear_number(number);
        if (!value) return fail(fmt::format("expected a number after '{}*', found {}", name, c.found()));
        out.terms.emplace_back(std::string(name), sign < 0 ? Rational(-*value) : *value);
      } else {
        out.terms.emplace_back(std::string(name), Rational(sign));
      }
    } else {
      return fail(fmt::format("expected a number or a variable name, found {}", c.found()));
    }
  }
  return out;
}

bool is_linear_scm_text(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    if (declares_normal(text.substr(begin, end - begin))) return true;
    begin = end + 1;
  }
  return false;
}

namespace {

class Reader {
 public:
  Reader(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  LinearScm read() {
    int line_number = 0;
    std::size_t begin = 0;
    std::vector<std::pair<int, std::string_view>> lines;
    while (begin <= text_.size()) {
      std::size_t end = text_.find('\n', begin);
      if (end == std::string_view::npos) end = text_.size();
      ++line_number;
      lines.emplace_back(line_number, text_.substr(begin, end - begin));
      if (normal_line_ == 0 && declares_normal(lines.back().second)) normal_line_ = line_number;
      begin = end + 1;
    }
    for (const auto& [number, line] : lines) statement(number, line.substr(0, comment_start(line)));
    for (auto d : builder_.problems()) {
      if (failed_lines_.count(d.line) != 0) continue;
      d.file = std::string(file_);
      problems_.push_back(std::move(d));
    }
    if (!problems_.empty()) {
      std::stable_sort(problems_.begin(), problems_.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
      });
      if (problems_.size() > kMaxDiagnostics) problems_.resize(kMaxDiagnostics);
      throw ParseError(problems_);
    }
    return builder_.build();
  }

 private:
  std::string_view text_;
  std::string_view file_;
  int normal_line_ = 0;
  LinearScmBuilder builder_;
  std::vector<Diagnostic> problems_;
  std::set<int> failed_lines_;

  void problem(int line, int column, std::string message) {
    problems_.push_back({std::string(file_), line, column, std::move(message)});
    failed_lines_.insert(line);
  }
  void mixed(int line, int column, std::string_view what) {
    problem(line, column,
            fmt::format("a model is either discrete or linear: {} belongs to discrete models, and this file is linear "
                        "(Normal at line {})",
                        what, normal_line_));
  }

  void statement(int line, std::string_view text) {
    Cursor c{text};
    if (c.at_end()) return;
    const std::size_t start = c.pos;
    const auto first = c.word();
    if (first == "exogenous") return exogenous(line, c);
    if (first == "cov" && c.peek('(')) return covariance(line, c, start);
    if (first == "hidden") return mixed(line, static_cast<int>(start) + 1, "'hidden' (identification)");
    if (first.empty()) {
      return problem(line, c.column(),
                     fmt::format("expected 'exogenous NAME ~ Normal(mean, variance)', 'cov(A, B) = value' or 'NAME := "
                                 "mechanism', found {}",
                                 c.found()));
    }
    const Location name_at{line, static_cast<int>(start) + 1};
    const std::string name(first);
    if (c.peek_word() == "in") {
      c.word();
      mixed(line, c.column() - 2, "a domain ('in {...}')");
      builder_.endogenous(name, {}, 0, name_at, name_at);
      return;
    }
    if (c.eat('~')) {
      const int at = c.column();
      mixed(line, at, c.peek_word() == "cpt" ? "a CPT ('~ cpt')" : "'~' (a CPT)");
      builder_.endogenous(name, {}, 0, name_at, name_at);
      return;
    }
    if (!c.eat(":=")) {
      return problem(line, c.column(), fmt::format("expected ':=' after '{}', found {}", name, c.found()));
    }
    c.skip();
    const Location rhs_at{line, c.column()};
    if (c.peek_word() == "table") {
      mixed(line, c.column(), "a table mechanism");
      builder_.endogenous(name, {}, 0, name_at, rhs_at);
      return;
    }
    const auto parsed = parse_linear_expression(c.text.substr(c.pos));
    if (!parsed.error.empty()) {
      problem(line, rhs_at.column + parsed.column - 1, parsed.error);
      builder_.endogenous(name, {}, 0, name_at, rhs_at);
      return;
    }
    builder_.endogenous(name, parsed.terms, parsed.constant, name_at, rhs_at);
  }

  std::optional<Rational> number(int line, Cursor& c, std::string_view what) {
    const int at = c.column();
    const auto text = c.number_text();
    if (text.empty()) {
      problem(line, at, fmt::format("expected {}, found {}", what, c.found()));
      return std::nullopt;
    }
    const auto value = parse_linear_number(text);
    if (!value) problem(line, at, fmt::format("invalid number {}", quote(text)));
    return value;
  }

  void exogenous(int line, Cursor& c) {
    c.skip();
    const int name_column = c.column();
    const auto word = c.word();
    if (word.empty()) return problem(line, c.column(), fmt::format("expected a name after 'exogenous', found {}", c.found()));
    const std::string name(word);
    const Location name_at{line, name_column};
    const auto placeholder = [&] { builder_.exogenous(name, 0, 0, name_at, name_at); };
    if (c.peek_word() == "in") {
      c.skip();
      mixed(line, c.column(), "a domain ('in {...}')");
      return placeholder();
    }
    if (!c.eat('~')) {
      problem(line, c.column(), fmt::format("expected '~' after 'exogenous {}', found {}", name, c.found()));
      return placeholder();
    }
    c.skip();
    const int dist_column = c.column();
    const auto dist = c.peek_word();
    if (dist == "Bernoulli") {
      mixed(line, dist_column, "'Bernoulli'");
      return placeholder();
    }
    if (dist != "Normal") {
      if (c.peek('(')) {
        mixed(line, dist_column, "an explicit prior '~ (...)'");
      } else {
        problem(line, dist_column, fmt::format("expected 'Normal(mean, variance)', found {}", c.found()));
      }
      return placeholder();
    }
    c.word();
    if (!c.eat('(')) {
      problem(line, c.column(), fmt::format("expected '(' after 'Normal', found {}", c.found()));
      return placeholder();
    }
    const auto mean = number(line, c, "the mean (a number)");
    if (!mean) return placeholder();
    if (!c.eat(',')) {
      problem(line, c.column(), fmt::format("expected ',' after the mean, found {}", c.found()));
      return placeholder();
    }
    c.skip();
    const Location variance_at{line, c.column()};
    const auto variance = number(line, c, "the variance (a number)");
    if (!variance) return placeholder();
    if (!c.eat(')')) {
      problem(line, c.column(), fmt::format("expected ')' after the variance, found {}", c.found()));
      return placeholder();
    }
    if (!c.at_end()) {
      problem(line, c.column(), fmt::format("expected the end of the line, found {}", c.found()));
      return placeholder();
    }
    builder_.exogenous(name, *mean, *variance, name_at, variance_at);
  }

  void covariance(int line, Cursor& c, std::size_t start) {
    const Location at{line, static_cast<int>(start) + 1};
    c.eat('(');
    const auto a = c.word();
    if (a.empty()) return problem(line, c.column(), fmt::format("expected a name after 'cov(', found {}", c.found()));
    if (!c.eat(',')) return problem(line, c.column(), fmt::format("expected ',' after '{}', found {}", a, c.found()));
    const auto b = c.word();
    if (b.empty()) return problem(line, c.column(), fmt::format("expected a name after ',', found {}", c.found()));
    if (!c.eat(')')) return problem(line, c.column(), fmt::format("expected ')' after '{}', found {}", b, c.found()));
    if (!c.eat('=')) return problem(line, c.column(), fmt::format("expected '=' after 'cov({}, {})', found {}", a, b, c.found()));
    const auto value = number(line, c, "a number");
    if (!value) return;
    if (!c.at_end()) return problem(line, c.column(), fmt::format("expected the end of the line, found {}", c.found()));
    builder_.covariance(std::string(a), std::string(b), *value, at);
  }
};

void append_summand(std::string& out, const Rational& value, const std::string& name, bool first) {
  const bool negative = value < 0;
  const Rational magnitude = negative ? Rational(-value) : value;
  if (first) {
    if (negative) out += '-';
  } else {
    out += negative ? " - " : " + ";
  }
  if (name.empty()) {
    out += to_string(magnitude);
  } else if (magnitude == 1) {
    out += name;
  } else {
    out += to_string(magnitude) + "*" + name;
  }
}

}  // namespace

LinearScm read_linear_text(std::string_view text, std::string_view file) { return Reader(text, file).read(); }

std::string to_string(const LinearMechanism& mechanism, const LinearScm& m) {
  std::string out;
  bool first = true;
  for (const auto& c : mechanism.coefficients) {
    append_summand(out, c.value, m.name(c.var), first);
    first = false;
  }
  if (mechanism.constant != 0 || first) append_summand(out, mechanism.constant, "", first);
  return out;
}

std::string write_linear_text(const LinearScm& m) {
  std::string out;
  for (VarId id : m.exogenous()) {
    const auto& v = m.variable(id);
    out += fmt::format("exogenous {} ~ Normal({}, {})\n", v.name, to_string(v.mean), to_string(v.variance));
  }
  for (const auto& c : m.covariances()) {
    out += fmt::format("cov({}, {}) = {}\n", m.name(c.a), m.name(c.b), to_string(c.value));
  }
  for (VarId id : m.endogenous()) out += fmt::format("{} := {}\n", m.name(id), to_string(m.mechanism(id), m));
  return out;
}

std::string describe(const LinearScm& m) {
  std::size_t width = 1;
  for (const auto& v : m.variables()) width = std::max(width, v.name.size());
  std::string out = fmt::format("linear-Gaussian model: {} exogenous, {} endogenous variables, {} arcs\n",
                                m.exogenous_count(), m.size() - m.exogenous_count(), m.dag().arc_count());
  out += "\nexogenous (Normal(mean, variance))\n";
  for (VarId id : m.exogenous()) {
    const auto& v = m.variable(id);
    out += fmt::format("  {:<{}}  ~ Normal({}, {})\n", v.name, width, to_string(v.mean), to_string(v.variance));
  }
  if (!m.covariances().empty()) {
    out += "\ncovariances (0 between exogenous variables not listed)\n";
    for (const auto& c : m.covariances()) out += fmt::format("  cov({}, {}) = {}\n", m.name(c.a), m.name(c.b), to_string(c.value));
  }
  out += "\nendogenous (in evaluation order)\n";
  for (VarId id : m.evaluation_order()) {
    out += fmt::format("  {:<{}}  := {}\n", m.name(id), width, to_string(m.mechanism(id), m));
  }
  return out;
}

std::string to_dot(const LinearScm& m) {
  std::string out = "digraph \"linear\" {\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n";
  for (VarId id = 0; id < m.size(); ++id) {
    if (m.is_exogenous(id)) {
      out += fmt::format("  \"{}\" [label=\"{}\\nN({}, {})\", shape=box, style=dashed, color=gray50, fontcolor=gray30];\n",
                         m.name(id), m.name(id), to_string(m.variable(id).mean), to_string(m.variable(id).variance));
    } else {
      out += fmt::format("  \"{}\" [label=\"{}\", shape=ellipse];\n", m.name(id), m.name(id));
    }
  }
  for (VarId id : m.endogenous()) {
    for (const auto& c : m.mechanism(id).coefficients) {
      out += fmt::format("  \"{}\" -> \"{}\" [label=\"{}\"{}];\n", m.name(c.var), m.name(id), to_string(c.value),
                         m.is_exogenous(c.var) ? ", style=dashed, color=gray50" : "");
    }
  }
  for (const auto& c : m.covariances()) {
    out += fmt::format("  \"{}\" -> \"{}\" [dir=both, style=dotted, label=\"cov {}\", constraint=false];\n", m.name(c.a),
                       m.name(c.b), to_string(c.value));
  }
  out += "}\n";
  return out;
}

}  // namespace rung
