#pragma once
// Random models with hidden confounders for the identification tests (ID, ID*): shared by
// identify_test.cpp, counterfactual_test.cpp and bounds_test.cpp.
#include "rung/gen/random.hpp"
#include "rung/identify/admg.hpp"
#include "rung/io/scm_text.hpp"
#include "rung/scm/scm.hpp"

#include <fmt/format.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace rung::testing_support {

/// The observed variables called `names`, as a mask.
inline VarMask mask(const Admg& g, std::initializer_list<const char*> names) {
  VarMask m = 0;
  for (const char* n : names) {
    for (int i = 0; i < g.size(); ++i) {
      if (g.name(i) == n) m |= VarMask{1} << i;
    }
  }
  return m;
}

/// A random binary SCM: n endogenous variables in order, each the and/or/xor of up to two earlier
/// ones (possibly negated) xor its own noise; `confounders` exogenous variables each shared by
/// two random variables; one variable hidden with probability 1/3 (when n > 3). n is drawn
/// from [min_n, max_n].
struct RandomCase {
  Scm model;
  std::vector<VarId> hidden;
};

inline RandomCase random_case(Rng& rng, int min_n = 3, int max_n = 6) {
  const int n = rng.between(min_n, max_n);
  std::string text;
  std::vector<std::vector<std::string>> extra(static_cast<std::size_t>(n));
  const int confounders = rng.between(0, 3);
  for (int c = 0; c < confounders; ++c) {
    const int a = rng.between(0, n - 1);
    int b = rng.between(0, n - 2);
    if (b >= a) ++b;
    text += fmt::format("exogenous C{} ~ Bernoulli({}/10)\n", c, rng.between(1, 9));
    extra[static_cast<std::size_t>(a)].push_back(fmt::format("C{}", c));
    extra[static_cast<std::size_t>(b)].push_back(fmt::format("C{}", c));
  }
  for (int v = 0; v < n; ++v) {
    text += fmt::format("exogenous U{} ~ Bernoulli({}/10)\n", v, rng.between(1, 9));
    std::vector<std::string> inputs;
    for (int p = 0; p < v; ++p) {
      if (inputs.size() < 2 && rng.chance(1, 2)) inputs.push_back(fmt::format("{}V{}", rng.chance(1, 3) ? "not " : "", p));
    }
    for (const auto& c : extra[static_cast<std::size_t>(v)]) inputs.push_back(c);
    std::string body;
    const char* ops[] = {" and ", " or ", " xor "};
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      body += (i == 0 ? "" : ops[rng.below(3)]) + inputs[i];
      if (i + 1 < inputs.size()) body = "(" + body + ")";
    }
    text += fmt::format("V{} := {}\n", v, body.empty() ? fmt::format("U{}", v) : fmt::format("({}) xor U{}", body, v));
  }
  RandomCase out{read_scm_text(text), {}};
  if (n > 3 && rng.chance(1, 3)) out.hidden.push_back(*out.model.find(fmt::format("V{}", rng.between(0, n - 1))));
  return out;
}

}  // namespace rung::testing_support
