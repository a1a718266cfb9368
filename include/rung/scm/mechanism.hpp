#pragma once
/// \file
/// A mechanism `V := f(parents)`: an expression or a table, compiled against the model's
/// variables into a small stack program, so evaluation does no string work.
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
#include "rung/graph/dag.hpp"
#include "rung/scm/domain.hpp"
#include "rung/scm/expression.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace rung {

using VarId = NodeId;

/// A table mechanism as written: the input variables and one row per combination of their
/// values. Positions are for diagnostics and ignored by equality.
struct TableSpec {
  struct Row {
    std::vector<std::string> in;
    std::string out;
    Location at;
    friend bool operator==(const Row& a, const Row& b) { return a.in == b.in && a.out == b.out; }
  };
  std::vector<std::string> inputs;
  std::vector<Row> rows;
  friend bool operator==(const TableSpec&, const TableSpec&) = default;
};

class Mechanism {
 public:
  /// What compile needs to know of a name: the variable's id and domain, or nullopt.
  struct Resolved {
    VarId id;
    const Domain* domain;
  };
  using Resolver = std::function<std::optional<Resolved>(std::string_view)>;

  /// Compiles `source` for a variable called `owner` with domain `target`. Appends every
  /// problem found to `problems` (positions: `at` is where the expression or table starts) and
  /// returns nullopt if there was any.
  static std::optional<Mechanism> compile(std::variant<Expr, TableSpec> source, const std::string& owner,
                                          const Domain& target, const Resolver& resolve, Location at,
                                          std::vector<Diagnostic>& problems);

  [[nodiscard]] bool is_table() const noexcept { return std::holds_alternative<TableSpec>(source_); }
  /// The expression as written (precondition: !is_table()).
  [[nodiscard]] const Expr& expression() const { return std::get<Expr>(source_); }
  /// The table as written (precondition: is_table()).
  [[nodiscard]] const TableSpec& table() const { return std::get<TableSpec>(source_); }
  /// Variables the mechanism reads, sorted by id.
  [[nodiscard]] const NodeSet& parents() const noexcept { return parents_; }

  /// The mechanism's value given every variable's value (`values[id]`; only parents are read).
  [[nodiscard]] Value evaluate(std::span<const Value> values) const;

  /// The mechanism as written in the .scm text form (expression, or `table(...) { ... }`).
  [[nodiscard]] std::string to_string() const;

  /// Equal sources (as written) mean equal mechanisms.
  friend bool operator==(const Mechanism& a, const Mechanism& b) { return a.source_ == b.source_; }

  enum class Op : std::uint8_t { push, load, not_, and_, or_, xor_, eq, ne, select, remap, table };
  struct Instr {
    Op op;
    std::uint32_t arg;
  };

 private:
  Mechanism() = default;
  std::variant<Expr, TableSpec> source_;
  NodeSet parents_;
  std::vector<Instr> program_;
  std::vector<std::vector<Value>> remaps_;  // remap tables (and, for tables, the output column)
  std::vector<std::pair<VarId, Value>> table_inputs_;  // (variable, radix), most significant first
  std::size_t stack_depth_ = 0;

  friend class MechanismCompiler;
};

}  // namespace rung
