#include "rung/core/error.hpp"

#include <fmt/format.h>

namespace rung {

InvalidModel InvalidModel::cycle(const std::vector<std::string>& names) {
  return InvalidModel(fmt::format("cycle: {}", fmt::join(names, " -> ")));
}

InvalidModel InvalidModel::unknown_name(const std::string& name) {
  return InvalidModel(fmt::format("unknown name '{}'", name));
}

InvalidModel InvalidModel::duplicate_name(const std::string& name) {
  return InvalidModel(fmt::format("duplicate name '{}'", name));
}

std::string Diagnostic::to_string() const {
  std::string out;
  if (!file.empty()) out += file + ":";
  if (line > 0) {
    out += fmt::format("{}:", line);
    if (column > 0) out += fmt::format("{}:", column);
  }
  if (!out.empty()) out += " ";
  out += "error: " + message;
  return out;
}

namespace {
std::string join_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.to_string();
  }
  return out;
}
}  // namespace

ParseError::ParseError(std::vector<Diagnostic> diagnostics)
    : Error(join_diagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace rung
