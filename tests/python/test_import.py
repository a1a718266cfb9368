"""rung.import_counterbench / import_cladder on the public datasets (../shared/datasets; skipped
with the reason when they are absent, as the C++ tests do)."""

import json

import pytest

import rung
from conftest import SHARED, run_cli

COUNTERBENCH = SHARED / "datasets" / "counterbench" / "CounterBenchDataset_100.json"
CLADDER = SHARED / "datasets" / "cladder" / "test-generate-det.json"
CLADDER_MODELS = SHARED / "datasets" / "cladder" / "test-model-meta.json"


def needs(path):
    if not path.exists():
        pytest.skip(f"{path} is absent (the public datasets are not beside this checkout)")


def test_import_counterbench_equals_the_tool(tmp_path):
    needs(COUNTERBENCH)
    result = rung.import_counterbench(COUNTERBENCH)
    out = tmp_path / "records.jsonl"
    _, report, _ = run_cli("import", "counterbench", COUNTERBENCH, "--json", "-o", out, check=False)
    assert result["report"] == json.loads(report)
    assert result["records"] == [json.loads(l) for l in out.read_text().splitlines()]
    assert len(result["records"]) > 0
    # the imported records are a dataset: the gold answers score 100%
    gold = [{"id": r["id"], "response": r["answer"]} for r in result["records"]]
    assert rung.check(result["records"], gold).accuracy == 1.0


def test_import_cladder_equals_the_tool():
    needs(CLADDER)
    needs(CLADDER_MODELS)
    result = rung.import_cladder(CLADDER, CLADDER_MODELS)
    _, report, _ = run_cli("import", "cladder", CLADDER, "--meta-models", CLADDER_MODELS, "--json", check=False)
    assert result["report"] == json.loads(report)
    assert result["records"]
