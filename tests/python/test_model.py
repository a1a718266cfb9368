"""rung.Model on every example model and network: loading, writing, structure, and exact answers
equal to the rung tool's."""

import json
import math
import re
from fractions import Fraction

import pytest

import rung
from conftest import EXAMPLES, NETWORKS, discrete_examples, run_cli, cli_error

NETWORK_FILES = sorted(p for p in NETWORKS.iterdir() if p.suffix in (".bif", ".uai", ".xml", ".gz", ".xmlbif")
                       and not p.name.endswith(".evid"))


# Networks whose CPT rows do not sum to 1 exactly: read with normalize_cpts (--normalize-cpts).
NORMALIZE = {"alarm.bif.gz"}


def every_model():
    return discrete_examples() + NETWORK_FILES


def load(path):
    return rung.Model.load(path, normalize_cpts=path.name in NORMALIZE)


def cli_opts(path):
    return ["--normalize-cpts"] if path.name in NORMALIZE else []


def label(text):
    """A label as queries write it: quoted unless it is a plain name or number."""
    return text if re.fullmatch(r"[A-Za-z0-9_]+", text) else '"' + text + '"'


def test_rows_that_do_not_sum_to_one_are_refused_unless_normalized():
    path = NETWORKS / "alarm.bif.gz"
    with pytest.raises(rung.ParseError) as e:
        rung.Model.load(path)
    _, _, err = run_cli("validate", path, check=False)
    assert [str(d) for d in e.value.diagnostics] == err.splitlines()[:len(e.value.diagnostics)]
    assert "--normalize-cpts rescales such rows" in str(e.value)
    assert load(path).variables


def test_the_done_criterion():
    m = rung.Model.load(EXAMPLES / "firing_squad.scm")
    value = m.solve("P(D[A=0]=1 | D=1)")
    assert value == Fraction(10, 11)
    assert isinstance(value, Fraction)
    assert str(value) == "10/11"


@pytest.mark.parametrize("path", every_model(), ids=lambda p: p.name)
def test_loads_writes_and_reads_back(path):
    m = load(path)
    assert m.variables, "a model has endogenous variables"
    assert rung.Model.from_text(m.to_text()) == m
    assert rung.Model.from_json(m.to_json()) == m
    assert rung.Model.from_json(json.loads(m.to_json())) == m
    assert m.to_text() == run_cli("convert", path, "--to", "scm", *cli_opts(path))[1]
    assert m.to_json() == run_cli("convert", path, "--to", "json", *cli_opts(path))[1]
    assert m.dot() == run_cli("show", path, "--dot", *cli_opts(path))[1]
    names = set(m.variables) | set(m.exogenous)
    for v in m.variables:
        assert set(m.parents(v)) <= names
        assert m.domain(v)
    for u in m.exogenous:
        assert sum(m.prior(u)) == 1
        assert m.parents(u) == []


def queries_for(m):
    """Queries on every rung over a model's variables: marginals, interventions, counterfactuals
    with evidence (some with zero-probability evidence, whose error must match too)."""
    vs = m.variables
    qs = []
    for v in vs[:8]:
        qs.append(f"P({v}={label(m.domain(v)[-1])})")
    first, last = vs[0], vs[-1]
    a, b = label(m.domain(first)[0]), label(m.domain(last)[-1])
    qs.append(f"P({last}={b} | do({first}={a}))")
    qs.append(f"P({last}[{first}={a}]={b} | {last}={b})")
    qs.append(f"P({last}[{first}={label(m.domain(first)[-1])}]={b}, {last}[{first}={a}]={label(m.domain(last)[0])})")
    if len(vs) > 2:
        mid = vs[len(vs) // 2]
        qs.append(f"P({last}={b} | {mid}={label(m.domain(mid)[0])})")
    return qs


@pytest.mark.parametrize("path", every_model(), ids=lambda p: p.name)
def test_exact_answers_equal_the_tools(path):
    m = load(path)
    qs = queries_for(m)
    _, out, _ = run_cli("solve", path, "--queries", "-", "--json", *cli_opts(path), stdin="\n".join(qs) + "\n",
                        check=False)
    answers = [json.loads(line) for line in out.splitlines()]
    assert len(answers) == len(qs)
    for q, cli in zip(qs, answers):
        if "error" in cli:
            with pytest.raises(rung.Error) as e:
                m.solve(q)
            assert str(e.value) == cli["error"]
            continue
        value = m.solve(q)
        assert isinstance(value, Fraction)
        assert value == Fraction(cli["value"]["fraction"]), q
        assert m.solve(q, method="enumerate") == value
        assert math.isclose(m.solve(q, float=True), float(value), rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("path", discrete_examples(), ids=lambda p: p.name)
def test_distributions_are_dicts_of_fractions(path):
    m = rung.Model.load(path)
    y = m.variables[-1]
    d = m.solve(f"P({y})")
    assert list(d) == m.domain(y)
    assert all(isinstance(p, Fraction) for p in d.values())
    assert sum(d.values()) == 1
    for label, p in d.items():
        assert p == m.solve(f"P({y}={label})")
    x = m.variables[0]
    joint = m.solve(f"P({x}, {y})")
    assert list(joint) == [(a, b) for a in m.domain(x) for b in m.domain(y)]
    assert sum(joint.values()) == 1
    floats = m.solve(f"P({y})", float=True)
    assert all(math.isclose(floats[k], float(d[k]), abs_tol=1e-12) for k in d)


def test_trace_has_the_steps_of_the_tool():
    m = rung.Model.load(EXAMPLES / "firing_squad.scm")
    t = m.solve("P(D[A=0]=1 | D=1)", trace=True)
    assert t.value == Fraction(10, 11)
    assert t.abduction["evidence"] == "D=1"
    assert t.abduction["evidence_probability"] == "11/20"
    assert [w["world"] for w in t.action] == ["do(A=0)"]
    assert t.prediction[0]["distribution"] == ["1/11", "10/11"]
    cli = json.loads(run_cli("solve", EXAMPLES / "firing_squad.scm", "-q", "P(D[A=0]=1 | D=1)", "--trace", "--json")[1])
    assert t.to_dict() == cli["trace"]
    text = run_cli("solve", EXAMPLES / "firing_squad.scm", "-q", "P(D[A=0]=1 | D=1)", "--trace")[1]
    assert text.startswith(str(t))
    # an ATE has two parts: the steps are lists, one per part
    ate = rung.Model.load(EXAMPLES / "confounded_treatment.scm").ate("X", "Y", trace=True)
    assert len(ate.parts) == 2 and len(ate.abduction) == 2


@pytest.mark.parametrize("flag,args,method", [
    ("--ate", ("X", "Y"), "ate"), ("--ett", ("X", "Y"), "ett"), ("--pn", ("X", "Y"), "pn"),
    ("--ps", ("X", "Y"), "ps"), ("--pns", ("X", "Y"), "pns"),
    ("--nde", ("X", "M", "Y"), "nde"), ("--nie", ("X", "M", "Y"), "nie"),
])
def test_estimands_equal_the_tools(flag, args, method):
    path = EXAMPLES / "cladder_mediation.scm"
    m = rung.Model.load(path)
    cli = json.loads(run_cli("solve", path, flag, *args, "--json")[1])
    assert getattr(m, method)(*args) == Fraction(cli["value"]["fraction"])
    assert m.estimand(method, args[0], args[-1], args[1] if len(args) == 3 else "") == cli["query"]


def test_nde_of_the_readme():
    assert rung.Model.load(EXAMPLES / "cladder_mediation.scm").nde("X", "M", "Y") == Fraction(1, 20)


def test_dsep_on_the_firing_squad():
    m = rung.Model.load(EXAMPLES / "firing_squad.scm")  # U -> C -> A, B; A, B -> D
    assert m.parents("D") == ["A", "B"]
    assert m.dsep("A", "B", "C")
    assert not m.dsep("A", "B", [])
    assert not m.dsep(["A"], ["B"], ["C", "D"])  # D is a collider of A and B
    with pytest.raises(rung.InvalidQuery, match="unknown name 'Q'"):
        m.dsep("A", "Q", [])
