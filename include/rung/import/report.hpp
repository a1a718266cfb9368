#pragma once
/// \file
/// What an import found (`rung import counterbench|cladder`): which items were read, which
/// stored labels rung's exact re-solution reproduces and which it does not, and the shortcut
/// figures of `rung audit` on the source file.
///
///     rung::ImportReport r = rung::import_counterbench(in, {.file = "cb.json"}).report;
///     std::cout << rung::to_text(r);          // aligned sections
///     std::cout << rung::to_json(r).dump(2);  // the same content
///
/// A label is *checked* when its item was parsed and re-solved; it *agrees* when the stored value
/// equals rung's exact value: yes/no labels exactly, numeric labels within `tolerance` (absolute).
/// Every list is in file order; every map is ordered by key, so the report is deterministic.

#include "rung/check/audit.hpp"
#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/core/rational.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rung {

/// An item of a source file that cannot be imported: its id, why, and the phrase at fault.
/// Thrown by the parsers; the importers catch it, report the item and go on with the next one.
class ImportError : public Error {
 public:
  /// `item 150: unknown question form at 'Could Lumbo ...'` (the phrase is quoted as given).
  ImportError(std::string id, std::string reason, std::string phrase);
  [[nodiscard]] const std::string& id() const noexcept { return id_; }
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }
  [[nodiscard]] const std::string& phrase() const noexcept { return phrase_; }

 private:
  std::string id_;
  std::string reason_;
  std::string phrase_;
};

/// An item that was not imported.
struct NotParsed {
  std::string id;
  std::string reason;
  std::string phrase;  ///< the offending text (may be empty when the reason says it all)
  friend bool operator==(const NotParsed&, const NotParsed&) = default;
};

/// One stored label compared with rung's exact value.
struct LabelCheck {
  std::string id;          ///< the item (or `model<id>` for a model's ground truth)
  std::string quantity;    ///< the label's name: "answer", "ATE(Y | X)", "P(Y=1 | X=1)", ...
  std::string query_type;  ///< "basic", "ate", "marginal", "det-counterfactual", ...
  std::string graph;       ///< graph_id where the source has one, else ""
  std::string stored;      ///< the label as stored ("yes", "0.5925244566507366")
  Rational exact;          ///< rung's value
  double abs_error = 0;    ///< |stored - exact| (yes = 1, no = 0)
  bool agrees = false;
  std::string reason;      ///< why they differ, when known
};

/// Agreement and error over one group of labels (a query type, a graph, a reading).
struct ErrorStats {
  std::size_t checked = 0;
  std::size_t agreed = 0;
  double max_abs_error = 0;
  std::string max_error_id;  ///< where the largest error is ("" when none)
  void add(const LabelCheck& c);
  friend bool operator==(const ErrorStats&, const ErrorStats&) = default;
};

/// How many labels one reading of the source's text reproduces.
struct ReadingScore {
  std::string name;         ///< "documented", "nested:literal", "conditional:factual", ...
  std::string description;  ///< one line
  std::size_t matched = 0;
  std::size_t total = 0;
  std::size_t undefined = 0;  ///< items where the reading has zero-probability evidence
};

/// A CLadder item whose label is wrong or not decided by one of its three readings
/// (docs/importing.md: verdict a = the item's own numbers, b = the text's rounded numbers,
/// c = the exact model).
struct FlaggedItem {
  std::string id;
  std::string verdict;     ///< "a", "b" or "c"
  std::string outcome;     ///< "wrong", "undecided", "flips", "may_flip", "unaligned"
  std::string query_type;
  std::string graph;
  std::string stored;      ///< the label
  std::string exact;       ///< the value behind the verdict (decimal), or ""
  double margin = 0;       ///< |value - threshold| of the decision ("by how much")
  std::string why;
};

struct ImportReport {
  std::string source;  ///< "counterbench" or "cladder"
  std::string file;
  double tolerance = 1e-6;
  std::size_t entries = 0;  ///< items (or models) in the file
  std::size_t parsed = 0;
  std::vector<NotParsed> not_parsed;

  std::size_t checked = 0;  ///< labels compared
  std::size_t agreed = 0;
  std::vector<LabelCheck> disagreements;   ///< every one, in file order
  std::map<std::string, ErrorStats> by_query_type;
  std::map<std::string, ErrorStats> by_graph;   ///< empty when the source has no graph ids
  std::map<std::string, ErrorStats> by_quantity;
  /// Counts of disagreements per known reason ("approximate inference", ...).
  std::map<std::string, std::size_t> reasons;
  std::vector<ReadingScore> readings;
  /// Free-form findings with their counts ("text contradicts params: 40 items").
  std::vector<std::string> notes;

  /// CLadder items: counts per "query_type graph" and verdict ("a:agrees", "b:flips", ...).
  std::map<std::string, std::map<std::string, std::size_t>> verdicts;
  /// CLadder items whose label a verdict does not confirm, in file order.
  std::vector<FlaggedItem> flagged;

  /// `rung audit` on the same file (shortcut baselines); nullopt when the file holds no records.
  std::optional<AuditReport> audit;

  /// Records everything about one comparison: counts, groups, the disagreement list.
  void add(LabelCheck check);
  [[nodiscard]] double max_abs_error() const;
};

/// The readable report, ending with a newline.
[[nodiscard]] std::string to_text(const ImportReport& report);

/// The same content as JSON (docs/importing.md lists the fields).
[[nodiscard]] rung::ordered_json to_json(const ImportReport& report);

}  // namespace rung
