#include "rung/cli/app.hpp"
#include "rung/io/output_file.hpp"

#include <cerrno>
#include <cstring>
#include <iostream>

int main(int argc, char** argv) {
  // An interrupted `-o FILE` leaves neither FILE half-written nor its temporary behind.
  rung::remove_pending_outputs_on_signals();
  std::vector<std::string> args(argv, argv + argc);
  const int status = rung::cli::run(args, std::cout, std::cerr);
  // Output lost to a full disk or a closed pipe is an error, as it is for cat and sort.
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "rung: error: standard output: cannot write: " << std::strerror(errno) << '\n';
    return status == 0 ? 1 : status;
  }
  return status;
}
