#pragma once
/// \file
/// The BIF format of the bnlearn repository (Bayesian Interchange Format 0.15, as bnlearn,
/// pgmpy and aGrUM write it), read into a BayesNet and written from one.
///
///     rung::BayesNet net = rung::read_bif(text, "alarm.bif");   // throws ParseError
///     std::string again = rung::write_bif(net);
///
/// Read: `network NAME { property ...; }`, `variable NAME { type discrete [ K ] { s1, s2, ... };
/// property ...; }`, `probability ( X | P1, P2 ) { (p1, p2) 0.1, 0.9; table ...; default ...;
/// property ...; }`, `//` and `/* */` comments, names in double quotes. A state is any run of
/// characters other than white space and `{ } ( ) [ ] , ; |` (so `<7.5`, `Transp.`,
/// `Asy/Patch`), or a quoted string. Numbers are decimals (`0.05`, `9.998996e-05`) read exactly.
/// `table` lists the whole CPT with X's state slowest and the last parent fastest (as pgmpy and
/// bnlearn write it); `default` gives the row of every parent configuration not listed.
/// Every problem found is reported with file:line:column, not only the first.

#include "rung/scm/bayes_net.hpp"

#include <string>
#include <string_view>

namespace rung {

[[nodiscard]] BayesNet read_bif(std::string_view text, std::string_view file);

/// BIF text of the network. Probabilities are written exactly when their decimal expansion
/// ends (every CPT read from a file), else rounded to 20 significant digits (then reading the
/// file back needs --normalize-cpts). States that are not BIF words are quoted.
[[nodiscard]] std::string write_bif(const BayesNet& net);

}  // namespace rung
