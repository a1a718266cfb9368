#pragma once
/// \file
/// A mechanism `V := f(parents)`: an expression, a table, or a conditional probability table
/// (CPT) read through the canonical inverse CDF of its own noise; compiled against the model's
/// variables (expressions into a small stack program), so evaluation does no string work.
///
///     // inside ScmBuilder::build(); users get mechanisms from Scm::mechanism(id)
///     Value y = scm.mechanism(y_id).evaluate(values);   // values indexed by variable id
///
/// Typing: every value is an index into a Domain; booleans are the domain {0, 1}. `not and or xor`
/// take booleans (boolean variables, comparisons, 0/1/true/false). `==`/`!=` compare a variable
/// (or any typed operand) with another operand of the same domain, or with a label of it. A
/// variable whose domain differs from what the context expects is accepted when each of its
/// labels is also a label of the expected domain (values are mapped by label).

#include "rung/core/error.hpp"
#include "rung/core/rational.hpp"
#include "rung/graph/dag.hpp"
#include "rung/scm/domain.hpp"
#include "rung/scm/expression.hpp"
#include "rung/scm/labels.hpp"
#include "rung/scm/table_rows.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace rung {

using VarId = NodeId;

/// A table mechanism as written: the input variables and one row per combination of their
/// values (TableRows: flat, a million rows are three arrays). Positions are for diagnostics and
/// ignored by equality.
struct TableSpec {
  using Row = TableRow;
  std::vector<std::string> inputs;
  TableRows rows;
  friend bool operator==(const TableSpec&, const TableSpec&) = default;
};

/// A conditional probability table as written (`V ~ cpt(P1, P2) { a, b -> 0.1, 0.9 ... }`):
/// P(V | parents), one row per combination of the parents' values, one probability per value of
/// V in its domain's order. V also reads one exogenous variable of its own, its noise, which the
/// model builder declares (ScmBuilder: `U_V`, more `U_` prefixed while the name is taken) with
/// the canonical prior: the cut points of every cumulative row, merged (docs/networks.md §3).
/// V is the inverse CDF of its row at the noise, so P(V = v | parents) is the table's entry.
/// Positions are for diagnostics and ignored by equality.
struct CptSpec {
  struct Row {
    std::vector<std::string> given;  ///< the parents' values
    std::vector<Rational> p;         ///< P(V = value i | given), one per value of V
    Location at;
    friend bool operator==(const Row& a, const Row& b) { return a.given == b.given && a.p == b.p; }
  };
  std::vector<std::string> parents;
  std::vector<Row> rows;
  friend bool operator==(const CptSpec&, const CptSpec&) = default;
};

/// The canonical noise of a CPT: the cut points 0 < t_1 < ... < t_K = 1 of every cumulative
/// row (entries outside (0, 1) dropped), merged; the noise's value k has probability
/// t_{k+1} - t_k (t_0 = 0). Defined for any rows, valid or not.
[[nodiscard]] std::vector<Rational> cpt_cut_points(const CptSpec& cpt);

/// What a mechanism is written as.
using MechanismSource = std::variant<Expr, TableSpec, CptSpec>;
/// A source shared, never copied: a table of a million rows is held once by the model builder,
/// the mechanism and every copy of the model.
using SharedSource = std::shared_ptr<const MechanismSource>;

class Mechanism {
 public:
  /// What compile needs to know of a name: the variable's id and domain, or nullopt.
  struct Resolved {
    VarId id;
    const Domain* domain;
    const std::vector<Rational>* prior = nullptr;  ///< exogenous variables: the prior (CPT noise)
  };
  using Resolver = std::function<std::optional<Resolved>(std::string_view)>;

  /// Compiles `source` for a variable called `owner` with domain `target`. Appends every
  /// problem found to `problems` (positions: `at` is where the expression or table starts) and
  /// returns nullopt if there was any. A CPT reads the exogenous variable called `noise` (which
  /// `resolve` gives with its prior: ScmBuilder declares it); other mechanisms ignore `noise`.
  static std::optional<Mechanism> compile(MechanismSource source, const std::string& owner,
                                          const Domain& target, const Resolver& resolve, Location at,
                                          std::vector<Diagnostic>& problems, std::string_view noise = {});
  static std::optional<Mechanism> compile(SharedSource source, const std::string& owner, const Domain& target,
                                          const Resolver& resolve, Location at, std::vector<Diagnostic>& problems,
                                          std::string_view noise = {});

  [[nodiscard]] bool is_table() const noexcept { return std::holds_alternative<TableSpec>(*source_); }
  [[nodiscard]] bool is_cpt() const noexcept { return std::holds_alternative<CptSpec>(*source_); }
  [[nodiscard]] bool is_expression() const noexcept { return std::holds_alternative<Expr>(*source_); }
  /// The mechanism as written.
  [[nodiscard]] const MechanismSource& source() const noexcept { return *source_; }
  /// The expression as written (precondition: is_expression()).
  [[nodiscard]] const Expr& expression() const { return std::get<Expr>(*source_); }
  /// The table as written (precondition: is_table()).
  [[nodiscard]] const TableSpec& table() const { return std::get<TableSpec>(*source_); }
  /// The CPT as written (precondition: is_cpt()).
  [[nodiscard]] const CptSpec& cpt() const { return std::get<CptSpec>(*source_); }

  /// CPT mechanisms, compiled: the noise variable, the parents in the order written (each with
  /// its number of values), the rows in canonical order (row-major over the parents as written,
  /// the last fastest), and each entry P(V = j | row r) at `r * cpt_values() + j`.
  [[nodiscard]] VarId cpt_noise() const noexcept { return cpt_noise_; }
  [[nodiscard]] const std::vector<std::pair<VarId, Value>>& cpt_parents() const noexcept { return table_inputs_; }
  [[nodiscard]] std::size_t cpt_values() const noexcept { return cpt_values_; }
  [[nodiscard]] const std::vector<Rational>& cpt_probabilities() const noexcept { return cpt_p_; }
  [[nodiscard]] const std::vector<double>& cpt_doubles() const noexcept { return cpt_d_; }
  /// The canonical row of the parents' values in `values` (indexed by variable id).
  [[nodiscard]] std::size_t cpt_row(std::span<const Value> values) const {
    std::size_t index = 0;
    for (auto [id, radix] : table_inputs_) index = index * radix + values[id];
    return index;
  }
  /// Variables the mechanism reads, sorted by id.
  [[nodiscard]] const NodeSet& parents() const noexcept { return parents_; }

  /// The mechanism's value given every variable's value (`values[id]`; only parents are read).
  [[nodiscard]] Value evaluate(std::span<const Value> values) const;

  /// An expression whose parents take at most this many combinations of values is tabulated
  /// when compiled: evaluate() then looks its value up (the same value the program computes).
  static constexpr std::size_t kMaxTruthCells = 1024;

  /// The mechanism as written in the .scm text form after `:=` (expression, `table(...) { ... }`)
  /// or, for a CPT, after `~` (`cpt(...) { ... }`).
  [[nodiscard]] std::string to_string() const;

  /// Equal sources (as written) mean equal mechanisms.
  friend bool operator==(const Mechanism& a, const Mechanism& b) {
    return a.source_ == b.source_ || *a.source_ == *b.source_;
  }

  /// `jump_if_zero` pops the condition and goes to instruction `arg` when it is 0; `jump` goes
  /// to `arg`: an `if` runs its condition and the branch taken only.
  enum class Op : std::uint8_t { push, load, not_, and_, or_, xor_, eq, ne, select, remap, table, cpt, jump_if_zero, jump };
  struct Instr {
    Op op;
    std::uint32_t arg;
  };

 private:
  Mechanism() = default;
  SharedSource source_;
  NodeSet parents_;
  std::vector<Instr> program_;
  std::vector<std::vector<Value>> remaps_;  // remap tables (and, for tables, the output column)
  std::vector<std::pair<VarId, Value>> table_inputs_;  // (variable, radix), most significant first
  std::size_t stack_depth_ = 0;
  // CPTs: per row, per value j, the number of noise values mapped to values <= j (the last: K).
  VarId cpt_noise_ = 0;
  std::size_t cpt_values_ = 0;
  std::vector<std::uint32_t> cpt_bounds_;
  std::vector<Rational> cpt_p_;
  std::vector<double> cpt_d_;
  // Tabulated expressions (kMaxTruthCells): the parents with their numbers of values (most
  // significant first, in id order) and the value for each combination, row-major; shared by
  // the copies of a model.
  std::vector<std::pair<VarId, Value>> truth_inputs_;
  std::shared_ptr<const std::vector<Value>> truth_;

  /// Runs the expression's program (evaluate() without the table).
  [[nodiscard]] Value run(std::span<const Value> values) const;

  friend class MechanismCompiler;
};

}  // namespace rung
