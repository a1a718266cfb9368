// The tool's subcommands that read and write models and datasets (validate, show, convert, solve,
// generate, audit, ...), one add_* function each. One file past ~800 lines because each command is
// only option declarations and a call into the library; the larger commands have their own files
// (check, import, identify, linear, merge, export).
#include "rung/cli/commands.hpp"

#include "rung/check/audit.hpp"
#include "rung/core/deadline.hpp"
#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/core/progress.hpp"
#include "rung/identify/admg.hpp"
#include "rung/core/text.hpp"
#include "rung/gen/generator.hpp"
#include "rung/gen/knobs.hpp"
#include "rung/infer/solver.hpp"
#include "rung/infer/trace.hpp"
#include "rung/io/bif.hpp"
#include "rung/io/describe.hpp"
#include "rung/io/dot.hpp"
#include "rung/io/input_file.hpp"
#include "rung/io/model_file.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"
#include "rung/io/uai.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <filesystem>
#include <limits>
#include <optional>
#include <map>
#include <iostream>
#include <memory>
#include <ostream>
#include <sstream>
#include <vector>

namespace rung::cli {

std::string report_json(const rung::ordered_json& report) {
  return report.dump(2, ' ', false, rung::ordered_json::error_handler_t::replace) + "\n";
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

extern const char* const kNormalizeHelp =
    "Networks (BIF, UAI): rescale CPT rows that do not sum to exactly 1 (e.g. bnlearn's 0.9999999) instead of "
    "refusing them; the largest correction is reported on standard error";

std::vector<VarId> hidden_variables(const Scm& m, const std::vector<std::string>& names, const std::string& file) {
  std::vector<VarId> ids = m.hidden();
  for (const auto& name : names) {
    const auto v = m.find(name);
    if (!v) throw UsageError(fmt::format("--hidden {}: no variable of that name in {}", name, file));
    if (m.is_exogenous(*v)) {
      throw UsageError(fmt::format("--hidden {}: {} is exogenous, and exogenous variables are never observed (one shared by "
                                   "several mechanisms is a hidden confounder already)",
                                   name, name));
    }
    ids.push_back(*v);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Scm read_model(const std::string& file, bool normalize, std::ostream& err) {
  ModelReadOptions options;
  options.normalize_cpts = normalize;
  CptReport report;
  options.report = &report;
  Scm m = read_model_file(file, options);
  if (report.rows_rescaled > 0) {
    err << fmt::format("rung: note: {}: rescaled {} CPT row{} to sum to 1; largest correction {} in {}\n", file,
                       report.rows_rescaled, report.rows_rescaled == 1 ? "" : "s",
                       to_decimal(report.largest_correction, 12), report.largest_where);
  }
  return m;
}

namespace {

bool is_network_file(const std::string& file) {
  const std::filesystem::path p(file);
  const std::string ext = p.extension() == ".gz" ? p.stem().extension().string() : p.extension().string();
  return ext == ".bif" || ext == ".uai" || ext == ".xmlbif" || ext == ".xml";
}

}  // namespace

void add_validate(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand("validate", "Check model files; print every problem with line:column");
  auto files = std::make_shared<std::vector<std::string>>();
  auto normalize = std::make_shared<bool>(false);
  cmd->add_option("MODEL", *files, "Model files (.scm text, .json, or a network: .bif, .uai, .xml(bif), optionally .gz)")->required();
  cmd->add_flag("--normalize-cpts", *normalize, kNormalizeHelp);
  cmd->callback([=] {
    *action = [files, normalize](Streams s) {
      int status = 0;
      for (const auto& file : *files) {
        try {
          if (is_linear_file(file)) {
            s.out << validate_linear(file);
            continue;
          }
          Scm m = read_model(file, *normalize, s.err);
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
  auto normalize = std::make_shared<bool>(false);
  cmd->add_option("MODEL", *file, "Model file (.scm text, .json, or a network: .bif, .uai, .xml(bif), optionally .gz)")->required();
  cmd->add_flag("--dot", *dot, "Print the causal graph as Graphviz DOT (render with: dot -Tpng)");
  auto admg = std::make_shared<bool>(false);
  auto hidden = std::make_shared<std::vector<std::string>>();
  cmd->add_flag("--admg", *admg,
                "With --dot: the observed variables' graph instead (ADMG: hidden common causes as dashed two-headed "
                "arcs; docs/identification.md)");
  cmd->add_option("--hidden", *hidden,
                  "With --admg: endogenous variables that are not observed, comma-separated (besides those the model "
                  "marks hidden)")->delimiter(',');
  cmd->add_flag("--normalize-cpts", *normalize, kNormalizeHelp);
  cmd->callback([=] {
    *action = [file, dot, normalize, admg, hidden](Streams s) {
      if (is_linear_file(*file)) return show_linear(*file, *dot, *admg || !hidden->empty(), s);
      Scm m = read_model(*file, *normalize, s.err);
      if ((*admg || !hidden->empty()) && !*dot) throw UsageError("--admg and --hidden draw the observed graph: add --dot");
      if (*admg || !hidden->empty()) {
        s.out << Admg::of(m, hidden_variables(m, *hidden, *file)).to_dot();
        return 0;
      }
      const auto endogenous = m.endogenous();
      const bool cpts = std::any_of(endogenous.begin(), endogenous.end(), [&](VarId v) { return m.mechanism(v).is_cpt(); });
      if (!*dot && cpts) {
        s.out << (is_network_file(*file) ? "Bayesian network, read as its canonical SCM"
                                         : "Conditional probability tables (X ~ cpt), read through the canonical SCM")
              << ": one noise variable U_X per CPT,\n"
                 "X := the inverse CDF of its CPT row at U_X (docs/networks.md §3). Rung-1 and rung-2 answers are the\n"
                 "CPTs'; rung-3 answers are this SCM's: CPTs alone do not determine counterfactuals.\n\n";
      }
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
  auto normalize = std::make_shared<bool>(false);
  cmd->add_option("MODEL", *file, "Model file (.scm text, .json, or a network: .bif, .uai, .xml(bif), optionally .gz)")->required();
  cmd->add_option("--to", *to, "Target format (bif: models whose variables have independent noise)")
      ->required()
      ->check(CLI::IsMember({"json", "scm", "bif"}));
  cmd->add_option("-o,--output", *output, "Write to this file (atomically) instead of standard output");
  cmd->add_flag("--normalize-cpts", *normalize, kNormalizeHelp);
  cmd->callback([=] {
    *action = [file, to, output, normalize](Streams s) {
      if (is_linear_file(*file)) return convert_linear(*file, *to, *output, s);
      Scm m = read_model(*file, *normalize, s.err);
      std::string text;
      if (*to == "bif") {
        BayesNet net = to_bayes_net(m);
        net.name = std::filesystem::path(*file).stem().string();
        if (net.name.ends_with(".bif") || net.name.ends_with(".uai")) net.name.resize(net.name.size() - 4);
        text = write_bif(net);
      } else {
        text = *to == "json" ? write_scm_json(m) : write_scm_text(m);
      }
      if (output->empty()) {
        s.out << text;
      } else {
        write_file_atomically(*output, text);
      }
      return 0;
    };
  });
}

namespace {

/// What `--float` prints instead of a double that underflowed (issue #15, item 11): evidence of
/// probability ~1e-402 is exact but below double's range.
constexpr const char* kUnderflow =
    "underflow: the evidence's probability is below double precision's range (about 1e-308); the exact value stands";

/// The double beside an exact answer (`--float`); nullopt when double arithmetic finds the evidence
/// impossible although the exact computation did not (an underflow, never an error).
template <class Asked>
auto beside(const Scm& m, const Asked& asked, const SolverOptions& options) -> std::optional<decltype(solve_double(m, asked, options))> {
  try {
    return solve_double(m, asked, options);
  } catch (const ZeroProbabilityEvidence&) {
    return std::nullopt;
  }
}

/// `--double` alone: the double path's zero-probability evidence may be an underflow, so it says so.
template <class Asked>
auto double_only(const Scm& m, const Asked& asked, const SolverOptions& options) {
  try {
    return solve_double(m, asked, options);
  } catch (const ZeroProbabilityEvidence& e) {
    throw Error(fmt::format("{} in double precision: the evidence's probability is 0 or below double's range (about "
                            "1e-308); without --double the exact computation tells which",
                            e.what()));
  }
}

/// How one exact answer is printed.
struct AnswerFormat {
  bool json = false;      ///< a JSON object (one line in a batch, indented otherwise)
  bool floating = false;  ///< the double beside the exact value (--float)
  bool batch = false;     ///< one line per query
  int digits = 6;         ///< decimal places of the exact value's decimal form
};

/// One query's exact answer (a single `-q`, a named estimand or a batch line), with its trace and
/// the double beside it when asked.
void print_answer(std::ostream& out, const Scm& m, const Query& query, const Answer& answer, const SolverOptions& options,
                  const AnswerFormat& f) {
  const std::string shown = to_string(query, m);
  // The double beside the exact value (plain members: GCC 12 calls an optional<double>'s payload
  // maybe-uninitialized here).
  double dv = 0;
  bool underflow = false;
  if (f.floating) {
    if (const auto d = beside(m, query, options)) {
      dv = *d;
    } else {
      underflow = true;
    }
  }
  if (f.json) {
    rung::ordered_json j;
    j["query"] = shown;
    j["rung"] = rung_of(query);
    j["method"] = answer.method == Method::enumeration ? "enumeration" : "variable-elimination";
    j["value"] = {{"fraction", to_string(answer.value)}, {"decimal", to_decimal(answer.value, f.digits)}};
    if (f.floating) {
      j["double"] = underflow ? rung::ordered_json(nullptr) : rung::ordered_json(dv);
      if (underflow) j["double_note"] = kUnderflow;
    }
    if (answer.trace) j["trace"] = to_json(*answer.trace);
    out << (f.batch ? j.dump() : j.dump(2)) << '\n';
    return;
  }
  if (answer.trace) out << to_text(*answer.trace, m) << '\n';
  out << fmt::format("{} = {} ≈ {}", shown, to_string(answer.value), to_decimal(answer.value, f.digits));
  if (f.floating) {
    const std::string shown_double = underflow ? std::string(kUnderflow) : fmt::format("{:.17g}", dv);
    out << (f.batch ? fmt::format(" (double {})", shown_double) : fmt::format("\ndouble precision: {}", shown_double));
  }
  out << '\n';
}

/// `text` with `conditions` added to the conditions of every top-level P(...) or E(...): after
/// its '|' if it has one, else as ` | conditions`. Quoted labels are skipped.
std::string with_evidence(std::string_view text, std::string_view conditions) {
  std::string out;
  int depth = 0;
  bool bar = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      std::string label;
      const std::size_t n = read_quoted_label(text, i, label);
      if (n > 0) {
        out.append(text.substr(i, n));
        i += n - 1;
        continue;
      }
    }
    if (c == '(' || c == '[' || c == '{') {
      if (depth == 0) bar = false;
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (depth == 1 && c == ')') {
        out += bar ? ", " : " | ";
        out += conditions;
      }
      depth = std::max(depth - 1, 0);
    } else if (c == '|' && depth == 1) {
      bar = true;
    }
    out += c;
  }
  return out;
}

/// One query to answer, with where it came from (for messages).
struct Asked {
  std::string text;
  int line = 0;  ///< in the --queries file; 0 for -q
};

/// The labels of one cell of a distribution: `BP=LOW` or `A=x, B[X=1]=y`.
std::string cell_text(const Scm& m, const Distribution& d, const DistributionAnswer& a, std::size_t cell) {
  std::vector<Value> values(d.targets.size());
  for (std::size_t i = d.targets.size(); i-- > 0;) {
    values[i] = static_cast<Value>(cell % a.cards[i]);
    cell /= a.cards[i];
  }
  std::string out;
  for (std::size_t i = 0; i < d.targets.size(); ++i) {
    if (i > 0) out += ", ";
    append_to_string(out, d.targets[i], m);
    out += '=';
    append_label(out, m.domain(d.targets[i].var).label(values[i]));
  }
  return out;
}

/// The number of values of each target of a distribution.
std::vector<std::uint32_t> target_cards_of(const Scm& m, const Distribution& d) {
  std::vector<std::uint32_t> cards;
  for (const auto& t : d.targets) cards.push_back(static_cast<std::uint32_t>(m.domain(t.var).size()));
  return cards;
}

}  // namespace

namespace {

/// The progress of one query on standard error (`rung solve --progress`, on by default when
/// standard error is a terminal): nothing for a query that ends within 2 s, then a report once a
/// second; on a terminal one line redrawn in place and erased when the query ends.
class QueryProgress {
 public:
  QueryProgress(std::ostream& err, bool enabled, bool terminal, const std::string& shown) : err_(err), terminal_(terminal) {
    if (!enabled) return;
    scope_.emplace([this, shown](const WorkProgress& p) {
      std::string line = fmt::format("rung solve: {}: {}", shown, p.done);
      if (p.total != 0) line += fmt::format(" of {}", p.total);
      line += p.stage == "enumerating" ? " combinations enumerated" : " variables eliminated";
      if (p.bytes != 0) line += fmt::format(", {:.1f} MB of exact numbers held", static_cast<double>(p.bytes) / 1e6);
      line += fmt::format(", {:.0f} s", p.elapsed.count());
      if (terminal_) err_ << '\r' << line << "\033[K" << std::flush;
      else err_ << line << '\n' << std::flush;
    });
  }
  ~QueryProgress() {
    if (scope_ && scope_->reported() && terminal_) err_ << "\r\033[K" << std::flush;
  }
  QueryProgress(const QueryProgress&) = delete;
  QueryProgress& operator=(const QueryProgress&) = delete;

 private:
  std::ostream& err_;
  bool terminal_;
  std::optional<ProgressScope> scope_;
};

}  // namespace

std::vector<QueryLine> read_query_lines(const std::string& file) {
  std::string all;
  if (file == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    all = std::move(buffer).str();
  } else {
    all = read_text_file(file);
  }
  std::vector<QueryLine> out;
  std::size_t begin = 0;
  int line = 0;
  while (begin < all.size()) {
    std::size_t end = all.find('\n', begin);
    if (end == std::string::npos) end = all.size();
    ++line;
    std::string_view text(all.data() + begin, end - begin);
    begin = end + 1;
    const auto hash = text.find('#');  // labels with '#' must not be written in query files
    if (hash != std::string_view::npos) text = text.substr(0, hash);
    text = trim(text);
    if (!text.empty()) out.push_back({std::string(text), line});
  }
  return out;
}

void add_solve(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand("solve", "Answer queries exactly (all three rungs), one with -q or a batch with --queries");
  struct Args {
    std::string file;
    std::string query;
    std::string queries;
    std::string evidence;
    bool json = false;
    bool trace = false;
    bool floating = false;
    bool double_only = false;
    bool normalize = false;
    std::optional<int> digits;
    std::string method = "ve";
    std::size_t max_cells = SolverOptions{}.max_factor_cells;
    std::optional<double> timeout;
    bool progress = false;
    bool no_progress = false;
    std::map<std::string, std::vector<std::string>> estimands;
    std::string treated = "1";
    std::string control = "0";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("MODEL", a->file, "Model file (.scm text, .json, or a network: .bif, .uai, .xml(bif), optionally .gz)")->required();
  auto* q = cmd->add_option("-q,--query", a->query,
                            "Query in rung notation, e.g. 'P(Y[X=0]=1 | X=1, Y=1)', or a distribution such as 'P(Y | X=1)'");
  auto* batch = cmd->add_option("--queries", a->queries,
                                "File of queries, one a line ('#' comments; '-' for standard input): one answer a line");
  q->excludes(batch);
  batch->excludes(q);
  cmd->add_option("--evidence", a->evidence,
                  "Conditions added to every query ('HYPOVOLEMIA=TRUE, CVP=LOW'), or a UAI evidence file for a .uai model");
  cmd->add_flag("--json", a->json, "Print the answer (and trace) as JSON; with --queries, one JSON object a line");
  cmd->add_flag("--trace", a->trace, "Show abduction, action and prediction with exact values");
  cmd->add_option("--method", a->method,
                  "Inference method (linear-Gaussian models: abduction, the default, or parallel-worlds)")
      ->check(CLI::IsMember({"ve", "variable-elimination", "enumerate", "enumeration", "abduction", "parallel-worlds"}))
      ->capture_default_str();
  auto* float_flag = cmd->add_flag("--float", a->floating, "Also compute the value in double precision (fast path)");
  cmd->add_flag("--double", a->double_only,
                "Compute in double precision only, never the exact value (large networks; -q and --queries)")
      ->excludes(float_flag);
  cmd->add_option("--digits", a->digits, "Decimal places shown (default: 6 for a value, 8 for a distribution)")
      ->check(whole_number(0, 60));
  cmd->add_option("--max-factor-cells", a->max_cells, "Refuse intermediate factors larger than this")
      ->capture_default_str()
      ->check(whole_number(1, std::numeric_limits<std::uint32_t>::max()));
  cmd->add_flag("--normalize-cpts", a->normalize, kNormalizeHelp);
  cmd->add_option("--timeout", a->timeout,
                  "Give up a query after this many seconds (each query of --queries on its own; the batch goes on)")
      ->check(CLI::Range(0.001, 1e6));
  auto* progress = cmd->add_flag("--progress", a->progress,
                                 "Report a query's progress on standard error after 2 s, once a second (the default when "
                                 "standard error is a terminal)");
  cmd->add_flag("--no-progress", a->no_progress, "Never report progress")->excludes(progress);
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
    batch->excludes(opt);
    for (auto* other : named) {
      if (other != opt) opt->excludes(other);
    }
  }
  cmd->callback([=] {
    *action = [a](Streams s) {
      const bool linear_method = a->method == "abduction" || a->method == "parallel-worlds";
      if (is_linear_file(a->file)) {
        // Linear-Gaussian queries are linear algebra on the variables a query reaches, with no
        // check points: a time limit or progress report would never fire, so they are refused.
        if (a->timeout) {
          throw UsageError(fmt::format("solve: --timeout applies to discrete models; {} is linear-Gaussian, whose queries "
                                       "are not interruptible (leave --timeout out)",
                                       a->file));
        }
        if (a->progress) {
          throw UsageError(fmt::format("solve: --progress applies to discrete models; {} is linear-Gaussian, whose queries "
                                       "report no progress (leave --progress out)",
                                       a->file));
        }
        LinearSolveArgs l;
        l.file = a->file;
        l.query = a->query;
        l.queries = a->queries;
        l.evidence = a->evidence;
        for (const auto& [kind, args] : a->estimands) {
          if (!args.empty()) {
            l.estimand = kind;
            l.estimand_args = args;
          }
        }
        if (l.estimand.empty() && l.query.empty() && l.queries.empty()) {
          throw UsageError("solve: give a query with -q, a file of queries with --queries, or a named estimand such as --ate X Y");
        }
        l.treated = a->treated;
        l.control = a->control;
        l.method = linear_method ? a->method : "abduction";
        l.json = a->json;
        l.trace = a->trace;
        l.floating = a->floating;
        l.double_only = a->double_only;
        l.digits = a->digits;
        return solve_linear(l, s);
      }
      if (linear_method) {
        throw UsageError(fmt::format("solve: --method {} is for linear-Gaussian models; {} is discrete (ve or enumerate)",
                                     a->method, a->file));
      }
      Scm m = read_model(a->file, a->normalize, s.err);
      SolverOptions options;
      options.method = *method_from_string(a->method);
      options.max_factor_cells = a->max_cells;
      options.trace = a->trace;
      const char* method_name = options.method == Method::enumeration ? "enumeration" : "variable-elimination";
      // --timeout: one limit per query. A timed-out exact query says what else there is.
      const auto limit = [&](std::optional<DeadlineScope>& scope) {
        if (a->timeout) scope.emplace(std::chrono::milliseconds(std::max<long long>(1, std::llround(*a->timeout * 1000))));
      };
      const bool terminal = ::isatty(STDERR_FILENO) != 0;
      const bool show_progress = a->progress || (terminal && !a->no_progress);
      const auto timed_out = [&](const TimedOut& e) {
        return a->double_only ? std::string(e.what())
                              : fmt::format("{} of exact arithmetic (--timeout); --double computes it in double "
                                            "precision, where the numbers stay small (not exact)",
                                            e.what());
      };

      // Named estimands: one query, built in code.
      for (const auto& [kind, args] : a->estimands) {
        if (args.empty()) continue;
        Estimand e;
        e.kind = *estimand_kind(kind);
        e.treatment = args[0];
        e.mediator = args.size() == 3 ? args[1] : "";
        e.outcome = args.back();
        e.treated = a->treated;
        e.control = a->control;
        const Query query = make_query(e, m);
        std::optional<DeadlineScope> scope;
        limit(scope);
        const QueryProgress watch(s.err, show_progress, terminal, to_string(query, m));
        if (a->double_only) {
          if (a->trace) throw UsageError("solve: --trace shows exact steps; it cannot be used with --double");
          s.out << fmt::format("{} ≈ {:.{}f} (double precision)\n", to_string(query, m), double_only(m, query, options),
                               a->digits.value_or(8));
          return 0;
        }
        try {
          print_answer(s.out, m, query, solve(m, query, options), options,
                       {.json = a->json, .floating = a->floating, .batch = false, .digits = a->digits.value_or(6)});
        } catch (const TimedOut& t) {
          throw TimedOut(timed_out(t));
        }
        return 0;
      }

      std::vector<Asked> asked;
      const bool is_batch = !a->queries.empty();
      if (is_batch) {
        if (a->trace) throw UsageError("solve: --trace shows one query's steps; it cannot be used with --queries");
        for (auto& entry : read_query_lines(a->queries)) asked.push_back({std::move(entry.text), entry.line});
      } else {
        if (a->query.empty()) {
          throw UsageError("solve: give a query with -q, a file of queries with --queries, or a named estimand such as --ate X Y");
        }
        asked.push_back({a->query, 0});
      }

      std::string conditions = a->evidence;
      if (!conditions.empty()) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(conditions, ec)) {
          const BayesNet net = read_network_file(a->file);
          std::vector<std::string> parts;
          for (const auto& [var, value] : read_uai_evidence(read_text_file(conditions), conditions, net)) {
            parts.push_back(var + "=" + write_label(value));
          }
          conditions = fmt::format("{}", fmt::join(parts, ", "));
        }
      }

      int status = 0;
      const std::string source = a->queries == "-" ? "<stdin>" : a->queries;
      for (const auto& item : asked) {
        const std::string text = conditions.empty() ? item.text : with_evidence(item.text, conditions);
        try {
          std::optional<DeadlineScope> scope;
          limit(scope);
          const QueryProgress watch(s.err, show_progress, terminal, text);
          Request request;
          try {
            request = parse_request(text, m);
          } catch (const InvalidQuery& e) {
            const std::string what = e.what();
            throw InvalidQuery(what.starts_with("column ") ? "query, " + what : "query: " + what);
          }
          if (a->double_only) {
            // The double path alone: no exact arithmetic at all.
            if (a->trace) throw UsageError("solve: --trace shows exact steps; it cannot be used with --double");
            const int digits = a->digits.value_or(a->json ? 17 : 8);
            if (const auto* d = std::get_if<Distribution>(&request)) {
              const std::vector<double> values = double_only(m, *d, options);
              const DistributionAnswer shape{target_cards_of(m, *d), {}};
              if (a->json) {
                rung::ordered_json j;
                j["query"] = to_string(*d, m);
                j["rung"] = rung_of(*d);
                j["method"] = method_name;
                j["double"] = values;
                s.out << (is_batch ? j.dump() : j.dump(2)) << '\n';
              } else {
                std::string line = to_string(*d, m) + " ≈ {";
                for (std::size_t c = 0; c < values.size(); ++c) {
                  line += fmt::format("{}{}: {:.{}f}", c == 0 ? "" : "; ", cell_text(m, *d, shape, c), values[c], digits);
                }
                s.out << line << "} (double precision)\n";
              }
            } else {
              const Query& query = std::get<Query>(request);
              const double value = double_only(m, query, options);
              if (a->json) {
                rung::ordered_json j;
                j["query"] = to_string(query, m);
                j["rung"] = rung_of(query);
                j["method"] = method_name;
                j["double"] = value;
                s.out << (is_batch ? j.dump() : j.dump(2)) << '\n';
              } else {
                s.out << fmt::format("{} ≈ {:.{}f} (double precision)\n", to_string(query, m), value, digits);
              }
            }
            continue;
          }
          if (const auto* d = std::get_if<Distribution>(&request)) {
            if (a->trace) throw UsageError("solve: --trace shows the steps of a single value, not of a distribution");
            const DistributionAnswer answer = solve(m, *d, options);
            std::vector<double> doubles;
            bool underflow = false;
            if (a->floating) {
              const auto values = beside(m, *d, options);
              underflow = !values;
              if (values) doubles = *values;
            }
            // Underflowed (`--float` beside an exact distribution): no double per cell, a note instead.
            if (underflow) doubles.assign(answer.values.size(), std::numeric_limits<double>::quiet_NaN());
            const int digits = a->digits.value_or(8);
            const std::string shown = to_string(*d, m);
            if (a->json) {
              rung::ordered_json j;
              j["query"] = shown;
              j["rung"] = rung_of(*d);
              j["method"] = method_name;
              rung::ordered_json targets = rung::ordered_json::array();
              for (const auto& t : d->targets) targets.push_back(to_string(t, m));
              j["targets"] = targets;
              rung::ordered_json cells = rung::ordered_json::array();
              for (std::size_t c = 0; c < answer.values.size(); ++c) {
                rung::ordered_json cell;
                rung::ordered_json values = rung::ordered_json::array();
                std::size_t rest = c;
                std::vector<std::string> labels(d->targets.size());
                for (std::size_t i = d->targets.size(); i-- > 0;) {
                  labels[i] = m.domain(d->targets[i].var).label(static_cast<Value>(rest % answer.cards[i]));
                  rest /= answer.cards[i];
                }
                for (auto& l : labels) values.push_back(std::move(l));
                cell["values"] = values;
                cell["fraction"] = to_string(answer.values[c]);
                cell["decimal"] = to_decimal(answer.values[c], digits);
                if (a->floating) cell["double"] = doubles[c];
                cells.push_back(std::move(cell));
              }
              j["distribution"] = cells;
              if (underflow) j["double_note"] = kUnderflow;
              s.out << (is_batch ? j.dump() : j.dump(2)) << '\n';
            } else if (is_batch) {
              std::string line = shown + " = {";
              for (std::size_t c = 0; c < answer.values.size(); ++c) {
                line += fmt::format("{}{}: {} ≈ {}", c == 0 ? "" : "; ", cell_text(m, *d, answer, c),
                                    to_string(answer.values[c]), to_decimal(answer.values[c], digits));
                if (a->floating) line += underflow ? fmt::format(" (double: {})", kUnderflow) : fmt::format(" (double {:.17g})", doubles[c]);
              }
              s.out << line << "}\n";
            } else {
              s.out << shown << ":\n";
              for (std::size_t c = 0; c < answer.values.size(); ++c) {
                s.out << fmt::format("  {} = {} ≈ {}\n", cell_text(m, *d, answer, c), to_string(answer.values[c]),
                                     to_decimal(answer.values[c], digits));
                if (a->floating) {
                  s.out << (underflow ? fmt::format("    double precision: {}\n", kUnderflow)
                                      : fmt::format("    double precision: {:.17g}\n", doubles[c]));
                }
              }
            }
            continue;
          }
          const Query& query = std::get<Query>(request);
          print_answer(s.out, m, query, solve(m, query, options), options,
                       {.json = a->json, .floating = a->floating, .batch = is_batch, .digits = a->digits.value_or(6)});
        } catch (const UsageError&) {
          throw;
        } catch (const Error& e) {
          const auto* late = dynamic_cast<const TimedOut*>(&e);
          if (!is_batch) {
            if (late != nullptr) throw TimedOut(timed_out(*late));
            throw;
          }
          // One bad query does not stop the batch: its line says so, and the exit status is 1.
          const std::string message = one_line(late != nullptr ? timed_out(*late) : std::string(e.what()));
          s.err << fmt::format("{}:{}: error: {}\n", source, item.line, message);
          if (a->json) {
            rung::ordered_json j;
            j["line"] = item.line;
            j["query"] = item.text;
            j["error"] = message;
            s.out << j.dump(-1, ' ', false, rung::ordered_json::error_handler_t::replace) << '\n';
          } else {
            s.out << fmt::format("{} : error: {}\n", item.text, message);
          }
          status = std::max(status, e.exit_code());
        }
      }
      return status;
    };
  });
}

void add_generate(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand("generate", "Generate a seeded benchmark dataset (JSONL, one item a line)");
  struct Args {
    GeneratorKnobs k;  // the knobs, mapped to GeneratorOptions in the library (gen/knobs.hpp)
    std::string output;
    unsigned threads = 1;
    std::string shard = "1/1";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--preset", a->k.preset, "counterbench | cladder | ladder | linear (each a documented set of knob defaults)")->capture_default_str();
  auto* count = cmd->add_option("-n,--count", a->k.count, "Number of items (in all shards together; with --splits: their sum, if not given)")
      ->capture_default_str()
      ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  cmd->add_option("--seed", a->k.seed, "Master seed: same seed and options give byte-identical output")->capture_default_str()
      ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  cmd->add_option("-o,--output", a->output, "Write to this file (atomically) instead of standard output");
  cmd->add_option("--threads", a->threads, "Worker threads (output does not depend on it)")->capture_default_str()
      ->check(whole_number(1, 256));
  cmd->add_option("--shard", a->shard, "Make only shard I of N: I counts from 1 (1/4 .. 4/4); `rung merge` joins the N shards into the unsharded file")
      ->capture_default_str();
  cmd->add_option("--difficulty", a->k.difficulty, "Level 1..5; sets the knobs below (which override it)")
      ->capture_default_str()
      ->check(whole_number(1, 5));
  cmd->add_option("--min-variables", a->k.min_variables, "Endogenous variables per model, at least");
  cmd->add_option("--max-variables", a->k.max_variables, "Endogenous variables per model, at most");
  cmd->add_option("--max-in-degree", a->k.max_in_degree, "Endogenous parents per variable, at most");
  cmd->add_option("--min-path-length", a->k.min_path_length, "Arcs on the treatment -> outcome path, at least");
  cmd->add_option("--interventions", a->k.interventions, "Variables set in a joint question");
  cmd->add_option("--evidence-count", a->k.evidence_count, "Observations in a conditional question");
  cmd->add_option("--nesting-depth", a->k.nesting_depth, "Depth of nested settings (ladder: 1..4, linear: 1..3)");
  cmd->add_option("--domain-size", a->k.domain_size, "Values of the non-treatment, non-outcome variables (ladder: 2..4)");
  cmd->add_option("--types", a->k.types,
                  "Question types, comma-separated. counterbench: basic,joint,nested,conditional; cladder: marginal,"
                  "correlation,explaining_away,ate,backdoor_set,collider_bias,ett,nde,nie,det_counterfactual; ladder: "
                  "marginal,conditional,intervention,ate,ett,nde,counterfactual,joint,nested,pn,ps,pns; linear: conditional_mean,"
                  "intervention_mean,ate,counterfactual_mean,counterfactual_unobserved,nested_mean,nde,nie,"
                  "counterfactual_variance")
      ->delimiter(',');
  cmd->add_option("--mechanisms", a->k.mechanisms, "Mechanism kinds (and or not copy xor threshold table)")->delimiter(',');
  auto* deterministic = cmd->add_flag("--deterministic", a->k.deterministic,
                                      "Only roots (and a hidden confounder) are random (ladder; counterbench always)");
  cmd->add_flag("--noisy", a->k.noisy, "Every variable has noise of its own (ladder's default; cladder always)")
      ->excludes(deterministic);
  cmd->add_option("--given", a->k.given,
                  "What the text states: model (every probability of the model) | observed (the graph, which variables are "
                  "unobserved, and the observed probabilities the question's identification formula reads; cladder's default, "
                  "ladder's option: exact fractions, binary variables, the types marginal..nested)");
  cmd->add_option("--undetermined-share", a->k.undetermined_share,
                  "With --given observed: the share (e.g. 1/6) of the items of each type that can be undetermined (cladder: "
                  "ate/ett/nde/nie; ladder: intervention/ate/ett/nde/nested) whose query the stated observed quantities do not "
                  "identify, answered 'undetermined' (default 1/6; 0 with --given model)");
  cmd->add_option("--name-style", a->k.name_style, "nonsense | letters | words");
  cmd->add_option("--name-variants", a->k.name_variants, "Emit each structure with this many name sets");
  cmd->add_option("--splits", a->k.splits,
                  "Leak-free splits, e.g. train=8000,validation=1000,test=1000: each record gets a \"split\" field and "
                  "every structure (with its name variants) lies in one split only; the counts add up to -n");
  cmd->callback([=] {
    a->k.count_given = count->count() > 0;
    *action = [a](Streams s) {
      const GeneratorOptions o = a->k.options();
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
    std::vector<std::string> files;
    bool json = false;
    bool no_verify = false;
    unsigned threads = 1;
    std::size_t max_listed = 10;
    bool no_learners = false;
    unsigned folds = 5;
    unsigned cv_repeats = 3;
    unsigned chance_shuffles = 0;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("DATASET", a->files,
                  "JSONL records (rung, CounterBench or CLadder), or a JSON array of them; several files (e.g. "
                  "train.jsonl validation.jsonl test.jsonl) are audited together, each file a split of its own for "
                  "records without a \"split\" field")
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
  cmd->add_option("--cv-repeats", a->cv_repeats,
                  "Repeat the learners' cross-validation R times with the records of each type in other seeded "
                  "orders and report each cell's mean (less noise per cell; R times the learners' time)")
      ->capture_default_str()
      ->check(whole_number(1, 100));
  cmd->add_option("--chance-shuffles", a->chance_shuffles,
                  "Also run the learners on the answers shuffled within each type N times: each cell's chance level "
                  "and permutation p-value, and how large the largest cell gets by chance (0 = off; 20 is a useful "
                  "number, each shuffle costs about one more run of the learners)")
      ->capture_default_str()
      ->check(whole_number(0, 1000));
  cmd->callback([=] {
    *action = [a](Streams s) {
      std::vector<std::unique_ptr<InputFile>> files;
      std::vector<AuditInput> inputs;
      std::vector<std::string> names;
      for (const auto& file : a->files) {
        files.push_back(std::make_unique<InputFile>(file));
        names.push_back(std::filesystem::path(file).filename().string());
        inputs.push_back({files.back().get(), names.back()});
      }
      AuditOptions options;
      options.verify = !a->no_verify;
      options.threads = a->threads;
      options.max_listed = a->max_listed;
      options.learners.enabled = !a->no_learners;
      options.learners.folds = a->folds;
      options.learners.repeats = a->cv_repeats;
      options.chance_shuffles = a->chance_shuffles;
      options.file = fmt::format("{}", fmt::join(names, ", "));
      const bool progress = ::isatty(STDERR_FILENO) != 0;
      if (progress) {
        options.progress = [&s](const AuditProgress& p) {
          s.err << fmt::format("\rrung audit: {} records read, {} re-solved", p.records, p.verified) << std::flush;
        };
      }
      const AuditReport report = audit_datasets(inputs, options);
      if (progress) s.err << '\n';
      s.out << (a->json ? report_json(to_json(report)) : to_text(report));
      // Wrong stored answers or unreadable records are bad input: exit 1 after the full report.
      return report.malformed_count + report.mismatched + report.failed > 0 ? 1 : 0;
    };
  });
}

}  // namespace rung::cli
