#pragma once
/// \file
/// Merging the shards of one `rung generate` run into the file the unsharded run writes.
///
/// A shard (`--shard I/N`) de-duplicates structures among its own items only, so that it costs
/// 1/N of the run. Across shards, an item may repeat a structure an earlier shard holds.
/// merge_shards streams the parts in order with the set of structures accepted so far (as the
/// unsharded run does), keeps every record whose structure is new, and re-makes the others at
/// the next draws, as the unsharded run does (rare: a structure is a hash of the whole causal
/// question up to renaming). The output equals the unsharded file byte for byte: the draws a
/// part refused were refused for structures its own earlier items hold, and every structure a
/// part holds is held in the merge too (its own, or the earlier holder that made the merge
/// redraw it), so the unsharded run refuses them as well.
///
///     std::ifstream a("part-1.jsonl"), b("part-2.jsonl");
///     rung::MergeReport r = rung::merge_shards({{"part-1.jsonl", &a}, {"part-2.jsonl", &b}}, out);
///     r.redrawn;  // indices whose record the merge re-made
///
/// The parts must be given in order and together hold items 0 .. count-1 of one run (same
/// options, `meta.options`); anything else is an Error naming the part and line.

#include "rung/gen/options.hpp"

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace rung {

struct MergePart {
  std::string name;  ///< for messages: a file name
  std::istream* in = nullptr;
};

struct MergeReport {
  GeneratorOptions options;            ///< the run's (from the first record)
  std::uint64_t records = 0;           ///< written
  std::size_t parts = 0;
  std::vector<std::uint64_t> redrawn;  ///< indices re-made by the merge, in order
};

/// Writes the merged dataset to `out`; `progress(done, total)` is called every 4,096 records.
MergeReport merge_shards(const std::vector<MergePart>& parts, std::ostream& out,
                         const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});

}  // namespace rung
