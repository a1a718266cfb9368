#pragma once
/// \file
/// Turns options into a dataset: for each index, a preset makes an item; the generator solves it
/// twice (variable elimination and enumeration, which must agree exactly), traces it, computes
/// the distractors and the structure hash, and writes one JSONL record (SPEC §5).
///
///     rung::Generator gen(rung::preset_options("counterbench"));
///     std::string line = gen.line(0);                       // one item, as written
///     gen.write(out, {.threads = 2});                       // the whole dataset, in index order
///
/// Determinism: item i is drawn from Rng::for_item(seed, i / name_variants) (names from their
/// own stream), so output is byte-identical for any thread count. Items are checked in index
/// order against the structures already written; a repeated structure is redrawn (attempt 1,
/// 2, ...). Shards (I/N) cover contiguous index ranges and are de-duplicated within their own
/// range only, so each costs 1/N of the run; merge_shards (gen/merge.hpp, `rung merge`) redraws
/// the rare item whose structure an earlier shard already holds, and its output equals the
/// unsharded file byte for byte.

#include "rung/core/json.hpp"
#include "rung/gen/item.hpp"
#include "rung/gen/options.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

namespace rung {

class JsonWriter;
struct Trace;

struct RunOptions {
  unsigned threads = 1;
  std::uint64_t shard = 1;   ///< 1-based
  std::uint64_t shards = 1;
  /// Called after each block with (items done, items in this shard).
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

class Generator {
 public:
  explicit Generator(GeneratorOptions options);
  ~Generator();

  /// The record of item `index` at draw `attempt` (no de-duplication).
  [[nodiscard]] rung::ordered_json record(std::uint64_t index, int attempt = 0) const;
  /// The same record as write() prints it: one line of compact JSON, without the newline.
  [[nodiscard]] std::string line(std::uint64_t index, int attempt = 0) const;

  /// The structure hash (SPEC §5 `structure`) of item `index` at draw `attempt`, without
  /// solving or writing it.
  [[nodiscard]] std::string structure(std::uint64_t index, int attempt = 0) const;
  /// The draw whose seed (a record's `seed`) is `seed`, for item `index`; nullopt if none is.
  [[nodiscard]] std::optional<int> attempt_of(std::uint64_t index, std::uint64_t seed) const;
  /// How many times a repeated structure is redrawn before the run fails.
  static constexpr int kMaxRedraws = 50;

  /// Writes the records of this shard, one JSON object a line, de-duplicated by structure among
  /// the shard's own items (with one shard: the whole dataset).
  void write(std::ostream& out, const RunOptions& run = {}) const;

  [[nodiscard]] const GeneratorOptions& options() const noexcept { return options_; }

 private:
  GeneratorOptions options_;
  std::unique_ptr<Preset> preset_;
  std::string options_json_;  ///< options_.to_json() as text: every record's meta.options

  struct Made;
  /// Item `index` at draw `attempt`; `full = false` stops once the structure is known.
  [[nodiscard]] Made make(std::uint64_t index, int attempt, bool full) const;
  /// make() for the linear preset (gen/linear.hpp): solved by both linear methods.
  [[nodiscard]] Made make_linear(std::uint64_t index, int attempt, bool full) const;
  [[nodiscard]] ItemTarget target(std::uint64_t structure_index) const;
  void write_difficulty(JsonWriter& out, const Item& item, const Trace& trace) const;
  void write_meta(JsonWriter& out, const rung::ordered_json& meta, const std::string& query_type, int rung,
                  std::uint64_t index) const;
};

}  // namespace rung
