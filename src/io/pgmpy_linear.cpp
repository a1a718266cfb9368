#include "rung/io/pgmpy_linear.hpp"

#include "rung/core/error.hpp"
#include "rung/io/linear_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rung {

namespace {

constexpr std::string_view kFormat = "pgmpy.LinearGaussianBayesianNetwork";

/// 1-based line and column of byte `offset` of `text`.
Location location_of(std::string_view text, std::size_t offset) {
  Location at{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  return at;
}

/// An exact rational for a JSON number or a number string; nullopt otherwise. A JSON decimal is
/// read as the shortest decimal that round-trips its double (nlohmann's dump), exponent included.
std::optional<Rational> exact_number(const nlohmann::json& j) {
  if (j.is_string()) return parse_linear_number(j.get<std::string>());
  if (j.is_number_integer()) return j.is_number_unsigned() ? Rational(j.get<std::uint64_t>()) : Rational(j.get<std::int64_t>());
  if (!j.is_number_float()) return std::nullopt;
  const std::string text = j.dump();
  const std::size_t e = text.find_first_of("eE");
  auto mantissa = parse_linear_number(text.substr(0, e));
  if (!mantissa) return std::nullopt;
  if (e == std::string::npos) return mantissa;
  int exponent = 0;
  try {
    exponent = std::stoi(text.substr(e + 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (exponent > 400 || exponent < -400) return std::nullopt;
  Rational scale(1);
  for (int k = 0; k < std::abs(exponent); ++k) scale *= 10;
  return exponent >= 0 ? Rational(*mantissa * scale) : Rational(*mantissa / scale);
}

}  // namespace

bool is_pgmpy_linear_json(const nlohmann::json& doc) {
  if (!doc.is_object()) return false;
  if (auto f = doc.find("format"); f != doc.end()) return f->is_string() && f->get<std::string>() == kFormat;
  auto c = doc.find("cpds");
  return c != doc.end() && c->is_array() && !doc.contains("kind");
}

LinearScm read_pgmpy_linear_json(std::string_view text, std::string_view file) {
  std::vector<Diagnostic> problems;
  auto problem = [&](Location at, std::string message) {
    problems.push_back({std::string(file), at.line, at.column, std::move(message)});
  };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports the byte after which parsing failed.
    problem(location_of(text, e.byte > 0 ? e.byte - 1 : 0), fmt::format("invalid JSON: {}", e.what()));
    throw ParseError(std::move(problems));
  }
  if (!doc.is_object() || !doc.contains("cpds") || !doc["cpds"].is_array()) {
    problem({1, 1}, "expected an object with a \"cpds\" array (pgmpy LinearGaussianCPDs: variable, evidence, beta, std)");
    throw ParseError(std::move(problems));
  }
  if (auto f = doc.find("format"); f != doc.end() && (!f->is_string() || f->get<std::string>() != kFormat)) {
    problem(location_of(text, text.find("\"format\"")), fmt::format("\"format\" must be \"{}\", found {}", kFormat, f->dump()));
  }
  // Where each CPD starts in the text (its "variable" key, in order after "cpds"), and where a
  // field of it is: good enough for files written by hand or by json.dump.
  const std::size_t cpds_at = text.find("\"cpds\"");
  std::vector<std::size_t> starts;
  for (std::size_t at = text.find("\"variable\"", cpds_at); at != std::string_view::npos; at = text.find("\"variable\"", at + 1)) {
    starts.push_back(at);
  }
  const auto& cpds = doc["cpds"];
  auto field_at = [&](std::size_t i, std::string_view key) {
    const std::size_t from = i < starts.size() ? starts[i] : cpds_at;
    const std::size_t to = i + 1 < starts.size() ? starts[i + 1] : text.size();
    // The key may come before "variable" in its object: search back to the object's '{'.
    const std::size_t open = text.rfind('{', from);
    const std::size_t k = text.find(fmt::format("\"{}\"", key), open == std::string_view::npos ? from : open);
    return location_of(text, k != std::string_view::npos && k < to ? k : from);
  };

  struct Cpd {
    std::string variable;
    std::vector<std::string> evidence;
    std::vector<Rational> beta;
    Rational variance;
    Location at;
    bool ok = true;
  };
  std::vector<Cpd> read;
  std::map<std::string, std::size_t> defined;
  for (std::size_t i = 0; i < cpds.size(); ++i) {
    const auto& c = cpds[i];
    Cpd cpd;
    cpd.at = field_at(i, "variable");
    const std::string label = c.is_object() && c.contains("variable") && c["variable"].is_string()
                                  ? fmt::format("cpds[{}] ({})", i, c["variable"].get<std::string>())
                                  : fmt::format("cpds[{}]", i);
    auto bad = [&](std::string_view key, std::string message) {
      problem(field_at(i, key), fmt::format("{}: {}", label, message));
      cpd.ok = false;
    };
    if (!c.is_object()) {
      bad("variable", fmt::format("expected an object (variable, evidence, beta, std), found {}", c.type_name()));
      read.push_back(std::move(cpd));
      continue;
    }
    for (const auto& [key, v] : c.items()) {
      if (key != "variable" && key != "evidence" && key != "beta" && key != "std" && key != "variance") {
        bad(key, fmt::format("unknown field \"{}\" (a CPD has variable, evidence, beta and std or variance)", key));
      }
    }
    if (!c.contains("variable") || !c["variable"].is_string() || c["variable"].get<std::string>().empty()) {
      bad("variable", "\"variable\" must be a non-empty string (the variable's name)");
    } else {
      cpd.variable = c["variable"].get<std::string>();
      if (auto [it, fresh] = defined.emplace(cpd.variable, i); !fresh) {
        bad("variable", fmt::format("a second CPD for {} (the first is cpds[{}])", cpd.variable, it->second));
      }
    }
    if (c.contains("evidence") && !c["evidence"].is_null()) {
      const auto& e = c["evidence"];
      if (!e.is_array() || !std::all_of(e.begin(), e.end(), [](const auto& x) { return x.is_string(); })) {
        bad("evidence", fmt::format("\"evidence\" must be a list of parent names, found {}", e.dump()));
      } else {
        cpd.evidence = e.get<std::vector<std::string>>();
      }
    }
    if (!c.contains("beta") || !c["beta"].is_array()) {
      bad("beta", "\"beta\" must be a list of numbers: the intercept, then one coefficient per evidence variable");
    } else {
      for (std::size_t k = 0; k < c["beta"].size(); ++k) {
        auto v = exact_number(c["beta"][k]);
        if (!v) {
          bad("beta", fmt::format("beta[{}] is {}, not a number", k, c["beta"][k].dump()));
        } else {
          cpd.beta.push_back(*v);
        }
      }
      if (cpd.ok && cpd.beta.size() != cpd.evidence.size() + 1) {
        bad("beta", fmt::format("beta has {} numbers but evidence names {} variables: expected {} (the intercept, then one "
                                "coefficient per evidence variable)",
                                cpd.beta.size(), cpd.evidence.size(), cpd.evidence.size() + 1));
      }
    }
    const bool has_std = c.contains("std");
    const bool has_variance = c.contains("variance");
    if (has_std == has_variance) {
      bad(has_std ? "variance" : "variable", has_std ? "give \"std\" or \"variance\", not both"
                                                     : "missing \"std\" (the standard deviation of the noise) or \"variance\"");
    } else {
      const char* key = has_std ? "std" : "variance";
      auto v = exact_number(c[key]);
      if (!v) {
        bad(key, fmt::format("\"{}\" is {}, not a number", key, c[key].dump()));
      } else if (*v < 0) {
        bad(key, fmt::format("{} is {}, but a {} cannot be negative", key, to_string(*v),
                             has_std ? "standard deviation" : "variance"));
      } else {
        cpd.variance = has_std ? Rational(*v * *v) : *v;
      }
    }
    read.push_back(std::move(cpd));
  }
  // Evidence names must be variables with a CPD of their own.
  for (std::size_t i = 0; i < read.size(); ++i) {
    std::set<std::string> seen;
    for (const auto& e : read[i].evidence) {
      if (!defined.contains(e)) {
        problem(field_at(i, "evidence"), fmt::format("cpds[{}] ({}): unknown evidence '{}' (no CPD defines it)", i, read[i].variable, e));
        read[i].ok = false;
      } else if (!seen.insert(e).second) {
        problem(field_at(i, "evidence"), fmt::format("cpds[{}] ({}): evidence names {} twice", i, read[i].variable, e));
        read[i].ok = false;
      }
    }
  }
  // Optional edges: exactly the arcs the evidence lists give.
  if (auto edges = doc.find("edges"); edges != doc.end()) {
    const Location at = location_of(text, text.find("\"edges\""));
    std::set<std::pair<std::string, std::string>> listed;
    bool ok = edges->is_array();
    for (const auto& e : ok ? *edges : nlohmann::json::array()) {
      if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_string()) {
        ok = false;
        break;
      }
      listed.emplace(e[0].get<std::string>(), e[1].get<std::string>());
    }
    if (!ok) {
      problem(at, "\"edges\" must be a list of [parent, child] pairs of names");
    } else {
      std::set<std::pair<std::string, std::string>> implied;
      for (const auto& c : read) {
        for (const auto& p : c.evidence) implied.emplace(p, c.variable);
      }
      for (const auto& [a, b] : listed) {
        if (!implied.contains({a, b})) problem(at, fmt::format("edge {} -> {} is not in the evidence of {}'s CPD", a, b, b));
      }
      for (const auto& [a, b] : implied) {
        if (!listed.contains({a, b})) problem(at, fmt::format("{}'s CPD has evidence {}, but edges has no {} -> {}", b, a, a, b));
      }
    }
  }
  if (!problems.empty()) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return std::pair(a.line, a.column) < std::pair(b.line, b.column); });
    throw ParseError(std::move(problems));
  }
  // The SCM: one noise per CPD (named U_<variable>, underscores appended while taken).
  std::set<std::string> taken;
  for (const auto& c : read) taken.insert(c.variable);
  LinearScmBuilder b;
  std::vector<std::string> noises;
  for (const auto& c : read) {
    std::string u = "U_" + c.variable;
    while (taken.contains(u)) u += '_';
    taken.insert(u);
    noises.push_back(u);
    b.exogenous(u, Rational(0), c.variance, c.at, c.at);
  }
  for (std::size_t i = 0; i < read.size(); ++i) {
    const Cpd& c = read[i];
    std::vector<std::pair<std::string, Rational>> terms;
    for (std::size_t k = 0; k < c.evidence.size(); ++k) terms.emplace_back(c.evidence[k], c.beta[k + 1]);
    terms.emplace_back(noises[i], Rational(1));
    b.endogenous(c.variable, std::move(terms), c.beta[0], c.at, c.at);
  }
  std::vector<Diagnostic> model_problems = b.problems();
  if (!model_problems.empty()) {
    for (auto& d : model_problems) d.file = std::string(file);
    throw ParseError(std::move(model_problems));
  }
  return b.build();
}

}  // namespace rung
