#include "rung/check/export.hpp"
#include "rung/cli/commands.hpp"
#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <memory>
#include <ostream>

namespace rung::cli {

void add_export(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand(
      "export", "Export a dataset as an lm-evaluation-harness task or a Hugging Face datasets folder (docs/exports.md)");
  struct Args {
    std::string dataset;
    std::string format;
    std::string output;
    std::string task;
    std::string splits;
    std::string license = "unknown";
    bool force = false;
    bool no_verify = false;
    bool learners = false;
    unsigned threads = 1;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("DATASET", a->dataset, "Records of rung generate or rung import, or CounterBench/CLadder records (JSONL or a JSON array)")
      ->required();
  cmd->add_option("--format", a->format, "lm-eval (a task for lm-evaluation-harness) | hf (a Hugging Face datasets folder)")
      ->required()
      ->check(CLI::IsMember({"lm-eval", "hf"}));
  cmd->add_option("-o,--output", a->output, "The directory to write (created; refused when not empty, unless --force)")->required();
  cmd->add_option("--task", a->task, "lm-eval: the task name (default rung_ + the dataset's file name)");
  cmd->add_option("--splits", a->splits,
                  "For records without a \"split\" field: e.g. train=800,validation=100,test=100, whole structures per split; "
                  "the counts add up to the records (default: every record in test)");
  cmd->add_option("--license", a->license, "hf: the dataset card's licence (a Hugging Face licence id)")->capture_default_str();
  cmd->add_flag("--force", a->force, "Write into a non-empty directory (files of the same name are replaced)");
  cmd->add_flag("--no-verify", a->no_verify, "hf: do not re-solve the records for the card's audit (done up to 5,000 records)");
  cmd->add_flag("--learners", a->learners, "hf: add the cross-validated learned shortcuts to the card's audit (slower)");
  cmd->add_option("--threads", a->threads, "Threads for the card's audit (the output does not depend on it)")
      ->capture_default_str()
      ->check(whole_number(1, 256));
  cmd->callback([=] {
    *action = [a](Streams s) {
      ExportOptions o;
      o.format = a->format == "hf" ? ExportFormat::hf : ExportFormat::lm_eval;
      o.dataset = a->dataset;
      o.task = a->task;
      o.splits = a->splits;
      o.license = a->license;
      o.force = a->force;
      if (a->no_verify) o.verify_up_to = 0;
      o.learners = a->learners;
      o.threads = a->threads;
      const ExportReport r = export_dataset(a->output, o);
      std::string splits;
      for (const auto& [name, n] : r.splits) splits += fmt::format("{}{} {}", splits.empty() ? "" : ", ", name, n);
      s.err << fmt::format("rung export: {} records ({}) into {}: {}\n", r.records, splits, a->output, fmt::join(r.files, ", "));
      return 0;
    };
  });
}

}  // namespace rung::cli
