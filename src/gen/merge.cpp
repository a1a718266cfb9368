#include "rung/gen/merge.hpp"

#include "rung/core/error.hpp"
#include "rung/gen/generator.hpp"
#include "rung/gen/structure.hpp"
#include "rung/io/input_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string_view>

namespace rung {

namespace {

/// The top-level fields merging reads, found in a record as `rung generate` writes it: the
/// record ends `,"structure":"H","seed":"S","question_id":"I","meta":{..., "options":{...}}}`.
/// (A '"' inside a JSON string is escaped, so `,"key":` cannot occur inside a value.)
struct Keys {
  std::uint64_t index = 0;
  std::uint64_t seed = 0;
  std::uint64_t structure = 0;  ///< its structure_key
  std::string_view options;  ///< the text of meta.options
};

std::optional<std::uint64_t> whole_number(std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

/// The string value after `key` at or before `before` (searching backwards); empty view and
/// npos position if absent.
std::pair<std::string_view, std::size_t> string_field(std::string_view line, std::string_view key, std::size_t before) {
  const std::string pattern = fmt::format(",\"{}\":\"", key);
  const std::size_t at = line.rfind(pattern, before);
  if (at == std::string_view::npos) return {{}, at};
  const std::size_t begin = at + pattern.size();
  const std::size_t end = line.find('"', begin);
  if (end == std::string_view::npos || end > before) return {{}, std::string_view::npos};
  return {line.substr(begin, end - begin), at};
}

std::optional<Keys> read_keys(std::string_view line) {
  if (!line.starts_with("{\"id\":\"") || !line.ends_with("}}")) return std::nullopt;
  const std::size_t meta = line.rfind(",\"meta\":{");
  if (meta == std::string_view::npos) return std::nullopt;
  const std::size_t options = line.rfind("\"options\":{");
  if (options == std::string_view::npos || options < meta) return std::nullopt;
  Keys k;
  k.options = line.substr(options + 10, line.size() - 2 - (options + 10));  // before the meta and record "}}"
  const auto [index, index_at] = string_field(line, "question_id", meta);
  const auto [seed, seed_at] = string_field(line, "seed", index_at == std::string_view::npos ? 0 : index_at);
  const auto [structure, structure_at] = string_field(line, "structure", seed_at == std::string_view::npos ? 0 : seed_at);
  if (index_at == std::string_view::npos || seed_at == std::string_view::npos || structure_at == std::string_view::npos) {
    return std::nullopt;
  }
  const auto i = whole_number(index);
  const auto s = whole_number(seed);
  const auto key = structure_key(structure);
  if (!i || !s || !key) return std::nullopt;
  k.index = *i;
  k.seed = *s;
  k.structure = *key;
  return k;
}

}  // namespace

MergeReport merge_shards(const std::vector<MergePart>& parts, std::ostream& out,
                         const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  if (parts.empty()) throw UsageError("merge: no parts given");
  MergeReport report;
  report.parts = parts.size();
  std::unique_ptr<Generator> gen;  // built from the first record's options
  std::string options_text;
  std::uint64_t variants = 1;
  StructureKeys seen;  // structures accepted so far (structure_key), as the unsharded run has them
  int variant_attempt = 0;  // the draw taken for the last variant 0: its name variants take it too
  std::string line;
  for (const MergePart& part : parts) {
    std::size_t number = 0;
    while (read_line(*part.in, line, part.name, number + 1)) {
      ++number;
      const auto where = [&] { return fmt::format("{}:{}", part.name, number); };
      const auto keys = read_keys(line);
      if (!keys) {
        throw Error(fmt::format("{}: not a record as `rung generate` writes it (expected one JSON object a line "
                                "ending with \"structure\", \"seed\", \"question_id\" and \"meta\" with its \"options\")",
                                where()));
      }
      if (!gen) {
        nlohmann::json options;
        try {
          options = nlohmann::json::parse(keys->options);
        } catch (const nlohmann::json::exception& e) {
          throw Error(fmt::format("{}: meta.options is not valid JSON ({})", where(), e.what()));
        }
        report.options = GeneratorOptions::from_json(options);
        report.options.validate();
        gen = std::make_unique<Generator>(report.options);
        options_text = std::string(keys->options);
        variants = static_cast<std::uint64_t>(report.options.name_variants);
      } else if (keys->options != options_text) {
        throw Error(fmt::format("{}: made with other options than {}:1 (meta.options differ): parts of one run only",
                                where(), parts.front().name));
      }
      if (keys->index != report.records) {
        throw Error(fmt::format("{}: item {} where item {} was expected: give the parts in order, each continuing the last "
                                "(a part is missing, repeated, or out of order)",
                                where(), keys->index, report.records));
      }
      if (keys->index >= report.options.count) {
        throw Error(fmt::format("{}: item {} is past the run's count of {}", where(), keys->index, report.options.count));
      }
      const std::uint64_t i = keys->index;
      const auto drawn = gen->attempt_of(i, keys->seed);
      if (!drawn) throw Error(fmt::format("{}: item {}'s seed {} is none of its draws under these options", where(), i, keys->seed));
      if (i % variants != 0) {
        // Name variants share their structure on purpose, as in Generator::write: variant 0's,
        // so they take the draw merged for it (a part that began after variant 0 drew the first).
        if (*drawn == variant_attempt) {
          out << line << '\n';
        } else {
          out << gen->line(i, variant_attempt) << '\n';
          report.redrawn.push_back(i);
        }
      } else {
        // The unsharded run takes the first draw whose structure is not yet accepted. The draws
        // before the part's own one hold structures the part holds, hence accepted here too
        // (merge.hpp); so the part's draw stands unless an earlier part holds its structure.
        std::optional<int> take;
        std::uint64_t taken = 0;
        if (!seen.contains(keys->structure)) {
          take = *drawn;
          taken = keys->structure;
        }
        for (int attempt = *drawn + 1; !take; ++attempt) {
          if (attempt > Generator::kMaxRedraws) {
            throw Error(fmt::format("item {}: every draw repeats an earlier structure after {} attempts; the knobs "
                                    "allow too few distinct items for --count {}",
                                    i, Generator::kMaxRedraws, report.options.count));
          }
          const auto key = structure_key(gen->structure(i, attempt));
          if (!key) throw std::logic_error("merge: the generator made a structure that is not a structure hash");
          if (!seen.contains(*key)) {
            take = attempt;
            taken = *key;
          }
        }
        if (*take == *drawn) {
          out << line << '\n';
        } else {
          out << gen->line(i, *take) << '\n';
          report.redrawn.push_back(i);
        }
        seen.insert(taken);
        variant_attempt = *take;
      }
      ++report.records;
      if (progress && report.records % 4096 == 0) progress(report.records, report.options.count);
    }
  }
  if (!gen) {
    // A plain loop: clang 14 with libstdc++ 12 (scripts/fuzz.sh's compiler) rejects a ranges view here.
    std::vector<std::string> names;
    for (const MergePart& part : parts) names.push_back(part.name);
    throw Error(fmt::format("merge: the parts ({}) hold no records", fmt::join(names, ", ")));
  }
  if (report.records != report.options.count) {
    throw Error(fmt::format("the parts hold items 0 to {} but the run has {} (--count): a part is missing at the end",
                            report.records == 0 ? 0 : report.records - 1, report.options.count));
  }
  if (progress) progress(report.records, report.options.count);
  return report;
}

}  // namespace rung
