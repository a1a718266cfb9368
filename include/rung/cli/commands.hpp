#pragma once
/// \file
/// The subcommands of the `rung` tool: each registers its options on a CLI11 app and returns
/// the action to run once the command line is parsed. Actions throw rung::Error on bad input.

#include "rung/core/json.hpp"
#include "rung/scm/scm.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rung::cli {

/// Where a command writes: normal output and diagnostics.
struct Streams {
  std::ostream& out;
  std::ostream& err;
};

using Action = std::function<int(Streams)>;

/// A report as indented JSON and a newline. File names given on the command line may be any
/// bytes: what is not UTF-8 is replaced (U+FFFD) instead of failing.
[[nodiscard]] std::string report_json(const rung::ordered_json& report);

/// A CLI11 check for a whole-number option: "'x' is not a whole number", "-3 is not a whole
/// number" (no wrap-around of negative values), "300 is not in the range 1 to 256".
[[nodiscard]] CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi);

/// Reads a model file, rescaling networks' CPT rows when `normalize` (--normalize-cpts) and
/// saying on `err` what that changed; and that option's help text.
[[nodiscard]] rung::Scm read_model(const std::string& file, bool normalize, std::ostream& err);
/// The variables `rung identify` and `rung show --admg` treat as hidden: those the model marks
/// hidden and those named by --hidden (`names`), in id order, each once. Throws UsageError for a
/// name the model does not have or an exogenous one.
[[nodiscard]] std::vector<rung::VarId> hidden_variables(const rung::Scm& m, const std::vector<std::string>& names,
                                                        const std::string& file);
extern const char* const kNormalizeHelp;

/// Linear-Gaussian models (linear_command.cpp). `is_linear_file`: a .scm or JSON file holding one
/// (networks never do); `refuse_linear` throws rung::Error `FILE: this is a linear-Gaussian model
/// (...); WHAT works on discrete models only`. The others are the linear paths of validate (its
/// `ok` line), show, convert and solve.
[[nodiscard]] bool is_linear_file(const std::string& file);
[[noreturn]] void refuse_linear(const std::string& file, std::string_view what);
[[nodiscard]] std::string validate_linear(const std::string& file);
int show_linear(const std::string& file, bool dot, bool admg, Streams s);
int convert_linear(const std::string& file, const std::string& to, const std::string& output, Streams s);
/// What `rung solve` passes to its linear path.
struct LinearSolveArgs {
  std::string file;
  std::string query;
  std::string queries;   ///< --queries FILE|-
  std::string evidence;  ///< --evidence (refused: not for linear models)
  std::string estimand;  ///< "ate", "ett", "nde", "nie" (or pn/ps/pns: refused); empty for -q
  std::vector<std::string> estimand_args;
  std::string treated = "1";
  std::string control = "0";
  std::string method;    ///< abduction (default) | parallel-worlds
  bool json = false;
  bool trace = false;
  bool floating = false;
  bool double_only = false;
  std::optional<int> digits;
};
int solve_linear(const LinearSolveArgs& args, Streams s);

/// One query of a `rung solve --queries` file: the line's text without its `#` comment, trimmed,
/// and its 1-based line number.
struct QueryLine {
  std::string text;
  int line = 0;
};
/// The queries of `file` (`-`: standard input), blank and comment-only lines skipped; shared by
/// the discrete and the linear paths of `rung solve`.
[[nodiscard]] std::vector<QueryLine> read_query_lines(const std::string& file);

/// Each adds a subcommand to `app` and sets `action` when that subcommand is chosen.
void add_validate(CLI::App& app, std::shared_ptr<Action> action);
void add_show(CLI::App& app, std::shared_ptr<Action> action);
void add_convert(CLI::App& app, std::shared_ptr<Action> action);
void add_solve(CLI::App& app, std::shared_ptr<Action> action);
void add_generate(CLI::App& app, std::shared_ptr<Action> action);
void add_audit(CLI::App& app, std::shared_ptr<Action> action);
void add_check(CLI::App& app, std::shared_ptr<Action> action);   // check_command.cpp
void add_merge(CLI::App& app, std::shared_ptr<Action> action);   // merge_command.cpp
void add_export(CLI::App& app, std::shared_ptr<Action> action);  // export_command.cpp
void add_import(CLI::App& app, std::shared_ptr<Action> action);  // import_command.cpp
void add_identify(CLI::App& app, std::shared_ptr<Action> action);  // identify_command.cpp

}  // namespace rung::cli
