#include "rung/gen/generator.hpp"

#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/gen/distractors.hpp"
#include "rung/gen/linear.hpp"
#include "rung/gen/structure.hpp"
#include "rung/infer/linear_gaussian.hpp"
#include "rung/infer/solver.hpp"
#include "rung/infer/trace.hpp"
#include "rung/io/json_fields.hpp"
#include "rung/io/json_line.hpp"
#include "rung/io/linear_json.hpp"
#include "rung/io/scm_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <ostream>
#include <set>
#include <thread>

namespace rung {

namespace {

constexpr std::uint64_t kNameStream = 0x6e616d6573ULL;  // "names": the names' own seed stream
constexpr std::uint64_t kBlockStream = 0x626c6f636bULL;  // "block": the block seeds' stream
constexpr std::uint64_t kUndeterminedStream = 0x756e646574ULL;  // "undet": undetermined items' blocks
constexpr int kMaxRedraws = Generator::kMaxRedraws;
constexpr int kMaxShortcutTries = 5000;
constexpr int kRelaxEvery = 500;
constexpr std::size_t kLineReserve = 8192;  // bytes: most records fit (a median one has about 7,500)

/// Whether every shortcut procedure named in the target agrees (or not) with the target answer.
/// An undefined procedure never agrees.
bool meets(const ItemTarget& target, const Decision& decision, const std::vector<Distractor>& procedures) {
  const std::string answer = target.answer ? "yes" : "no";
  for (const auto& [name, agree] : target.agreements) {
    // Captured by an init-capture: clang 14 (the fuzz build's compiler) cannot capture a
    // structured binding.
    auto it = std::find_if(procedures.begin(), procedures.end(),
                           [&name = name](const Distractor& d) { return d.procedure == name; });
    if (it == procedures.end()) continue;
    const bool agrees = it->value.has_value() && decision.answer(*it->value) == answer;
    if (agrees != agree) return false;
  }
  return true;
}

}  // namespace

struct Generator::Made {
  std::string line;  ///< the record, compact JSON without the newline
  std::string structure;
};

Generator::Generator(GeneratorOptions options) : options_(std::move(options)), preset_(make_preset(options_)) {
  append_json(options_json_, options_.to_json());
}
Generator::~Generator() = default;

ItemTarget Generator::target(std::uint64_t structure_index) const {
  // Round robin over types; within a type, the item's rank counts in binary through the
  // combinations of (answer, and whether each shortcut procedure agrees with it), so every type
  // is balanced on all of them by construction.
  const auto& types = options_.types;
  const std::uint64_t t = structure_index % types.size();
  std::uint64_t rank = structure_index / types.size();
  ItemTarget target{types[t], (rank & 1U) == 0, (rank & 2U) == 0, {}, rank};
  // Undetermined items (--undetermined-share p/q): in every run of q ranks of a type that can be
  // undetermined, the last p are; the others count on in a rank of their own, so that the bits
  // below balance each class by construction.
  const Rational share = parse_rational(options_.undetermined_share);
  if (share > 0 && can_be_undetermined(options_.preset, target.type)) {
    const auto q = static_cast<std::uint64_t>(denominator(share).convert_to<unsigned long>());
    const auto p = static_cast<std::uint64_t>(numerator(share).convert_to<unsigned long>());
    const std::uint64_t run = rank / q;
    const std::uint64_t at = rank % q;
    if (at >= q - p) {
      const std::uint64_t sub = run * p + (at - (q - p));
      target.undetermined = true;
      target.answer = (sub & 1U) == 0;  // the answer of the formula that ignores the hidden variables
      target.answer_equals_factual = (sub & 2U) == 0;  // ladder: a yes/no question (or a fraction)
      target.rank = sub;
      target.block_seed = Rng::item_seed(options_.seed ^ kBlockStream ^ kUndeterminedStream, (sub >> 1U) * types.size() + t);
      if (options_.preset == "ladder") {
        // The same readings as the determined items' (below), against the answer of the formula
        // that ignores the hidden variables: a filter applied to one class only would make the
        // graphs of the two classes differ.
        target.agreements.emplace_back("conditioning", (sub & 4U) == 0);
        if (target.type == "intervention" || target.type == "nested") target.agreements.emplace_back("factual", (sub & 8U) == 0);
      }
      return target;
    }
    rank = run * (q - p) + at;  // the determined items' own rank
    target = ItemTarget{types[t], (rank & 1U) == 0, (rank & 2U) == 0, {}, rank};
  }
  if (options_.preset == "ladder") {
    // The factual reading of a probability of one intervened world can agree or not; for the
    // other types it is absent or always 0 (then balanced with the answer).
    if (target.type == "intervention" || target.type == "counterfactual" || target.type == "nested") {
      target.agreements.emplace_back("factual", (rank & 4U) == 0);  // yes/no items only
    }
    if (options_.given == "observed") {
      // Stated in observed quantities, the readings a learner computes from the numbers: the
      // mean of the outcome's stated probabilities and of all stated numbers (rung 1), seeing
      // instead of doing (the rest). The preset meets them itself (ladder.cpp).
      const bool rung1 = target.type == "marginal" || target.type == "conditional";
      target.agreements.emplace_back(rung1 ? "mean_conditional" : "conditioning", (rank & 8U) == 0);
      if (rung1) target.agreements.emplace_back("mean_stated", (rank & 16U) == 0);
    }
    return target;
  }
  if (options_.preset == "cladder") {
    // Readings of the stated numbers (the preset computes them) come first: when draws run long
    // the preset gives up the last target first (cladder.cpp), and a reading is what a learner
    // can compute from the text.
    std::uint64_t bit = 4;
    auto agree = [&](const char* procedure) {
      target.agreements.emplace_back(procedure, (rank & bit) == 0);
      bit <<= 1U;
    };
    if (target.type == "marginal") {
      agree("mean_conditional");
      agree("treatment_weighted");
    }
    // (explaining_away records it unbalanced: its graphs rarely let X reach Y, so it is mostly 0.)
    if (target.type == "correlation" || target.type == "ate" || target.type == "ett" || target.type == "nie" ||
        target.type == "collider_bias") {
      agree("unweighted_difference");
    }
    if (target.type == "nde") agree("direct_difference");
    // ett: no_abduction before conditioning, which agrees less often when let go.
    if (target.type == "ett") agree("no_abduction");
    if (target.type == "ate" || target.type == "ett") agree("conditioning");
    if (target.type == "det_counterfactual") {
      agree("no_abduction");
      agree("conditioning");
    }
    if (target.type == "nde" || target.type == "nie") agree("total_effect");
    if (target.type == "collider_bias") agree("collider_conditioning");
    // The block of ranks that runs once through the answer and agreement bits shares a seed, from
    // which the preset may draw a class of items (det_counterfactual: the outcome's clause, the
    // observed values' signs, the treatment's value), balanced on the answer within each class.
    const std::uint64_t block = rank >> (2U + target.agreements.size());
    target.block_seed = Rng::item_seed(options_.seed ^ kBlockStream, block * types.size() + t);
    return target;
  }
  if (options_.preset != "counterbench") return target;
  std::uint64_t bit = 4;
  auto agree = [&](const char* procedure) {
    target.agreements.emplace_back(procedure, (rank & bit) == 0);
    bit <<= 1;
  };
  // Only procedures that can disagree with the answer for this type are balanced: in nested
  // questions conditioning is the nested_ignored reading.
  agree("no_abduction");
  if (target.type != "nested") agree("conditioning");
  if (target.type == "nested") {
    agree("nested_ignored");
    agree("nested_literal");
  }
  // The block of ranks that counts once through these bits shares one seed, from which the
  // preset draws the outcome's mechanism class and the treatment's confounding: every class is
  // balanced on all of them.
  const std::uint64_t block = rank / bit;
  target.block_seed = Rng::item_seed(options_.seed ^ kBlockStream, block * types.size() + t);
  return target;
}

namespace {

/// The seed of item `structure_index`'s draw `attempt` under `master` (a record's `seed`).
std::uint64_t draw_seed(std::uint64_t master, std::uint64_t structure_index, int attempt) {
  std::uint64_t seed = Rng::item_seed(master, structure_index);
  if (attempt > 0) seed = Rng::item_seed(seed, static_cast<std::uint64_t>(attempt));
  return seed;
}

}  // namespace

std::string Generator::structure(std::uint64_t index, int attempt) const { return make(index, attempt, false).structure; }

std::optional<int> Generator::attempt_of(std::uint64_t index, std::uint64_t seed) const {
  const std::uint64_t structure_index = index / static_cast<std::uint64_t>(options_.name_variants);
  for (int attempt = 0; attempt <= kMaxRedraws; ++attempt) {
    if (draw_seed(options_.seed, structure_index, attempt) == seed) return attempt;
  }
  return std::nullopt;
}

Generator::Made Generator::make(std::uint64_t index, int attempt, bool full) const {
  if (options_.preset == "linear") return make_linear(index, attempt, full);
  const auto variants = static_cast<std::uint64_t>(options_.name_variants);
  const std::uint64_t structure_index = index / variants;
  const std::uint64_t seed = draw_seed(options_.seed, structure_index, attempt);
  Rng rng(seed);
  Rng names(Rng::item_seed(options_.seed ^ kNameStream, index * (kMaxRedraws + 1) + static_cast<std::uint64_t>(attempt)));
  ItemTarget goal = target(structure_index);
  // Small models hold few distinct items of some outcome classes: the late redraws of a repeated
  // structure draw the class freely (that item's class is then not balanced by construction).
  if (attempt > kMaxRedraws / 2) goal.block_seed = 0;
  // The preset meets the answer and the factual-value target; the shortcut procedures' targets
  // are checked here, redrawing until every one holds. Small models cannot meet every
  // combination, so every kRelaxEvery draws the last remaining shortcut target is dropped
  // (deterministically: the same draws happen on every run).
  Item item = preset_->make(rng, names, goal);
  if (item.agreements_met) {
    goal.agreements = *item.agreements_met;  // met by the preset; checked on the exact distractors below
  } else {
    auto solved = [&] {
      auto ds = distractors(item.model, item.query, item.readings, false);
      ds.insert(ds.end(), item.computed.begin(), item.computed.end());
      return ds;
    };
    for (int tries = 1; item.yes_no && !goal.agreements.empty() && !meets(goal, item.decision, solved()); ++tries) {
      if (tries % kRelaxEvery == 0 && !goal.agreements.empty()) goal.agreements.pop_back();
      if (tries >= kMaxShortcutTries) {
        throw Error(fmt::format("item {}: no {} item meeting the balance targets in {} draws; relax the knobs", index,
                                goal.type, kMaxShortcutTries));
      }
      item = preset_->make(rng, names, goal);
    }
  }
  Made made;
  made.structure = structure_hash(item.model, item.query);
  if (!full) return made;  // structure() needs no more

  std::vector<Distractor> procedures =
      item.distractors ? std::move(*item.distractors) : distractors(item.model, item.query, item.readings);
  procedures.insert(procedures.end(), item.computed.begin(), item.computed.end());

  // Every answer twice: the two methods must agree exactly, or nothing is written.
  const Answer ve = solve(item.model, item.query, {.method = Method::variable_elimination, .trace = true, .fallback = false});
  const Answer en = solve(item.model, item.query, {.method = Method::enumeration, .fallback = false});
  if (ve.value != en.value) {
    throw Error(fmt::format("item {}: variable elimination gives {} but enumeration gives {} for {}; not written",
                            index, to_string(ve.value), to_string(en.value), to_string(item.query, item.model)));
  }
  const Rational& value = ve.value;
  const Trace& trace = *ve.trace;
  // (An undetermined item's target answer is that of the formula ignoring the hidden variables.)
  const bool undetermined_item = item.identification && !item.identification->identifiable;
  if (item.agreements_met &&
      ((!undetermined_item && item.decision.answer(value) != (goal.answer ? "yes" : "no")) || !meets(goal, item.decision, procedures))) {
    throw Error(fmt::format("item {}: the answer or shortcut agreements the preset met differ from the exact "
                            "solves for {} (a bug); not written",
                            index, to_string(item.query, item.model)));
  }

  made.line.reserve(kLineReserve);
  JsonWriter out(made.line);
  out.begin_object();
  out.key("id").value(fmt::format("{}-s{}-{}", options_.preset, options_.seed, index));
  // A run with --splits: whole structures (index / name_variants) in one split (GeneratorOptions::split_of).
  if (!options_.splits.empty()) out.key("split").value(options_.split_of(index));
  out.key("given_info").value(item.given_info);
  out.key("question").value(item.question);
  out.key("prompt").value(item.prompt);
  // An item whose query the stated observed quantities do not identify is undetermined, whatever
  // the value in the model behind it.
  // An item that asks for bounds answers with them.
  const bool undetermined = item.identification && !item.identification->identifiable;
  out.key("answer").value(item.interval ? interval_string(item.interval->first, item.interval->second)
                          : undetermined ? std::string("undetermined")
                          : item.yes_no  ? item.decision.answer(value)
                                         : to_string(value));
  out.key("value");
  write_value_json(out, value);
  if (item.yes_no) out.key("decision").value(to_string(item.decision));
  out.key("type").value(item.type);
  out.key("query_type").value(item.query_type);
  out.key("rung").value(rung_of(item.query));
  out.key("formal_query").value(to_string(item.query, item.model));
  out.key("model");
  write_json(out, item.model);
  out.key("name_style").value(to_string(options_.name_style));
  out.key("difficulty");
  write_difficulty(out, item, trace);
  if (item.identification) {
    // From the text: the steps a solver takes on what the question states; then the check on the
    // full model (the trace).
    const ItemIdentification& id = *item.identification;
    if (id.identifiable && item.yes_no && item.decision.answer(id.value_from_text) != item.decision.answer(value)) {
      throw Error(fmt::format("item {}: the stated numbers decide {} but the model decides {} (a bug); not written", index,
                              item.decision.answer(id.value_from_text), item.decision.answer(value)));
    }
    out.key("identification").begin_object();
    out.key("given").value("observed");
    out.key("hidden").strings(id.hidden);
    out.key("identifiable").value(id.identifiable);
    if (!id.identifiable) out.key("reason").value(id.reason);
    out.key("method").value(id.method);
    out.key("estimand").value(id.estimand);
    out.key("estimand_latex").value(id.estimand_latex);
    out.key("stated").begin_array();
    for (const auto& n : id.stated) {
      out.begin_object().key("probability").value(n.probability).key("exact");
      write_value_json(out, n.exact);
      out.key("shown");
      write_value_json(out, n.shown);
      out.end_object();
    }
    out.end_array();
    // For an undetermined item, the value of the formula that ignores the hidden variables.
    out.key(id.identifiable ? "value_from_text" : "assume_identifiable_from_text");
    write_value_json(out, id.value_from_text);
    if (id.bounds) {
      out.key("bounds").begin_object().key("lower");
      write_value_json(out, id.bounds->first);
      out.key("upper");
      write_value_json(out, id.bounds->second);
      out.end_object();
    }
    if (id.bounds_from_text) {
      out.key("bounds_from_text").begin_object().key("lower");
      write_value_json(out, id.bounds_from_text->first);
      out.key("upper");
      write_value_json(out, id.bounds_from_text->second);
      out.end_object();
      out.key("bounds_method").value(id.bounds_method);
    }
    out.end_object();
  }
  std::string reasoning;
  if (item.identification) {
    for (const auto& step : item.identification->steps) reasoning += step + "\n";
    reasoning += "Check on the full model:\n";
  }
  reasoning += to_text(trace, item.model);
  out.key("reasoning").begin_object().key("text").value(reasoning);
  if (item.identification) out.key("steps").strings(item.identification->steps);
  out.key("trace");
  write_json(out, trace);
  out.end_object();
  out.key("distractors");
  write_json(out, procedures, item.yes_no ? &item.decision : nullptr);
  out.key("structure").value(made.structure);
  out.key("seed").value(std::to_string(seed));  // a string: 64-bit integers do not survive JSON readers that use doubles
  out.key("question_id").value(std::to_string(index));  // CounterBench's harness keys items by it
  out.key("meta");
  write_meta(out, item.meta, item.query_type, rung_of(item.query), index);
  out.end_object();
  return made;
}

Generator::Made Generator::make_linear(std::uint64_t index, int attempt, bool full) const {
  const auto variants = static_cast<std::uint64_t>(options_.name_variants);
  const std::uint64_t structure_index = index / variants;
  const std::uint64_t seed = draw_seed(options_.seed, structure_index, attempt);
  Rng rng(seed);
  Rng names(Rng::item_seed(options_.seed ^ kNameStream, index * (kMaxRedraws + 1) + static_cast<std::uint64_t>(attempt)));
  const LinearItem item = static_cast<const LinearPreset&>(*preset_).make_linear(rng, names, target(structure_index));
  Made made;
  made.structure = linear_structure_hash(item.model, item.query);
  if (!full) return made;

  // Every answer twice: abduction (with the trace) and the parallel-worlds Gaussian, which
  // share no code beyond the model, must agree exactly with each other and with the preset.
  const LinearAnswer by_abduction = solve(item.model, item.query, {.method = LinearMethod::abduction, .trace = true});
  const LinearAnswer by_worlds = solve(item.model, item.query, {.method = LinearMethod::parallel_worlds});
  if (!by_abduction.exact || !by_worlds.exact || by_abduction.value != by_worlds.value || by_abduction.value != item.value) {
    throw Error(fmt::format("item {}: abduction gives {} but the parallel worlds give {} for {}; not written", index,
                            to_string(by_abduction.value), to_string(by_worlds.value), to_string(item.query, item.model)));
  }
  const Rational& value = by_abduction.value;
  const LinearTrace& trace = *by_abduction.trace;
  const std::string formal = to_string(item.query, item.model);

  made.line.reserve(kLineReserve);
  JsonWriter out(made.line);
  out.begin_object();
  out.key("id").value(fmt::format("{}-s{}-{}", options_.preset, options_.seed, index));
  if (!options_.splits.empty()) out.key("split").value(options_.split_of(index));  // as make()'s
  out.key("given_info").value(item.given_info);
  out.key("question").value(item.question);
  out.key("prompt").value(item.prompt);
  out.key("answer").value(to_string(value));
  out.key("value");
  write_value_json(out, value);
  out.key("type").value(item.type);
  out.key("query_type").value(item.type);
  out.key("rung").value(rung_of(item.query));
  out.key("formal_query").value(formal);
  out.key("model").raw(to_json(item.model).dump());
  out.key("name_style").value(to_string(options_.name_style));
  out.key("difficulty").begin_object().key("level").value(options_.difficulty);
  for (const auto& [key, v] : item.knobs.items()) out.key(key).json(v);
  out.key("reasoning_steps").value(static_cast<int>(trace.steps.size())).end_object();
  out.key("reasoning").begin_object().key("text").value(to_text(trace));
  out.key("trace").json(to_json(trace)).end_object();
  out.key("distractors");
  write_json(out, item.distractors, nullptr);
  out.key("structure").value(made.structure);
  out.key("seed").value(std::to_string(seed));
  out.key("question_id").value(std::to_string(index));
  out.key("meta");
  write_meta(out, item.meta, item.type, rung_of(item.query), index);
  out.end_object();
  return made;
}

void Generator::write_difficulty(JsonWriter& out, const Item& item, const Trace& trace) const {
  out.begin_object().key("level").value(options_.difficulty);
  for (const auto& [key, v] : item.knobs.items()) {
    if (key != "level" && key != "reasoning_steps") out.key(key).json(v);  // the generator's own fields win
  }
  out.key("reasoning_steps").value(reasoning_steps(trace)).end_object();
}

void Generator::write_meta(JsonWriter& out, const rung::ordered_json& meta, const std::string& query_type, int rung,
                           std::uint64_t index) const {
  const auto variants = static_cast<std::uint64_t>(options_.name_variants);
  out.begin_object();
  out.key("story_id").value(meta.value("story_id", ""));
  out.key("graph_id").value(meta.value("graph_id", ""));
  out.key("query_type").value(meta.value("query_type", query_type));
  out.key("rung").value(rung);
  out.key("model_id").value(index / variants);
  static constexpr std::array<std::string_view, 7> kOwn = {"story_id", "graph_id",     "query_type", "rung",
                                                           "model_id", "name_variant", "options"};
  for (const auto& [key, v] : meta.items()) {
    // preset-specific: treatment, outcome, polarity, ...
    if (std::find(kOwn.begin(), kOwn.end(), key) == kOwn.end()) out.key(key).json(v);
  }
  out.key("name_variant").value(index % variants);
  out.key("options").raw(options_json_);  // written once, by the constructor
  out.end_object();
}

rung::ordered_json Generator::record(std::uint64_t index, int attempt) const {
  return rung::ordered_json::parse(line(index, attempt));
}

std::string Generator::line(std::uint64_t index, int attempt) const { return make(index, attempt, true).line; }

void Generator::write(std::ostream& out, const RunOptions& run) const {
  if (run.shards == 0 || run.shard == 0 || run.shard > run.shards) {
    throw UsageError(fmt::format("--shard {}/{}: expected I/N with 1 <= I <= N", run.shard, run.shards));
  }
  const std::uint64_t total = options_.count;
  const std::uint64_t first = total * (run.shard - 1) / run.shards;
  const std::uint64_t last = total * run.shard / run.shards;
  const unsigned threads = std::max(1U, run.threads);
  const auto variants = static_cast<std::uint64_t>(options_.name_variants);

  // Structures already emitted (first variant of each), as structure_key numbers: 8 bytes and a
  // node each, the one thing that grows with the run. Only looked up, never iterated.
  StructureKeys seen;
  const auto key_of = [](const std::string& structure) {
    const auto key = structure_key(structure);
    if (!key) throw std::logic_error("generator: a structure that is not a structure hash: " + structure);
    return *key;
  };

  // Runs make() for indices [from, to) at their first draw, on `threads` threads.
  auto make_block = [&](std::uint64_t from, std::uint64_t to) {
    std::vector<Made> block(to - from);
    std::atomic<std::uint64_t> next{from};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto worker = [&] {
      for (std::uint64_t i = next++; i < to; i = next++) {
        try {
          block[i - from] = make(i, 0, true);
        } catch (...) {
          std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    return block;
  };

  // The structure whose variant 0 was accepted last, and the draw it was accepted at.
  std::optional<std::uint64_t> accepted_structure;
  int accepted_attempt = 0;
  // Accepts item i (drawn as `made`), redrawing while its structure repeats an earlier one.
  auto accept = [&](std::uint64_t i, Made made) {
    if (i % variants != 0) {
      // Name variants share their structure on purpose: variant 0's, so they take its draw. (A
      // shard that starts after variant 0 cannot know it; merge_shards mends those variants.)
      if (accepted_structure == i / variants && accepted_attempt != 0) return make(i, accepted_attempt, true);
      return made;
    }
    int attempt = 0;
    while (!seen.insert(key_of(made.structure)).second) {
      if (++attempt > kMaxRedraws) {
        throw Error(fmt::format("item {}: every draw repeats an earlier structure after {} attempts; the knobs "
                                "allow too few distinct items for --count {}",
                                i, kMaxRedraws, total));
      }
      made = make(i, attempt, true);
    }
    accepted_structure = i / variants;
    accepted_attempt = attempt;
    return made;
  };

  const std::uint64_t block_size = 256 * threads;
  // Only this shard's own items are compared: a shard costs its range, and merge_shards
  // resolves the structures that repeat across shards (docs/generator.md, "Shards").
  for (std::uint64_t from = first; from < last; from += block_size) {
    const std::uint64_t to = std::min(last, from + block_size);
    auto block = make_block(from, to);
    for (std::uint64_t i = from; i < to; ++i) {
      Made made = accept(i, std::move(block[i - from]));
      out << made.line << '\n';
    }
    if (run.progress) run.progress(to - first, last - first);
  }
}

}  // namespace rung
