#include "rung/cli/commands.hpp"

#include "rung/check/audit.hpp"
#include "rung/core/error.hpp"
#include "rung/core/text.hpp"
#include "rung/gen/generator.hpp"
#include "rung/infer/solver.hpp"
#include "rung/infer/trace.hpp"
#include "rung/io/describe.hpp"
#include "rung/io/dot.hpp"
#include "rung/io/input_file.hpp"
#include "rung/io/model_file.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <filesystem>
#include <limits>
#include <map>
#include <ostream>

namespace rung::cli {

std::string report_json(const nlohmann::ordered_json& report) {
  return report.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (!digits) return fmt::format("'{}' is not a whole number (expected {} to {})", text, lo, hi);
        if (ec == std::errc::result_out_of_range || end != text.data() + text.size() || value < lo || value > hi) {
          return fmt::format("{} is not in the range {} to {}", text, lo, hi);
        }
        return {};
      },
      fmt::format("INT in {}..{}", lo, hi));
}

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
          for (const auto& d : e.diagnostics()) s.err << for_terminal(d.to_string()) << '\n';
          s.err << fmt::format("{}: {} problem{}\n", for_terminal(file), e.diagnostics().size(), e.diagnostics().size() == 1 ? "" : "s");
          status = e.exit_code();
        } catch (const Error& e) {
          s.err << "rung: error: " << for_terminal(e.what()) << '\n';
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
      ->capture_default_str()
      ->check(whole_number(1, std::numeric_limits<std::uint32_t>::max()));
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
        try {
          query = parse_query(a->query, m);
        } catch (const InvalidQuery& e) {
          // Say where the mistake is: in the query, not in the model file.
          const std::string what = e.what();
          throw InvalidQuery(what.starts_with("column ") ? "query, " + what : "query: " + what);
        }
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

namespace {

/// "I/N" -> (I, N); UsageError otherwise.
std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      std::size_t used_i = 0;
      std::size_t used_n = 0;
      const auto i = std::stoull(text.substr(0, slash), &used_i);
      const auto n = std::stoull(text.substr(slash + 1), &used_n);
      if (used_i == slash && used_n == text.size() - slash - 1 && n >= 1 && i >= 1 && i <= n) return {i, n};
    }
  } catch (const std::exception&) {
  }
  throw UsageError(fmt::format("--shard {}: expected I/N with 1 <= I <= N (I counts from 1)", text));
}

}  // namespace

void add_generate(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand("generate", "Generate a seeded benchmark dataset (JSONL, one item a line)");
  struct Args {
    std::string preset = "counterbench";
    std::uint64_t count = 100;
    std::uint64_t seed = 1;
    std::string output;
    unsigned threads = 1;
    std::string shard = "1/1";
    int difficulty = 2;
    std::optional<int> min_variables, max_variables, max_in_degree, min_path_length, interventions, evidence_count,
        name_variants, domain_size, nesting_depth;
    std::optional<std::string> name_style;
    bool deterministic = false, noisy = false;
    std::vector<std::string> types, mechanisms;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--preset", a->preset, "counterbench | cladder | ladder (each a documented set of knob defaults)")->capture_default_str();
  cmd->add_option("-n,--count", a->count, "Number of items (in all shards together)")->capture_default_str()
      ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  cmd->add_option("--seed", a->seed, "Master seed: same seed and options give byte-identical output")->capture_default_str()
      ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  cmd->add_option("-o,--output", a->output, "Write to this file (atomically) instead of standard output");
  cmd->add_option("--threads", a->threads, "Worker threads (output does not depend on it)")->capture_default_str()
      ->check(whole_number(1, 256));
  cmd->add_option("--shard", a->shard, "Make only shard I of N: I counts from 1 (1/4 .. 4/4); the N shards concatenated equal the whole")
      ->capture_default_str();
  cmd->add_option("--difficulty", a->difficulty, "Level 1..5; sets the knobs below (which override it)")
      ->capture_default_str()
      ->check(whole_number(1, 5));
  cmd->add_option("--min-variables", a->min_variables, "Endogenous variables per model, at least");
  cmd->add_option("--max-variables", a->max_variables, "Endogenous variables per model, at most");
  cmd->add_option("--max-in-degree", a->max_in_degree, "Endogenous parents per variable, at most");
  cmd->add_option("--min-path-length", a->min_path_length, "Arcs on the treatment -> outcome path, at least");
  cmd->add_option("--interventions", a->interventions, "Variables set in a joint question");
  cmd->add_option("--evidence-count", a->evidence_count, "Observations in a conditional question");
  cmd->add_option("--nesting-depth", a->nesting_depth, "Depth of nested settings (ladder: 1..4)");
  cmd->add_option("--domain-size", a->domain_size, "Values of the non-treatment, non-outcome variables (ladder: 2..4)");
  cmd->add_option("--types", a->types,
                  "Question types, comma-separated. counterbench: basic,joint,nested,conditional; cladder: marginal,"
                  "correlation,explaining_away,ate,backdoor_set,collider_bias,ett,nde,nie,det_counterfactual; ladder: "
                  "marginal,conditional,intervention,ate,ett,nde,counterfactual,joint,nested,pn,ps,pns")
      ->delimiter(',');
  cmd->add_option("--mechanisms", a->mechanisms, "Mechanism kinds (and or not copy xor threshold table)")->delimiter(',');
  auto* deterministic = cmd->add_flag("--deterministic", a->deterministic,
                                      "Only roots (and a hidden confounder) are random (ladder; counterbench always)");
  cmd->add_flag("--noisy", a->noisy, "Every variable has noise of its own (ladder's default; cladder always)")
      ->excludes(deterministic);
  cmd->add_option("--name-style", a->name_style, "nonsense | letters | words");
  cmd->add_option("--name-variants", a->name_variants, "Emit each structure with this many name sets");
  cmd->callback([=] {
    *action = [a](Streams s) {
      GeneratorOptions o = preset_options(a->preset, a->difficulty);
      o.count = a->count;
      o.seed = a->seed;
      if (a->min_variables) o.min_variables = *a->min_variables;
      if (a->max_variables) o.max_variables = *a->max_variables;
      if (a->max_in_degree) o.max_in_degree = *a->max_in_degree;
      if (a->min_path_length) o.min_path_length = *a->min_path_length;
      if (a->interventions) o.interventions = *a->interventions;
      if (a->evidence_count) o.evidence_count = *a->evidence_count;
      if (a->name_variants) o.name_variants = *a->name_variants;
      if (a->domain_size) o.domain_size = *a->domain_size;
      if (a->nesting_depth) o.nesting_depth = *a->nesting_depth;
      if (!a->types.empty()) o.types = a->types;
      if (!a->mechanisms.empty()) o.mechanisms = a->mechanisms;
      if (a->deterministic) o.deterministic = true;
      if (a->noisy) o.deterministic = false;
      if (a->name_style) {
        auto style = name_style_from_string(*a->name_style);
        if (!style) throw UsageError(fmt::format("--name-style {}: expected nonsense, letters or words", *a->name_style));
        o.name_style = *style;
      }
      o.validate();
      const auto [shard, shards] = parse_shard(a->shard);
      Generator gen(o);
      RunOptions run;
      run.threads = a->threads;
      run.shard = shard;
      run.shards = shards;
      const bool progress = ::isatty(STDERR_FILENO) != 0;
      const auto start = std::chrono::steady_clock::now();
      if (progress) {
        run.progress = [&s, start](std::uint64_t done, std::uint64_t total) {
          const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          s.err << fmt::format("\rrung generate: {}/{} items ({:.0f} items/s)", done, total,
                               seconds > 0 ? static_cast<double>(done) / seconds : 0.0)
                << std::flush;
        };
      }
      if (a->output.empty()) {
        gen.write(s.out, run);
      } else {
        write_file_atomically(a->output, [&](std::ostream& out) { gen.write(out, run); });
      }
      if (progress) s.err << '\n';
      return 0;
    };
  });
}

void add_audit(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand(
      "audit",
      "Audit a dataset: counts, balance, shortcut baselines, learned shortcuts, duplicates, re-verification of every answer");
  struct Args {
    std::string file;
    bool json = false;
    bool no_verify = false;
    unsigned threads = 1;
    std::size_t max_listed = 10;
    bool no_learners = false;
    unsigned folds = 5;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("DATASET", a->file, "JSONL records (rung, CounterBench or CLadder), or a JSON array of them")
      ->required();
  cmd->add_flag("--json", a->json, "Print the report as JSON");
  cmd->add_flag("--no-verify", a->no_verify, "Skip re-solving every record by enumeration");
  cmd->add_option("--threads", a->threads, "Threads for re-verification and the learners (the report does not depend on it)")
      ->capture_default_str()
      ->check(whole_number(1, 256));
  cmd->add_option("--max-listed", a->max_listed, "Items listed per problem list (0 = all)")
      ->capture_default_str()
      ->check(whole_number(0, std::numeric_limits<std::uint32_t>::max()));
  cmd->add_flag("--no-learners", a->no_learners,
                "Skip the learned-shortcut audit (cross-validated logistic regression and boosted trees)");
  cmd->add_option("--folds", a->folds, "Folds of the learners' cross-validation")
      ->capture_default_str()
      ->check(whole_number(2, 100));
  cmd->callback([=] {
    *action = [a](Streams s) {
      InputFile in(a->file);
      AuditOptions options;
      options.verify = !a->no_verify;
      options.threads = a->threads;
      options.max_listed = a->max_listed;
      options.learners.enabled = !a->no_learners;
      options.learners.folds = a->folds;
      options.file = std::filesystem::path(a->file).filename().string();
      const bool progress = ::isatty(STDERR_FILENO) != 0;
      if (progress) {
        options.progress = [&s](const AuditProgress& p) {
          s.err << fmt::format("\rrung audit: {} records read, {} re-solved", p.records, p.verified) << std::flush;
        };
      }
      const AuditReport report = audit_dataset(in, options);
      if (progress) s.err << '\n';
      s.out << (a->json ? report_json(to_json(report)) : to_text(report));
      // Wrong stored answers or unreadable records are bad input: exit 1 after the full report.
      return report.malformed_count + report.mismatched + report.failed > 0 ? 1 : 0;
    };
  });
}

}  // namespace rung::cli
