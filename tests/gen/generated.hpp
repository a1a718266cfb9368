#pragma once
// Test helper: the records `rung generate` writes, parsed (shared by the generator's tests).
#include "rung/gen/generator.hpp"

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace rung::testing {

/// The records the generator writes for `o`, parsed.
inline std::vector<nlohmann::json> generated_records(const GeneratorOptions& o, unsigned threads = 2) {
  RunOptions run;
  run.threads = threads;
  std::ostringstream out;
  Generator(o).write(out, run);
  std::vector<nlohmann::json> rs;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) rs.push_back(nlohmann::json::parse(line));
  return rs;
}

/// `count` records of `preset` at difficulty `level`, seed 1.
inline std::vector<nlohmann::json> generated_records(const std::string& preset, std::uint64_t count, int level = 2,
                                                     unsigned threads = 2) {
  GeneratorOptions o = preset_options(preset, level);
  o.count = count;
  o.seed = 1;
  return generated_records(o, threads);
}

}  // namespace rung::testing
