#pragma once
/// \file
/// Reading fields of JSON records leniently (datasets, responses, benchmark files), shared by
/// `rung audit`, `rung check` and `rung import`.
///
///     if (const auto* id = rung::member(record, "id")) ...       // nullptr: absent or null
///     rung::scalar_text(rung::member(record, "answer"));         // "yes", "0.35", "7", ...

#include "rung/core/json.hpp"
#include "rung/core/rational.hpp"

#include <nlohmann/json.hpp>

#include <exception>
#include <optional>
#include <string>
#include <string_view>

namespace rung {

class JsonWriter;

/// `j[key]` when `j` is an object holding a non-null `key`; else nullptr.
[[nodiscard]] const rung::ordered_json* member(const rung::ordered_json& j, std::string_view key);
/// A scalar as text: strings as they are, numbers and booleans as JSON; nullopt otherwise.
[[nodiscard]] std::optional<std::string> scalar_text(const rung::ordered_json* v);
/// Whether a record's question asks for a number: `meta.answer_kind` is "fraction" and it has no
/// `decision` (rung's ladder preset; its answer is a fraction, or "undetermined" when the stated
/// information does not decide it).
[[nodiscard]] bool asks_for_number(const rung::ordered_json& record);
/// `{"fraction": "7/20", "decimal": "0.35"}`: an exact value as records carry it (6 decimals).
[[nodiscard]] rung::ordered_json value_json(const Rational& v);
/// The same, written as compact text.
void write_value_json(JsonWriter& out, const Rational& v);
/// An exception's message on one line, without nlohmann's "[json.exception.parse_error.101] ".
[[nodiscard]] std::string json_message(const std::exception& e);

}  // namespace rung
