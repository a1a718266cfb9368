#include "rung/infer/trace.hpp"

#include "random_models.hpp"
#include "rung/infer/enumeration.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/json_line.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace rung {
namespace {

Scm trap() {
  ScmBuilder b;
  b.bernoulli("U1", Rational(1, 2));
  b.bernoulli("U2", Rational(1, 2));
  b.endogenous("X", "U1 xor U2");
  b.endogenous("Y", "U1 and U2");
  return b.build();
}

TEST(TraceText, JointAbductionTrap) {
  const Scm m = trap();
  const Trace t = make_trace(m, parse_query("P(Y[X=0]=1 | X=0)", m));
  EXPECT_EQ(to_text(t, m),
            "Query: P(Y[X=0]=1 | X=0)\n"
            "1. Abduction. Evidence: X=0, with probability 1/2.\n"
            "   Exogenous variables that affect the query, with their priors: U1 ~ (0: 1/2, 1: 1/2); "
            "U2 ~ (0: 1/2, 1: 1/2).\n"
            "   Joint posterior P(U1, U2 | X=0), non-zero rows:\n"
            "     U1=0, U2=0: 1/2\n"
            "     U1=1, U2=1: 1/2\n"
            "2. Action. The worlds the query needs, each with the mechanisms its terms depend on:\n"
            "     world do(X=0):\n"
            "       X := 0\n"
            "       Y := U1 and U2\n"
            "3. Prediction. In each world, for units drawn from the posterior:\n"
            "     Y[X=0] (world do(X=0)): P(Y[X=0]=0 | X=0) = 1/2, P(Y[X=0]=1 | X=0) = 1/2\n"
            "4. Answer: P(Y[X=0]=1 | X=0) = 1/2 (0.5)\n");
  ASSERT_EQ(t.parts.size(), 1U);
  const auto& a = t.parts[0].abduction;
  EXPECT_EQ(a.evidence_probability, Rational(1, 2));
  ASSERT_EQ(a.posterior.size(), 2U);
  EXPECT_EQ(a.posterior[0].values, (std::vector<Value>{0, 0}));
  EXPECT_EQ(a.posterior[1].values, (std::vector<Value>{1, 1}));
  EXPECT_FALSE(a.summarised);
  EXPECT_EQ(t.value, Rational(1, 2));
}

TEST(TraceText, FiringSquad) {
  ScmBuilder b;
  b.bernoulli("U", Rational(7, 10));
  b.bernoulli("W", Rational(1, 2));
  b.endogenous("C", "U");
  b.endogenous("A", "C");
  b.endogenous("B", "C");
  b.endogenous("D", "A or B");
  const Scm m = b.build();
  const Trace t = make_trace(m, parse_query("P(D[A=0]=1 | D=1)", m));
  EXPECT_EQ(to_text(t, m),
            "Query: P(D[A=0]=1 | D=1)\n"
            "1. Abduction. Evidence: D=1, with probability 7/10.\n"
            "   Exogenous variables that affect the query, with their priors: U ~ (0: 3/10, 1: 7/10).\n"
            "   (W cannot affect the query.)\n"
            "   Joint posterior P(U | D=1), non-zero rows:\n"
            "     U=1: 1\n"
            "2. Action. The worlds the query needs, each with the mechanisms its terms depend on:\n"
            "     world do(A=0):\n"
            "       C := U\n"
            "       A := 0\n"
            "       B := C\n"
            "       D := A or B\n"
            "3. Prediction. In each world, for units drawn from the posterior:\n"
            "     D[A=0] (world do(A=0)): P(D[A=0]=0 | D=1) = 0, P(D[A=0]=1 | D=1) = 1; always 1\n"
            "4. Answer: P(D[A=0]=1 | D=1) = 1 (1)\n");
}

TEST(TraceContent, NestedWorldsAndParts) {
  ScmBuilder b;
  b.bernoulli("UX", Rational(1, 2));
  b.bernoulli("UM", Rational(1, 3));
  b.bernoulli("UY", Rational(1, 5));
  b.endogenous("X", "UX");
  b.endogenous("M", "X xor UM");
  b.endogenous("Y", "X and M or UY");
  const Scm m = b.build();
  const Trace t = make_trace(m, parse_query("E(Y[X=1, M=M[X=0]]) - E(Y[X=0])", m));
  EXPECT_EQ(t.value, Rational(4, 15));
  ASSERT_EQ(t.parts.size(), 2U);
  const auto& p = t.parts[0];
  EXPECT_EQ(p.sign, 1);
  EXPECT_EQ(p.quantity, "E(Y[X=1, M=M[X=0]])");
  EXPECT_EQ(p.value, Rational(7, 15));
  // Nested world first, then the world reading it.
  ASSERT_EQ(p.action.size(), 2U);
  EXPECT_EQ(p.action[0].name, "do(X=0)");
  EXPECT_EQ(p.action[0].mechanisms, (std::vector<std::string>{"X := 0", "M := X xor UM"}));
  EXPECT_EQ(p.action[1].name, "do(X=1, M=M[X=0])");
  EXPECT_EQ(p.action[1].mechanisms,
            (std::vector<std::string>{"X := 1", "M := M in world do(X=0)", "Y := (X and M) or UY"}));
  // UX is cut off by the interventions.
  ASSERT_EQ(p.abduction.exogenous.size(), 2U);
  EXPECT_EQ(p.abduction.exogenous[0].name, "UM");
  ASSERT_EQ(p.prediction.size(), 2U);
  EXPECT_EQ(p.prediction[0].term, "Y[X=1, M=M[X=0]]");
  EXPECT_FALSE(p.prediction[0].nested);
  EXPECT_EQ(p.prediction[0].distribution, (std::vector<Rational>{Rational(8, 15), Rational(7, 15)}));
  EXPECT_EQ(p.prediction[1].term, "M[X=0]");
  EXPECT_TRUE(p.prediction[1].nested);
  EXPECT_EQ(t.parts[1].sign, -1);
  const std::string text = to_text(t, m);
  EXPECT_NE(text.find("Part 1 of 2: + E(Y[X=1, M=M[X=0]])\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Part 2 of 2: - E(Y[X=0])\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Answer: E(Y[X=1, M=M[X=0]]) - E(Y[X=0]) = 7/15 - 1/5 = 4/15 (0.266667)\n"), std::string::npos)
      << text;
}

TEST(TraceJson, Fields) {
  const Scm m = trap();
  const nlohmann::json j = to_json(make_trace(m, parse_query("P(Y[X=0]=1 | X=0)", m)));
  EXPECT_EQ(j["query"], "P(Y[X=0]=1 | X=0)");
  EXPECT_EQ(j["value"], "1/2");
  EXPECT_EQ(j["decimal"], "0.5");
  const auto& part = j["parts"][0];
  EXPECT_EQ(part["abduction"]["evidence"], "X=0");
  EXPECT_EQ(part["abduction"]["evidence_probability"], "1/2");
  EXPECT_EQ(part["abduction"]["exogenous"][0]["name"], "U1");
  EXPECT_EQ(part["abduction"]["exogenous"][0]["prior"], nlohmann::json::parse(R"(["1/2", "1/2"])"));
  EXPECT_EQ(part["abduction"]["posterior"],
            nlohmann::json::parse(R"([{"values": ["0", "0"], "probability": "1/2"},
                                      {"values": ["1", "1"], "probability": "1/2"}])"));
  EXPECT_EQ(part["action"][0]["world"], "do(X=0)");
  EXPECT_EQ(part["action"][0]["mechanisms"], nlohmann::json::parse(R"(["X := 0", "Y := U1 and U2"])"));
  EXPECT_EQ(part["prediction"][0]["term"], "Y[X=0]");
  EXPECT_EQ(part["prediction"][0]["distribution"], nlohmann::json::parse(R"(["1/2", "1/2"])"));
  EXPECT_FALSE(part["prediction"][0].contains("value"));
}

/// The compact text of a trace: the tree's keys in the tree's (alphabetical) order.
std::string written(const Trace& t) {
  std::string text;
  JsonWriter w(text);
  write_json(w, t);
  return text;
}

TEST(TraceJson, WrittenTextIsTheCompactDumpOfTheTree) {
  const Scm m = trap();
  const Trace t = make_trace(m, parse_query("P(Y[X=0]=1 | X=0) - P(Y=1)", m));
  EXPECT_EQ(written(t), to_json(t).dump());
  EXPECT_TRUE(written(t).starts_with(R"({"decimal":"0.25","parts":[{"abduction":{"evidence":"X=0",)")) << written(t);
}

/// Y := U0 xor ... xor U9 with uniform U: 1024 equally likely rows, 512 given Y=1.
Scm parity(int n) {
  ScmBuilder b;
  std::string e;
  for (int i = 0; i < n; ++i) {
    b.bernoulli("U" + std::to_string(i), Rational(1, 2));
    e += (i > 0 ? " xor U" : "U") + std::to_string(i);
  }
  b.endogenous("Y", e);
  return b.build();
}

TEST(TraceContent, SummarisedWhenTooManyRows) {
  const Scm m = parity(10);
  const Trace t = make_trace(m, parse_query("P(Y=1 | Y=1)", m));
  const auto& a = t.parts[0].abduction;
  EXPECT_TRUE(a.summarised);
  EXPECT_TRUE(a.posterior.empty());
  EXPECT_EQ(a.note,
            "the joint posterior has 512 non-zero rows (more than 256): each variable's posterior marginal is "
            "shown instead");
  ASSERT_EQ(a.marginals.size(), 10U);
  for (const auto& marginal : a.marginals) EXPECT_EQ(marginal, (std::vector<Rational>{Rational(1, 2), Rational(1, 2)}));
  EXPECT_EQ(to_json(t)["parts"][0]["abduction"]["note"], a.note);
  EXPECT_EQ(written(t), to_json(t).dump());
  EXPECT_NE(to_text(t, m).find("Note: the joint posterior has 512"), std::string::npos);
}

// Without evidence the summary is known without walking the units (trace.cpp): the rows are the
// units of non-zero prior weight and the marginals the priors. Checked against the walk, listed
// with max_rows raised, on priors with a zero weight and three values.
TEST(TraceContent, SummaryWithoutEvidenceEqualsTheWalk) {
  ScmBuilder b;
  b.exogenous("U0", Domain({"0", "1", "2"}), {Rational(1, 6), Rational(0), Rational(5, 6)});
  b.exogenous("U1", Domain({"0", "1", "2"}), {Rational(1, 7), Rational(2, 7), Rational(4, 7)});
  std::string e = "U0 == 2 or U1 == 0";
  for (int i = 2; i < 9; ++i) {
    b.exogenous("U" + std::to_string(i), Domain(), {Rational(i, 10), Rational(10 - i, 10)});
    e = "(" + e + ") xor U" + std::to_string(i);
  }
  b.endogenous("Y", e);
  const Scm m = b.build();
  const Query q = parse_query("P(Y=1)", m);
  const Trace summary = make_trace(m, q);
  const auto& a = summary.parts[0].abduction;
  ASSERT_TRUE(a.summarised);
  TraceOptions listed;
  listed.max_rows = 1 << 12;
  const Trace walk = make_trace(m, q, listed);
  const auto& walked = walk.parts[0].abduction;
  ASSERT_FALSE(walked.summarised);
  EXPECT_EQ(walked.posterior.size(), 2U * 3U * 128U);  // U0's zero-weight value is no row
  EXPECT_EQ(a.note, fmt::format("the joint posterior has {} non-zero rows (more than 256): each variable's posterior marginal "
                                "is shown instead",
                                walked.posterior.size()));
  ASSERT_EQ(a.marginals.size(), walked.exogenous.size());
  for (std::size_t i = 0; i < a.marginals.size(); ++i) {
    std::vector<Rational> sums(a.marginals[i].size(), Rational(0));
    for (const auto& row : walked.posterior) sums[row.values[i]] += row.probability;
    EXPECT_EQ(a.marginals[i], sums) << walked.exogenous[i].name;
  }
}

TEST(TraceContent, SummarisedWhenTooManyUnits) {
  const Scm m = parity(10);
  TraceOptions o;
  o.max_units = 100;
  const Trace t = make_trace(m, parse_query("P(Y=1 | Y=1)", m), o);
  const auto& a = t.parts[0].abduction;
  EXPECT_TRUE(a.summarised);
  EXPECT_EQ(a.note,
            "the 10 exogenous variables have more than 100 combinations of values: each variable's posterior "
            "marginal is shown instead of the joint");
  ASSERT_EQ(a.marginals.size(), 10U);
  EXPECT_EQ(a.marginals[3], (std::vector<Rational>{Rational(1, 2), Rational(1, 2)}));
  EXPECT_EQ(t.value, 1);
}

TEST(TraceContent, ZeroProbabilityEvidenceThrows) {
  const Scm m = trap();
  EXPECT_THROW((void)make_trace(m, parse_query("P(Y=1 | X=1, Y=1)", m)), ZeroProbabilityEvidence);
}

TEST(TraceContent, ValueEqualsSolverOnRandomQueries) {
  testing::Rng rng(0x1F83D9ABFB41BD6BULL);
  int checked = 0;
  for (int i = 0; i < 120; ++i) {
    const Scm m = testing::random_scm(rng);
    testing::QueryMaker make(rng, m);
    const Query q = make.query(static_cast<int>(1 + rng.below(3)));
    SCOPED_TRACE(testing::describe(m) + to_string(q, m));
    Rational expected;
    try {
      expected = solve(m, q).value;
    } catch (const ZeroProbabilityEvidence&) {
      EXPECT_THROW((void)make_trace(m, q), ZeroProbabilityEvidence);
      continue;
    }
    const Trace t = make_trace(m, q);
    EXPECT_EQ(t.value, expected);
    TraceOptions by_enumeration;
    by_enumeration.enumerate = true;
    EXPECT_EQ(make_trace(m, q, by_enumeration), t);  // the same trace, number for number
    Rational sum = 0;
    for (const auto& part : t.parts) {
      sum += part.sign * part.value;
      if (!part.abduction.summarised) {
        Rational total = 0;
        for (const auto& row : part.abduction.posterior) total += row.probability;
        EXPECT_EQ(total, 1);
      }
      for (const auto& p : part.prediction) {
        Rational mass = 0;
        for (const auto& x : p.distribution) mass += x;
        EXPECT_EQ(mass, 1);
      }
    }
    EXPECT_EQ(sum, expected);
    EXPECT_FALSE(to_text(t, m).empty());
    EXPECT_EQ(to_json(t)["value"], to_string(expected));
    checked++;
  }
  EXPECT_GE(checked, 100);
}


// The trace builds its text and JSON by appending into one buffer (its notation with query.hpp's
// append_to_string), and checks the evidence of the abduction with its own per-world evaluation;
// these tests hold those paths to the general ones (each piece of the query's notation in its
// place, enumeration, the JSON tree's dump).

/// Every term of `term`'s notation, nested ones included.
void collect_terms(const Term& term, std::vector<const Term*>& out) {
  out.push_back(&term);
  for (const Setting& s : term.settings) {
    if (s.is_nested()) collect_terms(s.nested.front(), out);
  }
}

/// Runs check(m, q, trace) on `count` random models and queries (1 to `max_parts` parts) whose
/// evidence is possible; check returns whether it compared anything. Returns how many did.
template <class Check>
int for_random_traces(std::uint64_t seed, int count, int max_parts, Check check) {
  testing::Rng rng(seed);
  int checked = 0;
  for (int i = 0; i < count; ++i) {
    const Scm m = testing::random_scm(rng);
    testing::QueryMaker make(rng, m);
    const Query q = make.query(max_parts == 1 ? 1 : static_cast<int>(1 + rng.below(static_cast<std::uint64_t>(max_parts))));
    SCOPED_TRACE(testing::describe(m) + to_string(q, m));
    Trace t;
    try {
      t = make_trace(m, q);
    } catch (const ZeroProbabilityEvidence&) {
      continue;
    }
    if (check(m, q, t)) ++checked;
  }
  return checked;
}

TEST(TraceFastPaths, EachPieceOfNotationIsTheQuerysOwnOnRandomQueries) {
  const int checked = for_random_traces(0x5A1E5EEDULL, 150, 3, [](const Scm& m, const Query& q, const Trace& t) {
    EXPECT_EQ(t.query, to_string(q, m));
    if (t.parts.size() != q.parts.size()) {
      ADD_FAILURE() << t.parts.size() << " parts traced of " << q.parts.size();
      return false;
    }
    for (std::size_t p = 0; p < q.parts.size(); ++p) {
      const Query::Part& part = q.parts[p];
      EXPECT_EQ(t.parts[p].quantity, to_string(Query{{Query::Part{1, part.quantity}}}, m));
      const auto* probability = std::get_if<Probability>(&part.quantity);
      const std::vector<Event>& evidence =
          probability != nullptr ? probability->evidence : std::get<Expectation>(part.quantity).evidence;
      EXPECT_EQ(t.parts[p].abduction.evidence, evidence.empty() ? std::string() : to_string(evidence, m));
      // Each prediction names a term of the part and the world of its settings.
      std::vector<const Term*> terms;
      if (probability != nullptr) {
        for (const Event& e : probability->events) collect_terms(e.term, terms);
      } else {
        collect_terms(std::get<Expectation>(part.quantity).term, terms);
      }
      for (const auto& prediction : t.parts[p].prediction) {
        const auto it = std::find_if(terms.begin(), terms.end(),
                                     [&](const Term* x) { return to_string(*x, m) == prediction.term; });
        if (it == terms.end()) {
          ADD_FAILURE() << "the prediction of " << prediction.term << " names no term of the part";
          return false;
        }
        // "do(" + the bracket contents + ")", appended piece by piece: `"do(" + str` trips a GCC 12
        // -Wrestrict false positive at -O3.
        const std::string full = to_string(**it, m);
        const std::string& name = m.name((*it)->var);
        std::string world = "factual";
        if (!(*it)->settings.empty()) {
          world = "do(";
          world.append(full, name.size() + 1, full.size() - name.size() - 2);
          world += ')';
        }
        EXPECT_EQ(prediction.world, world);
      }
    }
    return true;
  });
  EXPECT_GE(checked, 100);
}

TEST(TraceFastPaths, PosteriorRowsMatchEnumerationOnRandomQueries) {
  const int checked = for_random_traces(0xAB0D1C7ULL, 150, 1, [](const Scm& m, const Query& q, const Trace& t) {
    const Trace::Abduction& a = t.parts[0].abduction;
    if (a.summarised) return false;
    // The general path: every unit of the listed exogenous variables, the evidence evaluated
    // event by event, the weights of those that satisfy it divided by their sum.
    std::vector<VarId> exogenous;
    for (const auto& u : a.exogenous) exogenous.push_back(*m.find(u.name));
    const auto& quantity = q.parts[0].quantity;
    const std::vector<Event>& evidence = std::holds_alternative<Probability>(quantity)
                                             ? std::get<Probability>(quantity).evidence
                                             : std::get<Expectation>(quantity).evidence;
    std::vector<Trace::Row> rows;
    Rational total = 0;
    enumeration::for_each_unit<Rational>(m, exogenous, [&](std::span<const Value> unit, const Rational& weight) {
      for (const Event& e : evidence) {
        if (enumeration::evaluate(m, e.term, unit) != e.value) return;
      }
      Trace::Row row;
      for (VarId u : exogenous) row.values.push_back(unit[u]);
      row.probability = weight;
      rows.push_back(std::move(row));
      total += weight;
    });
    for (auto& row : rows) row.probability /= total;
    EXPECT_EQ(a.posterior, rows);
    EXPECT_EQ(a.evidence_probability, total);
    return true;
  });
  EXPECT_GE(checked, 100);
}

TEST(TraceFastPaths, TableMechanismsAreEscapedAsTheWriterEscapesThem) {
  ScmBuilder b;
  b.bernoulli("A", Rational(1, 3));
  b.bernoulli("B", Rational(1, 2));
  TableSpec table;
  table.inputs = {"A", "B"};
  table.rows = {{{"0", "0"}, "0", {}}, {{"0", "1"}, "1", {}}, {{"1", "0"}, "1", {}}, {{"1", "1"}, "0", {}}};
  b.endogenous("Y", Domain(), table);
  const Scm m = b.build();
  const Trace t = make_trace(m, parse_query("P(Y=1)", m));
  ASSERT_EQ(t.parts[0].action[0].mechanisms.size(), 1U);
  EXPECT_NE(t.parts[0].action[0].mechanisms[0].find('\n'), std::string::npos);
  EXPECT_EQ(written(t), to_json(t).dump());
  EXPECT_NE(to_text(t, m).find("       Y := table(A, B) {\n         "), std::string::npos) << to_text(t, m);
}

TEST(TraceFastPaths, FractionsTooLargeForALongAreWrittenByToString) {
  ScmBuilder b;
  const Rational tiny(boost::multiprecision::mpz_int(1), boost::multiprecision::pow(boost::multiprecision::mpz_int(2), 70));
  b.bernoulli("U", tiny);
  b.endogenous("X", "U");
  const Scm m = b.build();
  const Trace t = make_trace(m, parse_query("P(X=1)", m));
  EXPECT_EQ(t.value, tiny);
  const std::string text = to_text(t, m);
  EXPECT_NE(text.find("U ~ (0: " + to_string(Rational(1 - tiny)) + ", 1: " + to_string(tiny) + ")"), std::string::npos)
      << text;
  EXPECT_NE(text.find("= " + to_string(tiny) + " ("), std::string::npos) << text;
  EXPECT_EQ(written(t), to_json(t).dump());
  EXPECT_EQ(to_json(t)["value"], to_string(tiny));
}

}  // namespace
}  // namespace rung
