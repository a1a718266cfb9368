"""The lm-eval task `rung export --format lm-eval` writes, scored through the real rung module
(tests/check/lm_eval_export_test.py covers the fallback without it): process_results calls
rung.check and gives 1 on gold answers and 0 on wrong ones, with no warning (no fallback)."""

import importlib.util
import json
import warnings

from conftest import run_cli


def test_process_results_scores_through_the_module(tmp_path):
    data = tmp_path / "ladder.jsonl"
    run_cli("generate", "--preset", "ladder", "--difficulty", "1", "-n", 12, "--seed", 9, "-o", data)
    task = tmp_path / "task"
    run_cli("export", data, "--format", "lm-eval", "-o", task, "--task", "rung_ladder")
    spec = importlib.util.spec_from_file_location("rung_ladder_utils", task / "utils.py")
    utils = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(utils)
    assert utils._rung is not None  # the real module, imported by the hooks
    docs = [json.loads(line) for line in (task / "rung_ladder.jsonl").read_text().splitlines()]
    assert len(docs) == 12
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fallback would warn
        for doc in docs:
            assert utils.process_results(doc, ["Final answer: " + utils.doc_to_target(doc)]) == {"acc": 1.0}
            wrong = {"yes": "no", "no": "yes"}.get(doc["answer"], "12345/7")
            assert utils.process_results(doc, ["Final answer: " + wrong]) == {"acc": 0.0}
