#include "rung/io/scm_json.hpp"

#include "rung/io/json_line.hpp"

#include <fmt/format.h>

namespace rung {

using nlohmann::json;

namespace {

/// One variable; keys in alphabetical order, as `nlohmann::json` (a std::map) prints them.
void write_variable(JsonWriter& out, const Variable& v) {
  out.begin_object().key("domain").strings(v.domain.labels());
  if (v.kind == VarKind::exogenous) {
    out.key("name").value(v.name).key("prior").begin_array();
    for (const auto& p : v.prior) out.value(to_string(p));
    out.end_array();
    out.end_object();
    return;
  }
  if (v.hidden) out.key("hidden").value(true);
  const Mechanism& m = *v.mechanism;
  out.key("mechanism");
  if (m.is_cpt()) {
    out.begin_object().key("cpt").begin_object().key("parents").strings(m.cpt().parents).key("rows").begin_array();
    for (const auto& row : m.cpt().rows) {
      out.begin_object().key("given").strings(row.given).key("p").begin_array();
      for (const auto& p : row.p) out.value(to_string(p));
      out.end_array().end_object();
    }
    out.end_array().end_object().end_object();
  } else if (m.is_table()) {
    out.begin_object().key("table").begin_object().key("inputs").strings(m.table().inputs).key("rows").begin_array();
    for (const auto& row : m.table().rows) {
      out.begin_array();
      for (const auto& in : row.in) out.value(in);
      out.value(row.out).end_array();
    }
    out.end_array().end_object().end_object();
  } else {
    out.value(to_string(m.expression()));
  }
  out.key("name").value(v.name).end_object();
}

void write_variables(JsonWriter& out, const Scm& scm, VarKind kind) {
  out.begin_array();
  for (const Variable& v : scm.variables()) {
    if (v.kind == kind && !v.implied) write_variable(out, v);  // a CPT's noise is implied by it
  }
  out.end_array();
}

}  // namespace

void write_json(JsonWriter& out, const Scm& scm) {
  out.begin_object();
  out.key("endogenous");
  write_variables(out, scm, VarKind::endogenous);
  out.key("exogenous");
  write_variables(out, scm, VarKind::exogenous);
  out.end_object();
}

json to_json(const Scm& scm) {
  return written_json<json>([&](JsonWriter& out) { write_json(out, scm); });
}

std::string write_scm_json(const Scm& scm) {
  return to_json(scm).dump(2) + "\n";
}

namespace {

/// Reads the JSON form, collecting every problem with its JSON path.
class JsonReader {
 public:
  explicit JsonReader(std::string_view file) : file_(file) {}

  Scm read(const json& doc) {
    if (!doc.is_object()) {
      fail("", "expected an object with \"exogenous\" and \"endogenous\" arrays");
    } else {
      for (const auto& [key, value] : doc.items()) {
        if (key != "exogenous" && key != "endogenous") fail("/" + key, "unknown field (expected \"exogenous\" or \"endogenous\")");
      }
      variables(doc, "exogenous", VarKind::exogenous);
      variables(doc, "endogenous", VarKind::endogenous);
    }
    if (problems_.empty()) {
      for (auto& d : builder_.problems()) {
        // Builder problems carry the declaration's index in `line`; turn it into a JSON path.
        const auto& where = paths_.at(static_cast<std::size_t>(d.line - 1));
        fail(where, d.message);
      }
    }
    if (!problems_.empty()) throw ParseError(std::move(problems_));
    return builder_.build();
  }

 private:
  std::string file_;
  std::vector<Diagnostic> problems_;
  ScmBuilder builder_;
  std::vector<std::string> paths_;  // JSON path of each declaration given to the builder

  // Like the .scm reader: the first 100 problems, then one line saying that more were cut (a
  // table of two million bad rows must not print two million lines).
  static constexpr std::size_t kMaxDiagnostics = 100;
  std::size_t dropped_ = 0;

  void fail(const std::string& path, const std::string& message) {
    if (problems_.size() > kMaxDiagnostics) {
      ++dropped_;
      problems_.back().message = fmt::format("too many errors; stopping ({} more not shown)", dropped_);
      return;
    }
    if (problems_.size() == kMaxDiagnostics) {
      ++dropped_;
      problems_.push_back({file_, 0, 0, "too many errors; stopping (1 more not shown)"});
      return;
    }
    problems_.push_back({file_, 0, 0, path.empty() ? message : fmt::format("{}: {}", path, message)});
  }

  std::optional<std::string> string_at(const json& j, const std::string& path) {
    if (!j.is_string()) {
      fail(path, fmt::format("expected a string, found {}", j.type_name()));
      return std::nullopt;
    }
    return j.get<std::string>();
  }

  std::optional<std::vector<std::string>> strings_at(const json& j, const std::string& path) {
    if (!j.is_array()) {
      fail(path, fmt::format("expected an array of strings, found {}", j.type_name()));
      return std::nullopt;
    }
    std::vector<std::string> out;
    out.reserve(j.size());
    if (!each_string(j, [&path] { return path; }, [&out](const std::string& s) { out.push_back(s); })) return std::nullopt;
    return out;
  }

  /// Calls `take` with each string of the array `j` (an array already); reports each element
  /// that is not a string, at its path: `path_of()` is called only then (a table has millions
  /// of cells, and formatting each one's path cost most of the load).
  template <typename PathOf, typename Take>
  bool each_string(const json& j, const PathOf& path_of, Take&& take) {
    bool ok = true;
    for (std::size_t i = 0; i < j.size(); ++i) {
      const json& e = j[i];
      if (e.is_string()) {
        take(e.get_ref<const std::string&>());
      } else {
        fail(fmt::format("{}/{}", path_of(), i), fmt::format("expected a string, found {}", e.type_name()));
        ok = false;
      }
    }
    return ok;
  }

  /// An array of probability strings (fractions or decimals), each bad one reported.
  std::optional<std::vector<Rational>> probabilities_at(const json& j, const std::string& path) {
    auto texts = strings_at(j, path);
    if (!texts) return std::nullopt;
    std::vector<Rational> out;
    out.reserve(texts->size());
    bool ok = true;
    for (std::size_t i = 0; i < texts->size(); ++i) {
      const std::string& t = (*texts)[i];
      if (auto p = try_parse_rational(t)) {
        out.push_back(std::move(*p));
        continue;
      }
      fail(fmt::format("{}/{}", path, i),
           t.size() > kMaxNumberText
               ? fmt::format("probability '{}...' is {} characters long: at most {} are read", t.substr(0, 32), t.size(), kMaxNumberText)
               : fmt::format("invalid probability '{}'", t));
      ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
  }

  /// The head of a table or CPT object: `{"<names>": [...], "rows": [...]}` and nothing else.
  /// Returns the names and the rows array; nullopt after a problem.
  std::optional<std::pair<std::vector<std::string>, const json*>> rows_head(const json& t, const std::string& path,
                                                                          const char* names) {
    if (!t.is_object() || !t.contains(names) || !t.contains("rows")) {
      fail(path, fmt::format("expected an object with \"{}\" and \"rows\"", names));
      return std::nullopt;
    }
    for (const auto& [key, value] : t.items()) {
      if (key != names && key != "rows") fail(path + "/" + key, fmt::format("unknown field (expected \"{}\" or \"rows\")", names));
    }
    auto list = strings_at(t.at(names), fmt::format("{}/{}", path, names));
    if (!list) return std::nullopt;
    const json& rows = t.at("rows");
    if (!rows.is_array()) {
      fail(path + "/rows", fmt::format("expected an array of rows, found {}", rows.type_name()));
      return std::nullopt;
    }
    return std::pair{std::move(*list), &rows};
  }

  void variables(const json& doc, const char* key, VarKind kind) {
    const std::string base = fmt::format("/{}", key);
    if (!doc.contains(key)) {
      if (kind == VarKind::endogenous) fail(base, "missing (expected an array of variables)");
      return;
    }
    const json& list = doc.at(key);
    if (!list.is_array()) {
      fail(base, fmt::format("expected an array of variables, found {}", list.type_name()));
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) variable(list[i], fmt::format("{}/{}", base, i), kind);
  }

  void variable(const json& v, const std::string& path, VarKind kind) {
    if (!v.is_object()) {
      fail(path, fmt::format("expected an object, found {}", v.type_name()));
      return;
    }
    const char* rhs_key = kind == VarKind::exogenous ? "prior" : "mechanism";
    for (const auto& [key, value] : v.items()) {
      if (key == "hidden" && kind == VarKind::exogenous) {
        fail(path + "/hidden", "exogenous variables are never observed: \"hidden\" marks endogenous variables (one exogenous "
                               "variable shared by several mechanisms is a hidden confounder already)");
      } else if (key != "name" && key != "domain" && key != rhs_key && (key != "hidden" || kind == VarKind::exogenous)) {
        fail(path + "/" + key, kind == VarKind::exogenous
                                   ? "unknown field (expected \"name\", \"domain\" or \"prior\")"
                                   : "unknown field (expected \"name\", \"domain\", \"mechanism\" or \"hidden\")");
      }
    }
    bool hidden = false;
    if (kind == VarKind::endogenous && v.contains("hidden")) {
      if (v.at("hidden").is_boolean()) hidden = v.at("hidden").get<bool>();
      else fail(path + "/hidden", fmt::format("expected true or false, found {}", v.at("hidden").type_name()));
    }
    std::optional<std::string> name;
    if (v.contains("name")) name = string_at(v.at("name"), path + "/name");
    else fail(path, "missing \"name\"");

    Domain domain;
    bool ok = name.has_value();
    if (v.contains("domain")) {
      if (auto labels = strings_at(v.at("domain"), path + "/domain")) {
        try {
          domain = Domain(std::move(*labels));
        } catch (const InvalidModel& e) {
          fail(path + "/domain", e.what());
          ok = false;
        }
      } else {
        ok = false;
      }
    }
    if (!v.contains(rhs_key)) {
      fail(path, fmt::format("missing \"{}\"", rhs_key));
      return;
    }
    const json& rhs = v.at(rhs_key);
    const std::string rhs_path = fmt::format("{}/{}", path, rhs_key);
    const Location index{static_cast<int>(paths_.size() + 1), 0};
    if (kind == VarKind::exogenous) {
      auto prior = probabilities_at(rhs, rhs_path);
      if (!prior || !ok) return;
      builder_.exogenous(*name, std::move(domain), std::move(*prior), {index, index, index});
      paths_.push_back(path);
      return;
    }
    std::optional<MechanismSource> mechanism;
    if (rhs.is_string()) {
      try {
        mechanism = parse_expression(rhs.get<std::string>());
      } catch (const ParseError& e) {
        const auto& d = e.diagnostics().front();
        fail(rhs_path, fmt::format("column {}: {}", d.column, d.message));
      }
    } else if (rhs.is_object() && rhs.size() == 1 && rhs.contains("table")) {
      mechanism = table(rhs.at("table"), rhs_path + "/table");
    } else if (rhs.is_object() && rhs.size() == 1 && rhs.contains("cpt")) {
      mechanism = cpt(rhs.at("cpt"), rhs_path + "/cpt");
    } else {
      fail(rhs_path, fmt::format("expected an expression string, {{\"table\": ...}} or {{\"cpt\": ...}}, found {}",
                                 rhs.is_object() ? "an object with other fields" : rhs.type_name()));
    }
    if (!ok || !mechanism) return;
    builder_.endogenous(*name, std::move(domain), std::move(*mechanism), {index, index, index});
    if (hidden) builder_.hide(*name, index);
    paths_.push_back(path);
  }

  /// `{"parents": [...], "rows": [{"given": [...], "p": ["1/10", ...]}, ...]}`
  std::optional<MechanismSource> cpt(const json& t, const std::string& path) {
    auto head = rows_head(t, path, "parents");
    if (!head) return std::nullopt;
    CptSpec spec;
    spec.parents = std::move(head->first);
    const json& rows = *head->second;
    bool ok = true;
    spec.rows.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::string row_path = fmt::format("{}/rows/{}", path, i);
      const json& r = rows[i];
      if (!r.is_object() || !r.contains("given") || !r.contains("p") || r.size() != 2) {
        fail(row_path, "expected an object {\"given\": [parent values], \"p\": [probabilities]}");
        ok = false;
        continue;
      }
      auto given = strings_at(r.at("given"), row_path + "/given");
      auto p = probabilities_at(r.at("p"), row_path + "/p");
      if (!given || !p) {
        ok = false;
        continue;
      }
      spec.rows.push_back({std::move(*given), std::move(*p), {}});
    }
    if (!ok) return std::nullopt;
    return spec;
  }

  std::optional<MechanismSource> table(const json& t, const std::string& path) {
    auto head = rows_head(t, path, "inputs");
    if (!head) return std::nullopt;
    TableSpec spec;
    spec.inputs = std::move(head->first);
    const json& rows = *head->second;
    bool ok = true;
    spec.rows.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const json& cells = rows[i];
      // The row's path is built only for a problem (a table may have a million rows).
      const auto row_path = [&] { return fmt::format("{}/rows/{}", path, i); };
      if (!cells.is_array()) {
        fail(row_path(), fmt::format("expected an array of strings, found {}", cells.type_name()));
        ok = false;
        continue;
      }
      if (cells.empty()) {
        fail(row_path(), "an empty row (expected the input values then the output value)");
        ok = false;
        continue;
      }
      TableSpec::Row row;
      std::size_t bytes = 0;
      for (const json& cell : cells) bytes += cell.is_string() ? cell.get_ref<const std::string&>().size() + 1 : 0;
      row.in.reserve(bytes);
      std::size_t k = 0;
      const std::size_t last = cells.size() - 1;
      if (!each_string(cells, row_path, [&](const std::string& s) {
            if (k++ < last) row.in.push_back(s);
            else row.out = s;
          })) {
        ok = false;
        continue;
      }
      spec.rows.push_back(std::move(row));
    }
    if (!ok) return std::nullopt;
    return spec;
  }
};

}  // namespace

Scm scm_from_json(const json& doc, std::string_view file) {
  return JsonReader(file).read(doc);
}

Scm read_scm_json(std::string_view text, std::string_view file) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.byte is 1-based: the position just past the problem. Turn it into line:column.
    const std::size_t byte = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i < byte; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    if (auto colon = what.find(": ", what.find("parse error")); colon != std::string::npos) what = what.substr(colon + 2);
    throw ParseError({Diagnostic{std::string(file), line, column, "invalid JSON: " + what}});
  } catch (const json::exception& e) {
    // e.g. out_of_range 406 "number overflow parsing '1e999'": no position is given.
    std::string what = e.what();
    if (auto close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
    throw ParseError({Diagnostic{std::string(file), 0, 0, "invalid JSON: " + what}});
  }
  return scm_from_json(doc, file);
}

}  // namespace rung
