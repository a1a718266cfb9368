#include "rung/infer/linear_abduction.hpp"

#include "rung/core/scalar.hpp"
#include "rung/io/linear_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace rung {
namespace {

/// At most this many coefficients in the affine maps of one query (2^22: about 200 MB exact).
constexpr std::size_t kMaxCells = std::size_t{1} << 22;

/// A term as an affine map of the exogenous vector: row·U + constant.
template <class S>
struct Affine {
  RowVectorOf<S> row;
  S constant{0};
};

/// Each (world, variable) as an affine map of U, memoised by the term's canonical text.
template <class S>
class AffineWorlds {
 public:
  explicit AffineWorlds(const LinearScm& m) : m_(m), k_(static_cast<Eigen::Index>(m.exogenous_count())) {}

  const Affine<S>& of(const LinearOutcome& t) { return eval(t.settings, t.var); }

  /// The worlds met while evaluating (their settings text, e.g. `X=1, M=M[X=0]`), in order of first use.
  [[nodiscard]] const std::vector<std::pair<std::string, std::vector<LinearSetting>>>& worlds() const { return worlds_; }
  /// The variables evaluated in a world (by the world's text), in order of completion.
  [[nodiscard]] const std::vector<VarId>& variables_in(const std::string& world) const { return used_.at(world); }

 private:
  const LinearScm& m_;
  Eigen::Index k_;
  std::map<std::string, std::map<VarId, Affine<S>>> memo_;  // world -> variable -> map
  std::size_t cells_ = 0;  // coefficients held so far
  std::vector<std::pair<std::string, std::vector<LinearSetting>>> worlds_;
  std::map<std::string, std::vector<VarId>> used_;

  const Affine<S>& eval(const std::vector<LinearSetting>& settings, VarId var) {
    const std::string world = to_string(LinearOutcome{0, settings}, m_).substr(m_.name(0).size());
    auto& rows = memo_[world];  // std::map: stays valid while other worlds are added
    if (const auto it = rows.find(var); it != rows.end()) return it->second;
    if (used_.find(world) == used_.end()) {
      worlds_.emplace_back(world, settings);
      used_[world];
    }
    // What `var` needs in this world and is not known yet, found without recursion (a chain of
    // 100,000 variables must not exhaust the stack), then computed in evaluation order. Only a
    // nested setting recurses, as deep as the query's nesting.
    std::vector<char> needed(m_.size(), 0);
    std::vector<VarId> stack{var};
    while (!stack.empty()) {
      const VarId v = stack.back();
      stack.pop_back();
      if (needed[v] != 0 || rows.find(v) != rows.end()) continue;
      needed[v] = 1;
      if (m_.is_exogenous(v) || setting_of(settings, v) != nullptr) continue;
      for (const auto& c : m_.mechanism(v).coefficients) stack.push_back(c.var);
    }
    cells_ += static_cast<std::size_t>(std::count(needed.begin(), needed.end(), char{1})) * static_cast<std::size_t>(k_);
    if (cells_ > kMaxCells) {
      throw TooLarge(fmt::format("the query needs more than {} coefficients (a term per world and variable, each a dense map "
                                 "of the {} exogenous variables): the linear solver refuses models this large",
                                 kMaxCells, k_));
    }
    for (VarId u = 0; u < static_cast<VarId>(k_); ++u) {
      if (needed[u] == 0) continue;
      Affine<S> a;
      a.row = RowVectorOf<S>::Zero(k_);
      a.row(static_cast<Eigen::Index>(u)) = S(1);
      rows.emplace(u, std::move(a));
    }
    for (VarId v : m_.evaluation_order()) {
      if (needed[v] == 0) continue;
      Affine<S> a;
      const LinearSetting* set = setting_of(settings, v);
      if (set != nullptr && set->is_nested()) {
        a = eval(set->nested.front().settings, set->nested.front().var);  // its value in its own world
      } else {
        a.row = RowVectorOf<S>::Zero(k_);
        if (set != nullptr) {
          a.constant = from(set->value);
        } else {
          const LinearMechanism& mech = m_.mechanism(v);
          a.constant = from(mech.constant);
          for (const auto& c : mech.coefficients) {
            const Affine<S>& p = rows.at(c.var);
            const S b = from(c.value);
            // Rows are sparse (a variable reads few noises): skip the zeros, which GMP would multiply.
            for (Eigen::Index j = 0; j < k_; ++j) {
              if (!is_zero(p.row(j))) a.row(j) += b * p.row(j);
            }
            a.constant += b * p.constant;
          }
        }
      }
      rows.emplace(v, std::move(a));
      used_[world].push_back(v);
    }
    return rows.at(var);
  }

  static const LinearSetting* setting_of(const std::vector<LinearSetting>& settings, VarId var) {
    for (const auto& s : settings) {
      if (s.var == var) return &s;
    }
    return nullptr;
  }

  static S from(const Rational& x) {
    if constexpr (is_exact_scalar<S>) {
      return x;
    } else {
      return x.convert_to<double>();
    }
  }
};

/// `3/2*U_X + U_Y + 2` (exact path only).
std::string affine_text(const Affine<Rational>& a, const LinearScm& m) {
  LinearMechanism mech;
  for (Eigen::Index j = 0; j < a.row.size(); ++j) {
    if (a.row(j) != 0) mech.coefficients.push_back({static_cast<VarId>(j), a.row(j)});
  }
  mech.constant = a.constant;
  return to_string(mech, m);
}

std::string world_title(const std::string& world) {
  return world.empty() ? std::string("the factual world") : fmt::format("world do({})", world.substr(1, world.size() - 2));
}

}  // namespace

template <class S>
Gaussian<S> abduction_gaussian(const LinearScm& m, const std::vector<LinearOutcome>& outcomes,
                               const std::vector<LinearObservation>& evidence, LinearTrace* trace) {
  const auto k = static_cast<Eigen::Index>(m.exogenous_count());
  AffineWorlds<S> worlds(m);

  // The prior of U.
  VectorOf<S> mu(k);
  MatrixOf<S> sigma = MatrixOf<S>::Zero(k, k);
  for (Eigen::Index i = 0; i < k; ++i) {
    const auto& v = m.variable(static_cast<VarId>(i));
    if constexpr (is_exact_scalar<S>) {
      mu(i) = v.mean;
      sigma(i, i) = v.variance;
    } else {
      mu(i) = v.mean.convert_to<double>();
      sigma(i, i) = v.variance.convert_to<double>();
    }
  }
  for (const auto& c : m.covariances()) {
    const auto a = static_cast<Eigen::Index>(c.a);
    const auto b = static_cast<Eigen::Index>(c.b);
    if constexpr (is_exact_scalar<S>) {
      sigma(a, b) = c.value;
    } else {
      sigma(a, b) = c.value.convert_to<double>();
    }
    sigma(b, a) = sigma(a, b);
  }

  // Abduction: condition U on each observation in turn.
  std::vector<Affine<S>> observed;
  observed.reserve(evidence.size());
  for (const auto& o : evidence) observed.push_back(worlds.of(o.outcome));
  const VectorOf<S> prior_mu = mu;
  const MatrixOf<S> prior_sigma = sigma;
  std::vector<std::string> dropped;
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    const RowVectorOf<S>& h = observed[i].row;
    std::vector<Eigen::Index> support;  // the exogenous variables the observation reads
    for (Eigen::Index j = 0; j < k; ++j) {
      if (!is_zero(h(j))) support.push_back(j);
    }
    VectorOf<S> sh = VectorOf<S>::Zero(k);  // Σ hᵀ, over the support only
    for (Eigen::Index r = 0; r < k; ++r) {
      for (const auto j : support) {
        if (!is_zero(sigma(r, j))) sh(r) += sigma(r, j) * h(j);
      }
    }
    S s{0};  // the conditional variance of the observation, h Σ hᵀ
    for (const auto j : support) s += h(j) * sh(j);
    const S predicted = h.dot(mu) + observed[i].constant;   // its conditional mean
    S value;
    if constexpr (is_exact_scalar<S>) {
      value = evidence[i].value;
    } else {
      value = evidence[i].value.convert_to<double>();
    }
    const S residual = value - predicted;
    bool degenerate = false;
    bool consistent = true;
    if constexpr (is_exact_scalar<S>) {
      degenerate = s == 0;
      consistent = residual == 0;
    } else {
      // Rounding: a variance below 1e-9 of the observation's prior variance counts as 0, and a
      // residual below 1e-7 of the numbers involved as agreement.
      const double prior_scale = h.dot(prior_sigma * h.transpose());
      degenerate = s <= 1e-9 * std::max(1.0, prior_scale);
      consistent = std::abs(residual) <= 1e-7 * (1 + std::abs(predicted) + std::abs(value) + std::sqrt(std::abs(prior_scale)));
    }
    if (degenerate) {
      if (!consistent) {
        std::string detail = fmt::format("{} is impossible: ", to_string(evidence, m));
        detail += i == 0 ? fmt::format("{} is {} with probability 1, not {}", to_string(evidence[i].outcome, m),
                                       scalar_text(predicted), to_string(evidence[i].value))
                         : fmt::format("given the observations before it, {} is {} with probability 1, not {}",
                                       to_string(evidence[i].outcome, m), scalar_text(predicted),
                                       to_string(evidence[i].value));
        throw ZeroProbabilityEvidence::impossible(detail);
      }
      dropped.push_back(to_string(evidence[i].outcome, m));
      continue;  // determined by the earlier observations, and consistent: nothing to learn
    }
    const S gain = residual / s;
    const S inverse = S(1) / s;
    std::vector<Eigen::Index> moved;  // the exogenous variables that covary with the observation
    for (Eigen::Index r = 0; r < k; ++r) {
      if (!is_zero(sh(r))) moved.push_back(r);
    }
    for (const auto r : moved) {
      mu(r) += sh(r) * gain;
      const S scaled = sh(r) * inverse;
      for (const auto l : moved) sigma(r, l) -= scaled * sh(l);
    }
  }

  // Action and prediction.
  Gaussian<S> out;
  const auto n = static_cast<Eigen::Index>(outcomes.size());
  MatrixOf<S> g(n, k);
  VectorOf<S> constants(n);
  for (Eigen::Index t = 0; t < n; ++t) {
    const Affine<S>& a = worlds.of(outcomes[static_cast<std::size_t>(t)]);
    g.row(t) = a.row;
    constants(t) = a.constant;
  }
  out.mean = g * mu + constants;
  const MatrixOf<S> gs = g * sigma;
  out.covariance = gs * g.transpose();

  if constexpr (is_exact_scalar<S>) {
    if (trace != nullptr) {
      // The relevant exogenous variables: those any observed or asked term reads.
      std::vector<Eigen::Index> relevant;
      for (Eigen::Index j = 0; j < k; ++j) {
        bool used = false;
        for (const auto& a : observed) used = used || a.row(j) != 0;
        for (Eigen::Index t = 0; t < n; ++t) used = used || g(t, j) != 0;
        if (used) relevant.push_back(j);
      }
      const auto gaussian_lines = [&](const VectorOf<S>& mean, const MatrixOf<S>& cov, std::vector<std::string>& lines) {
        for (const auto j : relevant) {
          std::string line = fmt::format("{}: mean {}, variance {}", m.name(static_cast<VarId>(j)), scalar_text(mean(j)),
                                         scalar_text(cov(j, j)));
          for (const auto l : relevant) {
            if (l > j && cov(j, l) != 0) {
              line += fmt::format(", cov with {} {}", m.name(static_cast<VarId>(l)), scalar_text(cov(j, l)));
            }
          }
          lines.push_back(std::move(line));
        }
      };
      LinearTrace::Step abduction{"abduction: the exogenous variables given the evidence", {}};
      if (evidence.empty()) {
        abduction.title = "abduction: no evidence, the exogenous variables keep their prior";
        gaussian_lines(prior_mu, prior_sigma, abduction.lines);
      } else {
        abduction.lines.push_back("prior:");
        gaussian_lines(prior_mu, prior_sigma, abduction.lines);
        abduction.lines.push_back("evidence, each observed term as a function of the exogenous variables:");
        for (std::size_t i = 0; i < evidence.size(); ++i) {
          abduction.lines.push_back(fmt::format("{} = {} = {}", to_string(evidence[i].outcome, m),
                                                affine_text(observed[i], m), to_string(evidence[i].value)));
        }
        for (const auto& d : dropped) {
          abduction.lines.push_back(fmt::format("{} is determined by the observations before it (and agrees): dropped", d));
        }
        abduction.lines.push_back("posterior:");
        gaussian_lines(mu, sigma, abduction.lines);
      }
      for (auto& line : abduction.lines) {
        if (!line.ends_with(":")) line = "  " + line;
      }
      LinearTrace::Step action{"action: each world's mechanisms", {}};
      for (const auto& [world, settings] : worlds.worlds()) {
        std::vector<std::string> equations;
        for (VarId v : worlds.variables_in(world)) {
          const LinearSetting* set = nullptr;
          for (const auto& s : settings) {
            if (s.var == v) set = &s;
          }
          if (set == nullptr) {
            equations.push_back(fmt::format("{} := {}", m.name(v), to_string(m.mechanism(v), m)));
          } else if (set->is_nested()) {
            equations.push_back(fmt::format("{} := {} (its value in {})", m.name(v), to_string(set->nested.front(), m),
                                            world_title(to_string(LinearOutcome{0, set->nested.front().settings}, m)
                                                            .substr(m.name(0).size()))));
          } else {
            equations.push_back(fmt::format("{} := {}", m.name(v), to_string(set->value)));
          }
        }
        if (equations.empty()) continue;
        action.lines.push_back(fmt::format("{}: {}", world_title(world), fmt::join(equations, "; ")));
      }
      LinearTrace::Step prediction{"prediction: the asked terms under the posterior", {}};
      for (Eigen::Index t = 0; t < n; ++t) {
        const auto& outcome = outcomes[static_cast<std::size_t>(t)];
        prediction.lines.push_back(fmt::format("{} = {}: mean {}, variance {}", to_string(outcome, m),
                                               affine_text(worlds.of(outcome), m), scalar_text(out.mean(t)),
                                               scalar_text(out.covariance(t, t))));
      }
      for (Eigen::Index t = 0; t < n; ++t) {
        for (Eigen::Index r = t + 1; r < n; ++r) {
          prediction.lines.push_back(fmt::format("Cov({}, {}) = {}", to_string(outcomes[static_cast<std::size_t>(t)], m),
                                                 to_string(outcomes[static_cast<std::size_t>(r)], m),
                                                 scalar_text(out.covariance(t, r))));
        }
      }
      trace->steps.push_back(std::move(abduction));
      trace->steps.push_back(std::move(action));
      trace->steps.push_back(std::move(prediction));
    }
  }
  return out;
}

template Gaussian<Rational> abduction_gaussian<Rational>(const LinearScm&, const std::vector<LinearOutcome>&,
                                                         const std::vector<LinearObservation>&, LinearTrace*);
template Gaussian<double> abduction_gaussian<double>(const LinearScm&, const std::vector<LinearOutcome>&,
                                                     const std::vector<LinearObservation>&, LinearTrace*);

}  // namespace rung
