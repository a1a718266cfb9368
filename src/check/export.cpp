#include "rung/check/export.hpp"

#include "export_lm_eval_utils.hpp"
#include "rung/check/audit.hpp"
#include "rung/check/checker.hpp"
#include "rung/check/learners.hpp"
#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/core/text.hpp"
#include "rung/gen/options.hpp"
#include "rung/io/input_file.hpp"
#include "rung/io/output_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <unordered_map>

namespace rung {

namespace {

namespace fs = std::filesystem;

/// One record of the dataset, with where it came from.
struct Record {
  std::size_t line = 0;  ///< 1-based line of the file (array elements: their index, 1-based)
  ordered_json json;
  GoldItem gold;
  std::string split;  ///< the `split` field, or the one --splits assigns
};

std::string kind_name(AnswerKind k) {
  switch (k) {
    case AnswerKind::yes_no: return "yes_no";
    case AnswerKind::numeric: return "numeric";
    case AnswerKind::interval: return "interval";
  }
  return "yes_no";
}

/// The records of `path`: JSONL (blank lines skipped) or one JSON array.
std::vector<Record> read_records(const std::string& path) {
  InputFile in(path);
  const std::string text = in.read_rest();
  std::vector<Record> out;
  auto add = [&](std::size_t line, ordered_json j) {
    Record r;
    r.line = line;
    try {
      r.gold = gold_item(j);
    } catch (const Error& e) {
      throw Error(fmt::format("{}:{}: {}", path, line, e.what()));
    }
    if (const auto it = j.find("split"); it != j.end()) {
      if (!it->is_string() || it->get<std::string>().empty()) {
        throw Error(fmt::format("{}:{}: \"split\" must be a non-empty string, found {}", path, line, it->dump()));
      }
      r.split = it->get<std::string>();
    }
    r.json = std::move(j);
    out.push_back(std::move(r));
  };
  const std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start != std::string::npos && text[start] == '[') {
    ordered_json all;
    try {
      all = ordered_json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw Error(fmt::format("{}: not valid JSON ({})", path, e.what()));
    }
    std::size_t index = 0;
    for (auto& j : all) add(++index, std::move(j));
  } else {
    std::size_t line = 0;
    std::size_t at = 0;
    while (at < text.size()) {
      std::size_t end = text.find('\n', at);
      if (end == std::string::npos) end = text.size();
      ++line;
      const std::string_view l(text.data() + at, end - at);
      at = end + 1;
      if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      ordered_json j;
      try {
        j = ordered_json::parse(l);
      } catch (const nlohmann::json::parse_error& e) {
        throw Error(fmt::format("{}:{}: not valid JSON ({})", path, line, e.what()));
      }
      add(line, std::move(j));
    }
  }
  if (out.empty()) throw Error(fmt::format("{}: no records", path));
  return out;
}

/// Sets each record's split: its own `split` field (all or none must have one), --splits by
/// structure, or "test".
void assign(std::vector<Record>& records, const ExportOptions& options) {
  const auto with = static_cast<std::size_t>(std::count_if(records.begin(), records.end(), [](const Record& r) { return !r.split.empty(); }));
  if (with > 0 && with < records.size()) {
    const auto it = std::find_if(records.begin(), records.end(), [](const Record& r) { return r.split.empty(); });
    throw Error(fmt::format("{}:{}: no \"split\" field, but other records have one", options.dataset, it->line));
  }
  if (with > 0) {
    if (!options.splits.empty()) {
      throw UsageError(fmt::format("--splits {}: the records of {} have their own \"split\" field already", options.splits, options.dataset));
    }
    return;
  }
  if (options.splits.empty()) {
    for (auto& r : records) r.split = "test";
    return;
  }
  const auto counts = parse_splits(options.splits);
  // Groups: records with one fold_key (learners.hpp: the same structure, or without one the same
  // text up to the variable names: name variants of a file that names no structure), each kept
  // as its key's FNV-1a and taken in that order.
  std::vector<std::uint64_t> keys;
  std::unordered_map<std::uint64_t, std::size_t> group_of;  // looked up only
  std::vector<std::size_t> record_group(records.size());
  std::vector<std::size_t> sizes;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const ordered_json& j = records[i].json;
    const auto text_of = [&](const char* field) {
      const auto f = j.find(field);
      return f != j.end() && f->is_string() ? std::optional<std::string>(f->get<std::string>()) : std::nullopt;
    };
    const std::optional<std::string> structure = text_of("structure");
    std::string read_text;  // what a model reads: only a record without a structure needs it
    if (!structure) read_text = text_of("prompt").value_or(text_of("given_info").value_or("") + " " + text_of("question").value_or(""));
    const std::uint64_t key = fnv1a64(fold_key(structure, read_text, {}));
    auto [g, fresh] = group_of.try_emplace(key, keys.size());
    if (fresh) {
      keys.push_back(key);
      sizes.push_back(0);
    }
    ++sizes[g->second];
    record_group[i] = g->second;
  }
  std::vector<std::size_t> order(keys.size());
  for (std::size_t g = 0; g < order.size(); ++g) order[g] = g;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  std::vector<std::size_t> ordered_sizes;
  for (const std::size_t g : order) ordered_sizes.push_back(sizes[g]);
  const std::vector<std::size_t> split_of_ordered = assign_splits(ordered_sizes, counts);
  std::vector<std::size_t> split_of(keys.size());
  for (std::size_t k = 0; k < order.size(); ++k) split_of[order[k]] = split_of_ordered[k];
  for (std::size_t i = 0; i < records.size(); ++i) records[i].split = counts[split_of[record_group[i]]].first;
}

/// The splits in the order to write them: train, validation, test, then the others by name.
std::vector<std::pair<std::string, std::size_t>> split_counts(const std::vector<Record>& records) {
  std::map<std::string, std::size_t> n;
  for (const auto& r : records) ++n[r.split];
  std::vector<std::pair<std::string, std::size_t>> out;
  for (const char* s : {"train", "validation", "test"}) {
    if (auto it = n.find(s); it != n.end()) {
      out.emplace_back(it->first, it->second);
      n.erase(it);
    }
  }
  for (const auto& [s, c] : n) out.emplace_back(s, c);
  return out;
}

/// Creates `dir`; refuses a non-empty one without --force.
void prepare_directory(const fs::path& dir, bool force) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw UsageError(fmt::format("-o {}: exists and is not a directory", dir.string()));
    if (!force && fs::directory_iterator(dir, ec) != fs::directory_iterator()) {
      throw UsageError(fmt::format("-o {}: the directory is not empty (--force writes into it, replacing files of the same name)",
                                   dir.string()));
    }
  }
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("-o {}: cannot create the directory: {}", dir.string(), ec.message()));
}

/// The record with a `split` field set to its split (added after `id` when it had none).
ordered_json with_split(const Record& r) {
  if (r.json.contains("split")) return r.json;
  ordered_json out = ordered_json::object();
  for (const auto& [key, v] : r.json.items()) {
    out[key] = v;
    if (key == "id") out["split"] = r.split;
  }
  if (!out.contains("split")) out["split"] = r.split;
  return out;
}

/// The audit of the records as exported (with their splits), for the card.
AuditReport audit_of(const std::vector<Record>& records, const ExportOptions& options) {
  std::stringstream all;
  for (const auto& r : records) all << with_split(r).dump() << '\n';
  AuditOptions a;
  a.verify = options.verify_up_to > 0 && records.size() <= options.verify_up_to;
  a.threads = options.threads;
  a.file = options.dataset;
  a.learners.enabled = options.learners;
  return audit_dataset(all, a);
}

std::string percent(double x) { return fmt::format("{:.1f}%", 100 * x); }

/// "rung_" + the dataset's stem, with every character other than [A-Za-z0-9_] as '_'.
std::string task_name(const ExportOptions& options) {
  if (!options.task.empty()) {
    for (const char c : options.task) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '-') {
        throw UsageError(fmt::format("--task {}: a task name is letters, digits, '_' and '-'", options.task));
      }
    }
    return options.task;
  }
  std::string stem = fs::path(options.dataset).stem().string();
  for (char& c : stem) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  }
  return "rung_" + stem;
}

/// A YAML double-quoted scalar.
std::string yaml_quoted(std::string_view s) { return ordered_json(std::string(s)).dump(); }

// ---- the Hugging Face card

struct FieldDoc {
  const char* name;
  const char* text;
};

constexpr FieldDoc kFields[] = {
    {"id", "stable string, unique in the dataset"},
    {"split", "the split the record belongs to (whole structures per split)"},
    {"given_info", "natural-language facts: mechanisms, priors or observed facts"},
    {"question", "natural-language question"},
    {"prompt", "the full text to give a model: background, given_info, question and how to answer"},
    {"answer", "`yes`/`no`/`undetermined`, a fraction string for numeric questions, or `[a, b]` for bounds"},
    {"value", "exact fraction string and decimal of the quantity behind the answer"},
    {"decision", "how the value decides a yes/no answer"},
    {"type", "CounterBench type where it applies: basic, joint, nested, conditional (or the preset's type)"},
    {"query_type", "marginal, correlation, ate, ett, nde, nie, pn, ps, pns, det_counterfactual, ..."},
    {"rung", "1, 2 or 3 (association, intervention, counterfactual)"},
    {"formal_query", "the question in rung's query notation, in the model's variable names"},
    {"model", "the full SCM in rung's JSON form, with the names used in the text"},
    {"name_style", "nonsense, letters, words"},
    {"difficulty", "level and the measured knobs (variables, edges, path length, interventions, nesting, evidence, reasoning steps)"},
    {"identification", "for questions stated in observed quantities: hidden variables, identifiability, estimand, stated numbers"},
    {"reasoning", "gold trace: abduction, action, prediction with intermediate values"},
    {"distractors", "the answer each common wrong procedure gives"},
    {"structure", "hash of the item up to renaming of variables: equal for name variants of one item"},
    {"seed", "the item's own seed"},
    {"question_id", "CounterBench's item key"},
    {"meta", "CounterBench/CLadder-compatible fields (story_id, graph_id, query_type, rung, model_id) and the generator options"},
};

/// The `rung generate` commands of the records' `meta.options`, in order of first appearance.
std::vector<std::string> generation_commands(const std::vector<Record>& records, std::size_t& without) {
  std::vector<std::string> seen;
  std::vector<std::string> out;
  without = 0;
  for (const auto& r : records) {
    const auto meta = r.json.find("meta");
    if (meta == r.json.end() || !meta->is_object() || !meta->contains("options")) {
      ++without;
      continue;
    }
    const std::string text = (*meta)["options"].dump();
    if (std::find(seen.begin(), seen.end(), text) != seen.end()) continue;
    seen.push_back(text);
    try {
      out.push_back(generate_command(text));
    } catch (const Error&) {
      ++without;
    }
  }
  return out;
}

std::string dataset_card(const std::vector<Record>& records, const std::vector<std::pair<std::string, std::size_t>>& splits,
                         const AuditReport& audit, const ExportOptions& options) {
  std::string out = "---\n";
  out += fmt::format("license: {}\n", options.license);
  out += "task_categories:\n- question-answering\n- text-generation\nlanguage:\n- en\ntags:\n- causal-inference\n"
         "- counterfactual-reasoning\n- structural-causal-models\n- rung\n";
  out += "configs:\n- config_name: default\n  data_files:\n";
  for (const auto& [split, n] : splits) out += fmt::format("  - split: {}\n    path: data/{}.jsonl\n", split, split);
  out += "---\n\n";
  const std::string name = fs::path(options.dataset).stem().string();
  out += fmt::format("# {}\n\nCausal reasoning questions with exact answers, exported by `rung export --format hf` from "
                     "`{}`: {} records.\n\n",
                     name, fs::path(options.dataset).filename().string(), records.size());
  out += "| split | records |\n|---|---|\n";
  for (const auto& [split, n] : splits) out += fmt::format("| {} | {} |\n", split, n);
  if (audit.with_structure == 0) {
    out += "\nThe records carry no `structure` field: whether items of one structure are in several splits is not known.\n";
  } else {
    out += "\nEvery structure (an item up to renaming of its variables, the `structure` field) lies in one split only";
    if (audit.splits.shared_structures > 0) {
      out += fmt::format(", except **{} structures found in more than one split** (see the audit below)", audit.splits.shared_structures);
    }
    out += ".\n";
  }
  out += "\n```python\nfrom datasets import load_dataset\nds = load_dataset(\"path/to/this/folder\")   # or: "
         "load_dataset(\"json\", data_dir=\"path/to/this/folder/data\")\nrecord = ds[\"" +
         splits.front().first + "\"][0]\nimport json; model = json.loads(record[\"model\"])   # nested fields are JSON text\n```\n\n";

  // Fields, in the order of the first record, then any other field of later records.
  std::vector<std::string> fields;
  for (const auto& r : records) {
    const ordered_json j = with_split(r);
    for (const auto& [key, v] : j.items()) {
      if (std::find(fields.begin(), fields.end(), key) == fields.end()) fields.push_back(key);
    }
  }
  out += "## Fields\n\nOne JSON object a line. Objects and arrays (marked *JSON text*) are stored as JSON strings, so that "
         "every column has one type; read them with `json.loads`.\n\n| field | content |\n|---|---|\n";
  for (const auto& f : fields) {
    const auto* doc = std::find_if(std::begin(kFields), std::end(kFields), [&](const FieldDoc& d) { return f == d.name; });
    bool nested = false;
    for (const auto& r : records) {
      const auto it = r.json.find(f);
      if (it != r.json.end() && it->is_structured()) {
        nested = true;
        break;
      }
    }
    out += fmt::format("| `{}` | {}{} |\n", f, doc != std::end(kFields) ? doc->text : "(a field of the source records)",
                       nested ? " (*JSON text*)" : "");
  }

  out += "\n## Licence\n\n";
  out += options.license == "unknown"
             ? "No licence was declared for this export (`license: unknown`; `rung export --license ID` sets one). "
               "Records imported from CounterBench or CLadder keep their source's terms.\n"
             : fmt::format("Released under `{}`. Records imported from CounterBench or CLadder keep their source's terms.\n",
                           options.license);

  out += "\n## How it was made\n\n";
  std::size_t without = 0;
  const auto commands = generation_commands(records, without);
  if (!commands.empty()) {
    out += "Generated by rung with (from the records' `meta.options`; the same command makes the same "
           "bytes):\n\n```sh\n";
    for (const auto& c : commands) out += c + "\n";
    out += "```\n\n";
  }
  if (without > 0) {
    out += fmt::format("{} records carry no generator options (`meta.options`): imported or made by other tools.\n\n", without);
  }
  out += fmt::format("Exported with `rung export {} --format hf{}{}`.\n", fs::path(options.dataset).filename().string(),
                     options.splits.empty() ? "" : " --splits " + options.splits,
                     options.license == "unknown" ? "" : " --license " + options.license);

  out += "\n## Audit (`rung audit`)\n\n";
  const AnswerBalance& b = audit.answers;
  out += fmt::format("Answers: {} yes, {} no, {} undetermined, {} numeric, {} intervals, {} other (yes share {}).\n\n", b.yes, b.no,
                     b.undetermined, b.numeric, b.interval, b.other, percent(b.yes_share()));
  if (!audit.answers_by_type.empty()) {
    out += "| type | records | yes | no | undetermined | numeric |\n|---|---|---|---|---|---|\n";
    for (const auto& t : audit.types) {
      const AnswerBalance& a = audit.answers_by_type.at(t);
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", t, a.records, a.yes, a.no, a.undetermined, a.numeric + a.interval);
    }
    out += "\n";
  }
  for (const BaselineTable* t : {&audit.yes_no, &audit.numeric}) {
    if (t->records == 0 || t->max_shortcut < 0) continue;
    const Baseline& best = t->baselines[static_cast<std::size_t>(t->max_shortcut)];
    out += fmt::format("Best shortcut rule on the {} {} answers: `{}` ({}) at {}", t->records, t->population, best.name,
                       best.description, percent(best.all.rate()));
    if (t->max_text_shortcut >= 0) {
      const Baseline& text = t->baselines[static_cast<std::size_t>(t->max_text_shortcut)];
      out += fmt::format("; best rule that reads only the text: `{}` at {}", text.name, percent(text.all.rate()));
    }
    out += ".\n\n";
  }
  if (audit.learned.enabled) out += "Learned shortcuts (cross-validated):\n\n```\n" + to_text(audit.learned) + "```\n\n";
  if (audit.with_structure == 0) {
    out += "Structures: no record has a `structure` field, so no split can be checked for shared structures";
    out += options.splits.empty() ? ".\n\n"
                                  : ": each record was assigned on its own, and name variants of one item may be in different "
                                    "splits. `rung import` rebuilds CounterBench and CLadder records with their structures.\n\n";
  } else {
    out += fmt::format("Structures: {} distinct in {} records with one, {} unexpected repeats; structures in more than one split: {}.\n\n",
                       audit.distinct_structures, audit.with_structure, audit.unexpected_repeats, audit.splits.shared_structures);
  }
  if (audit.verification_enabled && audit.checked == 0) {
    out += "Re-verification: no record carries a model and a formal query to re-solve.\n";
  } else if (audit.verification_enabled) {
    out += fmt::format("Re-verification: {} records re-solved exactly, {} verified, {} mismatched, {} failed.\n", audit.checked,
                       audit.verified, audit.mismatched, audit.failed);
  } else {
    out += "Re-verification: not run at export (large dataset); `rung audit` re-solves every record.\n";
  }
  return out;
}

/// A row of the HF files: top-level fields, objects and arrays as JSON text.
std::string hf_row(const Record& r) {
  const ordered_json record = with_split(r);  // named: a temporary would die before the loop's body
  ordered_json row = ordered_json::object();
  for (const auto& [key, v] : record.items()) row[key] = v.is_structured() ? ordered_json(v.dump()) : v;
  return row.dump();
}

ExportReport export_hf(const fs::path& dir, std::vector<Record>& records, const ExportOptions& options) {
  ExportReport report;
  report.records = records.size();
  report.splits = split_counts(records);
  fs::create_directories(dir / "data");
  for (const auto& [split, n] : report.splits) {
    std::string text;
    for (const auto& r : records) {
      if (r.split == split) text += hf_row(r) + '\n';
    }
    write_file_atomically(dir / "data" / (split + ".jsonl"), text);
    report.files.push_back("data/" + split + ".jsonl");
  }
  const AuditReport audit = audit_of(records, options);
  write_file_atomically(dir / "README.md", dataset_card(records, report.splits, audit, options));
  report.files.emplace_back("README.md");
  return report;
}

/// The lm-eval doc of a record: what the hooks read, and the whole record as JSON text.
std::string lm_eval_doc(const Record& r, const ExportOptions& options) {
  ordered_json d = ordered_json::object();
  d["id"] = r.gold.id;
  const auto prompt = r.json.find("prompt");
  if (prompt != r.json.end() && prompt->is_string()) {
    d["prompt"] = *prompt;
  } else {
    // CounterBench/CLadder records: the facts, then the question.
    const auto given = r.json.find("given_info");
    const auto question = r.json.find("question");
    if (question == r.json.end() || !question->is_string()) {
      throw Error(fmt::format("{}:{}: no \"prompt\" and no \"question\" (a string) to ask", options.dataset, r.line));
    }
    // How to answer, as rung's own prompts end.
    const char* how = r.gold.kind == AnswerKind::yes_no     ? "Answer yes or no."
                      : r.gold.kind == AnswerKind::interval ? "Give the answer as an interval [a, b]."
                                                            : "Give the answer as a number.";
    d["prompt"] = (given != r.json.end() && given->is_string() ? given->get<std::string>() + "\n" : std::string()) +
                  question->get<std::string>() + "\n" + how;
  }
  d["answer"] = r.gold.answer;
  d["kind"] = kind_name(r.gold.kind);
  d["type"] = "";
  d["query_type"] = "";
  for (const auto& [field, value] : r.gold.groups) {
    if (field == "type" || field == "query_type") d[field] = value;
  }
  d["rung"] = 0;  // unknown
  for (const auto& [field, value] : r.gold.groups) {
    if (field == "rung" && (value == "1" || value == "2" || value == "3")) d["rung"] = value[0] - '0';  // the record's, or meta's
  }
  d["split"] = r.split;
  d["record"] = r.json.dump();
  return d.dump();
}

ExportReport export_lm_eval(const fs::path& dir, std::vector<Record>& records, const ExportOptions& options) {
  const std::string task = task_name(options);
  ExportReport report;
  report.records = records.size();
  report.splits = split_counts(records);
  if (std::none_of(report.splits.begin(), report.splits.end(), [](const auto& s) { return s.first == "test"; })) {
    throw Error(fmt::format("{}: no record of the test split (the records' \"split\" fields name only {}); lm-eval scores the test split",
                            options.dataset, report.splits.front().first));
  }
  // One file a split: TASK.jsonl with the test split alone, else TASK.SPLIT.jsonl each.
  const bool one = report.splits.size() == 1;
  std::string data_files;
  for (const auto& [split, n] : report.splits) {
    std::string docs;
    for (const auto& r : records) {
      if (r.split == split) docs += lm_eval_doc(r, options) + '\n';
    }
    const std::string name = one ? task + ".jsonl" : task + "." + split + ".jsonl";
    const fs::path data = fs::absolute(dir / name).lexically_normal();
    write_file_atomically(data, docs);
    report.files.push_back(name);
    data_files += fmt::format("    {}: {}\n", split, yaml_quoted(data.string()));
  }
  auto has = [&](const char* split) {
    return std::any_of(report.splits.begin(), report.splits.end(), [&](const auto& s) { return s.first == split; });
  };
  std::string yaml;
  yaml += fmt::format("# lm-evaluation-harness task written by `rung export {} --format lm-eval` ({} questions).\n",
                      fs::path(options.dataset).filename().string(), records.size());
  yaml += "# Run: lm_eval --model hf --model_args pretrained=MODEL --include_path THIS_DIRECTORY --tasks " + task + "\n";
  yaml += "# data_files are absolute paths: export again (or edit them) after moving this directory.\n";
  yaml += fmt::format("task: {}\n", task);
  yaml += "dataset_path: json\n";
  yaml += "dataset_kwargs:\n  data_files:\n" + data_files;
  if (has("train")) yaml += "training_split: train\n";
  if (has("validation")) yaml += "validation_split: validation\n";
  yaml += "test_split: test\n";
  yaml += "output_type: generate_until\n";
  yaml += "doc_to_text: !function utils.doc_to_text\n";
  yaml += "doc_to_target: !function utils.doc_to_target\n";
  yaml += "process_results: !function utils.process_results\n";
  yaml += "generation_kwargs:\n  until: []\n  do_sample: false\n  temperature: 0.0\n  max_gen_toks: 2048\n";
  yaml += "metric_list:\n  - metric: acc\n    aggregation: mean\n    higher_is_better: true\n";
  yaml += "metadata:\n  version: 1.0\n";
  write_file_atomically(dir / (task + ".yaml"), yaml);
  write_file_atomically(dir / "utils.py", detail::lm_eval_utils_py());
  report.files.insert(report.files.begin(), {task + ".yaml", "utils.py"});
  return report;
}

}  // namespace

std::vector<std::size_t> assign_splits(const std::vector<std::size_t>& sizes,
                                       const std::vector<std::pair<std::string, std::uint64_t>>& counts) {
  std::uint64_t records = 0;
  for (const auto s : sizes) records += s;
  std::uint64_t wanted = 0;
  for (const auto& c : counts) wanted += c.second;
  if (wanted != records) {
    throw UsageError(fmt::format("--splits {}: the splits hold {} records but the dataset has {}; they must add up", splits_text(counts),
                                 wanted, records));
  }
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> out(sizes.size(), kNone);
  std::size_t first_free = 0;
  for (std::size_t s = 0; s < counts.size(); ++s) {
    std::uint64_t room = counts[s].second;
    for (std::size_t g = first_free; g < sizes.size() && room > 0; ++g) {
      if (out[g] != kNone || sizes[g] > room) continue;
      out[g] = s;
      room -= sizes[g];
    }
    if (room > 0) {
      throw UsageError(fmt::format("--splits {}: split '{}' cannot hold exactly {} records with whole structures (records that "
                                   "share a structure stay together); choose counts that fit the groups",
                                   splits_text(counts), counts[s].first, counts[s].second));
    }
    while (first_free < sizes.size() && out[first_free] != kNone) ++first_free;
  }
  return out;
}

std::string generate_command(const std::string& options_json) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(options_json);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("generator options: not valid JSON ({})", e.what()));
  }
  const GeneratorOptions o = GeneratorOptions::from_json(j);
  const ordered_json mine = o.to_json();
  const ordered_json preset = preset_options(o.preset, o.difficulty).to_json();
  std::string out = fmt::format("rung generate --preset {} -n {} --seed {} --difficulty {}", o.preset, o.count, o.seed, o.difficulty);
  for (const auto& [key, v] : mine.items()) {
    if (key == "preset" || key == "seed" || key == "count" || key == "difficulty") continue;
    if (preset.contains(key) && preset[key] == v) continue;
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    if (key == "deterministic") {
      out += v.get<bool>() ? " --deterministic" : " --noisy";
    } else if (v.is_array()) {
      std::vector<std::string> items;
      for (const auto& e : v) items.push_back(e.get<std::string>());
      out += fmt::format(" {} {}", flag, fmt::join(items, ","));
    } else if (v.is_string()) {
      out += fmt::format(" {} {}", flag, v.get<std::string>());
    } else {
      out += fmt::format(" {} {}", flag, v.dump());
    }
  }
  return out;
}

ExportReport export_dataset(const std::string& dir, const ExportOptions& options) {
  if (options.format == ExportFormat::lm_eval) (void)task_name(options);  // a bad --task before any writing
  std::vector<Record> records = read_records(options.dataset);
  assign(records, options);
  const fs::path out(dir);
  prepare_directory(out, options.force);
  return options.format == ExportFormat::hf ? export_hf(out, records, options) : export_lm_eval(out, records, options);
}

}  // namespace rung
