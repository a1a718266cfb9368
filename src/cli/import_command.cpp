#include "rung/cli/commands.hpp"

namespace rung::cli {

void add_import(CLI::App& /*app*/, std::shared_ptr<Action> /*action*/) {}

}  // namespace rung::cli
