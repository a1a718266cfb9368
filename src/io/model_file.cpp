#include "rung/io/model_file.hpp"

#include "rung/io/input_file.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"


namespace rung {

ModelFormat detect_model_format(const std::filesystem::path& path, std::string_view text) {
  if (path.extension() == ".json") return ModelFormat::json;
  if (path.extension() == ".scm") return ModelFormat::scm;
  auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{' ? ModelFormat::json : ModelFormat::scm;
}

std::string read_text_file(const std::filesystem::path& path) { return read_input_file(path); }

Scm read_model_file(const std::filesystem::path& path) {
  const std::string text = read_text_file(path);
  const std::string name = path.string();
  return detect_model_format(path, text) == ModelFormat::json ? read_scm_json(text, name) : read_scm_text(text, name);
}

}  // namespace rung
