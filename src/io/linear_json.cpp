#include "rung/io/linear_json.hpp"

#include "rung/io/linear_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace rung {

using nlohmann::json;

bool is_linear_json(const json& doc) {
  return doc.is_object() && doc.contains("kind") && doc.at("kind").is_string() && doc.at("kind").get<std::string>() == "linear";
}

json to_json(const LinearScm& m) {
  json out = json::object();
  out["kind"] = "linear";
  json exo = json::array();
  for (VarId id : m.exogenous()) {
    const auto& v = m.variable(id);
    exo.push_back({{"name", v.name}, {"mean", to_string(v.mean)}, {"variance", to_string(v.variance)}});
  }
  out["exogenous"] = exo;
  json cov = json::array();
  for (const auto& c : m.covariances()) {
    cov.push_back({{"between", {m.name(c.a), m.name(c.b)}}, {"value", to_string(c.value)}});
  }
  out["covariance"] = cov;
  json endo = json::array();
  for (VarId id : m.endogenous()) endo.push_back({{"name", m.name(id)}, {"mechanism", to_string(m.mechanism(id), m)}});
  out["endogenous"] = endo;
  return out;
}

std::string write_linear_json(const LinearScm& m) { return to_json(m).dump(2) + "\n"; }

namespace {

class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  LinearScm read(const json& doc) {
    if (!doc.is_object()) {
      fail("", fmt::format("expected an object, found {}", doc.type_name()));
      throw ParseError(problems_);
    }
    for (const auto& [key, value] : doc.items()) {
      if (key != "kind" && key != "exogenous" && key != "endogenous" && key != "covariance") {
        fail("/" + key, "unknown field (expected \"kind\", \"exogenous\", \"covariance\" or \"endogenous\")");
      }
    }
    if (!is_linear_json(doc)) fail("/kind", "expected \"linear\"");
    for (const auto& [part, path] : {std::pair{"exogenous", "/exogenous"}, std::pair{"endogenous", "/endogenous"}}) {
      if (!doc.contains(part)) {
        fail(path, "missing");
        continue;
      }
      const json& list = doc.at(part);
      if (!list.is_array()) {
        fail(path, fmt::format("expected an array, found {}", list.type_name()));
        continue;
      }
      for (std::size_t i = 0; i < list.size(); ++i) variable(list[i], fmt::format("{}/{}", path, i), part[1] == 'x');
    }
    if (doc.contains("covariance")) {
      const json& list = doc.at("covariance");
      if (!list.is_array()) {
        fail("/covariance", fmt::format("expected an array, found {}", list.type_name()));
      } else {
        for (std::size_t i = 0; i < list.size(); ++i) covariance(list[i], fmt::format("/covariance/{}", i));
      }
    }
    for (const auto& d : builder_.problems()) {
      const std::string& where = d.line > 0 ? paths_.at(static_cast<std::size_t>(d.line - 1)) : std::string();
      fail(where, d.message);
    }
    if (!problems_.empty()) throw ParseError(problems_);
    return builder_.build();
  }

 private:
  std::string file_;
  LinearScmBuilder builder_;
  std::vector<Diagnostic> problems_;
  std::vector<std::string> paths_;

  void fail(const std::string& path, const std::string& message) {
    problems_.push_back({file_, 0, 0, path.empty() ? message : fmt::format("{}: {}", path, message)});
  }
  Location declare(const std::string& path) {
    paths_.push_back(path);
    return Location{static_cast<int>(paths_.size()), 0};
  }
  std::optional<std::string> string_at(const json& v, const std::string& key, const std::string& path) {
    if (!v.contains(key)) {
      fail(path + "/" + key, "missing");
      return std::nullopt;
    }
    if (!v.at(key).is_string()) {
      fail(path + "/" + key, fmt::format("expected a string, found {}", v.at(key).type_name()));
      return std::nullopt;
    }
    return v.at(key).get<std::string>();
  }
  std::optional<Rational> number_at(const json& v, const std::string& key, const std::string& path) {
    auto text = string_at(v, key, path);
    if (!text) return std::nullopt;
    auto value = parse_linear_number(*text);
    if (!value) fail(path + "/" + key, fmt::format("invalid number '{}' (expected a fraction or decimal string)", *text));
    return value;
  }

  void variable(const json& v, const std::string& path, bool exogenous) {
    if (!v.is_object()) return fail(path, fmt::format("expected an object, found {}", v.type_name()));
    for (const auto& [key, value] : v.items()) {
      const bool known = key == "name" || (exogenous ? key == "mean" || key == "variance" : key == "mechanism");
      if (!known) {
        fail(path + "/" + key, exogenous && (key == "prior" || key == "domain")
                                   ? "a model is either discrete or linear: this JSON model is linear (\"kind\": "
                                     "\"linear\"), so exogenous variables have a mean and a variance"
                                   : fmt::format("unknown field (expected \"name\", {})",
                                                 exogenous ? "\"mean\" and \"variance\"" : "\"mechanism\""));
      }
    }
    const auto name = string_at(v, "name", path);
    if (!name) return;
    if (exogenous) {
      const auto mean = number_at(v, "mean", path);
      const auto variance = number_at(v, "variance", path);
      if (mean && variance) {
        const Location at = declare(path);
        builder_.exogenous(*name, *mean, *variance, at, at);
      }
      return;
    }
    const auto text = string_at(v, "mechanism", path);
    if (!text) return;
    const auto parsed = parse_linear_expression(*text);
    if (!parsed.error.empty()) {
      return fail(path + "/mechanism", fmt::format("column {}: {}", parsed.column, parsed.error));
    }
    const Location at = declare(path);
    builder_.endogenous(*name, parsed.terms, parsed.constant, at, at);
  }

  void covariance(const json& v, const std::string& path) {
    if (!v.is_object()) return fail(path, fmt::format("expected an object, found {}", v.type_name()));
    for (const auto& [key, value] : v.items()) {
      if (key != "between" && key != "value") fail(path + "/" + key, "unknown field (expected \"between\" and \"value\")");
    }
    if (!v.contains("between") || !v.at("between").is_array() || v.at("between").size() != 2 ||
        !v.at("between")[0].is_string() || !v.at("between")[1].is_string()) {
      return fail(path + "/between", "expected an array of two names");
    }
    const auto value = number_at(v, "value", path);
    if (!value) return;
    builder_.covariance(v.at("between")[0].get<std::string>(), v.at("between")[1].get<std::string>(), *value, declare(path));
  }
};

}  // namespace

LinearScm linear_scm_from_json(const json& doc, std::string_view file) { return Reader(file).read(doc); }

LinearScm read_linear_json(std::string_view text, std::string_view file) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    std::string what = e.what();
    if (auto colon = what.find(": ", what.find("parse error")); colon != std::string::npos) what = what.substr(colon + 2);
    throw ParseError({Diagnostic{std::string(file), 0, 0, "invalid JSON: " + what}});
  }
  return linear_scm_from_json(doc, file);
}

}  // namespace rung
