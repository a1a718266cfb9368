#include "rung/scm/expression.hpp"

#include "rung/core/error.hpp"
#include "rung/scm/domain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace rung {

Expr Expr::atom(std::string text, int offset) {
  Expr e;
  e.kind = Kind::atom;
  e.text = std::move(text);
  e.offset = offset;
  return e;
}

Expr Expr::unary(Kind kind, Expr operand, int offset) {
  Expr e;
  e.kind = kind;
  e.args.push_back(std::move(operand));
  e.offset = offset;
  return e;
}

Expr Expr::binary(Kind kind, Expr lhs, Expr rhs, int offset) {
  Expr e;
  e.kind = kind;
  e.args.reserve(2);  // one allocation, not two
  e.args.push_back(std::move(lhs));
  e.args.push_back(std::move(rhs));
  e.offset = offset;
  return e;
}

Expr Expr::if_then_else(Expr cond, Expr then, Expr otherwise, int offset) {
  Expr e;
  e.kind = Kind::if_;
  e.args.reserve(3);
  e.args.push_back(std::move(cond));
  e.args.push_back(std::move(then));
  e.args.push_back(std::move(otherwise));
  e.offset = offset;
  return e;
}

bool operator==(const Expr& a, const Expr& b) {
  return a.kind == b.kind && a.text == b.text && a.args == b.args;
}

namespace {

constexpr int kMaxDepth = 200;       // parentheses, `not` and `if` nested deeper are refused
constexpr int kMaxTreeDepth = 1000;  // and so is a longer chain (`A and B and ...`): every user of
                                     // the tree recurses over it, so its depth must stay bounded

struct Token {
  enum class Kind { name, number, quoted, lparen, rparen, eq, ne, end, bad };
  Kind kind = Kind::end;
  std::string_view text;
  int offset = 0;
  std::string label;  ///< quoted: the label, unescaped
};

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { advance(); }

  Expr parse() {
    Expr e = expr(0);
    if (tok_.kind != Token::Kind::end) fail("an operator or the end of the expression");
    return e;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  Token tok_;
  int tree_depth_ = 0;  // depth of the tree the last parse function returned

  /// Records the depth of a node built over children of depth `below`; refuses too deep a tree.
  void grew(int below, int at) {
    tree_depth_ = below + 1;
    if (tree_depth_ > kMaxTreeDepth)
      throw ParseError({Diagnostic{"", 1, at + 1,
                                   fmt::format("expression too deep (more than {} levels of operators); "
                                               "split it with intermediate variables", kMaxTreeDepth)}});
  }

  void advance() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    tok_.offset = static_cast<int>(pos_);
    if (pos_ >= text_.size()) {
      tok_ = {Token::Kind::end, {}, static_cast<int>(pos_), {}};
      return;
    }
    const char c = text_[pos_];
    auto take = [&](Token::Kind k, std::size_t n) {
      tok_.kind = k;
      tok_.text = text_.substr(pos_, n);
      pos_ += n;
    };
    if (c == '"') {
      std::string label;
      const std::size_t n = read_quoted_label(text_, pos_, label);
      if (n == 0 || label.empty()) return take(Token::Kind::bad, 1);
      tok_.label = std::move(label);
      return take(Token::Kind::quoted, n);
    }
    if (c == '(') return take(Token::Kind::lparen, 1);
    if (c == ')') return take(Token::Kind::rparen, 1);
    if (text_.substr(pos_, 2) == "==") return take(Token::Kind::eq, 2);
    if (text_.substr(pos_, 2) == "!=") return take(Token::Kind::ne, 2);
    if (is_name_char(c)) {
      std::size_t n = 0;
      while (pos_ + n < text_.size() && is_name_char(text_[pos_ + n])) ++n;
      bool digits = std::isdigit(static_cast<unsigned char>(c)) != 0;
      return take(digits ? Token::Kind::number : Token::Kind::name, n);
    }
    take(Token::Kind::bad, 1);
  }

  [[nodiscard]] std::string describe(const Token& t) const {
    switch (t.kind) {
      case Token::Kind::end: return "end of expression";
      case Token::Kind::bad: {
        auto ch = static_cast<unsigned char>(t.text.front());
        if (std::isprint(ch) != 0) return fmt::format("'{}'", t.text);
        return fmt::format("byte 0x{:02x}", ch);
      }
      default: return fmt::format("'{}'", t.text);
    }
  }

  [[noreturn]] void fail(std::string_view expected) const {
    throw ParseError({Diagnostic{"", 1, tok_.offset + 1,
                                 fmt::format("expected {}, found {}", expected, describe(tok_))}});
  }

  [[nodiscard]] bool keyword(std::string_view kw) const {
    return tok_.kind == Token::Kind::name && tok_.text == kw;
  }

  void expect_keyword(std::string_view kw) {
    if (!keyword(kw)) fail(fmt::format("'{}'", kw));
    advance();
  }

  static bool reserved(std::string_view s) {
    return s == "not" || s == "and" || s == "or" || s == "xor" || s == "if" || s == "then" ||
           s == "else";
  }

  Expr expr(int depth) {
    if (depth > kMaxDepth) fail(fmt::format("at most {} levels of nesting", kMaxDepth));
    if (keyword("if")) {
      int at = tok_.offset;
      advance();
      Expr c = expr(depth + 1);
      int below = tree_depth_;
      expect_keyword("then");
      Expr a = expr(depth + 1);
      below = std::max(below, tree_depth_);
      expect_keyword("else");
      Expr b = expr(depth + 1);
      grew(std::max(below, tree_depth_), at);
      return Expr::if_then_else(std::move(c), std::move(a), std::move(b), at);
    }
    return binary_level(0, depth);
  }

  // level 0: or, 1: xor, 2: and
  Expr binary_level(int level, int depth) {
    static constexpr std::string_view kOps[] = {"or", "xor", "and"};
    static constexpr Expr::Kind kKinds[] = {Expr::Kind::or_, Expr::Kind::xor_, Expr::Kind::and_};
    auto next = [&] { return level == 2 ? negation(depth) : binary_level(level + 1, depth); };
    Expr lhs = next();
    while (keyword(kOps[level])) {
      const int op_at = tok_.offset;
      const int below = tree_depth_;
      advance();
      int at = lhs.offset;
      Expr rhs = next();
      grew(std::max(below, tree_depth_), op_at);
      lhs = Expr::binary(kKinds[level], std::move(lhs), std::move(rhs), at);
    }
    return lhs;
  }

  Expr negation(int depth) {
    if (keyword("not")) {
      if (depth > kMaxDepth) fail(fmt::format("at most {} levels of nesting", kMaxDepth));
      int at = tok_.offset;
      advance();
      Expr operand = negation(depth + 1);
      grew(tree_depth_, at);
      return Expr::unary(Expr::Kind::not_, std::move(operand), at);
    }
    return comparison(depth);
  }

  Expr comparison(int depth) {
    Expr lhs = atom(depth);
    if (tok_.kind == Token::Kind::eq || tok_.kind == Token::Kind::ne) {
      auto kind = tok_.kind == Token::Kind::eq ? Expr::Kind::eq : Expr::Kind::ne;
      advance();
      int at = lhs.offset;
      const int below = tree_depth_;
      Expr rhs = atom(depth);
      if (tok_.kind == Token::Kind::eq || tok_.kind == Token::Kind::ne)
        fail("an operator other than a second comparison (add parentheses)");
      grew(std::max(below, tree_depth_), at);
      return Expr::binary(kind, std::move(lhs), std::move(rhs), at);
    }
    return lhs;
  }

  Expr atom(int depth) {
    if (tok_.kind == Token::Kind::lparen) {
      int open = tok_.offset;
      advance();
      Expr e = expr(depth + 1);
      if (tok_.kind != Token::Kind::rparen) {
        if (tok_.kind == Token::Kind::end)
          throw ParseError({Diagnostic{"", 1, open + 1, "unclosed '(': expected ')' before end of expression"}});
        fail("')'");
      }
      advance();
      return e;
    }
    if (tok_.kind == Token::Kind::name || tok_.kind == Token::Kind::number) {
      if (tok_.kind == Token::Kind::name && reserved(tok_.text)) fail("a name, a value or '('");
      Expr e = Expr::atom(std::string(tok_.text), tok_.offset);
      tree_depth_ = 1;
      advance();
      return e;
    }
    if (tok_.kind == Token::Kind::quoted) {  // a label that is not a name: "<7.5"
      Expr e = Expr::atom(tok_.label, tok_.offset);
      tree_depth_ = 1;
      advance();
      return e;
    }
    fail("a name, a value or '('");
  }
};

// Binding strength for printing; larger binds tighter.
int strength(Expr::Kind k) {
  switch (k) {
    case Expr::Kind::if_: return 0;
    case Expr::Kind::or_: return 1;
    case Expr::Kind::xor_: return 2;
    case Expr::Kind::and_: return 3;
    case Expr::Kind::not_: return 4;
    case Expr::Kind::eq:
    case Expr::Kind::ne: return 5;
    case Expr::Kind::atom: return 6;
  }
  return 6;
}

bool is_binary(Expr::Kind k) {
  return k == Expr::Kind::and_ || k == Expr::Kind::or_ || k == Expr::Kind::xor_;
}

bool is_comparison(Expr::Kind k) { return k == Expr::Kind::eq || k == Expr::Kind::ne; }

using AtomWriter = std::function<void(const Expr& atom, std::string& out)>;

void print(const Expr& e, std::string& out, int min_strength, const AtomWriter* atom);

/// Prints an operand, adding parentheses where the grammar needs them and, for readability,
/// where a reader would otherwise have to recall precedence: a different boolean operator
/// (`(A and B) or C`), a comparison under `not` (`not (W == hi)`), an `if` inside an `if` branch.
void operand(const Expr& parent, const Expr& child, std::string& out, int min_strength, const AtomWriter* atom) {
  const bool clarify = (is_binary(parent.kind) && is_binary(child.kind) && child.kind != parent.kind) ||
                       (parent.kind == Expr::Kind::not_ && (is_comparison(child.kind) || is_binary(child.kind))) ||
                       (parent.kind == Expr::Kind::if_ && child.kind == Expr::Kind::if_ && &child != &parent.args[2]);
  if (clarify) {
    out += '(';
    print(child, out, 0, atom);
    out += ')';
  } else {
    print(child, out, min_strength, atom);
  }
}

void print(const Expr& e, std::string& out, int min_strength, const AtomWriter* atom) {
  const int s = strength(e.kind);
  const bool parens = s < min_strength;
  if (parens) out += '(';
  switch (e.kind) {
    case Expr::Kind::atom:
      if (atom != nullptr) {
        (*atom)(e, out);
      } else {
        append_label(out, e.text);  // quoted unless a name or number
      }
      break;
    case Expr::Kind::not_:
      out += "not ";
      operand(e, e.args[0], out, s, atom);
      break;
    case Expr::Kind::and_:
    case Expr::Kind::or_:
    case Expr::Kind::xor_: {
      const char* op = e.kind == Expr::Kind::and_ ? " and " : e.kind == Expr::Kind::or_ ? " or " : " xor ";
      operand(e, e.args[0], out, s, atom);  // left-associative: the left operand may be the same operator
      out += op;
      operand(e, e.args[1], out, s + 1, atom);
      break;
    }
    case Expr::Kind::eq:
    case Expr::Kind::ne:
      operand(e, e.args[0], out, s + 1, atom);
      out += e.kind == Expr::Kind::eq ? " == " : " != ";
      operand(e, e.args[1], out, s + 1, atom);
      break;
    case Expr::Kind::if_:
      out += "if ";
      operand(e, e.args[0], out, 0, atom);
      out += " then ";
      operand(e, e.args[1], out, 0, atom);
      out += " else ";
      operand(e, e.args[2], out, 0, atom);
      break;
  }
  if (parens) out += ')';
}

}  // namespace

Expr parse_expression(std::string_view text) {
  return Parser(text).parse();
}

std::string to_string(const Expr& e) {
  std::string out;
  print(e, out, 0, nullptr);
  return out;
}

std::string to_string(const Expr& e, const std::function<void(const Expr& atom, std::string& out)>& write_atom) {
  std::string out;
  print(e, out, 0, &write_atom);
  return out;
}

void append_to_string(std::string& out, const Expr& e,
                      const std::function<void(const Expr& atom, std::string& out)>& write_atom) {
  print(e, out, 0, &write_atom);
}

void collect_atoms(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == Expr::Kind::atom) out.push_back(&e);
  for (const auto& a : e.args) collect_atoms(a, out);
}

}  // namespace rung
