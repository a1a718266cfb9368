#pragma once
/// \file
/// The UAI inference-competition format, BAYES networks only (MARKOV networks have no CPTs and
/// are refused), and its evidence file.
///
///     rung::BayesNet net = rung::read_uai(text, "net.uai");        // throws ParseError
///     auto e = rung::read_uai_evidence(text, "net.uai.evid", net);  // {{"v3", "1"}}
///
/// Variables are called `v0`, `v1`, ... in file order and their states `0`, `1`, ...; each
/// function's scope lists the parents and then the child (the UAI convention for BAYES), and its
/// table is row-major over the scope, the child fastest. Numbers are read exactly.

#include "rung/scm/bayes_net.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rung {

[[nodiscard]] BayesNet read_uai(std::string_view text, std::string_view file);

/// An evidence file: `K var val var val ...` (one sample; the older form with a leading sample
/// count of 1 is accepted too). Returns (variable, state) names of `net`. Throws ParseError.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> read_uai_evidence(std::string_view text,
                                                                                 std::string_view file,
                                                                                 const BayesNet& net);

}  // namespace rung
