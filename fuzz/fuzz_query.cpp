// libFuzzer target: the query parser and both exact solvers. Over a fixed small model (four
// endogenous variables, one three-valued, every query type reachable), arbitrary text must either
// parse or throw rung::Error; a parsed query must print back to text that parses to the same
// text; and when both variable elimination and enumeration answer, their values must be equal
// (a zero-probability verdict from one method must be the other's too).
#include "rung/core/error.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/scm_text.hpp"
#include "rung/query/query.hpp"

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

const rung::Scm& model() {
  static const rung::Scm scm = rung::read_scm_text(
      "exogenous U_X ~ Bernoulli(2/5)\n"
      "exogenous U_M in {lo, mid, hi} ~ (1/4, 1/4, 1/2)\n"
      "exogenous U_Y ~ Bernoulli(1/3)\n"
      "exogenous U_Z ~ Bernoulli(1/2)\n"
      "Z := U_Z\n"
      "X := U_X or Z\n"
      "M in {lo, mid, hi} := U_M\n"
      "Y := (X and not (M == hi)) or (Z xor U_Y)\n",
      "fuzz-model.scm");
  return scm;
}

struct Outcome {
  std::optional<rung::Rational> value;
  bool zero_evidence = false;
};

Outcome run(const rung::Query& q, rung::Method method) {
  Outcome out;
  try {
    out.value = rung::solve(model(), q, {.method = method, .max_factor_cells = std::size_t{1} << 16}).value;
  } catch (const rung::ZeroProbabilityEvidence&) {
    out.zero_evidence = true;
  } catch (const rung::Error&) {
    // a size guard or another refusal: not compared
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<rung::Query> q;
  try {
    q = rung::parse_query(text, model());
  } catch (const rung::Error&) {
    return 0;
  }
  const std::string printed = rung::to_string(*q, model());
  if (rung::to_string(rung::parse_query(printed, model()), model()) != printed) std::abort();
  const Outcome ve = run(*q, rung::Method::variable_elimination);
  const Outcome en = run(*q, rung::Method::enumeration);
  if (ve.value && en.value && *ve.value != *en.value) std::abort();
  if ((ve.zero_evidence && en.value) || (en.zero_evidence && ve.value)) std::abort();
  return 0;
}
