#include "rung/cli/app.hpp"

#include "rung/cli/commands.hpp"
#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <ostream>

namespace rung::cli {

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"rung: structural causal models with exact answers on all three rungs", "rung"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rung 0.1.0");
  auto action = std::make_shared<Action>();
  add_validate(app, action);
  add_show(app, action);
  add_convert(app, action);
  add_solve(app, action);
  add_generate(app, action);
  add_audit(app, action);
  add_check(app, action);
  add_import(app, action);

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
    err << "rung: " << e.what() << "\n";
    err << "Run 'rung --help' for usage.\n";
    return static_cast<int>(ExitCode::bad_usage);
  }

  try {
    return (*action)(Streams{out, err});
  } catch (const ParseError& e) {
    for (const auto& d : e.diagnostics()) err << d.to_string() << '\n';
    return e.exit_code();
  } catch (const Error& e) {
    err << "rung: error: " << e.what() << '\n';
    return e.exit_code();
  } catch (const std::exception& e) {
    err << "rung: internal error: " << e.what() << '\n';
    return 70;  // EX_SOFTWARE: a bug in rung, never bad input
  }
}

}  // namespace rung::cli
