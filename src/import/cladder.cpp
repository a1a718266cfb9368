// One file (~830 lines): the models file, the det-counterfactual items checked against their
// models, and the loop over questions share the Models table and its loading; the per-question
// analysis lives in cladder_items.cpp.
#include "rung/import/cladder.hpp"
#include "rung/core/json.hpp"
#include "rung/import/cladder_items.hpp"

#include "rung/core/text.hpp"
#include "rung/io/json_fields.hpp"

#include "rung/core/error.hpp"
#include "rung/gen/structure.hpp"
#include "rung/infer/solver.hpp"
#include "rung/infer/trace.hpp"
#include "rung/io/scm_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <istream>
#include <iterator>
#include <set>
#include <sstream>

namespace rung {


Rational exact_decimal(double value) {
  if (!std::isfinite(value)) throw Error(fmt::format("not a finite number: {}", value));
  std::string s = fmt::format("{}", value);
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.erase(0, 1);
  }
  int exponent = 0;
  if (auto e = s.find_first_of("eE"); e != std::string::npos) {
    exponent = std::stoi(s.substr(e + 1));
    s.resize(e);
  }
  Rational r = parse_rational(s);
  Rational ten(10);
  for (int k = 0; k < std::abs(exponent); ++k) r = exponent > 0 ? Rational(r * ten) : Rational(r / ten);
  return negative ? Rational(-r) : r;
}

namespace {

constexpr std::string_view kBackground =
    "Imagine a self-contained, hypothetical world with only the following conditions, and without any "
    "unmentioned factors or causal relationships: ";

/// `j[key]` as text ("" when absent).
std::string text_of(const ordered_json& j, std::string_view key) { return scalar_text(member(j, key)).value_or(""); }

Rational probability(const ordered_json& v, const std::string& id, const std::string& key) {
  Rational p;
  if (v.is_number_integer()) p = Rational(v.get<long long>());
  else if (v.is_number()) p = exact_decimal(v.get<double>());
  else throw ImportError(id, "a CPT entry is not a number", key);
  if (p < 0 || p > 1) throw ImportError(id, fmt::format("probability {} outside [0, 1]", to_decimal(p, 12)), key);
  return p;
}

std::string paren(const std::string& e) { return e.find(' ') == std::string::npos ? e : "(" + e + ")"; }

/// The mechanism text of `var` over `parents[depth..]`, declaring noise variables in `b`.
std::string cpt_expression(const std::string& var, const std::vector<std::string>& parents, const ordered_json& node,
                           std::size_t depth, const std::string& bits, ScmBuilder& b, bool& deterministic,
                           std::size_t& noise, const std::string& id, const std::string& key) {
  // One level of recursion per parent: a bound keeps hostile nesting off the call stack (a
  // real table of 24 parents would already hold 16 million numbers).
  constexpr std::size_t kMaxParents = 24;
  if (parents.size() > kMaxParents) {
    throw ImportError(id, fmt::format("a CPT over {} parents: at most {} are supported", parents.size(), kMaxParents), key);
  }
  if (depth == parents.size()) {
    const Rational p = probability(node, id, key);
    if (p == 0) return "0";
    if (p == 1) return "1";
    deterministic = false;
    // Each uncertain entry is a noise variable of `var`, all read by its mechanism: past
    // kMaxTableNoise of them, any query on `var` is beyond both exact methods' guards, so the
    // table is refused here (at once, not after building a model of a million variables).
    if (++noise > kMaxTableNoise) throw ImportError(id, table_too_large(var, kMaxTableNoise), key);
    const std::string u = fmt::format("U_{}_{}", var, bits);
    b.bernoulli(u, p);
    return u;
  }
  if (!node.is_array() || node.size() != 2) {
    throw ImportError(id, fmt::format("the CPT must nest {} lists of two (one per parent)", parents.size()), key);
  }
  const std::string e0 = cpt_expression(var, parents, node[0], depth + 1, bits + "0", b, deterministic, noise, id, key);
  const std::string e1 = cpt_expression(var, parents, node[1], depth + 1, bits + "1", b, deterministic, noise, id, key);
  const std::string& p = parents[depth];
  if (e0 == e1) return e0;
  if (e1 == "1" && e0 == "0") return p;
  if (e1 == "0" && e0 == "1") return "not " + p;
  if (e1 == "1") return fmt::format("{} or {}", p, paren(e0));
  if (e0 == "0") return fmt::format("{} and {}", p, paren(e1));
  if (e1 == "0") return fmt::format("not {} and {}", p, paren(e0));
  if (e0 == "1") return fmt::format("not {} or {}", p, paren(e1));
  return fmt::format("if {} then {} else {}", p, paren(e1), paren(e0));
}

/// Whether the graph's skeleton (arrows without direction) has a cycle.
bool has_loop(const CladderModel& m) {
  std::map<std::string, std::string> root;
  for (const auto& v : m.variables) root[v] = v;
  auto find = [&](std::string v) {
    while (root[v] != v) v = root[v];
    return v;
  };
  for (const auto& [child, ps] : m.parents) {
    for (const auto& p : ps) {
      const std::string a = find(child);
      const std::string c = find(p);
      if (a == c) return true;
      root[a] = c;
    }
  }
  return false;
}

/// `m` with each variable in `replaced` made a fresh root with P(=1) given.
Scm with_roots(const Scm& m, const std::map<std::string, Rational>& replaced) {
  ScmBuilder b;
  for (VarId id : m.exogenous()) b.exogenous(m.name(id), m.domain(id), m.prior(id));
  for (const auto& [name, p] : replaced) b.bernoulli("U_soft_" + name, p);
  for (VarId id : m.endogenous()) {
    const std::string& name = m.name(id);
    if (auto it = replaced.find(name); it != replaced.end()) {
      b.endogenous(name, "U_soft_" + name);
      continue;
    }
    const Mechanism& mech = m.mechanism(id);
    b.endogenous(name, m.domain(id), mech.source());
  }
  return b.build();
}

}  // namespace

CladderModel cladder_model(const ordered_json& entry) {
  CladderModel m;
  if (!entry.is_object()) throw ImportError("?", "a model is not a JSON object", "");
  if (!entry.contains("model_id") || !entry["model_id"].is_number_integer()) throw ImportError("?", "a model has no integer model_id", "");
  m.model_id = entry["model_id"].get<long long>();
  m.id = fmt::format("model{}", m.model_id);
  m.graph_id = text_of(entry, "graph_id");
  m.story_id = text_of(entry, "story_id");
  if (!entry.contains("params") || !entry["params"].is_object()) throw ImportError(m.id, "no \"params\" object", "");
  const ordered_json& params = entry["params"];
  // Keys "p(V)" and "p(V | A, B)".
  std::vector<std::pair<std::string, const ordered_json*>> cpts;
  for (const auto& [key, value] : params.items()) {
    if (key.size() < 4 || key.substr(0, 2) != "p(" || key.back() != ')') throw ImportError(m.id, "a params key is not p(V | ...)", key);
    const std::string inner = key.substr(2, key.size() - 3);
    const auto bar = inner.find('|');
    const std::string var = std::string(trim(inner.substr(0, bar)));
    std::vector<std::string> ps;
    if (bar != std::string::npos) {
      std::stringstream rest(inner.substr(bar + 1));
      std::string p;
      while (std::getline(rest, p, ',')) ps.emplace_back(trim(p));
    }
    if (!is_valid_name(var) || m.parents.contains(var)) throw ImportError(m.id, "a bad or repeated variable in the params", key);
    m.variables.push_back(var);
    m.parents[var] = ps;
    cpts.emplace_back(key, &value);
  }
  for (const auto& [var, ps] : m.parents) {
    for (const auto& p : ps) {
      if (!m.parents.contains(p)) throw ImportError(m.id, fmt::format("parent {} has no CPT", p), fmt::format("p({} | ...)", var));
    }
  }
  // The declared structure must be the params' graph.
  if (entry.contains("structure") && entry["structure"].is_string()) {
    std::set<std::pair<std::string, std::string>> declared;
    std::set<std::pair<std::string, std::string>> params_edges;
    std::stringstream s(entry["structure"].get<std::string>());
    std::string edge;
    while (std::getline(s, edge, ',')) {
      const auto arrow = edge.find("->");
      if (arrow == std::string::npos) throw ImportError(m.id, "a structure edge is not A->B", edge);
      declared.emplace(trim(edge.substr(0, arrow)), trim(edge.substr(arrow + 2)));
    }
    for (const auto& [var, ps] : m.parents) {
      for (const auto& p : ps) params_edges.emplace(p, var);
    }
    if (declared != params_edges) throw ImportError(m.id, "\"structure\" and \"params\" have different graphs", entry["structure"].get<std::string>());
  }
  ScmBuilder b;
  m.deterministic = true;
  for (std::size_t k = 0; k < cpts.size(); ++k) {
    const std::string& var = m.variables[k];
    const auto& ps = m.parents[var];
    const ordered_json& value = *cpts[k].second;
    if (ps.empty()) {
      const ordered_json& v = value.is_array() && value.size() == 1 ? value[0] : value;  // "p(X)": [0.3] occurs too
      b.bernoulli("U_" + var, probability(v, m.id, cpts[k].first));
      b.endogenous(var, "U_" + var);
    } else {
      bool deterministic = true;
      std::size_t noise = 0;
      const std::string e = cpt_expression(var, ps, value, 0, "", b, deterministic, noise, m.id, cpts[k].first);
      m.deterministic = m.deterministic && deterministic;
      b.endogenous(var, e);
    }
  }
  try {
    m.scm = b.build();
  } catch (const Error& e) {
    throw ImportError(m.id, fmt::format("the params do not make a model ({})", e.what()), "");
  }
  if (entry.contains("variable_mapping") && entry["variable_mapping"].is_object()) {
    const ordered_json& map = entry["variable_mapping"];
    for (const auto& var : m.variables) {
      for (const bool holds : {true, false}) {
        const std::string key = var + (holds ? "1" : "0");
        if (map.contains(key) && map[key].is_string()) m.phrases.add(map[key].get<std::string>(), Literal{var, holds});
      }
    }
  }
  return m;
}

std::vector<std::string> cladder_mediators(const CladderModel& m, const std::string& treatment, const std::string& outcome) {
  // Descendants of the treatment, ancestors of the outcome (fixed points over the parents map).
  std::set<std::string> desc{treatment};
  std::set<std::string> anc{outcome};
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& [child, ps] : m.parents) {
      for (const auto& p : ps) {
        if (desc.contains(p) && desc.insert(child).second) changed = true;
        if (anc.contains(child) && anc.insert(p).second) changed = true;
      }
    }
  }
  std::vector<std::string> out;
  for (const auto& v : m.variables) {
    if (v != treatment && v != outcome && desc.contains(v) && anc.contains(v)) out.push_back(v);
  }
  return out;
}

std::optional<std::pair<std::string, std::string>> cladder_formal_query(std::string_view key, const CladderModel& m) {
  const std::string k(key);
  if (k.rfind("P(", 0) == 0) return std::pair<std::string, std::string>{k.find('|') == std::string::npos ? "marginal" : "conditional", k};
  if (!m.parents.contains("X") || !m.parents.contains("Y")) return std::nullopt;
  const std::vector<std::string> med = cladder_mediators(m, "X", "Y");
  auto nested = [&](int x, int base) {
    std::string s = fmt::format("X={}", x);
    for (const auto& v : med) s += fmt::format(", {}={}[X={}]", v, v, base);
    return s;
  };
  if (k == "ATE(Y | X)") return std::pair<std::string, std::string>{"ate", "E(Y[X=1]) - E(Y[X=0])"};
  if (k == "ETT(Y | X)") return std::pair<std::string, std::string>{"ett", "E(Y[X=1] | X=1) - E(Y[X=0] | X=1)"};
  if (k == "NDE(Y | X)") return std::pair<std::string, std::string>{"nde", fmt::format("E(Y[{}]) - E(Y[X=0])", nested(1, 0))};
  if (k == "NIE(Y | X)") return std::pair<std::string, std::string>{"nie", fmt::format("E(Y[{}]) - E(Y[X=0])", nested(0, 1))};
  return std::nullopt;
}

// ---- import -------------------------------------------------------------------------------------

namespace {

Rational solve_checked(const Scm& scm, const Query& q, bool cross_check, const std::string& id) {
  const Rational v = solve(scm, q, {.fallback = !cross_check}).value;
  if (cross_check) {
    const Rational en = solve(scm, q, {.method = Method::enumeration, .fallback = false}).value;
    if (en != v) {
      throw Error(fmt::format("{}: variable elimination gives {} but enumeration gives {} for {}", id, to_string(v),
                              to_string(en), to_string(q, scm)));
    }
  }
  return v;
}

/// CLadder's own NDE/NIE: every mediator drawn independently from its marginal under do(X=base)
/// (a soft intervention), then do(X=treated); minus E(Y[X=0]).
std::optional<Rational> soft_mediation(const CladderModel& m, bool nde) {
  const std::vector<std::string> med = cladder_mediators(m, "X", "Y");
  if (med.empty()) return std::nullopt;
  const int base = nde ? 0 : 1;
  std::map<std::string, Rational> marginals;
  for (const auto& v : med) marginals[v] = solve(m.scm, parse_query(fmt::format("P({}[X={}]=1)", v, base), m.scm)).value;
  const Scm soft = with_roots(m.scm, marginals);
  const Rational treated = solve(soft, parse_query(fmt::format("E(Y[X={}])", nde ? 1 : 0), soft)).value;
  const Rational control = solve(m.scm, parse_query("E(Y[X=0])", m.scm)).value;
  return Rational(treated - control);
}

std::string params_text(const ordered_json& entry) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : entry["params"].items()) parts.push_back(fmt::format("{} = {}", key, value.dump()));
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::string slug(std::string_view key) {
  std::string out;
  for (char c : key) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    else if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

/// Whether `item` has the shape of a CLadder question: an object with a `meta` object naming its
/// query type or graph (the fields every CLadder release carries).
bool looks_like_cladder_question(const ordered_json& item) {
  if (!item.is_object() || !item.contains("meta") || !item["meta"].is_object()) return false;
  const ordered_json& meta = item["meta"];
  return meta.contains("query_type") || meta.contains("graph_id");
}

/// Refuses a file that holds no CLadder question at all (empty, CounterBench's, rung's records),
/// saying what it looks like instead; a file with some CLadder questions is imported and the
/// others are listed as not parsed.
void require_cladder_questions(const std::vector<ordered_json>& items, const std::string& file) {
  constexpr std::string_view kExpected =
      "expected CLadder's questions (a JSON array or JSON lines of objects with question, given_info, answer and a meta "
      "object with query_type) or its models file (test-model-meta.json)";
  if (items.empty()) throw Error(fmt::format("{}: not a CLadder file: it holds no items; {}", file, kExpected));
  const bool rung_records = std::all_of(items.begin(), items.end(), [](const ordered_json& item) {
    return item.is_object() && item.contains("formal_query") && item.contains("model");
  });
  if (rung_records) {
    throw Error(fmt::format("{}: not a CLadder file: its {} items are rung's own records (formal_query and model); "
                            "`rung audit` and `rung check` read them",
                            file, items.size()));
  }
  if (std::any_of(items.begin(), items.end(), looks_like_cladder_question)) return;
  const ordered_json& first = items.front();
  std::string looks;
  if (first.is_object() && first.contains("formal_query") && first.contains("model")) {
    looks = " (it looks like rung's own records: `rung audit` and `rung check` read them)";
  } else if (first.is_object() && first.contains("given_info") && first.contains("question")) {
    looks = " (it looks like a CounterBench file: try `rung import counterbench`)";
  }
  throw Error(fmt::format("{}: not a CLadder file{}: none of its {} items has a meta object with query_type or graph_id; {}",
                          file, looks, items.size(), kExpected));
}

/// CLadder's formal form of a deterministic counterfactual, `Y_{X=a} = p | V2=0, V1=1` (the
/// evidence may be empty), read and compared with the item's meta fields: an unreadable or
/// contradictory form is an ImportError naming it, never ignored.
void check_det_formal_form(const ordered_json& meta, const std::string& outcome, const std::string& treatment, int action,
                           int polarity, const std::string& id) {
  if (!meta["formal_form"].is_string()) throw ImportError(id, "meta.formal_form is not a string", meta["formal_form"].dump());
  const std::string form = meta["formal_form"].get<std::string>();
  auto unreadable = [&](std::string_view what) {
    return ImportError(id, fmt::format("meta.formal_form cannot be read: expected Y_{{X=a}} = p | V=v, ... ({})", what), form);
  };
  const std::size_t open = form.find("_{");
  const std::size_t close = form.find('}', open == std::string::npos ? 0 : open);
  const std::size_t bar = form.find('|', close == std::string::npos ? 0 : close);
  if (open == std::string::npos || close == std::string::npos || bar == std::string::npos) throw unreadable("no _{...} or no |");
  const std::string out(trim(std::string_view(form).substr(0, open)));
  const std::string setting(trim(std::string_view(form).substr(open + 2, close - open - 2)));
  std::string_view value = trim(std::string_view(form).substr(close + 1, bar - close - 1));
  if (value.empty() || value.front() != '=') throw unreadable("no '= p' after the braces");
  value = trim(value.substr(1));
  const std::size_t eq = setting.find('=');
  if (out.empty() || eq == std::string::npos) throw unreadable("no outcome or no X=a setting");
  const std::string x(trim(std::string_view(setting).substr(0, eq)));
  const std::string a(trim(std::string_view(setting).substr(eq + 1)));
  if (a != "0" && a != "1") throw unreadable("the setting's value is not 0 or 1");
  if (value != "0" && value != "1") throw unreadable("the asked value is not 0 or 1");
  std::map<std::string, std::string> stated;
  std::string_view rest = trim(std::string_view(form).substr(bar + 1));
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view term = trim(rest.substr(0, comma));
    const std::size_t teq = term.find('=');
    if (teq == std::string_view::npos) throw unreadable("an evidence term without '='");
    stated[std::string(trim(term.substr(0, teq)))] = std::string(trim(term.substr(teq + 1)));
    rest = comma == std::string_view::npos ? std::string_view{} : trim(rest.substr(comma + 1));
  }
  std::map<std::string, std::string> given;
  if (meta.contains("given_info") && meta["given_info"].is_object()) {
    for (const auto& [var, v] : meta["given_info"].items()) given[var] = v.dump();
  }
  std::vector<std::string> differ;
  if (out != outcome) differ.push_back(fmt::format("outcome {} (meta.outcome {})", out, outcome));
  if (x != treatment) differ.push_back(fmt::format("treatment {} (meta.treatment {})", x, treatment));
  if (a != std::to_string(action)) differ.push_back(fmt::format("setting {} (meta.action {})", a, action));
  if (value != std::to_string(polarity)) differ.push_back(fmt::format("asked value {} (meta.polarity {})", value, polarity));
  if (stated != given) differ.push_back("evidence (meta.given_info differs)");
  if (!differ.empty()) {
    throw ImportError(id, fmt::format("meta.formal_form contradicts the item's meta: {}", fmt::join(differ, "; ")), form);
  }
}

bool is_models_file(const std::vector<ordered_json>& items) {
  return !items.empty() && items.front().is_object() && items.front().contains("params") &&
         items.front().contains("groundtruth");
}

struct Models {
  std::map<long long, CladderModel> by_id;
  std::map<long long, ordered_json> entries;
  std::map<long long, std::string> broken;  // model id -> why it could not be built
};

Models load_models(const std::vector<ordered_json>& entries, ImportReport* report) {
  Models out;
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const ordered_json& e = entries[k];
    try {
      CladderModel m = cladder_model(e);
      const long long id = m.model_id;
      out.entries[id] = e;
      out.by_id.emplace(id, std::move(m));
    } catch (const ImportError& err) {
      if (e.is_object() && e.contains("model_id") && e["model_id"].is_number_integer()) {
        out.broken[e["model_id"].get<long long>()] = err.what();
      }
      if (report != nullptr) {
        report->not_parsed.push_back({err.id() == "?" ? fmt::format("#{}", k + 1) : err.id(), err.reason(), err.phrase()});
      }
    }
  }
  return out;
}

/// Re-verifies every stored ground truth of every model.
void import_models(const std::vector<ordered_json>& entries, const CladderImportOptions& options, ImportResult& result) {
  ImportReport& report = result.report;
  report.entries = entries.size();
  const Models models = load_models(entries, &report);
  std::size_t soft_explained = 0;
  std::size_t soft_checked = 0;
  std::map<std::string, std::size_t> sign_flips;  // query type -> stored effects whose sign is wrong
  for (const auto& [model_id, m] : models.by_id) {
    (void)model_id;
    const ordered_json& entry = models.entries.at(m.model_id);
    if (!entry.contains("groundtruth") || !entry["groundtruth"].is_object()) {
      report.not_parsed.push_back({m.id, "no \"groundtruth\" object", ""});
      continue;
    }
    ++report.parsed;
    const bool loop = has_loop(m);
    for (const auto& [key, stored] : entry["groundtruth"].items()) {
      auto formal = cladder_formal_query(key, m);
      if (!formal || !stored.is_number()) {
        report.not_parsed.push_back({m.id, formal ? "the stored value is not a number" : "unknown ground-truth quantity", key});
        continue;
      }
      Query q;
      Rational exact;
      try {
        q = parse_query(formal->second, m.scm);
        exact = solve_checked(m.scm, q, options.cross_check, m.id);
      } catch (const ZeroProbabilityEvidence& e) {
        report.not_parsed.push_back({m.id, e.what(), key});
        continue;
      } catch (const InvalidQuery& e) {
        report.not_parsed.push_back({m.id, e.what(), key});
        continue;
      } catch (const TooLarge& e) {
        report.not_parsed.push_back({m.id, e.what(), key});
        continue;
      }
      const double stored_value = stored.get<double>();
      const Rational stored_exact = stored.is_number_integer() ? Rational(stored.get<long long>()) : exact_decimal(stored_value);
      LabelCheck check;
      check.id = m.id;
      check.quantity = key;
      check.query_type = formal->first;
      check.graph = m.graph_id;
      check.stored = stored.dump();
      check.exact = exact;
      check.abs_error = std::abs(static_cast<double>(Rational(stored_exact - exact).convert_to<double>()));
      check.agrees = check.abs_error <= options.tolerance;
      if (formal->first == "nde" || formal->first == "nie") {
        if (auto soft = soft_mediation(m, formal->first == "nde"); soft && *soft != exact) {
          ++soft_checked;
          const double soft_error = std::abs(static_cast<double>(Rational(stored_exact - *soft).convert_to<double>()));
          if (!check.agrees && soft_error <= options.tolerance) {
            ++soft_explained;
            check.reason = "CLadder's formula: mediators drawn from their do(X) marginals, independently of Y's other parents";
          }
        }
      }
      {
        auto sign = [&](const Rational& v) { return v > Rational(0) ? (v.convert_to<double>() > options.tolerance ? 1 : 0) : (v.convert_to<double>() < -options.tolerance ? -1 : 0); };
        if (formal->first != "marginal" && formal->first != "conditional" && sign(stored_exact) != sign(exact)) ++sign_flips[formal->first];
      }
      if (!check.agrees && check.reason.empty() && loop) {
        check.reason = "graph with a loop: consistent with approximate (loopy belief propagation) inference";
      }

      ordered_json rec;
      rec["id"] = fmt::format("cladder-{}-{}", m.id, slug(key));
      rec["given_info"] = fmt::format("{} Parameters: {}.", text_of(entry, "background"), params_text(entry));
      rec["question"] = fmt::format("What is {}?", key);
      rec["prompt"] = fmt::format("{} {} Answer with an exact fraction.", rec["given_info"].get<std::string>(),
                                  rec["question"].get<std::string>());
      rec["answer"] = to_string(exact);
      rec["value"] = value_json(exact);
      rec["type"] = nullptr;
      rec["query_type"] = formal->first;
      rec["rung"] = rung_of(q);
      rec["formal_query"] = to_string(q, m.scm);
      rec["model"] = to_json(m.scm);
      rec["name_style"] = "letters";
      std::size_t edges = 0;
      for (const auto& [child, ps] : m.parents) edges += ps.size();
      rec["difficulty"] = {{"level", nullptr}, {"variables", m.variables.size()}, {"edges", edges}};
      rec["reasoning"] = nullptr;
      rec["distractors"] = ordered_json::object();
      rec["structure"] = structure_hash(m.scm, q);
      rec["seed"] = nullptr;
      ordered_json meta;
      meta["story_id"] = m.story_id;
      meta["graph_id"] = m.graph_id;
      meta["query_type"] = formal->first;
      meta["rung"] = rung_of(q);
      meta["model_id"] = m.model_id;
      for (const char* k : {"spec_id", "builder", "difficulty", "equation_type", "variable_mapping", "structure"}) {
        if (entry.contains(k)) meta[k] = entry[k];
      }
      rec["meta"] = std::move(meta);
      rec["source"] = {{"dataset", "cladder"}, {"file", options.file}, {"quantity", key}, {"stored", stored},
                       {"abs_error", check.abs_error}, {"agrees", check.agrees}};
      result.records.push_back(std::move(rec));
      report.add(std::move(check));
    }
  }
  for (const auto& [type, n] : sign_flips) {
    report.notes.push_back(fmt::format("{} values whose sign (beyond the tolerance) differs from the exact one: {}", type, n));
  }
  if (soft_checked > 0) {
    report.notes.push_back(fmt::format(
        "NDE/NIE where CLadder's soft-intervention formula differs from the exact value: {}; disagreements it explains "
        "(within the tolerance): {}",
        soft_checked, soft_explained));
  }
}

/// The question's "if A instead of B": the phrases A and B, matched against the model's phrases.
std::pair<Literal, Literal> intervention_of(const std::string& question, const CladderModel& m, const std::string& id) {
  const auto instead = question.rfind(" instead of ");
  if (instead == std::string::npos) throw ImportError(id, "no 'instead of' in the question", question);
  const auto iff = question.rfind(" if ", instead);
  if (iff == std::string::npos) throw ImportError(id, "no 'if' before 'instead of'", question);
  std::string after = question.substr(instead + 12);
  while (!after.empty() && (after.back() == '?' || after.back() == ' ' || after.back() == '.')) after.pop_back();
  const std::string before = question.substr(iff + 4, instead - iff - 4);
  auto one = [&](const std::string& phrase) {
    for (const auto& e : m.phrases.entries()) {
      // The whole phrase must be one literal of the model.
      std::string words;
      for (const auto& w : e.words) words += (words.empty() ? "" : " ") + w;
      std::string lowered;
      for (char c : phrase) lowered += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      if (lowered == words) return e.literal;
    }
    throw ImportError(id, "the intervention is not a phrase of the model's variable_mapping", phrase);
  };
  return {one(before), one(after)};
}

/// Values of every variable of `scm` given the roots' values (`roots` by name).
std::map<std::string, Value> evaluate(const Scm& scm, const std::map<std::string, Value>& roots) {
  std::vector<Value> values(scm.size(), 0);
  for (VarId u : scm.exogenous()) {
    const std::string& name = scm.name(u);
    if (name.rfind("U_", 0) == 0) {
      if (auto it = roots.find(name.substr(2)); it != roots.end()) values[u] = it->second;
    }
  }
  scm.evaluate(values);
  std::map<std::string, Value> out;
  for (VarId v : scm.endogenous()) out[scm.name(v)] = values[v];
  return out;
}

/// Variables whose mechanism the text states differently from the params (deterministic models,
/// same roots): every root assignment is tried.
std::vector<std::string> contradicted(const CladderModel& m, const Scm& text_model) {
  std::vector<std::string> roots;
  for (const auto& v : m.variables) {
    if (m.parents.at(v).empty()) roots.push_back(v);
  }
  std::set<std::string> differ;
  for (std::size_t bits = 0; bits < (std::size_t{1} << roots.size()); ++bits) {
    std::map<std::string, Value> r;
    for (std::size_t k = 0; k < roots.size(); ++k) r[roots[k]] = static_cast<Value>((bits >> k) & 1U);
    const auto a = evaluate(m.scm, r);
    const auto b = evaluate(text_model, r);
    for (const auto& [name, value] : a) {
      auto it = b.find(name);
      if (it == b.end() || it->second != value) differ.insert(name);
    }
  }
  std::vector<std::string> out;
  for (const auto& v : m.variables) {
    if (differ.contains(v)) out.push_back(v);
  }
  return out;
}

void import_items(const std::vector<ordered_json>& items, const Models& models, const CladderImportOptions& options,
                  ImportResult& result) {
  ImportReport& report = result.report;
  report.entries = items.size();
  std::size_t text_total = 0;
  std::size_t text_matched = 0;
  std::size_t text_undefined = 0;
  std::size_t factual_total = 0;
  std::size_t factual_matched = 0;
  std::size_t factual_undefined = 0;
  std::size_t contradicting_items = 0;
  std::size_t label_follows_text = 0;
  std::set<long long> contradicting_models;
  std::map<std::string, std::size_t> contradicted_vars;
  std::size_t question_mismatch = 0;
  std::vector<std::string> text_differs;
  std::vector<std::string> contradicting_ids;

  for (std::size_t k = 0; k < items.size(); ++k) {
    const ordered_json& item = items[k];
    std::string id = item.is_object() ? text_of(item, "question_id") : "";
    if (id.empty()) id = fmt::format("#{}", k + 1);
    const std::size_t parsed_before = report.parsed;  // an item refused midway is not counted
    try {
      if (!item.is_object()) throw ImportError(id, "not a JSON object", "");
      for (const char* key : {"given_info", "question", "answer"}) {
        if (!item.contains(key) || !item[key].is_string()) throw ImportError(id, fmt::format("no \"{}\" string", key), "");
      }
      if (!item.contains("meta") || !item["meta"].is_object()) throw ImportError(id, "no \"meta\" object", "");
      const ordered_json& meta = item["meta"];
      const std::string query_type = text_of(meta, "query_type");
      if (query_type != "det-counterfactual") {
        throw ImportError(id, "only det-counterfactual items are imported so far", query_type);
      }
      if (!meta.contains("model_id") || !meta["model_id"].is_number_integer()) throw ImportError(id, "no integer meta.model_id", "");
      const long long model_id = meta["model_id"].get<long long>();
      auto mit = models.by_id.find(model_id);
      if (mit == models.by_id.end()) {
        auto bit = models.broken.find(model_id);
        throw ImportError(id, bit != models.broken.end() ? "its model could not be built: " + bit->second
                                                         : fmt::format("model {} is not in the models file (--meta-models)", model_id),
                          "");
      }
      const CladderModel& m = mit->second;
      const std::string label = text_of(item, "answer");
      if (label != "yes" && label != "no") throw ImportError(id, "the answer is not yes or no", label);

      // The formal question from meta: Y_{X=action} = polarity | evidence.
      const std::string treatment = text_of(meta, "treatment");
      const std::string outcome = text_of(meta, "outcome");
      if (!meta.contains("action") || !meta["action"].is_number_integer() || !meta.contains("polarity") ||
          !meta["polarity"].is_number_integer() || treatment.empty() || outcome.empty()) {
        throw ImportError(id, "meta lacks treatment, outcome, or an integer action or polarity", "");
      }
      const int action = meta["action"].get<int>();
      const int polarity = meta["polarity"].get<int>();
      std::vector<std::string> evidence;
      if (meta.contains("given_info") && meta["given_info"].is_object()) {
        for (const auto& [var, v] : meta["given_info"].items()) evidence.push_back(fmt::format("{}={}", var, v.dump()));
      }
      const std::string ev = evidence.empty() ? "" : fmt::format(" | {}", fmt::join(evidence, ", "));
      const std::string formal = fmt::format("P({}[{}={}]={}{})", outcome, treatment, action, polarity, ev);
      // meta.formal_form, when present, must say the same question (issue #15, item 15).
      if (meta.contains("formal_form")) check_det_formal_form(meta, outcome, treatment, action, polarity, id);

      // The text: the causal statements (before "We observed") in the model's phrases.
      const std::string given_info = item["given_info"].get<std::string>();
      const auto observed = given_info.find("We observed");
      const std::string statements = std::string(trim(given_info.substr(0, observed)));
      const CausalText text = parse_causal_text(statements, m.phrases, id);
      const Scm text_model = causal_model(text, id);
      const auto [asked, instead] = intervention_of(item["question"].get<std::string>(), m, id);

      Query q;
      try {
        q = parse_query(formal, m.scm);
      } catch (const InvalidQuery& e) {
        throw ImportError(id, fmt::format("meta.formal_form does not fit the model ({})", e.what()), formal);
      }
      ++report.parsed;
      const Rational exact = solve_checked(m.scm, q, options.cross_check, id);
      const std::string ours = yes_no_answer(exact);

      // The text model's answer (roots Bernoulli(1/2)), and the question's own factual value.
      std::optional<Rational> text_value;
      ++text_total;
      try {
        const Query tq = parse_query(formal, text_model);
        text_value = solve_checked(text_model, tq, options.cross_check, id);
      } catch (const ZeroProbabilityEvidence&) {
      } catch (const InvalidQuery&) {
      }
      if (!text_value) ++text_undefined;
      else if (yes_no_answer(*text_value) == label) ++text_matched;
      else text_differs.push_back(id);
      ++factual_total;
      {
        std::string with = formal;
        with.pop_back();
        with += fmt::format("{}{}={})", evidence.empty() ? " | " : ", ", treatment, 1 - action);
        try {
          const Rational v = solve(m.scm, parse_query(with, m.scm)).value;
          if (yes_no_answer(v) == label) ++factual_matched;
        } catch (const ZeroProbabilityEvidence&) {
          ++factual_undefined;
        }
      }
      const std::vector<std::string> differ = contradicted(m, text_model);
      if (!differ.empty()) {
        contradicting_ids.push_back(id);
        ++contradicting_items;
        contradicting_models.insert(model_id);
        for (const auto& v : differ) ++contradicted_vars[fmt::format("{} ({})", v, m.graph_id)];
      }
      const bool question_agrees = asked == Literal{treatment, action == 1} && instead == Literal{treatment, action == 0};
      if (!question_agrees) ++question_mismatch;

      LabelCheck check;
      check.id = id;
      check.quantity = "answer";
      check.query_type = query_type;
      check.graph = m.graph_id;
      check.stored = label;
      check.exact = exact;
      check.abs_error = std::abs((label == "yes" ? 1.0 : 0.0) - exact.convert_to<double>());
      check.agrees = ours == label;
      if (!check.agrees) {
        if (text_value && yes_no_answer(*text_value) == label) {
          check.reason = "the label follows the text, which contradicts the params";
          ++label_follows_text;
        } else if (!question_agrees) {
          check.reason = "the question's intervention differs from meta";
        }
      }
      if (meta.contains("groundtruth") && meta["groundtruth"].is_number()) {
        const bool gt = meta["groundtruth"].get<double>() != 0;
        if ((gt ? "yes" : "no") != label) report.notes.push_back(fmt::format("item {}: answer {} but meta.groundtruth {}", id, label, meta["groundtruth"].dump()));
      }
      report.add(check);

      ordered_json rec;
      rec["id"] = "cladder-" + id;
      rec["given_info"] = given_info;
      rec["question"] = item["question"];
      rec["prompt"] = fmt::format("{}{} {} Answer with yes or no.", kBackground, given_info, item["question"].get<std::string>());
      rec["answer"] = ours;
      rec["value"] = value_json(exact);
      rec["type"] = evidence.empty() ? "basic" : "conditional";
      rec["query_type"] = "det_counterfactual";
      rec["rung"] = rung_of(q);
      rec["formal_query"] = to_string(q, m.scm);
      rec["model"] = to_json(m.scm);
      rec["name_style"] = "words";
      std::size_t edges = 0;
      for (const auto& [child, ps] : m.parents) edges += ps.size();
      const Answer traced = solve(m.scm, q, {.trace = true});
      rec["difficulty"] = {{"level", nullptr}, {"variables", m.variables.size()}, {"edges", edges}, {"interventions", 1},
                           {"nesting_depth", 0}, {"evidence_count", evidence.size()}};
      rec["reasoning"] = {{"text", to_text(*traced.trace, m.scm)}, {"trace", to_json(*traced.trace)}};
      rec["distractors"] = ordered_json::object();
      rec["structure"] = structure_hash(m.scm, q);
      rec["seed"] = nullptr;
      rec["question_id"] = id;
      rec["meta"] = meta;
      ordered_json source;
      source["dataset"] = "cladder";
      source["file"] = options.file;
      source["answer"] = label;
      source["agrees"] = check.agrees;
      source["text_model"] = to_json(text_model);
      source["text_answer"] = text_value ? ordered_json(yes_no_answer(*text_value)) : ordered_json(nullptr);
      source["text_contradicts_params"] = differ;
      rec["source"] = std::move(source);
      result.records.push_back(std::move(rec));
    } catch (const ImportError& e) {
      report.not_parsed.push_back({e.id(), e.reason(), e.phrase()});
    } catch (const TooLarge& e) {
      report.parsed = parsed_before;
      report.not_parsed.push_back({id, e.what(), ""});
    }
  }
  report.readings.push_back({"documented", "the params' model, query from meta (Y_{X=a} = p | evidence)",
                             report.agreed, report.checked, 0});
  report.readings.push_back({"text", "the model the given_info text states (roots Bernoulli(1/2)), same query",
                             text_matched, text_total, text_undefined});
  report.readings.push_back({"factual_treatment", "params' model, also conditioning on the 'instead of' value of X",
                             factual_matched, factual_total, factual_undefined});
  report.notes.push_back(fmt::format("items whose text states a mechanism that contradicts the params: {} (in {} models; items {})",
                                     contradicting_items, contradicting_models.size(), fmt::join(contradicting_ids, ", ")));
  for (const auto& [var, n] : contradicted_vars) report.notes.push_back(fmt::format("  contradicted variable {}: {} items", var, n));
  report.notes.push_back(fmt::format("items whose label follows the text instead of the params: {}", label_follows_text));
  report.notes.push_back(fmt::format("items whose text (read literally) gives another answer than the label: {} (items {})",
                                     text_differs.size(), fmt::join(text_differs, ", ")));
  report.notes.push_back(fmt::format("items whose question names another intervention than meta: {}", question_mismatch));
  report.notes.push_back(fmt::format(
      "items whose 'instead of' value of the treatment is impossible given the evidence (zero probability): {}",
      factual_undefined));
}


/// Every item from its own fields (docs/importing.md, "CLadder items"); with `models`, the exact
/// model's checks too. det-counterfactual items with models go through import_items instead.
void import_questions(const std::vector<ordered_json>& items, const Models* models, const CladderImportOptions& options,
                      ImportResult& result) {
  ImportReport& report = result.report;
  std::size_t numbers_items = 0;
  std::size_t numbers_off_items = 0;
  std::size_t numbers_off = 0;
  double numbers_max = 0;
  std::string numbers_max_at;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const ordered_json& item = items[k];
    std::string id = item.is_object() ? text_of(item, "question_id") : "";
    if (id.empty()) id = fmt::format("#{}", k + 1);
    const std::size_t parsed_before = report.parsed;  // an item refused midway is not counted
    try {
      const CladderModel* m = nullptr;
      if (models != nullptr && item.is_object() && item.contains("meta") && item["meta"].is_object()) {
        const ordered_json& meta = item["meta"];
        if (!meta.contains("model_id") || !meta["model_id"].is_number_integer()) throw ImportError(id, "no integer meta.model_id", "");
        const long long model_id = meta["model_id"].get<long long>();
        auto mit = models->by_id.find(model_id);
        if (mit == models->by_id.end()) {
          auto bit = models->broken.find(model_id);
          throw ImportError(id, bit != models->broken.end() ? "its model could not be built: " + bit->second
                                                            : fmt::format("model {} is not in the models file (--meta-models)", model_id),
                            "");
        }
        m = &mit->second;
      }
      const CladderItemAnalysis a = analyze_cladder_item(item, m, options.tolerance);
      if (options.cross_check) {
        const Rational en = solve(a.model, parse_query(a.formal_query, a.model), {.method = Method::enumeration}).value;
        if (en != a.value) {
          throw Error(fmt::format("{}: the stated-numbers model gives {} by enumeration but {} for {}", a.id, to_string(en),
                                  to_string(a.value), a.formal_query));
        }
      }
      ++report.parsed;
      const std::string group = a.query_type + " " + (a.graph_id.empty() ? "-" : a.graph_id);
      auto& counts = report.verdicts[group];
      ++counts["a:" + a.label_verdict];
      ++counts["b:" + a.text_verdict];
      if (!a.model_verdict.empty()) ++counts["c:" + a.model_verdict];
      const double margin = abs(Rational(a.value - a.decision.threshold)).convert_to<double>();
      LabelCheck check;
      check.id = a.id;
      check.quantity = "answer";
      check.query_type = a.query_type;
      check.graph = a.graph_id;
      check.stored = a.label;
      check.exact = a.value;
      check.agrees = a.label_verdict == "agrees";
      check.abs_error = check.agrees ? 0.0 : margin;
      if (!check.agrees) {
        if (a.label_verdict == "undecided") check.reason = "the graph makes both methods valid, or neither";
        else if (margin < 1e-9) check.reason = "the item's numbers give " + a.answer + " by less than 1e-9 (float noise around a tie)";
        else check.reason = "the item's own numbers give " + a.answer;
      }
      auto flag = [&](std::string verdict, std::string outcome, const std::optional<Rational>& v, std::string why) {
        report.flagged.push_back({a.id, std::move(verdict), std::move(outcome), a.query_type, a.graph_id, a.label,
                                  v ? to_decimal(*v, 6) : std::string(),
                                  v ? abs(Rational(*v - a.decision.threshold)).convert_to<double>() : 0.0, std::move(why)});
      };
      if (!check.agrees) flag("a", a.label_verdict, a.value, check.reason + "; " + a.formula);
      if (a.text_verdict == "flips" || a.text_verdict == "may_flip" || a.text_verdict == "unaligned") {
        flag("b", a.text_verdict, a.text_value, a.text_reason);
      }
      if (a.model_verdict == "wrong" || a.model_verdict == "undecided") {
        flag("c", a.model_verdict, a.model_value,
             fmt::format("the exact model's {} gives {}", a.model_query, a.decision.answer(*a.model_value)));
      }
      if (!a.model_verdict.empty() && !a.numbers.empty()) {
        ++numbers_items;
        if (a.numbers_off > 0) ++numbers_off_items;
        numbers_off += a.numbers_off;
        if (a.max_number_error > numbers_max) {
          numbers_max = a.max_number_error;
          numbers_max_at = fmt::format("item {}, {}", a.id, a.max_number_query);
        }
      }
      report.add(std::move(check));
      result.records.push_back(cladder_item_record(item, a, options.file));
    } catch (const ImportError& e) {
      report.not_parsed.push_back({e.id(), e.reason(), e.phrase()});
    } catch (const TooLarge& e) {
      report.parsed = parsed_before;
      report.not_parsed.push_back({id, e.what(), ""});
    }
  }
  if (numbers_items > 0) {
    report.notes.push_back(fmt::format(
        "items whose stated numbers differ from the exact model's (beyond the tolerance): {} of {} ({} numbers); largest "
        "difference {:.3g} ({})",
        numbers_off_items, numbers_items, numbers_off, numbers_max, numbers_max_at.empty() ? "-" : numbers_max_at));
  }
}

}  // namespace

ImportResult import_cladder(std::istream& in, std::istream* models, const CladderImportOptions& options) {
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw Error(fmt::format("{}: read error", options.file));
  ImportResult result;
  result.report.source = "cladder";
  result.report.file = options.file;
  result.report.tolerance = options.tolerance;
  const std::vector<ordered_json> items = read_json_items(text, options.file);
  if (is_models_file(items)) {
    import_models(items, options, result);
    return result;
  }
  require_cladder_questions(items, options.file);
  std::optional<Models> loaded;
  if (models != nullptr) {
    const std::string model_text{std::istreambuf_iterator<char>(*models), std::istreambuf_iterator<char>()};
    loaded = load_models(read_json_items(model_text, options.models_file), nullptr);
  }
  // det-counterfactual items with their models: the params' model and the text's (import_items).
  std::vector<ordered_json> det;
  std::vector<ordered_json> rest;
  for (const auto& item : items) {
    const bool is_det = item.is_object() && item.contains("meta") && item["meta"].is_object() &&
                        text_of(item["meta"], "query_type") == "det-counterfactual";
    (loaded && is_det ? det : rest).push_back(item);
  }
  if (!det.empty()) import_items(det, *loaded, options, result);
  import_questions(rest, loaded ? &*loaded : nullptr, options, result);
  result.report.entries = items.size();
  if (result.report.parsed == 0) {
    result.report.notes.push_back(
        "no item was imported (each is listed under \"Not parsed\"); CounterBench's files look like CLadder's "
        "det-counterfactual items but use their own graphs: `rung import counterbench` reads them");
  }
  if (options.audit) {
    std::istringstream again(text);
    result.report.audit = audit_dataset(again, {.verify = false, .max_listed = 10, .file = options.file});
  }
  return result;
}

}  // namespace rung
