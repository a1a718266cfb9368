#pragma once
/// \file
/// XMLBIF 0.3 (JavaBayes, Weka, pgmpy, bnlearn's XML form), read into a BayesNet.
///
///     rung::BayesNet net = rung::read_xmlbif(text, "dog.xml");   // throws ParseError
///
/// Read: `<BIF><NETWORK><NAME>`, `<VARIABLE TYPE="nature">` with `<NAME>` and `<OUTCOME>`s,
/// `<DEFINITION>` with `<FOR>`, `<GIVEN>`s (the parents, in order) and `<TABLE>` (one row per
/// configuration of the parents, the last parent fastest, and within a row one probability per
/// outcome: the FOR variable fastest), `<PROPERTY>` (skipped), comments, the XML declaration, a
/// DOCTYPE with its internal subset, CDATA sections and the five predefined entities plus
/// character references (`&lt;7.5` is `<7.5`). Variables of TYPE decision or utility are refused.
/// Numbers are read exactly. Every problem is reported with file:line:column.

#include "rung/scm/bayes_net.hpp"

#include <string_view>

namespace rung {

[[nodiscard]] BayesNet read_xmlbif(std::string_view text, std::string_view file);

}  // namespace rung
