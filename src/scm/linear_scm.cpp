#include "rung/scm/linear_scm.hpp"

#include "rung/scm/domain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace rung {

std::vector<VarId> LinearScm::exogenous() const {
  std::vector<VarId> ids(exogenous_count_);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<VarId>(i);
  return ids;
}

std::vector<VarId> LinearScm::endogenous() const {
  std::vector<VarId> ids;
  for (std::size_t i = exogenous_count_; i < variables_.size(); ++i) ids.push_back(static_cast<VarId>(i));
  return ids;
}

Rational LinearScm::covariance(VarId a, VarId b) const {
  if (a == b) return variables_.at(a).variance;
  if (a > b) std::swap(a, b);
  const auto it = std::lower_bound(covariances_.begin(), covariances_.end(), std::pair{a, b},
                                   [](const Covariance& c, const std::pair<VarId, VarId>& key) {
                                     return std::pair{c.a, c.b} < key;
                                   });
  return it != covariances_.end() && it->a == a && it->b == b ? it->value : Rational(0);
}

bool is_positive_semidefinite(std::vector<Rational> s, std::size_t n, PsdFailure* why) {
  // Gaussian elimination in the given order: s[k][k] is the variance of variable k given the
  // variables before it (with a positive pivot). A negative one, or a zero one whose row is not
  // zero, proves the matrix is not PSD; a zero pivot with a zero row is a degenerate variable.
  for (std::size_t k = 0; k < n; ++k) {
    const Rational d = s[k * n + k];
    if (d < 0) {
      if (why != nullptr) *why = PsdFailure{k, k, true, d};
      return false;
    }
    if (d == 0) {
      for (std::size_t j = k + 1; j < n; ++j) {
        if (s[k * n + j] != 0) {
          if (why != nullptr) *why = PsdFailure{k, j, false, s[k * n + j]};
          return false;
        }
      }
      continue;
    }
    for (std::size_t i = k + 1; i < n; ++i) {
      if (s[i * n + k] == 0) continue;
      const Rational f = s[i * n + k] / d;
      for (std::size_t j = k + 1; j < n; ++j) {
        if (s[k * n + j] != 0) s[i * n + j] -= f * s[k * n + j];
      }
    }
  }
  return true;
}

LinearScmBuilder& LinearScmBuilder::exogenous(std::string name, Rational mean, Rational variance, Location at,
                                              Location parameters) {
  exogenous_.push_back({std::move(name), std::move(mean), std::move(variance), at, parameters});
  return *this;
}

LinearScmBuilder& LinearScmBuilder::endogenous(std::string name, std::vector<std::pair<std::string, Rational>> terms,
                                               Rational constant, Location at, Location rhs) {
  endogenous_.push_back({std::move(name), std::move(terms), std::move(constant), at, rhs});
  return *this;
}

LinearScmBuilder& LinearScmBuilder::covariance(std::string a, std::string b, Rational value, Location at) {
  covariances_.push_back({std::move(a), std::move(b), std::move(value), at});
  return *this;
}

namespace {

Diagnostic at(Location where, std::string message) { return Diagnostic{"", where.line, where.column, std::move(message)}; }

}  // namespace

std::optional<LinearScm> LinearScmBuilder::try_build(std::vector<Diagnostic>& problems) const {
  const std::size_t first = problems.size();
  LinearScm m;
  std::map<std::string, Location, std::less<>> seen;
  const auto declare = [&](const std::string& name, Location where) {
    if (!is_valid_name(name)) {
      problems.push_back(at(where, fmt::format("'{}' is not a valid name (letters, digits and '_', not starting with a digit)", name)));
      return false;
    }
    if (is_reserved_word(name)) {
      problems.push_back(at(where, fmt::format("'{}' is a reserved word and cannot name a variable", name)));
      return false;
    }
    if (const auto it = seen.find(name); it != seen.end()) {
      problems.push_back(at(where, it->second.line > 0
                                       ? fmt::format("duplicate name '{}' (first declared at line {})", name, it->second.line)
                                       : fmt::format("duplicate name '{}'", name)));
      return false;
    }
    seen.emplace(name, where);
    return true;
  };
  // Names first (ids: exogenous then endogenous, in declaration order); a bad or duplicate name
  // still gets an id under a placeholder so that later checks refer to the first declaration.
  for (const auto& u : exogenous_) {
    declare(u.name, u.at);
    LinearVariable v;
    v.name = u.name;
    v.exogenous = true;
    v.mean = u.mean;
    v.variance = u.variance;
    if (u.variance < 0) {
      problems.push_back(at(u.parameters, fmt::format("the variance of {} is {}, but a variance cannot be negative", u.name,
                                                      to_string(u.variance))));
    }
    m.variables_.push_back(std::move(v));
  }
  m.exogenous_count_ = exogenous_.size();
  for (const auto& e : endogenous_) {
    declare(e.name, e.at);
    LinearVariable v;
    v.name = e.name;
    m.variables_.push_back(std::move(v));
  }
  if (problems.size() != first) return std::nullopt;
  for (const auto& v : m.variables_) m.dag_.add_node(v.name);

  // Mechanisms.
  for (std::size_t i = 0; i < endogenous_.size(); ++i) {
    const Endo& e = endogenous_[i];
    const auto id = static_cast<VarId>(m.exogenous_count_ + i);
    LinearMechanism mech;
    mech.constant = e.constant;
    std::set<VarId> used;
    for (const auto& [name, coefficient] : e.terms) {
      const auto var = m.dag_.find(name);
      if (!var) {
        problems.push_back(at(e.rhs, fmt::format("unknown name '{}' in the mechanism of {}", name, e.name)));
        continue;
      }
      if (*var == id) {
        problems.push_back(at(e.rhs, fmt::format("the mechanism of {} reads {} itself", e.name, e.name)));
        continue;
      }
      if (!used.insert(*var).second) {
        problems.push_back(at(e.rhs, fmt::format("{} appears twice in the mechanism of {}: write it once, with the sum of "
                                                 "its coefficients",
                                                 name, e.name)));
        continue;
      }
      mech.coefficients.push_back({*var, coefficient});
    }
    m.variables_[id].mechanism = std::move(mech);
  }
  if (problems.size() != first) return std::nullopt;
  for (std::size_t i = 0; i < endogenous_.size(); ++i) {
    const auto id = static_cast<VarId>(m.exogenous_count_ + i);
    for (const auto& c : m.variables_[id].mechanism.coefficients) {
      try {
        m.dag_.add_arc(c.var, id);
      } catch (const InvalidModel& cycle) {
        problems.push_back(at(endogenous_[i].rhs, cycle.what()));
        return std::nullopt;
      }
    }
  }

  // Covariances.
  std::map<std::pair<VarId, VarId>, Location> declared;
  for (const auto& c : covariances_) {
    const auto a = m.dag_.find(c.a);
    const auto b = m.dag_.find(c.b);
    bool ok = true;
    for (const auto& [name, var] : {std::pair{c.a, a}, std::pair{c.b, b}}) {
      if (!var) {
        problems.push_back(at(c.at, fmt::format("unknown name '{}' in cov({}, {})", name, c.a, c.b)));
        ok = false;
      } else if (!m.is_exogenous(*var)) {
        problems.push_back(at(c.at, fmt::format("cov({}, {}): {} is endogenous; covariances are declared between exogenous "
                                                "variables only",
                                                c.a, c.b, name)));
        ok = false;
      }
    }
    if (!ok) continue;
    if (*a == *b) {
      problems.push_back(at(c.at, fmt::format("cov({}, {}): a variable's variance is its Normal's second parameter, not a cov "
                                              "statement",
                                              c.a, c.b)));
      continue;
    }
    const auto key = std::minmax(*a, *b);
    if (const auto [it, inserted] = declared.emplace(key, c.at); !inserted) {
      problems.push_back(at(c.at, fmt::format("cov({}, {}) is declared twice (first at line {})", c.a, c.b, it->second.line)));
      continue;
    }
    m.covariances_.push_back({key.first, key.second, c.value});
  }
  if (problems.size() != first) return std::nullopt;
  std::sort(m.covariances_.begin(), m.covariances_.end(),
            [](const Covariance& x, const Covariance& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); });

  // Positive semi-definite, exactly (only the variables that covary with another matter).
  if (!m.covariances_.empty()) {
    std::vector<VarId> involved;
    for (const auto& c : m.covariances_) {
      involved.push_back(c.a);
      involved.push_back(c.b);
    }
    std::sort(involved.begin(), involved.end());
    involved.erase(std::unique(involved.begin(), involved.end()), involved.end());
    const std::size_t n = involved.size();
    std::vector<Rational> s(n * n);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) s[i * n + j] = m.covariance(involved[i], involved[j]);
    }
    PsdFailure why;
    if (!is_positive_semidefinite(std::move(s), n, &why)) {
      const VarId k = involved[why.index];
      std::string given;
      for (std::size_t i = 0; i < why.index; ++i) given += (given.empty() ? "" : ", ") + m.name(involved[i]);
      std::string message;
      if (why.negative) {
        message = fmt::format("the covariances of the exogenous variables are not positive semi-definite: the variance of "
                              "{} given {} would be {}",
                              m.name(k), given, to_string(why.value));
      } else {
        message = fmt::format("the covariances of the exogenous variables are not positive semi-definite: {} has variance "
                              "0{} yet covariance {} with {}",
                              m.name(k), given.empty() ? "" : " given " + given, to_string(why.value),
                              m.name(involved[why.other]));
      }
      // Located at the last cov statement that involves the culprit (the one that broke it).
      Location where = exogenous_[k].parameters;
      for (const auto& c : covariances_) {
        if (c.a == m.name(k) || c.b == m.name(k)) where = c.at;
      }
      problems.push_back(at(where, std::move(message)));
      return std::nullopt;
    }
  }

  for (VarId id : m.dag_.topological_order()) {
    if (!m.is_exogenous(id)) m.order_.push_back(id);
  }
  return m;
}

std::vector<Diagnostic> LinearScmBuilder::problems() const {
  std::vector<Diagnostic> out;
  (void)try_build(out);
  std::stable_sort(out.begin(), out.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return std::tie(a.line, a.column) < std::tie(b.line, b.column); });
  return out;
}

LinearScm LinearScmBuilder::build() const {
  std::vector<Diagnostic> out;
  auto m = try_build(out);
  if (m) return std::move(*m);
  std::stable_sort(out.begin(), out.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return std::tie(a.line, a.column) < std::tie(b.line, b.column); });
  std::string message;
  for (const auto& d : out) {
    if (!message.empty()) message += '\n';
    if (d.line > 0) message += fmt::format("{}:{}: ", d.line, d.column);
    message += d.message;
  }
  throw InvalidModel(message);
}

}  // namespace rung
