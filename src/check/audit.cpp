// One file for the audit (past ~800 lines): counting, baselines, re-verification and the report
// share the per-record Info and Task types; the learners (learners.cpp), the text features
// (features.cpp) and the stated-model reader (gen/stated.cpp) are their own files.
#include "rung/check/audit.hpp"

#include "rung/check/features.hpp"
#include "rung/core/json.hpp"
#include "rung/core/text.hpp"
#include "rung/io/json_fields.hpp"
#include "rung/io/json_line.hpp"

#include "rung/core/error.hpp"
#include "rung/core/rational.hpp"
#include "rung/gen/linear.hpp"
#include "rung/gen/random.hpp"
#include "rung/gen/stated.hpp"
#include "rung/identify/counterfactual.hpp"
#include "rung/infer/linear_gaussian.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/linear_json.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/query/decision.hpp"
#include "rung/query/query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <filesystem>
#include <istream>
#include <iterator>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>

namespace rung {

/// Records are read keeping their members' order (distractors and difficulty knobs are listed in
/// the order the file gives them).
using json = rung::ordered_json;

double Accuracy::rate() const noexcept {
  return total == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(total);
}

double AnswerBalance::yes_share() const noexcept {
  const std::size_t both = yes + no;
  return both == 0 ? 0.0 : static_cast<double>(yes) / static_cast<double>(both);
}

namespace {

constexpr std::string_view kNone = "(none)";
constexpr std::size_t kMaxCountRows = 20;  ///< rows of a count table in the text report

// ---- text helpers -----------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string percent(double rate) { return fmt::format("{:.1f}%", 100.0 * rate); }

std::string accuracy_cell(const Accuracy& a) {
  if (a.total == 0) return "-";
  return fmt::format("{}/{} {:>6}", a.correct, a.total, percent(a.rate()));
}

// ---- JSON helpers -----------------------------------------------------------------------------

/// `key` at the top level, else in `meta`.
const json* field_or_meta(const json& record, std::string_view key) {
  if (const json* v = member(record, key)) return v;
  if (const json* meta = member(record, "meta")) return member(*meta, key);
  return nullptr;
}

// ---- answers ------------------------------------------------------------------------------------

enum class AnswerKind { yes, no, undetermined, numeric, interval, other };

struct Label {
  AnswerKind kind = AnswerKind::other;
  std::string text;  ///< "yes"/"no"/"undetermined", the reduced fraction, "[a, b]" of two, or the trimmed text
};

Label classify(std::string_view raw) {
  const std::string_view t = trim(raw);
  const std::string l = lower(t);
  if (l == "yes") return {AnswerKind::yes, l};
  if (l == "no") return {AnswerKind::no, l};
  if (l == "undetermined") return {AnswerKind::undetermined, l};
  if (auto r = try_parse_rational(t)) return {AnswerKind::numeric, to_string(*r)};
  if (auto i = try_parse_interval(t)) return {AnswerKind::interval, interval_string(i->first, i->second)};
  return {AnswerKind::other, std::string(t)};
}

/// A record's `{"lower": {"fraction": ...}, "upper": ...}` (or bare fraction strings) as its two
/// ends; nullopt when either is missing or not a number.
std::optional<std::pair<Rational, Rational>> bounds_of(const json* b) {
  if (b == nullptr || !b->is_object()) return std::nullopt;
  auto end = [&](const char* key) -> std::optional<Rational> {
    const json* e = member(*b, key);
    auto f = scalar_text(e && e->is_object() ? member(*e, "fraction") : e);
    return f ? try_parse_rational(trim(*f)) : std::nullopt;
  };
  auto lo = end("lower");
  auto hi = end("upper");
  if (!lo || !hi) return std::nullopt;
  return std::pair{*lo, *hi};
}

bool is_yes_no(AnswerKind k) { return k == AnswerKind::yes || k == AnswerKind::no || k == AnswerKind::undetermined; }

void add_to(AnswerBalance& b, AnswerKind k) {
  ++b.records;
  switch (k) {
    case AnswerKind::yes: ++b.yes; break;
    case AnswerKind::no: ++b.no; break;
    case AnswerKind::undetermined: ++b.undetermined; break;
    case AnswerKind::numeric: ++b.numeric; break;
    case AnswerKind::interval: ++b.interval; break;
    case AnswerKind::other: ++b.other; break;
  }
}


// ---- records ------------------------------------------------------------------------------------

/// What the audit keeps of a record once it is read (the record itself is dropped).
/// How often `what` occurs in `text` (without overlaps).
std::size_t count_occurrences(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

struct Info {
  std::size_t ordinal = 0;  ///< position among the audited records (0-based)
  /// Position among the audited records of its type (0-based), counting the records with one
  /// fold_key() once (learners.hpp): their fold in the cross-validated baselines is one.
  std::size_t ordinal_in_type = 0;
  std::string type;         ///< kNone when absent
  std::string graph;        ///< meta.graph_id (empty when absent)
  bool unobserved = false;  ///< the text names an unobserved variable ("... is unobserved.")
  /// The form of what the text states: "<probabilities stated>|<overall probabilities stated>"
  /// (empty when it states none), e.g. "7|1" for P(X) and six conditional probabilities.
  std::string form;
  Label answer;
  std::size_t nots = 0;
  /// path_parity_prediction of the text: true "yes", false "no", nullopt when it abstains.
  std::optional<bool> path_parity;
  std::size_t template_id = 0;
  bool has_distractors = false;
  /// Answered "undetermined" to a question that asks for a number (no `decision`, meta.answer_kind
  /// "fraction": the ladder preset's `--given observed`): scored with the numeric records.
  bool asks_number = false;
  /// (procedure index, the procedure's answer label; nullopt = undefined)
  std::vector<std::pair<std::size_t, std::optional<std::string>>> distractors;
  /// What the learners see (records answered yes/no/undetermined or with a number).
  std::optional<LearnerRecord> learner;
};

/// A rung record to re-solve.
struct Task {
  std::size_t line = 0;
  std::string id;
  nlohmann::json model;
  std::optional<std::string> formal_query;
  json value;
  std::string answer;
  std::optional<long long> rung;
  std::optional<std::string> decision;  ///< the record's `decision` (absent: value > 1/2)
  std::string given_info;  ///< the stated model (empty: none)
  std::string question;
  /// Written by `rung generate` (`meta.options.preset` names the preset): its text is in one of
  /// the generator's registers. Imported records state their source's text (CLadder's states
  /// P(Y | X) and other derived figures, not the model's tables) and are not compared.
  bool generated = false;
  /// The text states observed quantities only (`identification.given` is "observed").
  bool observed = false;
  /// `identification.identifiable` is false: the answer must be "undetermined", and the query
  /// must not be identifiable from the observed variables (the model's minus `hidden`).
  bool undetermined = false;
  std::vector<std::string> hidden;
  /// `identification.bounds`: the exact bounds of a query the observed variables do not identify.
  std::optional<std::pair<Rational, Rational>> bounds;
};

struct TaskResult {
  bool failed = false;
  std::string error;
  std::vector<Mismatch> mismatches;
  /// The stated model: -1 not compared (no model read), 0 not checked (`unchecked` says why), 1
  /// read and compared.
  int stated = -1;
  std::string unchecked;
};

/// verify() for a linear-Gaussian record (the linear preset's): re-solved by the parallel-worlds
/// method (the generator's trace came from abduction); numeric answers only.
TaskResult verify_linear(const Task& t, const Rational& stored, const std::string& stored_text) {
  TaskResult r;
  auto fail = [&](std::string message) {
    r.failed = true;
    r.error = one_line(message);
    return r;
  };
  std::optional<LinearScm> scm;
  try {
    scm.emplace(linear_scm_from_json(t.model));
  } catch (const std::exception& e) {
    return fail("model: " + std::string(e.what()));
  }
  std::optional<LinearQuery> query;
  try {
    query.emplace(parse_linear_query(*t.formal_query, *scm));
  } catch (const std::exception& e) {
    return fail(fmt::format("formal_query '{}': {}", *t.formal_query, e.what()));
  }
  auto mismatch = [&](std::string field, std::string stored_field, std::string recomputed) {
    r.mismatches.push_back({t.line, t.id, std::move(field), one_line(stored_field), std::move(recomputed)});
  };
  // The text must state the record's model (the linear preset's wording, gen/linear.hpp).
  if (!t.generated) {
    r.stated = 0;
    r.unchecked = "not written by rung generate (no meta.options.preset)";
  } else if (t.given_info.empty()) {
    r.stated = 0;
    r.unchecked = "no given_info";
  } else {
    r.stated = 1;
    const std::string expected = linear_given_info(*scm);
    if (t.given_info != expected) mismatch("given_info", t.given_info, expected);
  }
  LinearAnswer answer;
  try {
    answer = solve(*scm, *query, {.method = LinearMethod::parallel_worlds});
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  if (!answer.exact) return fail(fmt::format("formal_query '{}' is not a rational number (a probability of a normal variable)", *t.formal_query));
  const Rational& value = answer.value;
  if (stored != value) mismatch("value", stored_text, to_string(value));
  if (t.answer != to_string(value)) mismatch("answer", t.answer, to_string(value));
  if (const json* decimal = member(t.value, "decimal")) {
    const auto shown = decimal->is_string() ? try_parse_rational(decimal->get<std::string>()) : std::nullopt;
    if (!shown || abs(*shown - value) > Rational(1, 2'000'000)) mismatch("value.decimal", decimal->dump(), to_decimal(value, 6));
  }
  if (t.rung && *t.rung != rung_of(*query)) mismatch("rung", std::to_string(*t.rung), std::to_string(rung_of(*query)));
  return r;
}

TaskResult verify(const Task& t) {
  TaskResult r;
  auto fail = [&](std::string message) {
    r.failed = true;
    r.error = one_line(message);
    return r;
  };
  const json* fraction = t.value.is_string() ? &t.value : member(t.value, "fraction");
  if (fraction == nullptr || !fraction->is_string()) return fail("no value.fraction to compare with");
  const std::string stored_text = fraction->get<std::string>();
  const auto stored = try_parse_rational(stored_text);
  if (!stored) return fail(fmt::format("value.fraction '{}' is not a fraction", stored_text));
  if (!t.formal_query) return fail("formal_query is not a string");
  if (is_linear_json(t.model)) return verify_linear(t, *stored, stored_text);

  std::optional<Scm> scm;
  try {
    scm.emplace(scm_from_json(t.model));
  } catch (const std::exception& e) {
    return fail("model: " + std::string(e.what()));
  }
  std::optional<Query> query;
  try {
    query.emplace(parse_query(*t.formal_query, *scm));
  } catch (const std::exception& e) {
    return fail(fmt::format("formal_query '{}': {}", *t.formal_query, e.what()));
  }
  // The model the text states must be `model` (issue #15 item 19): otherwise a record whose
  // model and value were edited together would pass although wrong for its prompt.
  if (!t.generated) {
    r.stated = 0;
    r.unchecked = "not written by rung generate (no meta.options.preset)";
  } else if (t.given_info.empty()) {
    r.stated = 0;
    r.unchecked = "no given_info";
  } else {
    StatedCheck stated = check_stated_model(t.given_info, t.question, *scm, *t.formal_query, t.observed);
    r.stated = stated.checked ? 1 : 0;
    r.unchecked = std::move(stated.reason);
    for (auto& m : stated.mismatches) r.mismatches.push_back({t.line, t.id, m.field, one_line(m.stated), one_line(m.model)});
  }
  Rational value;
  try {
    value = solve(*scm, *query, {.method = Method::enumeration, .fallback = false}).value;
  } catch (const std::exception& e) {
    return fail(e.what());
  }

  auto mismatch = [&](std::string field, std::string stored_field, std::string recomputed) {
    r.mismatches.push_back({t.line, t.id, std::move(field), one_line(stored_field), std::move(recomputed)});
  };
  if (*stored != value) mismatch("value", stored_text, to_string(value));

  Decision decision;
  if (t.decision) {
    try {
      decision = parse_decision(*t.decision);
    } catch (const std::exception& e) {
      return fail(e.what());
    }
  }
  const Label answer = classify(t.answer);
  if (t.undetermined) {
    // Re-checked by identification: the query on the observed variables the text names. The
    // answer is "undetermined", or an interval (a question that asks for the bounds), and the
    // record's exact bounds must hold the model's value.
    if (answer.kind == AnswerKind::interval) {
      if (!t.bounds) {
        mismatch("identification.bounds", "(none)", "the bounds of an interval answer");
      } else if (value < t.bounds->first || value > t.bounds->second) {
        mismatch("identification.bounds", interval_string(t.bounds->first, t.bounds->second), fmt::format("an interval that holds the value {}", to_string(value)));
      }
    } else if (answer.text != "undetermined") {
      mismatch("answer", t.answer, "undetermined");
    } else if (t.bounds && (value < t.bounds->first || value > t.bounds->second)) {
      // An undetermined record may still carry the bounds the observed distribution gives.
      mismatch("identification.bounds", interval_string(t.bounds->first, t.bounds->second), fmt::format("an interval that holds the value {}", to_string(value)));
    }
    try {
      std::vector<VarId> hidden;
      for (const auto& h : t.hidden) {
        const auto id = scm->find(h);
        if (!id) return fail(fmt::format("identification.hidden names '{}', which is not a variable of the model", h));
        hidden.push_back(*id);
      }
      const Admg g = Admg::of(*scm, hidden);
      const CounterfactualIdentification id = identify_counterfactual(g, *query, *scm);
      if (id.identifiable) mismatch("identification", "not identifiable", "identifiable: " + id.estimand->to_string(g));
    } catch (const std::exception& e) {
      return fail(fmt::format("identification: {}", e.what()));
    }
  } else if (is_yes_no(answer.kind)) {
    if (answer.text != decision.answer(value)) mismatch("answer", t.answer, decision.answer(value));
  } else if (answer.kind != AnswerKind::numeric || answer.text != to_string(value)) {
    mismatch("answer", t.answer, to_string(value));
  }

  if (const json* decimal = member(t.value, "decimal")) {
    // Six-place rounding puts the decimal within half a millionth of the exact value.
    bool ok = false;
    std::string shown;
    if (decimal->is_string()) {
      shown = decimal->get<std::string>();
      if (auto d = try_parse_rational(shown)) ok = abs(*d - value) <= Rational(1, 2'000'000);
    } else if (decimal->is_number()) {
      shown = decimal->dump();
      ok = std::abs(decimal->get<double>() - value.convert_to<double>()) <= 5e-7 + 1e-12;
    } else {
      shown = decimal->dump();
    }
    if (!ok) mismatch("value.decimal", shown, to_decimal(value, 6));
  }

  if (t.rung && *t.rung != rung_of(*query)) mismatch("rung", std::to_string(*t.rung), std::to_string(rung_of(*query)));
  return r;
}

std::vector<std::string> model_names(const json& model) {
  std::vector<std::string> names;
  for (const char* part : {"exogenous", "endogenous"}) {
    const json* list = member(model, part);
    if (list == nullptr || !list->is_array()) continue;
    for (const auto& v : *list) {
      if (auto name = scalar_text(member(v, "name")); name && !name->empty()) names.push_back(*name);
    }
  }
  return names;
}

/// The most common key (the first in natural order on ties); nullopt when empty.
std::optional<std::string> mode(const std::map<std::string, std::size_t>& counts) {
  std::vector<std::string> keys;
  for (const auto& [k, n] : counts) keys.push_back(k);
  std::sort(keys.begin(), keys.end(), natural_less);
  std::optional<std::string> best;
  std::size_t best_n = 0;
  for (const auto& k : keys) {
    const std::size_t n = counts.at(k);
    if (!best || n > best_n) {
      best = k;
      best_n = n;
    }
  }
  return best;
}

struct FirstSeen {
  std::size_t line = 0;
  std::string id;
  std::optional<std::string> variant_key;
  std::size_t count = 1;
};

/// A row of a Hugging Face export (`rung export --format hf`: nested fields as JSON text, a
/// string `model`) back as the record it was: each member whose text is a JSON object or array is
/// parsed, except the free-text fields (an interval answer "[0, 1]" stays a string).
void unpack_hf_row(json& j) {
  const auto model = j.find("model");
  if (model == j.end() || !model->is_string() || !model->get_ref<const std::string&>().starts_with("{")) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    json& v = it.value();
    if (!v.is_string() || key == "answer" || key == "question" || key == "prompt" || key == "given_info" ||
        key == "formal_query" || key == "id" || key == "structure") {
      continue;
    }
    const std::string& text = v.get_ref<const std::string&>();
    if (!text.starts_with("{") && !text.starts_with("[")) continue;
    json parsed = json::parse(text, nullptr, false);
    if (!parsed.is_discarded() && parsed.is_structured()) v = std::move(parsed);
  }
}

class Auditor {
 public:
  explicit Auditor(const AuditOptions& options)
      : options_(options), threads_(std::max(1U, options.threads)), block_(256 * std::max(1U, options.threads)) {
    report_.file = options.file;
    report_.verification_enabled = options.verify;
  }

  /// Starts the next file of a multi-file audit: its line numbers follow the previous file's
  /// (AuditReport::sources maps them back), and its records without a `split` field count in
  /// `split` (none when empty).
  void begin_file(std::string file, std::string split) {
    end_file();
    report_.sources.push_back({std::move(file), split, last_line_, 0});
    offset_ = last_line_;
    default_split_ = std::move(split);
    entries_before_ = report_.entries;
  }

  /// Records the current file's entries (called by begin_file and finish).
  void end_file() {
    if (!report_.sources.empty()) report_.sources.back().entries = report_.entries - entries_before_;
  }

  /// A line that could not be audited; `line` counts within the current file.
  void malformed(std::size_t line, std::string message) { malformed_at(global(line), std::move(message)); }

  /// A record's text; `line` counts within the current file.
  void add(std::size_t line, std::string_view text) { add_at(global(line), text); }

 private:
  /// The line across files (the current file's line plus the lines of the files before it).
  std::size_t global(std::size_t line) {
    line += offset_;
    last_line_ = std::max(last_line_, line);
    return line;
  }

  void malformed_at(std::size_t line, std::string message) {
    ++report_.entries;
    ++report_.malformed_count;
    if (listed(report_.malformed.size())) report_.malformed.push_back({line, one_line(message)});
    tick();
  }

  void add_at(std::size_t line, std::string_view text) {
    json j;
    try {
      j = json::parse(text);
    } catch (const json::exception& e) {
      malformed_at(line, "invalid JSON: " + json_message(e));
      return;
    }
    if (!j.is_object()) {
      malformed_at(line, fmt::format("not a record: expected a JSON object, found {}", j.type_name()));
      return;
    }
    unpack_hf_row(j);
    const bool rung_schema = j.contains("formal_query") && j.contains("model");
    const bool cb_schema = !j.contains("model") && j.contains("question") && j.contains("given_info") && j.contains("answer");
    if (!rung_schema && !cb_schema) {
      if (j.contains("formal_query") || j.contains("model")) {
        malformed_at(line, "a rung record needs both \"formal_query\" and \"model\"");
      } else {
        malformed_at(line, "not a record: expected \"formal_query\" and \"model\" (rung) or \"question\", "
                        "\"given_info\" and \"answer\" (CounterBench)");
      }
      return;
    }
    const auto answer = scalar_text(member(j, "answer"));
    if (!answer || member(j, "answer")->is_boolean()) {
      malformed_at(line, "no \"answer\" (a string)");
      return;
    }
    ++report_.entries;

    Info info;
    info.ordinal = report_.records++;
    const std::string id = scalar_text(member(j, "id")).value_or(scalar_text(member(j, "question_id")).value_or(""));
    info.answer = classify(*answer);
    info.asks_number = info.answer.kind == AnswerKind::undetermined && asks_for_number(j);

    // Counts.
    count("schema", rung_schema ? "rung" : "counterbench");
    if (auto type = scalar_text(member(j, "type"))) {
      info.type = *type;
      count("type", *type);
      any_type_ = true;
    } else {
      info.type = std::string(kNone);
    }
    count("rung", scalar_text(field_or_meta(j, "rung")));
    count("query_type", scalar_text(field_or_meta(j, "query_type")));
    const json* difficulty = member(j, "difficulty");
    count("difficulty.level", scalar_text(difficulty ? member(*difficulty, "level") : nullptr));
    count("name_style", scalar_text(member(j, "name_style")));
    count("graph_id", scalar_text(field_or_meta(j, "graph_id")));
    if (difficulty != nullptr && difficulty->is_object()) {
      for (const auto& [knob, v] : difficulty->items()) {
        if (knob == "level" || !v.is_number()) continue;
        spread(knob, v.get<double>());
      }
    }

    // Wording.
    const auto given_info = scalar_text(member(j, "given_info")).value_or("");
    info.nots = count_not(given_info);
    info.graph = scalar_text(field_or_meta(j, "graph_id")).value_or("");
    info.unobserved = given_info.find(" is unobserved.") != std::string::npos;
    if (const std::size_t stated = count_occurrences(given_info, " probability of "); stated > 0) {
      info.form = fmt::format("{}|{}", stated, count_occurrences(given_info, "overall probability of "));
    }
    std::vector<std::string> names;
    if (rung_schema) names = model_names(j["model"]);
    const std::string question = scalar_text(member(j, "question")).value_or("");
    std::optional<std::string> structure;
    if (const json* st = member(j, "structure"); st && st->is_string()) structure = st->get<std::string>();
    // What a model reads, the record's `prompt` or `given_info` + " " + `question`: the fold key
    // of a record without a structure, and the learners' text.
    std::string read_text;
    if (!structure || options_.learners.enabled) {
      if (auto prompt = scalar_text(member(j, "prompt")); prompt && member(j, "prompt")->is_string()) {
        read_text = *prompt;
      } else {
        read_text = given_info + " " + question;
      }
    }
    std::uint64_t fold_group = 0;            // FNV-1a of the record's fold key (learners.hpp)
    std::optional<std::uint64_t> text_key;  // the same, for a record without a structure
    // Records with one fold key (a structure, or a text up to the names: name variants) share
    // an ordinal, hence a fold.
    {
      std::size_t& seen = seen_of_type_[info.type];
      const std::uint64_t key = fnv1a64(fold_key(structure, read_text, names));
      fold_group = key;
      info.ordinal_in_type = ordinal_of_key_.try_emplace({info.type, key}, seen).first->second;
      if (info.ordinal_in_type == seen) ++seen;
      // A repeated text (records with a structure are compared by it below).
      if (!structure) {
        text_key = key;
        const auto [first, fresh] = first_text_.try_emplace(key, FirstText{line, id, info.answer.text});
        if (!fresh) {
          ++report_.text_repeats;
          if (first->second.answer != info.answer.text) {
            ++report_.text_conflicts;
            if (listed(report_.text_conflict_list.size())) {
              report_.text_conflict_list.push_back({line, id, first->second.line, first->second.id});
            }
          }
        }
      }
    }
    info.path_parity = path_parity_prediction(given_info, question);
    const std::string tmpl = rung_schema && !names.empty() ? question_template(question, names) : question_template(question);
    auto [tit, inserted] = template_ids_.try_emplace(tmpl, templates_.size());
    if (inserted) templates_.push_back({tmpl, 0, {}});
    info.template_id = tit->second;
    ++templates_[tit->second].records;
    add_to(templates_[tit->second].answers, info.answer.kind);
    if (options_.learners.enabled && (is_yes_no(info.answer.kind) || info.answer.kind == AnswerKind::numeric)) {
      LearnerRecord lr;
      lr.given_info = given_info;
      lr.question = question;
      lr.text = std::move(read_text);
      lr.names = std::move(names);
      const json* meta_object = member(j, "meta");
      if (auto t = scalar_text(meta_object ? member(*meta_object, "treatment") : nullptr)) lr.treatment = *t;
      if (auto o = scalar_text(meta_object ? member(*meta_object, "outcome") : nullptr)) lr.outcome = *o;
      if (info.type != kNone) {
        lr.group = info.type;
      } else {
        lr.group = scalar_text(field_or_meta(j, "query_type")).value_or(std::string(kNone));
      }
      lr.template_text = tmpl;
      lr.fold_group = fold_group;
      lr.answer = info.answer.text;
      if (info.answer.kind == AnswerKind::numeric || info.asks_number) {
        lr.numeric = true;  // (an undetermined one has no value: not in the regression)
        if (auto v = try_parse_rational(info.answer.text)) lr.value = v->convert_to<double>();
      }
      info.learner = std::move(lr);
    }

    // Distractors.
    if (const json* ds = member(j, "distractors"); ds != nullptr && ds->is_object()) {
      info.has_distractors = true;
      for (const auto& [procedure, entry] : ds->items()) {
        auto [pit, fresh] = procedure_ids_.try_emplace(procedure, procedures_.size());
        if (fresh) procedures_.push_back(procedure);
        std::optional<std::string> label;
        if (auto a = scalar_text(member(entry, "answer"))) label = classify(*a).text;
        info.distractors.emplace_back(pit->second, std::move(label));
      }
    }

    // Decidable from the text (issue #18).
    text_verdict(j, *answer,
                 info.type != kNone ? info.type : scalar_text(field_or_meta(j, "query_type")).value_or(std::string(kNone)), line, id);

    // Duplicates.
    const json* meta = member(j, "meta");
    std::optional<long long> name_variant;
    if (const json* nv = meta ? member(*meta, "name_variant") : nullptr; nv && nv->is_number_integer()) {
      name_variant = nv->get<long long>();
    }
    std::optional<std::string> variant_key;
    if (const json* model_id = meta ? member(*meta, "model_id") : nullptr) {
      const json* opts = member(*meta, "options");
      variant_key = model_id->dump() + "|" + (opts ? opts->dump() : std::string());
    }
    if (structure) {
      ++report_.with_structure;
      auto [sit, first] = structures_.try_emplace(*structure, FirstSeen{line, id, variant_key, 1});
      if (!first) {
        ++sit->second.count;
        const bool expected = name_variant && *name_variant > 0 &&
                              (!variant_key || !sit->second.variant_key || *variant_key == *sit->second.variant_key);
        if (expected) {
          ++report_.expected_repeats;
        } else {
          ++report_.unexpected_repeats;
          if (listed(report_.unexpected.size())) report_.unexpected.push_back({line, id, sit->second.line, sit->second.id});
        }
      }
      if (variant_key && name_variant) {
        if (*name_variant == 0) {
          variant_zero_.try_emplace(*variant_key, *structure, FirstSeen{line, id, {}, 1});
        } else if (auto vit = variant_zero_.find(*variant_key); vit != variant_zero_.end() && vit->second.first != *structure) {
          ++report_.variant_mismatches;
          if (listed(report_.variant_mismatch_list.size())) {
            report_.variant_mismatch_list.push_back({line, id, vit->second.second.line, vit->second.second.id});
          }
        }
      }
    }
    if (const json* split = member(j, "split"); split != nullptr && split->is_string()) {
      note_split(split->get<std::string>(), structure, text_key, line, id);
    } else if (!default_split_.empty()) {  // a file of a multi-file audit is a split of its own
      note_split(default_split_, structure, text_key, line, id);
    }
    if (!id.empty()) {
      auto [iit, first] = ids_.try_emplace(id, std::make_pair(line, id));
      if (!first) {
        ++report_.duplicate_id_count;
        if (listed(report_.duplicate_ids.size())) report_.duplicate_ids.push_back({line, id, iit->second.first, id});
      }
    }

    // Re-verification.
    if (rung_schema && options_.verify) {
      Task task;
      task.line = line;
      task.id = id;
      task.model = nlohmann::json(j["model"]);
      if (const json* fq = member(j, "formal_query"); fq && fq->is_string()) task.formal_query = fq->get<std::string>();
      if (const json* value = member(j, "value")) task.value = *value;
      task.answer = *answer;
      if (const json* rung = member(j, "rung"); rung && rung->is_number_integer()) task.rung = rung->get<long long>();
      if (const json* d = member(j, "decision"); d && d->is_string()) task.decision = d->get<std::string>();
      task.given_info = given_info;
      task.question = question;
      if (const json* m = member(j, "meta")) {
        if (const json* opts = member(*m, "options")) task.generated = scalar_text(member(*opts, "preset")).has_value();
      }
      if (const json* ident = member(j, "identification")) {
        task.observed = scalar_text(member(*ident, "given")) == "observed";
        if (const json* ok = member(*ident, "identifiable"); ok && ok->is_boolean()) task.undetermined = !ok->get<bool>();
        if (const json* hidden = member(*ident, "hidden"); hidden && hidden->is_array()) {
          for (const auto& h : *hidden) {
            if (h.is_string()) task.hidden.push_back(h.get<std::string>());
          }
        }
        task.bounds = bounds_of(member(*ident, "bounds"));
      }
      pending_.push_back(std::move(task));
    }
    infos_.push_back(std::move(info));
    tick();
  }

 public:
  AuditReport finish() {
    end_file();
    flush();
    finish_counts();
    finish_answers();
    report_.yes_no = baselines("yes/no", [](const Info& i) { return is_yes_no(i.answer.kind) && !i.asks_number; }, true);
    report_.numeric = baselines("numeric", [](const Info& i) { return i.answer.kind == AnswerKind::numeric || i.asks_number; }, false);
    report_.interval = baselines("interval", [](const Info& i) { return i.answer.kind == AnswerKind::interval; }, false);
    finish_templates();
    if (options_.learners.enabled) {
      std::vector<LearnerRecord> records;
      for (auto& i : infos_) {
        if (i.learner) records.push_back(std::move(*i.learner));
      }
      LearnerOptions learners = options_.learners;
      learners.threads = threads_;
      report_.learned = learned_shortcuts(records, learners);
      report_.chance = learner_chance(records, report_.learned, learners, options_.chance_shuffles);
    }
    for (const auto& [structure, first] : structures_) {
      if (first.count > 1) report_.sharing_structure += first.count;
    }
    report_.distinct_structures = structures_.size();
    for (const auto& [structure, seen] : split_structures_) {  // sums only: the order does not matter
      if (seen.splits.size() > 1) report_.splits.leaked_records += seen.records;
    }
    for (auto& [split, n] : report_.splits.structures) n = split_distinct_[split];
    return std::move(report_);
  }

 private:
  AuditOptions options_;
  unsigned threads_;
  std::size_t block_;
  AuditReport report_;
  std::vector<Info> infos_;
  bool any_type_ = false;
  std::size_t since_flush_ = 0;

  std::map<std::string, std::map<std::string, std::size_t>> field_values_;
  std::map<std::string, std::size_t> field_present_;
  std::vector<std::string> knob_order_;
  std::map<std::string, KnobSpread> knobs_;
  std::map<std::string, double> knob_sums_;

  std::unordered_map<std::string, std::size_t> template_ids_;
  std::map<std::string, std::size_t> seen_of_type_;  ///< ordinals given so far in each type (Info::ordinal_in_type)
  /// (type, FNV-1a of the fold key) -> the ordinal of the key's first record.
  std::map<std::pair<std::string, std::uint64_t>, std::size_t> ordinal_of_key_;
  /// A text's first record (records without a structure, by the FNV-1a of their fold key).
  struct FirstText {
    std::size_t line = 0;
    std::string id;
    std::string answer;
  };
  std::unordered_map<std::uint64_t, FirstText> first_text_;  ///< looked up only
  std::vector<QuestionTemplate> templates_;
  std::unordered_map<std::string, std::size_t> procedure_ids_;
  std::vector<std::string> procedures_;

  std::unordered_map<std::string, FirstSeen> structures_;
  std::unordered_map<std::string, std::pair<std::string, FirstSeen>> variant_zero_;
  std::unordered_map<std::string, std::pair<std::size_t, std::string>> ids_;

  std::vector<Task> pending_;

  /// Per structure: the splits it is in (first seen first), its first record, its records.
  struct SplitSeen {
    std::vector<std::string> splits;
    std::size_t line = 0;
    std::string id;
    std::size_t records = 0;
  };
  std::unordered_map<std::string, SplitSeen> split_structures_;
  std::size_t offset_ = 0;          ///< lines of the files before the current one
  std::size_t last_line_ = 0;       ///< the last line seen, across files
  std::size_t entries_before_ = 0;  ///< report_.entries when the current file began
  std::string default_split_;       ///< the current file's split for records without one
  std::map<std::string, std::size_t> split_distinct_;  ///< split -> distinct structures

  /// Counts a record of `split`, and its structure in that split (SplitReport); a record without
  /// one, its text up to the names (`text_key`).
  void note_split(const std::string& split, const std::optional<std::string>& structure, std::optional<std::uint64_t> text_key,
                  std::size_t line, const std::string& id) {
    SplitReport& r = report_.splits;
    ++r.with_split;
    auto rec = std::find_if(r.records.begin(), r.records.end(), [&](const auto& e) { return e.first == split; });
    if (rec == r.records.end()) {
      r.records.emplace_back(split, 1);
      r.structures.emplace_back(split, 0);
    } else {
      ++rec->second;
    }
    if (!structure && !text_key) return;
    SplitSeen& seen = split_structures_[structure ? "structure " + *structure : fmt::format("text {:016x}", *text_key)];
    ++seen.records;
    if (seen.splits.empty()) {
      seen.line = line;
      seen.id = id;
    }
    if (std::find(seen.splits.begin(), seen.splits.end(), split) != seen.splits.end()) return;
    ++split_distinct_[split];
    seen.splits.push_back(split);
    if (seen.splits.size() == 2) {
      ++r.shared_structures;
      if (listed(r.shared.size())) {
        r.shared.push_back({structure.value_or(""), !structure, line, id, split, seen.line, seen.id, seen.splits.front()});
      }
    }
  }

  [[nodiscard]] bool listed(std::size_t size) const { return options_.max_listed == 0 || size < options_.max_listed; }

  /// The record's from-text verdict (TextDecidability), counted overall and under its type.
  void text_verdict(const json& j, const std::string& answer, const std::string& type, std::size_t line, const std::string& id) {
    std::string verdict;
    std::string detail;
    if (const json* identification = member(j, "identification"); identification != nullptr && identification->is_object()) {
      const json* identifiable = member(*identification, "identifiable");
      const json* from_text = member(*identification, "value_from_text");
      const json* from_text_bounds = member(*identification, "bounds_from_text");
      if (identifiable != nullptr && identifiable->is_boolean() && !identifiable->get<bool>() && from_text_bounds != nullptr &&
          answer != "undetermined") {
        // A question that asks for the bounds: decided when the bounds the shown numbers give are
        // the answer (an undetermined yes/no record may carry them too: it is counted below).
        const auto shown = bounds_of(from_text_bounds);
        const auto stated = try_parse_interval(answer);
        if (!shown || !stated) {
          verdict = "unreadable";
          detail = "no bounds_from_text.lower/upper, or an answer that is not an interval";
        } else {
          verdict = *stated == *shown ? "decided" : "flips";
          if (verdict == "flips") {
            detail = fmt::format("the shown numbers give {}, the answer is {}", interval_string(shown->first, shown->second), answer);
          }
        }
      } else if (identifiable != nullptr && identifiable->is_boolean() && !identifiable->get<bool>()) {
        verdict = "undetermined";
      } else if (from_text != nullptr) {
        const auto decision = scalar_text(member(j, "decision"));
        const auto fraction = scalar_text(from_text->is_object() ? member(*from_text, "fraction") : nullptr);
        try {
          if (!fraction) throw Error("no value_from_text.fraction");
          const Rational value = parse_rational(*fraction);
          const auto number = try_parse_rational(answer);
          if (!decision && !number) throw Error("no decision, and an answer that is not a number");
          // A yes/no record: the decision on the value; a numeric one: the value itself.
          const std::string reached = decision ? parse_decision(*decision).answer(value) : to_string(value);
          verdict = (decision ? reached == answer : *number == value) ? "decided" : "flips";
          if (verdict == "flips") detail = fmt::format("the shown numbers give {} ({}), the answer is {}", reached, *fraction, answer);
        } catch (const std::exception& e) {
          verdict = "unreadable";
          detail = e.what();
        }
      }
    } else if (const json* source = member(j, "source"); source != nullptr && source->is_object()) {
      if (auto v = scalar_text(member(*source, "text_verdict")); v && member(*source, "text_verdict")->is_string()) {
        verdict = *v;
        if (auto reason = scalar_text(member(*source, "text_reason")); reason && !reason->empty()) detail = *reason;
      }
    }
    if (verdict.empty()) return;
    auto& t = report_.from_text;
    ++t.records;
    ++t.all[verdict];
    ++t.by_type[type][verdict];
    if (verdict != "decided" && verdict != "undetermined" && verdict != "no_numbers") {
      ++t.not_decided;
      if (listed(t.not_decided_list.size())) t.not_decided_list.push_back({line, id, detail.empty() ? verdict : verdict + ": " + detail});
    }
  }

  void count(const std::string& field, const std::optional<std::string>& value) {
    if (!value) return;
    ++field_present_[field];
    ++field_values_[field][value->empty() ? std::string("(empty)") : *value];
  }

  void spread(const std::string& knob, double v) {
    auto [it, fresh] = knobs_.try_emplace(knob);
    KnobSpread& s = it->second;
    if (fresh) {
      knob_order_.push_back(knob);
      s.knob = knob;
      s.min = s.max = v;
    }
    ++s.records;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
    knob_sums_[knob] += v;
  }

  void tick() {
    if (++since_flush_ >= block_) flush();
  }

  /// Re-solves the pending rung records (on `threads_` threads) and reports progress.
  void flush() {
    since_flush_ = 0;
    std::vector<TaskResult> results(pending_.size());
    if (!pending_.empty()) {
      std::atomic<std::size_t> next{0};
      auto worker = [&] {
        for (std::size_t i = next++; i < pending_.size(); i = next++) {
          try {
            results[i] = verify(pending_[i]);
          } catch (const std::exception& e) {
            results[i] = {true, one_line(e.what()), {}, -1, {}};
          } catch (...) {
            results[i] = {true, "unknown error", {}, -1, {}};
          }
        }
      };
      const std::size_t n = std::min<std::size_t>(threads_, pending_.size());
      std::vector<std::thread> pool;
      for (std::size_t t = 1; t < n; ++t) pool.emplace_back(worker);
      worker();
      for (auto& t : pool) t.join();
    }
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      const Task& task = pending_[i];
      TaskResult& r = results[i];
      ++report_.checked;
      if (is_linear_json(task.model)) ++report_.checked_linear;
      if (r.stated == 1) {
        ++report_.stated_checked;
      } else if (r.stated == 0) {
        ++report_.stated_unchecked;
        if (listed(report_.stated_unchecked_list.size())) report_.stated_unchecked_list.push_back({task.line, task.id, r.unchecked});
      }
      if (r.failed) {
        ++report_.failed;
        if (listed(report_.failures.size())) report_.failures.push_back({task.line, task.id, std::move(r.error)});
      } else if (!r.mismatches.empty()) {
        ++report_.mismatched;
        std::set<std::string> fields;
        for (auto& m : r.mismatches) {
          fields.insert(m.field);
          if (listed(report_.mismatches.size())) report_.mismatches.push_back(std::move(m));
        }
        for (const auto& f : fields) ++report_.mismatched_fields[f];
      } else {
        ++report_.verified;
      }
    }
    pending_.clear();
    if (options_.progress) options_.progress({report_.entries, report_.checked});
  }

  void finish_counts() {
    for (const char* field : {"schema", "type", "rung", "query_type", "difficulty.level", "name_style", "graph_id"}) {
      auto it = field_values_.find(field);
      if (it == field_values_.end()) continue;
      FieldCounts fc;
      fc.field = field;
      std::vector<std::string> keys;
      for (const auto& [k, n] : it->second) keys.push_back(k);
      std::sort(keys.begin(), keys.end(), natural_less);
      for (const auto& k : keys) fc.values.emplace_back(k, it->second.at(k));
      const std::size_t missing = report_.records - field_present_[field];
      if (missing > 0) fc.values.emplace_back(std::string(kNone), missing);
      report_.counts.push_back(std::move(fc));
    }
    for (const auto& knob : knob_order_) {
      KnobSpread s = knobs_.at(knob);
      s.mean = knob_sums_.at(knob) / static_cast<double>(s.records);
      report_.difficulty.push_back(s);
    }
  }

  void finish_answers() {
    if (any_type_) {
      std::set<std::string> types;
      for (const auto& i : infos_) types.insert(i.type);
      report_.types.assign(types.begin(), types.end());
      std::sort(report_.types.begin(), report_.types.end(), natural_less);
    }
    for (const auto& i : infos_) {
      add_to(report_.answers, i.answer.kind);
      if (any_type_) add_to(report_.answers_by_type[i.type], i.answer.kind);
    }
  }

  void finish_templates() {
    report_.template_count = templates_.size();
    std::vector<std::size_t> order(templates_.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return templates_[a].records > templates_[b].records; });
    for (std::size_t k : order) {
      if (!listed(report_.top_templates.size())) break;
      report_.top_templates.push_back(templates_[k]);
    }
  }

  /// What the cross-validated baselines' descriptions add when there are several layouts of the
  /// folds (`--cv-repeats` above 1): "; N layouts of the folds as the learners', mean correct
  /// count rounded".
  [[nodiscard]] std::string layouts_note() const {
    const unsigned n = std::max(1U, options_.learners.repeats);
    return n > 1 ? fmt::format("; {} layouts of the folds as the learners', mean correct count rounded", n) : std::string{};
  }

  /// Scores `predictions` (aligned with `population`) as one baseline.
  Baseline score(std::string name, std::string description, const std::vector<const Info*>& population,
                 const std::vector<std::optional<std::string>>& predictions) const {
    Baseline b;
    b.name = std::move(name);
    b.description = std::move(description);
    for (std::size_t k = 0; k < population.size(); ++k) {
      const Info& i = *population[k];
      const bool right = predictions[k] && *predictions[k] == i.answer.text;
      if (!predictions[k]) ++b.undefined;
      ++b.all.total;
      b.all.correct += right ? 1 : 0;
      if (any_type_) {
        Accuracy& a = b.by_type[i.type];
        ++a.total;
        a.correct += right ? 1 : 0;
      }
    }
    return b;
  }

  static constexpr std::size_t kFolds = 5;
  static constexpr std::uint64_t kLayoutStream = 0x63766c61796f7574ULL;  // "cvlayout"

  /// The fold of each record of `pop` in each layout of the cross-validated baselines, by the
  /// learners' fold_layouts() (learners.hpp; as many layouts as LearnerOptions::repeats): the fold
  /// groups are Info::ordinal_in_type, which counts the records of one structure, or of one text
  /// up to the names, once; by position within the type, because a generated set cycles through
  /// its types and alternates each type's answers, so folds by position in the file, or two
  /// folds, line up with them.
  [[nodiscard]] std::vector<std::vector<std::size_t>> layouts_of(const std::vector<const Info*>& pop) const {
    std::map<std::string, std::size_t> type_number;  // the population's types, numbered in order
    for (const Info* i : pop) type_number.emplace(i->type, 0);
    std::size_t n = 0;
    for (auto& [type, number] : type_number) number = n++;
    std::vector<std::size_t> type, group;
    for (const Info* i : pop) {
      type.push_back(type_number.at(i->type));
      group.push_back(i->ordinal_in_type);
    }
    return fold_layouts(type, group, kFolds, options_.learners.repeats, options_.learners.seed ^ kLayoutStream);
  }

  /// Predicts each record of `pop` with the most common answer of its cell (`key`) among the
  /// records of the other folds (`fold_of`: each record's, one layout of layouts_of()). A cell unseen in
  /// the other folds gets the type's most common answer there.
  template <class Key>
  static void cross_validated_majority(const std::vector<const Info*>& pop, Key&& key, const std::vector<std::size_t>& fold_of,
                                       std::vector<std::optional<std::string>>& pred) {
    using Cell = std::decay_t<decltype(key(pop.front()))>;
    for (std::size_t fold = 0; fold < kFolds; ++fold) {
      std::map<Cell, std::map<std::string, std::size_t>> learned;
      std::map<std::string, std::map<std::string, std::size_t>> learned_type;
      for (std::size_t k = 0; k < pop.size(); ++k) {
        if (fold_of[k] == fold) continue;
        ++learned[key(pop[k])][pop[k]->answer.text];
        ++learned_type[pop[k]->type][pop[k]->answer.text];
      }
      for (std::size_t k = 0; k < pop.size(); ++k) {
        if (fold_of[k] != fold) continue;
        if (auto it = learned.find(key(pop[k])); it != learned.end()) {
          pred[k] = mode(it->second);
        } else if (auto t = learned_type.find(pop[k]->type); t != learned_type.end()) {
          pred[k] = mode(t->second);
        } else {
          pred[k].reset();
        }
      }
    }
  }

  /// The cross-validated lookup of `key` scored as one baseline: in each of layouts_of()'s
  /// layouts, the correct and undefined counts the mean over them, rounded (one layout: its own
  /// counts).
  template <class Key>
  Baseline cross_validated(const std::string& name, const std::string& description, const std::vector<const Info*>& pop,
                           Key&& key) const {
    const auto layouts = layouts_of(pop);
    std::vector<std::optional<std::string>> pred(pop.size());
    Baseline out;  // the first layout's, then the sums over all of them
    for (std::size_t l = 0; l < layouts.size(); ++l) {
      cross_validated_majority(pop, key, layouts[l], pred);
      Baseline b = score(name, description, pop, pred);
      if (l == 0) {
        out = std::move(b);
        continue;
      }
      out.all.correct += b.all.correct;
      out.undefined += b.undefined;
      for (const auto& [type, a] : b.by_type) out.by_type[type].correct += a.correct;
    }
    const std::size_t n = layouts.size();
    auto mean = [n](std::size_t total) { return (total + n / 2) / n; };
    out.all.correct = mean(out.all.correct);
    out.undefined = mean(out.undefined);
    for (auto& [type, a] : out.by_type) a.correct = mean(a.correct);
    return out;
  }

  /// `lookup`'s chance level, `<lookup>_chance`: what an in-sample lookup of `key`'s cells scores
  /// on the records' answers shuffled among the records of each type (Fisher-Yates from a fixed
  /// seed, so the figure is the same on every run), each cell predicted by its most common
  /// shuffled answer; the mean correct count of kChanceShuffles shuffles, rounded. A cell of a
  /// few records fits its own answers whatever they are, so an in-sample lookup over many small
  /// cells lies well above the majority even where the cells say nothing about the answer; the
  /// distance between the lookup and this row is what its cells do say.
  template <class Key>
  Baseline in_sample_chance(const std::string& lookup, const std::vector<const Info*>& pop, Key&& key) const {
    constexpr std::size_t kChanceShuffles = 20;
    // Each record's cell, numbered once (the cells do not change between shuffles).
    std::vector<std::size_t> cell_of(pop.size());
    {
      std::map<std::decay_t<decltype(key(pop.front()))>, std::size_t> number;
      for (std::size_t k = 0; k < pop.size(); ++k) cell_of[k] = number.emplace(key(pop[k]), number.size()).first->second;
    }
    const std::size_t cells = pop.empty() ? 0 : *std::max_element(cell_of.begin(), cell_of.end()) + 1;
    std::map<std::string, std::vector<std::size_t>> positions;  // type -> positions in pop
    for (std::size_t k = 0; k < pop.size(); ++k) positions[pop[k]->type].push_back(k);
    std::size_t all_correct = 0;
    std::map<std::string, std::size_t> type_correct;
    Rng rng(0x5eedc4a9ceULL);
    std::vector<const std::string*> answer(pop.size());
    for (std::size_t round = 0; round < kChanceShuffles; ++round) {
      for (const auto& [type, at] : positions) {
        std::vector<const std::string*> shuffled;
        for (std::size_t k : at) shuffled.push_back(&pop[k]->answer.text);
        for (std::size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[rng.below(i)]);
        for (std::size_t j = 0; j < at.size(); ++j) answer[at[j]] = shuffled[j];
      }
      std::vector<std::map<std::string, std::size_t>> counts(cells);
      for (std::size_t k = 0; k < pop.size(); ++k) ++counts[cell_of[k]][*answer[k]];
      std::vector<std::string> cell_mode;  // once a cell: a cell of numeric answers has many
      cell_mode.reserve(cells);
      for (const auto& c : counts) cell_mode.push_back(*mode(c));
      for (std::size_t k = 0; k < pop.size(); ++k) {
        if (cell_mode[cell_of[k]] != *answer[k]) continue;
        ++all_correct;
        ++type_correct[pop[k]->type];
      }
    }
    auto mean = [&](std::size_t sum) { return (sum + kChanceShuffles / 2) / kChanceShuffles; };
    Baseline b;
    b.name = lookup + "_chance";
    b.description = fmt::format("{} on the answers shuffled within each type (mean of {} shuffles): what its cells score by "
                                "chance; the lookup's distance above this row is what the cells tell",
                                lookup, kChanceShuffles);
    b.all = Accuracy{mean(all_correct), pop.size()};
    b.in_sample = true;
    if (any_type_) {
      for (const auto& [type, at] : positions) b.by_type[type] = Accuracy{mean(type_correct[type]), at.size()};
    }
    return b;
  }

  template <typename InPopulation>
  BaselineTable baselines(std::string name, InPopulation in_population, bool yes_no) const {
    BaselineTable table;
    table.population = std::move(name);
    std::vector<const Info*> pop;
    for (const auto& i : infos_) {
      if (in_population(i)) pop.push_back(&i);
    }
    table.records = pop.size();
    if (pop.empty()) return table;
    auto& out = table.baselines;
    std::vector<std::optional<std::string>> pred(pop.size());

    // Majority, overall and per type.
    std::map<std::string, std::size_t> all_counts;
    std::map<std::string, std::map<std::string, std::size_t>> type_counts;
    for (const Info* i : pop) {
      ++all_counts[i->answer.text];
      ++type_counts[i->type][i->answer.text];
    }
    std::map<std::string, std::string> type_mode;  // the most common answer of each type
    for (const auto& [type, counts] : type_counts) type_mode[type] = *mode(counts);
    const std::string majority = *mode(all_counts);
    std::fill(pred.begin(), pred.end(), majority);
    out.push_back(score("majority", fmt::format("always \"{}\", the most common answer", majority), pop, pred));
    if (any_type_) {
      std::vector<std::string> parts;
      for (const auto& type : report_.types) {
        auto it = type_mode.find(type);
        if (it != type_mode.end()) parts.push_back(fmt::format("{}: {}", type, it->second));
      }
      for (std::size_t k = 0; k < pop.size(); ++k) pred[k] = type_mode.at(pop[k]->type);
      out.push_back(score("majority_by_type",
                          fmt::format("the most common answer of the record's type ({})", fmt::join(parts, ", ")), pop, pred));
    }

    // The graph's shape: the most common answer of the record's graph and type, and of its graph,
    // type and whether the text names an unobserved variable (in-sample): what predicting
    // "undetermined" from the graph family and the query type alone achieves (issue #18).
    if (std::any_of(pop.begin(), pop.end(), [](const Info* i) { return !i->graph.empty(); })) {
      for (const bool with_unobserved : {false, true}) {
        std::map<std::string, std::map<std::string, std::size_t>> per_shape;
        auto shape = [&](const Info* i) { return i->graph + "|" + i->type + (with_unobserved && i->unobserved ? "|unobserved" : ""); };
        for (const Info* i : pop) ++per_shape[shape(i)][i->answer.text];
        for (std::size_t k = 0; k < pop.size(); ++k) pred[k] = *mode(per_shape.at(shape(pop[k])));
        out.push_back(score(with_unobserved ? "graph_shape_unobserved" : "graph_shape",
                            with_unobserved ? fmt::format("the most common answer of the record's graph_id, type and whether the text names "
                                                          "an unobserved variable ({} cells, in-sample)", per_shape.size())
                                            : fmt::format("the most common answer of the record's graph_id and type ({} cells, in-sample)",
                                                          per_shape.size()),
                            pop, pred));
        out.back().in_sample = true;
        out.push_back(in_sample_chance(out.back().name, pop, shape));
      }
      // The same (graph, type and whether a variable is unobserved), cross-validated: the
      // in-sample cells above are small, so their majorities fit noise.
      out.push_back(cross_validated("graph_shape_cv",
                                    fmt::format("graph_shape_unobserved, 5-fold cross-validated (the i-th record of a type is in "
                                                "fold i mod 5, records sharing a structure or a text up to the names counted "
                                                "once{}); a cell unseen in the other folds gets the type's most common answer there",
                                                layouts_note()),
                                    pop, [](const Info* i) { return i->graph + "|" + i->type + (i->unobserved ? "|unobserved" : ""); }));
    }

    // The statement's form: how many probabilities the text states and how many of them are
    // overall (unconditional) ones, with the type, cross-validated. Whether a question can be
    // decided must not show in how much is stated or whether P(X) is among it (issue #18).
    if (std::any_of(pop.begin(), pop.end(), [](const Info* i) { return !i->form.empty(); })) {
      out.push_back(cross_validated("statement_form_cv",
                                    "the most common answer of the record's type, number of stated probabilities and number of "
                                    "stated overall probabilities, 5-fold cross-validated as graph_shape_cv",
                                    pop, [](const Info* i) { return i->type + "|" + i->form; }));
    }

    // Negation parity.
    if (yes_no) {
      for (std::size_t k = 0; k < pop.size(); ++k) pred[k] = pop[k]->nots % 2 == 1 ? "yes" : "no";
      Baseline parity = score("negation_parity", "yes iff given_info has an odd number of the word \"not\"", pop, pred);
      for (std::size_t k = 0; k < pop.size(); ++k) pred[k] = pop[k]->nots % 2 == 1 ? "no" : "yes";
      Baseline inverse = score("negation_parity_inverse", "yes iff given_info has an even number of the word \"not\"", pop, pred);
      Baseline best;
      best.name = "negation_parity_best";
      best.description = "the better of negation_parity and its inverse, in each column";
      auto better = [](const Accuracy& a, const Accuracy& b) { return b.correct > a.correct ? b : a; };
      best.all = better(parity.all, inverse.all);
      for (const auto& [type, a] : parity.by_type) best.by_type[type] = better(a, inverse.by_type.at(type));
      out.push_back(std::move(parity));
      out.push_back(std::move(inverse));
      out.push_back(std::move(best));
    }

    // Path parity (features.hpp): the "not"s on the shortest stated paths from the settings to
    // the outcome; a record it abstains on gets its type's most common answer.
    if (yes_no && std::any_of(pop.begin(), pop.end(), [](const Info* i) { return i->path_parity.has_value(); })) {
      std::map<std::string, std::pair<std::size_t, std::size_t>> decided;  // type -> (decided, records)
      std::size_t decided_all = 0;
      std::size_t decided_right = 0;
      for (std::size_t k = 0; k < pop.size(); ++k) {
        const Info& i = *pop[k];
        auto& [d, n] = decided[i.type];
        ++n;
        if (i.path_parity) {
          pred[k] = *i.path_parity ? "yes" : "no";
          ++d;
          ++decided_all;
          decided_right += *pred[k] == i.answer.text ? 1 : 0;
        } else {
          pred[k] = type_mode.at(i.type);
        }
      }
      std::string coverage = fmt::format("decides {} of {} records, {} of them right", decided_all, pop.size(), decided_right);
      if (any_type_) {
        std::vector<std::string> parts;
        for (const auto& type : report_.types) {
          auto it = decided.find(type);
          if (it == decided.end() || it->second.first == 0) continue;
          parts.push_back(fmt::format("{} {}/{}", type, it->second.first, it->second.second));
        }
        coverage += fmt::format(" ({})", fmt::join(parts, ", "));
      }
      out.push_back(score("path_parity",
                          "follow the shortest stated causal paths from the question's set variables to its outcome (not "
                          "through a held variable) and count the \"not\"s on them: yes iff the value reaching the outcome is "
                          "1; abstains when none reaches it or the paths disagree, and an abstention gets the type's most "
                          "common answer; " + coverage,
                          pop, pred));
    }

    // Wording: the majority answer of the question's template, in-sample and cross-validated.
    {
      std::map<std::size_t, std::map<std::string, std::size_t>> per_template;
      for (const Info* i : pop) ++per_template[i->template_id][i->answer.text];
      std::map<std::size_t, std::string> template_mode;
      for (const auto& [t, counts] : per_template) template_mode[t] = *mode(counts);
      for (std::size_t k = 0; k < pop.size(); ++k) pred[k] = template_mode.at(pop[k]->template_id);
      out.push_back(score("wording",
                          fmt::format("the most common answer of the question's template ({} templates), learned on "
                                      "all records (in-sample)",
                                      per_template.size()),
                          pop, pred));
      out.back().in_sample = true;
      out.push_back(in_sample_chance("wording", pop, [](const Info* i) { return i->template_id; }));
      out.push_back(cross_validated("wording_cv",
                                    fmt::format("the same, 5-fold cross-validated (the i-th record of a type is in fold i mod 5, "
                                                "records sharing a structure or a text up to the names counted once{}); a "
                                                "template unseen in the other folds gets the type's most common answer there",
                                                layouts_note()),
                                    pop, [](const Info* i) { return i->template_id; }));
    }

    // Distractors: the answer a wrong procedure gives.
    std::vector<const Info*> with_distractors;
    for (const Info* i : pop) {
      if (i->has_distractors) with_distractors.push_back(i);
    }
    if (!with_distractors.empty()) {
      std::vector<std::size_t> order;
      if (auto f = procedure_ids_.find("factual"); f != procedure_ids_.end()) order.push_back(f->second);
      for (std::size_t p = 0; p < procedures_.size(); ++p) {
        if (procedures_[p] != "factual") order.push_back(p);
      }
      std::vector<std::optional<std::string>> dpred(with_distractors.size());
      for (std::size_t p : order) {
        bool present = false;
        for (std::size_t k = 0; k < with_distractors.size(); ++k) {
          dpred[k].reset();
          for (const auto& [proc, label] : with_distractors[k]->distractors) {
            if (proc != p) continue;
            present = true;
            dpred[k] = label;
          }
        }
        if (!present) continue;
        const bool factual = procedures_[p] == "factual";
        out.push_back(score(factual ? "factual" : "distractor:" + procedures_[p],
                            factual ? "the answer of the \"factual\" distractor (the outcome in the factual world, "
                                      "settings dropped)"
                                    : fmt::format("the answer of the \"{}\" distractor procedure", procedures_[p]),
                            with_distractors, dpred));
      }
    }

    auto raise = [&](int& best, std::size_t k) {
      if (out[k].all.total == 0) return;
      if (best < 0 || out[k].all.rate() > out[static_cast<std::size_t>(best)].all.rate()) best = static_cast<int>(k);
    };
    for (std::size_t k = 0; k < out.size(); ++k) {
      if (out[k].in_sample) continue;  // a reference (Baseline::in_sample), not a shortcut
      raise(table.max_shortcut, k);
      if (out[k].name.starts_with("majority") || out[k].name.starts_with("negation_parity") || out[k].name == "path_parity" ||
          out[k].name == "wording_cv") {
        raise(table.max_text_shortcut, k);
      }
    }
    return table;
  }
};

/// Feeds the elements of a JSON array (the whole text from its '[') to the auditor, each with
/// the line it starts on. Elements are parsed one by one, so one bad element costs only itself.
void read_array(const std::string& s, std::size_t first_line, Auditor& auditor) {
  std::size_t i = 0;
  std::size_t line = first_line;
  auto skip_space = [&] {
    while (i < s.size() && is_space(s[i])) {
      if (s[i] == '\n') ++line;
      ++i;
    }
  };
  skip_space();
  ++i;  // the '['
  bool closed = false;
  std::size_t elements = 0;
  while (true) {
    skip_space();
    if (i >= s.size()) break;
    if (s[i] == ']' && elements == 0) {
      ++i;
      closed = true;
      break;
    }
    const std::size_t start = i;
    const std::size_t start_line = line;
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      if (c == '\n') ++line;
      if (in_string) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '[' || c == '{') {
        ++depth;
      } else if (c == ']' || c == '}') {
        if (depth == 0 && c == ']') break;
        if (depth > 0) --depth;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    ++elements;
    const std::string_view element = trim(std::string_view(s).substr(start, i - start));
    if (element.empty()) {
      auditor.malformed(start_line, "empty array element");
    } else {
      auditor.add(start_line, element);
    }
    if (i >= s.size()) break;
    if (s[i] == ']') {
      ++i;
      closed = true;
      break;
    }
    ++i;  // the ','
  }
  if (!closed) {
    auditor.malformed(line, "the JSON array is not closed (no final ']')");
    return;
  }
  skip_space();
  if (i < s.size()) auditor.malformed(line, "unexpected content after the JSON array's closing ']'");
}

}  // namespace

std::size_t count_not(std::string_view text) {
  std::size_t n = 0;
  for_each_word(text, [&](std::string_view word, bool) {
    if (word.size() == 3 && lower(word) == "not") ++n;
  });
  return n;
}

std::string question_template(std::string_view question, const std::vector<std::string>& names) {
  const std::set<std::string, std::less<>> known(names.begin(), names.end());
  std::map<std::string, std::size_t, std::less<>> numbers;
  std::string out;
  // The name rule without a names list is for_each_run's (features.hpp), shared with the learners.
  for_each_run(question, [&](std::string_view run, bool word, bool heuristic_name) {
    if (!word) {
      out += run;
      return;
    }
    const bool name = names.empty() ? heuristic_name : known.contains(run);
    if (std::all_of(run.begin(), run.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      out += "{n}";  // a value, not wording
      return;
    }
    if (!name) {
      out += run;
      return;
    }
    auto [it, fresh] = numbers.try_emplace(std::string(run), numbers.size() + 1);
    out += fmt::format("{{{}}}", it->second);
  });
  return out;
}

AuditReport audit_dataset(std::istream& in, const AuditOptions& options) {
  return audit_datasets({AuditInput{&in, options.file}}, options);
}

std::string split_of_file(const std::string& file) {
  std::filesystem::path p(file);
  if (p.extension() == ".gz") p = p.stem();
  return p.stem().string();
}

AuditReport audit_datasets(const std::vector<AuditInput>& inputs, const AuditOptions& options) {
  Auditor auditor(options);
  for (const AuditInput& input : inputs) {
    auditor.begin_file(input.file, inputs.size() > 1 ? split_of_file(input.file) : std::string());
    read_json_lines(
        *input.in, input.file.empty() ? "dataset" : input.file,
        [&](std::size_t number, std::string_view content) { auditor.add(number, content); },
        [&](std::size_t number, std::string&& text) { read_array(text, number, auditor); });
  }
  return auditor.finish();
}

std::pair<std::string, std::size_t> locate(const AuditReport& r, std::size_t line) {
  if (r.sources.size() < 2) return {std::string(), line};
  // The last file that starts before `line` (files without lines start where the next does).
  auto it = std::upper_bound(r.sources.begin(), r.sources.end(), line,
                             [](std::size_t l, const AuditSource& s) { return l <= s.offset; });
  if (it == r.sources.begin()) return {std::string(), line};
  --it;
  return {it->file, line - it->offset};
}

// ---- the text report ------------------------------------------------------------------------

namespace {

/// `line 3 (id x)`; in a multi-file audit `train.jsonl line 3 (id x)`.
std::string where(const AuditReport& r, std::size_t line, const std::string& id) {
  const auto [file, local] = locate(r, line);
  const std::string at = file.empty() ? fmt::format("line {}", local) : fmt::format("{} line {}", file, local);
  return id.empty() ? at : fmt::format("{} (id {})", at, id);
}

void more(std::string& out, std::size_t total, std::size_t shown, int indent) {
  if (total > shown) out += fmt::format("{:{}}... and {} more\n", "", indent, total - shown);
}

void text_baselines(std::string& out, const AuditReport& r, const BaselineTable& t) {
  out += fmt::format("\nShortcut baselines on the {} {} records (accuracy = correct/records)\n", t.records, t.population);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{"baseline", "all"};
  for (const auto& type : r.types) header.push_back(type);
  rows.push_back(header);
  for (const auto& b : t.baselines) {
    std::vector<std::string> row{b.name, accuracy_cell(b.all)};
    for (const auto& type : r.types) {
      auto it = b.by_type.find(type);
      row.push_back(it == b.by_type.end() ? "-" : accuracy_cell(it->second));
    }
    rows.push_back(std::move(row));
  }
  out += aligned_table(rows, "l");
  auto line = [&](std::string_view label, int index) {
    if (index < 0) return;
    const Baseline& m = t.baselines[static_cast<std::size_t>(index)];
    out += fmt::format("  {}: {} {}/{} ({})\n", label, m.name, m.all.correct, m.all.total, percent(m.all.rate()));
  };
  line("max shortcut", t.max_shortcut);
  line("max text-only shortcut (no solver, wording cross-validated)", t.max_text_shortcut);
  out += '\n';
  std::vector<std::vector<std::string>> legend;
  for (const auto& b : t.baselines) {
    std::string d = b.description;
    if (b.undefined > 0) d += fmt::format("; undefined for {} records, counted wrong", b.undefined);
    legend.push_back({b.name + ":", d});
  }
  out += aligned_table(legend, "ll");
}

}  // namespace

namespace {

/// How the records were re-solved: "enumeration" for discrete records, "linear: parallel worlds"
/// for linear-Gaussian ones, both joined by "; " when there are both; "" when none was.
std::string verification_methods(const AuditReport& r) {
  const std::size_t discrete = r.checked - r.checked_linear;
  if (discrete > 0 && r.checked_linear > 0) return "enumeration; linear: parallel worlds";
  if (r.checked_linear > 0) return "linear: parallel worlds";
  if (discrete > 0) return "enumeration";
  return "";
}

}  // namespace

std::string to_text(const AuditReport& r) {
  std::string out = r.file.empty() ? std::string("Dataset audit\n") : fmt::format("Dataset audit: {}\n", r.file);
  std::vector<std::string> schemas;
  for (const auto& fc : r.counts) {
    if (fc.field != "schema") continue;
    for (const auto& [schema, n] : fc.values) schemas.push_back(fmt::format("{} {}", n, schema));
  }
  out += fmt::format("  {} records{}, {} malformed\n", r.records,
                     schemas.empty() ? std::string() : fmt::format(" ({})", fmt::join(schemas, ", ")), r.malformed_count);
  if (r.malformed_count > 0) {
    out += fmt::format("\nMalformed: {}\n", r.malformed_count);
    for (const auto& m : r.malformed) out += fmt::format("  {}: {}\n", where(r, m.line, ""), m.message);
    more(out, r.malformed_count, r.malformed.size(), 2);
  }
  if (r.records == 0) return out;

  out += "\nCounts\n";
  bool first = true;
  for (const auto& fc : r.counts) {
    // A field with many values (generated graph ids) shows its most common ones; JSON has all.
    std::vector<std::size_t> shown(fc.values.size());
    for (std::size_t k = 0; k < shown.size(); ++k) shown[k] = k;
    if (shown.size() > kMaxCountRows) {
      std::stable_sort(shown.begin(), shown.end(),
                       [&](std::size_t a, std::size_t b) { return fc.values[a].second > fc.values[b].second; });
      shown.resize(kMaxCountRows);
      std::sort(shown.begin(), shown.end());
    }
    std::vector<std::vector<std::string>> rows{{fc.field, "records", "%"}};
    std::size_t covered = 0;
    for (std::size_t k : shown) {
      const auto& [value, n] = fc.values[k];
      covered += n;
      rows.push_back({value, std::to_string(n), percent(static_cast<double>(n) / static_cast<double>(r.records))});
    }
    if (!first) out += '\n';
    first = false;
    out += aligned_table(rows, "lrr");
    if (shown.size() < fc.values.size()) {
      out += fmt::format("  ... and {} more values ({} records); the {} most common are shown\n",
                         fc.values.size() - shown.size(), r.records - covered, shown.size());
    }
  }
  if (!r.difficulty.empty()) {
    out += "\nDifficulty knobs\n";
    std::vector<std::vector<std::string>> rows{{"knob", "records", "min", "mean", "max"}};
    for (const auto& k : r.difficulty) {
      rows.push_back({k.knob, std::to_string(k.records), fmt::format("{:g}", k.min), fmt::format("{:.2f}", k.mean),
                      fmt::format("{:g}", k.max)});
    }
    out += aligned_table(rows, "lrrrr");
  }

  out += "\nAnswers\n";
  {
    const AnswerBalance& a = r.answers;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header{"type", "records", "yes", "no"};
    if (a.undetermined > 0) header.emplace_back("undetermined");
    if (a.numeric > 0) header.emplace_back("numeric");
    if (a.interval > 0) header.emplace_back("interval");
    if (a.other > 0) header.emplace_back("other");
    header.emplace_back("yes share");
    rows.push_back(header);
    auto row = [&](const std::string& name, const AnswerBalance& b) {
      std::vector<std::string> cells{name, std::to_string(b.records), std::to_string(b.yes), std::to_string(b.no)};
      if (a.undetermined > 0) cells.push_back(std::to_string(b.undetermined));
      if (a.numeric > 0) cells.push_back(std::to_string(b.numeric));
      if (a.interval > 0) cells.push_back(std::to_string(b.interval));
      if (a.other > 0) cells.push_back(std::to_string(b.other));
      cells.push_back(b.yes + b.no == 0 ? "-" : percent(b.yes_share()));
      rows.push_back(std::move(cells));
    };
    row("all", a);
    for (const auto& type : r.types) row(type, r.answers_by_type.at(type));
    out += aligned_table(rows, "l");
  }

  if (r.yes_no.records > 0) text_baselines(out, r, r.yes_no);
  if (r.numeric.records > 0) text_baselines(out, r, r.numeric);
  if (r.interval.records > 0) text_baselines(out, r, r.interval);
  out += to_text(r.learned);
  if (r.chance.shuffles > 0) out += "\n" + to_text(r.chance);

  out += fmt::format("\nQuestion templates: {} distinct over {} records\n", r.template_count, r.records);
  {
    bool other = false;
    for (const auto& t : r.top_templates) other = other || t.answers.yes + t.answers.no < t.answers.records;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header{"records", "yes", "no"};
    if (other) header.emplace_back("other");
    header.emplace_back("template");
    rows.push_back(header);
    for (const auto& t : r.top_templates) {
      std::vector<std::string> cells{std::to_string(t.records), std::to_string(t.answers.yes), std::to_string(t.answers.no)};
      if (other) cells.push_back(std::to_string(t.answers.records - t.answers.yes - t.answers.no));
      cells.push_back(one_line(t.text));
      rows.push_back(std::move(cells));
    }
    out += aligned_table(rows, other ? "rrrrl" : "rrrl");
    more(out, r.template_count, r.top_templates.size(), 2);
  }

  out += "\nDecidable from the text (the answer from the numbers the text shows, rounded)\n";
  if (r.from_text.records == 0) {
    out += "  no record carries identification.value_from_text (rung generate, --given observed) or source.text_verdict (rung import)\n";
  } else {
    // Columns: the verdicts seen, the usual ones first.
    std::vector<std::string> verdicts;
    for (const char* v : {"decided", "undetermined", "no_numbers", "may_flip", "flips"}) {
      if (r.from_text.all.count(v) != 0) verdicts.emplace_back(v);
    }
    for (const auto& [v, n] : r.from_text.all) {
      if (std::find(verdicts.begin(), verdicts.end(), v) == verdicts.end()) verdicts.push_back(v);
    }
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head{"type", "records"};
    head.insert(head.end(), verdicts.begin(), verdicts.end());
    rows.push_back(head);
    auto row = [&](const std::string& type, const std::map<std::string, std::size_t>& counts) {
      std::size_t all = 0;
      for (const auto& [v, n] : counts) all += n;
      std::vector<std::string> cells{type, std::to_string(all)};
      for (const auto& v : verdicts) cells.push_back(std::to_string(counts.count(v) != 0 ? counts.at(v) : 0));
      rows.push_back(std::move(cells));
    };
    row("all", r.from_text.all);
    for (const auto& [type, counts] : r.from_text.by_type) row(type, counts);
    out += aligned_table(rows, "l" + std::string(rows[0].size() - 1, 'r'));
    out += fmt::format("  not decided by the shown numbers: {} of {}\n", r.from_text.not_decided, r.from_text.records);
    for (const auto& f : r.from_text.not_decided_list) out += fmt::format("    {}: {}\n", where(r, f.line, f.id), f.message);
    more(out, r.from_text.not_decided, r.from_text.not_decided_list.size(), 4);
  }

  out += "\nStructures\n";
  if (r.with_structure < r.records) {
    out += fmt::format("  records without a structure repeating an earlier one's text up to the names: {} ({} answered otherwise)\n",
                       r.text_repeats, r.text_conflicts);
    for (const auto& d : r.text_conflict_list) {
      out += fmt::format("    {} repeats {} with another answer\n", where(r, d.line, d.id), where(r, d.first_line, d.first_id));
    }
    more(out, r.text_conflicts, r.text_conflict_list.size(), 4);
  }
  if (r.with_structure == 0) {
    out += "  no record has a \"structure\" field\n";
  } else {
    out += fmt::format("  {} records with a structure, {} distinct, {} sharing one with another record\n", r.with_structure,
                       r.distinct_structures, r.sharing_structure);
    out += fmt::format("  repeats of an earlier structure: {} expected (declared name variants), {} unexpected\n",
                       r.expected_repeats, r.unexpected_repeats);
    for (const auto& d : r.unexpected) out += fmt::format("    {} repeats {}\n", where(r, d.line, d.id), where(r, d.first_line, d.first_id));
    more(out, r.unexpected_repeats, r.unexpected.size(), 4);
    out += fmt::format("  name variants whose structure differs from variant 0's: {}\n", r.variant_mismatches);
    for (const auto& d : r.variant_mismatch_list) {
      out += fmt::format("    {} differs from {}\n", where(r, d.line, d.id), where(r, d.first_line, d.first_id));
    }
    more(out, r.variant_mismatches, r.variant_mismatch_list.size(), 4);
  }
  out += fmt::format("  records repeating an earlier id: {}\n", r.duplicate_id_count);
  for (const auto& d : r.duplicate_ids) out += fmt::format("    {} repeats {}\n", where(r, d.line, d.id), where(r, d.first_line, ""));
  more(out, r.duplicate_id_count, r.duplicate_ids.size(), 4);

  if (r.splits.with_split > 0) {
    const SplitReport& sp = r.splits;
    out += "\nSplits (structures shared across splits leak the test set)\n";
    std::vector<std::vector<std::string>> rows{{"split", "records", "structures"}};
    for (std::size_t i = 0; i < sp.records.size(); ++i) {
      rows.push_back({sp.records[i].first, std::to_string(sp.records[i].second), std::to_string(sp.structures[i].second)});
    }
    out += aligned_table(rows, "lrr");
    if (sp.with_split < r.records) out += fmt::format("  records without a split: {}\n", r.records - sp.with_split);
    out += fmt::format("  structures in more than one split: {} ({} records)\n", sp.shared_structures, sp.leaked_records);
    for (const auto& o : sp.shared) {
      const std::string what = o.by_text ? std::string("its text up to the names") : "structure " + o.structure;
      out += fmt::format("    {} in {} shares {} with {} in {}\n", where(r, o.line, o.id), o.split, what, where(r, o.first_line, o.first_id),
                         o.first_split);
    }
    more(out, sp.shared_structures, sp.shared.size(), 4);
  }

  const std::string methods = verification_methods(r);
  out += methods.empty() ? std::string("\nRe-verification\n") : fmt::format("\nRe-verification ({})\n", methods);
  if (!r.verification_enabled) {
    out += "  off\n";
  } else if (r.checked == 0) {
    out += "  no rung records (with \"formal_query\" and \"model\") to re-solve\n";
  } else {
    out += fmt::format("  {} rung records: {} verified, {} mismatched, {} failed\n", r.checked, r.verified, r.mismatched,
                       r.failed);
    if (r.mismatched > 0) {
      std::vector<std::string> fields;
      for (const auto& [f, n] : r.mismatched_fields) fields.push_back(fmt::format("{} {}", f, n));
      out += fmt::format("  mismatches by field: {}\n", fmt::join(fields, ", "));
      for (const auto& m : r.mismatches) {
        out += fmt::format("    {}: {} stored {}, recomputed {}\n", where(r, m.line, m.id), m.field, m.stored, m.recomputed);
      }
    }
    for (const auto& f : r.failures) out += fmt::format("    {}: failed: {}\n", where(r, f.line, f.id), f.message);
    more(out, r.failed, r.failures.size(), 4);
    out += fmt::format("  stated model (given_info against model): {} compared, {} not checked\n", r.stated_checked,
                       r.stated_unchecked);
    for (const auto& f : r.stated_unchecked_list) out += fmt::format("    {}: not checked: {}\n", where(r, f.line, f.id), f.message);
    more(out, r.stated_unchecked, r.stated_unchecked_list.size(), 4);
  }
  return out;
}

// ---- the JSON report --------------------------------------------------------------------------

namespace {

ordered_json json_of(const Accuracy& a) {
  ordered_json j;
  j["correct"] = a.correct;
  j["total"] = a.total;
  j["accuracy"] = a.rate();
  return j;
}

ordered_json json_of(const AnswerBalance& b) {
  ordered_json j;
  j["records"] = b.records;
  j["yes"] = b.yes;
  j["no"] = b.no;
  j["undetermined"] = b.undetermined;
  j["numeric"] = b.numeric;
  j["interval"] = b.interval;
  j["other"] = b.other;
  j["yes_share"] = b.yes_share();
  return j;
}

/// Sets `line` (and `file` first, in a multi-file audit) of a listed record; `prefix` "first_"
/// for the earlier record of a pair.
void put_line(ordered_json& j, const AuditReport& r, std::size_t line, const std::string& prefix = "") {
  const auto [file, local] = locate(r, line);
  if (!file.empty()) j[prefix + "file"] = file;
  j[prefix + "line"] = local;
}

ordered_json json_of(const DuplicateRecord& d, const AuditReport& r) {
  ordered_json j;
  put_line(j, r, d.line);
  j["id"] = d.id;
  put_line(j, r, d.first_line, "first_");
  j["first_id"] = d.first_id;
  return j;
}

ordered_json json_of(const BaselineTable& t, const std::vector<std::string>& types) {
  ordered_json j;
  j["population"] = t.population;
  j["records"] = t.records;
  ordered_json list = ordered_json::array();
  for (const auto& b : t.baselines) {
    ordered_json e;
    e["name"] = b.name;
    e["description"] = b.description;
    e["all"] = json_of(b.all);
    ordered_json by_type = ordered_json::object();
    for (const auto& type : types) {
      if (auto it = b.by_type.find(type); it != b.by_type.end()) by_type[type] = json_of(it->second);
    }
    e["by_type"] = std::move(by_type);
    e["undefined"] = b.undefined;
    e["in_sample"] = b.in_sample;
    list.push_back(std::move(e));
  }
  j["baselines"] = std::move(list);
  for (const auto& [key, index] : {std::pair<const char*, int>{"max_shortcut", t.max_shortcut},
                                   std::pair<const char*, int>{"max_text_shortcut", t.max_text_shortcut}}) {
    if (index < 0) {
      j[key] = nullptr;
      continue;
    }
    const Baseline& m = t.baselines[static_cast<std::size_t>(index)];
    ordered_json e;
    e["name"] = m.name;
    e.update(json_of(m.all));
    j[key] = std::move(e);
  }
  return j;
}

template <typename T, typename F>
ordered_json listing(std::size_t count, const std::vector<T>& items, F&& each) {
  ordered_json j;
  j["count"] = count;
  ordered_json list = ordered_json::array();
  for (const auto& item : items) list.push_back(each(item));
  j["listed"] = std::move(list);
  return j;
}

}  // namespace

ordered_json to_json(const AuditReport& r) {
  ordered_json j;
  j["file"] = r.file;
  if (r.sources.size() > 1) {  // a multi-file audit: each file, the split its records default to
    ordered_json files = ordered_json::array();
    for (const auto& f : r.sources) files.push_back({{"file", f.file}, {"split", f.split}, {"entries", f.entries}});
    j["files"] = std::move(files);
  }
  j["entries"] = r.entries;
  j["records"] = r.records;
  j["malformed"] = listing(r.malformed_count, r.malformed, [&r](const MalformedRecord& m) {
    ordered_json e;
    put_line(e, r, m.line);
    e["message"] = m.message;
    return e;
  });

  ordered_json counts = ordered_json::object();
  for (const auto& fc : r.counts) {
    ordered_json values = ordered_json::object();
    for (const auto& [value, n] : fc.values) values[value] = n;
    counts[fc.field] = std::move(values);
  }
  j["counts"] = std::move(counts);
  ordered_json difficulty = ordered_json::object();
  for (const auto& k : r.difficulty) {
    ordered_json e;
    e["records"] = k.records;
    e["min"] = k.min;
    e["mean"] = k.mean;
    e["max"] = k.max;
    difficulty[k.knob] = std::move(e);
  }
  j["difficulty"] = std::move(difficulty);

  j["types"] = r.types;
  ordered_json answers;
  answers["all"] = json_of(r.answers);
  ordered_json by_type = ordered_json::object();
  for (const auto& type : r.types) by_type[type] = json_of(r.answers_by_type.at(type));
  answers["by_type"] = std::move(by_type);
  j["answers"] = std::move(answers);

  ordered_json baselines = ordered_json::array();
  for (const BaselineTable* t : {&r.yes_no, &r.numeric, &r.interval}) {
    if (t->records > 0) baselines.push_back(json_of(*t, r.types));
  }
  j["baselines"] = std::move(baselines);
  j["learned_shortcuts"] = to_json(r.learned);
  if (r.chance.shuffles > 0) j["learner_chance"] = to_json(r.chance);

  ordered_json templates;
  templates["distinct"] = r.template_count;
  ordered_json top = ordered_json::array();
  for (const auto& t : r.top_templates) {
    ordered_json e;
    e["template"] = t.text;
    e["records"] = t.records;
    e["answers"] = json_of(t.answers);
    top.push_back(std::move(e));
  }
  templates["top"] = std::move(top);
  j["templates"] = std::move(templates);

  ordered_json structures;
  structures["with_structure"] = r.with_structure;
  structures["distinct"] = r.distinct_structures;
  structures["sharing"] = r.sharing_structure;
  structures["expected_repeats"] = r.expected_repeats;
  structures["unexpected_repeats"] = listing(r.unexpected_repeats, r.unexpected, [&r](const DuplicateRecord& d) { return json_of(d, r); });
  structures["variant_mismatches"] =
      listing(r.variant_mismatches, r.variant_mismatch_list, [&r](const DuplicateRecord& d) { return json_of(d, r); });
  structures["text_repeats"] = r.text_repeats;
  structures["text_conflicts"] =
      listing(r.text_conflicts, r.text_conflict_list, [&r](const DuplicateRecord& d) { return json_of(d, r); });
  structures["duplicate_ids"] = listing(r.duplicate_id_count, r.duplicate_ids, [&r](const DuplicateRecord& d) { return json_of(d, r); });
  j["structures"] = std::move(structures);
  if (r.splits.with_split > 0) {
    const SplitReport& sp = r.splits;
    ordered_json splits;
    splits["with_split"] = sp.with_split;
    ordered_json by_split = ordered_json::object();
    for (std::size_t i = 0; i < sp.records.size(); ++i) {
      by_split[sp.records[i].first] = {{"records", sp.records[i].second}, {"structures", sp.structures[i].second}};
    }
    splits["by_split"] = std::move(by_split);
    splits["leaked_records"] = sp.leaked_records;
    splits["shared_structures"] = listing(sp.shared_structures, sp.shared, [&r](const SplitOverlap& o) {
      ordered_json e;
      if (o.by_text) {
        e["by_text"] = true;  // no structure: the text up to the variable names
      } else {
        e["structure"] = o.structure;
      }
      put_line(e, r, o.line);
      e["id"] = o.id;
      e["split"] = o.split;
      put_line(e, r, o.first_line, "first_");
      e["first_id"] = o.first_id;
      e["first_split"] = o.first_split;
      return e;
    });
    j["splits"] = std::move(splits);
  }

  ordered_json from_text;
  from_text["records"] = r.from_text.records;
  from_text["all"] = r.from_text.all;
  from_text["by_type"] = r.from_text.by_type;
  from_text["not_decided"] = listing(r.from_text.not_decided, r.from_text.not_decided_list, [&r](const VerifyFailure& f) {
    ordered_json e;
    put_line(e, r, f.line);
    e["id"] = f.id;
    e["verdict"] = f.message;
    return e;
  });
  j["decidable_from_text"] = std::move(from_text);

  ordered_json verification;
  verification["enabled"] = r.verification_enabled;
  const std::string methods = verification_methods(r);
  verification["method"] = methods.empty() ? std::string("enumeration") : methods;
  verification["checked"] = r.checked;
  verification["checked_linear"] = r.checked_linear;
  verification["verified"] = r.verified;
  ordered_json fields = ordered_json::object();
  for (const auto& [f, n] : r.mismatched_fields) fields[f] = n;
  ordered_json mismatched = listing(r.mismatched, r.mismatches, [&r](const Mismatch& m) {
    ordered_json e;
    put_line(e, r, m.line);
    e["id"] = m.id;
    e["field"] = m.field;
    e["stored"] = m.stored;
    e["recomputed"] = m.recomputed;
    return e;
  });
  mismatched["by_field"] = std::move(fields);
  verification["mismatched"] = std::move(mismatched);
  // A record that could not be checked: its line, id and the message under `key`.
  const auto failure_entry = [&r](const char* key) {
    return [key, &r](const VerifyFailure& f) {
      ordered_json e;
      put_line(e, r, f.line);
      e["id"] = f.id;
      e[key] = f.message;
      return e;
    };
  };
  verification["failed"] = listing(r.failed, r.failures, failure_entry("message"));
  ordered_json stated;
  stated["checked"] = r.stated_checked;
  stated["not_checked"] = listing(r.stated_unchecked, r.stated_unchecked_list, failure_entry("reason"));
  verification["stated_model"] = std::move(stated);
  j["verification"] = std::move(verification);
  return j;
}

}  // namespace rung
