#include "rung/check/checker.hpp"

#include "rung/core/json.hpp"
#include "rung/core/text.hpp"
#include "rung/io/json_fields.hpp"
#include "rung/io/json_line.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <istream>
#include <iterator>
#include <unordered_map>

namespace rung {

using json = rung::ordered_json;

namespace {

constexpr std::string_view kNone = "(none)";

/// "yes"/"no"/"undetermined" (any case), a reduced fraction or an interval "[a, b]" of reduced
/// fractions; nullopt for anything else.
std::optional<std::string> label_of(std::string_view text) {
  const std::string l = lower(trim(text));
  if (l == "yes" || l == "no" || l == "undetermined") return l;
  if (auto r = try_parse_rational(trim(text))) return to_string(*r);
  if (auto i = try_parse_interval(text)) return interval_string(i->first, i->second);
  return std::nullopt;
}

std::string percent(double rate) { return fmt::format("{:.1f}%", 100.0 * rate); }

bool within(const Rational& a, const Rational& b, const Rational& tolerance) {
  const Rational d = a - b;
  return (d < 0 ? Rational(-d) : d) <= tolerance;
}

}  // namespace

// ---- gold items -----------------------------------------------------------------------------------

GoldItem gold_item(const json& record) {
  if (!record.is_object())
    throw Error(fmt::format("not a record: expected a JSON object, found {}", record.type_name()));
  GoldItem item;
  const json* id = member(record, "id");
  if (id == nullptr) id = member(record, "question_id");
  auto id_text = scalar_text(id);
  if (!id_text || id_text->empty()) throw Error("no \"id\" (or \"question_id\"): a string or an integer");
  item.id = *id_text;

  const json* answer = member(record, "answer");
  auto answer_text = scalar_text(answer);
  if (!answer_text) throw Error(fmt::format("record {}: no \"answer\" (a string)", item.id));
  auto label = label_of(*answer_text);
  if (!label) {
    throw Error(fmt::format("record {}: answer '{}' is neither yes, no, undetermined, a number nor an interval [a, b]",
                            item.id, one_line(*answer_text)));
  }
  item.answer = *label;
  if (auto i = try_parse_interval(item.answer)) {
    item.kind = AnswerKind::interval;
    item.value = i->first;
    item.upper = i->second;
  } else if (item.answer != "yes" && item.answer != "no" && item.answer != "undetermined") {
    item.kind = AnswerKind::numeric;
    item.value = parse_rational(item.answer);
  } else if (item.answer == "undetermined" && asks_for_number(record)) {
    // A question that asks for a number and cannot be decided (the ladder preset's --given
    // observed): a number in the response is a wrong answer, e.g. the assume_identifiable value.
    item.kind = AnswerKind::numeric;
  }

  if (const json* ds = member(record, "distractors"); ds != nullptr && ds->is_object()) {
    for (const auto& [procedure, entry] : ds->items()) {
      GoldItem::Distractor d;
      d.procedure = procedure;
      if (auto a = scalar_text(member(entry, "answer"))) d.answer = label_of(*a);
      if (item.kind == AnswerKind::interval && d.answer) {
        // A procedure's answer to an interval question: an interval, or a single number.
        if (auto i = try_parse_interval(*d.answer)) {
          d.value = i->first;
          d.upper = i->second;
        } else {
          d.value = try_parse_rational(*d.answer);
        }
      }
      if (item.kind == AnswerKind::numeric) {
        // The exact value, from value.fraction (or a bare value string), else from the answer.
        const json* v = member(entry, "value");
        const json* fraction = v != nullptr && v->is_string() ? v : (v != nullptr ? member(*v, "fraction") : nullptr);
        if (auto f = scalar_text(fraction)) {
          if (auto r = try_parse_rational(trim(*f))) d.value = *r;
        }
        if (!d.value && d.answer) d.value = try_parse_rational(*d.answer);
        if (d.value) d.answer = to_string(*d.value);
      }
      item.distractors.push_back(std::move(d));
    }
  }

  auto group = [&](const char* field, const json* v) {
    if (auto text = scalar_text(v)) item.groups.emplace_back(field, text->empty() ? std::string("(empty)") : *text);
  };
  auto top_or_meta = [&](const char* key) -> const json* {
    if (const json* v = member(record, key)) return v;
    if (const json* meta = member(record, "meta")) return member(*meta, key);
    return nullptr;
  };
  group("type", member(record, "type"));
  group("rung", top_or_meta("rung"));
  group("query_type", top_or_meta("query_type"));
  const json* difficulty = member(record, "difficulty");
  group("difficulty.level", difficulty != nullptr ? member(*difficulty, "level") : nullptr);
  return item;
}

// ---- verdicts -------------------------------------------------------------------------------------

std::string_view to_string(Outcome o) noexcept {
  switch (o) {
    case Outcome::correct: return "correct";
    case Outcome::wrong: return "wrong";
    case Outcome::unanswered: return "unanswered";
  }
  return "unanswered";
}

Checker::Checker(CheckOptions options) : options_(std::move(options)) {
  if (options_.tolerance < 0) throw UsageError(fmt::format("tolerance {} is negative", to_string(options_.tolerance)));
}

Verdict Checker::check(const GoldItem& item, std::string_view response) const {
  Verdict v;
  v.extracted = extract_answer(response, item.kind);
  const ExtractedAnswer& a = v.extracted;
  if (item.kind == AnswerKind::yes_no) {
    if (a.commitment == Commitment::undetermined) {
      if (item.answer == "undetermined") {
        v.outcome = Outcome::correct;
        v.exact = true;
        return v;
      }
      for (const auto& d : item.distractors) {
        if (d.answer == "undetermined") v.matched.push_back(d.procedure);
      }
      return v;  // unanswered
    }
    if (a.commitment != Commitment::yes && a.commitment != Commitment::no) return v;
    const std::string said(to_string(a.commitment));
    if (said == item.answer) {
      v.outcome = Outcome::correct;
      v.exact = true;
      return v;
    }
    v.outcome = Outcome::wrong;
    for (const auto& d : item.distractors) {
      if (d.answer == said) v.matched.push_back(d.procedure);
    }
    return v;
  }
  if (item.kind == AnswerKind::interval) {
    if (a.commitment == Commitment::undetermined) {
      for (const auto& d : item.distractors) {
        if (d.answer == "undetermined") v.matched.push_back(d.procedure);
      }
      return v;  // unanswered
    }
    if (!a.value || !item.value || !item.upper) return v;
    if (a.commitment == Commitment::interval && a.upper) {
      if (within(*a.value, *item.value, options_.tolerance) && within(*a.upper, *item.upper, options_.tolerance)) {
        v.outcome = Outcome::correct;
        v.exact = *a.value == *item.value && *a.upper == *item.upper;
        return v;
      }
    } else if (a.commitment != Commitment::number) {
      return v;
    }
    // A wrong interval, or a single number where an interval is asked.
    v.outcome = Outcome::wrong;
    for (const auto& d : item.distractors) {
      if (!d.value || d.upper.has_value() != a.upper.has_value()) continue;
      if (within(*a.value, *d.value, options_.tolerance) && (!a.upper || within(*a.upper, *d.upper, options_.tolerance))) {
        v.matched.push_back(d.procedure);
      }
    }
    return v;
  }
  // numeric (gold a number, or undetermined: item.value is empty)
  if (a.commitment == Commitment::undetermined) {
    if (!item.value && item.answer == "undetermined") v.outcome = Outcome::correct;  // (not a number: not "exact")
    return v;
  }
  if (a.commitment != Commitment::number || !a.value) return v;
  if (!item.value && item.answer != "undetermined") return v;
  if (item.value && within(*a.value, *item.value, options_.tolerance)) {
    v.outcome = Outcome::correct;
    v.exact = *a.value == *item.value;
    return v;
  }
  v.outcome = Outcome::wrong;
  for (const auto& d : item.distractors) {
    if (d.value && within(*a.value, *d.value, options_.tolerance)) v.matched.push_back(d.procedure);
  }
  return v;
}

// ---- scores ---------------------------------------------------------------------------------------

Interval wilson_interval(std::size_t successes, std::size_t trials, double z) {
  if (trials == 0) return {};
  return wilson_interval_of_share(static_cast<double>(std::min(successes, trials)) / static_cast<double>(trials), trials, z);
}

Interval wilson_interval_of_share(double p, std::size_t trials, double z) {
  if (trials == 0) return {};
  const double n = static_cast<double>(trials);
  const double z2 = z * z;
  const double denominator = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denominator;
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

void Score::add(Outcome o) noexcept {
  ++items;
  switch (o) {
    case Outcome::correct: ++correct; break;
    case Outcome::wrong: ++wrong; break;
    case Outcome::unanswered: ++unanswered; break;
  }
}

double Score::accuracy() const noexcept {
  return items == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(items);
}

Interval Score::interval() const { return wilson_interval(correct, items); }

// ---- reading the files ----------------------------------------------------------------------------

namespace {

/// Calls `entry(line, where, object)` for each entry of a JSON-lines file or JSON array (`where`
/// is "element K: " for the K-th element of an array, from 1, else empty; `line` is where the
/// line or the array starts); `bad(line, message)` for an entry or array that does not parse.
template <typename Entry, typename Bad>
void read_entries(std::istream& in, const std::string& file, Entry&& entry, Bad&& bad) {
  read_json_lines(
      in, file,
      [&](std::size_t line, std::string_view text) {
        json j;
        try {
          j = json::parse(text);
        } catch (const json::exception& e) {
          bad(line, "invalid JSON: " + json_message(e));
          return;
        }
        entry(line, std::string(), j);
      },
      [&](std::size_t line, std::string&& text) {
        json array;
        try {
          array = json::parse(text);
        } catch (const json::exception& e) {
          bad(line, "invalid JSON array: " + json_message(e));
          return;
        }
        std::size_t element = 0;
        for (const auto& e : array) entry(line, fmt::format("element {}: ", ++element), e);
      });
}

struct Record {
  std::size_t line = 0;
  GoldItem item;
};

struct Response {
  std::size_t line = 0;
  std::string text;
  bool used = false;
};

class Scorer {
 public:
  explicit Scorer(const CheckOptions& options) : checker_(options), options_(options) {
    report_.dataset_file = options.dataset_file;
    report_.responses_file = options.responses_file;
    report_.tolerance = options.tolerance;
    report_.max_listed = options.max_listed;
  }

  void read_dataset(std::istream& in) {
    const std::string file = name(report_.dataset_file, "dataset");
    read_entries(
        in, file,
        [&](std::size_t line, const std::string& where, const json& j) {
          GoldItem item;
          try {
            item = gold_item(j);
          } catch (const Error& e) {
            malformed(file, line, where + one_line(e.what()));
            return;
          }
          ++report_.records;
          if (auto [it, fresh] = record_index_.try_emplace(item.id, records_.size()); !fresh) {
            duplicate(file, line, item.id,
                      fmt::format("repeats the id of line {} (ignored)", records_[it->second].line));
            return;
          }
          records_.push_back({line, std::move(item)});
        },
        [&](std::size_t line, const std::string& message) { malformed(file, line, message); });
  }

  void read_responses(std::istream& in) {
    const std::string file = name(report_.responses_file, "responses");
    read_entries(
        in, file,
        [&](std::size_t line, const std::string& where, const json& j) {
          if (!j.is_object()) {
            malformed(file, line, where + fmt::format("expected a JSON object, found {}", j.type_name()));
            return;
          }
          auto id = response_id(j);
          if (!id || id->empty()) {
            malformed(file, line, where + "no id (\"id\", \"custom_id\", \"question_id\" or \"doc.id\")");
            return;
          }
          auto response = response_text(j);
          // No text found: a failed request (unanswered) or a field of the wrong type (malformed).
          if (!response || response->empty()) {
            if (auto problem = response_shape_problem(j)) {
              malformed(file, line, where + fmt::format("id {}: {}", one_line(*id), *problem));
              return;
            }
          }
          if (!response) {
            malformed(file, line,
                      where + fmt::format("id {}: no response text (\"response\", \"output\", "
                                          "\"completion\", ...; see docs/checking.md)",
                                          one_line(*id)));
            return;
          }
          ++report_.responses;
          auto [it, fresh] = responses_.try_emplace(*id, Response{line, std::move(*response), false});
          if (!fresh) {
            duplicate(file, line, *id, fmt::format("repeats the id of line {} (ignored)", it->second.line));
            return;
          }
          response_order_.push_back(*id);
        },
        [&](std::size_t line, const std::string& message) { malformed(file, line, message); });
  }

  CheckReport score() {
    std::vector<std::string> procedures;
    std::unordered_map<std::string, std::size_t> procedure_index;
    std::map<std::string, std::map<std::string, Score>> groups;
    std::vector<std::string> group_fields;
    for (const Record& r : records_) {
      auto it = responses_.find(r.item.id);
      if (it == responses_.end()) {
        ++report_.missing_count;
        if (listed(report_.missing.size())) {
          report_.missing.push_back({name(report_.dataset_file, "dataset"), r.line, r.item.id, "no response"});
        }
        continue;
      }
      it->second.used = true;
      ItemVerdict iv;
      iv.id = r.item.id;
      iv.line = r.line;
      iv.response_line = it->second.line;
      iv.answer = r.item.answer;
      iv.verdict = checker_.check(r.item, it->second.text);
      const Verdict& v = iv.verdict;

      report_.all.add(v.outcome);
      const bool numeric = r.item.kind != AnswerKind::yes_no;
      ++(numeric ? report_.numeric_items : report_.yes_no_items);
      if (numeric && v.exact) ++report_.exact;
      ++report_.extracted[std::string(to_string(v.extracted.commitment))];
      for (const auto& [field, value] : r.item.groups) {
        if (std::find(group_fields.begin(), group_fields.end(), field) == group_fields.end())
          group_fields.push_back(field);
        groups[field][value].add(v.outcome);
      }
      // Diagnosis.
      for (const auto& d : r.item.distractors) {
        auto [pit, fresh] = procedure_index.try_emplace(d.procedure, procedures.size());
        if (fresh) {
          procedures.push_back(d.procedure);
          report_.mistakes.push_back({d.procedure, 0, 0, 0, 0});
        }
        Mistake& m = report_.mistakes[pit->second];
        const bool matched = std::find(v.matched.begin(), v.matched.end(), d.procedure) != v.matched.end();
        const bool trap = trap_of(r.item, d);
        if (trap) ++m.traps;
        if (v.outcome == Outcome::wrong && matched) {
          ++m.matched;
          if (trap) ++m.fell;
        }
        if (v.outcome == Outcome::unanswered && matched) ++m.declined;
      }
      if (v.outcome == Outcome::wrong && v.matched.empty()) ++report_.wrong_unmatched;
      report_.items.push_back(std::move(iv));
    }
    for (const auto& id : response_order_) {
      const Response& resp = responses_.at(id);
      if (resp.used) continue;
      ++report_.unknown_count;
      if (listed(report_.unknown.size())) {
        report_.unknown.push_back({name(report_.responses_file, "responses"), resp.line, id, "no record with this id"});
      }
    }
    // Group tables: fields in a fixed order, values in natural order, "(none)" last.
    for (const char* field : {"type", "rung", "query_type", "difficulty.level"}) {
      auto git = groups.find(field);
      if (git == groups.end()) continue;
      GroupScores g;
      g.field = field;
      std::vector<std::string> keys;
      Score with;
      for (const auto& [value, s] : git->second) {
        keys.push_back(value);
        with.items += s.items;
      }
      std::sort(keys.begin(), keys.end(), natural_less);
      for (const auto& k : keys) g.values.emplace_back(k, git->second.at(k));
      if (with.items < report_.all.items) {
        // Items without the field: the rest of the total.
        Score none;
        for (const auto& item : report_.items) {
          const auto& gs = record_groups(item.id);
          const bool has = std::any_of(gs.begin(), gs.end(), [&](const auto& p) { return p.first == field; });
          if (!has) none.add(item.verdict.outcome);
        }
        g.values.emplace_back(std::string(kNone), none);
      }
      report_.groups.push_back(std::move(g));
    }
    return std::move(report_);
  }

 private:
  Checker checker_;
  CheckOptions options_;
  CheckReport report_;
  std::vector<Record> records_;
  std::unordered_map<std::string, std::size_t> record_index_;
  std::unordered_map<std::string, Response> responses_;
  std::vector<std::string> response_order_;

  static std::string name(const std::string& file, const char* fallback) { return file.empty() ? fallback : file; }

  [[nodiscard]] bool listed(std::size_t size) const { return options_.max_listed == 0 || size < options_.max_listed; }

  void malformed(const std::string& file, std::size_t line, std::string message) {
    ++report_.malformed_count;
    if (listed(report_.malformed.size())) report_.malformed.push_back({file, line, "", std::move(message)});
  }

  void duplicate(const std::string& file, std::size_t line, const std::string& id, std::string message) {
    ++report_.duplicate_count;
    if (listed(report_.duplicates.size())) report_.duplicates.push_back({file, line, id, std::move(message)});
  }

  const std::vector<std::pair<std::string, std::string>>& record_groups(const std::string& id) const {
    return records_[record_index_.at(id)].item.groups;
  }

  /// The procedure commits to an answer other than the gold one.
  [[nodiscard]] bool trap_of(const GoldItem& item, const GoldItem::Distractor& d) const {
    if (item.kind == AnswerKind::numeric) {
      if (!item.value) return d.value.has_value();  // the gold is undetermined: any number is a trap
      return d.value && !within(*d.value, *item.value, options_.tolerance);
    }
    if (item.kind == AnswerKind::interval) {
      // A point, or an interval other than the gold one.
      return d.value && item.value && item.upper &&
             (!d.upper || !within(*d.value, *item.value, options_.tolerance) || !within(*d.upper, *item.upper, options_.tolerance));
    }
    return d.answer && (*d.answer == "yes" || *d.answer == "no") && *d.answer != item.answer;
  }
};

}  // namespace

CheckReport check_responses(std::istream& dataset, std::istream& responses, const CheckOptions& options) {
  Scorer scorer(options);
  scorer.read_dataset(dataset);
  scorer.read_responses(responses);
  return scorer.score();
}

// ---- the responses file ---------------------------------------------------------------------------

std::optional<std::string> response_id(const json& entry) {
  for (const char* key : {"id", "custom_id", "question_id"}) {
    if (auto v = scalar_text(member(entry, key))) return v;
  }
  if (const json* doc = member(entry, "doc")) {
    for (const char* key : {"id", "question_id"}) {
      if (auto v = scalar_text(member(*doc, key))) return v;
    }
  }
  return std::nullopt;
}

namespace {

/// The text of a chat message's `content`: a string, or the "text" blocks of a list.
std::optional<std::string> content_text(const json* content) {
  if (content == nullptr) return std::nullopt;
  if (content->is_string()) return content->get<std::string>();
  if (!content->is_array()) return std::nullopt;
  std::string out;
  bool any = false;
  for (const auto& block : *content) {
    if (block.is_string()) {
      out += block.get<std::string>();
      any = true;
    } else if (auto t = scalar_text(member(block, "text")); t && member(block, "text")->is_string()) {
      // Anthropic: [{"type": "text", "text": ...}]; thinking blocks have no "text"
      if (!out.empty()) out += '\n';
      out += *t;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return out;
}

/// `choices[0].message.content` or `choices[0].text` (OpenAI chat and completion objects).
std::optional<std::string> choices_text(const json* choices) {
  if (choices == nullptr || !choices->is_array() || choices->empty()) return std::nullopt;
  const json& first = (*choices)[0];
  if (const json* message = member(first, "message")) {
    if (auto t = content_text(member(*message, "content"))) return t;
  }
  if (const json* text = member(first, "text"); text != nullptr && text->is_string()) return text->get<std::string>();
  return std::nullopt;
}

/// A string, or the first string of a (nested) list: lm-eval-harness `filtered_resps` /
/// `resps`, vLLM-style lists.
std::optional<std::string> first_string(const json* v) {
  for (int depth = 0; v != nullptr && depth < 3; ++depth) {
    if (v->is_string()) return v->get<std::string>();
    if (!v->is_array() || v->empty()) return std::nullopt;
    v = &(*v)[0];
  }
  return std::nullopt;
}

/// "a number", "a string", ... for messages.
std::string kind_of(const json& v) {
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "a list";
  return "null";
}

/// The problem with a message `content` at `path` (null or absent is no problem: no text).
std::optional<std::string> content_problem(const json* content, const std::string& path) {
  if (content == nullptr || content->is_null() || content->is_string()) return std::nullopt;
  if (!content->is_array()) return fmt::format("{} is {}; expected a string or a list of text blocks", path, kind_of(*content));
  for (std::size_t k = 0; k < content->size(); ++k) {
    const json& block = (*content)[k];
    if (block.is_string()) continue;
    if (!block.is_object()) return fmt::format("{}[{}] is {}; expected a text block", path, k, kind_of(block));
    if (const json* text = member(block, "text"); text != nullptr && !text->is_string()) {
      return fmt::format("{}[{}].text is {}; expected a string", path, k, kind_of(*text));
    }
  }
  return std::nullopt;
}

/// The problem with OpenAI `choices` at `path`.
std::optional<std::string> choices_problem(const json* choices, const std::string& path) {
  if (choices == nullptr || choices->is_null()) return std::nullopt;
  if (!choices->is_array()) return fmt::format("{} is {}; expected a list of choices", path, kind_of(*choices));
  if (choices->empty()) return std::nullopt;  // no choice: no text (unanswered)
  const json& first = (*choices)[0];
  if (!first.is_object()) return fmt::format("{}[0] is {}; expected an object", path, kind_of(first));
  if (const json* message = member(first, "message"); message != nullptr && !message->is_null()) {
    if (!message->is_object()) return fmt::format("{}[0].message is {}; expected an object", path, kind_of(*message));
    return content_problem(member(*message, "content"), path + "[0].message.content");
  }
  if (const json* text = member(first, "text"); text != nullptr && !text->is_null() && !text->is_string()) {
    return fmt::format("{}[0].text is {}; expected a string", path, kind_of(*text));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> response_shape_problem(const json& entry) {
  if (!entry.is_object()) return std::nullopt;
  if (auto it = entry.find("response"); it != entry.end() && it->is_object()) {
    const json* body = member(*it, "body");
    if (body != nullptr && !body->is_null() && !body->is_object()) {
      return fmt::format("response.body is {}; expected an object", kind_of(*body));
    }
    const json& holder = body != nullptr && body->is_object() ? *body : *it;
    const std::string path = body != nullptr && body->is_object() ? "response.body" : "response";
    if (auto p = choices_problem(member(holder, "choices"), path + ".choices")) return p;
    return content_problem(member(holder, "content"), path + ".content");
  }
  if (auto p = choices_problem(member(entry, "choices"), "choices")) return p;
  if (const json* result = member(entry, "result"); result != nullptr && result->is_object()) {
    if (const json* message = member(*result, "message"); message != nullptr && !message->is_null()) {
      if (!message->is_object()) return fmt::format("result.message is {}; expected an object", kind_of(*message));
      return content_problem(member(*message, "content"), "result.message.content");
    }
  }
  return content_problem(member(entry, "content"), "content");
}

std::optional<std::string> response_text(const json& entry) {
  if (!entry.is_object()) return std::nullopt;
  // A field that is present and null is a request that failed: an empty response.
  if (auto it = entry.find("response"); it != entry.end()) {
    if (it->is_null()) return std::string();
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object()) {
      // OpenAI Batch API: {"custom_id": ..., "response": {"body": {"choices": [...]}}}
      const json* body = member(*it, "body");
      if (auto t = choices_text(body != nullptr ? member(*body, "choices") : member(*it, "choices"))) return t;
      if (auto t = content_text(body != nullptr ? member(*body, "content") : member(*it, "content"))) return t;
      return std::string();
    }
  }
  for (const char* key :
       {"output", "completion", "prediction", "generation", "model_output", "model_answer", "model_response", "text"}) {
    if (auto it = entry.find(key); it != entry.end()) {
      if (it->is_null()) return std::string();
      if (auto t = first_string(&*it)) return t;
    }
  }
  if (auto t = choices_text(member(entry, "choices"))) return t;
  // Anthropic Message Batches: {"custom_id": ..., "result": {"type": "succeeded", "message": {...}}}
  if (const json* result = member(entry, "result"); result != nullptr && result->is_object()) {
    if (const json* message = member(*result, "message")) {
      if (auto t = content_text(member(*message, "content"))) return t;
    }
    return std::string();  // errored, canceled or expired: no text
  }
  if (auto t = content_text(member(entry, "content"))) return t;
  for (const char* key : {"filtered_resps", "resps", "outputs"}) {
    const json* v = member(entry, key);
    if (v != nullptr && v->is_array() && !v->empty() && (*v)[0].is_object()) {
      if (auto t = scalar_text(member((*v)[0], "text"))) return t;  // vLLM: outputs[0].text
    }
    if (auto t = first_string(v)) return t;
  }
  return std::nullopt;
}

// ---- the text report ------------------------------------------------------------------------------

namespace {

std::string interval_cell(const Score& s) {
  if (s.items == 0) return "-";
  const Interval i = s.interval();
  return fmt::format("[{}, {}]", percent(i.low), percent(i.high));
}

std::vector<std::string> score_row(std::string label, const Score& s) {
  return {std::move(label),        std::to_string(s.items),      std::to_string(s.correct),
          std::to_string(s.wrong), std::to_string(s.unanswered), s.items == 0 ? "-" : percent(s.accuracy()),
          interval_cell(s)};
}

std::string tolerance_text(const Rational& t) {
  if (t == 0) return "0 (exact match only)";
  const std::string fraction = to_string(t);
  const std::string decimal = to_decimal(t, 12);
  return fraction == decimal ? fraction : fmt::format("{} ({})", fraction, decimal);
}

std::string listing_more(std::size_t total, std::size_t shown) {
  return total > shown ? fmt::format("  ... and {} more\n", total - shown) : std::string();
}

void problems(std::string& out, const char* title, std::size_t count, const std::vector<CheckProblem>& list) {
  if (count == 0) return;
  out += fmt::format("\n{}: {}\n", title, count);
  for (const auto& p : list) {
    out += fmt::format("  {}:{}: {}{}\n", p.file, p.line, p.id.empty() ? "" : fmt::format("id {}: ", p.id), p.message);
  }
  out += listing_more(count, list.size());
}

}  // namespace

std::string to_text(const CheckReport& r) {
  std::string out;
  const std::string dataset = r.dataset_file.empty() ? "dataset" : r.dataset_file;
  const std::string responses = r.responses_file.empty() ? "responses" : r.responses_file;
  out += fmt::format("Check: {} against {}\n", responses, dataset);
  out += fmt::format("  {} records, {} responses, {} scored ({} yes/no, {} numeric)\n", r.records, r.responses,
                     r.all.items, r.yes_no_items, r.numeric_items);  // numeric: numbers and intervals
  out += fmt::format(
      "  {} malformed lines, {} records without a response, {} responses without a record, {} "
      "repeated ids\n",
      r.malformed_count, r.missing_count, r.unknown_count, r.duplicate_count);
  if (r.numeric_items > 0) {
    std::size_t numeric_correct = 0;
    for (const auto& i : r.items) {
      const Commitment c = i.verdict.extracted.commitment;
      if (i.verdict.outcome == Outcome::correct && (c == Commitment::number || c == Commitment::interval)) ++numeric_correct;
    }
    out += fmt::format("  numeric answers (and both ends of an interval) are correct within {} of the exact value; {} of the {} correct are exact\n",
                       tolerance_text(r.tolerance), r.exact, numeric_correct);
  }

  out += "\nAccuracy (unanswered counts as not correct; 95% Wilson score interval)\n";
  std::vector<std::vector<std::string>> rows{
      {"group", "items", "correct", "wrong", "unanswered", "accuracy", "95% interval"}};
  rows.push_back(score_row("all", r.all));
  for (const auto& g : r.groups) {
    for (const auto& [value, s] : g.values) rows.push_back(score_row(fmt::format("{} = {}", g.field, value), s));
  }
  out += aligned_table(rows, "lrrrrrl");

  std::vector<std::string> said;
  for (const char* key : {"yes", "no", "number", "undetermined", "none"}) {
    auto it = r.extracted.find(key);
    if (it == r.extracted.end()) continue;
    said.push_back(fmt::format("{} {}", key, it->second));
  }
  if (said.empty()) {
    out += "\nAnswers found in the responses: none (no response matched a dataset record)\n";
  } else {
    out += fmt::format("\nAnswers found in the responses: {}\n", fmt::join(said, ", "));
  }

  out += fmt::format("\nMistakes: {} wrong answers\n", r.all.wrong);
  if (r.mistakes.empty()) {
    out += "  the records have no distractors to compare with\n";
  } else if (r.all.wrong > 0 ||
             std::any_of(r.mistakes.begin(), r.mistakes.end(), [](const Mistake& m) { return m.declined > 0; })) {
    const bool declined =
        std::any_of(r.mistakes.begin(), r.mistakes.end(), [](const Mistake& m) { return m.declined > 0; });
    std::vector<std::vector<std::string>> mrows;
    std::vector<std::string> header{"procedure", "matched", "% of wrong", "traps", "fell in", "trap rate"};
    if (declined) header.emplace_back("declined");
    mrows.push_back(header);
    for (const auto& m : r.mistakes) {
      std::vector<std::string> row{
          m.procedure,
          std::to_string(m.matched),
          r.all.wrong == 0 ? "-" : percent(static_cast<double>(m.matched) / static_cast<double>(r.all.wrong)),
          std::to_string(m.traps),
          std::to_string(m.fell),
          m.traps == 0 ? "-" : percent(static_cast<double>(m.fell) / static_cast<double>(m.traps))};
      if (declined) row.push_back(std::to_string(m.declined));
      mrows.push_back(std::move(row));
    }
    mrows.push_back(
        {"(none)", std::to_string(r.wrong_unmatched),
         r.all.wrong == 0 ? "-" : percent(static_cast<double>(r.wrong_unmatched) / static_cast<double>(r.all.wrong))});
    out += aligned_table(mrows, "lrrrrrr");
    const Mistake* top = nullptr;
    for (const auto& m : r.mistakes) {
      if (top == nullptr || m.matched > top->matched) top = &m;
    }
    if (top != nullptr && top->matched > 0) {
      out += fmt::format("  {} of the wrong answers equal the {} answer.\n",
                         percent(static_cast<double>(top->matched) / static_cast<double>(r.all.wrong)), top->procedure);
    }
    out +=
        "  matched: wrong answers equal to the procedure's answer (one answer can equal several);\n"
        "  traps: items where the procedure's answer is not the gold one; fell in: wrong answers there equal to it.\n";
    if (declined)
      out += "  declined: \"cannot be determined\" responses where the procedure's answer is undetermined.\n";
  }

  auto list_items = [&](const char* title, Outcome outcome, std::size_t total) {
    if (total == 0) return;
    std::vector<std::vector<std::string>> irows{{"id", "line", "gold", "answer", "matches", "evidence"}};
    std::size_t shown = 0;
    for (const auto& i : r.items) {
      if (i.verdict.outcome != outcome) continue;
      if (r.max_listed != 0 && shown >= r.max_listed) break;
      ++shown;
      std::string matches;
      for (const auto& m : i.verdict.matched) matches += (matches.empty() ? "" : ",") + m;
      irows.push_back({one_line(i.id), std::to_string(i.line), i.answer, to_string(i.verdict.extracted),
                       matches.empty() ? "-" : matches,
                       i.verdict.extracted.evidence.empty() ? "-" : "\"" + i.verdict.extracted.evidence + "\""});
    }
    out += fmt::format("\n{} ({} of {})\n", title, shown, total);
    out += aligned_table(irows, "lrllll");
  };
  list_items("Wrong answers", Outcome::wrong, r.all.wrong);
  list_items("Unanswered", Outcome::unanswered, r.all.unanswered);

  problems(out, "Malformed lines", r.malformed_count, r.malformed);
  problems(out, "Records without a response", r.missing_count, r.missing);
  problems(out, "Responses without a record", r.unknown_count, r.unknown);
  problems(out, "Repeated ids", r.duplicate_count, r.duplicates);
  return out;
}

// ---- the JSON report ------------------------------------------------------------------------------

namespace {

json json_of(const Score& s) {
  json j;
  j["items"] = s.items;
  j["correct"] = s.correct;
  j["wrong"] = s.wrong;
  j["unanswered"] = s.unanswered;
  if (s.items == 0) {
    j["accuracy"] = nullptr;
    j["interval"] = nullptr;
  } else {
    j["accuracy"] = s.accuracy();
    const Interval i = s.interval();
    j["interval"] = {i.low, i.high};
  }
  return j;
}

json json_of(const std::vector<CheckProblem>& list, std::size_t count) {
  json j;
  j["count"] = count;
  json items = json::array();
  for (const auto& p : list) {
    json e;
    e["file"] = p.file;
    e["line"] = p.line;
    e["id"] = p.id;
    e["message"] = p.message;
    items.push_back(std::move(e));
  }
  j["listed"] = std::move(items);
  return j;
}

}  // namespace

json to_json(const CheckReport& r) {
  json j;
  j["dataset"] = r.dataset_file;
  j["responses"] = r.responses_file;
  j["tolerance"] = {{"fraction", to_string(r.tolerance)}, {"decimal", to_decimal(r.tolerance, 12)}};
  j["records"] = r.records;
  j["responses_read"] = r.responses;
  j["scored"] = r.all.items;
  j["yes_no_items"] = r.yes_no_items;
  j["numeric_items"] = r.numeric_items;
  j["numeric_exact"] = r.exact;
  j["all"] = json_of(r.all);
  json groups = json::object();
  for (const auto& g : r.groups) {
    json values = json::object();
    for (const auto& [value, s] : g.values) values[value] = json_of(s);
    groups[g.field] = std::move(values);
  }
  j["groups"] = std::move(groups);
  json extracted = json::object();
  for (const char* key : {"yes", "no", "number", "undetermined", "none"}) {
    auto it = r.extracted.find(key);
    extracted[key] = it == r.extracted.end() ? 0 : it->second;
  }
  j["extracted"] = std::move(extracted);
  json mistakes = json::array();
  for (const auto& m : r.mistakes) {
    json e;
    e["procedure"] = m.procedure;
    e["matched"] = m.matched;
    e["share_of_wrong"] =
        r.all.wrong == 0 ? json(nullptr) : json(static_cast<double>(m.matched) / static_cast<double>(r.all.wrong));
    e["traps"] = m.traps;
    e["fell"] = m.fell;
    e["trap_rate"] = m.traps == 0 ? json(nullptr) : json(static_cast<double>(m.fell) / static_cast<double>(m.traps));
    e["declined"] = m.declined;
    mistakes.push_back(std::move(e));
  }
  j["mistakes"] = {{"wrong", r.all.wrong}, {"unmatched", r.wrong_unmatched}, {"procedures", std::move(mistakes)}};
  j["malformed"] = json_of(r.malformed, r.malformed_count);
  j["missing_responses"] = json_of(r.missing, r.missing_count);
  j["unknown_responses"] = json_of(r.unknown, r.unknown_count);
  j["repeated_ids"] = json_of(r.duplicates, r.duplicate_count);
  json items = json::array();
  for (const auto& i : r.items) {
    json e;
    e["id"] = i.id;
    e["line"] = i.line;
    e["response_line"] = i.response_line;
    e["gold"] = i.answer;
    e["outcome"] = to_string(i.verdict.outcome);
    e["extracted"] = to_string(i.verdict.extracted);
    e["commitment"] = to_string(i.verdict.extracted.commitment);
    e["strength"] = to_string(i.verdict.extracted.strength);
    e["approximate"] = i.verdict.extracted.approximate;
    e["exact"] = i.verdict.exact;
    e["evidence"] = i.verdict.extracted.evidence;
    e["matched"] = i.verdict.matched;
    items.push_back(std::move(e));
  }
  j["items"] = std::move(items);
  return j;
}

}  // namespace rung
