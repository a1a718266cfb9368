#pragma once
// Test helper: the records `rung generate` writes, parsed (shared by the generator's tests).
#include "rung/gen/generator.hpp"
#include "rung/gen/merge.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace rung::testing {

/// The text the generator writes for `o` (shard `shard` of `shards`).
inline std::string generated_text(const GeneratorOptions& o, unsigned threads = 1, std::uint64_t shard = 1,
                                  std::uint64_t shards = 1) {
  RunOptions run;
  run.threads = threads;
  run.shard = shard;
  run.shards = shards;
  std::ostringstream out;
  Generator(o).write(out, run);
  return out.str();
}

/// merge_shards of `texts`, as parts named part-1, part-2, ...; `report` gets its report.
inline std::string merged_text(const std::vector<std::string>& texts, MergeReport* report = nullptr) {
  std::vector<std::istringstream> streams;
  streams.reserve(texts.size());  // parts point into it
  std::vector<MergePart> parts;
  for (std::size_t k = 0; k < texts.size(); ++k) {
    streams.emplace_back(texts[k]);
    parts.push_back({"part-" + std::to_string(k + 1), &streams.back()});
  }
  std::ostringstream out;
  MergeReport r = merge_shards(parts, out);
  if (report != nullptr) *report = r;
  return out.str();
}

/// The records the generator writes for `o`, parsed.
inline std::vector<nlohmann::json> generated_records(const GeneratorOptions& o, unsigned threads = 2) {
  std::vector<nlohmann::json> rs;
  std::istringstream in(generated_text(o, threads));
  for (std::string line; std::getline(in, line);) rs.push_back(nlohmann::json::parse(line));
  return rs;
}

/// The cladder preset's default set (level 2, seed 1), its first `count` records (at most 3,000),
/// as text. Several long tests read it: under CTest, one test generates the 3,000 items once
/// (the fixture `cladder_default`, tests/CMakeLists.txt) and names the file in
/// RUNG_TEST_CLADDER_SET; the records are used when their meta.options are these options (the
/// generator is prefix-stable: the first `count` of 3,000 are the items of a run of `count`,
/// but for meta.options.count). Without the variable the items are generated here; a file that
/// does not hold them is an error (std::runtime_error), never silently regenerated.
inline std::string default_cladder_text(std::uint64_t count) {
  GeneratorOptions o = preset_options("cladder", 2);
  o.seed = 1;
  if (const char* path = std::getenv("RUNG_TEST_CLADDER_SET"); path != nullptr && count <= 3000) {
    std::ifstream in(path);
    std::string text;
    std::string line;
    std::uint64_t n = 0;
    GeneratorOptions whole = o;
    whole.count = 3000;
    const nlohmann::json expected = nlohmann::json::parse(whole.to_json().dump());  // compared as values, not key order
    while (n < count && std::getline(in, line)) {
      if (n == 0 && nlohmann::json::parse(line)["meta"]["options"] != expected) break;
      text += line;
      text += '\n';
      ++n;
    }
    if (n == count) return text;
    // Named but not these items: the fixture and this helper disagree (a bug of the tests' wiring).
    throw std::runtime_error(std::string("RUNG_TEST_CLADDER_SET names ") + path + ", which does not hold the first " + std::to_string(count) +
                             " items of the default cladder set (3,000 items, level 2, seed 1)");
  }
  o.count = count;
  return generated_text(o, 2);
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
