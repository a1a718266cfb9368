#include "rung/gen/knobs.hpp"
#include "rung/gen/ladder.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <exception>

namespace rung {

GeneratorOptions GeneratorKnobs::options() const {
  if (deterministic && noisy) throw UsageError("--deterministic and --noisy exclude each other");
  GeneratorOptions o = preset_options(preset, difficulty);
  o.count = count;
  o.seed = seed;
  if (min_variables) o.min_variables = *min_variables;
  if (max_variables) o.max_variables = *max_variables;
  if (max_in_degree) o.max_in_degree = *max_in_degree;
  if (min_path_length) o.min_path_length = *min_path_length;
  if (interventions) o.interventions = *interventions;
  if (evidence_count) o.evidence_count = *evidence_count;
  if (name_variants) o.name_variants = *name_variants;
  if (domain_size) o.domain_size = *domain_size;
  if (nesting_depth) o.nesting_depth = *nesting_depth;
  if (given) o.given = *given;
  // (Assigned from std::string, not from a literal: GCC 12 reports a false -Wstringop-overflow on
  // the literal assignment here, which the sanitizer build's -Werror turns into an error.)
  if (o.given == "model") {
    if (given) o.undetermined_share = std::string("0");  // nothing is undetermined when the model is stated
  } else if (preset == "ladder" && given) {
    // Stated in observed quantities: binary variables, the types the observed distribution can
    // decide, and undetermined items at cladder's share, unless asked otherwise.
    o.undetermined_share = std::string("1/6");
    o.types = ladder_observed_types();
    if (!domain_size) o.domain_size = 2;
  }
  if (undetermined_share) o.undetermined_share = *undetermined_share;
  if (!types.empty()) o.types = types;
  if (!mechanisms.empty()) o.mechanisms = mechanisms;
  if (splits) {
    o.splits = parse_splits(*splits);
    if (!count_given) {  // -n defaults to the splits' sum
      o.count = 0;
      for (const auto& split : o.splits) o.count += split.second;
    }
  }
  if (deterministic) o.deterministic = true;
  if (noisy) o.deterministic = false;
  if (name_style) {
    auto style = name_style_from_string(*name_style);
    if (!style) throw UsageError(fmt::format("--name-style {}: expected nonsense, letters or words", *name_style));
    o.name_style = *style;
  }
  o.validate();
  return o;
}

std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      std::size_t used_i = 0;
      std::size_t used_n = 0;
      const auto i = std::stoull(text.substr(0, slash), &used_i);
      const auto n = std::stoull(text.substr(slash + 1), &used_n);
      if (used_i == slash && used_n == text.size() - slash - 1 && n >= 1 && i >= 1 && i <= n) return {i, n};
    }
  } catch (const std::exception&) {
  }
  throw UsageError(fmt::format("--shard {}: expected I/N with 1 <= I <= N (I counts from 1)", text));
}

}  // namespace rung
