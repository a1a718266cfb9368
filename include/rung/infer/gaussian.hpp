#pragma once
/// \file
/// What the two linear-Gaussian methods return (linear_abduction.hpp, linear_worlds.hpp): the
/// mean vector and covariance matrix of the queried terms given the evidence, and the trace
/// of abduction, action and prediction as text.
///
///     rung::Gaussian<rung::Rational> g = rung::abduction_gaussian<rung::Rational>(m, terms, evidence);
///     g.mean(0);           // E(terms[0] | evidence), exactly
///     g.covariance(0, 1);  // Cov(terms[0], terms[1] | evidence)

#include "rung/core/json.hpp"
#include "rung/core/rational_eigen.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace rung {

template <class S>
struct Gaussian {
  VectorOf<S> mean;
  MatrixOf<S> covariance;
};

/// The steps of a linear-Gaussian answer: each a title (`1. abduction`) and lines of text.
struct LinearTrace {
  struct Step {
    std::string title;
    std::vector<std::string> lines;
    friend bool operator==(const Step&, const Step&) = default;
  };
  std::vector<Step> steps;
  friend bool operator==(const LinearTrace&, const LinearTrace&) = default;
};

/// The steps as `--trace` prints them: each title, then its lines indented by two spaces.
[[nodiscard]] std::string to_text(const LinearTrace& trace);
/// `[{"step": title, "lines": [...]}, ...]`
[[nodiscard]] rung::ordered_json to_json(const LinearTrace& trace);

}  // namespace rung
