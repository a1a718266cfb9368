#include "export_lm_eval_utils.hpp"

namespace rung::detail {

std::string_view lm_eval_utils_py() noexcept {
  return R"py("""lm-evaluation-harness hooks for a rung task (written by `rung export --format lm-eval`).

doc_to_text gives the record's prompt, doc_to_target its answer, and process_results scores one
generation: {"acc": 1.0} when it gives the right answer, else {"acc": 0.0}.

When the rung Python module is importable (`import rung`), rung's own checker scores the
generation (the extraction described in rung's docs/checking.md). Otherwise score_fallback does,
with a plain normalised match: the text after the last "</think>" (or similar tag) and after the
last "answer" word; yes/no/undetermined questions need that word (the first such word there);
numbers (a/b, decimals, percentages) count when within 1/200 of the exact answer; intervals need
both ends within it.
"""

import json
import re
import warnings
from fractions import Fraction

try:
    import rung as _rung
except ImportError:  # scored by score_fallback below
    _rung = None

TOLERANCE = Fraction(1, 200)

_THINK_END = re.compile(r"</(?:think|thinking|reasoning)>", re.IGNORECASE)
_ANSWER_WORD = re.compile(r"\b(?:final answer|answer)\b\s*(?:is\b|:)?", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])([-+]?)(\d+(?:\.\d+)?|\.\d+)(?:\s*/\s*(\d+(?:\.\d+)?))?\s*(%?)")
_UNDETERMINED = re.compile(
    r"\b(?:undetermined|cannot be determined|can't be determined|can not be determined|not determinable|indeterminate)\b")
_YES_NO = re.compile(r"\b(yes|no)\b")
_warned = False


def doc_to_text(doc):
    return doc["prompt"]


def doc_to_target(doc):
    return doc["answer"]


def process_results(doc, results):
    response = results[0] if results else ""
    if _rung is not None:
        try:
            return {"acc": _score_with_rung(doc, response)}
        except Exception as error:  # a module without this API: say so once, then score without it
            _warn_once(error)
    return {"acc": score_fallback(doc, response)}


def _score_with_rung(doc, response):
    record = json.loads(doc["record"])
    report = _rung.check([record], [{"id": doc["id"], "response": response}])
    return float(report.accuracy)


def _warn_once(error):
    global _warned
    if not _warned:
        _warned = True
        warnings.warn("rung.check failed ({}); scoring with the plain fallback".format(error))


def _answer_part(text):
    parts = _THINK_END.split(text)
    if len(parts) > 1 and parts[-1].strip():
        text = parts[-1]
    last = None
    for last in _ANSWER_WORD.finditer(text):
        pass
    return text[last.end():] if last is not None else text, last is not None


def _numbers(text):
    out = []
    for sign, whole, denominator, percent in _NUMBER.findall(text):
        try:
            value = Fraction(whole)
            if denominator:
                value /= Fraction(denominator)
        except (ValueError, ZeroDivisionError):
            continue
        if percent:
            value /= 100
        out.append(-value if sign == "-" else value)
    return out


def _fraction(text):
    return Fraction(text.strip().replace(" ", ""))


def score_fallback(doc, response):
    """1.0 when `response` gives doc's answer (see the module's docstring), else 0.0."""
    if not isinstance(response, str):
        return 0.0
    gold = doc["answer"].strip().lower()
    part, marked = _answer_part(response)
    lowered = " ".join(part.lower().replace("*", " ").split())
    if doc["kind"] == "yes_no":
        if _UNDETERMINED.search(lowered):
            said = "undetermined"
        else:
            found = _YES_NO.search(lowered)
            said = found.group(1) if found else None
        return 1.0 if said == gold else 0.0
    numbers = _numbers(part)
    if doc["kind"] == "interval":
        ends = gold.strip("[]()").split(",")
        if len(ends) != 2 or len(numbers) < 2:
            return 0.0
        low, high = (numbers[0], numbers[1]) if marked else (numbers[-2], numbers[-1])
        ok = abs(low - _fraction(ends[0])) <= TOLERANCE and abs(high - _fraction(ends[1])) <= TOLERANCE
        return 1.0 if ok else 0.0
    if not numbers:
        return 0.0
    said = numbers[0] if marked else numbers[-1]
    return 1.0 if abs(said - _fraction(gold)) <= TOLERANCE else 0.0
)py";
}

}  // namespace rung::detail
