#include "rung/scm/table_rows.hpp"

#include <limits>

namespace rung {

void TableRows::reserve(std::size_t rows, std::size_t cells_per_row) {
  if (wide_) {
    wide_cells_.reserve(rows * cells_per_row);
  } else {
    narrow_cells_.reserve(rows * cells_per_row);
  }
  end_.reserve(rows);
  at_.reserve(rows);
}

void TableRows::push_back(const TableRow& row) {
  for (std::string_view l : row.in) cell(l);
  end_row(row.out, row.at);
}

void TableRows::end_row(std::string_view out, Location at) {
  push_cell(intern(out));
  end_.push_back(cell_count());
  at_.push_back(at);
}

void TableRows::drop_row() {
  const std::size_t kept = end_.empty() ? 0 : static_cast<std::size_t>(end_.back());
  if (wide_) {
    wide_cells_.resize(kept);
  } else {
    narrow_cells_.resize(kept);
  }
}

void TableRows::pop_back() {
  end_.pop_back();
  at_.pop_back();
  drop_row();
}

void TableRows::clear() { *this = TableRows(); }

TableRows::LabelId TableRows::intern_rest(std::string_view label) {
  if (labels_.size() > kScanned) {
    if (auto it = ids_.find(label); it != ids_.end()) return it->second;
  }
  if (labels_.size() >= std::numeric_limits<LabelId>::max()) throw Error("a table has more distinct values than rung can number");
  const auto id = static_cast<LabelId>(labels_.size());
  if (!wide_ && id > std::numeric_limits<std::uint8_t>::max()) {  // the 257th label: cells become 4 bytes
    wide_cells_.assign(narrow_cells_.begin(), narrow_cells_.end());
    narrow_cells_ = {};
    wide_ = true;
  }
  labels_.emplace_back(label);
  ids_.emplace(labels_.back(), id);
  return id;
}

bool operator==(const TableRows& a, const TableRows& b) {
  if (a.size() != b.size()) return false;
  if (a.labels_ == b.labels_) {
    return a.end_ == b.end_ && (a.wide_ ? a.wide_cells_ == b.wide_cells_ : a.narrow_cells_ == b.narrow_cells_);
  }
  for (std::size_t r = 0; r < a.size(); ++r) {
    const auto x = a[r];
    const auto y = b[r];
    if (x.out != y.out || x.in.size() != y.in.size()) return false;
    for (std::size_t i = 0; i < x.in.size(); ++i) {
      if (x.in[i] != y.in[i]) return false;
    }
  }
  return true;
}

}  // namespace rung
