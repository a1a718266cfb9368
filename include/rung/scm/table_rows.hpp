#pragma once
/// \file
/// The rows of a table mechanism as written, stored flat: each cell is the number of its label
/// in the table's list of distinct labels, so a table of a million rows is three arrays (the
/// cells, where each row ends, where each row was written), not a million strings (issue #16:
/// loading a 2^20-row table; the labels of a table are few, its cells many).
///
///     rung::TableRows rows;
///     rows.push_back({{"0", "lo"}, "1", {}});      // a row as written: inputs, output, position
///     rows.cell("1"); rows.cell("hi"); rows.end_row("0", {3, 1});   // the same, cell by cell
///     for (const auto& row : rows) {               // RowView: in (labels), out, at
///       row.in.size(); row.in[1];                  // "lo" (a string_view into the table)
///       row.out;                                   // "1"
///     }
///
/// Rows may differ in width (the reader keeps what was written; the compiler reports a row with
/// the wrong number of values). Equality compares labels, never the numbering or the positions.

#include "rung/core/error.hpp"
#include "rung/scm/labels.hpp"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rung {

/// One row as written, for building a table: the inputs' values, the output value, where.
struct TableRow {
  Labels in;
  std::string out;
  Location at;
  friend bool operator==(const TableRow& a, const TableRow& b) { return a.in == b.in && a.out == b.out; }
};

class TableRows {
 public:
  using LabelId = std::uint32_t;

  /// The input values of one row, as views into the table's labels.
  class Cells {
   public:
    class Iterator {
     public:
      using iterator_category = std::forward_iterator_tag;
      using value_type = std::string_view;
      using difference_type = std::ptrdiff_t;
      using pointer = void;
      using reference = std::string_view;
      Iterator() = default;
      Iterator(const TableRows* t, std::size_t k) : t_(t), k_(k) {}
      std::string_view operator*() const { return t_->label(t_->cell_id(k_)); }
      Iterator& operator++() {
        ++k_;
        return *this;
      }
      Iterator operator++(int) {
        Iterator old = *this;
        ++k_;
        return old;
      }
      friend bool operator==(const Iterator& a, const Iterator& b) { return a.k_ == b.k_; }

     private:
      const TableRows* t_ = nullptr;
      std::size_t k_ = 0;  // in the table's cells
    };

    Cells(const TableRows* t, std::size_t first, std::size_t n) : t_(t), first_(first), n_(n) {}
    [[nodiscard]] std::size_t size() const noexcept { return n_; }
    [[nodiscard]] bool empty() const noexcept { return n_ == 0; }
    [[nodiscard]] std::string_view operator[](std::size_t i) const { return t_->label(id(i)); }
    /// The i-th value's number in the table's labels (TableRows::label).
    [[nodiscard]] LabelId id(std::size_t i) const { return t_->cell_id(first_ + i); }
    [[nodiscard]] Iterator begin() const { return {t_, first_}; }
    [[nodiscard]] Iterator end() const { return {t_, first_ + n_}; }
    [[nodiscard]] std::vector<std::string> to_vector() const { return {begin(), end()}; }
    [[nodiscard]] Labels to_labels() const {
      Labels out;
      for (std::string_view l : *this) out.push_back(l);
      return out;
    }

   private:
    const TableRows* t_;
    std::size_t first_;  // in the table's cells
    std::size_t n_;
  };

  /// One stored row.
  struct RowView {
    Cells in;
    std::string_view out;
    LabelId out_id;
    Location at;
    /// The row as a value (copies its labels).
    [[nodiscard]] TableRow to_row() const { return {in.to_labels(), std::string(out), at}; }
  };

  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = RowView;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = RowView;
    Iterator() = default;
    Iterator(const TableRows* t, std::size_t r) : t_(t), r_(r) {}
    RowView operator*() const { return (*t_)[r_]; }
    Iterator& operator++() {
      ++r_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator old = *this;
      ++r_;
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.r_ == b.r_; }

   private:
    const TableRows* t_ = nullptr;
    std::size_t r_ = 0;
  };

  TableRows() = default;
  TableRows(std::initializer_list<TableRow> rows) {
    for (const auto& r : rows) push_back(r);
  }

  [[nodiscard]] std::size_t size() const noexcept { return at_.size(); }
  [[nodiscard]] bool empty() const noexcept { return at_.empty(); }
  [[nodiscard]] RowView operator[](std::size_t r) const {
    const std::size_t first = r == 0 ? 0 : end_[r - 1];
    const std::size_t last = end_[r] - 1;  // the output cell
    const LabelId out = cell_id(last);
    return {Cells(this, first, last - first), label(out), out, at_[r]};
  }
  [[nodiscard]] RowView front() const { return (*this)[0]; }
  [[nodiscard]] RowView back() const { return (*this)[size() - 1]; }
  [[nodiscard]] Iterator begin() const { return {this, 0}; }
  [[nodiscard]] Iterator end() const { return {this, size()}; }

  /// The distinct labels of the table's cells, in order of first use.
  [[nodiscard]] const std::vector<std::string>& labels() const noexcept { return labels_; }
  [[nodiscard]] std::string_view label(LabelId id) const { return labels_[id]; }

  /// Room for `rows` rows of `cells_per_row` cells each (inputs and output).
  void reserve(std::size_t rows, std::size_t cells_per_row = 0);
  void push_back(const TableRow& row);
  /// Builds a row cell by cell: cell() for each input value, then end_row() with the output.
  void cell(std::string_view label) { push_cell(intern(label)); }
  void end_row(std::string_view out, Location at);
  /// Forgets the cells given since the last end_row() (a row that failed to parse).
  void drop_row();
  /// Removes the last row (precondition: not empty).
  void pop_back();
  void clear();

  friend bool operator==(const TableRows& a, const TableRows& b);

 private:
  /// The number of `label` in labels_, added if new. The first labels are compared here (a
  /// table's labels are few: its columns' values), the rest found in ids_.
  LabelId intern(std::string_view label) {
    const std::size_t scanned = labels_.size() < kScanned ? labels_.size() : kScanned;
    for (std::size_t i = 0; i < scanned; ++i) {
      const std::string& l = labels_[i];
      if (l.size() == label.size() && (label.empty() || (l[0] == label[0] && l.compare(1, l.npos, label.substr(1)) == 0))) {
        return static_cast<LabelId>(i);
      }
    }
    return intern_rest(label);
  }
  LabelId intern_rest(std::string_view label);
  [[nodiscard]] LabelId cell_id(std::size_t k) const { return wide_ ? wide_cells_[k] : narrow_cells_[k]; }
  [[nodiscard]] std::size_t cell_count() const noexcept { return wide_ ? wide_cells_.size() : narrow_cells_.size(); }
  void push_cell(LabelId id) {
    if (wide_) {
      wide_cells_.push_back(id);
    } else {
      narrow_cells_.push_back(static_cast<std::uint8_t>(id));
    }
  }

  static constexpr std::size_t kScanned = 8;

  // Each row's inputs then its output, one byte a cell while the table has at most 256 labels
  // (every table of the bnlearn networks; a 2^20-row table is then 21 MB of cells, not 84).
  bool wide_ = false;
  std::vector<std::uint8_t> narrow_cells_;
  std::vector<LabelId> wide_cells_;
  std::vector<std::uint64_t> end_;  // end_[r]: one past row r's output cell
  std::vector<Location> at_;
  std::vector<std::string> labels_;
  std::map<std::string, LabelId, std::less<>> ids_;  // labels_ -> number, once there are many
};

}  // namespace rung
