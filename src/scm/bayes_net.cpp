#include "rung/scm/bayes_net.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace rung {

namespace {

/// Rows of a CPT (product of the parents' state counts), or nullopt past 2^32.
std::optional<std::size_t> row_count(const BayesNet& net, const BayesNet::Node& node) {
  std::size_t rows = 1;
  for (const auto& p : node.parents) {
    const auto i = net.find(p);
    if (!i) return std::nullopt;
    rows *= std::max<std::size_t>(net.nodes[*i].states.size(), 1);
    if (rows > (std::size_t{1} << 32)) return std::nullopt;
  }
  return rows;
}

/// `(a, b)`: the parents' states of row `r`.
std::string row_name(const BayesNet& net, const BayesNet::Node& node, std::size_t r) {
  std::vector<std::string> states(node.parents.size());
  for (std::size_t i = node.parents.size(); i-- > 0;) {
    const auto& ps = net.nodes[*net.find(node.parents[i])].states;
    states[i] = write_label(ps[r % ps.size()]);
    r /= ps.size();
  }
  return fmt::format("({})", fmt::join(states, ", "));
}

std::string where_row(const BayesNet& net, const BayesNet::Node& node, std::size_t r) {
  return node.parents.empty() ? fmt::format("the table of {}", node.name)
                              : fmt::format("the row {} of {}", row_name(net, node, r), node.name);
}

Location row_location(const BayesNet::Node& node, std::size_t r) {
  if (r < node.row_at.size() && node.row_at[r].line > 0) return node.row_at[r];
  return node.cpt_at;
}

}  // namespace

std::optional<std::size_t> BayesNet::find(std::string_view node_name) const {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name == node_name) return i;
  }
  return std::nullopt;
}

std::vector<Diagnostic> check_cpts(BayesNet& net, const CptOptions& options, CptReport* report) {
  std::vector<Diagnostic> problems;
  auto add = [&](Location at, std::string message) { problems.push_back({"", at.line, at.column, std::move(message)}); };
  std::map<std::string, std::size_t, std::less<>> first;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const auto& n = net.nodes[i];
    if (!first.emplace(n.name, i).second) {
      add(n.at, fmt::format("variable {} is declared twice (first on line {})", n.name, net.nodes[first[n.name]].at.line));
    }
    if (n.states.empty()) add(n.at, fmt::format("variable {} has no states", n.name));
  }
  for (auto& node : net.nodes) {
    if (!node.has_cpt) {
      add(node.at, fmt::format("variable {} has no probability table", node.name));
      continue;
    }
    bool parents_ok = true;
    std::set<std::string> seen;
    for (const auto& p : node.parents) {
      if (!net.find(p)) {
        add(node.cpt_at, fmt::format("unknown parent '{}' in the probability table of {}", p, node.name));
        parents_ok = false;
      } else if (p == node.name) {
        add(node.cpt_at, fmt::format("{} is its own parent", node.name));
        parents_ok = false;
      } else if (!seen.insert(p).second) {
        add(node.cpt_at, fmt::format("parent {} is listed twice in the probability table of {}", p, node.name));
        parents_ok = false;
      }
    }
    if (!parents_ok || node.states.empty()) continue;
    const auto rows = row_count(net, node);
    if (!rows) {
      add(node.cpt_at, fmt::format("the probability table of {} has more than 2^32 rows", node.name));
      continue;
    }
    if (node.cpt.size() != *rows) {
      add(node.cpt_at, fmt::format("the probability table of {} has {} rows, expected {}", node.name, node.cpt.size(), *rows));
      continue;
    }
    for (std::size_t r = 0; r < node.cpt.size(); ++r) {
      auto& row = node.cpt[r];
      if (row.size() != node.states.size()) {
        add(row_location(node, r), fmt::format("{} has {} probabilities, expected {} (one per state of {})",
                                                where_row(net, node, r), row.size(), node.states.size(), node.name));
        continue;
      }
      Rational sum = 0;
      bool negative = false;
      for (const auto& p : row) {
        if (p < 0) negative = true;
        sum += p;
      }
      if (negative) {
        add(row_location(node, r), fmt::format("negative probability in {}", where_row(net, node, r)));
        continue;
      }
      if (sum == 1) continue;
      if (!options.normalize || sum == 0) {
        add(row_location(node, r),
            fmt::format("{} sums to {} ({}), not 1{}", where_row(net, node, r), to_decimal(sum, 12), to_string(sum),
                        sum == 0 ? "" : "; --normalize-cpts rescales such rows"));
        continue;
      }
      for (auto& p : row) p /= sum;
      if (report != nullptr) {
        ++report->rows_rescaled;
        Rational correction = sum - 1;
        if (correction < 0) correction = -correction;
        if (correction > report->largest_correction) {
          report->largest_correction = correction;
          report->largest_where = where_row(net, node, r);
        }
      }
    }
  }
  return problems;
}

Scm to_scm(const BayesNet& net) {
  ScmBuilder b;
  std::vector<Diagnostic> refused;
  for (const auto& node : net.nodes) {
    std::optional<Domain> states;
    try {
      states.emplace(node.states);
    } catch (const InvalidModel& e) {
      refused.push_back({"", node.at.line, node.at.column, fmt::format("variable {}: {}", node.name, e.what())});
      continue;
    }
    DeclarationSource at{node.at, node.at, node.cpt_at};
    CptSpec cpt;
    cpt.parents = node.parents;
    cpt.rows.reserve(node.cpt.size());
    std::vector<const std::vector<std::string>*> parent_states;
    for (const auto& p : node.parents) parent_states.push_back(&net.nodes[*net.find(p)].states);
    for (std::size_t r = 0; r < node.cpt.size(); ++r) {
      CptSpec::Row row;
      row.given.resize(node.parents.size());
      std::size_t rest = r;
      for (std::size_t i = node.parents.size(); i-- > 0;) {
        const auto& ps = *parent_states[i];
        row.given[i] = ps[rest % ps.size()];
        rest /= ps.size();
      }
      row.p = node.cpt[r];
      row.at = row_location(node, r);
      cpt.rows.push_back(std::move(row));
    }
    b.endogenous(node.name, std::move(*states), std::move(cpt), at);
  }
  if (!refused.empty()) throw ParseError(std::move(refused));
  try {
    return b.build();
  } catch (const InvalidModel&) {
    throw ParseError(b.problems());
  }
}

BayesNet to_bayes_net(const Scm& scm) {
  constexpr std::size_t kMaxNoise = std::size_t{1} << 20;
  BayesNet net;
  std::vector<int> reader(scm.size(), -1);  // per exogenous variable: the endogenous one reading it
  for (VarId v : scm.endogenous()) {
    for (VarId p : scm.mechanism(v).parents()) {
      if (!scm.is_exogenous(p)) continue;
      if (reader[p] >= 0) {
        throw InvalidModel(fmt::format("cannot write a Bayesian network: {} is read by both {} and {} (a network "
                                       "needs independent noise for each variable)",
                                       scm.name(p), scm.name(static_cast<VarId>(reader[p])), scm.name(v)));
      }
      reader[p] = static_cast<int>(v);
    }
  }
  for (VarId v : scm.endogenous()) {
    BayesNet::Node node;
    node.name = scm.name(v);
    node.states = scm.domain(v).labels();
    std::vector<VarId> parents;
    std::vector<VarId> noise;
    if (scm.mechanism(v).is_cpt()) {  // the table as it is: no noise to sum over
      const Mechanism& m = scm.mechanism(v);
      for (auto [p, radix] : m.cpt_parents()) node.parents.push_back(scm.name(p));
      const auto& p = m.cpt_probabilities();
      for (std::size_t r = 0; r * m.cpt_values() < p.size(); ++r) {
        node.cpt.emplace_back(p.begin() + static_cast<std::ptrdiff_t>(r * m.cpt_values()),
                              p.begin() + static_cast<std::ptrdiff_t>((r + 1) * m.cpt_values()));
      }
      node.has_cpt = true;
      net.nodes.push_back(std::move(node));
      continue;
    }
    for (VarId p : scm.mechanism(v).parents()) (scm.is_exogenous(p) ? noise : parents).push_back(p);
    if (scm.mechanism(v).is_table()) {  // the parents in the order the table lists them (as read)
      parents.clear();
      for (const auto& input : scm.mechanism(v).table().inputs) {
        const VarId p = *scm.find(input);
        if (!scm.is_exogenous(p)) parents.push_back(p);
      }
    }
    for (VarId p : parents) node.parents.push_back(scm.name(p));
    std::size_t noise_values = 1;
    for (VarId u : noise) {
      noise_values *= scm.domain(u).size();
      if (noise_values > kMaxNoise) {
        throw InvalidModel(fmt::format("cannot write a Bayesian network: the noise of {} has more than {} values",
                                       node.name, kMaxNoise));
      }
    }
    std::size_t rows = 1;
    for (VarId p : parents) rows *= scm.domain(p).size();
    if (rows * noise_values > kMaxNoise * 16) {
      throw InvalidModel(fmt::format("cannot write a Bayesian network: the table of {} is too large", node.name));
    }
    std::vector<Value> values(scm.size(), 0);
    for (std::size_t r = 0; r < rows; ++r) {
      std::size_t rest = r;
      for (std::size_t i = parents.size(); i-- > 0;) {
        values[parents[i]] = static_cast<Value>(rest % scm.domain(parents[i]).size());
        rest /= scm.domain(parents[i]).size();
      }
      std::vector<Rational> row(node.states.size(), Rational(0));
      for (std::size_t k = 0; k < noise_values; ++k) {
        std::size_t krest = k;
        Rational weight = 1;
        for (std::size_t i = noise.size(); i-- > 0;) {
          const auto size = scm.domain(noise[i]).size();
          values[noise[i]] = static_cast<Value>(krest % size);
          krest /= size;
          weight *= scm.prior(noise[i])[values[noise[i]]];
        }
        if (weight == 0) continue;
        row[scm.mechanism(v).evaluate(values)] += weight;
      }
      node.cpt.push_back(std::move(row));
    }
    node.has_cpt = true;
    net.nodes.push_back(std::move(node));
  }
  return net;
}

}  // namespace rung
