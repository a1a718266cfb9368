#include "rung/cli/commands.hpp"

#include "rung/core/error.hpp"
#include "rung/import/cladder.hpp"
#include "rung/import/counterbench.hpp"
#include "rung/io/input_file.hpp"
#include "rung/io/model_file.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <ostream>

namespace rung::cli {

namespace {

struct ImportArgs {
  std::string file;
  std::string meta_models;
  std::string output;
  bool json = false;
  double tolerance = 1e-6;
  bool cross_check = false;
};

/// Writes the records (if asked) and the report; exit 1 when some item could not be read.
int finish(const ImportResult& result, const ImportArgs& a, Streams s) {
  if (!a.output.empty()) {
    write_file_atomically(a.output, [&](std::ostream& out) {
      for (const auto& r : result.records) out << r.dump() << '\n';
    });
  }
  s.out << (a.json ? report_json(to_json(result.report)) : to_text(result.report));
  return result.report.not_parsed.empty() ? 0 : static_cast<int>(ExitCode::bad_input);
}

void common_options(CLI::App* cmd, ImportArgs& a) {
  cmd->add_option("-o,--output", a.output, "Write the imported items as rung records (JSONL), atomically");
  cmd->add_flag("--json", a.json, "Print the report as JSON");
  cmd->add_option("--tolerance", a.tolerance, "A numeric label agrees when |stored - exact| <= this")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            double value = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec == std::errc() && end == text.data() + text.size() && value >= 0 && std::isfinite(value)) return {};
            return fmt::format("'{}' is not a non-negative number such as 1e-6", text);
          },
          "NUMBER >= 0"));
  cmd->add_flag("--cross-check", a.cross_check, "Solve every query by enumeration too; stop if the methods differ");
}

}  // namespace

void add_import(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand("import", "Import a public benchmark, re-solve every item exactly, report wrong labels");
  cmd->require_subcommand(1);

  auto cb = std::make_shared<ImportArgs>();
  auto* counterbench = cmd->add_subcommand("counterbench", "Import CounterBench (JSON array or JSONL)");
  counterbench->add_option("FILE", cb->file, "CounterBench file, e.g. CounterBenchDataset_100.json")->required();
  common_options(counterbench, *cb);
  counterbench->callback([=] {
    *action = [cb](Streams s) {
      InputFile in(cb->file);
      CounterbenchImportOptions options;
      options.file = std::filesystem::path(cb->file).filename().string();
      options.tolerance = cb->tolerance;
      options.cross_check = cb->cross_check;
      return finish(import_counterbench(in, options), *cb, s);
    };
  });

  auto cl = std::make_shared<ImportArgs>();
  auto* cladder = cmd->add_subcommand("cladder", "Import CLadder: a questions file (every query type, from the items alone), or a models file");
  cladder->add_option("FILE", cl->file, "CLadder items (e.g. test-generate-easy.json, cladder-v1-q-balanced.json) or models (test-model-meta.json)")->required();
  cladder->add_option("--meta-models", cl->meta_models, "Optional: the models file the items' meta.model_id refer to (adds the exact-model verdict)");
  common_options(cladder, *cl);
  cladder->callback([=] {
    *action = [cl](Streams s) {
      InputFile in(cl->file);
      CladderImportOptions options;
      options.file = std::filesystem::path(cl->file).filename().string();
      options.tolerance = cl->tolerance;
      options.cross_check = cl->cross_check;
      if (cl->meta_models.empty()) return finish(import_cladder(in, nullptr, options), *cl, s);
      InputFile models(cl->meta_models);
      options.models_file = std::filesystem::path(cl->meta_models).filename().string();
      return finish(import_cladder(in, &models, options), *cl, s);
    };
  });
}

}  // namespace rung::cli
