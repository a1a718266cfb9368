#include "rung/io/model_file.hpp"

#include "rung/io/bif.hpp"
#include "rung/io/input_file.hpp"
#include "rung/io/linear_json.hpp"
#include "rung/io/linear_text.hpp"
#include "rung/io/pgmpy_linear.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/io/uai.hpp"
#include "rung/io/xmlbif.hpp"

#include "network_reading.hpp"
#include "rung/io/scm_text.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace rung {

namespace {

/// The extension that names the format: `.bif` for both `a.bif` and `a.bif.gz`.
std::string format_extension(const std::filesystem::path& path) {
  if (path.extension() == ".gz") return path.stem().extension().string();
  return path.extension().string();
}

/// Whether `path` holds gzip data: named `.gz`, or a regular file starting with gzip's magic bytes
/// (a pipe is not peeked at: its bytes would be gone).
bool gzip_file(const std::filesystem::path& path) {
  if (path.extension() == ".gz") return true;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char magic[2] = {0, 0};
  return in.read(magic, 2) && network_reading::is_gzip(std::string_view(magic, 2));
}

/// The file's text, decompressed if it is gzip data; the reading layer's text checks (NUL bytes,
/// UTF-16) apply to the text, not to the compressed bytes.
std::string read_maybe_gzip(const std::filesystem::path& path) {
  if (!gzip_file(path)) return read_text_file(path);
  const std::string bytes = read_input_file(path, kMaxInputBytes, false);
  std::string text = network_reading::gunzip(bytes, path.string());
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    throw Error(fmt::format("{}: binary data after decompression: a NUL byte at byte {}; rung reads UTF-8 text", path.string(),
                            nul + 1));
  }
  return text;
}

}  // namespace

ModelFormat detect_model_format(const std::filesystem::path& path, std::string_view text) {
  const std::string ext = format_extension(path);
  if (ext == ".json") return ModelFormat::json;
  if (ext == ".scm") return ModelFormat::scm;
  if (ext == ".bif") return ModelFormat::bif;
  if (ext == ".uai") return ModelFormat::uai;
  if (ext == ".xmlbif") return ModelFormat::xmlbif;
  const auto start = text.find_first_not_of(" \t\r\n");
  const bool xml = start != std::string_view::npos && text.substr(start).starts_with("<");
  if (ext == ".xml" && xml) return ModelFormat::xmlbif;
  auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return ModelFormat::json;
  if (first != std::string_view::npos && text.substr(first).starts_with("network") &&
      (text.size() == first + 7 || std::isspace(static_cast<unsigned char>(text[first + 7])) != 0)) {
    return ModelFormat::bif;
  }
  return ModelFormat::scm;
}

BayesNet read_network_file(const std::filesystem::path& path) {
  const std::string text = read_maybe_gzip(path);
  const std::string name = path.string();
  switch (detect_model_format(path, text)) {
    case ModelFormat::bif: return read_bif(text, name);
    case ModelFormat::uai: return read_uai(text, name);
    case ModelFormat::xmlbif: return read_xmlbif(text, name);
    default: throw Error(fmt::format("{}: not a Bayesian network file (expected .bif, .uai, .xml or .xmlbif, optionally .gz)", name));
  }
}

std::string read_text_file(const std::filesystem::path& path) { return read_input_file(path); }

Scm read_model_file(const std::filesystem::path& path, const ModelReadOptions& options) {
  const std::string text = read_maybe_gzip(path);
  const std::string name = path.string();
  CptOptions cpt;
  cpt.normalize = options.normalize_cpts;
  if (is_linear_model_text(path, text)) {
    throw Error(fmt::format("{}: this is a linear-Gaussian model (Normal exogenous variables); this works on discrete "
                            "models only",
                            name));
  }
  switch (detect_model_format(path, text)) {
    case ModelFormat::json: return read_scm_json(text, name);
    case ModelFormat::bif: return network_reading::checked_scm(read_bif(text, name), name, cpt, options.report);
    case ModelFormat::uai: return network_reading::checked_scm(read_uai(text, name), name, cpt, options.report);
    case ModelFormat::xmlbif: return network_reading::checked_scm(read_xmlbif(text, name), name, cpt, options.report);
    case ModelFormat::scm: break;
  }
  return read_scm_text(text, name);
}

bool is_linear_model_text(const std::filesystem::path& path, std::string_view text) {
  switch (detect_model_format(path, text)) {
    case ModelFormat::scm: return is_linear_scm_text(text);
    case ModelFormat::json: {
      if (text.find("\"kind\"") == std::string_view::npos && text.find("\"cpds\"") == std::string_view::npos) return false;
      try {
        const auto doc = nlohmann::json::parse(text.begin(), text.end());
        return is_linear_json(doc) || is_pgmpy_linear_json(doc);
      } catch (const nlohmann::json::exception&) {
        return false;  // the discrete reader reports the syntax error
      }
    }
    default: return false;
  }
}

bool is_linear_model_file(const std::filesystem::path& path) {
  const std::string text = read_maybe_gzip(path);
  return is_linear_model_text(path, text);
}

LinearScm read_linear_model_file(const std::filesystem::path& path) {
  const std::string text = read_maybe_gzip(path);
  const std::string name = path.string();
  const ModelFormat format = detect_model_format(path, text);
  if (!is_linear_model_text(path, text)) {
    throw Error(fmt::format("{}: this is a discrete model (no Normal exogenous variable); this works on linear-Gaussian "
                            "models only",
                            name));
  }
  if (format == ModelFormat::json) {
    // A pgmpy-style network (io/pgmpy_linear.hpp) or rung's own linear JSON form.
    if (text.find("\"cpds\"") != std::string::npos && is_pgmpy_linear_json(nlohmann::json::parse(text))) {
      return read_pgmpy_linear_json(text, name);
    }
    return read_linear_json(text, name);
  }
  return read_linear_text(text, name);
}

}  // namespace rung
