#include "rung/io/json_fields.hpp"

#include "rung/core/json.hpp"
#include "rung/core/text.hpp"
#include "rung/io/json_line.hpp"

namespace rung {

const rung::ordered_json* member(const rung::ordered_json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> scalar_text(const rung::ordered_json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number() || v->is_boolean()) return v->dump();
  return std::nullopt;
}

bool asks_for_number(const rung::ordered_json& record) {
  const rung::ordered_json* meta = member(record, "meta");
  return member(record, "decision") == nullptr && meta != nullptr && scalar_text(member(*meta, "answer_kind")) == "fraction";
}

rung::ordered_json value_json(const Rational& v) {
  return written_json([&](JsonWriter& out) { write_value_json(out, v); });
}

void write_value_json(JsonWriter& out, const Rational& v) {
  out.begin_object().key("fraction").value(to_string(v)).key("decimal").value(to_decimal(v, 6)).end_object();
}

std::string json_message(const std::exception& e) {
  std::string_view m = e.what();
  if (m.starts_with("[json.exception.")) {
    if (auto close = m.find("] "); close != std::string_view::npos) m.remove_prefix(close + 2);
  }
  return one_line(m);
}

}  // namespace rung
