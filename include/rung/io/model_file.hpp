#pragma once
/// \file
/// Reading a model from a file in either format.
///
///     rung::Scm m = rung::read_model_file("examples/firing_squad.scm");

#include "rung/io/output_file.hpp"  // write_file_atomically, for the commands that write models
#include "rung/scm/scm.hpp"

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace rung {

enum class ModelFormat { scm, json };

/// `.json` files and texts whose first non-blank character is `{` are JSON; all else is .scm text.
[[nodiscard]] ModelFormat detect_model_format(const std::filesystem::path& path, std::string_view text);

/// Reads the whole file through the reading layer (rung/io/input_file.hpp: size limit, binary
/// data, read errors). Throws rung::Error if it cannot be read, ParseError if it is not a valid
/// model (diagnostics carry the path as given).
[[nodiscard]] std::string read_text_file(const std::filesystem::path& path);
[[nodiscard]] Scm read_model_file(const std::filesystem::path& path);


}  // namespace rung
