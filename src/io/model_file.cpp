#include "rung/io/model_file.hpp"

#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include <fmt/format.h>

#include <unistd.h>

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

void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write) {
  std::filesystem::path tmp = path;
  tmp += fmt::format(".tmp-{}", static_cast<long>(::getpid()));
  auto discard = [&] {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
  };
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    // Messages name the user's file: the temporary one is an implementation detail.
    if (!out) throw Error(fmt::format("{}: cannot write: {}", path.string(), std::strerror(errno)));
    try {
      write(out);
    } catch (...) {
      out.close();
      discard();  // an interrupted run leaves no partial file behind
      throw;
    }
    out.flush();
    if (!out) {
      discard();
      throw Error(fmt::format("{}: cannot write: {}", path.string(), std::strerror(errno)));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    discard();
    throw Error(fmt::format("{}: cannot replace: {}", path.string(), ec.message()));
  }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  write_file_atomically(path, [&](std::ostream& out) { out.write(content.data(), static_cast<std::streamsize>(content.size())); });
}

}  // namespace rung
