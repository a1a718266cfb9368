#include "rung/cli/commands.hpp"

#include "rung/core/error.hpp"
#include "rung/io/describe.hpp"
#include "rung/io/dot.hpp"
#include "rung/io/model_file.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include <fmt/format.h>

#include <ostream>

namespace rung::cli {

void add_validate(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand("validate", "Check model files; print every problem with line:column");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("MODEL", *files, "Model files (.scm text or .json)")->required();
  cmd->callback([=] {
    *action = [files](Streams s) {
      int status = 0;
      for (const auto& file : *files) {
        try {
          Scm m = read_model_file(file);
          s.out << fmt::format("{}: ok ({} exogenous, {} endogenous variables)\n", file, m.exogenous().size(),
                               m.endogenous().size());
        } catch (const ParseError& e) {
          for (const auto& d : e.diagnostics()) s.err << d.to_string() << '\n';
          s.err << fmt::format("{}: {} problem{}\n", file, e.diagnostics().size(), e.diagnostics().size() == 1 ? "" : "s");
          status = e.exit_code();
        } catch (const Error& e) {
          s.err << "rung: error: " << e.what() << '\n';
          status = e.exit_code();
        }
      }
      return status;
    };
  });
}

void add_show(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand("show", "Print a model's variables, domains, priors, mechanisms and graph");
  auto file = std::make_shared<std::string>();
  auto dot = std::make_shared<bool>(false);
  cmd->add_option("MODEL", *file, "Model file (.scm text or .json)")->required();
  cmd->add_flag("--dot", *dot, "Print the causal graph as Graphviz DOT (render with: dot -Tpng)");
  cmd->callback([=] {
    *action = [file, dot](Streams s) {
      Scm m = read_model_file(*file);
      s.out << (*dot ? to_dot(m) : describe(m));
      return 0;
    };
  });
}

void add_convert(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand("convert", "Convert a model between the .scm text and JSON forms");
  auto file = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  cmd->add_option("MODEL", *file, "Model file (.scm text or .json)")->required();
  cmd->add_option("--to", *to, "Target format")->required()->check(CLI::IsMember({"json", "scm"}));
  cmd->add_option("-o,--output", *output, "Write to this file (atomically) instead of standard output");
  cmd->callback([=] {
    *action = [file, to, output](Streams s) {
      Scm m = read_model_file(*file);
      const std::string text = *to == "json" ? write_scm_json(m) : write_scm_text(m);
      if (output->empty()) {
        s.out << text;
      } else {
        write_file_atomically(*output, text);
      }
      return 0;
    };
  });
}

}  // namespace rung::cli
