// One file of ~950 lines: the `.scm` reader is one class (Reader: statements, priors,
// mechanisms, tables and CPTs, with the resynchronisation after an error that ties them), and its
// writer is the inverse it must stay in step with; split, the halves would share the same
// private cursor and quoting rules through a header of internals.
#include "rung/io/scm_text.hpp"

#include "rung/core/error.hpp"
#include "rung/core/rational.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

// The .scm reader is line-oriented: each line is cut at its first '#', then parsed by a small
// cursor-based recursive descent (no recursion proportional to the input: the only recursion is
// parse_expression's, which caps its nesting). A statement with a syntax error is reported and
// replaced by a placeholder declaration of the same name and domain, so that other statements that
// mention it are checked without cascades; builder problems on the lines of failed statements are
// dropped. docs/file-format.md has the grammar and every message.

namespace rung {
namespace {

constexpr std::size_t kMaxLineBytes = kMaxScmLineBytes;
constexpr std::size_t kMaxDiagnostics = 100;
constexpr std::size_t kMaxQuoted = 32;  // longest culprit text quoted in a message, in bytes

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// Length of the UTF-8 sequence starting at text[i] if it is well formed (no overlong forms,
/// surrogates or code points above U+10FFFF), else 0.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xbf;  // allowed range of the second byte
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    if (b0 == 0xe0) lo = 0xa0;
    if (b0 == 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    if (b0 == 0xf0) lo = 0x90;
    if (b0 == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  }
  return n;
}

/// try_parse_rational, shielded: leading zeros are removed first (the GMP conversion it uses reads
/// "010" as octal and throws on "08"), and anything it throws means "not a number".
std::optional<Rational> parse_probability(std::string_view text) {
  std::string sign;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    sign = text.front();
    text.remove_prefix(1);
  }
  const auto digits = [](std::string_view d) {
    return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const auto strip = [](std::string_view d) {
    const std::size_t first = d.find_first_not_of('0');
    return first == std::string_view::npos ? std::string("0") : std::string(d.substr(first));
  };
  std::string canonical(text);
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    const auto num = text.substr(0, slash);
    const auto den = text.substr(slash + 1);
    if (digits(num) && digits(den)) canonical = strip(num) + "/" + strip(den);
  } else if (const auto dot = text.find('.'); dot != std::string_view::npos) {
    const auto whole = text.substr(0, dot);
    const auto frac = text.substr(dot + 1);
    if ((whole.empty() || digits(whole)) && digits(frac)) {
      canonical = strip(std::string(whole) + std::string(frac)) + "/1" + std::string(frac.size(), '0');
    }
  } else if (digits(text)) {
    canonical = strip(text);
  }
  try {
    return try_parse_rational(sign + canonical);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// `'text'`, cut after kMaxQuoted bytes (at a character boundary) with `...`.
std::string quote(std::string_view text) {
  if (text.size() <= kMaxQuoted) return fmt::format("'{}'", text);
  std::size_t cut = kMaxQuoted;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
  return fmt::format("'{}...'", text.substr(0, cut));
}

/// Where the comment of a line starts (its first '#' outside a quoted label), or its size.
std::size_t comment_start(std::string_view line) {
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (quoted && line[i] == '\\') {
      ++i;
    } else if (line[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && line[i] == '#') {
      return i;
    }
  }
  return line.size();
}

/// A position in one line, which has been cut at its comment.
struct Cursor {
  std::string_view s;
  std::size_t pos = 0;
  int line = 0;

  [[nodiscard]] bool end() const { return pos >= s.size(); }
  [[nodiscard]] char peek() const { return end() ? '\0' : s[pos]; }
  [[nodiscard]] bool at(std::string_view t) const { return s.substr(pos).starts_with(t); }
  [[nodiscard]] int column() const { return static_cast<int>(pos) + 1; }
  [[nodiscard]] Location here() const { return {line, column()}; }
  void skip_blanks() {
    while (!end() && is_blank(s[pos])) ++pos;
  }
  /// Consumes and returns the run of name characters at the cursor (maybe empty).
  std::string_view name() {
    const std::size_t begin = pos;
    while (!end() && is_name_char(s[pos])) ++pos;
    return s.substr(begin, pos - begin);
  }
  /// Consumes and returns a label: a name, or a quoted label `"<7.5"` (unescaped). Empty (and the
  /// cursor unmoved) if there is neither; `bad_quote` is set for an unterminated quoted label.
  std::string label(bool& bad_quote) {
    bad_quote = false;
    if (peek() == '"') {
      std::string out;
      const std::size_t n = read_quoted_label(s, pos, out);
      if (n == 0 || out.empty()) {
        bad_quote = true;
        return {};
      }
      pos += n;
      return out;
    }
    return std::string(name());
  }
  /// Like label(), without a copy: a view of the text, or of `scratch` for a quoted label.
  std::string_view label_view(bool& bad_quote, std::string& scratch) {
    bad_quote = false;
    if (peek() == '"') {
      scratch.clear();
      const std::size_t n = read_quoted_label(s, pos, scratch);
      if (n == 0 || scratch.empty()) {
        bad_quote = true;
        return {};
      }
      pos += n;
      return scratch;
    }
    return name();
  }
  [[nodiscard]] std::string_view peek_name() const {
    std::size_t n = pos;
    while (n < s.size() && is_name_char(s[n])) ++n;
    return s.substr(pos, n - pos);
  }

  /// What is at the cursor, for "expected X, found Y".
  [[nodiscard]] std::string found() const {
    if (end()) return "end of line";
    const auto c = static_cast<unsigned char>(s[pos]);
    if (is_name_char(s[pos])) return quote(peek_name());
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s, pos);
      return n == 0 ? fmt::format("byte 0x{:02x}", c) : quote(s.substr(pos, n));
    }
    if (c < 0x20 || c == 0x7f) return fmt::format("byte 0x{:02x}", c);
    for (std::string_view two : {":=", "->", "==", "!="}) {
      if (at(two)) return quote(two);
    }
    return quote(s.substr(pos, 1));
  }
};

/// One declaration as read from the text.
struct Statement {
  bool exogenous = false;
  std::string name;
  bool has_name = false;  ///< the name was read and may get a placeholder
  std::optional<Domain> domain;
  std::vector<Rational> prior;
  MechanismSource mechanism;
  DeclarationSource at;
  int first_line = 0;
  int last_line = 0;
};

class Reader {
 public:
  Reader(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  Scm read() {
    if (auto bad = find_binary()) fail_with({*bad});
    split_lines();
    failed_.assign(lines_.size() + 2, 0);
    for (std::size_t i = 0; i < lines_.size();) i = statement(i);

    // A clean text: build once, and look at the builder's problems only if there are any.
    if (diagnostics_.empty() && !dropped_ && declarations_ > 0) {
      try {
        return builder_.build();
      } catch (const InvalidModel&) {  // reported below, filtered as for a text with syntax errors
      }
    }
    std::vector<Diagnostic> all = std::move(diagnostics_);
    if (declarations_ == 0 && all.empty()) all.push_back({"", 1, 1, "empty model: no variables declared"});
    if (declarations_ > 0) {
      for (auto& p : builder_.problems()) {
        if (p.line > 0 && static_cast<std::size_t>(p.line) < failed_.size() && failed_[p.line] != 0) continue;
        if (mentions_refused_name(p.message)) continue;
        all.push_back(std::move(p));
      }
    }
    if (all.empty() && !dropped_) return builder_.build();
    fail_with(std::move(all));
  }

 private:
  std::string_view text_;
  std::string file_;
  std::vector<std::string_view> lines_;  // without the line break (and a CR before it)
  std::vector<Diagnostic> diagnostics_;  // syntax diagnostics, in line order
  bool dropped_ = false;                 // some syntax diagnostics were not kept (too many)
  std::vector<char> failed_;             // failed_[line]: a statement on this line failed
  ScmBuilder builder_;
  std::size_t declarations_ = 0;
  std::set<std::string, std::less<>> refused_names_;  // declared names that cannot be declared

  /// True for the builder's `unknown name 'N'...` about a name whose declaration was refused.
  [[nodiscard]] bool mentions_refused_name(std::string_view message) const {
    constexpr std::string_view kUnknown = "unknown name '";
    if (refused_names_.empty() || !message.starts_with(kUnknown)) return false;
    message.remove_prefix(kUnknown.size());
    return refused_names_.contains(message.substr(0, message.find('\'')));
  }

  [[noreturn]] void fail_with(std::vector<Diagnostic> all) const {
    std::stable_sort(all.begin(), all.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    if (all.size() > kMaxDiagnostics) {
      const Diagnostic next = all[kMaxDiagnostics];
      all.resize(kMaxDiagnostics);
      all.push_back({"", next.line, next.column, "too many errors; stopping"});
    }
    for (auto& d : all) d.file = file_;
    throw ParseError(std::move(all));
  }

  /// Records a syntax diagnostic. Once more than kMaxDiagnostics are kept, later lines' are
  /// dropped: they would sort after the ones kept and never be shown.
  void report(int line, int column, std::string message) {
    if (diagnostics_.size() > kMaxDiagnostics && line > diagnostics_.back().line) {
      dropped_ = true;
      return;
    }
    diagnostics_.push_back({"", line, column, std::move(message)});
  }
  bool fail(const Cursor& c, std::string message) {
    report(c.line, c.column(), std::move(message));
    return false;
  }
  bool fail_at(Location where, std::string message) {
    report(where.line, where.column, std::move(message));
    return false;
  }

  /// The first NUL byte or malformed UTF-8 sequence, as a diagnostic.
  [[nodiscard]] std::optional<Diagnostic> find_binary() const {
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < text_.size();) {
      const char c = text_[i];
      const auto byte = static_cast<unsigned char>(c);
      std::size_t n = byte >= 0x01 && byte < 0x80 ? 1 : byte == 0 ? 0 : utf8_sequence(text_, i);  // ASCII first
      if (n == 0) {
        const int column = static_cast<int>(std::min<std::size_t>(i - line_start, 1U << 30)) + 1;
        return Diagnostic{"", line, column,
                          fmt::format("binary data: not a text file (byte 0x{:02x} at line {}, column {})",
                                      static_cast<unsigned char>(c), line, column)};
      }
      if (c == '\n') {
        if (line < std::numeric_limits<int>::max()) ++line;
        line_start = i + 1;
      }
      i += n;
    }
    return std::nullopt;
  }

  void split_lines() {
    lines_.reserve(static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '\n')) + 1);
    std::size_t begin = 0;
    while (begin < text_.size()) {
      std::size_t end = text_.find('\n', begin);
      const std::size_t next = end == std::string_view::npos ? text_.size() : end + 1;
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(begin, end - begin);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines_.push_back(line);
      begin = next;
    }
  }

  [[nodiscard]] static int line_number(std::size_t index) {
    return static_cast<int>(std::min<std::size_t>(index, std::numeric_limits<int>::max() - 1)) + 1;
  }

  /// A cursor on line `index` past its leading blanks (and a UTF-8 byte order mark on line 1),
  /// the text cut at the comment; nullopt (after reporting it) if the line is too long.
  std::optional<Cursor> cursor(std::size_t index) {
    const std::string_view raw = lines_[index];
    if (raw.size() > kMaxLineBytes) {
      report(line_number(index), 1,
             fmt::format("line too long ({} bytes; at most {})", raw.size(), kMaxLineBytes));
      return std::nullopt;
    }
    Cursor c{raw.substr(0, comment_start(raw)), 0, line_number(index)};
    if (index == 0 && c.at("\xef\xbb\xbf")) c.pos = 3;
    c.skip_blanks();
    return c;
  }

  /// Parses the statement starting on line `index`; returns the index of the next line to read.
  std::size_t statement(std::size_t index) {
    auto start = cursor(index);
    if (!start) return index + 1;
    Cursor c = *start;
    if (c.end()) return index + 1;

    Statement st;
    st.first_line = st.last_line = c.line;
    std::size_t next = index + 1;
    bool ok = false;
    if (is_hidden_statement(c)) {
      if (!hidden(c)) failed_[static_cast<std::size_t>(c.line)] = 1;
      return next;
    }
    if (c.peek_name() == "exogenous") {
      ok = exogenous(c, st);
    } else if (!c.peek_name().empty()) {
      ok = endogenous(c, st, index, next);
    } else {
      fail(c, fmt::format("expected a variable name or 'exogenous', found {}", c.found()));
    }

    if (ok) {
      ++declarations_;
      const Domain domain = st.domain.value_or(Domain());
      if (st.exogenous) {
        builder_.exogenous(std::move(st.name), domain, std::move(st.prior), st.at);
      } else {
        builder_.endogenous(std::move(st.name), domain, std::move(st.mechanism), st.at);
      }
      return next;
    }
    for (int l = st.first_line; l <= st.last_line; ++l) failed_[l] = 1;
    if (st.has_name) placeholder(st);
    return next;
  }

  /// Declares a failed statement's name (with its domain when it was read) so that other
  /// statements mentioning it are checked normally. Every problem the builder could find with it
  /// lies on the failed statement's first line, whose builder problems are dropped.
  void placeholder(const Statement& st) {
    ++declarations_;
    const Domain domain = st.domain.value_or(Domain());
    const Location here{st.first_line, 1};
    const DeclarationSource at{here, here, here};
    if (st.exogenous) {
      std::vector<Rational> prior(domain.size(), Rational(0));
      prior[0] = 1;
      builder_.exogenous(st.name, domain, std::move(prior), at);
    } else {
      TableSpec constant;
      constant.rows.push_back({{}, domain.label(0), here});
      builder_.endogenous(st.name, domain, std::move(constant), at);
    }
  }

  /// Reads the declared variable's name at the cursor (which is on a name character).
  bool declared_name(Cursor& c, Statement& st) {
    st.at.name = c.here();
    st.name = std::string(c.name());
    // A name the builder refuses (reserved, or starting with a digit) gets no placeholder: the
    // builder would refuse that too. Mentions of it elsewhere are not reported as unknown.
    st.has_name = !is_reserved_word(st.name) && !(st.name.front() >= '0' && st.name.front() <= '9');
    if (!st.has_name) refused_names_.insert(st.name);
    if (!c.end()) {
      // A character that can neither continue a name nor follow one: `X! := ...`, `Xé := ...`
      const auto ch = static_cast<unsigned char>(c.peek());
      const bool stray = ch >= 0x80 || (ch > 0x20 && ch < 0x7f && std::strchr(":~=,;(){}", ch) == nullptr);
      if (stray) {
        const std::size_t n = ch >= 0x80 ? std::max<std::size_t>(utf8_sequence(c.s, c.pos), 1) : 1;
        return fail(c, fmt::format("invalid character {} in the name {}: names use letters, digits and '_'",
                                   quote(c.s.substr(c.pos, n)), quote(st.name + std::string(c.s.substr(c.pos, n)))));
      }
    }
    if (is_reserved_word(st.name)) {
      return fail_at(st.at.name, fmt::format("'{}' is a reserved word and cannot name a variable", st.name));
    }
    return true;
  }

  /// `in {a, b, c}`; the cursor is on `in`.
  bool domain(Cursor& c, Statement& st) {
    c.name();
    c.skip_blanks();
    if (c.peek() != '{') return fail(c, fmt::format("expected '{{' after 'in', found {}", c.found()));
    st.at.domain = c.here();
    ++c.pos;
    c.skip_blanks();
    if (c.peek() == '}') return fail_at(st.at.domain, "empty domain: a domain needs at least one value");
    std::vector<std::string> labels;
    std::set<std::string> seen;
    bool ok = true;
    while (true) {
      c.skip_blanks();
      const Location label_at = c.here();
      bool bad_quote = false;
      const std::string label = c.label(bad_quote);
      if (bad_quote) {
        ok = fail(c, fmt::format("expected a quoted value \"...\" (closed, not empty, only \\\" and \\\\ escaped) in the domain of {}, found {}", st.name, c.found()));
        break;
      }
      if (label.empty()) {
        ok = fail(c, fmt::format("expected a value of the domain of {}, found {}", st.name, c.found()));
        break;
      }
      if (is_expression_keyword(label)) {
        ok = fail_at(label_at, fmt::format("'{}' is a reserved word and cannot be a domain value", label));
      } else if (seen.insert(label).second) {
        labels.emplace_back(label);
      } else {
        ok = fail_at(label_at, fmt::format("duplicate domain value '{}'", label));
      }
      c.skip_blanks();
      if (c.peek() == ',') {
        ++c.pos;
        continue;
      }
      if (c.peek() == '}') {
        ++c.pos;
        break;
      }
      ok = fail(c, fmt::format("expected ',' or '}}' in the domain of {}, found {}", st.name, c.found()));
      break;
    }
    if (!labels.empty()) {
      try {
        st.domain = Domain(std::move(labels));
      } catch (const InvalidModel& e) {  // a rule of Domain's not checked above
        return fail_at(st.at.domain, e.what());
      }
    }
    return ok;
  }

  /// A probability: a decimal or a fraction.
  /// `p1, p2, ...` (blanks allowed) appended to `out`; leaves the cursor after the last one's
  /// blanks. False after reporting a bad probability.
  bool probabilities(Cursor& c, std::vector<Rational>& out) {
    while (true) {
      c.skip_blanks();
      auto p = probability(c);
      if (!p) return false;
      out.push_back(std::move(*p));
      c.skip_blanks();
      if (c.peek() != ',') return true;
      ++c.pos;
    }
  }

  std::optional<Rational> probability(Cursor& c) {
    const std::size_t begin = c.pos;
    while (!c.end() && (is_name_char(c.peek()) || std::strchr("./+-", c.peek()) != nullptr)) ++c.pos;
    const std::string_view text = c.s.substr(begin, c.pos - begin);
    if (text.empty()) {
      fail(c, fmt::format("expected a probability, found {}", c.found()));
      return std::nullopt;
    }
    if (text.size() > kMaxNumberText) {
      report(c.line, static_cast<int>(begin) + 1,
             fmt::format("probability {} is {} characters long: at most {} are read", quote(text), text.size(),
                         kMaxNumberText));
      return std::nullopt;
    }
    auto p = parse_probability(text);
    if (!p) {
      report(c.line, static_cast<int>(begin) + 1,
             fmt::format("invalid probability {}: write a decimal like 0.35 or a fraction like 7/20", quote(text)));
    }
    return p;
  }

  /// `hidden NAME, NAME, ...`: the word `hidden` followed by a name other than `in` (so a
  /// variable may still be called `hidden`: `hidden := X`, `hidden in {a, b} := ...`).
  static bool is_hidden_statement(Cursor c) {
    if (c.peek_name() != "hidden") return false;
    c.name();
    if (c.end() || !is_blank(c.peek())) return false;
    c.skip_blanks();
    const std::string_view next = c.peek_name();
    return !next.empty() && next != "in";
  }

  /// Reads `hidden NAME, NAME, ...` (the cursor is on `hidden`) into the builder's marks.
  bool hidden(Cursor& c) {
    c.name();
    std::vector<std::pair<std::string, Location>> names;
    while (true) {
      c.skip_blanks();
      const Location where = c.here();
      const std::string_view name = c.peek_name();
      if (name.empty()) return fail(c, fmt::format("expected a variable name in 'hidden', found {}", c.found()));
      c.name();
      names.emplace_back(std::string(name), where);
      c.skip_blanks();
      if (c.end()) break;
      if (c.peek() != ',') {
        return fail(c, fmt::format("expected ',' or the end of the line after {} in 'hidden A, B, ...', found {}",
                                   quote(name), c.found()));
      }
      ++c.pos;
    }
    for (auto& [name, where] : names) builder_.hide(std::move(name), where);
    return true;
  }

  /// `exogenous NAME [in {..}] ~ PRIOR`
  bool exogenous(Cursor& c, Statement& st) {
    st.exogenous = true;
    c.name();
    c.skip_blanks();
    if (c.peek_name().empty()) {
      return fail(c, fmt::format("expected a variable name after 'exogenous', found {}", c.found()));
    }
    if (!declared_name(c, st)) return false;
    c.skip_blanks();
    if (c.peek_name() == "in") {
      if (!domain(c, st)) return false;
      c.skip_blanks();
    }
    if (c.peek() != '~') {
      return fail(c, st.domain ? fmt::format("expected '~' after the domain of {}, found {}", st.name, c.found())
                               : fmt::format("expected '~' after '{}', found {}", st.name, c.found()));
    }
    ++c.pos;
    c.skip_blanks();
    st.at.rhs = c.here();
    const Domain domain = st.domain.value_or(Domain());
    const std::string_view word = c.peek_name();
    if (word == "Bernoulli") {
      if (!domain.is_boolean()) {
        return fail(c, fmt::format("Bernoulli needs the domain {{0, 1}}, but {} has the domain {}: write one "
                                   "probability per value, ~ (p1, p2, ...)",
                                   st.name, domain.to_string()));
      }
      c.name();
      c.skip_blanks();
      if (c.peek() != '(') return fail(c, fmt::format("expected '(' after 'Bernoulli', found {}", c.found()));
      ++c.pos;
      c.skip_blanks();
      const Cursor p_at = c;
      auto p = probability(c);
      if (!p) return false;
      const std::string_view p_text = c.s.substr(p_at.pos, c.pos - p_at.pos);
      c.skip_blanks();
      if (c.peek() != ')') {
        return fail(c, fmt::format("expected ')' after the probability of Bernoulli, found {}", c.found()));
      }
      ++c.pos;
      if (*p < 0 || *p > 1) {
        return fail(p_at, fmt::format("Bernoulli probability {} is not between 0 and 1", quote(p_text)));
      }
      st.prior = {Rational(1) - *p, *p};
    } else if (word == "Uniform") {
      c.name();
      st.prior.assign(domain.size(), Rational(1, static_cast<long>(domain.size())));
    } else if (c.peek() == '(') {
      ++c.pos;
      if (!probabilities(c, st.prior)) return false;
      if (c.peek() != ')') return fail(c, fmt::format("expected ',' or ')' in the prior of {}, found {}", st.name, c.found()));
      ++c.pos;
    } else {
      return fail(c, fmt::format("expected 'Bernoulli(p)', 'Uniform' or '(p1, p2, ...)' after '~', found {}",
                                 c.found()));
    }
    c.skip_blanks();
    if (!c.end()) {
      return fail(c, fmt::format("expected end of line after the prior of {}, found {}", st.name, c.found()));
    }
    return true;
  }

  /// `NAME [in {..}] := EXPR` or `NAME [in {..}] := table(...) { ... }`
  bool endogenous(Cursor& c, Statement& st, std::size_t index, std::size_t& next) {
    if (!declared_name(c, st)) return false;
    c.skip_blanks();
    if (c.peek_name() == "in") {
      if (!domain(c, st)) return false;
      c.skip_blanks();
    }
    if (c.peek() == '~') {  // `~ cpt(...) { ... }`
      Cursor word = c;
      ++word.pos;
      word.skip_blanks();
      if (word.peek_name() == "cpt") {
        st.at.rhs = word.here();
        c = word;
        return table(c, st, index, next, true);
      }
    }
    if (!c.at(":=")) {
      const std::string after = st.domain ? fmt::format("the domain of {}", st.name) : fmt::format("'{}'", st.name);
      if (c.peek() == '~') {
        return fail(c, fmt::format("expected ':=' after {}, found '~' (an exogenous variable is declared as "
                                   "'exogenous {} ~ ...', a conditional probability table as '{} ~ cpt(...) {{ ... }}')",
                                   after, st.name, st.name));
      }
      return fail(c, fmt::format("expected ':=' after {}, found {}", after, c.found()));
    }
    c.pos += 2;
    c.skip_blanks();
    st.at.rhs = c.here();
    if (c.end()) return fail(c, "expected an expression or a table after ':=', found end of line");
    if (c.peek_name() == "table") return table(c, st, index, next, false);

    try {
      st.mechanism = parse_expression(c.s.substr(c.pos));
    } catch (const ParseError& e) {
      for (const auto& d : e.diagnostics()) {
        std::string message = d.message;
        // The expression is the rest of the line: say so, as every other message does.
        constexpr std::string_view kEnd = "end of expression";
        if (message.ends_with(kEnd)) message.replace(message.size() - kEnd.size(), kEnd.size(), "end of line");
        report(c.line, c.column() + std::max(d.column, 1) - 1, std::move(message));
      }
      return false;
    }
    return true;
  }

  /// What a table or CPT body is read into.
  struct Body {
    bool cpt = false;
    TableSpec table;
    CptSpec probabilities;
    [[nodiscard]] std::string_view what() const { return cpt ? "CPT" : "table"; }
    std::vector<std::string>& inputs() { return cpt ? probabilities.parents : table.inputs; }
  };

  /// `table(IN, ...) { rows }` or `cpt(PARENT, ...) { rows }`; the cursor is on the word.
  /// Consumes the lines of the body.
  bool table(Cursor& c, Statement& st, std::size_t index, std::size_t& next, bool cpt) {
    Body t;
    t.cpt = cpt;
    bool ok = header(c, st, t);
    if (!ok) {
      // Resynchronise: at the '{' if the line has one, else skip the rows that follow.
      const std::size_t brace = c.s.find('{', c.pos);
      if (brace == std::string_view::npos) {
        next = skip_orphan_rows(index + 1);
        st.last_line = line_number(next - 1);
        return false;
      }
      c.pos = brace + 1;
    }
    const int opened = c.line;
    reserve_rows(t, index);
    while (true) {
      if (rows(c, st, t, ok)) {
        st.last_line = c.line;
        next = index + 1;
        break;
      }
      ++index;
      if (index == lines_.size()) {
        const int last = line_number(index - 1);
        const int column = static_cast<int>(std::min(lines_[index - 1].size(), kMaxLineBytes)) + 1;
        report(last, column,
               fmt::format("expected '}}' to close the {} of {} opened on line {}, found end of file", t.what(), st.name,
                           opened));
        st.last_line = last;
        next = index;
        return false;
      }
      auto line = cursor(index);
      if (!line) {
        ok = false;
        c = Cursor{{}, 0, line_number(index)};
        continue;
      }
      c = *line;
      if (looks_like_statement(c)) {
        report(c.line, c.column(),
               fmt::format("expected '}}' to close the {} of {} opened on line {}, found {}", t.what(), st.name, opened,
                           c.found()));
        st.last_line = c.line - 1;
        next = index;
        return false;
      }
    }
    if (cpt) {
      st.mechanism = std::move(t.probabilities);
    } else {
      st.mechanism = std::move(t.table);
    }
    return ok;
  }

  /// Reserves a row for each line after line `index` that holds a row ('->') and no '}': growing
  /// a vector of a million rows by doubling moved every row twice over. A blank line or a comment
  /// ends the count early (the vector then grows as usual); a declaration ends it, so that a file
  /// of unclosed tables is scanned once, not once a table.
  void reserve_rows(Body& t, std::size_t index) const {
    std::size_t end = index + 1;
    while (end < lines_.size() && lines_[end].find("->") != std::string_view::npos &&
           lines_[end].find('}') == std::string_view::npos) {
      ++end;
    }
    const std::size_t n = end - index;
    if (t.cpt) {
      t.probabilities.rows.reserve(n);
    } else {
      t.table.rows.reserve(n, t.table.inputs.size() + 1);
    }
  }

  /// `table(IN, ...) {` or `cpt(PARENT, ...) {`; leaves the cursor after the '{'.
  bool header(Cursor& c, const Statement& st, Body& t) {
    const std::string_view word = c.name();
    const std::string_view inputs = t.cpt ? "parents" : "inputs";
    c.skip_blanks();
    if (c.peek() != '(') return fail(c, fmt::format("expected '(' after '{}', found {}", word, c.found()));
    ++c.pos;
    c.skip_blanks();
    if (c.peek() != ')') {
      while (true) {
        c.skip_blanks();
        const std::string_view input = c.name();
        if (input.empty()) {
          return fail(c, fmt::format("expected {} of the {} of {}, found {}",
                                     t.cpt ? "a parent" : "an input variable", t.what(), st.name, c.found()));
        }
        t.inputs().emplace_back(input);
        c.skip_blanks();
        if (c.peek() == ',') {
          ++c.pos;
          continue;
        }
        if (c.peek() == ')') break;
        return fail(c, fmt::format("expected ',' or ')' in the {} of the {} of {}, found {}", inputs, t.what(), st.name,
                                   c.found()));
      }
    }
    ++c.pos;
    c.skip_blanks();
    if (c.peek() != '{') {
      return fail(c, fmt::format("expected '{{' to open the rows of the {} of {}, found {}", t.what(), st.name, c.found()));
    }
    ++c.pos;
    return true;
  }

  /// Reads rows up to the end of the line; true when the table's '}' was read.
  bool rows(Cursor& c, const Statement& st, Body& t, bool& ok) {
    while (true) {
      c.skip_blanks();
      if (c.end()) return false;
      if (c.peek() == ';') {
        ++c.pos;
        continue;
      }
      if (c.peek() == '}') {
        ++c.pos;
        c.skip_blanks();
        if (!c.end()) {
          ok = fail(c, fmt::format("expected end of line after the {} of {}, found {}", t.what(), st.name, c.found()));
        }
        return true;
      }
      if (!row(c, st, t)) {
        ok = false;
        while (!c.end() && c.peek() != ';' && c.peek() != '}') ++c.pos;
      }
    }
  }

  /// `v1, v2 -> out` (a table) or `v1, v2 -> p1, p2, ...` (a CPT). A table's values go straight
  /// into its rows (TableRows numbers them), a CPT's into its row's parents' values.
  bool row(Cursor& c, const Statement& st, Body& t) {
    const Location at = c.here();
    const std::string_view what = t.what();
    TableRows& table = t.table.rows;
    std::vector<std::string> given;
    if (!c.at("->")) {
      std::string scratch;
      bool first = true;
      while (true) {
        bool bad_quote = false;
        const std::string_view value = c.label_view(bad_quote, scratch);
        if (bad_quote) {
          table.drop_row();
          return fail(c, fmt::format("expected a closed quoted value in a {} row of {}, found {}", what, st.name, c.found()));
        }
        if (value.empty()) {
          table.drop_row();
          if (first) {
            return fail(c, fmt::format("expected a {} row '{}' of {}, found {}", what,
                                       t.cpt ? "v1, v2, ... -> p1, p2, ..." : "v1, v2, ... -> out", st.name, c.found()));
          }
          return fail(c, fmt::format("expected a value after ',' in a {} row of {}, found {}", what, st.name, c.found()));
        }
        first = false;
        if (t.cpt) {
          given.emplace_back(value);
        } else {
          table.cell(value);
        }
        c.skip_blanks();
        if (c.peek() != ',') break;
        ++c.pos;
        c.skip_blanks();
      }
    }
    if (!c.at("->")) {
      table.drop_row();
      return fail(c, fmt::format("expected ',' or '->' in a {} row of {}, found {}", what, st.name, c.found()));
    }
    c.pos += 2;
    c.skip_blanks();
    if (t.cpt) {
      CptSpec::Row p;
      p.at = at;
      p.given = std::move(given);
      if (!probabilities(c, p.p)) return false;
      if (!c.end() && c.peek() != ';' && c.peek() != '}') {
        return fail(c, fmt::format("expected ',', ';', '}}' or end of line after a probability in a CPT row of {}, found {}",
                                   st.name, c.found()));
      }
      t.probabilities.rows.push_back(std::move(p));
      return true;
    }
    bool bad_quote = false;
    std::string scratch;
    const std::string_view out = c.label_view(bad_quote, scratch);
    if (out.empty()) {
      table.drop_row();
      return fail(c, fmt::format("expected the value of {} after '->', found {}", st.name, c.found()));
    }
    c.skip_blanks();
    if (!c.end() && c.peek() != ';' && c.peek() != '}') {
      table.drop_row();
      return fail(c, fmt::format("expected ';', '}}' or end of line after a table row of {}, found {}", st.name,
                                 c.found()));
    }
    table.end_row(out, at);
    return true;
  }

  /// In a table body: a line that cannot be rows but starts a declaration (the '}' is missing).
  static bool looks_like_statement(const Cursor& c) {
    const std::string_view rest = c.s.substr(c.pos);
    return rest.find(":=") != std::string_view::npos || rest.find('~') != std::string_view::npos ||
           c.peek_name() == "exogenous";
  }

  /// After a table header that failed before its '{': skips the lines that look like its rows
  /// (blank, comments, `->` rows, a '{' put on the next line) up to a line that starts with '}'.
  /// Returns the next line to read.
  std::size_t skip_orphan_rows(std::size_t index) {
    while (index < lines_.size()) {
      const std::string_view raw = lines_[index];
      if (raw.size() > kMaxLineBytes) return index;
      Cursor c{raw.substr(0, comment_start(raw)), 0, line_number(index)};
      c.skip_blanks();
      if (c.peek() == '}') return index + 1;
      const bool rows = c.end() || c.peek() == '{' || c.s.find("->") != std::string_view::npos;
      if (!rows || looks_like_statement(c)) return index;
      ++index;
    }
    return index;
  }
};

}  // namespace

Scm read_scm_text(std::string_view text, std::string_view file) {
  return Reader(text, file).read();
}

std::string write_scm_text(const Scm& scm) {
  std::string out;
  for (VarId id = 0; id < scm.size(); ++id) {
    const Variable& v = scm.variable(id);
    const std::size_t start = out.size();
    if (v.implied) continue;  // the noise of a CPT: declared by it
    if (v.kind == VarKind::exogenous) {
      if (v.domain.is_boolean()) {
        out += fmt::format("exogenous {} ~ Bernoulli({})\n", v.name, to_string(v.prior.at(1)));
      } else {
        out += fmt::format("exogenous {} in {} ~ (", v.name, v.domain.to_string());
        for (std::size_t i = 0; i < v.prior.size(); ++i) out += (i == 0 ? "" : ", ") + to_string(v.prior[i]);
        out += ")\n";
      }
    } else {
      out += v.name;
      if (!v.domain.is_boolean()) out += " in " + v.domain.to_string();
      out += (v.mechanism->is_cpt() ? " ~ " : " := ") + v.mechanism->to_string() + "\n";
    }
    // The format has no line continuation: a statement the reader would refuse is not written.
    for (std::size_t begin = start; begin < out.size();) {
      const std::size_t end = out.find('\n', begin);
      if (end - begin > kMaxLineBytes) {
        throw Error(fmt::format("the .scm text of {} would be a line of {} bytes, and .scm lines are at most {} bytes; "
                                "keep this model in JSON",
                                v.name.size() > 64 ? v.name.substr(0, 64) + "..." : v.name, end - begin, kMaxLineBytes));
      }
      begin = end + 1;
    }
  }
  // Hidden marks last, a few names a line (a name is at most a line long, so every line fits).
  std::string line;
  for (VarId id : scm.hidden()) {
    if (!line.empty() && line.size() + scm.name(id).size() + 2 > 1024) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "hidden " : ", ") + scm.name(id);
  }
  if (!line.empty()) out += line + "\n";
  return out;
}

}  // namespace rung
