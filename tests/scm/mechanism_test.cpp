#include "rung/scm/mechanism.hpp"

#include "rung/core/error.hpp"

#include <gtest/gtest.h>

#include <map>

namespace rung {
namespace {

/// A tiny variable table standing in for a model: names -> (id, domain).
struct Fixture {
  std::map<std::string, std::pair<VarId, Domain>, std::less<>> vars;
  Mechanism::Resolver resolver() const {
    return [this](std::string_view name) -> std::optional<Mechanism::Resolved> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return Mechanism::Resolved{it->second.first, &it->second.second};
    };
  }
  void add(std::string name, Domain d = Domain()) {
    const auto id = static_cast<VarId>(vars.size());
    vars.emplace(std::move(name), std::pair{id, std::move(d)});
  }
};

Fixture standard() {
  Fixture f;
  f.add("A");
  f.add("B");
  f.add("W", Domain({"lo", "mid", "hi"}));
  f.add("V", Domain({"hi", "lo"}));
  return f;
}

Mechanism compile(const Fixture& f, std::string_view text, const Domain& target = Domain()) {
  std::vector<Diagnostic> problems;
  auto m = Mechanism::compile(parse_expression(text), "Y", target, f.resolver(), {3, 6}, problems);
  if (!m) {
    std::string all;
    for (const auto& p : problems) all += p.to_string() + "\n";
    throw std::runtime_error(all);
  }
  return *m;
}

std::string problems_of(const Fixture& f, MechanismSource source, const Domain& target = Domain()) {
  std::vector<Diagnostic> problems;
  auto m = Mechanism::compile(std::move(source), "Y", target, f.resolver(), {3, 6}, problems);
  EXPECT_EQ(m.has_value(), problems.empty());
  std::string all;
  for (const auto& p : problems) all += p.to_string() + "\n";
  return all;
}

TEST(Mechanism, BooleanOperatorsFollowTruthTables) {
  Fixture f = standard();
  for (Value a : {0U, 1U}) {
    for (Value b : {0U, 1U}) {
      std::vector<Value> v{a, b, 0, 0};
      EXPECT_EQ(compile(f, "A and B").evaluate(v), a & b);
      EXPECT_EQ(compile(f, "A or B").evaluate(v), a | b);
      EXPECT_EQ(compile(f, "A xor B").evaluate(v), a ^ b);
      EXPECT_EQ(compile(f, "not A").evaluate(v), 1 - a);
      EXPECT_EQ(compile(f, "A == B").evaluate(v), a == b ? 1U : 0U);
      EXPECT_EQ(compile(f, "A != 1").evaluate(v), a != 1 ? 1U : 0U);
      EXPECT_EQ(compile(f, "if A then B else not B").evaluate(v), a != 0 ? b : 1 - b);
      EXPECT_EQ(compile(f, "true and A").evaluate(v), a);
      EXPECT_EQ(compile(f, "false or 1 == A").evaluate(v), a);
    }
  }
}

TEST(Mechanism, LabelsResolveAgainstTheComparedVariable) {
  Fixture f = standard();
  std::vector<Value> v{0, 0, 2, 0};  // W = hi, V = hi
  EXPECT_EQ(compile(f, "W == hi").evaluate(v), 1U);
  EXPECT_EQ(compile(f, "hi == W").evaluate(v), 1U);
  EXPECT_EQ(compile(f, "W != lo").evaluate(v), 1U);
  EXPECT_EQ(compile(f, "V == hi").evaluate(v), 1U);  // same label, other index in V's domain
  v[3] = 1;
  EXPECT_EQ(compile(f, "V == hi").evaluate(v), 0U);
}

TEST(Mechanism, MultiValuedTargetsAndRemapping) {
  Fixture f = standard();
  Domain target({"hi", "mid", "lo"});
  // W's labels all exist in the target (in another order): mapped by label.
  Mechanism copy = compile(f, "W", target);
  for (Value w = 0; w < 3; ++w) {
    std::vector<Value> v{0, 0, w, 0};
    EXPECT_EQ(target.label(copy.evaluate(v)), Domain({"lo", "mid", "hi"}).label(w));
  }
  Mechanism pick = compile(f, "if A then lo else W", target);
  std::vector<Value> v{1, 0, 2, 0};
  EXPECT_EQ(target.label(pick.evaluate(v)), "lo");
  v[0] = 0;
  EXPECT_EQ(target.label(pick.evaluate(v)), "hi");
  // A boolean result fits a domain holding 0 and 1.
  Mechanism count = compile(f, "A and B", Domain({"0", "1", "2"}));
  std::vector<Value> ones{1, 1, 0, 0};
  EXPECT_EQ(count.evaluate(ones), 1U);
  // An if whose type comes from a branch, inside a comparison.
  Mechanism cmp = compile(f, "(if A then W else lo) == mid");
  std::vector<Value> w_mid{1, 0, 1, 0};
  EXPECT_EQ(cmp.evaluate(w_mid), 1U);
}

TEST(Mechanism, ParentsAreSortedAndUnique) {
  Fixture f = standard();
  EXPECT_EQ(compile(f, "W == hi or B and B or A").parents(), (NodeSet{0, 1, 2}));
  EXPECT_TRUE(compile(f, "1").parents().empty());
}

TEST(Mechanism, TypeErrorsNameTheCulpritAndPosition) {
  Fixture f = standard();
  EXPECT_EQ(problems_of(f, parse_expression("A and Z")), "3:12: error: unknown name 'Z'\n");
  EXPECT_EQ(problems_of(f, parse_expression("W == hgh")), "3:11: error: unknown name 'hgh': not a variable, nor a value of W {lo, mid, hi}\n");
  EXPECT_EQ(problems_of(f, parse_expression("W and A")),
            "3:6: error: 'W' takes values {lo, mid, hi}, which do not fit a boolean operand of 'and' {0, 1}\n");
  EXPECT_EQ(problems_of(f, parse_expression("W"), Domain({"lo", "hi"})),
            "3:6: error: 'W' takes values {lo, mid, hi}, which do not fit Y {lo, hi}\n");
  EXPECT_EQ(problems_of(f, parse_expression("lo == hi")), "3:6: error: comparison of 'lo' with 'hi': neither is a variable\n");
  EXPECT_EQ(problems_of(f, parse_expression("top"), Domain({"lo", "hi"})),
            "3:6: error: unknown name 'top': not a variable, nor a value of Y {lo, hi}\n");
  EXPECT_EQ(problems_of(f, parse_expression("W == A")), "3:11: error: 'A' takes values {0, 1}, which do not fit W {lo, mid, hi}\n");
  // Two problems in one expression are both reported.
  EXPECT_EQ(problems_of(f, parse_expression("Q or R")), "3:6: error: unknown name 'Q'\n3:11: error: unknown name 'R'\n");
}

TableSpec xor_table() {
  TableSpec t;
  t.inputs = {"A", "B"};
  t.rows = {{{"0", "0"}, "0", {}}, {{"0", "1"}, "1", {}}, {{"1", "0"}, "1", {}}, {{"1", "1"}, "0", {}}};
  return t;
}

TEST(Mechanism, TablesEvaluateEveryRow) {
  Fixture f = standard();
  std::vector<Diagnostic> problems;
  auto m = Mechanism::compile(xor_table(), "Y", Domain(), f.resolver(), {}, problems);
  ASSERT_TRUE(m.has_value());
  EXPECT_TRUE(m->is_table());
  EXPECT_EQ(m->parents(), (NodeSet{0, 1}));
  for (Value a : {0U, 1U}) {
    for (Value b : {0U, 1U}) {
      std::vector<Value> v{a, b, 0, 0};
      EXPECT_EQ(m->evaluate(v), a ^ b);
    }
  }
  EXPECT_EQ(m->to_string(), "table(A, B) {\n  0, 0 -> 0\n  0, 1 -> 1\n  1, 0 -> 1\n  1, 1 -> 0\n}");
}

/// `t` with its row `r` replaced by `row`.
TableSpec with_row(TableSpec t, std::size_t r, const TableRow& row) {
  TableRows rows;
  for (std::size_t k = 0; k < t.rows.size(); ++k) rows.push_back(k == r ? row : t.rows[k].to_row());
  t.rows = std::move(rows);
  return t;
}

TEST(Mechanism, TableProblems) {
  Fixture f = standard();
  TableSpec missing = xor_table();
  missing.rows.pop_back();
  EXPECT_EQ(problems_of(f, missing), "3:6: error: the table of Y has no row for 1, 1\n");
  TableSpec dup = xor_table();
  dup.rows.push_back({{"0", "1"}, "0", {9, 3}});
  EXPECT_EQ(problems_of(f, dup), "9:3: error: duplicate table row for 0, 1\n");
  TableSpec arity = with_row(xor_table(), 0, {{"0"}, "0", {4, 3}});
  EXPECT_EQ(problems_of(f, arity), "4:3: error: table row has 1 input value, expected 2 (A, B)\n");
  TableSpec bad_label = with_row(xor_table(), 1, {{"0", "2"}, "yes", xor_table().rows[1].at});
  EXPECT_EQ(problems_of(f, bad_label),
            "3:6: error: '2' is not a value of B {0, 1}\n3:6: error: 'yes' is not a value of Y {0, 1}\n");
  TableSpec unknown = xor_table();
  unknown.inputs = {"A", "Q"};
  EXPECT_EQ(problems_of(f, unknown), "3:6: error: unknown name 'Q' in the inputs of the table of Y\n");
  TableSpec twice = xor_table();
  twice.inputs = {"A", "A"};
  EXPECT_EQ(problems_of(f, twice), "3:6: error: duplicate table input 'A'\n");
  TableSpec empty = xor_table();
  empty.rows.clear();
  EXPECT_EQ(problems_of(f, empty), "3:6: error: the table of Y has no row for 0, 0 (and 3 more missing)\n");
}

TEST(Mechanism, DeepExpressionsUseTheHeapStack) {
  Fixture f = standard();
  // Right-nested parentheses keep many values on the stack at once.
  std::string text = "A";
  for (int i = 0; i < 150; ++i) text = "B xor (" + text + ")";
  Mechanism m = compile(f, text);
  std::vector<Value> v{1, 1, 0, 0};
  EXPECT_EQ(m.evaluate(v), 1U);  // 150 xors of 1 with 1: even count leaves A
}

TEST(Mechanism, EqualityIsOnTheSourceAsWritten) {
  Fixture f = standard();
  EXPECT_EQ(compile(f, "A and B"), compile(f, "(A and B)"));
  EXPECT_FALSE(compile(f, "A and B") == compile(f, "B and A"));
}

}  // namespace
}  // namespace rung
