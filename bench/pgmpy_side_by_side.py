#!/usr/bin/python3
"""pgmpy beside rung on the same queries, same machine, one window (issue #16).

Times pgmpy's VariableElimination (model loaded, per query, best of several repetitions of a
timed loop) on asia and alarm, its CausalInference.query for the do-queries, and one
VariableElimination on the mutilated network (the do-query done by hand); then runs rung's
`--queries --json` on the same queries and prints the largest difference between the two
answers per query. rung's own per-query times come from `rung_network_bench` (Google
Benchmark), run right after this script in the same window (docs/benchmarks.md).

    /usr/bin/python3 bench/pgmpy_side_by_side.py PGMPY_SOURCE_TREE build/release/rung

PGMPY_SOURCE_TREE is a checkout of github.com/pgmpy/pgmpy (nothing of it is in this
repository); it needs Debian's python3-numpy, -scipy, -networkx, -pandas, -pyparsing, -tqdm,
-joblib, -statsmodels, -sklearn and -torch (opt_einsum, not in Debian 12, is replaced below).
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import timeit
from fractions import Fraction

if len(sys.argv) != 3:
    sys.exit(__doc__)
pgmpy_tree, rung = sys.argv[1], sys.argv[2]
sys.path.insert(0, pgmpy_tree)
import logging  # noqa: E402
import types  # noqa: E402

import numpy  # noqa: E402

try:
    import opt_einsum  # noqa: F401
except ImportError:
    # Debian 12 has no opt_einsum: pgmpy's `contract(op, labels, ..., out, optimize="greedy")` is
    # numpy.einsum's interleaved form, whose greedy path is numpy's port of opt_einsum's; the
    # labels (variable names or numbers) are renumbered to the small integers numpy wants.
    def contract(*args, optimize="greedy"):
        ids = {}
        args = list(args)
        for k in range(1, len(args), 2):
            args[k] = [ids.setdefault(v, len(ids)) for v in args[k]]
        if len(args) % 2 == 1:
            args[-1] = [ids.setdefault(v, len(ids)) for v in args[-1]]
        return numpy.einsum(*args, optimize=optimize)

    sys.modules["opt_einsum"] = types.SimpleNamespace(contract=contract)

logging.disable(logging.WARNING)
import pgmpy  # noqa: E402
from pgmpy.inference import CausalInference, VariableElimination  # noqa: E402
from pgmpy.readwrite import BIFReader  # noqa: E402

pgmpy.config.SHOW_PROGRESS = False
here = os.path.dirname(os.path.abspath(__file__))
networks = os.path.join(here, "..", "tests", "data", "networks")

# (network file, rung query, pgmpy variables, evidence, do)
QUERIES = [
    ("asia.bif", "P(dysp)", ["dysp"], {}, {}),
    ("asia.bif", "P(lung | xray=yes, smoke=yes)", ["lung"], {"xray": "yes", "smoke": "yes"}, {}),
    ("alarm.bif.gz", "P(BP)", ["BP"], {}, {}),
    ("alarm.bif.gz", "P(BP | HYPOVOLEMIA=TRUE, CVP=LOW)", ["BP"], {"HYPOVOLEMIA": "TRUE", "CVP": "LOW"}, {}),
    ("alarm.bif.gz", "P(BP | do(CATECHOL=HIGH))", ["BP"], {}, {"CATECHOL": "HIGH"}),
    ("alarm.bif.gz", "P(BP | do(CATECHOL=HIGH), HYPOVOLEMIA=TRUE)", ["BP"], {"HYPOVOLEMIA": "TRUE"}, {"CATECHOL": "HIGH"}),
    ("alarm.bif.gz", "P(BP, CO, HR, TPR)", ["BP", "CO", "HR", "TPR"], {}, {}),
]


def load(name):
    path = os.path.join(networks, name)
    if name.endswith(".gz"):
        with gzip.open(path, "rt") as f, tempfile.NamedTemporaryFile("w", suffix=".bif", delete=False) as t:
            t.write(f.read())
            path = t.name
    return BIFReader(path, n_jobs=1).get_model()  # in process (worker processes lack the shim)


def per_call(fn, budget=0.3):
    """CPU seconds of this process per call (time.process_time, like Google Benchmark's CPU
    column, so that a shared machine's load counts less): the best of 5 timed loops of about
    `budget` seconds each."""
    n, t = 1, 0.0
    while t < budget / 5:
        n *= 2
        t = timeit.timeit(fn, number=n, timer=time.process_time)
    return min(timeit.repeat(fn, number=n, repeat=5, timer=time.process_time)) / n


def mutilated(model, do):
    m = model.copy()
    for var, state in do.items():
        for parent in list(m.get_parents(var)):
            m.remove_edge(parent, var)
        cpd = m.get_cpds(var)
        states = cpd.state_names[var]
        from pgmpy.factors.discrete import TabularCPD

        m.remove_cpds(cpd)
        m.add_cpds(TabularCPD(var, len(states), [[1.0 if s == state else 0.0] for s in states], state_names={var: states}))
    return m


def cells(factor):
    """{(state, ...): probability} of a pgmpy DiscreteFactor, variables in `factor.variables` order."""
    import itertools

    names = [factor.state_names[v] for v in factor.variables]
    return {key: float(factor.values[tuple(names[i].index(s) for i, s in enumerate(key))]) for key in itertools.product(*names)}


models = {}
print(f"pgmpy {pgmpy.__version__ if hasattr(pgmpy, '__version__') else '(source tree)'}; CPU time per query, model loaded")
print(f"{'query':52} {'pgmpy VE':>12} {'CausalInf.':>12} {'VE mutil.':>12}")
answers = []
for net, text, variables, evidence, do in QUERIES:
    model = models.get(net) or models.setdefault(net, load(net))
    ve = VariableElimination(model)
    row = [text]
    if do:
        row.append("-")
        ci = CausalInference(model)
        t_ci = per_call(lambda: ci.query(variables, do=do, evidence=evidence or None, show_progress=False), 1.0)
        m = mutilated(model, do)
        ve_m = VariableElimination(m)
        t_m = per_call(lambda: ve_m.query(variables, evidence=evidence or None, joint=True, show_progress=False))
        result_ci = ci.query(variables, do=do, evidence=evidence or None, show_progress=False)
        result = ve_m.query(variables, evidence=evidence or None, joint=True, show_progress=False)
        row += [f"{t_ci * 1e6:10.1f}us", f"{t_m * 1e6:10.1f}us"]
        answers.append((net, text, variables, cells(result), cells(result_ci)))
    else:
        t = per_call(lambda: ve.query(variables, evidence=evidence or None, joint=True, show_progress=False))
        result = ve.query(variables, evidence=evidence or None, joint=True, show_progress=False)
        row += [f"{t * 1e6:10.1f}us", "-", "-"]
        answers.append((net, text, variables, cells(result), None))
    print(f"{row[0]:52} {row[1]:>12} {row[2]:>12} {row[3]:>12}")

# The same queries through rung (exact), compared cell by cell.
print("\nlargest |rung - pgmpy| per query (rung exact; pgmpy VE, and CausalInference for do-queries)")
for net, text, variables, pg, pg_ci in answers:
    out = subprocess.run([rung, "solve", os.path.join(networks, net), "--normalize-cpts", "--json", "-q", text],
                         capture_output=True, text=True, check=True).stdout
    record = json.loads(out)
    rung_cells = {tuple(cell["values"]): float(Fraction(cell["fraction"])) for cell in record["distribution"]}
    def gap(other):
        return max(abs(rung_cells[k] - other.get(k, float("nan"))) for k in rung_cells)
    line = f"{text:52} VE {gap(pg):.2e}"
    if pg_ci is not None:
        line += f"  CausalInference {gap(pg_ci):.2e}"
    print(line)
