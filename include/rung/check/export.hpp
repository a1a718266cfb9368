#pragma once
/// \file
/// Exports a dataset for the tools that score language models (`rung export`, docs/exports.md):
/// an lm-evaluation-harness task, or a Hugging Face datasets folder with a dataset card.
///
///     rung::ExportOptions o{.format = rung::ExportFormat::hf, .dataset = "data.jsonl"};
///     rung::ExportReport r = rung::export_dataset("out/", o);
///     // out/data/train.jsonl, out/data/validation.jsonl, out/data/test.jsonl, out/README.md
///
/// Input: the records of `rung generate` (SPEC §5), of `rung import` (-o RECORDS), or
/// CounterBench/CLadder records (JSONL, or one JSON array); every record needs an id (`id`, else
/// `question_id`) and an answer that rung::gold_item reads. A record that cannot be read stops
/// the export with an Error naming the file and line.
///
/// lm-eval (`-o DIR`): `DIR/TASK.yaml` (task TASK, dataset_path json, data_files the absolute
/// paths of the docs, test_split test, output_type generate_until, the hooks in `DIR/utils.py`),
/// `DIR/utils.py` (doc_to_text, doc_to_target, process_results: rung's checker when `import rung`
/// works, else its own normalised exact match, with rung's numeric tolerance 1/200), and the docs
/// `DIR/TASK.jsonl` (`DIR/TASK.SPLIT.jsonl` a split when the records have splits; a test split is
/// required): one doc a line with id, prompt, answer, kind, type, query_type, rung, split, and the
/// whole record as JSON text under `record`.
///
/// hf (`-o DIR`): `DIR/data/SPLIT.jsonl` for each split that has records (the records' `split`
/// field, or `--splits`, else everything in test), one row a record with its nested fields
/// (objects and arrays) as JSON text so that every column has one type; `DIR/README.md`, the
/// dataset card: YAML front matter (configs, license, task categories), the fields, the licence,
/// the generation command read from the records' `meta.options`, and an audit summary.
///
/// Output is deterministic: the same input and options give the same bytes (the card's audit
/// does not depend on threads).

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rung {

enum class ExportFormat { lm_eval, hf };

struct ExportOptions {
  ExportFormat format = ExportFormat::hf;
  std::string dataset;       ///< the dataset file to read (named in messages and in the card)
  std::string task{};        ///< lm-eval task name; empty: "rung_" + the dataset's stem, sanitised
  /// hf: splits for records that have no `split` field, "train=800,validation=100,test=100":
  /// whole structures go to one split (docs/exports.md); the counts add up to the records.
  std::string splits{};
  std::string license = "unknown";  ///< the card's license (a Hugging Face licence identifier)
  bool force = false;        ///< write into a non-empty directory (files of the same name are replaced)
  /// The card's audit: re-solve every record when there are at most this many (0: never).
  std::size_t verify_up_to = 5000;
  bool learners = false;     ///< the card's audit: the cross-validated learned shortcuts too (slow)
  unsigned threads = 1;
};

struct ExportReport {
  std::size_t records = 0;
  std::vector<std::pair<std::string, std::size_t>> splits;  ///< split -> records, as written
  std::vector<std::string> files;                           ///< written, relative to the directory
};

/// Writes the export into directory `dir` (created with its parents). Throws UsageError when
/// `dir` is a non-empty directory and `force` is off, or for bad options; Error naming the file
/// and line for a record that cannot be read.
ExportReport export_dataset(const std::string& dir, const ExportOptions& options);

/// Assigns groups to splits with exact sizes: `sizes[g]` records in group g (in the order to
/// fill), `counts` the split sizes. Fills split 1, then 2, ...; each takes the first groups
/// (in order) that still fit, so every group lies in one split. Returns the split of each group;
/// throws UsageError when the counts do not add up to the records or the groups cannot fill them
/// exactly.
[[nodiscard]] std::vector<std::size_t> assign_splits(const std::vector<std::size_t>& sizes,
                                                     const std::vector<std::pair<std::string, std::uint64_t>>& counts);

/// The `rung generate` command that makes a run with these options (GeneratorOptions::to_json(),
/// a record's `meta.options`): the preset, -n, --seed, --difficulty and every knob that differs
/// from the preset's value at that difficulty.
[[nodiscard]] std::string generate_command(const std::string& options_json);

}  // namespace rung
