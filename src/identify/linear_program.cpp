#include "rung/identify/linear_program.hpp"

#include "rung/core/fast_rational.hpp"

#include <cmath>
#include <memory>
#include <optional>
#include <type_traits>
#include <stdexcept>
#include <utility>

namespace rung {

namespace {

// ---- the two arithmetics ------------------------------------------------------------------------
// Exact signs for rationals; for doubles, signs beyond a tolerance. The double solve only proposes
// a basis: the exact certificate (below) accepts it or the exact simplex takes over, so the
// tolerance decides speed, never an answer.
constexpr double kTolerance = 1e-9;
using Exact = FastRational;  // exact, without GMP while numbers stay small (they are, in these programs)
using ExactMatrix = std::vector<std::vector<Exact>>;

bool negative(const Exact& v) { return v.sign() < 0; }
bool positive(const Exact& v) { return v.sign() > 0; }
bool zero(const Exact& v) { return v.is_zero(); }
bool less(const Exact& a, const Exact& b) { return a < b; }
bool same(const Exact& a, const Exact& b) { return a == b; }
bool negative(double v) { return v < -kTolerance; }
bool positive(double v) { return v > kTolerance; }
bool zero(double v) { return std::fabs(v) <= kTolerance; }
bool less(double a, double b) { return a < b - kTolerance; }
bool same(double a, double b) { return std::fabs(a - b) <= kTolerance; }

/// A simplex tableau over T (Exact or double): `rows` (coefficients of `width` columns, then
/// the right-hand side) in the basis `basis`, and the reduced-cost row `cost` (the same layout;
/// its last entry is minus the objective's value), for a minimisation.
template <class T>
struct Tableau {
  std::vector<std::vector<T>> rows;
  std::vector<std::size_t> basis;
  std::vector<T> cost;
  std::size_t width = 0;

  enum class End { optimal, unbounded, gave_up };

  /// Makes column q basic in row r: row r scaled to a 1 in column q, q eliminated elsewhere.
  /// (In doubles, entries within the tolerance of 0 are set to 0, and the pivot column to its
  /// exact 1 and 0s, so rounding noise does not accumulate into spurious candidates.)
  void pivot(std::size_t r, std::size_t q) {
    std::vector<T>& pr = rows[r];
    const T inverse = T(1) / pr[q];
    std::vector<std::size_t> nonzero;
    for (std::size_t j = 0; j <= width; ++j) {
      if (!zero(pr[j])) {
        pr[j] *= inverse;
        nonzero.push_back(j);
      } else if constexpr (std::is_same_v<T, double>) {
        pr[j] = 0;
      }
    }
    pr[q] = 1;
    auto eliminate = [&](std::vector<T>& row) {
      if (zero(row[q])) {
        row[q] = 0;
        return;
      }
      const T f = row[q];
      for (std::size_t j : nonzero) row[j] -= f * pr[j];
      row[q] = 0;
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
  /// basis, so in exact arithmetic this terminates; in doubles it gives up after `limit` pivots
  /// (0: no limit).
  End optimise(int bland_after, std::size_t& pivots, std::size_t limit) {
    int degenerate = 0;
    for (std::size_t done = 0;; ++done) {
      if (limit != 0 && done == limit) return End::gave_up;
      const bool bland = degenerate >= bland_after;
      std::size_t q = width;
      for (std::size_t j = 0; j < width; ++j) {
        if (negative(cost[j]) && (q == width || cost[j] < cost[q])) {
          q = j;
          if (bland) break;
        }
      }
      if (q == width) return End::optimal;
      std::size_t r = rows.size();
      T best{};
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!positive(rows[i][q])) continue;
        T ratio = rows[i][width] / rows[i][q];
        if (r == rows.size() || less(ratio, best) || (same(ratio, best) && basis[i] < basis[r])) {
          r = i;
          best = std::move(ratio);
        }
      }
      if (r == rows.size()) return End::unbounded;
      degenerate = zero(best) ? degenerate + 1 : 0;
      pivot(r, q);
      ++pivots;
    }
  }

  /// Pivots every artificial column (index >= n) out of the basis where a row has an original
  /// column to pivot on; returns the rows where none has (their row is 0 over the original
  /// columns: a combination of the other constraints), in increasing order.
  std::vector<std::size_t> drive_out_artificials(std::size_t n, std::size_t& pivots) {
    std::vector<std::size_t> stuck;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (basis[i] < n) continue;
      std::size_t q = 0;
      while (q < n && zero(rows[i][q])) ++q;
      if (q < n) {
        pivot(i, q);
        ++pivots;
      } else {
        stuck.push_back(i);
      }
    }
    return stuck;
  }

  /// Drops the rows `gone` (increasing) and the columns from n on (the artificials), keeping the
  /// right-hand side last.
  void drop(const std::vector<std::size_t>& gone, std::size_t n) {
    for (std::size_t k = gone.size(); k-- > 0;) {
      rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(gone[k]));
      basis.erase(basis.begin() + static_cast<std::ptrdiff_t>(gone[k]));
    }
    for (std::vector<T>& row : rows) {
      T rhs = std::move(row[width]);
      row.resize(n + 1);
      row[n] = std::move(rhs);
    }
    width = n;
    cost.clear();
  }

  /// The reduced costs of objective c (one entry per column of `width`) in this basis, with minus
  /// the objective's value last.
  void price(const std::vector<T>& c) {
    cost.assign(c.begin(), c.end());
    cost.emplace_back(0);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const T& cb = c[basis[i]];
      if (zero(cb)) continue;
      for (std::size_t j = 0; j <= width; ++j) {
        if (!zero(rows[i][j])) cost[j] -= cb * rows[i][j];
      }
    }
  }
};

/// The phase-1 tableau of A q = b (b >= 0, A given by `columns`, each entry read by `value`):
/// one artificial column per row (n .. n+m-1) in the basis, the reduced costs of minimising
/// their sum (each column's cost minus its column sum).
template <class T, class Columns, class Value>
Tableau<T> phase_one(const Columns& columns, const std::vector<T>& b, Value value) {
  const std::size_t n = columns.size();
  const std::size_t m = b.size();
  Tableau<T> t;
  t.width = n + m;
  t.rows.assign(m, std::vector<T>(t.width + 1, T(0)));
  t.basis.resize(m);
  t.cost.assign(t.width + 1, T(0));
  for (std::size_t j = 0; j < n; ++j) {
    for (const auto& e : columns[j]) {
      t.rows[e.row][j] = value(e);
      t.cost[j] -= t.rows[e.row][j];
    }
  }
  for (std::size_t i = 0; i < m; ++i) {
    t.rows[i][n + i] = 1;
    t.rows[i][t.width] = b[i];
    t.basis[i] = n + i;
    t.cost[t.width] -= b[i];
  }
  return t;
}

/// The inverse of the square matrix `m` by Gauss–Jordan elimination (skipping zero entries: the
/// bases of these programs are mostly 0s and 1s), or nullopt when it is singular.
std::optional<ExactMatrix> inverse(ExactMatrix m) {
  const std::size_t k = m.size();
  ExactMatrix inv(k, std::vector<Exact>(k));
  for (std::size_t i = 0; i < k; ++i) inv[i][i] = 1;
  for (std::size_t col = 0; col < k; ++col) {
    std::size_t p = col;
    while (p < k && m[p][col].is_zero()) ++p;
    if (p == k) return std::nullopt;
    std::swap(m[p], m[col]);
    std::swap(inv[p], inv[col]);
    const Exact scale = Exact(1) / m[col][col];
    for (std::size_t j = col; j < k; ++j) {
      if (!m[col][j].is_zero()) m[col][j] *= scale;
    }
    for (std::size_t j = 0; j < k; ++j) {
      if (!inv[col][j].is_zero()) inv[col][j] *= scale;
    }
    for (std::size_t i = 0; i < k; ++i) {
      if (i == col || m[i][col].is_zero()) continue;
      const Exact f = m[i][col];
      for (std::size_t j = col; j < k; ++j) {
        if (!m[col][j].is_zero()) m[i][j] -= f * m[col][j];
      }
      for (std::size_t j = 0; j < k; ++j) {
        if (!inv[col][j].is_zero()) inv[i][j] -= f * inv[col][j];
      }
    }
  }
  return inv;
}

}  // namespace

std::string to_string(LpResult::Status status) {
  switch (status) {
    case LpResult::Status::optimal: return "optimal";
    case LpResult::Status::infeasible: return "infeasible";
    case LpResult::Status::unbounded: return "unbounded";
  }
  return "?";
}

/// The program: A by columns (zeros left out, each entry exact and as a double) and b, both with
/// rows signed so that b >= 0; what phase 1 found; and the exact simplex's start, computed in the
/// constructor when the doubles fail there, else on the first objective they fail.
struct LinearProgram::Impl {
  struct Entry {
    std::size_t row;
    Exact exact;
    double approx;
  };
  /// The exact tableau after phase 1 (one row per independent constraint, the artificials'
  /// columns gone), or the verdict that there is none.
  struct ExactStart {
    bool feasible = false;
    Tableau<Exact> tableau;
  };

  LpOptions options;
  std::size_t n = 0;
  std::size_t m = 0;
  std::vector<std::vector<Entry>> columns;
  std::vector<Exact> b;
  std::vector<double> b_approx;
  bool feasible = false;
  std::size_t rank = 0;
  /// After a certified double phase 1: its tableau (the dropped rows and the artificial columns
  /// gone), the start of every objective's double phase 2, and the artificial columns that stay
  /// basic (at 0) in the dropped rows.
  std::optional<Tableau<double>> float_start;
  std::vector<std::size_t> artificials;
  std::optional<ExactStart> exact;
  std::size_t pivots = 0;
  std::size_t fallbacks = 0;

  /// Pivots after which the doubles give up.
  [[nodiscard]] std::size_t limit() const { return 50 * (n + m) + 1000; }

  /// B^-1 for the basis given as columns of [A | I] (index >= n: the identity's column index - n),
  /// nullopt when singular.
  [[nodiscard]] std::optional<ExactMatrix> basis_inverse(const std::vector<std::size_t>& basis) const {
    ExactMatrix bm(m, std::vector<Exact>(m));
    for (std::size_t k = 0; k < m; ++k) {
      if (basis[k] < n) {
        for (const Entry& e : columns[basis[k]]) bm[e.row][k] = e.exact;
      } else {
        bm[basis[k] - n][k] = 1;
      }
    }
    return inverse(std::move(bm));
  }

  /// x_B = B^-1 b.
  [[nodiscard]] std::vector<Exact> primal(const ExactMatrix& inv) const {
    std::vector<Exact> x(m);
    for (std::size_t k = 0; k < m; ++k) {
      for (std::size_t i = 0; i < m; ++i) {
        if (!inv[k][i].is_zero() && !b[i].is_zero()) x[k] += inv[k][i] * b[i];
      }
    }
    return x;
  }

  /// y = c_B B^-1, `cost(column)` the cost of a column of [A | I].
  template <class Cost>
  [[nodiscard]] std::vector<Exact> duals(const ExactMatrix& inv, const std::vector<std::size_t>& basis, Cost cost) const {
    std::vector<Exact> y(m);
    for (std::size_t k = 0; k < m; ++k) {
      const Exact ck = cost(basis[k]);
      if (ck.is_zero()) continue;
      for (std::size_t i = 0; i < m; ++i) {
        if (!inv[k][i].is_zero()) y[i] += ck * inv[k][i];
      }
    }
    return y;
  }

  /// y·A_j.
  [[nodiscard]] Exact column_dot(const std::vector<Exact>& y, std::size_t j) const {
    Exact s;
    for (const Entry& e : columns[j]) {
      if (!y[e.row].is_zero()) s += y[e.row] * e.exact;
    }
    return s;
  }

  /// Phase 1 in doubles, certified; false when the certificate fails (the exact phase 1 then runs).
  bool float_phase_one() {
    Tableau<double> t = phase_one(columns, b_approx, [](const Entry& e) { return e.approx; });
    if (t.optimise(options.bland_after, pivots, limit()) != Tableau<double>::End::optimal) return false;
    double scale = 1;
    for (double v : b_approx) scale += v;
    if (-t.cost[t.width] > kTolerance * scale) {
      // Infeasible, if Farkas agrees: y = c_B B^-1 with c = 1 on the artificials has y·A_j <= 0
      // for every column and y·b > 0, so no q >= 0 has A q = b.
      const auto inv = basis_inverse(t.basis);
      if (!inv) return false;
      const std::vector<Exact> y = duals(*inv, t.basis, [&](std::size_t col) { return Exact(col >= n ? 1 : 0); });
      Exact yb;
      for (std::size_t i = 0; i < m; ++i) yb += y[i] * b[i];
      if (yb.sign() <= 0) return false;
      for (std::size_t j = 0; j < n; ++j) {
        if (column_dot(y, j).sign() > 0) return false;
      }
      feasible = false;
      return true;
    }
    const std::vector<std::size_t> stuck = t.drive_out_artificials(n, pivots);
    // Feasible, if the basis is: x_B = B^-1 b >= 0 with its artificials at 0. The rows where an
    // artificial stays are combinations of the others: w = that row of B^-1 has w·A_j = 0 for
    // every column (which makes the rank exact as well).
    const auto inv = basis_inverse(t.basis);
    if (!inv) return false;
    const std::vector<Exact> x = primal(*inv);
    for (std::size_t k = 0; k < m; ++k) {
      if (x[k].sign() < 0 || (t.basis[k] >= n && !x[k].is_zero())) return false;
    }
    for (std::size_t k : stuck) {
      for (std::size_t j = 0; j < n; ++j) {
        if (!column_dot((*inv)[k], j).is_zero()) return false;
      }
    }
    for (std::size_t k : stuck) artificials.push_back(t.basis[k]);
    t.drop(stuck, n);
    float_start = std::move(t);
    rank = m - stuck.size();
    feasible = true;
    return true;
  }

  [[nodiscard]] ExactStart exact_phase_one() {
    // Phase 1: one artificial variable per row (columns n .. n+m-1); minimise their sum.
    Tableau<Exact> t = phase_one(columns, b, [](const Entry& e) { return e.exact; });
    t.optimise(options.bland_after, pivots, 0);  // bounded below by 0: always ends optimal
    ExactStart out;
    if (!t.cost[t.width].is_zero()) return out;  // the artificials cannot all reach 0: infeasible
    // Drive the artificials (now all 0) out of the basis; a row with no original column left is
    // a combination of the others: drop it.
    t.drop(t.drive_out_artificials(n, pivots), n);
    out.feasible = true;
    out.tableau = std::move(t);
    return out;
  }

  /// The double phase 2 of c from the certified phase-1 basis, certified optimal; nullopt when
  /// the doubles give up or the certificate fails.
  /// (`given`: c as the caller gave it, read as doubles.)
  [[nodiscard]] std::optional<LpResult> float_minimum(const std::vector<Exact>& c, const std::vector<Rational>& given) {
    Tableau<double> t = *float_start;
    std::vector<double> cd(n);
    for (std::size_t j = 0; j < n; ++j) cd[j] = to_double(given[j]);
    t.price(cd);
    if (t.optimise(options.bland_after, pivots, limit()) != Tableau<double>::End::optimal) return std::nullopt;
    // The certificate, in exact arithmetic: B (the basic columns, with the artificials of the
    // dropped rows, at 0) has x_B = B^-1 b >= 0, and y = c_B B^-1 prices every column at or below
    // its cost (c_j - y·A_j >= 0): y is dual feasible and y·b = c·x, so x is optimal.
    std::vector<std::size_t> basis = t.basis;
    basis.insert(basis.end(), artificials.begin(), artificials.end());
    const auto inv = basis_inverse(basis);
    if (!inv) return std::nullopt;
    const std::vector<Exact> x = primal(*inv);
    LpResult out;
    out.solution.assign(n, Rational(0));
    Exact value;
    for (std::size_t k = 0; k < m; ++k) {
      if (x[k].sign() < 0 || (basis[k] >= n && !x[k].is_zero())) return std::nullopt;
      if (basis[k] < n) {
        out.solution[basis[k]] = x[k].to_rational();
        if (!c[basis[k]].is_zero()) value += c[basis[k]] * x[k];
      }
    }
    const std::vector<Exact> y = duals(*inv, basis, [&](std::size_t col) { return col < n ? c[col] : Exact(); });
    for (std::size_t j = 0; j < n; ++j) {
      if (c[j] < column_dot(y, j)) return std::nullopt;
    }
    out.status = LpResult::Status::optimal;
    out.value = value.to_rational();
    return out;
  }

  [[nodiscard]] LpResult minimize(const std::vector<Rational>& given) {
    LpResult out;
    if (!feasible) return out;
    const std::vector<Exact> c(given.begin(), given.end());
    if (float_start) {
      if (auto certified = float_minimum(c, given)) return std::move(*certified);
      ++fallbacks;
    }
    if (!exact) exact = exact_phase_one();
    if (!exact->feasible) return out;  // (cannot follow a certified phase 1; kept for safety)
    Tableau<Exact> t = exact->tableau;
    t.price(c);
    if (t.optimise(options.bland_after, pivots, 0) == Tableau<Exact>::End::unbounded) {
      out.status = LpResult::Status::unbounded;
      return out;
    }
    out.status = LpResult::Status::optimal;
    out.value = (-t.cost[n]).to_rational();
    out.solution.assign(n, Rational(0));
    for (std::size_t i = 0; i < t.rows.size(); ++i) out.solution[t.basis[i]] = t.rows[i][n].to_rational();
    return out;
  }
};

namespace {

/// The columns of a dense A (one row per entry of b), its zeros left out; throws on ragged or
/// empty input.
std::vector<LinearProgram::Column> columns_of(const std::vector<std::vector<Rational>>& a, std::size_t rows) {
  if (a.empty() || a.size() != rows) throw std::invalid_argument("LinearProgram: A needs one row per entry of b, at least one");
  const std::size_t n = a.front().size();
  if (n == 0) throw std::invalid_argument("LinearProgram: no variables");
  std::vector<LinearProgram::Column> columns(n);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() != n) throw std::invalid_argument("LinearProgram: rows of A differ in length");
    for (std::size_t j = 0; j < n; ++j) {
      if (a[i][j] != 0) columns[j].emplace_back(i, a[i][j]);
    }
  }
  return columns;
}

}  // namespace

// (b copied, not moved: the arguments' order of evaluation is unspecified, and columns_of reads
// its size.)
LinearProgram::LinearProgram(std::vector<std::vector<Rational>> a, std::vector<Rational> b, LpOptions options)
    : LinearProgram(columns_of(a, b.size()), b, options, true) {}

LinearProgram LinearProgram::from_columns(std::vector<Column> columns, std::vector<Rational> b, LpOptions options) {
  return {std::move(columns), std::move(b), options, true};
}

LinearProgram::LinearProgram(std::vector<Column> columns, std::vector<Rational> b, LpOptions options, bool)
    : impl_(std::make_shared<Impl>()) {
  if (b.empty()) throw std::invalid_argument("LinearProgram: A needs one row per entry of b, at least one");
  if (columns.empty()) throw std::invalid_argument("LinearProgram: no variables");
  Impl& p = *impl_;
  p.options = options;
  p.n = columns.size();
  p.m = b.size();
  p.columns.resize(p.n);
  // As the dense form: a row whose b is negative is negated, and zeros are left out.
  std::vector<bool> flip(p.m);
  for (std::size_t i = 0; i < p.m; ++i) flip[i] = b[i] < 0;
  for (std::size_t j = 0; j < p.n; ++j) {
    std::size_t next_row = 0;
    for (auto& [i, v] : columns[j]) {
      if (i >= p.m || i < next_row) throw std::invalid_argument("LinearProgram: a column's rows must ascend and lie below b's size");
      next_row = i + 1;
      if (v == 0) continue;
      if (flip[i]) v = -v;
      p.columns[j].push_back({i, Exact(v), to_double(v)});
    }
  }
  for (std::size_t i = 0; i < p.m; ++i) {
    if (flip[i]) b[i] = -b[i];
    p.b.emplace_back(b[i]);
    p.b_approx.push_back(to_double(b[i]));
  }
  if (p.options.float_first && p.float_phase_one()) return;
  p.exact.emplace(p.exact_phase_one());
  p.feasible = p.exact->feasible;
  p.rank = p.exact->tableau.rows.size();
}

bool LinearProgram::feasible() const noexcept { return impl_->feasible; }
std::size_t LinearProgram::variables() const noexcept { return impl_->n; }
std::size_t LinearProgram::rank() const noexcept { return impl_->feasible ? impl_->rank : 0; }
std::size_t LinearProgram::pivots() const noexcept { return impl_->pivots; }
std::size_t LinearProgram::fallbacks() const noexcept { return impl_->fallbacks; }

LpResult LinearProgram::minimize(const std::vector<Rational>& c) const {
  if (c.size() != impl_->n) throw std::invalid_argument("LinearProgram: the objective needs one coefficient per variable");
  return impl_->minimize(c);
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
