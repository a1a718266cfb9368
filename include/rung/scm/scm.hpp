#pragma once
/// \file
/// Structural causal models M = <U, V, F, P(U)> with finite domains and exact priors.
///
///     rung::ScmBuilder b;
///     b.exogenous("U", rung::Domain(), {rung::Rational(7, 10), rung::Rational(3, 10)});
///     b.endogenous("X", rung::Domain(), rung::parse_expression("U"));
///     b.endogenous("Y", rung::Domain(), rung::parse_expression("X xor U"));
///     rung::Scm m = std::move(b).build();   // throws InvalidModel listing every problem
///     m.find("Y");                          // id 2
///
/// Invariants of a built Scm (checked once, by the builder; the Scm is immutable):
/// - names are unique across U and V, made of letters, digits and '_', start with a letter or
///   '_', and are not reserved words;
/// - ids: exogenous variables first, in declaration order, then endogenous in declaration order;
/// - every exogenous prior has one entry per domain value, each >= 0, summing to exactly 1;
/// - a CPT mechanism's noise is declared by the builder (Variable::implied) just before it;
/// - every endogenous variable has one mechanism; it reads only declared variables, and its
///   labels fit the domains involved (see Mechanism);
/// - the graph read off the mechanisms (parent -> child) is acyclic.

#include "rung/core/error.hpp"
#include "rung/core/rational.hpp"
#include "rung/graph/dag.hpp"
#include "rung/scm/domain.hpp"
#include "rung/scm/expression.hpp"
#include "rung/scm/mechanism.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace rung {

enum class VarKind { exogenous, endogenous };

/// One variable of a model. Exogenous: `prior` set, no mechanism. Endogenous: the reverse.
struct Variable {
  std::string name;
  VarKind kind = VarKind::endogenous;
  Domain domain;
  std::vector<Rational> prior;           ///< P(U = domain value i), exogenous only
  std::optional<Mechanism> mechanism;    ///< endogenous only
  /// Endogenous only: not observed (docs/file-format.md, `hidden V`). Only identification
  /// (`rung identify`, `rung show --admg`) reads it; every solver answers on the whole model.
  bool hidden = false;
  /// Exogenous only: the noise of a CPT mechanism, declared by the model builder (not written
  /// in files: the CPT implies it). Its prior is the CPT's canonical one.
  bool implied = false;

  friend bool operator==(const Variable&, const Variable&) = default;
};

class Scm {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return variables_.size(); }
  [[nodiscard]] const Variable& variable(VarId id) const { return variables_.at(id); }
  [[nodiscard]] const std::vector<Variable>& variables() const noexcept { return variables_; }
  [[nodiscard]] const std::string& name(VarId id) const { return variables_.at(id).name; }
  [[nodiscard]] const Domain& domain(VarId id) const { return variables_.at(id).domain; }
  [[nodiscard]] bool is_exogenous(VarId id) const { return variables_.at(id).kind == VarKind::exogenous; }
  /// The variable's mechanism (precondition: endogenous).
  [[nodiscard]] const Mechanism& mechanism(VarId id) const { return *variables_.at(id).mechanism; }
  /// The variable's prior (precondition: exogenous).
  [[nodiscard]] const std::vector<Rational>& prior(VarId id) const { return variables_.at(id).prior; }
  [[nodiscard]] bool is_hidden(VarId id) const { return variables_.at(id).hidden; }
  /// Ids of the endogenous variables marked hidden, in id order.
  [[nodiscard]] std::vector<VarId> hidden() const;

  [[nodiscard]] std::optional<VarId> find(std::string_view name) const { return dag_.find(name); }
  /// Ids of the exogenous variables (0..k-1) and of the endogenous ones (k..n-1).
  [[nodiscard]] std::vector<VarId> exogenous() const;
  [[nodiscard]] std::vector<VarId> endogenous() const;
  /// The causal graph over all variables (exogenous ones included), ids as in the model.
  [[nodiscard]] const Dag& dag() const noexcept { return dag_; }
  /// Endogenous variables in the Dag's deterministic topological order.
  [[nodiscard]] const std::vector<VarId>& evaluation_order() const noexcept { return order_; }

  /// Values of every variable given the exogenous values (`values[id]` for exogenous ids are read,
  /// the endogenous entries are overwritten in evaluation order).
  void evaluate(std::vector<Value>& values) const;

  /// A copy of this model with the exogenous priors replaced (`priors[id]` for each exogenous
  /// id), checked as the builder checks priors; the same model as rebuilding it with those
  /// priors, without recompiling mechanisms. Throws InvalidModel naming each bad prior.
  [[nodiscard]] Scm with_priors(const std::vector<std::vector<Rational>>& priors) const;

  friend bool operator==(const Scm& a, const Scm& b) { return a.variables_ == b.variables_; }

 private:
  friend class ScmBuilder;
  std::vector<Variable> variables_;
  std::size_t exogenous_count_ = 0;
  Dag dag_;
  std::vector<VarId> order_;
};

/// Where the parts of one declaration were written, for diagnostics (all optional).
struct DeclarationSource {
  Location name;    ///< the variable's name
  Location domain;  ///< the `{...}` domain, if written
  Location rhs;     ///< the prior, the expression or the table
};

/// Collects declarations in any order, then checks everything at once.
class ScmBuilder {
 public:
  ScmBuilder& exogenous(std::string name, Domain domain, std::vector<Rational> prior,
                        DeclarationSource at = {});
  /// A CptSpec mechanism also declares the variable's noise (exogenous, `implied`), named
  /// `U_<name>` with more `U_` prefixed while the name is taken, just before the variable.
  ScmBuilder& endogenous(std::string name, Domain domain, MechanismSource mechanism, DeclarationSource at = {});
  /// Marks the endogenous variable `name` (declared before or after) as not observed. A name
  /// that is not declared, an exogenous one or one marked twice is a problem at `at`.
  ScmBuilder& hide(std::string name, Location at = {});
  /// Convenience: a {0,1} exogenous variable with P(U=1) = p.
  ScmBuilder& bernoulli(std::string name, Rational p, DeclarationSource at = {});
  /// Convenience: an endogenous variable whose mechanism is parsed from `expression`.
  ScmBuilder& endogenous(std::string name, std::string_view expression, Domain domain = Domain());

  /// Every problem of the model as declared, each with the position given at declaration
  /// (no file name), ordered by position then by discovery.
  [[nodiscard]] std::vector<Diagnostic> problems() const;

  /// Builds the model. Throws InvalidModel whose message lists every problem, one a line.
  [[nodiscard]] Scm build() const;

 private:
  struct Declaration {
    std::string name;
    VarKind kind;
    Domain domain;
    std::vector<Rational> prior;
    SharedSource mechanism;  ///< endogenous only
    DeclarationSource at;
    bool implied = false;    ///< a CPT's noise, declared by the builder
    std::string noise;       ///< CPT mechanisms: the name of their implied noise
  };
  std::vector<Declaration> declarations_;
  std::vector<std::pair<std::string, Location>> hidden_;

  /// Builds the model, appending problems to `problems`; nullopt if there is any.
  std::optional<Scm> try_build(std::vector<Diagnostic>& problems) const;
};

}  // namespace rung
