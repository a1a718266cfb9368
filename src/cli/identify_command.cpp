// `rung identify MODEL -q QUERY [--hidden A,B] [--evaluate] [--json]`: is P(Y=y | do(X=x))
// computable from the observed variables' distribution, and by which formula (docs/identification.md).
#include "rung/cli/commands.hpp"
#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/identify/counterfactual.hpp"
#include "rung/identify/bounds.hpp"
#include "rung/identify/identify.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/model_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <ostream>

namespace rung::cli {

namespace {

/// True for a query the interventional path (ID, IDC) does not take: several parts, an
/// expectation, or terms in more than one world (nested settings included).
bool needs_id_star(const Query& q) {
  return q.parts.size() != 1 || !std::holds_alternative<Probability>(q.parts[0].quantity) || rung_of(q) == 3;
}

/// A query of the form of a probability of causation over a binary treatment X and outcome Y:
/// P(Y[X=a]=b, Y[X=c]=d) (PNS, x=a, y=b) or P(Y[X=a]=b | X=c, Y=d) (PN, x=c, y=d; PS is the
/// same form with the roles of the values swapped), a != c, b != d. As an Estimand, or nullopt.
std::optional<Estimand> causation_form(const Query& q, const Scm& m) {
  if (q.parts.size() != 1 || q.parts[0].sign != 1) return std::nullopt;
  const auto* p = std::get_if<Probability>(&q.parts[0].quantity);
  if (p == nullptr) return std::nullopt;
  const auto one_setting = [](const Term& t) { return t.settings.size() == 1 && !t.settings[0].is_nested(); };
  Estimand e;
  VarId x = 0, y = 0;
  if (p->events.size() == 2 && p->evidence.empty()) {
    const Event& a = p->events[0];
    const Event& c = p->events[1];
    if (!one_setting(a.term) || !one_setting(c.term) || a.term.var != c.term.var || a.term.settings[0].var != c.term.settings[0].var ||
        a.term.settings[0].value == c.term.settings[0].value || a.value == c.value) {
      return std::nullopt;
    }
    x = a.term.settings[0].var;
    y = a.term.var;
    e.kind = Estimand::Kind::pns;
    e.treated = m.domain(x).label(a.term.settings[0].value);
    e.control = m.domain(x).label(c.term.settings[0].value);
    e.outcome_value = m.domain(y).label(a.value);
    e.no_outcome_value = m.domain(y).label(c.value);
  } else if (p->events.size() == 1 && p->evidence.size() == 2) {
    const Event& a = p->events[0];
    if (!one_setting(a.term)) return std::nullopt;
    x = a.term.settings[0].var;
    y = a.term.var;
    const Event* ex = nullptr;
    const Event* ey = nullptr;
    for (const Event& ev : p->evidence) {
      if (!ev.term.settings.empty()) return std::nullopt;
      if (ev.term.var == x) ex = &ev;
      if (ev.term.var == y) ey = &ev;
    }
    if (ex == nullptr || ey == nullptr || ex->value == a.term.settings[0].value || ey->value == a.value) return std::nullopt;
    e.kind = Estimand::Kind::pn;
    e.treated = m.domain(x).label(ex->value);
    e.control = m.domain(x).label(a.term.settings[0].value);
    e.outcome_value = m.domain(y).label(ey->value);
    e.no_outcome_value = m.domain(y).label(a.value);
  } else {
    return std::nullopt;
  }
  if (m.domain(x).size() != 2 || m.domain(y).size() != 2) return std::nullopt;
  e.treatment = m.name(x);
  e.outcome = m.name(y);
  return e;
}

/// Tian and Pearl's bounds for a probability of causation that is not identifiable: the
/// experimental P(y_x), P(y_x') are used when ID identifies them from the observed distribution,
/// or with --experimental (the model's interventional answers, as a randomised experiment would
/// give them); else the bounds from observational data alone.
void add_causation_bounds(const Scm& m, const Admg& g, const Query& q, const Estimand& e, bool evaluate, bool experimental,
                          rung::ordered_json& j, std::string& text) {
  const int xi = g.index(*m.find(e.treatment));
  const int yi = g.index(*m.find(e.outcome));
  const bool identified = identify(g, VarMask{1} << yi, VarMask{1} << xi).identifiable;
  const bool with_experiments = identified || experimental;
  const char* name = e.kind == Estimand::Kind::pns ? "PNS" : "PN";
  const std::string source = identified ? "P(y_x) and P(y_x') identified from the observed distribution"
                             : experimental ? "P(y_x) and P(y_x') from the model's interventions (--experimental)"
                                            : "observational data only (--experimental adds P(y_x), P(y_x'))";
  j["causation_bounds"] = {{"kind", name}, {"data", source}};
  text += fmt::format("bounds (Tian and Pearl, {} of {} on {}; {}):", name, e.treatment, e.outcome, source);
  if (!evaluate) {
    text += " computed with --evaluate\n";
    return;
  }
  const CausationData d = causation_data(m, e, with_experiments);
  const Bounds b = e.kind == Estimand::Kind::pns ? pns_bounds(d) : pn_bounds(d);
  const Rational truth = solve(m, q).value;
  j["causation_bounds"]["lower"] = to_string(b.lower);
  j["causation_bounds"]["upper"] = to_string(b.upper);
  j["model_value"] = to_string(truth);
  text += fmt::format(" {} ({}) <= {} <= {} ({})\nthe model's own answer: {} ({})\n", to_string(b.lower), to_decimal(b.lower, 6), name,
                      to_string(b.upper), to_decimal(b.upper, 6), to_string(truth), to_decimal(truth, 6));
  if (truth < b.lower || truth > b.upper) throw Error(fmt::format("the model's {} lies outside Tian and Pearl's bounds (a bug)", name));
}

/// The response-function LP bounds (docs/identification.md, "Bounds"): what they are, and with
/// `compute` (empty without --evaluate) their values and the model's answer, checked to lie
/// within them. `worlds`: the query has counterfactual worlds (the text then says so and prints
/// the model's answer, which the interventional report prints beside the natural bounds).
void add_lp_bounds(const Admg& g, bool worlds, const std::function<std::pair<Bounds, Rational>()>& compute,
                   rung::ordered_json& j, std::string& text) {
  const std::uint64_t columns = ResponseFunctionLp::count_columns(g);
  if (columns > kMaxResponseColumns) {
    j["lp_bounds"] = "too large";
    text += fmt::format("bounds (linear program over {}): not computed, over {} columns\n",
                        worlds ? "counterfactual worlds" : "response functions", kMaxResponseColumns);
    return;
  }
  const bool sharp = ResponseFunctionLp::sharp_for(g);
  j["lp_bounds"] = sharp ? "sharp" : "valid";
  j["lp_columns"] = columns;
  const std::string what = fmt::format(
      "bounds (linear program over the response functions of {}{}, {} columns; {}):", g.names(ResponseFunctionLp::non_roots(g)),
      worlds ? " in every world" : "", columns, sharp ? "sharp, every two of them share a hidden cause" : "valid, not necessarily sharp");
  if (!compute) {
    text += what + " computed with --evaluate\n";
    return;
  }
  try {
    const auto [b, truth] = compute();
    j["lp_lower"] = to_string(b.lower);
    j["lp_upper"] = to_string(b.upper);
    text += fmt::format("{} {} ({}) <= {} <= {} ({})\n", what, to_string(b.lower), to_decimal(b.lower, 6), worlds ? "value" : "P",
                        to_string(b.upper), to_decimal(b.upper, 6));
    if (worlds) {
      j["model_value"] = to_string(truth);
      text += fmt::format("the model's own answer: {} ({})\n", to_string(truth), to_decimal(truth, 6));
    }
    if (truth < b.lower || truth > b.upper) throw Error("the model's answer lies outside the linear-program bounds (a bug)");
  } catch (const InvalidQuery& e) {  // evidence in an intervened world: not linear in the program's unknowns
    j["lp_bounds"] = "not computed";
    text += fmt::format("bounds (linear program over counterfactual worlds): not computed: {}\n", e.what());
  } catch (const TooLarge& e) {
    j["lp_bounds"] = "too large";
    text += fmt::format("{} not computed: {}\n", what, e.what());
  }
}

/// `rung identify` for a counterfactual query: ID* / IDC*, evaluated with --evaluate.
std::string identify_counterfactual_text(const Scm& m, const Admg& g, const Query& q, bool evaluate, bool experimental, bool json) {
  const CounterfactualIdentification r = identify_counterfactual(g, q, m);
  rung::ordered_json j;
  j["query"] = to_string(q, m);
  j["observed"] = g.names(g.all());
  j["identifiable"] = r.identifiable;
  j["algorithm"] = "ID*/IDC*";
  std::string text = fmt::format("query: {}\nobserved: {}\n", to_string(q, m), g.names(g.all()));
  if (!r.identifiable) {
    j["reason"] = r.reason;
    text += fmt::format("not identifiable (ID*/IDC*): {}\n", r.reason);
    if (const auto e = causation_form(q, m)) add_causation_bounds(m, g, q, *e, evaluate, experimental, j, text);
    std::function<std::pair<Bounds, Rational>()> compute;
    if (evaluate) compute = [&] { return std::pair{ResponseFunctionLp(observed_joint(m, g)).bounds(q, m), solve(m, q).value}; };
    add_lp_bounds(g, true, compute, j, text);
    return json ? report_json(j) : text;
  }
  j["conjunctions"] = r.conjunctions;
  j["evidence_moved"] = r.evidence_moved;
  j["estimand"] = r.estimand->to_string(g);
  j["latex"] = r.estimand->to_latex(g);
  if (r.evidence_moved > 0) {
    text += fmt::format("IDC* line 4: evidence acts as an intervention ({} time{})\n", r.evidence_moved, r.evidence_moved == 1 ? "" : "s");
  }
  text += fmt::format("estimand (ID*/IDC*, {} conjunction{} of events): {}\nLaTeX: {}\n", r.conjunctions,
                      r.conjunctions == 1 ? "" : "s", r.estimand->to_string(g), r.estimand->to_latex(g));
  if (evaluate) {
    const ObservedJoint p = observed_joint(m, g);
    const Rational value = r.estimand->evaluate(p);
    const Rational truth = solve(m, q).value;
    j["value"] = to_string(value);
    j["model_value"] = to_string(truth);
    text += fmt::format("value on the observed distribution: {} ({})\nthe model's own answer: {} ({})\n", to_string(value),
                        to_decimal(value, 6), to_string(truth), to_decimal(truth, 6));
    if (value != truth) throw Error(fmt::format("the estimand gives {} but the model gives {} (a bug)", to_string(value), to_string(truth)));
  }
  return json ? report_json(j) : text;
}

}  // namespace

void add_identify(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand(
      "identify",
      "Is a causal query computable from the observed distribution? Prints the estimand (ID and IDC for "
      "interventional queries, ID* and IDC* for counterfactuals) or why it is not");
  struct Args {
    std::string model;
    std::string query;
    std::vector<std::string> hidden;
    bool evaluate = false;
    bool experimental = false;
    bool json = false;
    bool normalize = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("MODEL", a->model, "Model file (.scm, JSON, BIF, XMLBIF, UAI)")->required();
  cmd->add_option("-q,--query", a->query, "P(Y=y | do(X=x), Z=z), or a counterfactual (P(Y[X=1]=1 | X=0), E(Y[X=1, M=M[X=0]]) - E(Y[X=0]), ...) "
                  "on observed variables")->required();
  cmd->add_option("--hidden", a->hidden,
                  "Endogenous variables that are not observed, comma-separated, besides those the model marks hidden "
                  "(exogenous ones never are; one shared by several variables is a hidden confounder)")
      ->delimiter(',');
  cmd->add_flag("--evaluate", a->evaluate,
                "Evaluate the estimand exactly on the model's observed distribution, beside the model's own answer");
  cmd->add_flag("--experimental", a->experimental,
                "For a probability of causation that is not identifiable: bound it with the experimental P(y_x), P(y_x') "
                "too (taken from the model, as a randomised experiment would give them)");
  cmd->add_flag("--json", a->json, "Print the result as JSON");
  cmd->add_flag("--normalize-cpts", a->normalize, kNormalizeHelp);
  cmd->callback([=] {
    *action = [a](Streams s) {
      if (is_linear_file(a->model)) refuse_linear(a->model, "rung identify");
      const Scm m = read_model(a->model, a->normalize, s.err);
      const Admg g = Admg::of(m, hidden_variables(m, a->hidden, a->model));
      const Query q = parse_query(a->query, m);
      if (needs_id_star(q)) {
        s.out << identify_counterfactual_text(m, g, q, a->evaluate, a->experimental, a->json);
        return 0;
      }
      const InterventionalQuery iq = interventional_query(q, m, g);
      const Identification r = identify(g, iq.y, iq.x, iq.z);
      rung::ordered_json j;
      j["query"] = to_string(q, m);
      j["observed"] = g.names(g.all());
      j["identifiable"] = r.identifiable;
      std::string text = fmt::format("query: {}\nobserved: {}\n", to_string(q, m), g.names(g.all()));
      if (!r.identifiable) {
        j["hedge"] = {{"F", g.names(r.hedge_f)}, {"F_prime", g.names(r.hedge_f_prime)}};
        j["reason"] = r.reason;
        text += fmt::format("not identifiable: {}\n", r.reason);
        if (!r.named.empty()) {
          j["named"] = r.named;
          j["named_set"] = g.names(r.named_set);
        }
        if (iq.z != 0) {
          text += "bounds: not computed for queries with evidence (yet)\n";
        } else {
          j["bounds"] = natural_bounds_text(g, iq.y, iq.x);
          text += fmt::format("bounds (natural, valid for every model of this observed distribution): {}\n",
                              natural_bounds_text(g, iq.y, iq.x));
        }
        if (a->evaluate && iq.z == 0) {
          const ObservedJoint p = observed_joint(m, g);
          const Bounds b = natural_bounds(p, iq.y, iq.x, iq.at);
          const Rational truth = solve(m, q).value;
          j["lower"] = to_string(b.lower);
          j["upper"] = to_string(b.upper);
          j["model_value"] = to_string(truth);
          text += fmt::format("on the observed distribution: {} ({}) <= P <= {} ({})\nthe model's own answer: {} ({})\n",
                              to_string(b.lower), to_decimal(b.lower, 6), to_string(b.upper), to_decimal(b.upper, 6),
                              to_string(truth), to_decimal(truth, 6));
          if (truth < b.lower || truth > b.upper) throw Error("the model's answer lies outside the bounds (a bug)");
          add_lp_bounds(g, false, [&] { return std::pair{ResponseFunctionLp(p).effect(iq.y, iq.x, iq.at), truth}; }, j, text);
        } else if (iq.z == 0) {
          add_lp_bounds(g, false, {}, j, text);
        }
      } else {
        if (r.evidence_moved != 0) {
          j["evidence_as_intervention"] = g.names(r.evidence_moved);
          text += fmt::format("rule 2 of the do-calculus: the evidence on {} acts as an intervention\n", g.names(r.evidence_moved));
        }
        if (!r.named.empty()) {
          j["named"] = r.named;
          if (r.named_estimand) {
            j["named_set"] = g.names(r.named_set);
            j["named_estimand"] = r.named_estimand->to_string(g);
            j["named_latex"] = r.named_estimand->to_latex(g);
            text += fmt::format("{} on {}: {}\n", r.named, g.names(r.named_set), r.named_estimand->to_string(g));
          } else {
            text += fmt::format("{}\n", r.named);
          }
        }
        j["estimand"] = r.estimand->to_string(g);
        j["latex"] = r.estimand->to_latex(g);
        text += fmt::format("estimand (ID algorithm): {}\nLaTeX: {}\n", r.estimand->to_string(g), r.estimand->to_latex(g));
        if (a->evaluate) {
          const ObservedJoint p = observed_joint(m, g);
          const Rational value = r.estimand->evaluate(p, iq.at);
          const Rational truth = solve(m, q).value;
          j["value"] = to_string(value);
          j["model_value"] = to_string(truth);
          text += fmt::format("value on the observed distribution: {} ({})\nthe model's own answer: {} ({})\n", to_string(value),
                              to_decimal(value, 6), to_string(truth), to_decimal(truth, 6));
          if (r.named_estimand) {
            const Rational named = r.named_estimand->evaluate(p, iq.at);
            j["named_value"] = to_string(named);
            text += fmt::format("{} formula's value: {}\n", r.named, to_string(named));
            if (named != truth) throw Error(fmt::format("the {} formula gives {} but the model gives {} (a bug)", r.named, to_string(named), to_string(truth)));
          }
          if (value != truth) throw Error(fmt::format("the estimand gives {} but the model gives {} (a bug)", to_string(value), to_string(truth)));
        }
      }
      s.out << (a->json ? report_json(j) : text);
      return 0;
    };
  });
}

}  // namespace rung::cli
