#pragma once
/// \file
/// Reads the model a generated record states in words (its `given_info`, in the registers the
/// presets write) and compares it with the record's `model`: the audit's check that the answer,
/// re-solved on `model`, is the answer to the prompt as written (issue #15 item 19).
///
///     rung::StatedCheck c = rung::check_stated_model(record.given_info, record.question, model,
///                                                    record.formal_query);
///     if (c.checked && c.mismatches.empty()) { /* the text states exactly `model` */ }
///
/// Registers read (docs/audit.md):
/// - causal clauses, "We know that A causes B and C, not A and B together cause D, exactly one of
///   A and C causes E, at least two of A, B and not C together cause F." (counterbench preset:
///   clauses joined by ", " and ", and "; cladder det_counterfactual: sentences, "A and not B
///   causes C"). Each stated mechanism is compared with the model's as a function of their
///   inputs; a variable without a clause must read no endogenous variable in the model.
///   Observations ("We observed ...") are evidence, not model, and are skipped.
/// - CLadder's graph and numbers, "A has a direct effect on B and C. The overall probability of A
///   is 46%. For those who are not A, the probability of B is 17%.": the model's arcs among
///   endogenous variables must be the stated ones, its noise private to one variable, and its
///   P(V=1 | parents) each stated number (exact for a fraction; for a percentage, the exact value
///   rounded to the digits written).
/// - the ladder preset's .scm sentences, "U_A is 1 with probability 2/5. U_C affects both A and B.
///   A := U_A. B takes values {0, 1, 2} by this table over (A, U_B): 0, 0 -> 1; ...": the same
///   exogenous variables and priors, the same endogenous variables and domains, and equal
///   mechanisms (compared as functions). A question's "In notation: Q." must parse to the same
///   query as `formal_query`.
/// - the same register stated in observed quantities (`observed`: the record's
///   `identification.given` is "observed", issue #18): the arcs as above, "V1 is unobserved." for
///   endogenous variables of the model, and each number — "For those who are not X and are V3, the
///   probability of Y is 31%.", "The probability of not X and Y is 8%." — the model's probability
///   of what it states (solved), rounded to the digits written; no number about an unobserved
///   variable. Which numbers are stated is not compared (the identification formula decides it).
/// Anything else (another register, a sentence of a known register that does not read, a
/// mechanism with more than 2^16 input assignments) leaves the record not checked.
#include "rung/scm/scm.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace rung {

/// One thing the text states that the model does not do.
struct StatedMismatch {
  std::string field;  ///< "given_info" (the stated model) or "question" (its notation)
  std::string stated;  ///< the text's version, naming the variable
  std::string model;   ///< the model's version of the same thing
};

/// The result of reading a record's stated model.
struct StatedCheck {
  bool checked = false;  ///< a register was recognised and every part of it read and compared
  std::string reason;    ///< why not, when !checked
  std::vector<StatedMismatch> mismatches;  ///< meaningful whether checked or not (found so far)
};

/// Reads `given_info` (and the notation in `question`) and compares it with `model`. Never throws
/// for a text it cannot read: that is `checked == false`.
[[nodiscard]] StatedCheck check_stated_model(std::string_view given_info, std::string_view question, const Scm& model,
                                             std::string_view formal_query = {}, bool observed = false);

}  // namespace rung
