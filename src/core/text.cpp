#include "rung/core/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rung {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::size_t printable_utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  bool ok = len > 0 && i + len <= s.size();
  for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
  if (ok && len == 1 && (c < 0x20 || c == 0x7F) && c != '\t') ok = false;
  return ok ? len : 0;
}

std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') {
      out += "; ";
      ++i;
      continue;
    }
    if (c == '\r') {
      ++i;
      continue;
    }
    const std::size_t len = printable_utf8_length(s, i);
    if (len == 0) {
      out += '?';
      ++i;
      continue;
    }
    out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

namespace {

/// The start of the UTF-8 character that contains s[i] (or i if s[i] starts one).
std::size_t character_start(std::string_view s, std::size_t i) {
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0U) == 0x80U) --i;
  return i;
}

std::string cut_line(std::string_view line, std::size_t max_line) {
  if (line.size() <= max_line) return std::string(line);
  const std::size_t head = character_start(line, max_line * 2 / 3);
  const std::size_t tail = character_start(line, line.size() - max_line / 4);
  return fmt::format("{} [... {} bytes cut ...] {}", line.substr(0, head), tail - head, line.substr(tail));
}

}  // namespace

std::string for_terminal(std::string_view message, std::size_t max_line) {
  std::string escaped;
  escaped.reserve(message.size());
  for (std::size_t i = 0; i < message.size();) {
    const auto c = static_cast<unsigned char>(message[i]);
    const std::size_t len = c == '\n' ? 1 : printable_utf8_length(message, i);
    if (len == 0 || c == 0x7F) {
      escaped += fmt::format("\\x{:02x}", c);
      ++i;
      continue;
    }
    escaped.append(message.substr(i, len));
    i += len;
  }
  std::string out;
  out.reserve(std::min(escaped.size(), message.size() + 64));
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = escaped.find('\n', begin);
    out += cut_line(std::string_view(escaped).substr(begin, end == std::string::npos ? std::string::npos : end - begin),
                    max_line);
    if (end == std::string::npos) break;
    out += '\n';
    begin = end + 1;
  }
  return out;
}

bool natural_less(const std::string& a, const std::string& b) {
  const bool pa = a.starts_with('(');
  const bool pb = b.starts_with('(');
  if (pa != pb) return pb;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t ie = i;
      std::size_t je = j;
      while (ie < a.size() && is_digit(a[ie])) ++ie;
      while (je < b.size() && is_digit(b[je])) ++je;
      std::size_t is = i;
      std::size_t js = j;
      while (is + 1 < ie && a[is] == '0') ++is;
      while (js + 1 < je && b[js] == '0') ++js;
      const std::string_view na(a.data() + is, ie - is);
      const std::string_view nb(b.data() + js, je - js);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) {
      if (is_digit(a[i]) != is_digit(b[j])) return is_digit(a[i]);
      return a[i] < b[j];
    }
    ++i;
    ++j;
  }
  if ((i < a.size()) != (j < b.size())) return i >= a.size();
  return a < b;
}

std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) >> 6) != 0x2) ++n;
  }
  return n;
}

std::string aligned_table(const std::vector<std::vector<std::string>>& rows, std::string_view align, int indent) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], display_width(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line(static_cast<std::size_t>(indent), ' ');
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool left = c < align.size() && align[c] == 'l';
      const std::size_t pad = width[c] - display_width(row[c]);
      if (c > 0) line += "  ";
      if (!left) line.append(pad, ' ');
      line += row[c];
      if (left) line.append(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace rung
