#include "rung/check/checker.hpp"
#include "rung/cli/commands.hpp"
#include "rung/core/error.hpp"
#include "rung/io/input_file.hpp"
#include "rung/io/model_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <limits>
#include <fstream>
#include <ostream>

namespace rung::cli {

void add_check(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand(
      "check",
      "Score model responses against a dataset: accuracy with 95% intervals, and which mistake each wrong "
      "answer matches");
  struct Args {
    std::string dataset;
    std::string responses;
    bool json = false;
    std::string tolerance = "0.005";
    std::string output;
    std::size_t max_listed = 10;
    bool require_all = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("DATASET", a->dataset, "Dataset JSONL (rung generate output, CounterBench or CLadder records)")
      ->required();
  cmd->add_option(
         "RESPONSES", a->responses,
         "Responses JSONL: an id and the model's text per line ({\"id\", \"response\"}, OpenAI/Anthropic batch "
         "results, lm-eval-harness samples)")
      ->required();
  cmd->add_flag("--json", a->json, "Print the report as JSON, with every item's verdict");
  cmd->add_option(
         "--tolerance", a->tolerance,
         "Numeric items: an answer this close to the exact value is correct (a decimal or fraction; 0 = exact)")
      ->capture_default_str();
  cmd->add_option("-o,--output", a->output, "Write the report to this file (atomically) instead of standard output");
  cmd->add_option("--max-listed", a->max_listed, "Items listed per list: wrong, unanswered, problems (0 = all)")
      ->capture_default_str()
      ->check(whole_number(0, std::numeric_limits<std::uint32_t>::max()));
  cmd->add_flag("--require-all", a->require_all, "Exit with status 1 when a dataset record has no response");
  cmd->callback([=] {
    *action = [a](Streams s) {
      const auto tolerance = try_parse_rational(a->tolerance);
      if (!tolerance || *tolerance < 0) {
        throw UsageError(fmt::format(
            "--tolerance {}: expected a non-negative decimal or fraction such as 0.005 or 1/200", a->tolerance));
      }
      InputFile dataset(a->dataset);
      InputFile responses(a->responses);
      CheckOptions options;
      options.tolerance = *tolerance;
      options.max_listed = a->max_listed;
      options.dataset_file = std::filesystem::path(a->dataset).filename().string();
      options.responses_file = std::filesystem::path(a->responses).filename().string();
      const CheckReport report = check_responses(dataset, responses, options);
      const std::string text = a->json ? report_json(to_json(report)) : to_text(report);
      if (a->output.empty()) {
        s.out << text;
      } else {
        write_file_atomically(a->output, text);
      }
      // Files that do not line up are bad input: exit 1 after the full report.
      const bool bad = report.malformed_count + report.unknown_count + report.duplicate_count > 0 ||
                       (a->require_all && report.missing_count > 0) || report.all.items == 0;
      if (report.all.items == 0) s.err << "rung: error: no response matched a dataset record\n";
      return bad ? 1 : 0;
    };
  });
}

}  // namespace rung::cli
