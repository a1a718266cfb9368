// The cladder preset's ate_bounds items (issue #18): the answer is the tightest interval for an
// ATE that the observed variables do not identify. The generator finds it with the
// response-function linear program; here it is derived again, without the program, from the
// numbers the record states: Manski's natural bounds where no observed variable is an instrument
// (then they are sharp), Balke and Pearl's closed-form bounds, stratum by stratum of the other
// causes, where one is.
#include "rung/check/audit.hpp"
#include "rung/check/checker.hpp"
#include "rung/core/json.hpp"
#include "rung/gen/generator.hpp"
#include "rung/identify/admg.hpp"
#include "rung/identify/bounds.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/query/query.hpp"

#include "generated.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

namespace rung {
namespace {

using Json = nlohmann::json;

std::vector<Json> bounds_items(std::uint64_t count, int level) {
  GeneratorOptions o = preset_options("cladder", level);
  o.count = count;
  o.seed = 7;
  o.types = {"ate_bounds"};
  return testing::generated_records(o);
}

Rational fraction(const Json& v) { return parse_rational(v["fraction"].get<std::string>()); }

/// The stated numbers as a distribution: each statement is P(V=1 | conditions) of one variable
/// (the chain rule over the stated set), read off its notation "P(Y=1 | X=0, V3=1)".
struct StatedJoint {
  std::vector<std::string> vars;  ///< the stated variables, sorted
  std::map<std::string, Rational> joint;  ///< assignment (one char per var, '0'/'1') -> probability

  StatedJoint(const Json& stated, const char* which) {
    struct Row {
      std::map<std::string, int> given;
      Rational p1;
    };
    std::map<std::string, std::vector<Row>> rows;  // target -> rows
    for (const Json& s : stated) {
      const std::string text = s["probability"];
      // "P(T=1 | A=0, B=1)" or "P(T=1)"
      EXPECT_TRUE(text.starts_with("P(") && text.ends_with(")")) << text;
      const std::string inner = text.substr(2, text.size() - 3);
      const auto bar = inner.find(" | ");
      const std::string target = inner.substr(0, bar == std::string::npos ? inner.size() : bar);
      EXPECT_TRUE(target.ends_with("=1")) << text;
      Row row;
      row.p1 = fraction(s[which]);
      if (bar != std::string::npos) {
        std::istringstream parts(inner.substr(bar + 3));
        for (std::string part; std::getline(parts, part, ',');) {
          while (!part.empty() && part.front() == ' ') part.erase(part.begin());
          const auto eq = part.find('=');
          row.given[part.substr(0, eq)] = std::stoi(part.substr(eq + 1));
        }
      }
      rows[target.substr(0, target.size() - 2)].push_back(row);
    }
    for (const auto& [v, rs] : rows) vars.push_back(v);
    const std::size_t n = vars.size();
    for (std::size_t code = 0; code < (std::size_t{1} << n); ++code) {
      std::string a(n, '0');
      for (std::size_t i = 0; i < n; ++i) a[i] = ((code >> (n - 1 - i)) & 1U) != 0 ? '1' : '0';
      Rational p = 1;
      for (std::size_t i = 0; i < n; ++i) {
        const auto& rs = rows.at(vars[i]);
        const Row* match = nullptr;
        for (const Row& r : rs) {
          bool ok = true;
          for (const auto& [g, val] : r.given) ok = ok && a[index(g)] == static_cast<char>('0' + val);
          if (ok) {
            EXPECT_EQ(match, nullptr) << "two statements of " << vars[i] << " apply";
            match = &r;
          }
        }
        EXPECT_NE(match, nullptr) << "no statement of " << vars[i] << " for " << a;
        if (match == nullptr) return;
        p *= a[i] == '1' ? match->p1 : Rational(1 - match->p1);
      }
      joint[a] = p;
    }
  }
  [[nodiscard]] std::size_t index(const std::string& v) const {
    const auto it = std::find(vars.begin(), vars.end(), v);
    EXPECT_NE(it, vars.end()) << v << " is not stated";
    return static_cast<std::size_t>(it - vars.begin());
  }
  /// P(the given variables at the given values).
  [[nodiscard]] Rational p(const std::map<std::string, int>& at) const {
    Rational sum = 0;
    for (const auto& [a, q] : joint) {
      bool ok = true;
      for (const auto& [v, val] : at) ok = ok && a[index(v)] == static_cast<char>('0' + val);
      if (ok) sum += q;
    }
    return sum;
  }
};

struct Interval {
  Rational lo, hi;
  friend bool operator==(const Interval&, const Interval&) = default;
};

std::string text(const Interval& i) { return "[" + to_string(i.lo) + ", " + to_string(i.hi) + "]"; }

/// Manski's natural bounds on P(y | do(x1)) - P(y | do(x0)) from P(X, Y).
Interval natural(const StatedJoint& j, const std::string& x, const std::string& y) {
  const Rational x1y1 = j.p({{x, 1}, {y, 1}});
  const Rational x0y1 = j.p({{x, 0}, {y, 1}});
  const Rational x1 = j.p({{x, 1}});
  const Rational x0 = j.p({{x, 0}});
  return {x1y1 - x0y1 - x1, x1y1 + x0 - x0y1};
}

/// Balke and Pearl's (1997) bounds on the ATE with a binary instrument Z, from p_{yx.z} =
/// P(Y=y, X=x | Z=z), within the stratum `w` of the other causes.
Interval balke_pearl(const StatedJoint& j, const std::string& z, const std::string& x, const std::string& y,
                     const std::map<std::string, int>& w) {
  auto p = [&](int yv, int xv, int zv) {
    std::map<std::string, int> num = w;
    num[y] = yv;
    num[x] = xv;
    num[z] = zv;
    std::map<std::string, int> den = w;
    den[z] = zv;
    return j.p(num) / j.p(den);
  };
  const Rational p00_0 = p(0, 0, 0), p00_1 = p(0, 0, 1), p01_0 = p(0, 1, 0), p01_1 = p(0, 1, 1);
  const Rational p10_0 = p(1, 0, 0), p10_1 = p(1, 0, 1), p11_0 = p(1, 1, 0), p11_1 = p(1, 1, 1);
  // p_{yx.z}: the first digit is Y, the second X (so p01 is Y=0, X=1).
  const std::vector<Rational> lower{
      p11_1 + p00_0 - 1,
      p11_0 + p00_1 - 1,
      p11_0 - p11_1 - p10_1 - p01_0 - p10_0,
      p11_1 - p11_0 - p10_0 - p01_1 - p10_1,
      -p01_1 - p10_1,
      -p01_0 - p10_0,
      p00_1 - p01_1 - p10_1 - p01_0 - p00_0,
      p00_0 - p01_0 - p10_0 - p01_1 - p00_1,
  };
  const std::vector<Rational> upper{
      1 - p01_1 - p10_0,
      1 - p01_0 - p10_1,
      -p01_0 + p01_1 + p00_1 + p11_0 + p00_0,
      -p01_1 + p11_1 + p00_1 + p01_0 + p00_0,
      p11_1 + p00_1,
      p11_0 + p00_0,
      -p10_1 + p11_1 + p00_1 + p11_0 + p10_0,
      -p10_0 + p11_0 + p00_0 + p11_1 + p10_1,
  };
  return {*std::max_element(lower.begin(), lower.end()), *std::min_element(upper.begin(), upper.end())};
}

/// The bounds by the closed forms, or nullopt for a graph they do not cover (more than one
/// instrument, or other causes that are not causes of both X and Y beside one).
std::optional<Interval> closed_form(const Json& r, const char* which) {
  const Scm m = scm_from_json(r["model"]);
  const std::string x = r["meta"]["treatment"];
  const std::string y = r["meta"]["outcome"];
  const StatedJoint j(r["identification"]["stated"], which);
  // The graph of the stated variables: every other variable of the model hidden.
  std::vector<VarId> hidden;
  for (VarId v = 0; v < m.dag().size(); ++v) {
    if (m.is_exogenous(v)) continue;
    if (std::find(j.vars.begin(), j.vars.end(), m.name(v)) == j.vars.end()) hidden.push_back(v);
  }
  const Admg g = Admg::of(m, hidden);
  const int xi = g.index(*m.find(x));
  const int yi = g.index(*m.find(y));
  std::vector<std::string> instruments;  // roots that cause X and not Y
  std::vector<std::string> others;       // the other roots
  bool confounded_other = false;         // a stated variable with causes, confounded with X and Y
  for (int i = 0; i < g.size(); ++i) {
    if (i == xi || i == yi) continue;
    if (g.parents(i) != 0 || g.siblings(i) != 0) {
      // (a mediator, say, that the hidden variable confounds with everything: it tells nothing
      // about how X acts on Y that P(X, Y) does not)
      EXPECT_TRUE(g.bidirected(i, xi) && g.bidirected(i, yi)) << g.name(i) << " has causes but is not confounded with X and Y";
      confounded_other = true;
      continue;
    }
    const bool to_x = ((g.parents(xi) >> i) & 1U) != 0;
    const bool to_y = ((g.parents(yi) >> i) & 1U) != 0;
    (to_x && !to_y ? instruments : others).push_back(g.name(i));
  }
  if (instruments.empty()) return natural(j, x, y);  // the natural bounds are sharp
  if (instruments.size() > 1 || confounded_other) return std::nullopt;
  for (int i = 0; i < g.size(); ++i) {
    const std::string& n = g.name(i);
    if (std::find(others.begin(), others.end(), n) == others.end()) continue;
    if (((g.parents(xi) >> i) & 1U) == 0 || ((g.parents(yi) >> i) & 1U) == 0) return std::nullopt;
  }
  Interval sum{0, 0};
  for (std::size_t code = 0; code < (std::size_t{1} << others.size()); ++code) {
    std::map<std::string, int> w;
    for (std::size_t k = 0; k < others.size(); ++k) w[others[k]] = static_cast<int>((code >> k) & 1U);
    const Rational pw = j.p(w);
    const Interval b = balke_pearl(j, instruments.front(), x, y, w);
    sum.lo += pw * b.lo;
    sum.hi += pw * b.hi;
  }
  return sum;
}

TEST(CladderBounds, TheAnswerIsTheTightestIntervalDerivedAgainFromTheStatedNumbers) {
  const std::vector<Json> rs = bounds_items(60, 2);
  ASSERT_EQ(rs.size(), 60U);
  int covered = 0;
  int instrumented = 0;
  int tighter_than_natural = 0;
  for (const Json& r : rs) {
    SCOPED_TRACE(r["id"].get<std::string>());
    EXPECT_EQ(r["query_type"], "ate_bounds");
    EXPECT_EQ(r["meta"]["query_type"], "ate_bounds");
    const Json& id = r["identification"];
    EXPECT_FALSE(id["identifiable"].get<bool>());
    EXPECT_EQ(id["hidden"].size(), 1U);
    EXPECT_FALSE(r.contains("decision"));
    const Interval model{fraction(id["bounds"]["lower"]), fraction(id["bounds"]["upper"])};
    const Interval shown{fraction(id["bounds_from_text"]["lower"]), fraction(id["bounds_from_text"]["upper"])};
    EXPECT_EQ(r["answer"], text(shown));
    // The model's own ATE, solved exactly, lies within the bounds of its exact numbers.
    const Scm m = scm_from_json(r["model"]);
    const Rational ate = solve(m, parse_query(r["formal_query"].get<std::string>(), m), {.method = Method::enumeration}).value;
    EXPECT_EQ(to_string(ate), r["value"]["fraction"]);
    EXPECT_LE(model.lo, ate);
    EXPECT_GE(model.hi, ate);
    EXPECT_TRUE(r["prompt"].get<std::string>().ends_with("Answer with the interval [lower, upper], its ends as exact fractions or decimals."));
    // Natural bounds are valid for every graph: the answer lies within them; where the graph
    // tightens them, the natural_bounds distractor is wrong (it is written on every item).
    const StatedJoint j(id["stated"], "shown");
    const Interval nat = natural(j, r["meta"]["treatment"], r["meta"]["outcome"]);
    EXPECT_LE(nat.lo, shown.lo);
    EXPECT_GE(nat.hi, shown.hi);
    EXPECT_EQ(r["distractors"]["natural_bounds"]["answer"], text(nat));
    if (nat != shown) ++tighter_than_natural;
    EXPECT_TRUE(r["distractors"].contains("assume_identifiable"));
    const auto exact_form = closed_form(r, "exact");
    const auto shown_form = closed_form(r, "shown");
    ASSERT_EQ(exact_form.has_value(), shown_form.has_value());
    if (!exact_form) continue;
    ++covered;
    instrumented += *exact_form == natural(StatedJoint(id["stated"], "exact"), r["meta"]["treatment"], r["meta"]["outcome"]) ? 0 : 1;
    EXPECT_EQ(text(*exact_form), text(model));
    EXPECT_EQ(text(*shown_form), text(shown));
  }
  // The closed forms cover most graphs, with and without an instrument; the natural bounds are
  // the answer on half the items (the rank's first bit), too wide on the others.
  EXPECT_GE(covered, 45) << covered << " of 60 covered by the closed forms";
  EXPECT_EQ(tighter_than_natural, 30);
  EXPECT_GE(instrumented, 20);
}

TEST(CladderBounds, TheCheckerScoresTheIntervalAndTheAuditReverifiesIt) {
  GeneratorOptions o = preset_options("cladder", 2);
  o.count = 40;
  o.seed = 3;
  o.types = {"ate", "ate_bounds"};
  const std::string data = testing::generated_text(o, 2);
  // Gold answers score 100%; the point the formula that ignores the hidden variable gives is
  // wrong and diagnosed.
  std::istringstream in(data);
  int bounds = 0;
  const Checker checker;
  for (std::string line; std::getline(in, line);) {
    const auto r = rung::ordered_json::parse(line);
    if (r["query_type"] != "ate_bounds") continue;
    ++bounds;
    const GoldItem item = gold_item(r);
    ASSERT_EQ(item.kind, AnswerKind::interval);
    EXPECT_EQ(checker.check(item, "Final answer: " + r["answer"].get<std::string>()).outcome, Outcome::correct);
    const std::string point = r["distractors"]["assume_identifiable"]["answer"];
    const Verdict v = checker.check(item, "The effect is " + point + ".");
    EXPECT_EQ(v.outcome, Outcome::wrong);
    EXPECT_NE(std::find(v.matched.begin(), v.matched.end(), "assume_identifiable"), v.matched.end());
  }
  EXPECT_EQ(bounds, 20);
  std::istringstream audit_in(data);
  const AuditReport report = audit_dataset(audit_in, {});
  EXPECT_EQ(report.checked, 40U);
  EXPECT_EQ(report.verified, 40U);
  EXPECT_EQ(report.failed, 0U);
  EXPECT_EQ(report.answers.interval, 20U);
  // The interval population has its own baselines; reciting the natural bounds is right exactly
  // where the records' natural_bounds distractor is the answer (half the items by construction).
  EXPECT_EQ(report.interval.records, 20U);
  int natural_right = 0;
  std::istringstream again(data);
  for (std::string line; std::getline(again, line);) {
    const auto r = nlohmann::json::parse(line);
    if (r["query_type"] == "ate_bounds") natural_right += r["distractors"]["natural_bounds"]["answer"] == r["answer"] ? 1 : 0;
  }
  EXPECT_GE(natural_right, 6);
  EXPECT_LE(natural_right, 14);
  const auto natural = std::find_if(report.interval.baselines.begin(), report.interval.baselines.end(),
                                    [](const Baseline& b) { return b.name == "distractor:natural_bounds"; });
  ASSERT_NE(natural, report.interval.baselines.end());
  EXPECT_EQ(natural->all.total, 20U);
  EXPECT_EQ(natural->all.correct, static_cast<std::size_t>(natural_right));
  EXPECT_EQ(natural->by_type.at("ate_bounds").correct, static_cast<std::size_t>(natural_right));
  EXPECT_EQ(report.from_text.by_type.at("ate_bounds").at("decided"), 20U);
  EXPECT_EQ(report.from_text.not_decided, 0U);
}

TEST(CladderBounds, NeedsTheObservedRegister) {
  GeneratorOptions o = preset_options("cladder", 2);
  o.types = {"ate_bounds"};
  o.given = "model";
  EXPECT_THROW(o.validate(), UsageError);
  o.given = "observed";
  EXPECT_NO_THROW(o.validate());
}

// ---- ETT, NDE, NIE -----------------------------------------------------------------------------

/// The observed graph of a record's model with its hidden variables hidden.
Admg record_graph(const Scm& m, const Json& id) {
  std::vector<VarId> hidden;
  for (const Json& h : id["hidden"]) hidden.push_back(*m.find(h.get<std::string>()));
  return Admg::of(m, hidden);
}

TEST(CladderBounds, UndeterminedCounterfactualsCarryBoundsThatHoldTheModel) {
  // Undetermined ett/nde/nie records of a default set carry the program's bounds (on the stated
  // set's graph). Checked: the model's own value (solve() by enumeration) lies in them; so does the
  // program on the model's whole observed graph and exact joint, a different construction whose
  // feasible set can only be smaller (it sees every observed variable, not only the stated set):
  // its bounds lie within the record's; the gold reasoning names them; no other record has them.
  GeneratorOptions o = preset_options("cladder", 2);
  o.count = 240;  // 40 undetermined items, 30 of them ett/nde/nie
  o.seed = 11;
  o.types = {"ett", "nde", "nie", "ate"};
  int undetermined = 0, with_bounds = 0, sharp = 0, nested_checked = 0;
  for (const Json& r : testing::generated_records(o, 2)) {
    SCOPED_TRACE(r["id"].get<std::string>());
    const std::string type = r["query_type"];
    if (!r.contains("identification")) continue;
    const Json& id = r["identification"];
    const bool cf = type == "ett" || type == "nde" || type == "nie";
    if (!cf || id["identifiable"].get<bool>()) {
      EXPECT_FALSE(id.contains("bounds_from_text")) << type;
      continue;
    }
    ++undetermined;
    if (!id.contains("bounds")) {
      EXPECT_FALSE(id.contains("bounds_from_text"));
      continue;
    }
    ++with_bounds;
    ASSERT_TRUE(id.contains("bounds_from_text"));
    const std::string method = id["bounds_method"];
    sharp += method.find("sharp for this graph") != std::string::npos ? 1 : 0;
    const Interval b{fraction(id["bounds"]["lower"]), fraction(id["bounds"]["upper"])};
    const Interval shown{fraction(id["bounds_from_text"]["lower"]), fraction(id["bounds_from_text"]["upper"])};
    EXPECT_LE(b.lo, b.hi);
    EXPECT_LE(shown.lo, shown.hi);
    EXPECT_EQ(r["answer"], "undetermined");
    const Scm m = scm_from_json(r["model"]);
    const Query q = parse_query(r["formal_query"].get<std::string>(), m);
    const Rational value = solve(m, q, {.method = Method::enumeration}).value;
    EXPECT_EQ(to_string(value), r["value"]["fraction"]);
    EXPECT_LE(b.lo, value);
    EXPECT_GE(b.hi, value);
    EXPECT_NE(r["reasoning"]["text"].get<std::string>().find("The stated numbers only bound it"), std::string::npos);
    const Admg g = record_graph(m, id);
    if (ResponseFunctionLp::count_columns(g) <= 4096) {
      const Bounds whole = ResponseFunctionLp(observed_joint(m, g)).bounds(q, m);
      EXPECT_LE(b.lo, whole.lower);
      EXPECT_GE(b.hi, whole.upper);
      EXPECT_LE(whole.lower, value);
      EXPECT_GE(whole.upper, value);
      ++nested_checked;
    }
  }
  std::printf("undetermined ett/nde/nie: %d, with bounds %d (sharp %d), checked against the whole graph's program %d\n", undetermined,
              with_bounds, sharp, nested_checked);
  EXPECT_EQ(undetermined, 30);
  EXPECT_GE(with_bounds, 4);  // programs of at most 1,024 columns: about a quarter (docs/generator.md)
  EXPECT_GE(nested_checked, 4);
}

TEST(CladderBounds, CounterfactualBoundsQuestions) {
  // ett_bounds, nde_bounds, nie_bounds: the answer is the bounds on the shown numbers, drawn only
  // on graphs whose program is sharp; the model's value lies in the exact bounds; the checker
  // scores the gold interval correct and the assume_identifiable point wrong; the audit
  // re-verifies every record and finds every answer decided by the shown numbers.
  GeneratorOptions o = preset_options("cladder", 2);
  o.count = 30;
  o.seed = 5;
  o.types = {"ett_bounds", "nde_bounds", "nie_bounds"};
  const std::string data = testing::generated_text(o, 2);
  std::istringstream in(data);
  const Checker checker;
  std::map<std::string, int> per_type;
  for (std::string line; std::getline(in, line);) {
    const auto r = rung::ordered_json::parse(line);
    SCOPED_TRACE(r["id"].get<std::string>());
    const std::string type = r["query_type"];
    ++per_type[type];
    const auto& id = r["identification"];
    EXPECT_FALSE(id["identifiable"].get<bool>());
    EXPECT_NE(id["bounds_method"].get<std::string>().find("sharp for this graph"), std::string::npos);
    const Interval b{fraction(id["bounds"]["lower"]), fraction(id["bounds"]["upper"])};
    const Interval shown{fraction(id["bounds_from_text"]["lower"]), fraction(id["bounds_from_text"]["upper"])};
    EXPECT_EQ(r["answer"], text(shown));
    EXPECT_FALSE(r.contains("decision"));
    const Scm m = scm_from_json(r["model"]);
    const Query q = parse_query(r["formal_query"].get<std::string>(), m);
    const Rational value = solve(m, q, {.method = Method::enumeration}).value;
    EXPECT_LE(b.lo, value);
    EXPECT_GE(b.hi, value);
    // The query is the cladder form of the base type.
    const std::string x = r["meta"]["treatment"], y = r["meta"]["outcome"];
    if (type == "nde_bounds") {
      EXPECT_EQ(to_string(q, m), to_string(parse_query(fmt::format("E({0}[{1}=1, {2}={2}[{1}=0]]) - E({0}[{1}=0])", y, x, r["meta"]["mediator"].get<std::string>()), m), m));
    } else if (type == "nie_bounds") {
      EXPECT_EQ(to_string(q, m), to_string(parse_query(fmt::format("E({0}[{1}=0, {2}={2}[{1}=1]]) - E({0}[{1}=0])", y, x, r["meta"]["mediator"].get<std::string>()), m), m));
    } else {
      EXPECT_EQ(type, "ett_bounds");
      EXPECT_EQ(rung_of(q), 3);
    }
    EXPECT_TRUE(r["prompt"].get<std::string>().ends_with("Answer with the interval [lower, upper], its ends as exact fractions or decimals."));
    // The gold reasoning: graph, query, numbers, the verdict, then the program's bounds (one such
    // step), and the answer last.
    std::vector<std::string> steps = r["reasoning"]["steps"];
    ASSERT_GE(steps.size(), 6U);
    EXPECT_TRUE(steps.front().starts_with("Graph: "));
    const auto verdict = std::find_if(steps.begin(), steps.end(), [](const std::string& st) { return st.starts_with("Identification:"); });
    ASSERT_NE(verdict, steps.end());
    ASSERT_NE(verdict + 1, steps.end());
    EXPECT_TRUE((verdict + 1)->find("response-function linear program") != std::string::npos) << *(verdict + 1);
    EXPECT_EQ(std::count_if(steps.begin(), steps.end(), [](const std::string& st) { return st.starts_with("The stated numbers only bound it"); }), 1);
    EXPECT_TRUE(steps.back().starts_with("Answer: ")) << steps.back();
    const GoldItem item = gold_item(r);
    ASSERT_EQ(item.kind, AnswerKind::interval);
    EXPECT_EQ(checker.check(item, "Final answer: " + r["answer"].get<std::string>()).outcome, Outcome::correct);
    const std::string point = r["distractors"]["assume_identifiable"]["answer"];
    EXPECT_EQ(checker.check(item, "It is " + point + ".").outcome, Outcome::wrong);
  }
  EXPECT_EQ(per_type["ett_bounds"], 10);
  EXPECT_EQ(per_type["nde_bounds"], 10);
  EXPECT_EQ(per_type["nie_bounds"], 10);
  std::istringstream audit_in(data);
  const AuditReport report = audit_dataset(audit_in, {});
  EXPECT_EQ(report.verified, 30U);
  EXPECT_EQ(report.failed, 0U);
  EXPECT_EQ(report.answers.interval, 30U);
  EXPECT_EQ(report.from_text.not_decided, 0U);
  o.given = "model";
  EXPECT_THROW(o.validate(), UsageError);
}

}  // namespace
}  // namespace rung
