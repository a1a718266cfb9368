#include "rung/cli/app.hpp"

#include "rung/cli/commands.hpp"
#include "rung/core/error.hpp"
#include "rung/core/text.hpp"

#include <fmt/format.h>

#include <new>

#include <ostream>
#include <string_view>

namespace rung::cli {

namespace {

/// The names of `app`'s subcommands, in the order they were added.
std::vector<std::string> subcommand_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

/// The command path the arguments name ("rung", "rung convert", "rung import cladder"), or the
/// first word that should name a command and does not (`unknown` is then set). Options are
/// skipped: no command that has subcommands takes an option with a value.
struct CommandPath {
  std::string path = "rung";
  CLI::App* app = nullptr;
  std::string unknown;
};

CommandPath command_path(CLI::App& app, const std::vector<std::string>& args) {
  CommandPath result;
  result.app = &app;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word.starts_with("-")) continue;
    auto subs = result.app->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) break;
    CLI::App* next = nullptr;
    for (CLI::App* sub : subs) {
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) {
      result.unknown = word;
      break;
    }
    result.app = next;
    result.path += " " + word;
  }
  return result;
}

/// CLI11's messages, reworded where they do not read as a sentence to a user.
std::string usage_message(const CLI::ParseError& e, const CommandPath& named) {
  const std::string what = e.what();
  // CLI11: "--query: At Most 1 required but received 2".
  static constexpr std::string_view kAtMost = ": At Most ";
  static constexpr std::string_view kReceived = " required but received ";
  if (const auto at = what.find(kAtMost); at != std::string::npos) {
    const auto received = what.find(kReceived, at);
    if (received != std::string::npos) {
      const std::string option = what.substr(0, at);
      const std::string allowed = what.substr(at + kAtMost.size(), received - at - kAtMost.size());
      const std::string given = what.substr(received + kReceived.size());
      return fmt::format("{} was given {} times; it takes {} value{} (give it once)", option, given, allowed,
                         allowed == "1" ? "" : "s");
    }
  }
  if (what.find("subcommand is required") != std::string::npos) {  // CLI11: "A subcommand is required"
    return fmt::format("'{}' needs a command; its commands are: {}", named.path,
                       fmt::join(subcommand_names(*named.app), ", "));
  }
  return what;
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"rung: structural causal models with exact answers on all three rungs", "rung"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rung 0.1.0");
  auto action = std::make_shared<Action>();
  add_validate(app, action);
  add_show(app, action);
  add_convert(app, action);
  add_solve(app, action);
  add_identify(app, action);
  add_generate(app, action);
  add_merge(app, action);
  add_audit(app, action);
  add_check(app, action);
  add_export(app, action);
  add_import(app, action);

  const CommandPath named = command_path(app, args);
  if (!named.unknown.empty()) {
    err << fmt::format("rung: unknown command '{}'; {} commands are: {}\n", for_terminal(named.unknown, 100),
                       named.path == "rung" ? "the" : "'" + named.path + "'",
                       fmt::join(subcommand_names(*named.app), ", "));
    err << fmt::format("Run '{} --help' for usage.\n", named.path);
    return static_cast<int>(ExitCode::bad_usage);
  }

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    if (!reversed.empty()) reversed.pop_back();  // program name
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    out << "rung 0.1.0\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return 0;  // CLI::Success
    err << "rung: " << for_terminal(usage_message(e, named)) << "\n";
    err << fmt::format("Run '{} --help' for usage.\n", named.path);
    return static_cast<int>(ExitCode::bad_usage);
  }

  try {
    return (*action)(Streams{out, err});
  } catch (const ParseError& e) {
    for (const auto& d : e.diagnostics()) err << for_terminal(d.to_string()) << '\n';
    return e.exit_code();
  } catch (const UsageError& e) {
    err << "rung: error: " << for_terminal(e.what()) << '\n';
    err << fmt::format("Run '{} --help' for usage.\n", named.path);
    return e.exit_code();
  } catch (const Error& e) {
    err << "rung: error: " << for_terminal(e.what()) << '\n';
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    // A size, not a bug (issue #15, item 9): the input asked for more memory than there is.
    err << "rung: error: out of memory: this computation needs more memory than the process can get; a smaller "
           "--max-factor-cells (default 16777216) refuses it early with its size, and --method enumerate or a "
           "smaller model may fit\n";
    return static_cast<int>(ExitCode::bad_input);
  } catch (const std::exception& e) {
    err << "rung: internal error: " << for_terminal(e.what()) << '\n';
    return 70;  // EX_SOFTWARE: a bug in rung, never bad input
  }
}

}  // namespace rung::cli
