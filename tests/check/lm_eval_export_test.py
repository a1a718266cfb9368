"""`rung export` as the harnesses read it (issue #21, item 2).

lm-eval: the task YAML parses (with a constructor for lm-eval's `!function` tag), names the
fields lm-eval needs, every field utils.py reads exists in every doc, and a simulated harness
loop (load the JSONL, doc_to_text, doc_to_target, process_results) scores gold answers 100% and
wrong answers 0%, on the fallback path (no `rung` module) and when `rung.check` fails.
hf: the card's front matter parses and names the split files, whose rows add up.

Usage: python3 lm_eval_export_test.py RUNG   (exit 77, a skip for ctest, without PyYAML)
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import types
import warnings
from fractions import Fraction

try:
    import yaml
except ImportError:
    print("PyYAML is not installed (Debian package: python3-yaml); skipped", file=sys.stderr)
    sys.exit(77)

RUNG = sys.argv[1]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def run(*args):
    subprocess.run([RUNG, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class Loader(yaml.SafeLoader):
    """lm-eval's loader resolves `!function module.name`; here it becomes ("function", "module.name")."""


Loader.add_constructor("!function", lambda loader, node: ("function", loader.construct_scalar(node)))


def load_utils(directory, rung_module):
    """utils.py of `directory`, imported with `rung` set to `rung_module` (None: not importable)."""
    saved = sys.modules.get("rung", "absent")
    sys.modules["rung"] = rung_module  # None makes `import rung` raise ImportError
    try:
        spec = importlib.util.spec_from_file_location("rung_export_utils_{}".format(id(rung_module)),
                                                      os.path.join(directory, "utils.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        if saved == "absent":
            del sys.modules["rung"]
        else:
            sys.modules["rung"] = saved


def wrong_answer(doc):
    """A wrong answer of the doc's kind, as a model would write it."""
    answer = doc["answer"]
    if doc["kind"] == "yes_no":
        return {"yes": "no", "no": "yes"}.get(answer, "yes")
    if doc["kind"] == "interval":
        low, high = (Fraction(x.strip()) for x in answer.strip("[]").split(","))
        return "[{}, {}]".format(low - Fraction(1, 10), high)
    return str(Fraction(answer) + Fraction(1, 10))


def harness_loop(utils, docs, records):
    """lm-eval's loop for generate_until tasks, with gold and wrong generations."""
    gold_scores, wrong_scores, mixed = [], [], []
    for k, doc in enumerate(docs):
        text = utils.doc_to_text(doc)
        check(text == records[doc["id"]]["prompt"], "{}: doc_to_text is not the record's prompt".format(doc["id"]))
        target = utils.doc_to_target(doc)
        check(target == records[doc["id"]]["answer"], "{}: doc_to_target is not the record's answer".format(doc["id"]))
        for gold in (target, "Let me reason step by step.\nFinal answer: {}".format(target),
                     "<think>maybe 12 or no</think>The answer is **{}**.".format(target)):
            gold_scores.append(utils.process_results(doc, [gold])["acc"])
        wrong = wrong_answer(doc)
        for response in (wrong, "So the final answer: {}".format(wrong), ""):
            wrong_scores.append(utils.process_results(doc, [response])["acc"])
        mixed.append(utils.process_results(doc, [target if k % 3 == 0 else wrong])["acc"])
    return gold_scores, wrong_scores, mixed


def main():
    with tempfile.TemporaryDirectory(prefix="rung-lm-eval-") as tmp:
        cb = os.path.join(tmp, "cb.jsonl")
        ladder = os.path.join(tmp, "ladder.jsonl")
        run("generate", "--preset", "counterbench", "--difficulty", "1", "-n", "16", "--seed", "4", "-o", cb)
        run("generate", "--preset", "ladder", "--difficulty", "1", "-n", "24", "--seed", "4", "-o", ladder)
        both = os.path.join(tmp, "mixed.jsonl")
        with open(both, "w") as out:
            for name in (cb, ladder):
                with open(name) as f:
                    out.write(f.read())
        records = {}
        with open(both) as f:
            for line in f:
                record = json.loads(line)
                records[record["id"]] = record

        task_dir = os.path.join(tmp, "task")
        run("export", both, "--format", "lm-eval", "-o", task_dir, "--task", "rung_mixed")
        with open(os.path.join(task_dir, "rung_mixed.yaml")) as f:
            config = yaml.load(f, Loader=Loader)
        for key in ("task", "dataset_path", "dataset_kwargs", "test_split", "output_type", "doc_to_text", "doc_to_target",
                    "process_results", "metric_list", "generation_kwargs"):
            check(key in config, "the YAML has no {}".format(key))
        check(config["task"] == "rung_mixed", "task is {}".format(config["task"]))
        check(config["dataset_path"] == "json", "dataset_path is {}".format(config["dataset_path"]))
        check(config["output_type"] == "generate_until", "output_type")
        for hook in ("doc_to_text", "doc_to_target", "process_results"):
            check(config[hook] == ("function", "utils." + hook), "{} is {}".format(hook, config[hook]))
        check([m["metric"] for m in config["metric_list"]] == ["acc"], "metric_list")
        data_file = config["dataset_kwargs"]["data_files"][config["test_split"]]
        check(os.path.isabs(data_file) and os.path.exists(data_file), "data_files: {}".format(data_file))
        with open(data_file) as f:
            docs = [json.loads(line) for line in f]
        check(len(docs) == len(records), "{} docs for {} records".format(len(docs), len(records)))
        kinds = {doc["kind"] for doc in docs}
        check({"yes_no", "numeric"} <= kinds, "kinds exercised: {}".format(sorted(kinds)))

        # Every field the hooks read exists in every doc.
        with open(os.path.join(task_dir, "utils.py")) as f:
            fields = set(re.findall(r'doc\["(\w+)"\]', f.read()))
        check({"prompt", "answer", "kind", "record", "id"} <= fields, "fields read by utils.py: {}".format(sorted(fields)))
        for doc in docs:
            missing = fields - doc.keys()
            check(not missing, "{}: no {}".format(doc["id"], sorted(missing)))

        # The fallback (no rung module), then a rung module whose check fails (a warning, then the fallback).
        failing = types.SimpleNamespace(check=lambda dataset, responses: 1 / 0)
        for label, module in (("fallback", None), ("failing rung.check", failing)):
            utils = load_utils(task_dir, module)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                gold, wrong, mixed = harness_loop(utils, docs, records)
            check(all(s == 1.0 for s in gold), "{}: gold answers score {}/{}".format(label, sum(gold), len(gold)))
            check(all(s == 0.0 for s in wrong), "{}: wrong answers score {}/{}".format(label, sum(wrong), len(wrong)))
            expected = sum(1 for k in range(len(docs)) if k % 3 == 0) / len(docs)
            check(abs(sum(mixed) / len(mixed) - expected) < 1e-12,
                  "{}: accuracy {} on a third gold, expected {}".format(label, sum(mixed) / len(mixed), expected))
            check((len(caught) == 1) == (module is not None), "{}: {} warnings".format(label, len(caught)))

        # A rung module that scores: process_results returns its accuracy.
        scoring = types.SimpleNamespace(check=lambda dataset, responses: types.SimpleNamespace(accuracy=1.0))
        utils = load_utils(task_dir, scoring)
        check(utils.process_results(docs[0], ["anything"]) == {"acc": 1.0}, "rung.check's accuracy is not used")

        # hf: the card's front matter and the split files.
        hf_dir = os.path.join(tmp, "hf")
        run("export", cb, "--format", "hf", "-o", hf_dir, "--splits", "train=10,validation=2,test=4", "--no-verify")
        with open(os.path.join(hf_dir, "README.md")) as f:
            card = f.read()
        front = card.split("---\n")[1]
        meta = yaml.safe_load(front)
        check(meta["license"] == "unknown", "license {}".format(meta.get("license")))
        check("question-answering" in meta["task_categories"], "task_categories {}".format(meta.get("task_categories")))
        files = meta["configs"][0]["data_files"]
        check([f["split"] for f in files] == ["train", "validation", "test"], "splits {}".format(files))
        total = 0
        for entry in files:
            with open(os.path.join(hf_dir, entry["path"])) as f:
                rows = [json.loads(line) for line in f]
            total += len(rows)
            check(all(row["split"] == entry["split"] for row in rows), "{}: a row of another split".format(entry["path"]))
            check(all(isinstance(json.loads(row["model"]), dict) for row in rows), "{}: model is not JSON text".format(entry["path"]))
        check(total == 16, "{} rows in the split files".format(total))

        # Refused: a non-empty directory without --force (exit 2, a message naming it).
        again = subprocess.run([RUNG, "export", cb, "--format", "hf", "-o", hf_dir], capture_output=True, text=True)
        check(again.returncode == 2 and "not empty" in again.stderr, "non-empty -o: {} {}".format(again.returncode, again.stderr))

    if failures:
        for f in failures:
            print("FAIL:", f, file=sys.stderr)
        return 1
    print("lm-eval and hf exports read as the harnesses read them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
