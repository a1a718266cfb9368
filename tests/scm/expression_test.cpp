#include "rung/scm/expression.hpp"

#include "rung/core/error.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

std::string canonical(std::string_view text) { return to_string(parse_expression(text)); }

std::string error_of(std::string_view text) {
  try {
    (void)parse_expression(text);
  } catch (const ParseError& e) {
    return e.diagnostics().at(0).to_string();
  }
  return "no error";
}

TEST(Expression, PrecedenceLoosestFirstIsIfOrXorAndNotCompare) {
  EXPECT_EQ(canonical("a or b and c"), "a or (b and c)");
  EXPECT_EQ(canonical("(a or b) and c"), "(a or b) and c");
  EXPECT_EQ(canonical("a xor b or c"), "(a xor b) or c");
  EXPECT_EQ(canonical("a xor (b or c)"), "a xor (b or c)");
  EXPECT_EQ(canonical("not (W == hi)"), "not (W == hi)");
  EXPECT_EQ(canonical("not W == hi"), "not (W == hi)");
  EXPECT_EQ(canonical("not (a and b)"), "not (a and b)");
  EXPECT_EQ(canonical("a and b and c or d"), "(a and b and c) or d");
  EXPECT_EQ(canonical("if a then if b then c else d else e"), "if a then (if b then c else d) else e");
  EXPECT_EQ(canonical("(not W) == hi"), "(not W) == hi");
  EXPECT_EQ(canonical("((X or U_C)) and not (W == hi)"), "(X or U_C) and not (W == hi)");
  EXPECT_EQ(canonical("if a then b else if c then d else e"), "if a then b else if c then d else e");
  EXPECT_EQ(canonical("(if a then b else c) and d"), "(if a then b else c) and d");
  EXPECT_EQ(canonical("not not a"), "not not a");
  EXPECT_EQ(canonical("a and (b and c)"), "a and (b and c)");
  EXPECT_EQ(canonical("(a and b) and c"), "a and b and c");
}

TEST(Expression, QuotedLabelsAreAtomsAndPrintQuoted) {
  const Expr e = parse_expression(R"(Age == "12+" or Age != "say \"hi\"")");
  EXPECT_EQ(e.args[0].args[1].text, "12+");
  EXPECT_EQ(e.args[1].args[1].text, "say \"hi\"");
  EXPECT_EQ(to_string(e), R"(Age == "12+" or Age != "say \"hi\"")");
  EXPECT_EQ(parse_expression(to_string(e)), e);
  EXPECT_THROW((void)parse_expression(R"(Age == "open)"), ParseError);
  EXPECT_THROW((void)parse_expression(R"(Age == "")"), ParseError);
}

TEST(Expression, TreeShape) {
  Expr e = parse_expression("not X == 1 and Y");
  ASSERT_EQ(e.kind, Expr::Kind::and_);
  ASSERT_EQ(e.args[0].kind, Expr::Kind::not_);
  EXPECT_EQ(e.args[0].args[0].kind, Expr::Kind::eq);
  EXPECT_EQ(e.args[1], Expr::atom("Y"));
  EXPECT_EQ(e.args[1].offset, 15);
}

TEST(Expression, RoundTripsThroughCanonicalText) {
  for (const char* text : {"a", "not a", "a != b", "if a == x then b else c xor d", "(a or b) xor (c and not d)",
                           "a and (if b then c else d)", "not (a or b) or not (c and d)", "true or false",
                           "X == 2 or (Y != lo)"}) {
    Expr e = parse_expression(text);
    EXPECT_EQ(parse_expression(to_string(e)), e) << text;
  }
}

TEST(Expression, ErrorsSayWhatWasExpectedAndWhere) {
  EXPECT_EQ(error_of("(A and"), "1:7: error: expected a name, a value or '(', found end of expression");
  EXPECT_EQ(error_of("(A and B"), "1:1: error: unclosed '(': expected ')' before end of expression");
  EXPECT_EQ(error_of("A and"), "1:6: error: expected a name, a value or '(', found end of expression");
  EXPECT_EQ(error_of(""), "1:1: error: expected a name, a value or '(', found end of expression");
  EXPECT_EQ(error_of("A B"), "1:3: error: expected an operator or the end of the expression, found 'B'");
  EXPECT_EQ(error_of("A & B"), "1:3: error: expected an operator or the end of the expression, found '&'");
  EXPECT_EQ(error_of("A == B == C"),
            "1:8: error: expected an operator other than a second comparison (add parentheses), found '=='");
  EXPECT_EQ(error_of("if A then B"), "1:12: error: expected 'else', found end of expression");
  EXPECT_EQ(error_of("A and or"), "1:7: error: expected a name, a value or '(', found 'or'");
  EXPECT_EQ(error_of(std::string("A \x01")), "1:3: error: expected an operator or the end of the expression, found byte 0x01");
}

TEST(Expression, DeepNestingIsRefusedNotACrash) {
  std::string deep(100000, '(');
  EXPECT_EQ(error_of(deep), "1:202: error: expected at most 200 levels of nesting, found '('");
  std::string nots;
  for (int i = 0; i < 50000; ++i) nots += "not ";
  nots += "a";
  EXPECT_NE(error_of(nots), "no error");
}

TEST(Expression, LongChainsAreBoundedToo) {
  std::string chain = "A";
  for (int i = 0; i < 999; ++i) chain += " and A";
  EXPECT_EQ(error_of(chain), "no error");  // 999 operators: depth 1000
  chain += " and A";
  EXPECT_EQ(error_of(chain),
            "1:5997: error: expression too deep (more than 1000 levels of operators); split it with intermediate variables");
  std::string huge = "A";
  for (int i = 0; i < 20000; ++i) huge += " xor A";
  EXPECT_NE(error_of(huge), "no error");
}

TEST(Expression, CollectsAtomsInOrder) {
  std::vector<const Expr*> atoms;
  const Expr e = parse_expression("if A then B == x else not C");
  collect_atoms(e, atoms);
  ASSERT_EQ(atoms.size(), 4U);
  EXPECT_EQ(atoms[0]->text, "A");
  EXPECT_EQ(atoms[2]->text, "x");
  EXPECT_EQ(atoms[3]->text, "C");
}

TEST(Expression, ToStringWithAnAtomWriter) {
  const Expr e = parse_expression("(X or U_C) and not (W == hi)");
  const std::string out = to_string(e, [](const Expr& atom, std::string& text) { text += "<" + atom.text + ">"; });
  EXPECT_EQ(out, "(<X> or <U_C>) and not (<W> == <hi>)");
}

}  // namespace
}  // namespace rung
