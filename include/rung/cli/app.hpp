#pragma once
/// \file
/// The `rung` command-line tool as a library function, so tests run it in-process.
///
///     std::ostringstream out, err;
///     int status = rung::cli::run({"rung", "validate", "m.scm"}, out, err);
///
/// Exit status (decided here, in one place): 0 success, 1 bad input (a message naming the
/// file, line, column and culprit on `err`), 2 bad usage.

#include <iosfwd>
#include <string>
#include <vector>

namespace rung::cli {

[[nodiscard]] int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rung::cli
