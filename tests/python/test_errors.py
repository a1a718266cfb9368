"""Errors are Python exceptions with the rung tool's messages."""

from pathlib import Path

import pytest

import rung
from conftest import EXAMPLES, ROOT, cli_error, run_cli

BAD = ROOT / "tests" / "data" / "bad"


def test_the_hierarchy():
    for e in (rung.InvalidModel, rung.ParseError, rung.InvalidQuery, rung.ZeroProbabilityEvidence, rung.TooLarge,
              rung.TimedOut, rung.UsageError):
        assert issubclass(e, rung.Error)
    assert issubclass(rung.Error, Exception)
    assert issubclass(rung.InvalidQuery, ValueError) and issubclass(rung.UsageError, ValueError)
    assert rung.ParseError.__module__ == "rung"


def test_parse_error_lists_every_diagnostic_as_the_tool_does():
    path = BAD / "three_mistakes.scm"
    with pytest.raises(rung.ParseError) as e:
        rung.Model.load(path)
    diagnostics = e.value.diagnostics
    assert len(diagnostics) == 3
    assert [(d.line, d.column) for d in diagnostics] == [(2, 15), (3, 11), (4, 11)]
    assert diagnostics[2].message == "unknown name 'Q'"
    assert diagnostics[0].file == str(path)
    status, _, err = run_cli("validate", path, check=False)
    assert status == 1
    assert [str(d) for d in diagnostics] == err.splitlines()[:3]
    assert "unknown name 'Q'" in str(e.value)


@pytest.mark.parametrize("bad", sorted(BAD.glob("*.scm"))[:12], ids=lambda p: p.name)
def test_bad_models_fail_with_the_tools_diagnostics(bad):
    status, _, err = run_cli("validate", bad, check=False)
    assert status == 1
    with pytest.raises(rung.Error) as e:
        rung.Model.load(bad)
    if isinstance(e.value, rung.ParseError):
        assert [str(d) for d in e.value.diagnostics] == err.splitlines()[:len(e.value.diagnostics)]
    else:
        assert str(e.value) in err


def test_from_text_names_the_position():
    with pytest.raises(rung.ParseError) as e:
        rung.Model.from_text("exogenous U ~ Bernoulli(1/2)\nX := U and\n", file="inline.scm")
    (d,) = e.value.diagnostics
    assert (d.file, d.line) == ("inline.scm", 2)
    assert str(d).startswith("inline.scm:2:")


def test_zero_probability_evidence():
    path = EXAMPLES / "firing_squad.scm"
    q = "P(D=1 | A=1, D=0)"
    with pytest.raises(rung.ZeroProbabilityEvidence) as e:
        rung.Model.load(path).solve(q)
    assert str(e.value) == cli_error("solve", path, "-q", q)
    assert str(e.value).startswith("zero-probability evidence: P(")


@pytest.mark.parametrize("q", ["P(Q=1)", "P(D=7)", "P(D=1 |", "E(D[A=0]) + "])
def test_invalid_queries(q):
    path = EXAMPLES / "firing_squad.scm"
    with pytest.raises(rung.Error) as e:
        rung.Model.load(path).solve(q)
    assert str(e.value) == cli_error("solve", path, "-q", q)


def test_missing_file():
    path = Path("no/such/model.scm")
    with pytest.raises(rung.Error) as e:
        rung.Model.load(path)
    assert str(e.value) == cli_error("show", path)


def test_unknown_method_and_estimand_names():
    m = rung.Model.load(EXAMPLES / "firing_squad.scm")
    with pytest.raises(rung.UsageError, match="method 'fast'"):
        m.solve("P(D=1)", method="fast")
    with pytest.raises(rung.Error):
        m.ate("A", "Nope")
