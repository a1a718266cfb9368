#include "rung/identify/linear_program.hpp"

#include <stdexcept>
#include <utility>

namespace rung {

namespace {

using Row = std::vector<Rational>;

/// A simplex tableau: `rows` (coefficients of `width` columns, then the right-hand side) in the
/// basis `basis`, and the reduced-cost row `cost` (the same layout; its last entry is minus the
/// objective's value), for a minimisation.
struct Tableau {
  std::vector<Row> rows;
  std::vector<std::size_t> basis;
  Row cost;
  std::size_t width = 0;

  /// Makes column q basic in row r: row r scaled to a 1 in column q, q eliminated elsewhere.
  void pivot(std::size_t r, std::size_t q) {
    Row& pr = rows[r];
    const Rational inverse = 1 / pr[q];
    std::vector<std::size_t> nonzero;
    for (std::size_t j = 0; j <= width; ++j) {
      if (pr[j] != 0) {
        pr[j] *= inverse;
        nonzero.push_back(j);
      }
    }
    auto eliminate = [&](Row& row) {
      if (row[q] == 0) return;
      const Rational f = row[q];
      for (std::size_t j : nonzero) row[j] -= f * pr[j];
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i != r) eliminate(rows[i]);
    }
    eliminate(cost);
    basis[r] = q;
  }

  /// Dantzig's rule (the most negative reduced cost enters) while pivots improve the objective;
  /// after `bland_after` pivots in a row that do not, Bland's rule (the lowest-index negative
  /// reduced cost enters) until one does. The ratio test's ties leave by the lowest basic
  /// variable. Bland's rule cannot cycle, and an improving pivot never returns to an earlier
  /// basis, so this terminates. Returns false when the objective is unbounded.
  bool optimise(int bland_after, std::size_t& pivots) {
    int degenerate = 0;
    for (;;) {
      const bool bland = degenerate >= bland_after;
      std::size_t q = width;
      for (std::size_t j = 0; j < width; ++j) {
        if (cost[j] < 0 && (q == width || cost[j] < cost[q])) {
          q = j;
          if (bland) break;
        }
      }
      if (q == width) return true;
      std::size_t r = rows.size();
      Rational best;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i][q] <= 0) continue;
        Rational ratio = rows[i][width] / rows[i][q];
        if (r == rows.size() || ratio < best || (ratio == best && basis[i] < basis[r])) {
          r = i;
          best = std::move(ratio);
        }
      }
      if (r == rows.size()) return false;
      degenerate = best == 0 ? degenerate + 1 : 0;
      pivot(r, q);
      ++pivots;
    }
  }
};

}  // namespace

std::string to_string(LpResult::Status status) {
  switch (status) {
    case LpResult::Status::optimal: return "optimal";
    case LpResult::Status::infeasible: return "infeasible";
    case LpResult::Status::unbounded: return "unbounded";
  }
  return "?";
}

LinearProgram::LinearProgram(std::vector<std::vector<Rational>> a, std::vector<Rational> b, LpOptions options)
    : options_(options) {
  if (a.empty() || a.size() != b.size()) throw std::invalid_argument("LinearProgram: A needs one row per entry of b, at least one");
  n_ = a.front().size();
  if (n_ == 0) throw std::invalid_argument("LinearProgram: no variables");
  const std::size_t m = a.size();
  // Phase 1: one artificial variable per row (columns n_ .. n_+m-1), rows signed so that b >= 0;
  // minimise the artificials' sum.
  Tableau t;
  t.width = n_ + m;
  t.rows.resize(m);
  t.basis.resize(m);
  t.cost.assign(t.width + 1, Rational(0));
  for (std::size_t i = 0; i < m; ++i) {
    if (a[i].size() != n_) throw std::invalid_argument("LinearProgram: rows of A differ in length");
    const bool flip = b[i] < 0;
    Row& row = t.rows[i];
    row.reserve(t.width + 1);
    for (Rational& v : a[i]) row.push_back(flip ? Rational(-v) : std::move(v));
    row.resize(t.width + 1);
    row[n_ + i] = 1;
    row[t.width] = flip ? Rational(-b[i]) : b[i];
    t.basis[i] = n_ + i;
    // Reduced costs of phase 1: 0 - (the column's sum over the rows), artificials 0.
    for (std::size_t j = 0; j < n_; ++j) t.cost[j] -= row[j];
    t.cost[t.width] -= row[t.width];
  }
  a.clear();
  t.optimise(options_.bland_after, pivots_);  // bounded below by 0: always ends optimal
  if (t.cost[t.width] != 0) return;  // the artificials cannot all reach 0: infeasible
  // Drive the artificials (now all 0) out of the basis; a row with no original column left is
  // a combination of the others: drop it.
  for (std::size_t i = 0; i < t.rows.size();) {
    if (t.basis[i] < n_) {
      ++i;
      continue;
    }
    std::size_t q = 0;
    while (q < n_ && t.rows[i][q] == 0) ++q;
    if (q < n_) {
      t.pivot(i, q);
      ++pivots_;
      ++i;
    } else {
      t.rows.erase(t.rows.begin() + static_cast<std::ptrdiff_t>(i));
      t.basis.erase(t.basis.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  for (Row& row : t.rows) {
    Rational rhs = std::move(row[t.width]);
    row.resize(n_ + 1);
    row[n_] = std::move(rhs);
  }
  tableau_ = std::move(t.rows);
  basis_ = std::move(t.basis);
  feasible_ = true;
}

LpResult LinearProgram::minimize(const std::vector<Rational>& c) const {
  if (c.size() != n_) throw std::invalid_argument("LinearProgram: the objective needs one coefficient per variable");
  LpResult out;
  if (!feasible_) return out;
  Tableau t{tableau_, basis_, Row(c.begin(), c.end()), n_};
  t.cost.emplace_back(0);
  // Reduced costs in the phase-1 basis: c_j - sum_i c_{basis(i)} T[i][j].
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const Rational& cb = c[t.basis[i]];
    if (cb == 0) continue;
    for (std::size_t j = 0; j <= n_; ++j) {
      if (t.rows[i][j] != 0) t.cost[j] -= cb * t.rows[i][j];
    }
  }
  if (!t.optimise(options_.bland_after, pivots_)) {
    out.status = LpResult::Status::unbounded;
    return out;
  }
  out.status = LpResult::Status::optimal;
  out.value = -t.cost[n_];
  out.solution.assign(n_, Rational(0));
  for (std::size_t i = 0; i < t.rows.size(); ++i) out.solution[t.basis[i]] = t.rows[i][n_];
  return out;
}

LpResult LinearProgram::maximize(const std::vector<Rational>& c) const {
  std::vector<Rational> negated;
  negated.reserve(c.size());
  for (const Rational& v : c) negated.emplace_back(-v);
  LpResult out = minimize(negated);
  out.value = -out.value;
  return out;
}

}  // namespace rung
