#include "rung/cli/app.hpp"

#include <iostream>

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  return rung::cli::run(args, std::cout, std::cerr);
}
