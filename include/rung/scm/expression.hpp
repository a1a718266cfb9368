#pragma once
/// \file
/// Mechanism expressions (SPEC §2): the syntax tree, its parser and its canonical printer.
///
///     rung::Expr e = rung::parse_expression("(X or U_C) and not (W == hi)");
///     rung::to_string(e);   // "(X or U_C) and not (W == hi)"
///
/// Grammar, loosest binding first:
///
///     expr    := 'if' expr 'then' expr 'else' expr | or
///     or      := xor ('or' xor)*
///     xor     := and ('xor' and)*
///     and     := not ('and' not)*
///     not     := 'not' not | compare
///     compare := atom (('==' | '!=') atom)?
///     atom    := NAME | NUMBER | 'true' | 'false' | '(' expr ')'
///
/// An atom is resolved only when the expression is compiled against a model (Mechanism): a
/// variable's name, else a label of the domain the context expects. `true`/`false` are 1/0.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace rung {

/// An immutable expression tree. Atoms keep their text; `offset` is the 0-based position of the
/// node's first character in the text it was parsed from (0 when built in code).
struct Expr {
  enum class Kind { atom, not_, and_, or_, xor_, eq, ne, if_ };

  Kind kind = Kind::atom;
  std::string text;         ///< for atoms: the name, label or number as written
  std::vector<Expr> args;   ///< operands (if_: condition, then, else)
  int offset = 0;

  static Expr atom(std::string text, int offset = 0);
  static Expr unary(Kind kind, Expr operand, int offset = 0);
  static Expr binary(Kind kind, Expr lhs, Expr rhs, int offset = 0);
  static Expr if_then_else(Expr cond, Expr then, Expr otherwise, int offset = 0);

  /// Structural equality; offsets are ignored.
  friend bool operator==(const Expr& a, const Expr& b);
};

/// Parses an expression. Throws ParseError with one Diagnostic (line 1, column = 1-based
/// position in `text`) saying what was expected and what was found. Refuses parentheses, `not`
/// or `if` nested more than 200 deep and trees more than 1000 operators deep (so every
/// recursive user of the tree has a bounded stack).
[[nodiscard]] Expr parse_expression(std::string_view text);

/// Canonical text: single spaces; parentheses where the grammar needs them, and also around a
/// different boolean operator (`(A and B) or C`), a comparison or operator under `not`
/// (`not (W == hi)`), and an `if` in the condition or `then` branch of an `if`.
/// parse_expression(to_string(e)) == e.
[[nodiscard]] std::string to_string(const Expr& e);

/// to_string(e) with each atom written by `write_atom(atom, out)` instead of as its text (e.g.
/// to rename variables while printing, without copying the tree).
[[nodiscard]] std::string to_string(const Expr& e,
                                    const std::function<void(const Expr& atom, std::string& out)>& write_atom);

/// Appends what to_string(e, write_atom) returns to `out` (`write_atom` gets `out` itself).
void append_to_string(std::string& out, const Expr& e,
                      const std::function<void(const Expr& atom, std::string& out)>& write_atom);

/// Every atom's text, in order of appearance (with repeats).
void collect_atoms(const Expr& e, std::vector<const Expr*>& out);

}  // namespace rung
