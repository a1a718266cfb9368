// Reads a model and answers a counterfactual through the installed package, as a user would.
#include <rung/infer/solver.hpp>
#include <rung/io/model_file.hpp>
#include <rung/query/query.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  rung::Scm m = rung::read_model_file(argv[1]);
  rung::Query q = rung::parse_query("P(D[A=0]=1 | D=1)", m);
  rung::Rational value = rung::solve(m, q).value;
  std::cout << rung::to_string(q, m) << " = " << rung::to_string(value) << "\n";
  return value == rung::Rational(10, 11) ? 0 : 1;
}
