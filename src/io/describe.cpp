#include "rung/io/describe.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rung {

namespace {

std::string join_names(const Scm& scm, const NodeSet& ids) {
  std::vector<std::string> names;
  names.reserve(ids.size());
  for (VarId id : ids) names.push_back(scm.name(id));
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string indent_continuation(const std::string& text, std::size_t width) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out.append(width, ' ');
  }
  return out;
}

}  // namespace

std::string describe(const Scm& scm) {
  const auto exo = scm.exogenous();
  const auto endo = scm.endogenous();
  std::size_t name_width = 1;
  std::size_t domain_width = 1;
  // A CPT's noise may have thousands of values: its domain is shown as `{0..K-1}`, its prior only when short.
  const auto domain_text = [&](VarId id) {
    const Variable& v = scm.variable(id);
    return v.implied ? fmt::format("{{0..{}}}", v.domain.size() - 1) : v.domain.to_string();
  };
  for (VarId id = 0; id < scm.size(); ++id) {
    name_width = std::max(name_width, scm.name(id).size());
    domain_width = std::max(domain_width, domain_text(id).size());
  }
  std::vector<std::string> noise_of(scm.size());
  for (VarId id : scm.endogenous()) {
    if (scm.mechanism(id).is_cpt()) noise_of[scm.mechanism(id).cpt_noise()] = scm.name(id);
  }
  std::string out = fmt::format("{} exogenous, {} endogenous variables, {} arcs\n", exo.size(), endo.size(),
                                scm.dag().arc_count());

  out += "\nexogenous (prior over the domain, in order)\n";
  for (VarId id : exo) {
    if (scm.variable(id).implied) {  // the prior in full when it is short
      std::string prior;
      if (scm.prior(id).size() <= 8) {
        std::vector<std::string> p;
        for (const auto& q : scm.prior(id)) p.push_back(to_string(q));
        prior = fmt::format("({}), ", fmt::join(p, ", "));
      }
      out += fmt::format("  {:<{}}  {:<{}}  ~ {}the canonical noise of {}'s CPT\n", scm.name(id), name_width,
                         domain_text(id), domain_width, prior, noise_of[id]);
      continue;
    }
    std::vector<std::string> p;
    for (const auto& q : scm.prior(id)) p.push_back(to_string(q));
    out += fmt::format("  {:<{}}  {:<{}}  ~ ({})\n", scm.name(id), name_width, scm.domain(id).to_string(), domain_width,
                       fmt::join(p, ", "));
  }

  out += "\nendogenous (in evaluation order)\n";
  const std::size_t mech_column = 2 + name_width + 2 + domain_width + 2 + 3;
  for (VarId id : scm.evaluation_order()) {
    out += fmt::format("  {:<{}}  {:<{}}  {} {}\n", scm.name(id), name_width, scm.domain(id).to_string(), domain_width,
                       scm.mechanism(id).is_cpt() ? "~ " : ":=", indent_continuation(scm.mechanism(id).to_string(), mech_column));
  }
  if (const auto hidden = scm.hidden(); !hidden.empty()) {
    out += fmt::format("\nhidden (not observed: read by `rung identify`)\n  {}\n", join_names(scm, hidden));
  }

  out += "\nparents\n";
  for (VarId id : scm.evaluation_order()) {
    const auto parents = scm.dag().parents(id);
    out += fmt::format("  {:<{}}  <- {}\n", scm.name(id), name_width, parents.empty() ? "(none)" : join_names(scm, parents));
  }
  return out;
}

}  // namespace rung
