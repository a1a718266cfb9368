#pragma once
/// \file
/// Compact JSON text, fast: the bytes of `j.dump(-1, ' ', false, strict)` (nlohmann's compact
/// form, UTF-8 passed through, invalid UTF-8 refused), appended to a string. Datasets are written
/// with it, one record a line.
///
///     std::string line;
///     rung::append_json(line, record);   // == record.dump(-1, ' ', false, strict)
///
/// ASCII strings, integers, booleans, null, arrays and objects are written here; a string with
/// non-ASCII bytes and a floating-point number are written by nlohmann itself (so its UTF-8
/// checks and number formatting apply unchanged). Throws what dump() throws.

#include <nlohmann/json.hpp>

#include <string>

namespace rung {

void append_json(std::string& out, const nlohmann::ordered_json& j);

}  // namespace rung
