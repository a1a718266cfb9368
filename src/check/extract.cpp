// One file (past ~800 lines): the lexer, the cue-word sets and the readers of yes/no words,
// numbers and intervals share the private Token and Candidate types that nothing else needs.
#include "rung/check/extract.hpp"

#include "rung/core/text.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

namespace rung {

namespace {

// ---- tokens -------------------------------------------------------------------------------------

enum class Tok { word, number, punct };

/// One token of a response. Words are lower-cased ASCII (other bytes kept), punctuation is
/// canonical ("-" for dashes and minus signs, "~" for ≈ and \approx, "*" for × and \cdot).
struct Token {
  Tok kind = Tok::punct;
  std::string text;
  std::size_t begin = 0;  ///< source span [begin, end)
  std::size_t end = 0;
  bool space_before = false;
  bool newline_before = false;
  int bold = -1;  ///< the **bold** span it is in, or -1
  int box = -1;   ///< the \boxed{} it is in, or -1
  // numbers
  Rational value{};
  bool fraction = false;       ///< written a/b, \frac{a}{b} or "a out of b"
  bool integer = false;        ///< digits only
  bool trailing_dots = false;  ///< "0.333..."
  bool excluded = false;       ///< an operand, argument, assignment, list or step number, range end
};

constexpr std::size_t kMaxDigits = 40;  ///< longer digit runs are not read as numbers
constexpr int kMaxWalk = 12;            ///< tokens looked back at when reading a cue

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// Non-ASCII characters that are punctuation here, with their canonical form ("" = space).
struct Mapped {
  std::string_view utf8;
  std::string_view canonical;
};
constexpr std::array<Mapped, 24> kMapped{{
    {"\u2014", "-"},  {"\u2013", "-"},  {"\u2212", "-"},  {"\u2248", "~"},   {"\u2243", "~"},  {"\u223C", "~"},
    {"\u00D7", "*"},  {"\u00B7", "*"},  {"\u22C5", "*"},  {"\u2026", "..."}, {"\u201C", "\""}, {"\u201D", "\""},
    {"\u201E", "\""}, {"\u00AB", "\""}, {"\u00BB", "\""}, {"\u2192", ":"},   {"\u21D2", ":"},  {"\u27F9", ":"},
    {"\u00A0", ""},   {"\u2009", ""},   {"\u2260", "<"},  {"\u2018", "'"},   {"\u2264", "<"},  {"\u2265", ">"},
}};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  std::vector<Token> run() {
    while (i_ < s_.size()) step();
    // An unclosed ** does not make the rest bold.
    if (bold_open_) {
      for (auto& t : tokens_) {
        if (t.bold == bold_id_) t.bold = -1;
      }
    }
    merge_words();
    return std::move(tokens_);
  }

 private:
  enum class Frame { drop, box, sub };

  std::string_view s_;
  std::size_t i_ = 0;
  std::vector<Token> tokens_;
  std::vector<std::pair<Frame, int>> frames_;  ///< open braces (and the box outside a box frame)
  bool space_ = true;
  bool newline_ = true;
  bool bold_open_ = false;
  int bold_id_ = -1;
  int box_ = -1;
  int boxes_ = 0;

  [[nodiscard]] char at(std::size_t k) const { return k < s_.size() ? s_[k] : '\0'; }

  void push(Tok kind, std::string text, std::size_t begin, std::size_t end) {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.begin = begin;
    t.end = end;
    t.space_before = space_;
    t.newline_before = newline_;
    t.bold = bold_open_ ? bold_id_ : -1;
    t.box = box_;
    tokens_.push_back(std::move(t));
    space_ = false;
    newline_ = false;
  }

  [[nodiscard]] const Token* last() const { return tokens_.empty() ? nullptr : &tokens_.back(); }

  void step() {
    const char c = s_[i_];
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      space_ = newline_ = true;
      ++i_;
      return;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      space_ = true;
      ++i_;
      return;
    }
    if (c == '$' || c == '`' || c == '#') {
      ++i_;
      return;
    }
    if (c == '>' && newline_) {  // a markdown quote
      ++i_;
      return;
    }
    if (c == '*') {
      star();
      return;
    }
    if (c == '\\') {
      command();
      return;
    }
    if (c == '{') {
      const bool sub = i_ > 0 && s_[i_ - 1] == '_';
      frames_.emplace_back(sub ? Frame::sub : Frame::drop, box_);
      if (sub) push(Tok::punct, "[", i_, i_ + 1);
      ++i_;
      return;
    }
    if (c == '}') {
      close_brace();
      ++i_;
      return;
    }
    if (is_digit(c) || (c == '.' && is_digit(at(i_ + 1))) || sign_here()) {
      number();
      return;
    }
    if (is_ascii_letter(c)) {
      word();
      return;
    }
    if (u >= 0x80) {
      for (const auto& m : kMapped) {
        if (s_.substr(i_).starts_with(m.utf8)) {
          if (m.canonical.empty()) {
            space_ = true;
          } else if (m.canonical == "-" && m.utf8 == "\u2212" && sign_here()) {
            number();
            return;
          } else {
            push(Tok::punct, std::string(m.canonical), i_, i_ + m.utf8.size());
          }
          i_ += m.utf8.size();
          return;
        }
      }
      if (s_.substr(i_).starts_with("\u2019")) {  // a lone right quote
        push(Tok::punct, "'", i_, i_ + 3);
        i_ += 3;
        return;
      }
      word();
      return;
    }
    if (c == '.' && at(i_ + 1) == '.') {
      const std::size_t b = i_;
      while (at(i_) == '.') ++i_;
      push(Tok::punct, "...", b, i_);
      return;
    }
    if (c == '_') {  // markdown emphasis or a stray underscore
      ++i_;
      return;
    }
    if (u < 0x20 || u == 0x7F) {
      space_ = true;
      ++i_;
      return;
    }
    push(Tok::punct, std::string(1, c), i_, i_ + 1);
    ++i_;
  }

  /// `**` opens or closes bold; a single `*` between numbers is a product, else emphasis.
  void star() {
    if (at(i_ + 1) == '*') {
      std::size_t n = 0;
      while (at(i_ + n) == '*') ++n;
      i_ += n;
      if (bold_open_) {
        bold_open_ = false;
      } else {
        bold_open_ = true;
        ++bold_id_;
      }
      return;
    }
    const Token* prev = last();
    std::size_t k = i_ + 1;
    while (at(k) == ' ') ++k;
    const bool product = prev != nullptr && (prev->kind == Tok::number || prev->text == ")") &&
                         (is_digit(at(k)) || at(k) == '(' || at(k) == '.' || at(k) == '\\');
    if (product) push(Tok::punct, "*", i_, i_ + 1);
    ++i_;
  }

  /// A '-' that is a minus sign: right before a digit, and not after an operand.
  [[nodiscard]] bool sign_here() const {
    std::size_t len = 0;
    if (s_[i_] == '-') {
      len = 1;
    } else if (s_.substr(i_).starts_with("\u2212")) {
      len = 3;
    } else {
      return false;
    }
    const char next = at(i_ + len);
    if (!is_digit(next) && !(next == '.' && is_digit(at(i_ + len + 1)))) return false;
    const Token* prev = last();
    if (prev == nullptr) return true;
    if (prev->kind == Tok::number || prev->text == ")" || prev->text == "]") return false;
    if (prev->kind == Tok::word && !space_) return false;  // "X-1"
    return true;
  }

  void close_brace() {
    if (frames_.empty()) return;
    const auto [frame, outer_box] = frames_.back();
    frames_.pop_back();
    if (frame == Frame::box) {
      box_ = outer_box;
      space_ = true;
    } else if (frame == Frame::sub) {
      push(Tok::punct, "]", i_, i_ + 1);
    }
  }

  /// The argument of a LaTeX command: `{...}` right after position k (spaces allowed), without
  /// nested braces; returns (content, position after '}').
  [[nodiscard]] std::optional<std::pair<std::string_view, std::size_t>> simple_group(std::size_t k) const {
    while (at(k) == ' ') ++k;
    if (at(k) != '{') return std::nullopt;
    const std::size_t open = k + 1;
    std::size_t close = open;
    while (close < s_.size() && s_[close] != '}' && s_[close] != '{') ++close;
    if (at(close) != '}') return std::nullopt;
    return std::make_pair(s_.substr(open, close - open), close + 1);
  }

  static std::optional<Rational> plain_number(std::string_view t) {
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (t.empty() || t.size() > kMaxDigits) return std::nullopt;
    return try_parse_rational(t);
  }

  void command() {
    const std::size_t b = i_;
    std::size_t k = i_ + 1;
    if (!is_ascii_letter(at(k))) {
      // \% \( \) \[ \] \, \; \! \\ and the like.
      const char c = at(k);
      i_ = k + (k < s_.size() ? 1 : 0);
      if (c == '%') {
        push(Tok::punct, "%", b, i_);
      } else if (c == '{' || c == '}') {
        // literal brace: ignore
      } else {
        space_ = true;
      }
      return;
    }
    while (is_ascii_letter(at(k))) ++k;
    const std::string_view name = s_.substr(i_ + 1, k - i_ - 1);
    i_ = k;
    if (name == "boxed" || name == "fbox" || name == "framebox") {
      std::size_t j = i_;
      while (at(j) == ' ') ++j;
      if (at(j) == '{') {
        frames_.emplace_back(Frame::box, box_);
        box_ = boxes_++;
        space_ = true;
        i_ = j + 1;
      }
      return;
    }
    if (name == "frac" || name == "dfrac" || name == "tfrac" || name == "cfrac") {
      if (auto num = simple_group(i_)) {
        if (auto den = simple_group(num->second)) {
          auto n = plain_number(num->first);
          auto d = plain_number(den->first);
          if (n && d && *d != 0) {
            // "-\frac{3}{10}": a minus sign glued to the fraction (not after an operand) is its sign.
            const Token* minus = last();
            const Token* before = tokens_.size() >= 2 ? &tokens_[tokens_.size() - 2] : nullptr;
            const bool sign = minus != nullptr && minus->kind == Tok::punct && minus->text == "-" && minus->end == b &&
                              (before == nullptr || !(before->kind == Tok::number || before->text == ")" || before->text == "]"));
            if (sign) {
              Token& t = tokens_.back();  // the minus becomes the number, keeping its place and marks
              t.kind = Tok::number;
              t.text = std::string(s_.substr(t.begin, den->second - t.begin));
              t.end = den->second;
              t.value = -(*n / *d);
              t.fraction = true;
              i_ = den->second;
              return;
            }
            push(Tok::number, std::string(s_.substr(b, den->second - b)), b, den->second);
            tokens_.back().value = *n / *d;
            tokens_.back().fraction = true;
            i_ = den->second;
            return;
          }
        }
      }
      return;  // a fraction of expressions: its braces are read as groups
    }
    if (name == "approx" || name == "simeq" || name == "sim" || name == "thickapprox" || name == "cong") {
      push(Tok::punct, "~", b, i_);
      return;
    }
    if (name == "times" || name == "cdot" || name == "ast") {
      push(Tok::punct, "*", b, i_);
      return;
    }
    if (name == "neq" || name == "ne" || name == "le" || name == "leq" || name == "ge" || name == "geq" ||
        name == "lt" || name == "gt") {
      push(Tok::punct, "<", b, i_);
      return;
    }
    if (name == "implies" || name == "Rightarrow" || name == "rightarrow" || name == "to" || name == "therefore") {
      push(Tok::punct, ":", b, i_);
      return;
    }
    if (name == "mid") {
      push(Tok::punct, "|", b, i_);
      return;
    }
    if (name == "neg" || name == "lnot") {
      push(Tok::word, "not", b, i_);
      return;
    }
    // \text{...}, \textbf{...}, \mathrm{...}, \left, \right, \quad, ...: the wrapper is dropped
    // and its content read; a following '{' opens a dropped group.
    space_ = space_ || name == "quad" || name == "qquad";
  }

  void word() {
    const std::size_t b = i_;
    std::string text;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      const auto u = static_cast<unsigned char>(c);
      if (is_ascii_letter(c) || is_digit(c) || c == '_') {
        text += lower(c);
        ++i_;
      } else if ((c == '\'' && is_ascii_letter(at(i_ + 1))) && !text.empty()) {
        text += '\'';
        ++i_;
      } else if (s_.substr(i_).starts_with("\u2019") && is_ascii_letter(at(i_ + 3)) && !text.empty()) {
        text += '\'';
        i_ += 3;
      } else if (c == '-' && !text.empty() && is_ascii_letter(at(i_ + 1))) {
        text += '-';
        ++i_;
      } else if (u >= 0x80) {
        bool punct = false;
        for (const auto& m : kMapped) punct = punct || s_.substr(i_).starts_with(m.utf8);
        if (punct || s_.substr(i_).starts_with("\u2019")) break;
        text += c;
        ++i_;
      } else {
        break;
      }
    }
    while (text.size() > 1 && text.back() == '_') text.pop_back();  // "__Yes__"
    // "i.e." and "e.g." are one word.
    if ((text == "i" && s_.substr(i_).starts_with(".e.")) || (text == "e" && s_.substr(i_).starts_with(".g."))) {
      text = text == "i" ? "ie" : "eg";
      i_ += 3;
    }
    push(Tok::word, std::move(text), b, i_);
  }

  /// Digits [. digits], optionally a percent or the numerator of a/b; a digit run glued to
  /// letters ("3rd", "X1", "1e-3") is a word.
  void number() {
    const std::size_t b = i_;
    std::size_t k = i_;
    if (s_[k] == '-') {
      ++k;
    } else if (s_.substr(k).starts_with("\u2212")) {
      k += 3;
    }
    const std::size_t digits = k;
    while (is_digit(at(k))) ++k;
    const bool has_dot = at(k) == '.' && is_digit(at(k + 1));
    if (has_dot) {
      ++k;
      while (is_digit(at(k))) ++k;
    }
    if (is_ascii_letter(at(k)) || at(k) == '_' || k - digits > kMaxDigits) {
      i_ = k;
      while (is_ascii_letter(at(i_)) || is_digit(at(i_)) || at(i_) == '_') ++i_;
      push(Tok::word, "<glued>", b, i_);
      return;
    }
    std::string text = (b < digits ? "-" : "") + std::string(s_.substr(digits, k - digits));
    auto value = try_parse_rational(text);
    if (!value) {  // cannot happen for digits[.digits]; be safe
      push(Tok::word, "<glued>", b, k);
      i_ = k;
      return;
    }
    i_ = k;
    Token t;
    t.value = *value;
    t.integer = !has_dot;
    // "0.333..." / "0.333…"
    if (s_.substr(i_).starts_with("...") || s_.substr(i_).starts_with("\u2026")) {
      t.trailing_dots = true;
      i_ += 3;
      while (at(i_) == '.') ++i_;
    }
    // a percent: "35%", "35 %", "35\%"
    std::size_t j = i_;
    while (at(j) == ' ') ++j;
    bool percent = false;
    if (at(j) == '%') {
      percent = true;
      i_ = j + 1;
    } else if (at(j) == '\\' && at(j + 1) == '%') {
      percent = true;
      i_ = j + 2;
    }
    if (percent) {
      t.value /= 100;
      t.integer = false;
    }
    // a fraction: "7/20", "7 / 20", "0.7/2"
    if (!percent && !t.trailing_dots) {
      std::size_t f = i_;
      while (at(f) == ' ') ++f;
      if (at(f) == '/') {
        ++f;
        while (at(f) == ' ') ++f;
        std::size_t e = f;
        while (is_digit(at(e))) ++e;
        if (at(e) == '.' && is_digit(at(e + 1))) {
          ++e;
          while (is_digit(at(e))) ++e;
        }
        if (e > f && e - f <= kMaxDigits && !is_ascii_letter(at(e)) && at(e) != '_') {
          auto den = try_parse_rational(s_.substr(f, e - f));
          if (den && *den != 0) {
            t.value /= *den;
            t.fraction = true;
            t.integer = false;
            i_ = e;
          }
        }
      }
    }
    push(Tok::number, std::string(s_.substr(b, i_ - b)), b, i_);
    Token& pushed = tokens_.back();
    pushed.value = t.value;
    pushed.integer = t.integer;
    pushed.fraction = t.fraction;
    pushed.trailing_dots = t.trailing_dots;
  }

  /// "35 percent" is a percent; "3 out of 4" is the fraction 3/4.
  void merge_words() {
    for (std::size_t k = 0; k + 1 < tokens_.size(); ++k) {
      Token& t = tokens_[k];
      if (t.kind != Tok::number || t.fraction) continue;
      const Token& next = tokens_[k + 1];
      if (next.kind == Tok::word &&
          (next.text == "percent" || (next.text == "per" && k + 2 < tokens_.size() && tokens_[k + 2].text == "cent"))) {
        t.value /= 100;
        t.integer = false;
      } else if (next.text == "out" && k + 3 < tokens_.size() && tokens_[k + 2].text == "of" &&
                 tokens_[k + 3].kind == Tok::number && tokens_[k + 3].integer && t.integer &&
                 tokens_[k + 3].value != 0) {
        t.value /= tokens_[k + 3].value;
        t.fraction = true;
        t.integer = false;
        t.end = tokens_[k + 3].end;
        tokens_[k + 3].excluded = true;
      }
    }
  }
};

// ---- word sets ------------------------------------------------------------------------------------

bool in(std::string_view w, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), w) != set.end();
}

bool is_word(const Token& t, std::initializer_list<std::string_view> set) {
  return t.kind == Tok::word && in(t.text, set);
}
bool is_punct(const Token& t, std::initializer_list<std::string_view> set) {
  return t.kind == Tok::punct && in(t.text, set);
}

/// Words that name the answer: "answer: no", "the verdict is yes".
bool is_answer_word(const Token& t) { return is_word(t, {"answer", "verdict", "conclusion", "result", "response"}); }

/// Words allowed between an answer word and the answer ("the answer to the question is (A) yes").
bool is_marker_filler(const Token& t, bool numeric) {
  if (t.kind == Tok::punct) return in(t.text, {":", "=", "-", "\"", "'", "(", ")", ",", "[", "]", "~", "|", ">"});
  if (t.kind != Tok::word) return false;
  if (t.text.size() == 1 && t.text[0] >= 'a' && t.text[0] <= 'e') return true;  // option labels
  if (in(t.text, {"is",     "be",      "would",   "will",       "should",    "must",      "was",      "an",
                  "the",    "simply",  "clearly", "definitely", "certainly", "therefore", "thus",     "so",
                  "then",   "here",    "that",    "it",         "this",      "to",        "question", "my",
                  "our",    "short",   "correct", "best",       "remains",   "still",     "of",       "also",
                  "option", "choice",  "i",       "think",      "believe",   "likely",    "probably", "hence",
                  "as",     "follows", "stated",  "given",      "above",     "below"})) {
    return true;
  }
  return numeric && in(t.text, {"approximately", "approx",    "about",     "roughly",     "around",   "nearly",
                                "exactly",       "equal",     "equals",    "probability", "p",        "pr",
                                "which",         "value",     "numeric",   "numerical",   "fraction", "decimal",
                                "percentage",    "precisely", "estimated", "exact",       "computed", "calculated"});
}

/// Words that may open a clause before a yes/no: "So, no.", "I would say yes", "It's a no".
bool is_opener(const Token& t) {
  if (t.kind == Tok::punct) return in(t.text, {"\"", "'", "(", ")", "-", "[", "]", "|"});
  if (t.kind != Tok::word) return false;
  if (t.text.size() == 1 && t.text[0] >= 'b' && t.text[0] <= 'e') return true;  // "(B) No"
  return in(
      t.text,
      {"so",           "thus",        "therefore", "hence",      "then",       "well",       "ok",      "okay",
       "actually",     "wait",        "hmm",       "overall",    "in",         "conclusion", "summary", "short",
       "sum",          "to",          "summarize", "summarise",  "probably",   "likely",     "most",    "definitely",
       "clearly",      "certainly",   "surely",    "absolutely", "i",          "i'd",        "i'll",    "i'm",
       "would",        "will",        "say",       "think",      "believe",    "conclude",   "go",      "with",
       "we",           "can",         "my",        "is",         "it",         "it's",       "that's",  "this",
       "that",         "a",           "an",        "be",         "oh",         "ah",         "correct", "but",
       "consequently", "accordingly", "sure",      "indeed",     "simply",     "guess",      "final",   "going",
       "on",           "balance",     "all",       "things",     "considered", "answering",  "'s",      "one",
       "must",         "should",      "remains",   "still",      "again"});
}

/// "not yes", "isn't a yes", "never no".
bool negated(const std::vector<Token>& ts, std::size_t i) {
  std::size_t j = i;
  int skipped = 0;
  while (j > 0 && skipped < 3) {
    const Token& p = ts[j - 1];
    if (p.kind == Tok::word && (p.text == "not" || p.text == "never" || p.text == "nor" || p.text.ends_with("n't"))) {
      return true;
    }
    if (is_punct(p, {"\"", "'"}) || is_word(p, {"a", "an", "simply", "just", "exactly", "necessarily", "definitely",
                                                "clearly", "quite", "really"})) {
      --j;
      ++skipped;
      continue;
    }
    return false;
  }
  return false;
}

/// The token starts a clause: first token, after a line break, at the edge of a \boxed{}, or
/// after . ! ? ; : , ...
bool clause_start(const std::vector<Token>& ts, std::size_t k) {
  if (k == 0 || ts[k].newline_before || ts[k].box != ts[k - 1].box) return true;
  return is_punct(ts[k - 1], {".", "!", "?", ";", ":", ",", "..."});
}

/// The token ends a clause at its right: end of text, line break, box edge, or punctuation
/// other than / ? and the joining ones.
bool clause_end_after(const std::vector<Token>& ts, std::size_t k) {
  if (k + 1 >= ts.size()) return true;
  const Token& n = ts[k + 1];
  if (n.newline_before || n.box != ts[k].box) return true;
  return n.kind == Tok::punct && !in(n.text, {"/", "?", "&", "+", "="});
}

// ---- candidates -----------------------------------------------------------------------------------

struct Candidate {
  Commitment commitment = Commitment::none;
  Strength strength = Strength::none;
  std::size_t first = 0;  ///< first token of the evidence
  std::size_t last = 0;   ///< last token of the answer (its position decides ties)
  std::optional<Rational> value{};
  std::optional<Rational> upper{};  ///< intervals: the upper end (value is the lower)
  bool approximate = false;
};

/// Walks back from token i over marker fillers; returns the strength an answer word gives and
/// the index of that word.
std::pair<Strength, std::size_t> marker(const std::vector<Token>& ts, std::size_t i, bool numeric) {
  std::size_t j = i;
  for (int steps = 0; j > 0 && steps < kMaxWalk; ++steps) {
    const Token& p = ts[j - 1];
    if (is_word(p, {"final"})) return {Strength::final_answer, j - 1};
    if (is_answer_word(p)) {
      if (j >= 2 && is_punct(ts[j - 2], {"/"})) break;  // the closing tag of <answer>...</answer>
      // "final answer", "final numerical answer"
      for (std::size_t k = j - 1, back = 0; k > 0 && back < 3; --k, ++back) {
        if (is_word(ts[k - 1], {"final"})) return {Strength::final_answer, k - 1};
        if (!is_word(ts[k - 1], {"numerical", "numeric", "short", "the", "my", "our", "correct", "best"})) break;
      }
      return {Strength::answer, j - 1};
    }
    if (numeric && p.text == ")") {
      // "the answer is P(Y=1 | X=0) = 0.35": skip the argument list and its function name
      std::size_t k = j - 1;
      int depth = 0;
      int budget = 40;
      while (k > 0 && budget-- > 0) {
        if (ts[k].text == ")") ++depth;
        if (ts[k].text == "(" && --depth == 0) break;
        --k;
      }
      if (ts[k].text != "(" || depth != 0) break;
      j = k;
      if (j > 0 && !ts[k].space_before && ts[j - 1].kind == Tok::word) --j;
      continue;
    }
    if (!is_marker_filler(p, numeric)) break;
    --j;
  }
  return {Strength::none, i};
}

/// Per **bold** span: how many of its tokens are content (words other than fillers, cue
/// words and yes/no words). A span without content holds only its answer ("**No.**").
std::vector<int> bold_content(const std::vector<Token>& ts, bool numeric) {
  std::vector<int> counts;
  for (const auto& t : ts) {
    if (t.bold < 0) continue;
    if (counts.size() <= static_cast<std::size_t>(t.bold)) counts.resize(static_cast<std::size_t>(t.bold) + 1, 0);
    if (t.kind != Tok::word) continue;
    if (is_answer_word(t) || is_word(t, {"final"}) || is_marker_filler(t, numeric) || is_opener(t)) continue;
    if (numeric && is_word(t, {"percent", "or", "ie"})) continue;
    if (!numeric && is_word(t, {"yes", "yep", "yeah", "yup", "no", "nope", "nah"})) continue;
    ++counts[static_cast<std::size_t>(t.bold)];
  }
  return counts;
}

bool bold_alone(const std::vector<Token>& ts, std::size_t i, const std::vector<int>& content) {
  return ts[i].bold >= 0 && content[static_cast<std::size_t>(ts[i].bold)] == 0;
}

/// Walks back from i over openers to the start of the clause; returns the first token walked over.
std::optional<std::size_t> opens_clause(const std::vector<Token>& ts, std::size_t i,
                                        std::initializer_list<std::string_view> extra = {}) {
  std::size_t j = i;
  for (int steps = 0; steps <= kMaxWalk; ++steps) {
    if (clause_start(ts, j)) return j;
    const Token& p = ts[j - 1];
    if (!is_opener(p) && !(p.kind == Tok::word && in(p.text, extra))) return std::nullopt;
    --j;
  }
  return std::nullopt;
}

/// Words that may follow a committed yes/no in the same clause: "No it would not", "yes because".
bool yes_no_follower(const Token& t) {
  return is_word(
      t, {"because", "since",     "as",    "it",     "this",       "that",       "they",     "he",    "she",
          "we",      "i",         "there", "so",     "but",        "given",      "due",      "based", "assuming",
          "for",     "according", "in",    "indeed", "definitely", "absolutely", "certainly"});
}

std::optional<Commitment> yes_no_word(const Token& t) {
  if (t.kind != Tok::word) return std::nullopt;
  if (in(t.text, {"yes", "yep", "yeah", "yup"})) return Commitment::yes;
  if (in(t.text, {"no", "nope", "nah"})) return Commitment::no;
  return std::nullopt;
}

Strength stronger(Strength a, Strength b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

/// "definitely not", "certainly not", "absolutely not", "surely not", "of course not", ending a
/// clause.
bool emphatic_not(const std::vector<Token>& ts, std::size_t i) {
  if (!is_word(ts[i], {"not"}) || i == 0 || !clause_end_after(ts, i)) return false;
  if (i + 1 < ts.size() && is_punct(ts[i + 1], {"?"}) && !ts[i + 1].newline_before) return false;
  if (is_word(ts[i - 1], {"definitely", "certainly", "absolutely", "surely"})) return true;
  return i > 1 && is_word(ts[i - 1], {"course"}) && is_word(ts[i - 2], {"of"});
}

void yes_no_candidates(const std::vector<Token>& ts, std::vector<Candidate>& out) {
  const std::vector<int> bold = bold_content(ts, false);
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (emphatic_not(ts, i)) {
      // "Definitely not.", "Of course not, ...": a no.
      const std::size_t adverb = ts[i - 1].text == "course" ? i - 2 : i - 1;
      Candidate cand;
      cand.commitment = Commitment::no;
      cand.first = adverb;
      cand.last = i;
      if (auto [s, at] = marker(ts, adverb, false); s != Strength::none) {
        cand.strength = s;
        cand.first = at;
      } else if (auto start = opens_clause(ts, adverb)) {
        cand.strength = Strength::clause;
        cand.first = *start;
      }
      if (cand.strength != Strength::none) out.push_back(cand);
      continue;
    }
    const auto c = yes_no_word(ts[i]);
    if (!c) continue;
    if (negated(ts, i)) continue;
    // What follows: the clause ends, or a word that continues a committed answer.
    if (i + 1 < ts.size()) {
      const Token& n = ts[i + 1];
      const bool same_line = !n.newline_before && n.box == ts[i].box;
      if (same_line && is_punct(n, {"?", "/", "&"})) continue;
      if (!clause_end_after(ts, i) && !yes_no_follower(n)) continue;
    }
    Candidate cand;
    cand.commitment = *c;
    cand.first = cand.last = i;
    if (ts[i].box >= 0) cand.strength = Strength::final_answer;
    if (auto [s, at] = marker(ts, i, false); s != Strength::none) {
      if (static_cast<int>(s) > static_cast<int>(cand.strength)) cand.first = at;
      cand.strength = stronger(cand.strength, s);
    }
    if (bold_alone(ts, i, bold)) cand.strength = stronger(cand.strength, Strength::answer);
    if (cand.strength == Strength::none) {
      if (auto start = opens_clause(ts, i)) {
        cand.strength = Strength::clause;
        cand.first = *start;
      } else if (i > 0 && i + 1 < ts.size() && is_punct(ts[i - 1], {"(", "["}) && is_punct(ts[i + 1], {")", "]"})) {
        cand.strength = Strength::clause;  // "... so Kluve occurs (yes)."
        cand.first = i - 1;
        cand.last = i + 1;
      }
    }
    if (cand.strength != Strength::none) out.push_back(cand);
  }
}

/// A phrase that declines to answer, starting at token k; returns its last token.
std::optional<std::size_t> undetermined_phrase(const std::vector<Token>& ts, std::size_t k, bool& needs_object_check) {
  auto w = [&](std::size_t j, std::initializer_list<std::string_view> set) {
    return j < ts.size() && ts[j].kind == Tok::word && in(ts[j].text, set);
  };
  needs_object_check = false;
  const std::initializer_list<std::string_view> cannot = {"cannot", "can't", "cant", "couldn't", "can\u2019t"};
  const std::initializer_list<std::string_view> participle = {"determined", "known",       "told",     "said",
                                                              "inferred",   "decided",     "answered", "established",
                                                              "concluded",  "ascertained", "deduced"};
  const std::initializer_list<std::string_view> verb = {"determine", "tell",  "say",    "know",   "decide",
                                                        "conclude",  "infer", "answer", "deduce", "ascertain"};
  std::size_t j = k;
  bool neg = false;
  if (w(j, cannot)) {
    ++j;
    neg = true;
  } else if (w(j, {"can", "could"}) && w(j + 1, {"not"})) {
    j += 2;
    neg = true;
  }
  if (neg) {
    if (w(j, {"be"}) && w(j + 1, participle)) return j + 1;
    if (w(j, {"be"}) && w(j + 1, {"sure", "certain"})) return j + 1;
    if (w(j, verb)) {
      needs_object_check = true;
      return j;
    }
    return std::nullopt;
  }
  if (w(j, {"impossible"}) || (w(j, {"not"}) && w(j + 1, {"possible"}))) {
    j += ts[j].text == "not" ? 2 : 1;
    if (w(j, {"to"}) && w(j + 1, verb)) {
      needs_object_check = true;
      return j + 1;
    }
    return std::nullopt;
  }
  if ((w(j, {"not", "insufficient"}) && w(j + 1, {"enough", "sufficient"}) &&
       w(j + 2, {"information", "info", "data", "evidence"})) ||
      (w(j, {"insufficient"}) && w(j + 1, {"information", "info", "data", "evidence"}))) {
    return ts[j].text == "insufficient" && w(j + 1, {"information", "info", "data", "evidence"}) ? j + 1 : j + 2;
  }
  if (w(j, {"there"}) && w(j + 1, {"is", "isn't", "'s"})) {
    std::size_t e = j + 2;
    if (w(e, {"not", "no"})) ++e;
    if (w(e, {"enough", "sufficient", "insufficient"})) return e;
    return std::nullopt;
  }
  if (w(j, {"undetermined", "indeterminate", "undeterminable", "unknowable", "unanswerable", "unknown", "uncertain",
            "unclear", "ambiguous", "inconclusive", "undecidable", "depends"})) {
    return j;
  }
  if (w(j, {"not"}) && w(j + 1, {"determinable", "determined", "known", "decidable"})) return j + 1;
  return std::nullopt;
}

void undetermined_candidates(const std::vector<Token>& ts, bool numeric, std::vector<Candidate>& out) {
  for (std::size_t k = 0; k < ts.size(); ++k) {
    if (ts[k].kind != Tok::word) continue;
    bool object_check = false;
    const auto end = undetermined_phrase(ts, k, object_check);
    if (!end) continue;
    Candidate cand;
    cand.commitment = Commitment::undetermined;
    cand.first = k;
    cand.last = *end;
    if (ts[k].box >= 0) cand.strength = Strength::final_answer;
    if (auto [s, at] = marker(ts, k, numeric); s != Strength::none) {
      if (static_cast<int>(s) > static_cast<int>(cand.strength)) cand.first = at;
      cand.strength = stronger(cand.strength, s);
    }
    if (cand.strength == Strength::none) {
      // A clause of its own: "It is not possible to determine whether ...", "I cannot tell.",
      // "Undetermined." -- not a subordinate remark ("U cannot be determined, but ...").
      auto start = opens_clause(
          ts, k, {"the",       "outcome",  "question", "whether", "you",   "one",     "there",       "is",
                  "it",        "this",     "that",     "simply",  "just",  "really",  "truly",       "unfortunately",
                  "sadly",     "honestly", "frankly",  "without", "more",  "further", "information", "which",
                  "currently", "from",     "given",    "data",    "facts", "what",    "provided"});
      if (!start) continue;
      bool objected = false;
      if (object_check && *end + 1 < ts.size() && !clause_end_after(ts, *end)) {
        const Token& n = ts[*end + 1];
        const bool the_answer =
            n.text == "the" && *end + 2 < ts.size() && in(ts[*end + 2].text, {"answer", "outcome", "result"});
        objected =
            !the_answer && !is_word(n, {"whether", "if",           "from",       "with",    "without",      "based",
                                        "given",   "for",          "this",       "which",   "what",         "yes",
                                        "here",    "definitively", "definitely", "exactly", "conclusively", "reliably",
                                        "because", "due",          "since",      "as",      "it",           "for",
                                        "one",     "that",         "either",     "yet",     "now",          "using"});
      }
      if (objected) continue;
      bool caveat = false;
      for (std::size_t j = *end + 1; j < ts.size() && j < *end + 60; ++j) {
        if (ts[j].newline_before || is_punct(ts[j], {".", "!", "?", ";"})) break;
        if (is_word(ts[j], {"but", "however", "although", "though", "yet", "except", "still"})) {
          caveat = true;
          break;
        }
      }
      if (caveat) continue;
      cand.strength = Strength::clause;
      cand.first = *start;
    }
    out.push_back(cand);
  }
}

// ---- numbers ----------------------------------------------------------------------------------------

/// Words that name a quantity, so `P = 0.35` is an answer while `X = 1` is a setting.
bool is_quantity_word(const Token& t) {
  return is_word(
      t, {"p",          "pr",       "prob",       "probability", "answer",     "ans",   "result",      "value",
          "ate",        "ett",      "nde",        "nie",         "pn",         "ps",    "pns",         "cde",
          "te",         "effect",   "estimate",   "total",       "it",         "risk",  "expectation", "e",
          "mean",       "average",  "difference", "verdict",     "conclusion", "final", "chance",      "likelihood",
          "proportion", "fraction", "share",      "rate",        "score"});
}

bool is_operator(const Token& t) { return is_punct(t, {"+", "*", "/", "^"}); }

/// Marks numbers that are not answers: operands, arguments (`P(Y=1)`, `Y_{X=0}`), settings
/// (`X = 1`), list and step numbers, counts, ranges.
void exclude_numbers(std::vector<Token>& ts) {
  std::vector<bool> args;     // open ( [ : true when it is an argument list (glued to a word)
  std::size_t open_args = 0;  // the true entries of `args`
  for (std::size_t k = 0; k < ts.size(); ++k) {
    Token& t = ts[k];
    if (t.newline_before) {
      args.clear();
      open_args = 0;
    }
    if (t.kind == Tok::punct && (t.text == "(" || t.text == "[")) {
      const bool glued = k > 0 && !t.space_before &&
                         (ts[k - 1].kind == Tok::word || is_punct(ts[k - 1], {"]", ")"}) || ts[k - 1].text == "[");
      args.push_back(glued);
      open_args += glued ? 1 : 0;
      continue;
    }
    if (t.kind == Tok::punct && (t.text == ")" || t.text == "]")) {
      if (!args.empty()) {
        open_args -= args.back() ? 1 : 0;
        args.pop_back();
      }
      continue;
    }
    if (t.kind != Tok::number || t.excluded) continue;
    const bool in_args = open_args > 0;
    const Token* prev = k > 0 && !t.newline_before ? &ts[k - 1] : nullptr;
    const Token* prev2 = k > 1 && prev != nullptr && !prev->newline_before ? &ts[k - 2] : nullptr;
    const Token* next = k + 1 < ts.size() && !ts[k + 1].newline_before ? &ts[k + 1] : nullptr;
    const Token* next2 = next != nullptr && k + 2 < ts.size() && !ts[k + 2].newline_before ? &ts[k + 2] : nullptr;
    bool out = in_args;
    // "1. First, ..." / "2) ..." at the start of a line
    if (t.integer && (k == 0 || t.newline_before) && next != nullptr && is_punct(*next, {".", ")"}) &&
        next2 != nullptr) {
      out = true;
    }
    // X = 1, Y[X=1] = 0, X := 1
    if (prev != nullptr && prev->text == "=" && prev2 != nullptr &&
        ((prev2->kind == Tok::word && !is_quantity_word(*prev2)) || prev2->text == "]" || prev2->text == ":")) {
      out = true;
    }
    // operands: 0.5 * 0.7, 1 - 0.65, (1/2)(7/10)
    if (next != nullptr && (is_operator(*next) || (next->text == "-" && next2 != nullptr &&
                                                   (next2->kind == Tok::number || next2->text == "(")))) {
      out = true;
    }
    if (prev != nullptr && (is_operator(*prev) || (prev->text == "-" && prev2 != nullptr &&
                                                   (prev2->kind == Tok::number || prev2->text == ")")))) {
      out = true;
    }
    if (next != nullptr && next->text == ")" && next2 != nullptr && next2->text == "(" && !next2->space_before)
      out = true;
    if (prev != nullptr && prev->text == "(" && prev2 != nullptr && prev2->text == ")" && !prev->space_before)
      out = true;
    // step 2, case 1, rung 3, 2 worlds
    if (prev != nullptr &&
        is_word(*prev,
                {"step",     "steps",   "case",     "cases", "line",  "lines",     "equation", "eq",      "rung",
                 "option",   "figure",  "table",    "part",  "world", "scenario",  "row",      "level",   "stage",
                 "question", "item",    "variable", "node",  "layer", "iteration", "round",    "version", "day",
                 "chapter",  "section", "point",    "phase", "term",  "no",        "number",   "u",       "#"})) {
      out = true;
    }
    if (next != nullptr && !t.fraction &&
        is_word(*next, {"steps",    "cases", "worlds",  "variables",    "nodes",    "rows",    "possibilities",
                        "outcomes", "ways",  "options", "combinations", "units",    "people",  "times",
                        "of",       "and",   "out",     "scenarios",    "terms",    "parents", "children",
                        "edges",    "paths", "states",  "values",       "settings", "rungs",   "facts"})) {
      // "2 of the worlds", "1 and 0" (a setting list); but not "0.35 and ..." at the end of a clause
      out = out || !(next->text == "and" && !t.integer);
    }
    // "the 4 equally likely units": an integer followed by a word is a count
    if (t.integer && next != nullptr && next->kind == Tok::word &&
        !is_word(*next, {"and",   "or",     "because",  "since", "so",      "which",     "for",   "as",
                         "is",    "if",     "given",    "when",  "ie",      "but",       "then",  "to",
                         "in",    "this",   "that",     "with",  "exactly", "precisely", "here",  "i",
                         "we",    "the",    "percent",  "per",   "out",     "at",        "under", "whereas",
                         "while", "though", "although", "hence", "thus",    "therefore"})) {
      out = true;
    }
    // between 0.2 and 0.35
    if (prev != nullptr && is_word(*prev, {"between"}) && next != nullptr && next->text == "and" && next2 != nullptr &&
        next2->kind == Tok::number) {
      out = true;
      ts[k + 2].excluded = true;
    }
    t.excluded = out;
  }
}

bool stated_approximately(const std::vector<Token>& ts, std::size_t i) {
  if (ts[i].trailing_dots) return true;
  std::size_t j = i;
  for (int steps = 0; j > 0 && steps < 5; ++steps) {
    const Token& p = ts[j - 1];
    if (is_punct(p, {"~"}) || is_word(p, {"approximately", "approx", "about", "around", "roughly", "nearly", "almost",
                                          "circa", "ca", "close", "approaching", "apx", "estimated"})) {
      return true;
    }
    if (!(is_punct(p, {":", "=", "."}) ||
          is_word(p, {"is", "of", "to", "be", "equal", "equals", "value", "a", "at", "just", "under", "over", "by"}))) {
      break;
    }
    --j;
  }
  // "0.333 (rounded)", "0.33 approx."
  for (std::size_t k = i + 1; k < ts.size() && k <= i + 2; ++k) {
    if (is_word(ts[k], {"rounded", "approx", "approximately", "roughly", "apx"})) return true;
    if (!is_punct(ts[k], {"(", ","})) break;
  }
  return false;
}

/// Tokens between two numbers that make them one answer: "7/20 = 0.35", "7/20 (0.35)",
/// "0.35, or 35%", "1/3 ≈ 0.333", "7/20, i.e. 0.35".
bool chained(const std::vector<Token>& ts, std::size_t a, std::size_t b) {
  if (b == a + 1) return false;
  bool link = false;
  for (std::size_t k = a + 1; k < b; ++k) {
    const Token& t = ts[k];
    if (t.newline_before) return false;
    if (is_punct(t, {"=", "~", "("}) || is_word(t, {"or", "ie", "equivalently", "approximately", "approx", "about",
                                                    "roughly", "around", "nearly", "equals", "equal"})) {
      link = true;
      continue;
    }
    if (is_punct(t, {")", ",", ":"}) ||
        is_word(t, {"is",      "which", "that",    "to", "as",   "a", "in", "decimal", "fraction",  "percentage",
                    "percent", "form",  "exactly", "or", "just", "i", "e",  "written", "expressed", "roughly"})) {
      continue;
    }
    return false;
  }
  return link;
}

void number_candidates(std::vector<Token>& ts, std::vector<Candidate>& out) {
  exclude_numbers(ts);
  const std::vector<int> bold = bold_content(ts, true);
  struct Member {
    std::size_t index;
    Strength strength;
    std::size_t first;
    bool approximate;
  };
  std::vector<std::vector<Member>> chains;
  std::size_t previous = ts.size();
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (ts[i].kind != Tok::number || ts[i].excluded) continue;
    Member m{i, Strength::clause, i, stated_approximately(ts, i)};
    if (ts[i].box >= 0) m.strength = Strength::final_answer;
    if (auto [s, at] = marker(ts, i, true); s != Strength::none) {
      if (static_cast<int>(s) > static_cast<int>(m.strength)) m.first = at;
      m.strength = stronger(m.strength, s);
    }
    if (bold_alone(ts, i, bold)) m.strength = stronger(m.strength, Strength::answer);
    if (previous < ts.size() && chained(ts, previous, i)) {
      chains.back().push_back(m);
    } else {
      chains.push_back({m});
    }
    previous = i;
  }
  for (const auto& chain : chains) {
    Candidate c;
    c.commitment = Commitment::number;
    c.strength = Strength::none;
    c.first = chain.front().first;
    c.last = chain.back().index;
    for (const auto& m : chain) {
      c.strength = stronger(c.strength, m.strength);
      c.first = std::min(c.first, m.first);
    }
    // The value: the first fraction, else the first not stated approximately, else the last.
    const Member* pick = nullptr;
    for (const auto& m : chain) {
      if (pick == nullptr && ts[m.index].fraction) pick = &m;
    }
    for (const auto& m : chain) {
      if (pick == nullptr && !m.approximate) pick = &m;
    }
    if (pick == nullptr) pick = &chain.back();
    c.value = ts[pick->index].value;
    c.approximate = pick->approximate;
    // "≈ 0.35 (35%)": a restatement of an approximate value is approximate too (a fraction is
    // exact by its form).
    for (const auto& m : chain) {
      if (m.approximate && !ts[pick->index].fraction && ts[m.index].value == *c.value) c.approximate = true;
    }
    out.push_back(c);
  }
}

// ---- intervals --------------------------------------------------------------------------------------

/// A comparison sign: the lexer writes <, >, ≤, ≥, \le, \ge (and ≠, which cannot join a chain of
/// bounds) as "<" or ">"; an "=" right after it ("<=") belongs to it. Returns the index after it.
std::optional<std::size_t> comparison(const std::vector<Token>& ts, std::size_t k) {
  if (k >= ts.size() || ts[k].newline_before || !is_punct(ts[k], {"<", ">"})) return std::nullopt;
  if (k + 1 < ts.size() && !ts[k + 1].space_before && ts[k + 1].text == "=") return k + 2;
  return k + 1;
}

/// An interval answer on one line: [a, b], (a, b), [a; b], [a to b], "between a and b", "from a
/// to b", or a <= ... <= b (at most 40 tokens between the signs, no number outside brackets). Its two numbers
/// are marked excluded so that they are not also read as single numbers. The ends are put in
/// order; their strength is the strongest cue of the opening token or either number.
void interval_candidates(std::vector<Token>& ts, std::vector<Candidate>& out) {
  const std::vector<int> bold = bold_content(ts, true);
  auto number_at = [&](std::size_t k) {
    return k < ts.size() && ts[k].kind == Tok::number && !ts[k].newline_before;
  };
  auto same_line = [&](std::size_t a, std::size_t b) {
    for (std::size_t k = a + 1; k <= b; ++k) {
      if (ts[k].newline_before) return false;
    }
    return true;
  };
  for (std::size_t i = 0; i < ts.size(); ++i) {
    std::optional<std::size_t> lo;
    std::optional<std::size_t> hi;
    std::size_t last = i;
    const Token& t = ts[i];
    if (is_punct(t, {"[", "("}) && number_at(i + 1) && i + 4 < ts.size()) {
      // [a, b] / (a, b) / [a; b] / [a to b]
      const Token& sep = ts[i + 2];
      const bool separator = is_punct(sep, {",", ";"}) || is_word(sep, {"to"});
      if (separator && number_at(i + 3) && is_punct(ts[i + 4], {"]", ")"}) && same_line(i, i + 4)) {
        lo = i + 1;
        hi = i + 3;
        last = i + 4;
      }
    } else if (is_word(t, {"between", "from"}) && number_at(i + 1) && i + 3 < ts.size() &&
               is_word(ts[i + 2], {t.text == "between" ? "and" : "to"}) && number_at(i + 3) && same_line(i, i + 3)) {
      lo = i + 1;
      hi = i + 3;
      last = i + 3;
    } else if (t.kind == Tok::number && !t.excluded) {
      // a <= ... <= b
      if (auto after = comparison(ts, i + 1)) {
        int depth = 0;  // numbers inside brackets are arguments: P(Y=1 | do(X=1))
        for (std::size_t k = *after, n = 0; k < ts.size() && n < 40 && !ts[k].newline_before; ++k, ++n) {
          if (is_punct(ts[k], {"(", "["})) ++depth;
          if (is_punct(ts[k], {")", "]"}) && --depth < 0) break;
          if (depth > 0) continue;
          if (ts[k].kind == Tok::number) break;
          if (auto second = comparison(ts, k); second && k > *after && number_at(*second)) {
            lo = i;
            hi = *second;
            last = *second;
            break;
          }
        }
      }
    }
    if (!lo || ts[*lo].excluded || ts[*hi].excluded) continue;
    Candidate c;
    c.commitment = Commitment::interval;
    c.strength = Strength::clause;
    c.first = i;
    c.last = last;
    for (std::size_t k : {i, *lo, *hi}) {
      if (ts[k].box >= 0) c.strength = Strength::final_answer;
      if (bold_alone(ts, k, bold)) c.strength = stronger(c.strength, Strength::answer);
    }
    if (auto [s, at] = marker(ts, i, true); s != Strength::none) {
      if (static_cast<int>(s) > static_cast<int>(c.strength)) c.first = at;
      c.strength = stronger(c.strength, s);
    }
    const Rational& a = ts[*lo].value;
    const Rational& b = ts[*hi].value;
    c.value = a <= b ? a : b;
    c.upper = a <= b ? b : a;
    c.approximate = stated_approximately(ts, i) || stated_approximately(ts, *lo) || stated_approximately(ts, *hi);
    ts[*lo].excluded = true;
    ts[*hi].excluded = true;
    out.push_back(c);
    i = last;
  }
}

/// Valid UTF-8 on one line, whitespace collapsed, at most about 80 characters (the end kept).
std::string evidence_text(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  bool space = false;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
      ++i;
      continue;
    }
    if (c == '*' && i + 1 < s.size() && s[i + 1] == '*') {  // markdown bold
      i += 2;
      continue;
    }
    const std::size_t len = printable_utf8_length(s, i);  // tab was taken as space above
    if (space && !out.empty()) out += ' ';
    space = false;
    if (len == 0) {
      out += '?';
      ++i;
      continue;
    }
    out.append(s.substr(i, len));
    i += len;
  }
  constexpr std::size_t kMax = 80;
  if (out.size() > kMax) {
    std::size_t cut = out.size() - kMax;
    while (cut < out.size() && (static_cast<unsigned char>(out[cut]) >> 6) == 0x2) ++cut;
    out = "..." + out.substr(cut);
  }
  return out;
}

/// The text after the last `</think>`, `</thinking>` or `</reasoning>` (any case), when something
/// follows it: a reasoning model's final response, without its musings.
std::string_view after_reasoning(std::string_view response) {
  std::size_t cut = std::string_view::npos;
  for (std::size_t i = 0; i + 2 < response.size(); ++i) {
    if (response[i] != '<' || response[i + 1] != '/') continue;
    std::size_t j = i + 2;
    std::string tag;
    while (j < response.size() && j < i + 14 && is_ascii_letter(response[j])) tag += lower(response[j++]);
    if (j < response.size() && response[j] == '>' && (tag == "think" || tag == "thinking" || tag == "reasoning")) {
      cut = j + 1;
    }
  }
  if (cut == std::string_view::npos) return response;
  const std::string_view rest = response.substr(cut);
  const bool blank = std::all_of(rest.begin(), rest.end(), [](char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
  });
  return blank ? response : rest;
}

}  // namespace

ExtractedAnswer extract_answer(std::string_view response, AnswerKind kind) {
  response = after_reasoning(response);
  std::vector<Token> ts = Lexer(response).run();
  std::vector<Candidate> candidates;
  const bool numeric = kind != AnswerKind::yes_no;
  if (kind == AnswerKind::interval) interval_candidates(ts, candidates);  // first: its numbers are taken
  if (numeric) {
    number_candidates(ts, candidates);
  } else {
    yes_no_candidates(ts, candidates);
  }
  undetermined_candidates(ts, numeric, candidates);

  const Candidate* best = nullptr;
  for (const auto& c : candidates) {
    if (best == nullptr || static_cast<int>(c.strength) > static_cast<int>(best->strength) ||
        (c.strength == best->strength && c.last >= best->last)) {
      best = &c;
    }
  }
  ExtractedAnswer a;
  if (best == nullptr) return a;
  a.commitment = best->commitment;
  a.strength = best->strength;
  a.value = best->value;
  a.upper = best->upper;
  a.approximate = best->approximate;
  const std::size_t b = ts[best->first].begin;
  const std::size_t e = ts[best->last].end;
  a.evidence = evidence_text(response.substr(b, e - b));
  return a;
}

std::string_view to_string(Commitment c) noexcept {
  switch (c) {
    case Commitment::none: return "none";
    case Commitment::yes: return "yes";
    case Commitment::no: return "no";
    case Commitment::undetermined: return "undetermined";
    case Commitment::number: return "number";
    case Commitment::interval: return "interval";
  }
  return "none";
}

std::string_view to_string(Strength s) noexcept {
  switch (s) {
    case Strength::none: return "none";
    case Strength::clause: return "clause";
    case Strength::answer: return "answer";
    case Strength::final_answer: return "final_answer";
  }
  return "none";
}

std::string to_string(const ExtractedAnswer& a) {
  switch (a.commitment) {
    case Commitment::none: return "(none)";
    case Commitment::number: {
      if (!a.value) return "(none)";
      // Appended rather than `"~" + to_string(...)`, which GCC 12 flags with a false -Wrestrict.
      std::string text = a.approximate ? "~" : "";
      text += to_string(*a.value);
      return text;
    }
    case Commitment::interval: {
      if (!a.value || !a.upper) return "(none)";
      std::string text = a.approximate ? "~" : "";
      text += interval_string(*a.value, *a.upper);
      return text;
    }
    default: return std::string(to_string(a.commitment));
  }
}

}  // namespace rung
