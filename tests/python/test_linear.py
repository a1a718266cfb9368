"""rung.Model on linear-Gaussian models (issue #21 item 1): loading the linear .scm text, rung's
linear JSON and pgmpy LinearGaussianCPD JSON, structure, exact answers and traces equal to the
rung tool's, and the tool's errors for what applies to discrete models only."""

import json
import math
from fractions import Fraction

import pytest

import rung
from conftest import EXAMPLES, cli_error, linear_examples, run_cli

LINEAR_FILES = linear_examples() + [EXAMPLES / "pgmpy_linear_mediation.json"]
MEDIATION_FILES = [EXAMPLES / "linear_mediation.scm", EXAMPLES / "pgmpy_linear_mediation.json"]

# Queries of every kind `rung solve` answers on a linear model (variables of the mediation model).
MEDIATION_QUERIES = [
    "E(Y[X=1] | X=0, Y=2)",
    "E(Y)",
    "Var(Y[X=1] | X=0)",
    "Cov(Y[X=1], Y[X=0])",
    "Cov(M, Y | X=1/2)",
    "E(Y | do(X=1), M=0)",
    "E(Y[X=1, M=M[X=0]]) - E(Y[X=0])",
    "E(Y[X=1]) - E(Y[X=0])",
    "Var(M | Y=1)",
    "P(Y[X=1] > 3 | X=0)",  # not rational: double precision
]


@pytest.mark.parametrize("path", LINEAR_FILES, ids=lambda p: p.name)
def test_linear_files_load_as_linear_models(path):
    m = rung.Model.load(path)
    assert m.is_linear
    assert "linear-Gaussian" in repr(m)
    assert m.variables and m.exogenous and set(m.variables).isdisjoint(m.exogenous)
    assert m.hidden == []
    # what the tool shows and writes
    assert m.describe() == run_cli("show", path)[1]
    assert m.dot() == run_cli("show", path, "--dot")[1]
    assert m.to_text() == run_cli("convert", path, "--to", "scm")[1]
    assert m.to_json() == run_cli("convert", path, "--to", "json")[1]
    # read back through every reader
    assert rung.Model.from_text(m.to_text()) == m
    assert rung.Model.from_json(m.to_json()) == m
    assert rung.Model.from_json(json.loads(m.to_json())) == m
    assert rung.Model.from_text(m.to_text()).is_linear


def test_discrete_models_are_not_linear():
    m = rung.Model.load(EXAMPLES / "firing_squad.scm")
    assert not m.is_linear
    assert m != rung.Model.load(EXAMPLES / "linear_mediation.scm")


def test_the_pgmpy_network_is_the_scm_model():
    scm = rung.Model.load(EXAMPLES / "linear_mediation.scm")
    pgmpy = rung.Model.load(EXAMPLES / "pgmpy_linear_mediation.json")
    assert scm.variables == pgmpy.variables == ["X", "M", "Y"]
    for v in scm.variables:
        assert set(scm.parents(v)) - set(scm.exogenous) == set(pgmpy.parents(v)) - set(pgmpy.exogenous)
    assert set(scm.parents("Y")) == {"U_Y", "X", "M"}
    assert scm.solve("E(Y[X=1] | X=0, Y=2)") == pgmpy.solve("E(Y[X=1] | X=0, Y=2)")


@pytest.mark.parametrize("path", MEDIATION_FILES, ids=lambda p: p.name)
def test_answers_equal_the_tools(path):
    m = rung.Model.load(path)
    _, out, _ = run_cli("solve", path, "--queries", "-", "--json", stdin="\n".join(MEDIATION_QUERIES) + "\n")
    answers = [json.loads(line) for line in out.splitlines()]
    assert len(answers) == len(MEDIATION_QUERIES)
    for q, cli in zip(MEDIATION_QUERIES, answers):
        value = m.solve(q)
        if "value" in cli:
            assert isinstance(value, Fraction), q
            assert value == Fraction(cli["value"]["fraction"]), q
            assert m.solve(q, method="parallel-worlds") == value, q
            assert math.isclose(m.solve(q, float=True), float(value), rel_tol=1e-9, abs_tol=1e-12), q
        else:  # a probability of a term with positive variance
            assert isinstance(value, float), q
            assert math.isclose(value, cli["double"], rel_tol=1e-12), q


def test_the_example_answer():
    # docs/file-format.md: X acts on Y directly (1/2) and through M (2 * 3/2)
    m = rung.Model.load(EXAMPLES / "linear_mediation.scm")
    assert m.solve("E(Y[X=1] | X=0, Y=2)") == Fraction(11, 2)
    assert m.ate("X", "Y") == Fraction(7, 2)
    assert m.nde("X", "M", "Y") == Fraction(1, 2)
    assert m.nie("X", "M", "Y") == Fraction(3)


@pytest.mark.parametrize("flag,args,method", [
    ("--ate", ("X", "Y"), "ate"), ("--ett", ("X", "Y"), "ett"),
    ("--nde", ("X", "M", "Y"), "nde"), ("--nie", ("X", "M", "Y"), "nie"),
])
@pytest.mark.parametrize("path", MEDIATION_FILES, ids=lambda p: p.name)
def test_estimands_equal_the_tools(path, flag, args, method):
    m = rung.Model.load(path)
    cli = json.loads(run_cli("solve", path, flag, *args, "--json")[1])
    assert getattr(m, method)(*args) == Fraction(cli["value"]["fraction"])
    assert m.estimand(method, args[0], args[-1], args[1] if len(args) == 3 else "") == cli["query"]
    cli2 = json.loads(run_cli("solve", path, flag, *args, "--treated", "3", "--control", "-1/2", "--json")[1])
    assert getattr(m, method)(*args, treated=3, control=Fraction(-1, 2)) == Fraction(cli2["value"]["fraction"])


@pytest.mark.parametrize("path", MEDIATION_FILES, ids=lambda p: p.name)
def test_trace_has_the_steps_of_the_tool(path):
    m = rung.Model.load(path)
    q = "E(Y[X=1] | X=0, Y=2)"
    t = m.solve(q, trace=True)
    assert t.value == Fraction(11, 2)
    cli = json.loads(run_cli("solve", path, "-q", q, "--trace", "--json")[1])
    assert t.to_dict() == cli["trace"]
    assert [s["step"] for s in t.steps] == [s["step"] for s in cli["trace"]]
    assert t.steps[0]["step"].startswith("1. abduction")
    assert t.abduction == cli["trace"][0]["lines"]
    assert t.action == cli["trace"][1]["lines"]
    assert t.prediction == cli["trace"][2]["lines"]
    assert any("X=1" in line for line in t.action)
    text = run_cli("solve", path, "-q", q, "--trace")[1]
    assert text.startswith(str(t))
    # two parts: the steps are lists, one per part, each part's quantity named
    ate = m.ate("X", "Y", trace=True)
    assert ate.value == Fraction(7, 2)
    assert [p["quantity"] for p in ate.parts] == ["E(Y[X=1])", "E(Y[X=0])"]
    assert [p["sign"] for p in ate.parts] == [1, -1]
    assert len(ate.abduction) == 2 and ate.action[0] != ate.action[1]


def test_normal_parameters():
    m = rung.Model.load(EXAMPLES / "linear_mediation.scm")
    assert m.normal("U_M") == (Fraction(0), Fraction(1, 2))
    assert m.normal("U_Y") == (Fraction(1), Fraction(1, 4))
    with pytest.raises(rung.InvalidQuery, match="'Y' is endogenous"):
        m.normal("Y")
    with pytest.raises(rung.Error, match="normal\\(\\) works on linear-Gaussian models only"):
        rung.Model.load(EXAMPLES / "firing_squad.scm").normal("U")


def test_dsep_is_a_property_of_the_graph():
    m = rung.Model.load(EXAMPLES / "linear_mediation.scm")  # X -> M -> Y, X -> Y
    assert not m.dsep("X", "Y", "M")
    assert m.dsep("U_X", "U_M", [])
    assert not m.dsep("U_X", "U_M", "M")  # M is a collider of X and U_M
    assert m.dsep("U_X", "Y", ["X"])


def test_what_needs_discrete_models_is_refused_with_the_tools_message():
    path = EXAMPLES / "linear_mediation.scm"
    m = rung.Model.load(path)
    prefix = f"{path}: this is a linear-Gaussian model (Normal exogenous variables); "
    with pytest.raises(rung.Error) as e:
        m.pn("X", "Y")
    assert str(e.value) == prefix + "pn (a probability of causation of a binary outcome) works on discrete models only"
    assert cli_error("solve", path, "--pn", "X", "Y") == \
        prefix + "--pn (a probability of causation of a binary outcome) works on discrete models only"
    for call in (lambda: m.domain("X"), lambda: m.prior("U_X"), lambda: m.ps("X", "Y"), lambda: m.pns("X", "Y")):
        with pytest.raises(rung.Error, match="works on discrete models only"):
            call()


def test_bad_queries_and_options_raise_the_tools_errors():
    path = EXAMPLES / "linear_mediation.scm"
    m = rung.Model.load(path)
    for q in ("P(Y=1)", "E(Q)", "E(Y[X=1]"):
        with pytest.raises(rung.InvalidQuery) as e:
            m.solve(q)
        assert str(e.value) == cli_error("solve", path, "-q", q), q
    with pytest.raises(rung.UsageError, match="method 've'"):
        m.solve("E(Y)", method="ve")
    with pytest.raises(rung.UsageError, match="method='abduction'"):
        m.solve("E(Y)", trace=True, method="parallel-worlds")
    with pytest.raises(rung.UsageError, match="not interruptible"):
        m.solve("E(Y)", timeout=3)
    with pytest.raises(rung.UsageError, match="treated x"):
        m.ate("X", "Y", treated="x")
    with pytest.raises(rung.ZeroProbabilityEvidence) as e:
        m.solve("E(Y | X=1, X=2)")
    assert str(e.value) == cli_error("solve", path, "-q", "E(Y | X=1, X=2)")


def test_linear_text_with_mistakes_fails_as_the_tool_does(tmp_path):
    path = tmp_path / "m.scm"
    path.write_text("exogenous U ~ Normal(0, -1)\nX := 2*U + 1\n")
    with pytest.raises(rung.ParseError) as e:
        rung.Model.load(path)
    assert [str(d) for d in e.value.diagnostics] == [f"{path}:1:25: error: the variance of U is -1, but a variance cannot be negative"]
    status, _, err = run_cli("validate", path, check=False)
    assert status == 1
    assert str(e.value.diagnostics[0]) in err
    with pytest.raises(rung.ParseError) as t:
        rung.Model.from_text(path.read_text(), "m.scm")
    assert t.value.diagnostics[0].file == "m.scm" and t.value.diagnostics[0].line == 1
