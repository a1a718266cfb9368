"""rung: structural causal models with exact answers on all three rungs of Pearl's ladder.

The Python face of the rung C++ library: the same engine, the same answers and the same error
messages as the ``rung`` command-line tool.

    >>> import rung
    >>> m = rung.Model.load("examples/firing_squad.scm")
    >>> m.solve("P(D[A=0]=1 | D=1)")
    Fraction(10, 11)
    >>> records = list(rung.generate(preset="counterbench", n=10, seed=1))
    >>> gold = [{"id": r["id"], "response": r["answer"]} for r in records]
    >>> rung.check(records, gold).accuracy
    1.0

Exact values are :class:`fractions.Fraction`; datasets are lists of dicts (the SPEC §5 record,
exactly what ``rung generate`` writes) or paths of JSONL files. See docs/python.md.
"""

from __future__ import annotations

import json as _json
import os as _os
from fractions import Fraction
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _rung
from ._rung import (
    Diagnostic,
    Error,
    InvalidModel,
    InvalidQuery,
    ParseError,
    TimedOut,
    TooLarge,
    UsageError,
    ZeroProbabilityEvidence,
)

__all__ = [
    "Model", "Trace", "generate", "to_line", "check", "CheckReport", "extract_answer", "ExtractedAnswer",
    "audit", "import_counterbench", "import_cladder", "presets",
    "Error", "InvalidModel", "ParseError", "InvalidQuery", "ZeroProbabilityEvidence", "TooLarge", "TimedOut",
    "UsageError", "Diagnostic",
]
__version__ = "0.1.0"

PathLike = Union[str, "_os.PathLike[str]"]
Dataset = Union[PathLike, Iterable[Mapping[str, Any]]]


def _names(x: Union[str, Iterable[str]]) -> List[str]:
    """A variable name or an iterable of names, as a list."""
    return [x] if isinstance(x, str) else [str(v) for v in x]


class Trace:
    """How an answer follows from the model: the steps of ``rung solve --trace``.

    ``value`` is the exact answer; ``parts`` holds one step list per probability or expectation
    of the query (one for ``P(...)``, two for an ATE ``E(...) - E(...)``), each a dict with
    ``quantity``, ``abduction``, ``action``, ``prediction`` and ``value``. ``abduction``,
    ``action`` and ``prediction`` are those of the only part for a one-part query, and lists of
    them (one per part) otherwise. ``str(trace)`` is the tool's numbered text; ``to_dict()`` its
    JSON form (fractions as strings).

    On a linear-Gaussian model each part is ``{quantity, sign, abduction, action, prediction}``,
    the steps as the lines ``rung solve --trace`` prints under their titles (the posterior mean
    and covariance of the exogenous variables, each world's equations, the terms' moments);
    ``steps`` lists every numbered step as ``{"step": title, "lines": [...]}`` (the tool's
    ``--trace --json``, which ``to_dict()`` returns), and ``value`` is a float when the answer is
    not a rational number (a probability ``P(Y > c)`` of a term with positive variance).
    """

    def __init__(self, value: Union[Fraction, float], data: Any, text: str, query: str) -> None:
        self.value: Union[Fraction, float] = value
        self.query: str = query
        self._data = data
        self._text = text
        self.parts: List[Dict[str, Any]] = list(data.get("parts", []))
        self.steps: List[Dict[str, Any]] = list(data.get("steps", []))

    def _step(self, name: str) -> Any:
        steps = [p.get(name) for p in self.parts]
        return steps[0] if len(steps) == 1 else steps

    @property
    def abduction(self) -> Any:
        """Step 1: the exact joint posterior over the relevant exogenous variables given the evidence."""
        return self._step("abduction")

    @property
    def action(self) -> Any:
        """Step 2: each world's mechanisms (intervened and nested ones replaced)."""
        return self._step("action")

    @property
    def prediction(self) -> Any:
        """Step 3: the distribution of each asked-for term given the evidence."""
        return self._step("prediction")

    def to_dict(self) -> Any:
        """The trace as ``rung solve --trace --json`` writes it (a linear model's: the list of steps)."""
        return self.steps if "steps" in self._data else self._data

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"<rung.Trace {self.query} = {self.value}>"


class Model:
    """A structural causal model (immutable): the model of a ``.scm``, JSON, BIF, XMLBIF or UAI file.

    Create one with :meth:`load`, :meth:`from_text` or :meth:`from_json`; ask it with :meth:`solve`
    and the named estimands (:meth:`ate`, :meth:`ett`, :meth:`nde`, :meth:`nie`, :meth:`pn`,
    :meth:`ps`, :meth:`pns`).

    A linear-Gaussian model (Normal exogenous variables: linear ``.scm`` text, rung's linear JSON,
    a pgmpy LinearGaussianBayesianNetwork JSON) is a Model too, with ``is_linear`` True: its
    queries are means, variances and covariances (``E(Y[X=1] | X=0, Y=2)``, ``Var(Y)``,
    ``Cov(Y[X=1], Y[X=0])``), answered exactly as Fractions by abduction (or
    ``method="parallel-worlds"``). What needs finite domains (:meth:`domain`, :meth:`prior`,
    :meth:`pn`, :meth:`ps`, :meth:`pns`) raises :class:`Error` with the tool's message;
    :meth:`normal` gives an exogenous variable's mean and variance.
    """

    __slots__ = ("_m",)

    def __init__(self, compiled: Union["_rung.Model", "_rung.LinearModel"]) -> None:
        """Internal: use Model.load, Model.from_text or Model.from_json."""
        if not isinstance(compiled, (_rung.Model, _rung.LinearModel)):
            raise TypeError("use rung.Model.load(path), rung.Model.from_text(text) or rung.Model.from_json(text)")
        self._m = compiled

    # ---- reading and writing
    @classmethod
    def load(cls, path: PathLike, normalize_cpts: bool = False) -> "Model":
        """Reads a model file: ``.scm`` text, JSON, or a network (``.bif``, ``.uai``, ``.xml``/``.xmlbif``,
        optionally ``.gz``), as ``rung solve`` does; a linear-Gaussian file (linear ``.scm``, linear
        JSON, pgmpy LinearGaussianCPD JSON) gives a model whose ``is_linear`` is True.
        ``normalize_cpts`` rescales network CPT rows that do not sum to 1 (``--normalize-cpts``).
        Raises ParseError (with ``.diagnostics``) or Error."""
        return cls(_rung.load_model(_os.fspath(path), normalize_cpts))

    @classmethod
    def from_text(cls, text: str, file: str = "") -> "Model":
        """Reads ``.scm`` text (linear when it declares a ``~ Normal(...)`` exogenous variable);
        ``file`` names it in error messages."""
        return cls(_rung.model_from_text(text, file))

    @classmethod
    def from_json(cls, data: Union[str, Mapping[str, Any]], file: str = "") -> "Model":
        """Reads the JSON form (text or a dict, e.g. a dataset record's ``model``): discrete, linear
        (``"kind": "linear"``) or a pgmpy LinearGaussianBayesianNetwork."""
        text = data if isinstance(data, str) else _json.dumps(data)
        return cls(_rung.model_from_json(text, file))

    @property
    def is_linear(self) -> bool:
        """Whether this is a linear-Gaussian model (Normal exogenous variables) rather than a discrete one."""
        return isinstance(self._m, _rung.LinearModel)

    def to_text(self) -> str:
        """The canonical ``.scm`` text (``rung convert --to scm``)."""
        return self._m.to_text()

    def to_json(self) -> str:
        """The JSON form as text (``rung convert --to json``); ``json.loads`` it for a dict."""
        return self._m.to_json()

    def dot(self) -> str:
        """The causal graph as Graphviz DOT (``rung show --dot``), exogenous nodes dashed."""
        return self._m.dot()

    def describe(self) -> str:
        """Variables, domains, priors and mechanisms, as ``rung show`` prints them."""
        return self._m.describe()

    # ---- structure
    @property
    def variables(self) -> List[str]:
        """The endogenous variables' names, in the model's order."""
        return self._m.endogenous()

    @property
    def exogenous(self) -> List[str]:
        """The exogenous variables' names, in the model's order."""
        return self._m.exogenous()

    @property
    def hidden(self) -> List[str]:
        """The variables marked hidden (``hidden A, B``)."""
        return self._m.hidden()

    def domain(self, variable: str) -> List[str]:
        """The labels of a variable's values, e.g. ``['0', '1']``."""
        return self._m.domain(variable)

    def prior(self, variable: str) -> List[Fraction]:
        """An exogenous variable's prior, one exact probability per value (discrete models; on a
        linear one see :meth:`normal`)."""
        if self.is_linear:
            self._m.refuse("prior() (see normal())")
        return [Fraction(p) for p in self._m.prior(variable)]

    def normal(self, variable: str) -> Tuple[Fraction, Fraction]:
        """A linear-Gaussian model's exogenous variable ``~ Normal(mean, variance)``: ``(mean, variance)``
        as Fractions. Raises InvalidQuery for an endogenous variable, Error on a discrete model."""
        if not self.is_linear:
            raise Error("this is a discrete model (no Normal exogenous variable); normal() works on linear-Gaussian "
                        "models only (see prior())")
        mean, variance = self._m.normal(variable)
        return Fraction(mean), Fraction(variance)

    def parents(self, variable: str) -> List[str]:
        """The parents of a variable in the causal graph (endogenous and exogenous)."""
        return self._m.parents(variable)

    def dsep(self, x: Union[str, Iterable[str]], y: Union[str, Iterable[str]],
             z: Union[str, Iterable[str]] = ()) -> bool:
        """Whether X and Y are d-separated given Z in the model's causal graph (exogenous
        variables are nodes of it). Each argument is a name or an iterable of names."""
        return self._m.dsep(_names(x), _names(y), _names(z))

    # ---- answers
    def solve(self, query: str, *, float: bool = False, trace: bool = False, method: Optional[str] = None,
              timeout: Optional[float] = None) -> Any:
        """Answers a query in rung's notation (docs/notation.md), exactly.

        - ``P(D[A=0]=1 | D=1)`` or ``E(Y[X=1]) - E(Y[X=0])`` → :class:`fractions.Fraction`;
        - a distribution ``P(Y | X=1)`` (no values) → ``dict`` from the label (a tuple of labels
          for several targets: ``P(Y, Z)``) to its Fraction;
        - ``float=True`` → the double-precision fast path (``float``, or a dict of floats);
        - ``trace=True`` → a :class:`Trace` (abduction, action, prediction, value).

        ``method`` is ``"ve"`` (variable elimination, the default) or ``"enumerate"``; ``timeout``
        (seconds) raises TimedOut. Raises InvalidQuery, ZeroProbabilityEvidence, TooLarge as the
        tool does.

        On a linear-Gaussian model (``is_linear``) the query is a sum of means, variances and
        covariances (``E(Y[X=1] | X=0, Y=2)``, ``Var(Y[X=1] | X=0)``, ``E(Y[X=1]) - E(Y[X=0])``)
        and the answer a Fraction, the value of ``rung solve``; a probability ``P(Y > 3)`` of a
        term with positive variance is not a rational number and comes back as a float.
        ``method`` is ``"abduction"`` (the default) or ``"parallel-worlds"``; ``trace=True``
        needs abduction; ``timeout`` is refused (linear queries are not interruptible).
        """
        if self.is_linear:
            if timeout is not None:
                raise UsageError("solve: timeout applies to discrete models; this model is linear-Gaussian, whose queries "
                                 "are not interruptible (leave timeout out)")
            result = self._m.solve(query, bool(float), bool(trace), method or "abduction")
        else:
            result = self._m.solve(query, bool(float), bool(trace), method or "ve", timeout or 0.0)
        kind = result[0]
        if kind == "value":
            return Fraction(result[1])
        if kind == "float":
            return result[1]
        if kind == "trace":
            value = Fraction(result[1]) if isinstance(result[1], str) else result[1]
            return Trace(value, _json.loads(result[2]), result[3], result[4])
        labels, values = result[1], result[2]
        convert = (lambda v: v) if float else Fraction
        return {(row[0] if len(row) == 1 else tuple(row)): convert(v) for row, v in zip(labels, values)}

    def _estimand(self, kind: str, x: str, mediator: str, y: str, treated: Any, control: Any, **solve: Any) -> Any:
        return self.solve(self._m.estimand_query(kind, x, mediator, y, str(treated), str(control)), **solve)

    def estimand(self, kind: str, x: str, y: str, mediator: str = "", *, treated: Any = 1, control: Any = 0) -> str:
        """The query a named estimand (ate, ett, nde, nie, pn, ps, pns) expands to, in rung's notation."""
        return self._m.estimand_query(kind, x, mediator, y, str(treated), str(control))

    def ate(self, x: str, y: str, *, treated: Any = 1, control: Any = 0, **solve: Any) -> Any:
        """Average treatment effect E(Y[X=x]) - E(Y[X=x']) (``rung solve --ate X Y``); ``solve``
        options (float, trace, method, timeout) as :meth:`solve`."""
        return self._estimand("ate", x, "", y, treated, control, **solve)

    def ett(self, x: str, y: str, *, treated: Any = 1, control: Any = 0, **solve: Any) -> Any:
        """Effect of treatment on the treated (``--ett X Y``)."""
        return self._estimand("ett", x, "", y, treated, control, **solve)

    def nde(self, x: str, m: str, y: str, *, treated: Any = 1, control: Any = 0, **solve: Any) -> Any:
        """Natural direct effect of X on Y not through the mediator M (``--nde X M Y``)."""
        return self._estimand("nde", x, m, y, treated, control, **solve)

    def nie(self, x: str, m: str, y: str, *, treated: Any = 1, control: Any = 0, **solve: Any) -> Any:
        """Natural indirect effect of X on Y through the mediator M (``--nie X M Y``)."""
        return self._estimand("nie", x, m, y, treated, control, **solve)

    def pn(self, x: str, y: str, *, treated: Any = 1, control: Any = 0, **solve: Any) -> Any:
        """Probability of necessity (``--pn X Y``)."""
        return self._estimand("pn", x, "", y, treated, control, **solve)

    def ps(self, x: str, y: str, *, treated: Any = 1, control: Any = 0, **solve: Any) -> Any:
        """Probability of sufficiency (``--ps X Y``)."""
        return self._estimand("ps", x, "", y, treated, control, **solve)

    def pns(self, x: str, y: str, *, treated: Any = 1, control: Any = 0, **solve: Any) -> Any:
        """Probability of necessity and sufficiency (``--pns X Y``)."""
        return self._estimand("pns", x, "", y, treated, control, **solve)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and type(self._m) is type(other._m) and self._m == other._m

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        kind = " linear-Gaussian" if self.is_linear else ""
        return f"<rung.Model{kind}: {len(self.variables)} endogenous, {len(self.exogenous)} exogenous variables>"


# ---- the generator -------------------------------------------------------------------------------


class _Records:
    """The iterator generate() returns (dicts, or the lines when raw)."""

    def __init__(self, generation: "_rung.Generation", raw: bool) -> None:
        self._g = generation
        self._raw = raw

    def __iter__(self) -> "_Records":
        return self

    def __next__(self) -> Any:
        line = next(self._g)
        return line if self._raw else _json.loads(line)

    def close(self) -> None:
        """Stops the generation (it also stops when the iterator is garbage-collected)."""
        self._g.close()

    def __enter__(self) -> "_Records":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def generate(preset: str = "counterbench", n: int = 100, seed: int = 1, *, threads: int = 1,
             shard: Union[str, Tuple[int, int]] = "1/1", raw: bool = False, **knobs: Any) -> Iterator[Any]:
    """Generates a benchmark, as ``rung generate --preset PRESET -n N --seed SEED [knobs]`` does.

    Returns an iterator of records (dicts, SPEC §5), in the tool's order, streamed: items are
    made on a thread of their own, without the GIL, a block (256 a thread) ahead of the reader.
    ``raw=True`` yields each record's JSON line instead, byte for byte the tool's line (without
    the newline); :func:`to_line` gives the same line for a record dict.

    Knobs are the tool's options with ``_`` for ``-``: ``difficulty`` (1-5), ``min_variables``,
    ``max_variables``, ``max_in_degree``, ``min_path_length``, ``interventions``,
    ``evidence_count``, ``nesting_depth``, ``domain_size``, ``types`` and ``mechanisms`` (lists or
    comma-separated strings), ``deterministic``/``noisy`` (bools), ``given`` (``"model"`` or
    ``"observed"``), ``undetermined_share`` (``"1/6"`` or a Fraction), ``name_style``,
    ``name_variants``, ``splits`` (``"train=800,test=200"`` or a dict ``{"train": 800, "test": 200}``;
    ``n`` must be their sum: every record gets a ``split`` field, docs/generator.md "Splits").
    ``threads`` and ``shard`` (``"I/N"`` or ``(I, N)``) as on the command line;
    the output does not depend on ``threads``. Unknown knobs raise TypeError, bad values
    UsageError with the tool's message. docs/generator.md describes every knob.
    """
    if isinstance(shard, tuple):
        shard = f"{shard[0]}/{shard[1]}"
    if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= 256:
        raise UsageError(f"threads {threads!r}: expected a whole number from 1 to 256")
    knobs = dict(knobs, preset=preset, n=n, seed=seed)
    return _Records(_rung.Generation(knobs, threads, str(shard)), raw)


def to_line(record: Mapping[str, Any]) -> str:
    """A record dict as ``rung generate`` writes it: one line of compact JSON (no newline), key
    order kept, non-ASCII text unescaped."""
    return _json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def presets() -> List[str]:
    """The generator's presets: ``['counterbench', 'cladder', 'ladder', 'linear']``."""
    return _rung.preset_names()


# ---- checking, auditing, importing ---------------------------------------------------------------


def _source(data: Any, what: str) -> "_rung._Source":
    """A dataset or responses argument: a path, or records (dicts) turned into JSONL text."""
    if isinstance(data, (str, bytes, _os.PathLike)):
        return _rung._Source(_os.fsdecode(data), True)
    if isinstance(data, Mapping):
        # {id: response text}: the responses of check()
        data = [{"id": k, "response": v} for k, v in data.items()]
    try:
        lines = [line if isinstance(line, str) else to_line(line) for line in data]
    except TypeError as e:
        raise TypeError(f"{what}: expected a path, or a list of dicts (records), got {type(data).__name__}") from e
    return _rung._Source("".join(line + "\n" for line in lines), False)


class CheckReport:
    """The score of a set of responses against a dataset (``rung check``).

    ``accuracy`` and ``interval`` (95% Wilson) over every record, ``by(field)`` per value of a
    field (``type``, ``query_type``, ``rung``, ...), ``mistakes`` (how often wrong answers equal
    a named wrong procedure's), ``items`` (each scored item's verdict); ``to_dict()`` is
    ``rung check --json``, ``str()`` its text report.
    """

    def __init__(self, data: Dict[str, Any], text: str) -> None:
        self._data = data
        self._text = text

    @property
    def accuracy(self) -> float:
        """Correct answers over scored items (unanswered ones count as not correct)."""
        return self._data["all"]["accuracy"]

    @property
    def interval(self) -> Tuple[float, float]:
        """The 95% Wilson interval of the accuracy."""
        low, high = self._data["all"]["interval"]
        return (low, high)

    @property
    def correct(self) -> int:
        """Items answered correctly."""
        return self._data["all"]["correct"]

    @property
    def scored(self) -> int:
        """Items scored (records with a response)."""
        return self._data["scored"]

    @property
    def mistakes(self) -> List[Dict[str, Any]]:
        """For each named wrong procedure (no_abduction, conditioning, ...): matched, traps, fell, ..."""
        return self._data["mistakes"]["procedures"]

    @property
    def items(self) -> List[Dict[str, Any]]:
        """Every scored item's verdict, in dataset order."""
        return self._data["items"]

    def groups(self) -> List[str]:
        """The fields :meth:`by` accepts."""
        return list(self._data["groups"].keys())

    def by(self, field: str) -> Dict[str, Dict[str, Any]]:
        """Scores per value of a record field: ``{value: {items, correct, wrong, unanswered,
        accuracy, interval}}``. Raises KeyError naming the fields there are."""
        groups = self._data["groups"]
        if field not in groups:
            raise KeyError(f"no group {field!r}; the report has {', '.join(groups) or 'none'}")
        return groups[field]

    def to_dict(self) -> Dict[str, Any]:
        """The whole report, as ``rung check --json`` prints it."""
        return self._data

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        low, high = self.interval
        return f"<rung.CheckReport {self.correct}/{self.scored} correct, accuracy {self.accuracy:.3f} [{low:.3f}, {high:.3f}]>"


def check(dataset: Dataset, responses: Union[Dataset, Mapping[str, str]], *, tolerance: Union[str, Fraction, float] = "1/200",
          max_listed: int = 10) -> CheckReport:
    """Scores a model's free-text responses against a dataset's exact answers (``rung check``).

    ``dataset``: a path (JSONL or a JSON array; rung, CounterBench or CLadder records) or a list of
    record dicts. ``responses``: a path, a list of dicts (``{"id": ..., "response": "..."}`` or any
    format docs/checking.md lists), or a dict ``{id: response text}``. ``tolerance``: how far a
    numeric answer may be from the exact value. Returns a :class:`CheckReport`.
    """
    data, text = _rung.check(_source(dataset, "dataset"), _source(responses, "responses"), str(tolerance), max_listed)
    return CheckReport(_json.loads(data), text)


class ExtractedAnswer:
    """The final answer found in a free-text response (:func:`extract_answer`).

    ``commitment``: ``"yes"``, ``"no"``, ``"undetermined"``, ``"number"``, ``"interval"`` or
    ``"none"``; ``strength``: how explicitly it was stated (``"final_answer"``, ``"answer"``,
    ``"clause"``, ``"none"``); ``value`` (and ``upper`` for an interval) as Fractions;
    ``evidence``: the text it was read from.
    """

    __slots__ = ("commitment", "strength", "value", "upper", "approximate", "evidence", "answered")

    def __init__(self, commitment: str, strength: str, value: Optional[str], upper: Optional[str],
                 approximate: bool, evidence: str, answered: bool) -> None:
        self.commitment = commitment
        self.strength = strength
        self.value = Fraction(value) if value is not None else None
        self.upper = Fraction(upper) if upper is not None else None
        self.approximate = approximate
        self.evidence = evidence
        self.answered = answered

    def __repr__(self) -> str:
        shown = self.commitment
        if self.value is not None:
            shown += f" {self.value}" + (f"..{self.upper}" if self.upper is not None else "")
        return f"<rung.ExtractedAnswer {shown} ({self.strength}): {self.evidence!r}>"


def extract_answer(text: str, kind: str = "yes_no") -> ExtractedAnswer:
    """The final yes/no, number or interval in a free-text response, as ``rung check`` reads it.
    ``kind``: ``"yes_no"``, ``"numeric"`` or ``"interval"``."""
    return ExtractedAnswer(*_rung.extract_answer(text, kind))


def audit(dataset: Union[Dataset, Sequence[PathLike]], *, verify: bool = True, learners: bool = True, folds: int = 5,
          cv_repeats: int = 3, chance_shuffles: int = 0, threads: int = 1, max_listed: int = 10, text: bool = False) -> Any:
    """Audits a dataset (``rung audit --json``): counts, balance, shortcut baselines, learned
    shortcuts, duplicates and the re-verification of every stored answer. Returns the report as a
    dict (``text=True``: the tool's text report). ``verify=False`` is ``--no-verify``,
    ``learners=False`` ``--no-learners``, ``folds=K`` ``--folds K``, ``cv_repeats=R`` ``--cv-repeats R``
    (the learners' cross-validation made R times with other folds, each cell the mean),
    ``chance_shuffles=N`` ``--chance-shuffles N`` (the learners on shuffled answers: each cell's
    chance level, in the report's ``learner_chance``).

    ``dataset`` is a path, a list of record dicts, or a list (or tuple) of paths audited together
    as ``rung audit train.jsonl validation.jsonl test.jsonl`` does: each file is a split of its own
    (named by its stem) for its records without a ``split`` field, and the report's ``splits``
    lists the structures found in more than one split."""
    if isinstance(dataset, (list, tuple)) and dataset and all(isinstance(d, (str, bytes, _os.PathLike)) for d in dataset):
        sources = [_source(d, "dataset") for d in dataset]
    else:
        sources = [_source(dataset, "dataset")]
    if chance_shuffles < 0:
        raise ValueError(f"audit: chance_shuffles must be 0 or more, got {chance_shuffles}")
    if not 1 <= cv_repeats <= 100:
        raise ValueError(f"audit: cv_repeats must be 1 to 100, got {cv_repeats}")
    data, shown = _rung.audit(sources, verify, learners, folds, cv_repeats, chance_shuffles, threads, max_listed)
    return shown if text else _json.loads(data)


def _imported(result: Tuple[str, str, str]) -> Dict[str, Any]:
    report, text, records = result
    return {"report": _json.loads(report), "records": [_json.loads(l) for l in records.splitlines()], "text": text}


def import_counterbench(file: Dataset, *, tolerance: float = 1e-6, cross_check: bool = False) -> Dict[str, Any]:
    """Imports CounterBench (``rung import counterbench``): every item rebuilt, re-solved and its
    label checked. Returns ``{"report": <rung import --json>, "records": [rung records],
    "text": <the text report>}``."""
    return _imported(_rung.import_counterbench(_source(file, "file"), tolerance, cross_check))


def import_cladder(file: Dataset, meta_models: Optional[Dataset] = None, *, tolerance: float = 1e-6,
                   cross_check: bool = False) -> Dict[str, Any]:
    """Imports CLadder (``rung import cladder``): a questions file, or a models file;
    ``meta_models`` adds the exact-model verdict. Returns ``{"report", "records", "text"}`` as
    :func:`import_counterbench`."""
    models = _source(meta_models, "meta_models") if meta_models is not None else None
    return _imported(_rung.import_cladder(_source(file, "file"), models, tolerance, cross_check))
