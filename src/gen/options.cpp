#include "rung/gen/options.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rung {

namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw UsageError(message);
}

const std::vector<std::string> kMechanismKinds = {"and", "or", "not", "copy", "xor"};
const std::vector<std::string> kTypes = {"basic", "joint", "nested", "conditional"};

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
  require(domain_size == 2, fmt::format("--domain-size {} is not supported by the {} preset (only 2)", domain_size, preset));
  require(deterministic, fmt::format("the {} preset makes deterministic models only", preset));
  require(!mechanisms.empty(), "--mechanisms needs at least one kind");
  for (const auto& m : mechanisms) {
    require(std::find(kMechanismKinds.begin(), kMechanismKinds.end(), m) != kMechanismKinds.end(),
            fmt::format("unknown mechanism kind '{}' (expected: {})", m, fmt::join(kMechanismKinds, ", ")));
  }
  require(!types.empty(), "--types needs at least one type");
  for (const auto& t : types) {
    require(std::find(kTypes.begin(), kTypes.end(), t) != kTypes.end(),
            fmt::format("unknown question type '{}' (expected: {})", t, fmt::join(kTypes, ", ")));
  }
  require(interventions >= 2 && interventions <= 3, fmt::format("--interventions must be 2..3, got {}", interventions));
  require(nesting_depth == 1, fmt::format("--nesting-depth {} is not supported by the {} preset (only 1)", nesting_depth, preset));
  require(evidence_count >= 1 && evidence_count <= 2, fmt::format("--evidence-count must be 1..2, got {}", evidence_count));
  require(name_variants >= 1 && name_variants <= 10, fmt::format("--name-variants must be 1..10, got {}", name_variants));
}

nlohmann::ordered_json GeneratorOptions::to_json() const {
  nlohmann::ordered_json j;
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
  j["name_style"] = to_string(name_style);
  j["name_variants"] = name_variants;
  return j;
}

std::vector<std::string> preset_names() { return {"counterbench"}; }

GeneratorOptions preset_options(const std::string& preset, int difficulty) {
  GeneratorOptions o;
  o.preset = preset;
  o.difficulty = difficulty;
  auto presets = preset_names();
  if (std::find(presets.begin(), presets.end(), preset) == presets.end()) {
    throw UsageError(fmt::format("unknown preset '{}' (expected one of: {})", preset, fmt::join(presets, ", ")));
  }
  if (difficulty < 1 || difficulty > 5) throw UsageError(fmt::format("--difficulty must be 1..5, got {}", difficulty));
  // counterbench: size and path length grow with the level; CounterBench itself is level 2.
  struct Level {
    int min_vars, max_vars, in_degree, path, interventions, evidence;
  };
  static constexpr Level kLevels[] = {
      {4, 5, 2, 2, 2, 1}, {5, 9, 2, 2, 2, 1}, {8, 12, 2, 3, 2, 1}, {11, 15, 3, 4, 3, 2}, {14, 20, 3, 5, 3, 2}};
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
