#include "rung/cli/commands.hpp"

#include "rung/core/error.hpp"
#include "rung/infer/solver.hpp"
#include "rung/infer/trace.hpp"
#include "rung/io/describe.hpp"
#include "rung/io/dot.hpp"
#include "rung/io/model_file.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include <fmt/format.h>

#include <map>
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

void add_solve(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand("solve", "Answer a query exactly (all three rungs)");
  struct Args {
    std::string file;
    std::string query;
    bool json = false;
    bool trace = false;
    bool floating = false;
    std::string method = "ve";
    std::size_t max_cells = SolverOptions{}.max_factor_cells;
    std::map<std::string, std::vector<std::string>> estimands;
    std::string treated = "1";
    std::string control = "0";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("MODEL", a->file, "Model file (.scm text or .json)")->required();
  auto* q = cmd->add_option("-q,--query", a->query, "Query in rung notation, e.g. 'P(Y[X=0]=1 | X=1, Y=1)'");
  cmd->add_flag("--json", a->json, "Print the answer (and trace) as JSON");
  cmd->add_flag("--trace", a->trace, "Show abduction, action and prediction with exact values");
  cmd->add_option("--method", a->method, "Inference method")
      ->check(CLI::IsMember({"ve", "variable-elimination", "enumerate", "enumeration"}))
      ->capture_default_str();
  cmd->add_flag("--float", a->floating, "Also compute the value in double precision (fast path)");
  cmd->add_option("--max-factor-cells", a->max_cells, "Refuse intermediate factors larger than this")
      ->capture_default_str();
  std::vector<CLI::Option*> named;
  for (const char* kind : {"ate", "ett", "pn", "ps", "pns"}) {
    named.push_back(cmd->add_option(fmt::format("--{}", kind), a->estimands[kind],
                                    fmt::format("{} of treatment X on outcome Y: --{} X Y", kind, kind))
                        ->expected(2)
                        ->type_name("X Y"));
  }
  for (const char* kind : {"nde", "nie"}) {
    named.push_back(cmd->add_option(fmt::format("--{}", kind), a->estimands[kind],
                                    fmt::format("{} of X on Y through mediator M: --{} X M Y", kind, kind))
                        ->expected(3)
                        ->type_name("X M Y"));
  }
  cmd->add_option("--treated", a->treated, "Treatment value x of a named estimand")->capture_default_str();
  cmd->add_option("--control", a->control, "Baseline value x' of a named estimand")->capture_default_str();
  for (auto* opt : named) {
    q->excludes(opt);
    for (auto* other : named) {
      if (other != opt) opt->excludes(other);
    }
  }
  cmd->callback([=] {
    *action = [a](Streams s) {
      Scm m = read_model_file(a->file);
      Query query;
      bool have = false;
      for (const auto& [kind, args] : a->estimands) {
        if (args.empty()) continue;
        Estimand e;
        e.kind = *estimand_kind(kind);
        e.treatment = args[0];
        e.mediator = args.size() == 3 ? args[1] : "";
        e.outcome = args.back();
        e.treated = a->treated;
        e.control = a->control;
        query = make_query(e, m);
        have = true;
      }
      if (!have) {
        if (a->query.empty()) throw UsageError("solve: give a query with -q or a named estimand such as --ate X Y");
        query = parse_query(a->query, m);
      }
      SolverOptions options;
      options.method = *method_from_string(a->method);
      options.max_factor_cells = a->max_cells;
      options.trace = a->trace;
      const Answer answer = solve(m, query, options);
      const std::string text = to_string(query, m);
      if (a->json) {
        nlohmann::ordered_json j;
        j["query"] = text;
        j["rung"] = rung_of(query);
        j["method"] = options.method == Method::enumeration ? "enumeration" : "variable-elimination";
        j["value"] = {{"fraction", to_string(answer.value)}, {"decimal", to_decimal(answer.value, 6)}};
        if (a->floating) j["double"] = solve_double(m, query, options);
        if (answer.trace) j["trace"] = to_json(*answer.trace);
        s.out << j.dump(2) << '\n';
        return 0;
      }
      if (answer.trace) s.out << to_text(*answer.trace, m) << '\n';
      s.out << fmt::format("{} = {} ≈ {}\n", text, to_string(answer.value), to_decimal(answer.value, 6));
      if (a->floating) s.out << fmt::format("double precision: {:.17g}\n", solve_double(m, query, options));
      return 0;
    };
  });
}

}  // namespace rung::cli
