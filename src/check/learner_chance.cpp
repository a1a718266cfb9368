#include "rung/check/learner_chance.hpp"

#include "rung/core/json.hpp"
#include "rung/gen/random.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

namespace rung {

namespace {

constexpr std::uint64_t kShuffleStream = 0x6c6561726e636861ULL;  // "learncha"

/// Each cell's best accuracy, keyed by (learner, group); "all" for the pooled cell.
std::map<std::pair<std::string, std::string>, double> best_rates(const LearnedShortcuts& s) {
  std::map<std::pair<std::string, std::string>, double> out;
  for (const auto& l : s.classifiers) {
    out[{l.name, "all"}] = l.all.best().rate();
    for (const auto& [group, cell] : l.by_group) out[{l.name, group}] = cell.best().rate();
  }
  return out;
}

/// The largest best-accuracy excess over the majority share among the per-type cells, and the
/// cell's name ("learner/type"). With one group only the "all" cell is that type's cell.
std::pair<double, std::string> max_excess(const std::map<std::pair<std::string, std::string>, double>& rates,
                                          const std::map<std::string, double>& majority, bool one_group) {
  std::pair<double, std::string> best{-1.0, ""};
  for (const auto& [key, rate] : rates) {
    if ((key.second == "all") != one_group) continue;
    const auto m = majority.find(key.second);
    if (m == majority.end()) continue;
    const double excess = rate - m->second;
    if (best.second.empty() || excess > best.first) best = {excess, key.first + "/" + key.second};
  }
  return best;
}

/// Nearest-rank percentile q (0..1] of the sorted values.
double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

}  // namespace

LearnerChance learner_chance(const std::vector<LearnerRecord>& records, const LearnedShortcuts& observed,
                             const LearnerOptions& options, unsigned shuffles) {
  LearnerChance c;
  if (shuffles == 0 || observed.classifiers.empty()) return c;
  c.shuffles = shuffles;
  // The classifiers read the yes/no records only; the numeric ones are left out of the shuffled
  // runs (they change no classifier cell).
  std::vector<LearnerRecord> rows;
  for (const auto& r : records) {
    if (!r.numeric) rows.push_back(r);
  }
  std::map<std::string, std::vector<std::size_t>> by_group;
  for (std::size_t i = 0; i < rows.size(); ++i) by_group[rows[i].group].push_back(i);
  // Majority shares: the same before and after any shuffle within the groups.
  std::map<std::string, double> majority;
  {
    std::map<std::string, std::map<std::string, std::size_t>> counts;
    for (const auto& r : rows) {
      ++counts[r.group][r.answer];
      ++counts["all"][r.answer];
    }
    for (const auto& [group, answers] : counts) {
      std::size_t most = 0;
      std::size_t total = 0;
      for (const auto& [answer, n] : answers) {
        most = std::max(most, n);
        total += n;
      }
      majority[group] = static_cast<double>(most) / static_cast<double>(total);
    }
  }
  const bool one_group = by_group.size() == 1;
  const auto seen = best_rates(observed);
  std::tie(c.observed_max_excess, c.max_cell) = max_excess(seen, majority, one_group);

  LearnerOptions quiet = options;
  quiet.explain_margin = 2.0;  // no cell is explained: importances are not computed
  std::map<std::pair<std::string, std::string>, std::vector<double>> runs;
  std::vector<std::string> answers;  // the real answers; `rows` gets each shuffle's in turn
  for (const auto& r : rows) answers.push_back(r.answer);
  for (unsigned s = 0; s < shuffles; ++s) {
    Rng rng(Rng::item_seed(options.seed ^ kShuffleStream, s));
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].answer = answers[i];
    for (const auto& [group, at] : by_group) {
      for (std::size_t i = at.size(); i > 1; --i) std::swap(rows[at[i - 1]].answer, rows[at[rng.below(i)]].answer);
    }
    const auto rates = best_rates(learned_shortcuts(rows, quiet));
    for (const auto& [key, rate] : rates) runs[key].push_back(rate);
    c.shuffled_max_excess.push_back(max_excess(rates, majority, one_group).first);
  }
  std::sort(c.shuffled_max_excess.begin(), c.shuffled_max_excess.end());
  const auto at_least = [](const std::vector<double>& v, double x) {
    // A shuffle that ties the observed rate counts (the conservative permutation p-value); rates
    // are correct/total, so equal counts give equal doubles.
    return static_cast<double>(1 + std::count_if(v.begin(), v.end(), [&](double y) { return y >= x - 1e-12; })) /
           static_cast<double>(1 + v.size());
  };
  c.max_p_value = at_least(c.shuffled_max_excess, c.observed_max_excess);

  for (const auto& l : observed.classifiers) {
    auto add = [&](const std::string& group, const LearnerCell& cell) {
      auto it = runs.find({l.name, group});
      if (it == runs.end()) return;
      std::vector<double> v = it->second;
      std::sort(v.begin(), v.end());
      ChanceCell out;
      out.learner = l.name;
      out.group = group;
      out.records = group == "all" ? rows.size() : by_group[group].size();
      out.majority = majority[group];
      out.observed = cell.best().rate();
      double sum = 0;
      for (double x : v) sum += x;
      out.mean = sum / static_cast<double>(v.size());
      out.p95 = percentile(v, 0.95);
      out.p_value = at_least(v, out.observed);
      c.cells.push_back(std::move(out));
    };
    add("all", l.all);
    for (const auto& group : observed.groups) {
      if (auto it = l.by_group.find(group); it != l.by_group.end()) add(group, it->second);
    }
  }
  return c;
}

std::string to_text(const LearnerChance& c) {
  if (c.shuffles == 0) return "";
  std::string out = fmt::format(
      "Learners' chance level ({} shuffles of the answers within each type; best = the better of pooled and per-type, "
      "as above; p = (1 + shuffles scoring at least as well) / (1 + shuffles))\n",
      c.shuffles);
  std::size_t width = 4;
  for (const auto& cell : c.cells) width = std::max(width, cell.group.size());
  out += fmt::format("  learner  {:<{}}  records  majority    best  shuffled mean  shuffled 95%      p\n", "type", width);
  std::string last;
  for (const auto& cell : c.cells) {
    out += fmt::format("  {:<7}  {:<{}}  {:>7}  {:>7.1f}%  {:>5.1f}%  {:>12.1f}%  {:>11.1f}%  {:>5.3f}\n",
                       cell.learner == last ? "" : cell.learner, cell.group, width, cell.records, 100 * cell.majority,
                       100 * cell.observed, 100 * cell.mean, 100 * cell.p95, cell.p_value);
    last = cell.learner;
  }
  const auto& v = c.shuffled_max_excess;
  out += fmt::format(
      "  largest excess of a cell over its most common answer's share: {:+.1f} points ({}); on shuffled answers median "
      "{:+.1f}, 95th percentile {:+.1f}, largest {:+.1f}; p = {:.3f}\n",
      100 * c.observed_max_excess, c.max_cell, 100 * percentile(v, 0.5), 100 * percentile(v, 0.95),
      v.empty() ? 0.0 : 100 * v.back(), c.max_p_value);
  return out;
}

rung::ordered_json to_json(const LearnerChance& c) {
  rung::ordered_json j;
  j["shuffles"] = c.shuffles;
  j["cells"] = rung::ordered_json::array();
  for (const auto& cell : c.cells) {
    j["cells"].push_back({{"learner", cell.learner},
                          {"type", cell.group},
                          {"records", cell.records},
                          {"majority", cell.majority},
                          {"best", cell.observed},
                          {"shuffled_mean", cell.mean},
                          {"shuffled_p95", cell.p95},
                          {"p_value", cell.p_value}});
  }
  j["max_excess"] = {{"cell", c.max_cell},
                     {"observed", c.observed_max_excess},
                     {"shuffled", c.shuffled_max_excess},
                     {"p_value", c.max_p_value}};
  return j;
}

}  // namespace rung
