#pragma once
/// \file
/// Small text helpers shared by the reports (`rung audit`, `rung check`, `rung import`): trimming,
/// ASCII lower case, one-line messages, natural ordering of labels and aligned tables.
///
///     rung::aligned_table({{"type", "records"}, {"basic", "25"}}, "lr");
///     // "  type   records\n  basic       25\n"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rung {

/// `s` without leading and trailing ASCII white space.
[[nodiscard]] std::string_view trim(std::string_view s);
/// ASCII lower case (other bytes unchanged).
[[nodiscard]] std::string lower(std::string_view s);
/// Valid UTF-8 on one line: invalid bytes and control characters become '?', line breaks "; ",
/// carriage returns vanish (messages are shown on one line and must survive a JSON dump).
[[nodiscard]] std::string one_line(std::string_view s);
/// A message made safe for a terminal: control characters other than line break and tab
/// (ESC, NUL, ...) and invalid UTF-8 bytes become `\xNN`, and a line longer than `max_line`
/// bytes keeps its start and end around `[... N bytes cut ...]` (a 60 KB name or a 500 KB query
/// quoted in an error is not printed whole).
[[nodiscard]] std::string for_terminal(std::string_view message, std::size_t max_line = 1000);
/// The bytes of the printable UTF-8 character at s[i]: 0 for an invalid or truncated sequence and
/// for an ASCII control character other than tab.
[[nodiscard]] std::size_t printable_utf8_length(std::string_view s, std::size_t i);
/// Natural order: digit runs compare as numbers ("graph5" < "graph10"), digits before other
/// characters; labels starting with '(' ("(none)", "(empty)") last.
[[nodiscard]] bool natural_less(const std::string& a, const std::string& b);
/// FNV-1a 64 of the bytes: a fixed, portable hash (orders and keys that must not depend on the
/// machine's std::hash).
[[nodiscard]] std::uint64_t fnv1a64(std::string_view text);
/// Code points of UTF-8 text, for column widths.
[[nodiscard]] std::size_t display_width(std::string_view s);
/// Rows (the first is usually a header) as columns padded to their widest cell, two spaces
/// apart, each line indented by `indent`; `align[i]` is 'l' or 'r' (missing: 'r'). Trailing
/// spaces are removed.
[[nodiscard]] std::string aligned_table(const std::vector<std::vector<std::string>>& rows, std::string_view align,
                                        int indent = 2);

}  // namespace rung
