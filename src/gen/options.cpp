#include "rung/gen/options.hpp"

#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/core/rational.hpp"
#include "rung/gen/cladder.hpp"
#include "rung/gen/ladder.hpp"
#include "rung/gen/linear.hpp"
#include "rung/gen/mechanism_kinds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>

namespace rung {

namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw UsageError(message);
}

const std::vector<std::string> kCounterbenchTypes = {"basic", "joint", "nested", "conditional"};

const std::vector<std::string>& types_of(const std::string& preset) {
  if (preset == "cladder") {
    // The default types, then those asked for by name only (--types).
    static const std::vector<std::string> kAll = [] {
      std::vector<std::string> all = cladder_query_types();
      all.insert(all.end(), bounds_types().begin(), bounds_types().end());
      return all;
    }();
    return kAll;
  }
  if (preset == "ladder") return ladder_query_types();
  if (preset == "linear") return linear_query_types();
  return kCounterbenchTypes;
}

/// The part of validate() about --mechanisms: what each preset takes.
void validate_mechanisms(const GeneratorOptions& o) {
  const auto& mechanisms = o.mechanisms;
  auto has = [&](std::string_view kind) { return std::find(mechanisms.begin(), mechanisms.end(), kind) != mechanisms.end(); };
  const std::string given = fmt::format("{}", fmt::join(mechanisms, ","));
  if (o.preset == "cladder") {
    for (const auto& m : mechanisms) {
      require(m == "and" || m == "or" || m == "not",
              fmt::format("mechanism kind '{}' is not used by the cladder preset (its det_counterfactual circuits take and, or, not)", m));
    }
    require(has("and") || has("or"), fmt::format("--mechanisms {}: the cladder preset needs and or or", given));
    return;
  }
  if (o.preset == "counterbench") {
    require(!has("table"), "mechanism kind 'table' is not used by the counterbench preset (its mechanisms are "
                           "stated in CounterBench's words: and, or, not, copy, xor, threshold)");
  }
  if (has("threshold")) {
    require(o.max_in_degree >= 3, fmt::format("mechanism kind 'threshold' (at least k of 3 or more causes) needs "
                                            "--max-in-degree 3 or more, got {}", o.max_in_degree));
    require(has("and") || has("or") || has("xor"),
            fmt::format("--mechanisms {}: 'threshold' needs and, or or xor too, for variables with two causes", given));
  }
  if (o.preset == "counterbench") {
    // Its questions need variables with two causes (a held mediator, a hidden confounder): with
    // only not and copy no item can be drawn.
    require(has("and") || has("or") || has("xor"),
            fmt::format("--mechanisms {}: the counterbench preset needs a kind that combines two causes (and, or, xor)",
                        given));
  }
  if (o.preset == "ladder") {
    require(has("and") || has("or") || has("xor") || has("table"),
            fmt::format("--mechanisms {}: the ladder preset needs a kind that combines causes (and, or, xor, table)", given));
    require(o.domain_size == 2 || has("table"),
            fmt::format("--domain-size {} needs mechanism kind 'table' (multi-valued variables are given by tables)", o.domain_size));
  }
}

}  // namespace

void GeneratorOptions::validate() const {
  auto presets = preset_names();
  require(std::find(presets.begin(), presets.end(), preset) != presets.end(),
          fmt::format("unknown preset '{}' (expected one of: {})", preset, fmt::join(presets, ", ")));
  require(count > 0, "--count must be at least 1");
  require(difficulty >= 1 && difficulty <= 5, fmt::format("--difficulty must be 1..5, got {}", difficulty));
  require(min_variables >= 3, fmt::format("--min-variables must be at least 3, got {}", min_variables));
  require(max_variables >= min_variables,
          fmt::format("--max-variables ({}) must be at least --min-variables ({})", max_variables, min_variables));
  require(max_variables <= 40, fmt::format("--max-variables must be at most 40, got {}", max_variables));
  require(max_in_degree >= 1 && max_in_degree <= 4, fmt::format("--max-in-degree must be 1..4, got {}", max_in_degree));
  require(min_path_length >= 1 && min_path_length < min_variables,
          fmt::format("--min-path-length must be 1..{} (below --min-variables), got {}", min_variables - 1,
                      min_path_length));
  if (preset == "ladder") {
    require(domain_size >= 2 && domain_size <= 4, fmt::format("--domain-size must be 2..4, got {}", domain_size));
  } else {
    require(domain_size == 2, fmt::format("--domain-size {} is not supported by the {} preset (only 2)", domain_size, preset));
  }
  if (preset == "counterbench") require(deterministic, "the counterbench preset makes deterministic models only (--noisy: use the ladder preset)");
  if (preset == "linear") require(!deterministic, "the linear preset gives every variable a noise term of its own (--deterministic is not supported)");
  if (preset == "cladder") require(!deterministic, "the cladder preset makes noisy models (det_counterfactual items are deterministic by type)");
  require(!mechanisms.empty(), "--mechanisms needs at least one kind");
  if (preset == "linear" || mechanisms == std::vector<std::string>{"linear"}) {
    require(preset == "linear" && mechanisms == std::vector<std::string>{"linear"},
            fmt::format("--mechanisms {}: linear mechanisms are the linear preset's, and it makes no other kind",
                        fmt::join(mechanisms, ",")));
  }
  for (const auto& m : mechanisms) {
    if (preset == "linear") break;
    require(std::find(mechanism_kinds().begin(), mechanism_kinds().end(), m) != mechanism_kinds().end(),
            fmt::format("unknown mechanism kind '{}' (expected: {})", m, fmt::join(mechanism_kinds(), ", ")));
  }
  if (preset != "linear") validate_mechanisms(*this);
  require(!types.empty(), "--types needs at least one type");
  const auto& known = types_of(preset);
  for (const auto& t : types) {
    require(std::find(known.begin(), known.end(), t) != known.end(),
            fmt::format("unknown question type '{}' for the {} preset (expected: {})", t, preset, fmt::join(known, ", ")));
  }
  require(interventions >= 1 && interventions <= 3, fmt::format("--interventions must be 1..3, got {}", interventions));
  if (preset == "counterbench") require(interventions >= 2, "--interventions must be 2..3 for the counterbench preset (joint questions)");
  const int max_depth = preset == "ladder" ? 4 : preset == "linear" ? 3 : 1;
  require(nesting_depth >= 1 && nesting_depth <= max_depth,
          fmt::format("--nesting-depth must be 1..{} for the {} preset, got {}", max_depth, preset, nesting_depth));
  require(evidence_count >= 1 && evidence_count <= 2, fmt::format("--evidence-count must be 1..2, got {}", evidence_count));
  require(given == "model" || given == "observed", fmt::format("--given must be model or observed, got '{}'", given));
  require(given == "model" || preset == "cladder" || preset == "ladder",
          fmt::format("--given observed is supported by the cladder and ladder presets only (the {} preset states its model: {})",
                      preset, preset == "counterbench" ? "deterministic mechanisms, no probabilities" : "structural equations"));
  if (preset == "ladder" && given == "observed") {
    for (const std::string& type : types) {
      const auto& ok = ladder_observed_types();
      require(std::find(ok.begin(), ok.end(), type) != ok.end(),
              fmt::format("--types {} with --given observed: the observed distribution never identifies a {} query (it asks "
                          "about units), so its answer would be 'undetermined' by its type alone (observed types: {})",
                          type, type, fmt::join(ok, ", ")));
    }
    require(domain_size == 2, fmt::format("--domain-size {} with --given observed: the ladder preset states probabilities of "
                                          "binary variables only (--domain-size 2)", domain_size));
    require(!deterministic, "--deterministic with --given observed: stated conditionals need noise on every variable");
  }
  for (const std::string& type : types) {
    require(given == "observed" || !is_bounds_type(type),
            fmt::format("--types {} asks for the bounds that observed quantities give: it needs --given observed", type));
  }
  const auto share = try_parse_rational(undetermined_share);
  require(share && *share >= 0 && *share <= Rational(1, 2) && denominator(*share) <= 100,
          fmt::format("--undetermined-share must be a fraction from 0 to 1/2 with a denominator of at most 100 (e.g. 1/6), got '{}'",
                      undetermined_share));
  require(*share == 0 || given == "observed",
          fmt::format("--undetermined-share {} needs --given observed (undetermined items are the ones the stated observed "
                      "quantities do not decide)", undetermined_share));
  require(name_variants >= 1 && name_variants <= 10, fmt::format("--name-variants must be 1..10, got {}", name_variants));
  if (!splits.empty()) {
    std::uint64_t total = 0;
    for (const auto& [name, n] : splits) {
      require(n >= 1, fmt::format("--splits: split '{}' needs at least 1 item", name));
      require(n % static_cast<std::uint64_t>(name_variants) == 0,
              fmt::format("--splits: split '{}' has {} items, not a multiple of --name-variants {} (the name variants "
                          "of a structure stay in one split)", name, n, name_variants));
      total += n;
    }
    require(total == count, fmt::format("--splits: the splits hold {} items but --count is {}; they must add up", total, count));
  }
}

const std::string& GeneratorOptions::split_of(std::uint64_t index) const {
  static const std::string kNone;
  std::uint64_t end = 0;
  for (const auto& [name, n] : splits) {
    end += n;
    if (index < end) return name;
  }
  return kNone;
}

std::string splits_text(const std::vector<std::pair<std::string, std::uint64_t>>& splits) {
  std::string out;
  for (const auto& [name, n] : splits) out += fmt::format("{}{}={}", out.empty() ? "" : ",", name, n);
  return out;
}

std::vector<std::pair<std::string, std::uint64_t>> parse_splits(const std::string& text) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, comma - start);
    const std::size_t eq = part.find('=');
    require(eq != std::string::npos, fmt::format("--splits {}: expected NAME=COUNT, found '{}'", text, part));
    std::string name = part.substr(0, eq);
    const std::string number = part.substr(eq + 1);
    require(!name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
            }),
            fmt::format("--splits {}: a split name is letters, digits, '_' and '-', found '{}'", text, name));
    require(std::none_of(out.begin(), out.end(), [&](const auto& s) { return s.first == name; }),
            fmt::format("--splits {}: split '{}' is named twice", text, name));
    require(!number.empty() && number.size() <= 18 &&
                std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }),
            fmt::format("--splits {}: the count of '{}' must be a whole number, found '{}'", text, name, number));
    const std::uint64_t n = std::stoull(number);
    require(n >= 1, fmt::format("--splits {}: split '{}' needs at least 1 item", text, name));
    out.emplace_back(std::move(name), n);
    start = comma + 1;
  }
  return out;
}

rung::ordered_json GeneratorOptions::to_json() const {
  rung::ordered_json j;
  j["preset"] = preset;
  j["seed"] = seed;
  j["count"] = count;
  j["difficulty"] = difficulty;
  j["min_variables"] = min_variables;
  j["max_variables"] = max_variables;
  j["max_in_degree"] = max_in_degree;
  j["min_path_length"] = min_path_length;
  j["domain_size"] = domain_size;
  j["deterministic"] = deterministic;
  j["mechanisms"] = mechanisms;
  j["types"] = types;
  j["interventions"] = interventions;
  j["nesting_depth"] = nesting_depth;
  j["evidence_count"] = evidence_count;
  j["given"] = given;
  j["undetermined_share"] = undetermined_share;
  j["name_style"] = to_string(name_style);
  j["name_variants"] = name_variants;
  if (!splits.empty()) j["splits"] = splits_text(splits);  // a string: JSON readers may reorder an object's keys
  return j;
}

GeneratorOptions GeneratorOptions::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw Error(fmt::format("generator options: expected an object, found {}", j.type_name()));
  GeneratorOptions o;
  std::size_t read = 0;
  auto field = [&](const char* key) -> const nlohmann::json& {
    auto it = j.find(key);
    if (it == j.end()) throw Error(fmt::format("generator options: missing \"{}\"", key));
    ++read;
    return *it;
  };
  auto fail = [](const char* key, const char* expected, const nlohmann::json& v) {
    return Error(fmt::format("generator options: \"{}\" must be {}, found {}", key, expected, v.dump()));
  };
  auto text = [&](const char* key, std::string& out) {
    const auto& v = field(key);
    if (!v.is_string()) throw fail(key, "a string", v);
    out = v.get<std::string>();
  };
  auto whole = [&](const char* key, std::uint64_t& out) {
    const auto& v = field(key);
    if (!v.is_number_unsigned()) throw fail(key, "a whole number", v);
    out = v.get<std::uint64_t>();
  };
  auto integer = [&](const char* key, int& out) {
    const auto& v = field(key);
    if (!v.is_number_integer() || v.get<std::int64_t>() < std::numeric_limits<int>::min() ||
        v.get<std::int64_t>() > std::numeric_limits<int>::max()) {
      throw fail(key, "an integer", v);
    }
    out = v.get<int>();
  };
  auto flag = [&](const char* key, bool& out) {
    const auto& v = field(key);
    if (!v.is_boolean()) throw fail(key, "true or false", v);
    out = v.get<bool>();
  };
  auto texts = [&](const char* key, std::vector<std::string>& out) {
    const auto& v = field(key);
    if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_string(); })) {
      throw fail(key, "an array of strings", v);
    }
    out = v.get<std::vector<std::string>>();
  };
  text("preset", o.preset);
  whole("seed", o.seed);
  whole("count", o.count);
  integer("difficulty", o.difficulty);
  integer("min_variables", o.min_variables);
  integer("max_variables", o.max_variables);
  integer("max_in_degree", o.max_in_degree);
  integer("min_path_length", o.min_path_length);
  integer("domain_size", o.domain_size);
  flag("deterministic", o.deterministic);
  texts("mechanisms", o.mechanisms);
  texts("types", o.types);
  integer("interventions", o.interventions);
  integer("nesting_depth", o.nesting_depth);
  integer("evidence_count", o.evidence_count);
  text("given", o.given);
  text("undetermined_share", o.undetermined_share);
  std::string style;
  text("name_style", style);
  auto parsed = name_style_from_string(style);
  if (!parsed) throw fail("name_style", "nonsense, letters or words", field("name_style"));
  --read;  // name_style was counted once already
  o.name_style = *parsed;
  integer("name_variants", o.name_variants);
  if (j.contains("splits")) {  // optional: written only for a run with --splits
    const auto& v = field("splits");
    if (!v.is_string()) throw fail("splits", "a string NAME=COUNT,...", v);
    try {
      o.splits = parse_splits(v.get<std::string>());
    } catch (const UsageError& e) {
      throw Error(fmt::format("generator options: \"splits\": {}", e.what()));
    }
  }
  if (read != j.size()) {
    for (const auto& [key, v] : j.items()) {
      if (!o.to_json().contains(key)) throw Error(fmt::format("generator options: unknown knob \"{}\"", key));
    }
  }
  return o;
}

bool can_be_undetermined(const std::string& preset, const std::string& type) {
  if (preset == "ladder") return type == "intervention" || type == "ate" || type == "ett" || type == "nde" || type == "nested";
  return preset == "cladder" && (type == "ate" || type == "ett" || type == "nde" || type == "nie");
}

const std::vector<std::string>& bounds_types() {
  static const std::vector<std::string> kTypes = {"ate_bounds", "ett_bounds", "nde_bounds", "nie_bounds"};
  return kTypes;
}

bool is_bounds_type(std::string_view type) {
  return std::find(bounds_types().begin(), bounds_types().end(), type) != bounds_types().end();
}

std::vector<std::string> preset_names() { return {"counterbench", "cladder", "ladder", "linear"}; }

GeneratorOptions preset_options(const std::string& preset, int difficulty) {
  GeneratorOptions o;
  o.preset = preset;
  o.difficulty = difficulty;
  auto presets = preset_names();
  if (std::find(presets.begin(), presets.end(), preset) == presets.end()) {
    throw UsageError(fmt::format("unknown preset '{}' (expected one of: {})", preset, fmt::join(presets, ", ")));
  }
  if (difficulty < 1 || difficulty > 5) throw UsageError(fmt::format("--difficulty must be 1..5, got {}", difficulty));
  if (preset == "cladder") {
    // CLadder's graphs have 3-4 variables; from level 2 on, a growing share of random DAGs
    // (min/max variables below) joins them, and level 1 uses probabilities in tenths.
    struct Level {
      int min_vars, max_vars, in_degree;
    };
    static constexpr Level kLevels[] = {{3, 4, 2}, {4, 5, 2}, {5, 6, 2}, {6, 8, 3}, {8, 10, 3}};
    const Level& l = kLevels[difficulty - 1];
    o.min_variables = l.min_vars;
    o.max_variables = l.max_vars;
    o.max_in_degree = l.in_degree;
    o.min_path_length = 1;
    o.deterministic = false;
    o.mechanisms = {"and", "or", "not"};
    o.types = cladder_query_types();
    o.interventions = 1;
    o.given = "observed";
    o.undetermined_share = "1/6";
    return o;
  }
  if (preset == "ladder") return ladder_options(o, difficulty);
  if (preset == "linear") return linear_options(o, difficulty);
  // counterbench: size and path length grow with the level; CounterBench itself is level 2.
  struct Level {
    int min_vars, max_vars, in_degree, path, interventions, evidence;
  };
  static constexpr Level kLevels[] = {
      {5, 6, 2, 2, 2, 1}, {5, 9, 2, 2, 2, 1}, {8, 12, 2, 3, 2, 1}, {11, 15, 3, 4, 3, 2}, {14, 20, 3, 5, 3, 2}};
  const Level& l = kLevels[difficulty - 1];
  o.min_variables = l.min_vars;
  o.max_variables = l.max_vars;
  o.max_in_degree = l.in_degree;
  o.min_path_length = l.path;
  o.interventions = l.interventions;
  o.evidence_count = l.evidence;
  return o;
}

}  // namespace rung
