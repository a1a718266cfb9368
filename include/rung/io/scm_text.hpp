#pragma once
/// \file
/// The `.scm` text format (SPEC §2; docs/file-format.md has the grammar and every message).
///
///     rung::Scm m = rung::read_scm_text("exogenous U ~ Bernoulli(1/2)\nX := not U\n", "m.scm");
///     std::string text = rung::write_scm_text(m);   // canonical text; reads back to an equal model
///
/// The reader collects every problem of the file (syntax and model errors alike) and throws one
/// ParseError holding them all, each as `FILE:LINE:COL: error: MESSAGE`, in file order.

#include "rung/scm/scm.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace rung {

/// Longest .scm line the reader accepts and the writer writes (without its line break): 16 MiB.
/// The format has no line continuation, so one statement is one line (a table: one row a line).
inline constexpr std::size_t kMaxScmLineBytes = std::size_t{1} << 24;

/// Parses a model from .scm text; `file` names the source in diagnostics (may be empty).
/// Throws ParseError listing every problem.
[[nodiscard]] Scm read_scm_text(std::string_view text, std::string_view file = "");

/// The canonical .scm text of a model: exogenous declarations then endogenous ones, in id
/// order; `Bernoulli(p)` for {0,1} priors; domains written only when not {0,1}; expressions in
/// canonical form; tables one row a line. Ends with a newline. Throws rung::Error naming the
/// variable if a statement would be longer than kMaxScmLineBytes (keep such a model in JSON):
/// what it writes, read_scm_text reads.
[[nodiscard]] std::string write_scm_text(const Scm& scm);

}  // namespace rung
