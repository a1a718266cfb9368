#pragma once
/// \file
/// The structure of an item up to renaming of its variables: two items get the same hash iff
/// one is the other with its variables renamed (priors, domains and their labels, mechanisms,
/// and the query all equal after a bijective renaming of variable names).
///
///     std::string h = rung::structure_hash(scm, query);   // 16 lower-case hex digits
///
/// Method: a canonical form. Variables are ordered by colour refinement (kind, domain, prior,
/// mechanism shape with parents replaced by their colours, role in the query), ties broken by
/// trying each candidate (individualisation) and keeping the lexicographically smallest
/// canonical text; names are then replaced by their canonical index (v0, v1, ...). The hash is
/// FNV-1a 64 of that text. Expressions are compared as written (A and B differs from B and A).

#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace rung {

/// The canonical text of (model, query) with variables renamed v0, v1, ... in canonical order.
[[nodiscard]] std::string canonical_form(const Scm& scm, const Query& query);

/// FNV-1a 64 of canonical_form, as 16 lower-case hex digits.
[[nodiscard]] std::string structure_hash(const Scm& scm, const Query& query);

/// The 64-bit number a structure_hash() text spells (16 lower-case hex digits), or nothing for
/// any other text. De-duplication keeps these numbers, 8 bytes a structure instead of a string.
[[nodiscard]] std::optional<std::uint64_t> structure_key(std::string_view hash);

/// The structures a run or a merge has accepted, as structure_key numbers: the one thing that
/// grows with the number of items (`rung generate` and `rung merge` keep one; only looked up,
/// never iterated). bench/gen_bench.cpp's StructureKeysBytes measures its bytes per item.
using StructureKeys = std::unordered_set<std::uint64_t>;

/// A copy of `scm` with variables renamed by `names` (new name of each id; must be valid,
/// distinct names). Ids, priors, domains and mechanisms are kept; expressions are rewritten.
[[nodiscard]] Scm rename_variables(const Scm& scm, const std::vector<std::string>& names);

}  // namespace rung
