"""rung.generate: the records the tool writes, byte for byte, streamed; and the generate -> check
round trip."""

import itertools
import json
import time
from fractions import Fraction

import pytest

import rung
from conftest import run_cli, cli_error


def cli_lines(*args):
    return run_cli("generate", *args)[1].splitlines()


@pytest.mark.parametrize("preset,n", [("counterbench", 40), ("cladder", 12), ("ladder", 12), ("linear", 12)])
def test_lines_are_the_tools_byte_for_byte(preset, n):
    expected = cli_lines("--preset", preset, "-n", n, "--seed", 3)
    assert len(expected) == n
    assert list(rung.generate(preset=preset, n=n, seed=3, raw=True)) == expected
    records = list(rung.generate(preset=preset, n=n, seed=3))
    assert all(isinstance(r, dict) for r in records)
    # a record dict written back by Python is the tool's line, byte for byte
    assert [rung.to_line(r) for r in records] == expected


def test_knobs_threads_and_shards_are_the_tools():
    args = ["--preset", "counterbench", "-n", 30, "--seed", 7, "--max-variables", 6, "--types", "basic,nested",
            "--name-style", "letters"]
    expected = cli_lines(*args)
    got = list(rung.generate("counterbench", 30, 7, max_variables=6, types=["basic", "nested"], name_style="letters",
                             threads=2, raw=True))
    assert got == expected
    assert {json.loads(l)["type"] for l in got} == {"basic", "nested"}
    shard = cli_lines(*args, "--shard", "2/3")
    assert list(rung.generate("counterbench", 30, 7, max_variables=6, types="basic,nested", name_style="letters",
                              shard=(2, 3), raw=True)) == shard


def test_splits_are_the_tools():
    expected = cli_lines("--preset", "linear", "--splits", "train=6,test=4", "--seed", 5)  # -n: the splits' sum
    assert len(expected) == 10
    assert [json.loads(l)["split"] for l in expected] == ["train"] * 6 + ["test"] * 4
    assert list(rung.generate("linear", 10, 5, splits={"train": 6, "test": 4}, raw=True)) == expected
    assert list(rung.generate("linear", 10, 5, splits="train=6,test=4", raw=True)) == expected
    with pytest.raises(rung.UsageError):
        list(rung.generate("linear", 11, 5, splits="train=6,test=4"))


def test_a_cladder_knob_and_given_model():
    expected = cli_lines("--preset", "cladder", "-n", 8, "--seed", 2, "--given", "model", "--types", "ate,nde")
    assert list(rung.generate("cladder", 8, 2, given="model", types="ate,nde", raw=True)) == expected


def test_records_stream_without_making_the_whole_run():
    start = time.monotonic()
    it = rung.generate(preset="counterbench", n=10_000_000, seed=1)
    first = list(itertools.islice(it, 3))
    it.close()
    assert [r["id"] for r in first] == ["counterbench-s1-0", "counterbench-s1-1", "counterbench-s1-2"]
    assert time.monotonic() - start < 120  # ten million items would take hours
    with pytest.raises(StopIteration):
        next(it)


def test_abandoned_generation_is_stopped():
    for _ in range(3):
        it = rung.generate(preset="counterbench", n=100_000, seed=5)
        next(it)
        del it  # the generating thread is stopped and joined, not left running


def test_bad_knobs_raise_with_the_tools_message():
    with pytest.raises(TypeError, match="unknown knob 'max_variable'"):
        rung.generate(max_variable=3)
    with pytest.raises(rung.UsageError) as e:
        rung.generate(name_style="klingon")
    assert str(e.value) == cli_error("generate", "--name-style", "klingon")
    with pytest.raises(rung.UsageError) as e:
        rung.generate(preset="nonesuch")
    assert str(e.value) == cli_error("generate", "--preset", "nonesuch")
    with pytest.raises(rung.UsageError) as e:
        rung.generate(min_variables=9, max_variables=3)
    assert str(e.value) == cli_error("generate", "--min-variables", 9, "--max-variables", 3)
    with pytest.raises(rung.UsageError):
        rung.generate(shard="3/2")
    with pytest.raises(TypeError):
        rung.generate(max_variables="six")


def flipped(answer):
    return {"yes": "no", "no": "yes"}.get(answer, answer)


@pytest.mark.parametrize("preset", ["counterbench", "cladder", "ladder"])
def test_generate_then_check_gold_scores_100_percent(preset):
    records = list(rung.generate(preset=preset, n=24, seed=11))
    gold = [{"id": r["id"], "response": f"The answer is {r['answer']}."} for r in records]
    report = rung.check(records, gold)
    assert report.accuracy == 1.0
    assert report.correct == report.scored == len(records)
    low, high = report.interval
    assert 0 < low < high == 1.0
    assert sum(v["items"] for v in report.by("rung").values()) == len(records)
    with pytest.raises(KeyError, match="no group 'nonesuch'"):
        report.by("nonesuch")
    assert report.to_dict()["all"]["correct"] == len(records)
    # a responses dict {id: text} is read the same way
    assert rung.check(records, {g["id"]: g["response"] for g in gold}).accuracy == 1.0


def test_check_wrong_answers_and_paths_equal_the_tool(tmp_path):
    records = list(rung.generate(preset="counterbench", n=30, seed=4))
    wrong = [{"id": r["id"], "response": f"Final answer: {flipped(r['answer'])}"} for r in records]
    data, responses = tmp_path / "data.jsonl", tmp_path / "responses.jsonl"
    data.write_text("".join(rung.to_line(r) + "\n" for r in records))
    responses.write_text("".join(json.dumps(w) + "\n" for w in wrong))
    report = rung.check(data, responses)
    assert report.accuracy == 0.0
    cli = json.loads(run_cli("check", data, responses, "--json")[1])
    assert report.to_dict() == cli
    assert str(report) == run_cli("check", data, responses)[1]
    assert sum(p["matched"] for p in report.mistakes) >= 0 and report.mistakes
    from_lists = rung.check(records, wrong).to_dict()
    assert {k: v for k, v in from_lists.items() if k not in ("dataset", "responses")} == \
           {k: v for k, v in cli.items() if k not in ("dataset", "responses")}


def test_extract_answer():
    a = rung.extract_answer("Let me think... so the final answer: **No**.", "yes_no")
    assert a.commitment == "no" and a.answered
    n = rung.extract_answer("P = 7/20, i.e. about 0.35", "numeric")
    assert n.commitment == "number"
    assert n.value == Fraction(7, 20) or n.value == Fraction(35, 100)
    i = rung.extract_answer("The ATE lies in [0.1, 0.3].", "interval")
    assert i.commitment == "interval" and (i.value, i.upper) == (Fraction(1, 10), Fraction(3, 10))
    assert not rung.extract_answer("I am not sure.", "yes_no").answered
    with pytest.raises(rung.UsageError):
        rung.extract_answer("yes", "colour")


def test_audit_equals_the_tool(tmp_path):
    records = list(rung.generate(preset="counterbench", n=40, seed=9))
    data = tmp_path / "data.jsonl"
    data.write_text("".join(rung.to_line(r) + "\n" for r in records))
    report = rung.audit(data, learners=False)
    assert report == json.loads(run_cli("audit", data, "--json", "--no-learners")[1])
    assert rung.audit(data, learners=False, text=True) == run_cli("audit", data, "--no-learners")[1]
    from_list = rung.audit(records, learners=False)
    assert {k: v for k, v in from_list.items() if k != "file"} == {k: v for k, v in report.items() if k != "file"}


def _counterbench_file(tmp_path):
    """60 counterbench items (seed 4) written to a JSONL file for the audit tests."""
    data = tmp_path / "data.jsonl"
    data.write_text("".join(rung.to_line(r) + "\n" for r in rung.generate(preset="counterbench", n=60, seed=4)))
    return data


def test_audit_chance_shuffles_equals_the_tool(tmp_path):
    data = _counterbench_file(tmp_path)
    report = rung.audit(data, verify=False, chance_shuffles=3)
    assert report == json.loads(run_cli("audit", data, "--json", "--no-verify", "--chance-shuffles", "3")[1])
    assert report["learner_chance"]["shuffles"] == 3
    assert len(report["learner_chance"]["max_excess"]["shuffled"]) == 3
    assert "learner_chance" not in rung.audit(data, verify=False)
    with pytest.raises(ValueError):
        rung.audit(data, chance_shuffles=-1)


def test_audit_cv_repeats_equals_the_tool(tmp_path):
    data = _counterbench_file(tmp_path)
    once = rung.audit(data, verify=False, cv_repeats=1)
    assert once == json.loads(run_cli("audit", data, "--json", "--no-verify", "--cv-repeats", "1")[1])
    assert once["learned_shortcuts"]["repeats"] == 1
    assert rung.audit(data, verify=False)["learned_shortcuts"]["repeats"] == 3
    five = rung.audit(data, verify=False, cv_repeats=5)
    assert five["learned_shortcuts"]["repeats"] == 5
    assert five["learned_shortcuts"]["classifiers"][0]["all"]["pooled"]["total"] == 60
    for bad in (0, 101):
        with pytest.raises(ValueError):
            rung.audit(data, cv_repeats=bad)


def test_audit_of_several_files_equals_the_tool_and_finds_a_shared_structure(tmp_path):
    records = list(rung.generate(preset="counterbench", n=40, seed=9, splits="train=30,test=10"))
    by_split = {}
    for r in records:
        by_split.setdefault(r["split"], []).append({k: v for k, v in r.items() if k != "split"})
    paths = []
    for split, rows in by_split.items():  # split files whose rows carry no split field
        path = tmp_path / f"{split}.jsonl"
        path.write_text("".join(rung.to_line(r) + "\n" for r in rows))
        paths.append(path)
    clean = rung.audit(paths, learners=False)
    assert clean == json.loads(run_cli("audit", *paths, "--json", "--no-learners")[1])
    assert rung.audit(tuple(paths), learners=False, text=True) == run_cli("audit", *paths, "--no-learners")[1]
    assert [f["split"] for f in clean["files"]] == ["train", "test"]
    assert [(s, v["records"]) for s, v in clean["splits"]["by_split"].items()] == [("train", 30), ("test", 10)]
    assert clean["splits"]["shared_structures"]["count"] == 0
    # a train row copied into the test file is a leak, located in its file
    leaked = dict(by_split["train"][4], id="copied")
    with open(paths[1], "a") as f:
        f.write(rung.to_line(leaked) + "\n")
    report = rung.audit([str(p) for p in paths], learners=False)
    assert report == json.loads(run_cli("audit", *paths, "--json", "--no-learners")[1])
    shared = report["splits"]["shared_structures"]
    assert shared["count"] == 1
    assert shared["listed"][0]["file"] == "test.jsonl" and shared["listed"][0]["line"] == 11
    assert shared["listed"][0]["first_file"] == "train.jsonl" and shared["listed"][0]["first_line"] == 5
    assert report["splits"]["leaked_records"] == 2
