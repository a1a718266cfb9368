#pragma once
/// \file
/// Identification of interventional queries P(y | do(x)) from the observed distribution: the
/// ID algorithm of Shpitser & Pearl (2006), complete over ADMGs, and the standard cases by name.
///
///     const Admg g = Admg::of(scm, hidden);
///     const Identification r = identify(g, y_mask, x_mask);
///     if (r.identifiable) r.estimand->to_string(g);   // "sum_{Z} P(Y | X, Z) P(Z)"
///     else r.hedge_f, r.hedge_f_prime;                // the two c-forests of the hedge
///
/// A named case (backdoor with a minimal adjustment set, frontdoor with a minimal mediator set)
/// is recognised by its graphical criterion and given as a second estimand, which equals the ID
/// algorithm's on every distribution the graph allows (both are evaluated in the tests).
/// Counterfactual queries: counterfactual.hpp (ID*, IDC*); bounds when not identifiable: bounds.hpp.

#include "rung/identify/admg.hpp"
#include "rung/identify/functional.hpp"
#include "rung/query/query.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rung {

struct Identification {
  bool identifiable = false;
  std::optional<Functional> estimand;  ///< the ID algorithm's, when identifiable
  /// "no intervention", "backdoor", "frontdoor" or "" (only the general algorithm applies); when
  /// not identifiable, "instrumental variable" if one exists (no estimand: the bounds use it).
  std::string named;
  VarMask named_set = 0;                   ///< the adjustment set (backdoor), mediators (frontdoor) or instrument
  std::optional<Functional> named_estimand;  ///< the named case's formula
  /// When not identifiable: the hedge (F, F'), two c-forests rooted in Y's ancestors, F' ⊂ F.
  VarMask hedge_f = 0, hedge_f_prime = 0;
  std::string reason;  ///< why not identifiable, in words
  VarMask evidence_moved = 0;  ///< IDC: evidence variables that act as interventions (rule 2)
};

/// P(y | do(x), z) for disjoint sets of observed variables of `g`, y not empty: the ID algorithm
/// when z is empty, else IDC (Shpitser & Pearl 2006b, complete too): evidence that rule 2 of the
/// do-calculus turns into interventions is moved (`evidence_moved`), the rest conditioned on,
/// P(y | do(x), z) = P(y, z | do(x)) / sum_y P(y, z | do(x)). The named cases and the bounds
/// are for queries without evidence. Throws InvalidQuery for an empty y or overlapping sets.
[[nodiscard]] Identification identify(const Admg& g, VarMask y, VarMask x, VarMask z = 0);

/// Bounds on P(y | do(x)) that every model with the observed distribution `p` obeys, whatever the
/// graph (Manski's natural bounds): P(y, x) <= P(y | do(x)) <= P(y, x) + 1 - P(x), since the
/// units with X = x answer as observed and the others anyhow. Sharp for the bow arc; wider than
/// the sharp bounds where more is known (an instrument: the Balke-Pearl linear program,
/// ResponseFunctionLp in bounds.hpp). `at` holds the values of y and x (one per observed variable).
struct Bounds {
  Rational lower, upper;
};
[[nodiscard]] Bounds natural_bounds(const ObservedJoint& p, VarMask y, VarMask x, const std::vector<std::uint32_t>& at);
/// "P(Y, X) <= P(Y | do(X)) <= P(Y, X) + 1 - P(X)" with the names of `g`.
[[nodiscard]] std::string natural_bounds_text(const Admg& g, VarMask y, VarMask x);

/// A query `P(Y=y, ... | do(X=x, ...), Z=z, ...)` (parsed, so the do() is folded into every
/// term) as the observed variables and values it asks about. Throws InvalidQuery, saying what is
/// not supported yet, for nested or differing worlds (counterfactuals: ID*, IDC*), expectations,
/// several parts, and hidden variables in the query.
struct InterventionalQuery {
  VarMask y = 0, x = 0, z = 0;    ///< outcomes, interventions, evidence
  std::vector<std::uint32_t> at;  ///< one value per observed variable: y's, x's and z's are the query's, the others 0
};
[[nodiscard]] InterventionalQuery interventional_query(const Query& q, const Scm& scm, const Admg& g);

/// The exact joint distribution of g's observed variables under `scm` (one elimination). Throws
/// TooLarge above 2^20 cells (37 binary variables of alarm: mark some hidden).
[[nodiscard]] ObservedJoint observed_joint(const Scm& scm, const Admg& g);

}  // namespace rung
