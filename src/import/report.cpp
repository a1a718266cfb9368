#include "rung/import/report.hpp"

#include "rung/core/json.hpp"
#include "rung/core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace rung {


ImportError::ImportError(std::string id, std::string reason, std::string phrase)
    : Error(phrase.empty() ? fmt::format("item {}: {}", id, reason) : fmt::format("item {}: {} at '{}'", id, reason, phrase)),
      id_(std::move(id)),
      reason_(std::move(reason)),
      phrase_(std::move(phrase)) {}

void ErrorStats::add(const LabelCheck& c) {
  ++checked;
  if (c.agrees) ++agreed;
  if (max_error_id.empty() || c.abs_error > max_abs_error) {  // the first of the largest
    max_abs_error = c.abs_error;
    max_error_id = c.id;
  }
}

void ImportReport::add(LabelCheck check) {
  ++checked;
  if (check.agrees) ++agreed;
  by_query_type[check.query_type].add(check);
  if (!check.graph.empty()) by_graph[check.graph].add(check);
  by_quantity[check.quantity].add(check);
  if (!check.agrees) {
    ++reasons[check.reason.empty() ? std::string("unknown") : check.reason];
    disagreements.push_back(std::move(check));
  }
}

double ImportReport::max_abs_error() const {
  double m = 0;
  for (const auto& [name, s] : by_query_type) m = std::max(m, s.max_abs_error);
  return m;
}

namespace {

std::string percent(std::size_t part, std::size_t whole) {
  return whole == 0 ? std::string("-") : fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string error_text(double e) { return fmt::format("{:.3g}", e); }

void stats_table(std::string& out, std::string_view title, std::string_view key,
                 const std::map<std::string, ErrorStats>& groups) {
  if (groups.empty()) return;
  out += fmt::format("\n{}\n", title);
  std::vector<std::vector<std::string>> rows{{std::string(key), "checked", "agree", "disagree", "max |error|", "at"}};
  for (const auto& [name, s] : groups) {
    rows.push_back({name, std::to_string(s.checked), std::to_string(s.agreed), std::to_string(s.checked - s.agreed),
                    error_text(s.max_abs_error), s.max_abs_error > 0 ? s.max_error_id : "-"});
  }
  out += aligned_table(rows, "lrrrrl");
}

ordered_json json_of(const ErrorStats& s) {
  ordered_json j;
  j["checked"] = s.checked;
  j["agree"] = s.agreed;
  j["disagree"] = s.checked - s.agreed;
  j["max_abs_error"] = s.max_abs_error;
  j["max_error_id"] = s.max_error_id;
  return j;
}

ordered_json json_of(const std::map<std::string, ErrorStats>& groups) {
  ordered_json j = ordered_json::object();
  for (const auto& [name, s] : groups) j[name] = json_of(s);
  return j;
}

}  // namespace

std::string to_text(const ImportReport& r) {
  std::string out = fmt::format("Import ({}): {}\n", r.source, r.file);
  out += fmt::format("  {} entries: {} parsed, {} not parsed\n", r.entries, r.parsed, r.not_parsed.size());
  out += fmt::format("  {} labels checked: {} agree, {} disagree (numeric tolerance {:g}); largest |error| {}\n", r.checked,
                     r.agreed, r.checked - r.agreed, r.tolerance, error_text(r.max_abs_error()));
  if (!r.not_parsed.empty()) {
    out += fmt::format("\nNot parsed: {}\n", r.not_parsed.size());
    for (const auto& n : r.not_parsed) {
      out += n.phrase.empty() ? fmt::format("  {}: {}\n", n.id, n.reason) : fmt::format("  {}: {} at '{}'\n", n.id, n.reason, n.phrase);
    }
  }
  if (!r.readings.empty()) {
    out += "\nReadings (labels reproduced by each reading of the text)\n";
    std::vector<std::vector<std::string>> rows{{"reading", "matched", "of", "%", "undefined", "meaning"}};
    for (const auto& s : r.readings) {
      rows.push_back({s.name, std::to_string(s.matched), std::to_string(s.total), percent(s.matched, s.total),
                      std::to_string(s.undefined), s.description});
    }
    out += aligned_table(rows, "lrrrrl");
  }
  stats_table(out, "By query type", "query type", r.by_query_type);
  stats_table(out, "By graph", "graph", r.by_graph);
  if (r.by_quantity.size() > 1) stats_table(out, "By quantity", "quantity", r.by_quantity);
  if (!r.reasons.empty()) {
    out += "\nDisagreements by reason\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& [reason, n] : r.reasons) rows.push_back({std::to_string(n), reason});
    out += aligned_table(rows, "rl");
  }
  if (!r.notes.empty()) {
    out += "\nFindings\n";
    for (const auto& n : r.notes) out += fmt::format("  {}\n", n);
  }
  if (!r.verdicts.empty()) {
    out += "\nVerdicts per query type and graph (a: the item's numbers, b: the text's rounded numbers, c: the exact model)\n";
    std::set<std::string> columns;
    for (const auto& [group, counts] : r.verdicts) {
      for (const auto& [v, n] : counts) columns.insert(v);
    }
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head{"type graph"};
    head.insert(head.end(), columns.begin(), columns.end());
    rows.push_back(head);
    std::map<std::string, std::size_t> total;
    for (const auto& [group, counts] : r.verdicts) {
      std::vector<std::string> row{group};
      for (const auto& c : columns) {
        auto it = counts.find(c);
        row.push_back(it == counts.end() ? "0" : std::to_string(it->second));
        if (it != counts.end()) total[c] += it->second;
      }
      rows.push_back(std::move(row));
    }
    std::vector<std::string> last{"all"};
    for (const auto& c : columns) last.push_back(std::to_string(total[c]));
    rows.push_back(std::move(last));
    out += aligned_table(rows, "l" + std::string(columns.size(), 'r'));
  }
  if (!r.flagged.empty()) {
    out += fmt::format("\nItems whose label a verdict does not confirm: {}\n", r.flagged.size());
    std::vector<std::vector<std::string>> rows{{"id", "verdict", "type", "graph", "stored", "value", "margin", "why"}};
    for (const auto& f : r.flagged) {
      rows.push_back({f.id, f.verdict + ":" + f.outcome, f.query_type, f.graph, f.stored, f.exact, fmt::format("{:.3g}", f.margin), f.why});
    }
    out += aligned_table(rows, "lllllrrl");
  }
  if (!r.disagreements.empty()) {
    out += fmt::format("\nDisagreements: {}\n", r.disagreements.size());
    out += "  (exact values as decimals; --json gives each as a fraction)\n";
    std::vector<std::vector<std::string>> rows{{"id", "quantity", "stored", "exact", "|error|", "reason"}};
    for (const auto& d : r.disagreements) {
      rows.push_back({d.id, d.quantity, d.stored, to_decimal(d.exact, 9), error_text(d.abs_error), d.reason});
    }
    out += aligned_table(rows, "llllrl");
  }
  if (r.audit) {
    const AuditReport& a = *r.audit;
    const BaselineTable& t = a.yes_no.records > 0 ? a.yes_no : a.numeric;
    out += fmt::format("\nShortcuts (rung audit on the source file, {} {} records)\n", t.records, t.population);
    std::vector<std::vector<std::string>> rows{{"baseline", "correct", "of", "%"}};
    for (const auto& b : t.baselines) {
      rows.push_back({b.name, std::to_string(b.all.correct), std::to_string(b.all.total), percent(b.all.correct, b.all.total)});
    }
    if (t.records > 0) out += aligned_table(rows, "lrrr");
  }
  return out;
}

ordered_json to_json(const ImportReport& r) {
  ordered_json j;
  j["source"] = r.source;
  j["file"] = r.file;
  j["tolerance"] = r.tolerance;
  j["entries"] = r.entries;
  j["parsed"] = r.parsed;
  ordered_json np = ordered_json::array();
  for (const auto& n : r.not_parsed) np.push_back({{"id", n.id}, {"reason", n.reason}, {"phrase", n.phrase}});
  j["not_parsed"] = std::move(np);
  j["checked"] = r.checked;
  j["agree"] = r.agreed;
  j["disagree"] = r.checked - r.agreed;
  j["max_abs_error"] = r.max_abs_error();
  ordered_json readings = ordered_json::array();
  for (const auto& s : r.readings) {
    readings.push_back({{"name", s.name}, {"description", s.description}, {"matched", s.matched}, {"total", s.total},
                        {"undefined", s.undefined}});
  }
  j["readings"] = std::move(readings);
  j["by_query_type"] = json_of(r.by_query_type);
  j["by_graph"] = json_of(r.by_graph);
  j["by_quantity"] = json_of(r.by_quantity);
  ordered_json reasons = ordered_json::object();
  for (const auto& [reason, n] : r.reasons) reasons[reason] = n;
  j["reasons"] = std::move(reasons);
  j["notes"] = r.notes;
  ordered_json ds = ordered_json::array();
  for (const auto& d : r.disagreements) {
    ordered_json e;
    e["id"] = d.id;
    e["quantity"] = d.quantity;
    e["query_type"] = d.query_type;
    e["graph"] = d.graph;
    e["stored"] = d.stored;
    e["exact"] = {{"fraction", to_string(d.exact)}, {"decimal", to_decimal(d.exact, 12)}};
    e["abs_error"] = d.abs_error;
    e["reason"] = d.reason;
    ds.push_back(std::move(e));
  }
  j["disagreements"] = std::move(ds);
  ordered_json verdicts = ordered_json::object();
  for (const auto& [group, counts] : r.verdicts) {
    ordered_json c = ordered_json::object();
    for (const auto& [v, n] : counts) c[v] = n;
    verdicts[group] = std::move(c);
  }
  j["verdicts"] = std::move(verdicts);
  ordered_json flagged = ordered_json::array();
  for (const auto& f : r.flagged) {
    flagged.push_back({{"id", f.id}, {"verdict", f.verdict}, {"outcome", f.outcome}, {"query_type", f.query_type}, {"graph", f.graph},
                       {"stored", f.stored}, {"value", f.exact}, {"margin", f.margin}, {"why", f.why}});
  }
  j["flagged"] = std::move(flagged);
  j["audit"] = r.audit ? to_json(*r.audit) : ordered_json(nullptr);
  return j;
}

}  // namespace rung
