#include "rung/infer/linear_gaussian.hpp"

#include "rung/core/json.hpp"
#include "rung/infer/linear_abduction.hpp"
#include "rung/infer/linear_worlds.hpp"

#include <fmt/format.h>

#include <cmath>

namespace rung {

std::string to_text(const LinearTrace& trace) {
  std::string out;
  for (const auto& step : trace.steps) {
    out += step.title + "\n";
    for (const auto& line : step.lines) out += "  " + line + "\n";
  }
  return out;
}

rung::ordered_json to_json(const LinearTrace& trace) {
  rung::ordered_json out = rung::ordered_json::array();
  for (const auto& step : trace.steps) out.push_back({{"step", step.title}, {"lines", step.lines}});
  return out;
}

template <class S>
Gaussian<S> linear_gaussian(const LinearScm& m, const std::vector<LinearOutcome>& outcomes,
                            const std::vector<LinearObservation>& evidence, LinearMethod method) {
  return method == LinearMethod::abduction ? abduction_gaussian<S>(m, outcomes, evidence)
                                           : parallel_worlds_gaussian<S>(m, outcomes, evidence);
}
template Gaussian<Rational> linear_gaussian<Rational>(const LinearScm&, const std::vector<LinearOutcome>&,
                                                      const std::vector<LinearObservation>&, LinearMethod);
template Gaussian<double> linear_gaussian<double>(const LinearScm&, const std::vector<LinearOutcome>&,
                                                  const std::vector<LinearObservation>&, LinearMethod);

double normal_tail(double mean, double variance, double threshold, bool above) {
  const double z = (threshold - mean) / std::sqrt(2 * variance);
  return above ? 0.5 * std::erfc(z) : 0.5 * std::erfc(-z);
}

namespace {

/// One quantity: exact (value) or not (approximate only).
struct PartValue {
  bool exact = true;
  Rational value;
  double approximate = 0;
};

template <class S>
PartValue evaluate(const Gaussian<S>& g, const LinearQuantity& q) {
  using Kind = LinearQuantity::Kind;
  PartValue out;
  S v{0};
  switch (q.kind) {
    case Kind::mean: v = g.mean(0); break;
    case Kind::variance: v = g.covariance(0, 0); break;
    case Kind::covariance: v = g.covariance(0, 1); break;
    case Kind::probability: {
      const S mean = g.mean(0);
      const S var = g.covariance(0, 0);
      bool zero = false;
      if constexpr (is_exact_scalar<S>) {
        zero = var <= 0;
      } else {
        zero = var <= 1e-24;
      }
      if (zero) {  // a point mass: 0 or 1
        S threshold{0};
        if constexpr (is_exact_scalar<S>) threshold = q.threshold;
        else threshold = q.threshold.convert_to<double>();
        v = (q.above ? mean > threshold : mean < threshold) ? S(1) : S(0);
        break;
      }
      out.exact = false;
      out.approximate = normal_tail(to_double(mean), to_double(var), q.threshold.convert_to<double>(), q.above);
      return out;
    }
  }
  if constexpr (is_exact_scalar<S>) {
    out.value = v;
    out.approximate = v.template convert_to<double>();
  } else {
    out.approximate = v;
  }
  return out;
}

}  // namespace

LinearAnswer solve(const LinearScm& m, const LinearQuery& q, const LinearSolverOptions& options) {
  LinearAnswer answer;
  if (options.trace) answer.trace.emplace();
  double approximate = 0;
  for (std::size_t i = 0; i < q.parts.size(); ++i) {
    const auto& part = q.parts[i];
    LinearTrace* trace = nullptr;
    LinearTrace steps;
    if (options.trace && options.method == LinearMethod::abduction) trace = &steps;
    const Gaussian<Rational> g =
        options.method == LinearMethod::abduction
            ? abduction_gaussian<Rational>(m, part.quantity.outcomes, part.quantity.evidence, trace)
            : parallel_worlds_gaussian<Rational>(m, part.quantity.outcomes, part.quantity.evidence);
    const PartValue v = evaluate(g, part.quantity);
    if (v.exact) {
      answer.value += part.sign < 0 ? Rational(-v.value) : v.value;
    } else {
      answer.exact = false;
    }
    approximate += part.sign * v.approximate;
    if (trace != nullptr) {
      const std::string prefix = q.parts.size() > 1 ? fmt::format("{}: ", to_string(part.quantity, m)) : std::string();
      for (auto& step : steps.steps) {
        step.title = fmt::format("{}. {}{}", answer.trace->steps.size() + 1, prefix, step.title);
        answer.trace->steps.push_back(std::move(step));
      }
    }
  }
  answer.approximate = answer.exact ? answer.value.convert_to<double>() : approximate;
  if (answer.trace) {
    LinearTrace::Step last{fmt::format("{}. answer", answer.trace->steps.size() + 1), {}};
    last.lines.push_back(answer.exact ? fmt::format("{} = {}", to_string(q, m), to_string(answer.value))
                                      : fmt::format("{} ≈ {:.7g} (double precision: not a rational number)", to_string(q, m),
                                                    answer.approximate));
    answer.trace->steps.push_back(std::move(last));
  }
  return answer;
}

double solve_double(const LinearScm& m, const LinearQuery& q, const LinearSolverOptions& options) {
  double total = 0;
  for (const auto& part : q.parts) {
    const Gaussian<double> g = linear_gaussian<double>(m, part.quantity.outcomes, part.quantity.evidence, options.method);
    total += part.sign * evaluate(g, part.quantity).approximate;
  }
  return total;
}

}  // namespace rung
