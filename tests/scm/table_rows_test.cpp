#include "rung/scm/table_rows.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using rung::Labels;
using rung::Location;
using rung::TableRow;
using rung::TableRows;

std::vector<std::string> strings(const TableRows::Cells& cells) {
  std::vector<std::string> out;
  for (std::string_view l : cells) out.emplace_back(l);
  return out;
}

TEST(TableRows, RowsReadBackAsWritten) {
  TableRows t;
  t.push_back({{"0", "lo"}, "1", {2, 3}});
  t.cell("1");
  t.cell("hi");
  t.end_row("0", {3, 1});
  t.push_back({{}, "x", {}});  // a row of no inputs
  ASSERT_EQ(t.size(), 3U);
  EXPECT_EQ(strings(t[0].in), (std::vector<std::string>{"0", "lo"}));
  EXPECT_EQ(t[0].out, "1");
  EXPECT_EQ(t[0].at, (Location{2, 3}));
  EXPECT_EQ(t[1].in[1], "hi");
  EXPECT_EQ(t[1].in.to_vector(), (std::vector<std::string>{"1", "hi"}));
  EXPECT_EQ(t[1].to_row(), (TableRow{{"1", "hi"}, "0", {}}));
  EXPECT_TRUE(t[2].in.empty());
  EXPECT_EQ(t[2].out, "x");
  // Labels are numbered once: "1" is the same label as an input and as an output.
  EXPECT_EQ(t.labels(), (std::vector<std::string>{"0", "lo", "1", "hi", "x"}));
  EXPECT_EQ(t[0].out_id, t[1].in.id(0));
  std::size_t n = 0;
  for (const auto& row : t) n += row.in.size();
  EXPECT_EQ(n, 4U);
}

TEST(TableRows, DroppedAndPoppedRowsLeaveNoCells) {
  TableRows t;
  t.push_back({{"a", "b"}, "c", {}});
  t.cell("x");
  t.cell("y");
  t.drop_row();  // a row that failed to parse
  t.cell("d");
  t.end_row("e", {});
  ASSERT_EQ(t.size(), 2U);
  EXPECT_EQ(strings(t[1].in), (std::vector<std::string>{"d"}));
  EXPECT_EQ(t[1].out, "e");
  t.pop_back();
  ASSERT_EQ(t.size(), 1U);
  EXPECT_EQ(t.back().out, "c");
  t.push_back({{"f"}, "g", {}});
  EXPECT_EQ(strings(t[1].in), (std::vector<std::string>{"f"}));
  t.clear();
  EXPECT_TRUE(t.empty());
}

TEST(TableRows, MoreThan256LabelsWidenTheCells) {
  // Cells take one byte while the table has at most 256 labels; the 257th widens them, and every
  // row written before must read back the same.
  TableRows t;
  std::vector<TableRow> rows;
  for (int i = 0; i < 600; ++i) {
    TableRow r{{"v" + std::to_string(i), "w" + std::to_string(i % 7)}, "o" + std::to_string(i % 300), {i + 1, 1}};
    t.push_back(r);
    rows.push_back(r);
  }
  ASSERT_EQ(t.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(t[i].to_row(), rows[i]) << i;
    EXPECT_EQ(t[i].at, rows[i].at) << i;
  }
  EXPECT_EQ(t.labels().size(), 600U + 7U + 300U);  // v0..v599, w0..w6, o0..o299
}

TEST(TableRows, EqualityComparesLabelsNotTheirNumbering) {
  TableRows a{{{"0", "1"}, "1", {1, 1}}, {{"1", "0"}, "0", {2, 1}}};
  TableRows b;
  b.push_back({{"1"}, "z", {}});  // numbers "1" first, then drop that row
  b.pop_back();
  b.push_back({{"0", "1"}, "1", {}});
  b.push_back({{"1", "0"}, "0", {}});
  EXPECT_NE(a.labels(), b.labels());
  EXPECT_EQ(a, b);  // positions are ignored too
  TableRows c{{{"0", "1"}, "1", {}}, {{"1", "0"}, "1", {}}};
  EXPECT_NE(a, c);
  TableRows d{{{"0", "1"}, "1", {}}, {{"1"}, "0", {}}};
  EXPECT_NE(a, d);
  TableRows e{{{"0", "1"}, "1", {}}};
  EXPECT_NE(a, e);
}

TEST(TableRows, EmptyAndLongLabels) {
  TableRows t;
  const std::string long_label(1000, 'q');
  t.push_back({{"", long_label}, "", {}});
  EXPECT_EQ(t[0].in[0], "");
  EXPECT_EQ(t[0].in[1], long_label);
  EXPECT_EQ(t[0].out, "");
  EXPECT_EQ(t.labels().size(), 2U);
}

}  // namespace
