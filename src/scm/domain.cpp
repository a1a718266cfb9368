#include "rung/scm/domain.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace rung {

bool is_valid_name(std::string_view name) noexcept {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

bool is_expression_keyword(std::string_view w) noexcept {
  return w == "not" || w == "and" || w == "or" || w == "xor" || w == "if" || w == "then" || w == "else";
}

bool is_reserved_word(std::string_view w) noexcept {
  return is_expression_keyword(w) || w == "true" || w == "false" || w == "exogenous" || w == "in" ||
         w == "table" || w == "Bernoulli" || w == "Uniform";
}

Domain::Domain() : labels_{"0", "1"} {}

Domain::Domain(std::vector<std::string> labels) : labels_(std::move(labels)) {
  if (labels_.empty()) throw InvalidModel("empty domain: a domain needs at least one value");
  std::set<std::string_view> seen;
  for (const auto& l : labels_) {
    if (l.empty()) throw InvalidModel("invalid domain value '': a value needs at least one character");
    for (char c : l) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) {
        throw InvalidModel(fmt::format("invalid domain value {}: control character 0x{:02x}", write_label(l.substr(0, 40)), u));
      }
    }
    if (is_expression_keyword(l)) throw InvalidModel(fmt::format("'{}' is a reserved word and cannot be a domain value", l));
    if (!seen.insert(l).second) throw InvalidModel(fmt::format("duplicate domain value '{}'", l));
  }
}

bool is_plain_label(std::string_view label) noexcept { return is_valid_name(label); }

void append_label(std::string& out, std::string_view label) {
  if (is_plain_label(label)) {
    out += label;
    return;
  }
  out += '"';
  for (char c : label) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

std::string write_label(std::string_view label) {
  std::string out;
  append_label(out, label);
  return out;
}

std::size_t read_quoted_label(std::string_view text, std::size_t pos, std::string& label) {
  if (pos >= text.size() || text[pos] != '"') return 0;
  std::string out;
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return 0;
    if (c == '"') {
      label = std::move(out);
      return i + 1 - pos;
    }
    if (c == '\\') {
      if (i + 1 >= text.size() || (text[i + 1] != '"' && text[i + 1] != '\\')) return 0;
      ++i;
    }
    out += text[i];
  }
  return 0;
}

const Domain& Domain::boolean() {
  static const Domain b;
  return b;
}

std::optional<Value> Domain::index_of(std::string_view label) const {
  // Sizes first: a table of a million rows looks up every value of every row here.
  // Then the first byte, before a call to compare the rest.
  auto it = std::find_if(labels_.begin(), labels_.end(), [label](const std::string& l) {
    return l.size() == label.size() && (l.empty() || l[0] == label[0]) &&
           std::char_traits<char>::compare(l.data(), label.data(), l.size()) == 0;
  });
  if (it == labels_.end()) return std::nullopt;
  return static_cast<Value>(it - labels_.begin());
}

bool Domain::is_boolean() const noexcept {
  return labels_.size() == 2 && labels_[0] == "0" && labels_[1] == "1";
}

std::string Domain::to_string() const {
  std::string out = "{";
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    if (i > 0) out += ", ";
    append_label(out, labels_[i]);
  }
  out += '}';
  return out;
}

}  // namespace rung
