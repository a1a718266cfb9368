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
/// Builds the document as nlohmann's DOM parser does, except the rows of tables
/// (`.../mechanism/table/rows`): those go straight into TableRows, and the document holds a
/// placeholder (a binary value, which JSON text cannot hold) with the table's number. A
/// million-row table was 22 million nodes of nlohmann's tree (1.8 GB) before rung saw a row.
/// Anything but an array of strings in the rows (a bad row the reader must report with its
/// path) puts the rows read so far back into the tree, which then reads on as usual.
class TableRowsSax {
 public:
  using Dom = nlohmann::detail::json_sax_dom_parser<json>;

  TableRowsSax(json& doc, std::vector<TableRows>& tables) : dom_(doc, true), tables_(tables) {}

  bool null() { return scalar() && dom_.null(); }
  bool boolean(bool b) { return scalar() && dom_.boolean(b); }
  bool number_integer(json::number_integer_t n) { return scalar() && dom_.number_integer(n); }
  bool number_unsigned(json::number_unsigned_t n) { return scalar() && dom_.number_unsigned(n); }
  bool number_float(json::number_float_t n, const json::string_t& text) { return scalar() && dom_.number_float(n, text); }
  bool binary(json::binary_t& b) { return scalar() && dom_.binary(b); }
  bool string(json::string_t& text) {
    if (diverting_ && in_row_) {
      if (cells_ == row_.size()) row_.emplace_back();
      row_[cells_++].swap(text);
      return true;
    }
    return scalar() && dom_.string(text);
  }
  bool start_object(std::size_t n) {
    if (diverting_) fall_back();
    frames_.push_back({true, {}});
    return dom_.start_object(n);
  }
  bool key(json::string_t& k) {
    frames_.back().key = k;
    return dom_.key(k);
  }
  bool end_object() {
    frames_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    if (diverting_) {
      if (!in_row_) {
        in_row_ = true;
        cells_ = 0;
        return true;
      }
      fall_back();  // an array in a row
    } else if (rows_here()) {
      diverting_ = true;
      in_row_ = false;
      tables_.emplace_back();
      return true;
    }
    frames_.push_back({false, {}});
    return dom_.start_array(n);
  }
  bool end_array() {
    if (diverting_) {
      if (in_row_ && cells_ > 0) {
        TableRows& t = tables_.back();
        for (std::size_t i = 0; i + 1 < cells_; ++i) t.cell(row_[i]);
        t.end_row(row_[cells_ - 1], {});
        in_row_ = false;
        return true;
      }
      if (!in_row_) {  // the end of the rows: the placeholder
        diverting_ = false;
        json::binary_t placeholder(std::vector<std::uint8_t>{}, kPlaceholder);
        const std::size_t number = tables_.size() - 1;
        for (int i = 0; i < 8; ++i) placeholder.push_back(static_cast<std::uint8_t>((number >> (8 * i)) & 0xffU));
        return dom_.binary(placeholder);
      }
      fall_back();  // an empty row
    }
    frames_.pop_back();
    return dom_.end_array();
  }
  template <typename Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& e) {
    return dom_.parse_error(position, token, e);
  }

  /// The table number a placeholder holds, if `j` is one.
  static std::optional<std::size_t> placeholder_of(const json& j) {
    if (!j.is_binary()) return std::nullopt;
    const json::binary_t& b = j.get_binary();
    if (!b.has_subtype() || b.subtype() != kPlaceholder || b.size() != 8) return std::nullopt;
    std::size_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8U) | b[static_cast<std::size_t>(i)];
    return n;
  }

 private:
  static constexpr std::uint64_t kPlaceholder = 0x52;  // 'R'

  struct Frame {
    bool object;
    std::string key;  // the current key, in an object
  };

  /// A scalar: where rows were being read, they go back into the tree first.
  bool scalar() {
    if (diverting_) fall_back();
    return true;
  }

  /// At `"mechanism": {"table": {..., "rows": [`.
  [[nodiscard]] bool rows_here() const {
    const std::size_t n = frames_.size();
    return n >= 3 && frames_[n - 1].object && frames_[n - 1].key == "rows" && frames_[n - 2].object &&
           frames_[n - 2].key == "table" && frames_[n - 3].object && frames_[n - 3].key == "mechanism";
  }

  /// Puts the rows read so far into the tree and stops diverting.
  void fall_back() {
    diverting_ = false;
    const std::size_t unknown = static_cast<std::size_t>(-1);
    dom_.start_array(unknown);
    frames_.push_back({false, {}});
    std::string text;
    for (const auto& row : tables_.back()) {
      dom_.start_array(unknown);
      for (std::string_view v : row.in) {
        text = v;
        dom_.string(text);
      }
      text = row.out;
      dom_.string(text);
      dom_.end_array();
    }
    tables_.pop_back();
    if (in_row_) {
      dom_.start_array(unknown);
      frames_.push_back({false, {}});
      for (std::size_t i = 0; i < cells_; ++i) dom_.string(row_[i]);
    }
    in_row_ = false;
  }

  Dom dom_;
  std::vector<TableRows>& tables_;
  std::vector<Frame> frames_;
  bool diverting_ = false;
  bool in_row_ = false;
  std::vector<std::string> row_;  // the row being read (its first cells_ strings)
  std::size_t cells_ = 0;
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view file, std::vector<TableRows>* tables = nullptr) : file_(file), tables_(tables) {}

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
  std::vector<TableRows>* tables_;  // the tables' rows TableRowsSax read, if it did
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
    if (!rows.is_array() && !TableRowsSax::placeholder_of(rows)) {
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
    if (const auto number = TableRowsSax::placeholder_of(rows)) {  // rows read by TableRowsSax
      if (tables_ == nullptr || *number >= tables_->size()) {
        fail(path + "/rows", "expected an array of rows, found binary");
        return std::nullopt;
      }
      spec.rows = std::move((*tables_)[*number]);
      return spec;
    }
    bool ok = true;
    spec.rows.reserve(rows.size(), spec.inputs.size() + 1);
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
      std::size_t k = 0;
      const std::size_t last = cells.size() - 1;
      const std::string* out = nullptr;
      if (!each_string(cells, row_path, [&](const std::string& s) {
            if (k++ < last) spec.rows.cell(s);
            else out = &s;
          })) {
        spec.rows.drop_row();
        ok = false;
        continue;
      }
      spec.rows.end_row(*out, {});
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
  std::vector<TableRows> tables;
  try {
    TableRowsSax sax(doc, tables);
    json::sax_parse(text.begin(), text.end(), &sax);
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
  return JsonReader(file, &tables).read(doc);
}

}  // namespace rung
