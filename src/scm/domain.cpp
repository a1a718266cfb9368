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
    if (!is_valid_name(l)) throw InvalidModel(fmt::format("invalid domain value '{}'", l));
    if (is_expression_keyword(l)) throw InvalidModel(fmt::format("'{}' is a reserved word and cannot be a domain value", l));
    if (!seen.insert(l).second) throw InvalidModel(fmt::format("duplicate domain value '{}'", l));
  }
}

const Domain& Domain::boolean() {
  static const Domain b;
  return b;
}

std::optional<Value> Domain::index_of(std::string_view label) const {
  auto it = std::find(labels_.begin(), labels_.end(), label);
  if (it == labels_.end()) return std::nullopt;
  return static_cast<Value>(it - labels_.begin());
}

bool Domain::is_boolean() const noexcept {
  return labels_.size() == 2 && labels_[0] == "0" && labels_[1] == "1";
}

std::string Domain::to_string() const {
  return fmt::format("{{{}}}", fmt::join(labels_, ", "));
}

}  // namespace rung
