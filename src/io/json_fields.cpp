#include "rung/io/json_fields.hpp"

#include "rung/core/text.hpp"

namespace rung {

const nlohmann::ordered_json* member(const nlohmann::ordered_json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> scalar_text(const nlohmann::ordered_json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number() || v->is_boolean()) return v->dump();
  return std::nullopt;
}

nlohmann::ordered_json value_json(const Rational& v) {
  nlohmann::ordered_json j;
  j["fraction"] = to_string(v);
  j["decimal"] = to_decimal(v, 6);
  return j;
}

std::string json_message(const std::exception& e) {
  std::string_view m = e.what();
  if (m.starts_with("[json.exception.")) {
    if (auto close = m.find("] "); close != std::string_view::npos) m.remove_prefix(close + 2);
  }
  return one_line(m);
}

}  // namespace rung
