// Reads a model through the installed package and prints its size.
#include <rung/io/model_file.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  rung::Scm m = rung::read_model_file(argv[1]);
  std::cout << m.exogenous().size() << " exogenous, " << m.endogenous().size() << " endogenous\n";
  return m.endogenous().empty() ? 1 : 0;
}
