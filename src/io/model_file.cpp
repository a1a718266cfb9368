#include "rung/io/model_file.hpp"

#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace rung {

ModelFormat detect_model_format(const std::filesystem::path& path, std::string_view text) {
  if (path.extension() == ".json") return ModelFormat::json;
  if (path.extension() == ".scm") return ModelFormat::scm;
  auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{' ? ModelFormat::json : ModelFormat::scm;
}

std::string read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw Error(fmt::format("{}: is a directory, not a file", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("{}: read error", path.string()));
  return std::move(buffer).str();
}

Scm read_model_file(const std::filesystem::path& path) {
  const std::string text = read_text_file(path);
  const std::string name = path.string();
  return detect_model_format(path, text) == ModelFormat::json ? read_scm_json(text, name) : read_scm_text(text, name);
}

}  // namespace rung
