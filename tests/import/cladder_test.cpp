#include "rung/import/cladder.hpp"
#include "rung/core/json.hpp"
#include "rung/import/cladder_items.hpp"
#include "rung/core/error.hpp"

#include "rung/check/audit.hpp"
#include "rung/check/checker.hpp"

#include "rung/infer/solver.hpp"
#include "rung/io/scm_json.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#ifndef RUNG_SHARED_DIR
#define RUNG_SHARED_DIR "../shared"
#endif

namespace rung {
namespace {

using Json = rung::ordered_json;

/// One model of each CLadder graph family, copied from test-model-meta.json (model_id, graph_id,
/// structure, params and the stored groundtruth; nothing else).
const char* const kTenModels = R"json([
{"model_id": 0, "graph_id": "mediation", "structure": "X->V2,X->Y,V2->Y", "params": {"p(X)": 0.799855572488023, "p(V2 | X)": [0.29399155089401574, 0.6771082736023898], "p(Y | X, V2)": [[0.12653813739025568, 0.5767174517485514], [0.5575814842191897, 0.9915298438621044]]}, "groundtruth": {"ATE(Y | X)": 0.5925244566507366, "ETT(Y | X)": 0.5925244566507366, "NDE(Y | X)": 0.4262715832796687, "NIE(Y | X)": 0.17247122354805294, "P(Y=1 | X=1)": 0.8514115088495925, "P(Y=1 | X=0)": 0.2588870521988558, "P(X=1)": 0.7998555724880226, "P(V2=1)": 0.6004295964656573, "P(Y=1)": 0.7338165154454993}},
{"model_id": 2, "graph_id": "fork", "structure": "X->Y,V2->Y", "params": {"p(V2)": 0.4143445041859723, "p(X)": 0.273963042288728, "p(Y | X, V2)": [[0.09962053448474058, 0.5653534006649223], [0.4306552625410234, 0.9043830101684212]]}, "groundtruth": {"ATE(Y | X)": 0.33434736324555503, "ETT(Y | X)": 0.33434736324555503, "NDE(Y | X)": 0.33434736324555503, "NIE(Y | X)": 0.0, "P(Y=1 | X=1)": 0.626941751250835, "P(Y=1 | X=0)": 0.2925943880052799, "P(V2=1)": 0.4143445041859725, "P(X=1)": 0.2739630422887282, "P(Y=1)": 0.38419320882124663}},
{"model_id": 4, "graph_id": "diamondcut", "structure": "V1->V3,V1->X,X->Y,V3->Y", "params": {"p(V1)": 0.12595478987985959, "p(V3 | V1)": [0.4017347960047561, 0.8236587159093691], "p(X | V1)": [0.1592706792421045, 0.725383360153747], "p(Y | X, V3)": [[0.14197169578860627, 0.4435360052607318], [0.49495608615352127, 0.8459149635586046]]}, "groundtruth": {"ATE(Y | X)": 0.3754528992896636, "ETT(Y | X)": 0.3810860588892625, "NDE(Y | X)": 0.3754528992896636, "NIE(Y | X)": 0.0, "P(Y=1 | X=1)": 0.6946243989101191, "P(Y=1 | X=0)": 0.26884048603487476, "P(V1=1)": 0.1259547898798601, "P(V3=1)": 0.45487813468162863, "P(X=1)": 0.23057528301465494, "P(Y=1)": 0.36571686488022714}},
{"model_id": 6, "graph_id": "diamond", "structure": "X->V3,X->V2,V2->Y,V3->Y", "params": {"p(X)": 0.5475972494919165, "p(V3 | X)": [0.19985144740800737, 0.6535793389857649], "p(V2 | X)": [0.12965450269776532, 0.7950458708435635], "p(Y | V2, V3)": [[0.23049108007570807, 0.5602877987144317], [0.6151436674352389, 0.9438974062877985]]}, "groundtruth": {"ATE(Y | X)": 0.4050675475280078, "ETT(Y | X)": 0.4050675475280078, "NDE(Y | X)": 2.220446049250313e-16, "NIE(Y | X)": 0.40506754752800755, "P(Y=1 | X=1)": 0.7513138937828103, "P(Y=1 | X=0)": 0.34624634625480255, "P(X=1)": 0.5475972494919163, "P(V3=1)": 0.448311592853754, "P(V2=1)": 0.49402098573006753, "P(Y=1)": 0.5681382283999964}},
{"model_id": 22, "graph_id": "collision", "structure": "X->V3,Y->V3", "params": {"p(Y)": 0.18127190495075363, "p(X)": 0.44342965148370567, "p(V3 | X, Y)": [[0.09375658948865859, 0.41648513280481686], [0.49714239932917575, 0.7675089682455365]]}, "groundtruth": {"ATE(Y | X)": 0.0, "ETT(Y | X)": -2.7755575615628914e-16, "NDE(Y | X)": 0.0, "NIE(Y | X)": 0.0, "P(Y=1 | X=1)": 0.1812719049507539, "P(Y=1 | X=0)": 0.1812719049507539, "P(Y=1)": 0.1812719049507539, "P(X=1)": 0.44342965148370556, "P(V3=1)": 0.32692251084509055}},
{"model_id": 24, "graph_id": "IV", "structure": "V1->X,V2->X,V1->Y,X->Y", "params": {"p(V2)": 0.09909255105027208, "p(V1)": 0.12857020276919962, "p(X | V1, V2)": [[0.6440738234880659, 0.8981401937769542], [0.5274703851143696, 0.9586118171344022]], "p(Y | V1, X)": [[0.41331722289323636, 0.887924836157107], [0.9672858300180037, 0.7210086470992354]]}, "groundtruth": {"ATE(Y | X)": 0.3819233088454354, "ETT(Y | X)": 0.3941097807199648, "NDE(Y | X)": 0.3819233088454354, "NIE(Y | X)": 0.0, "P(Y=1 | X=1)": 0.8692860862392305, "P(Y=1 | X=0)": 0.5024402359026686, "P(V2=1)": 0.09909255105027241, "P(V1=1)": 0.12857020276920011, "P(X=1)": 0.6565141786939795, "P(Y=1)": 0.7352791464697869}},
{"model_id": 26, "graph_id": "chain", "structure": "X->V2,V2->Y", "params": {"p(X)": 0.0744709255410646, "p(V2 | X)": [0.4999465737784613, 0.6999998254215544], "p(Y | V2)": [0.17097834422780905, 0.7267734316099732]}, "groundtruth": {"ATE(Y | X)": 0.11118861447805889, "ETT(Y | X)": 0.11118861447805889, "NDE(Y | X)": 0.0, "NIE(Y | X)": 0.11118861447805878, "P(Y=1 | X=1)": 0.5600348083654815, "P(Y=1 | X=0)": 0.4488461938874226, "P(X=1)": 0.07447092554106496, "P(V2=1)": 0.5148447245858219, "P(Y=1)": 0.4571265129172323}},
{"model_id": 36, "graph_id": "arrowhead", "structure": "X->V3,V2->V3,X->Y,V2->Y,V3->Y", "params": {"p(V2)": 0.8241685540511208, "p(X)": 0.5478493748067383, "p(V3 | X, V2)": [[0.5320383212456965, 0.12418244049803302], [0.9181923044204054, 0.6505706199153951]], "p(Y | X, V2, V3)": [[[0.3780777754169444, 0.006330523304687364], [0.6586413852816319, 0.2606663213755965]], [[0.31790757610043247, 0.04091839119282852], [0.6306225638836772, 0.33415699163430734]]]}, "groundtruth": {"ATE(Y | X)": -0.16104690045668624, "ETT(Y | X)": -0.16104690045668602, "NDE(Y | X)": -0.014019258841985072, "NIE(Y | X)": -0.1973624487815927, "P(Y=1 | X=1)": 0.3712041352957819, "P(Y=1 | X=0)": 0.5322510357524681, "P(V2=1)": 0.8241685540511203, "P(X=1)": 0.5478493748067383, "P(V3=1)": 0.47076912414082595, "P(Y=1)": 0.4315531349264472}},
{"model_id": 54, "graph_id": "confounding", "structure": "V1->X,V1->Y,X->Y", "params": {"p(V1)": 0.47188241528675534, "p(X | V1)": [0.9163475859435619, 0.23905678765268776], "p(Y | V1, X)": [[0.03602472743362692, 0.23666470640291037], [0.7512259712885051, 0.9606492856933714]]}, "groundtruth": {"ATE(Y | X)": 0.20478468050889986, "ETT(Y | X)": 0.2023003488563852, "NDE(Y | X)": 0.20478468050889986, "NIE(Y | X)": 0.0, "P(Y=1 | X=1)": 0.3735241264940938, "P(Y=1 | X=0)": 0.6728724263977928, "P(V1=1)": 0.47188241528675534, "P(X=1)": 0.5967459681945694, "P(Y=1)": 0.49572005024165755}},
{"model_id": 64, "graph_id": "frontdoor", "structure": "V1->X,X->V3,V1->Y,V3->Y", "params": {"p(V1)": 0.4649601294268394, "p(X | V1)": [0.6044416991905448, 0.4153845772643143], "p(V3 | X)": [0.2427866079544578, 0.7342980663483347], "p(Y | V1, V3)": [[0.37570344695894015, 0.6900758452508058], [0.7450301079629251, 0.9692208571148592]]}, "groundtruth": {"ATE(Y | X)": 0.13390813228043907, "ETT(Y | X)": 0.13794407243805995, "NDE(Y | X)": 0.0, "NIE(Y | X)": 0.13390813228043896, "P(Y=1 | X=1)": 0.719880240414768, "P(Y=1 | X=0)": 0.6473696127000763, "P(V1=1)": 0.46496012942683956, "P(X=1)": 0.5165376753106589, "P(V3=1)": 0.49667079406178266, "P(Y=1)": 0.6827393686284293}}
])json";

/// The mediators of X -> Y in each family, written out by hand.
const std::map<std::string, std::vector<std::string>> kMediators{
    {"mediation", {"V2"}}, {"fork", {}},          {"diamondcut", {}}, {"diamond", {"V3", "V2"}},
    {"collision", {}},     {"IV", {}},            {"chain", {"V2"}},  {"arrowhead", {"V3"}},
    {"confounding", {}},   {"frontdoor", {"V3"}}};

/// An independent reference: the Bayesian network written out from the params (P(V=1 | parents),
/// nested in the key's parent order), every unit enumerated explicitly with one noise bit per
/// variable and parent configuration, each potential outcome evaluated by hand. Shares no code
/// with the importer or the solver (numbers are read from nlohmann's own decimal text).
struct BruteForce {
  std::vector<std::string> vars;
  std::map<std::string, std::vector<std::string>> parents;
  std::map<std::string, std::vector<Rational>> p1;  // by configuration, first parent most significant

  explicit BruteForce(const Json& params) {
    for (const auto& [key, value] : params.items()) {
      std::string inner = key.substr(2, key.size() - 3);
      std::string var = inner.substr(0, inner.find(' ') == std::string::npos ? inner.size() : inner.find(' '));
      std::vector<std::string> ps;
      if (auto bar = inner.find('|'); bar != std::string::npos) {
        std::stringstream rest(inner.substr(bar + 1));
        std::string p;
        while (std::getline(rest, p, ',')) ps.push_back(p.substr(p.find_first_not_of(' ')));
      }
      vars.push_back(var);
      parents[var] = ps;
      std::function<void(const Json&)> flat = [&](const Json& j) {
        if (j.is_array()) {
          for (const auto& e : j) flat(e);
        } else {
          p1[var].push_back(parse_rational(j.dump()));
        }
      };
      flat(value);
    }
  }

  using Values = std::map<std::string, int>;
  using Bits = std::map<std::string, std::vector<int>>;

  /// The values of a unit in the world where `set` fixes some variables.
  [[nodiscard]] Values world(const Bits& u, const Values& set) const {
    Values v;
    for (std::size_t pass = 0; pass < vars.size(); ++pass) {  // key order need not be topological
      for (const auto& x : vars) {
        if (v.contains(x)) continue;
        if (auto it = set.find(x); it != set.end()) {
          v[x] = it->second;
          continue;
        }
        std::size_t config = 0;
        bool ready = true;
        for (const auto& p : parents.at(x)) {
          if (!v.contains(p)) ready = false;
          else config = config * 2 + static_cast<std::size_t>(v[p]);
        }
        if (ready) v[x] = u.at(x)[config];
      }
    }
    return v;
  }

  /// Calls f(weight, unit) for every assignment of every noise bit; the weight is an integer,
  /// the unit's probability times kScale^(number of bits) (every parameter is a decimal with at
  /// most 20 places, so integers suffice and the sums stay fast).
  using Int = boost::multiprecision::mpz_int;
  static Int scale() { return boost::multiprecision::pow(Int(10), 20); }
  void units(const std::function<void(const Int&, const Bits&)>& f) const {
    std::vector<std::pair<std::string, std::size_t>> slots;
    for (const auto& x : vars) {
      for (std::size_t c = 0; c < p1.at(x).size(); ++c) slots.emplace_back(x, c);
    }
    Bits u;
    for (const auto& x : vars) u[x].assign(p1.at(x).size(), 0);
    std::vector<std::pair<Int, Int>> weights;  // (p, 1 - p) scaled to integers
    for (const auto& [x, c] : slots) {
      const Rational scaled = p1.at(x)[c] * Rational(scale());
      EXPECT_EQ(denominator(scaled), 1) << x << " has more than 20 decimal places";
      weights.emplace_back(numerator(scaled), scale() - numerator(scaled));
    }
    std::function<void(std::size_t, const Int&)> go = [&](std::size_t k, const Int& w) {
      if (w == 0) return;
      if (k == slots.size()) {
        f(w, u);
        return;
      }
      const auto& [x, c] = slots[k];
      u[x][c] = 1;
      go(k + 1, Int(w * weights[k].first));
      u[x][c] = 0;
      go(k + 1, Int(w * weights[k].second));
    };
    go(0, Int(1));
  }

  /// Every stored quantity ("ATE(Y | X)", "P(Y=1 | X=0)", "P(V2=1)", ...), in one pass over the units.
  [[nodiscard]] std::map<std::string, Rational> quantities(const std::vector<std::string>& keys,
                                                         const std::vector<std::string>& mediators) const {
    std::map<std::string, std::pair<Int, Int>> sums;  // key -> (numerator, denominator), scaled alike
    auto with_mediators = [&](const Bits& u, int x, int base) {
      Values set{{"X", x}};
      const Values b = world(u, {{"X", base}});
      for (const auto& m : mediators) set[m] = b.at(m);
      return world(u, set).at("Y");
    };
    units([&](const Int& w, const Bits& u) {
      const Values f = world(u, {});
      const int y1 = world(u, {{"X", 1}}).at("Y");
      const int y0 = world(u, {{"X", 0}}).at("Y");
      auto add = [&](const std::string& key, int value, bool counted = true) {
        if (!counted) return;
        auto& [num, den] = sums[key];
        if (value != 0) num += w * value;
        den += w;
      };
      for (const auto& key : keys) {
        if (key == "ATE(Y | X)") add(key, y1 - y0);
        else if (key == "ETT(Y | X)") add(key, y1 - y0, f.at("X") == 1);
        else if (key == "NDE(Y | X)") add(key, with_mediators(u, 1, 0) - y0);
        else if (key == "NIE(Y | X)") add(key, with_mediators(u, 0, 1) - y0);
        else if (key == "P(Y=1 | X=1)") add(key, f.at("Y"), f.at("X") == 1);
        else if (key == "P(Y=1 | X=0)") add(key, f.at("Y"), f.at("X") == 0);
        else add(key, f.at(key.substr(2, key.find('=') - 2)));  // P(V=1)
      }
    });
    std::map<std::string, Rational> out;
    for (const auto& [key, nd] : sums) out[key] = Rational(nd.first) / Rational(nd.second);
    return out;
  }
};

TEST(CladderImport, ExactDecimalIsTheWrittenText) {
  EXPECT_EQ(exact_decimal(0.1), Rational(1, 10));
  EXPECT_EQ(exact_decimal(0.799855572488023), parse_rational("0.799855572488023"));
  EXPECT_EQ(exact_decimal(-0.25), Rational(-1, 4));
  EXPECT_EQ(exact_decimal(2.220446049250313e-16), Rational(2220446049250313, 1) / Rational(boost::multiprecision::pow(boost::multiprecision::mpz_int(10), 31)));
  EXPECT_EQ(exact_decimal(1.0), Rational(1));
}

TEST(CladderImport, EncodingOfCpts) {
  const Json models = Json::parse(kTenModels);
  const CladderModel m = cladder_model(models[0]);  // mediation, model 0
  EXPECT_EQ(m.id, "model0");
  EXPECT_EQ(m.scm.mechanism(*m.scm.find("X")).to_string(), "U_X");
  EXPECT_EQ(m.scm.mechanism(*m.scm.find("V2")).to_string(), "if X then U_V2_1 else U_V2_0");
  EXPECT_EQ(m.scm.mechanism(*m.scm.find("Y")).to_string(),
            "if X then (if V2 then U_Y_11 else U_Y_10) else if V2 then U_Y_01 else U_Y_00");
  EXPECT_EQ(m.scm.prior(*m.scm.find("U_Y_10"))[1], parse_rational("0.5575814842191897"));
  EXPECT_EQ(cladder_mediators(m), (std::vector<std::string>{"V2"}));
  EXPECT_EQ(cladder_formal_query("NDE(Y | X)", m)->second, "E(Y[X=1, V2=V2[X=0]]) - E(Y[X=0])");
  // A deterministic CPT needs no noise.
  Json det = models[0];
  det["params"]["p(V2 | X)"] = Json::array({0, 1});
  det["params"]["p(Y | X, V2)"] = Json::parse("[[0, 1], [1, 1]]");
  const CladderModel d = cladder_model(det);
  EXPECT_TRUE(d.deterministic);
  EXPECT_EQ(d.scm.mechanism(*d.scm.find("V2")).to_string(), "X");
  EXPECT_EQ(d.scm.mechanism(*d.scm.find("Y")).to_string(), "X or V2");
}

/// For one model of each of the 10 graph families, every stored quantity recomputed by the
/// importer (variable elimination, cross-checked by enumeration) equals the brute-force reference.
TEST(CladderImport, GroundTruthEqualsIndependentComputationPerGraphFamily) {
  const Json models = Json::parse(kTenModels);
  ASSERT_EQ(models.size(), 10U);
  std::istringstream in(models.dump());
  const ImportResult r = import_cladder(in, nullptr, {.file = "ten.json", .cross_check = true});
  EXPECT_TRUE(r.report.not_parsed.empty());
  EXPECT_EQ(r.report.parsed, 10U);
  std::map<std::pair<long long, std::string>, std::string> imported;  // (model, quantity) -> fraction
  for (const auto& rec : r.records) {
    imported[{rec["meta"]["model_id"].get<long long>(), rec["source"]["quantity"].get<std::string>()}] =
        rec["value"]["fraction"].get<std::string>();
  }
  std::set<std::string> families;
  std::size_t compared = 0;
  for (const auto& entry : models) {
    const std::string graph = entry["graph_id"];
    families.insert(graph);
    const BruteForce net(entry["params"]);
    const CladderModel m = cladder_model(entry);
    EXPECT_EQ(cladder_mediators(m), kMediators.at(graph)) << graph;
    std::vector<std::string> keys;
    for (const auto& [key, stored] : entry["groundtruth"].items()) keys.push_back(key);
    const std::map<std::string, Rational> references = net.quantities(keys, kMediators.at(graph));
    for (const auto& [key, stored] : entry["groundtruth"].items()) {
      const Rational& reference = references.at(key);
      auto it = imported.find({entry["model_id"].get<long long>(), key});
      ASSERT_NE(it, imported.end()) << graph << " " << key;
      EXPECT_EQ(it->second, to_string(reference)) << graph << " " << key;
      ++compared;
      // On graphs without a loop the stored float is right to rounding: the CPT order is read right.
      if (graph == "chain" || graph == "fork" || graph == "collision") {
        EXPECT_NEAR(stored.get<double>(), reference.convert_to<double>(), 1e-12) << graph << " " << key;
      }
    }
  }
  EXPECT_EQ(families.size(), 10U);
  EXPECT_EQ(compared, r.report.checked);
  // Arrowhead model 36: the stored ATE is off by more than the tolerance (loopy inference).
  bool arrowhead_ate = false;
  for (const auto& d : r.report.disagreements) arrowhead_ate = arrowhead_ate || (d.id == "model36" && d.quantity == "ATE(Y | X)");
  EXPECT_TRUE(arrowhead_ate);
}

TEST(CladderImport, MalformedModelsAreReportedWithTheirId) {
  Json models = Json::parse(kTenModels);
  models[1]["params"]["p(Y | X, V2)"] = Json::parse("[0.5, 0.5]");             // wrong shape
  models[2]["params"]["q(V1)"] = 0.5;                                          // not p(...)
  models[3]["structure"] = "X->V3,X->V2,V2->Y";                                // disagrees with params
  std::istringstream in(models.dump());
  const ImportResult r = import_cladder(in, nullptr, {.file = "bad.json"});
  ASSERT_EQ(r.report.not_parsed.size(), 3U);
  EXPECT_EQ(r.report.not_parsed[0].id, "model2");
  EXPECT_EQ(r.report.not_parsed[0].phrase, "p(Y | X, V2)");
  EXPECT_EQ(r.report.not_parsed[1].id, "model4");
  EXPECT_EQ(r.report.not_parsed[1].phrase, "q(V1)");
  EXPECT_EQ(r.report.not_parsed[2].id, "model6");
  EXPECT_EQ(r.report.parsed, 7U);
}

TEST(CladderImport, ATableTooLargeToSolveIsRefusedAtOnce) {
  // Issue #15, item 22: a table over 20 parents made a model of 2^20 noise variables (127 s and
  // 2 GB) and then a 315 KB error. Past 26 uncertain entries no query on the variable can be
  // solved, so the table is refused as it is read, in a short reason, and the others import.
  // Here 12 parents (4,096 entries, all uncertain).
  Json models = Json::parse(kTenModels);
  Json& big = models[1];  // fork: X->Y, V2->Y
  std::string structure = "X->Y,V2->Y";
  std::string key = "p(Y | X, V2";
  Json table = 0.25;
  for (int i = 3; i <= 12; ++i) {
    const std::string v = "V" + std::to_string(i);
    structure += "," + v + "->Y";
    key += ", " + v;
    big["params"]["p(" + v + ")"] = 0.5;
  }
  for (int level = 0; level < 12; ++level) table = Json::array({table, table});
  big["structure"] = structure;
  big["params"].erase("p(Y | X, V2)");
  big["params"][key + ")"] = table;
  std::istringstream in(models.dump());
  const ImportResult r = import_cladder(in, nullptr, {.file = "big.json"});
  ASSERT_EQ(r.report.not_parsed.size(), 1U);
  EXPECT_EQ(r.report.not_parsed[0].id, "model2");
  EXPECT_NE(r.report.not_parsed[0].reason.find("a table of Y with more than 26 entries strictly between 0 and 1"),
            std::string::npos)
      << r.report.not_parsed[0].reason;
  EXPECT_LT(r.report.not_parsed[0].reason.size(), 300U);
  EXPECT_EQ(r.report.parsed, 9U);
}

Json det_model() {
  return Json::parse(R"json({"model_id": 148, "story_id": "alarm", "graph_id": "mediation", "structure": "X->V2,X->Y,V2->Y",
    "variable_mapping": {"Xname": "husband", "X1": "alarm set by husband", "X0": "alarm not set by husband",
      "V2name": "wife", "V21": "alarm set by wife", "V20": "alarm not set by wife",
      "Yname": "alarm clock", "Y1": "ringing alarm", "Y0": "silent alarm"},
    "params": {"p(X)": 0.07042057615419683, "p(V2 | X)": [0, 1], "p(Y | X, V2)": [[0, 1], [1, 1]]},
    "groundtruth": {"P(X=1)": 0.07042057615419736}})json");
}

Json det_item(int id, const std::string& given, const std::string& question, const std::string& answer, int action, int polarity) {
  return Json{{"question_id", id}, {"given_info", given}, {"question", question}, {"answer", answer},
              {"meta", {{"graph_id", "mediation"}, {"given_info", Json::object()}, {"treatment", "X"}, {"outcome", "Y"},
                        {"action", action}, {"polarity", polarity}, {"groundtruth", answer == "yes" ? 1 : 0},
                        {"query_type", "det-counterfactual"}, {"model_id", 148}}}};
}

TEST(CladderImport, DeterministicItemsAgainstParamsAndText) {
  const std::string good = "We know that alarm set by husband causes alarm set by wife. alarm set by husband or alarm set by wife "
                           "causes ringing alarm.";
  const std::string contradicting = "We know that alarm set by husband causes alarm not set by wife. alarm set by husband or "
                                    "alarm set by wife causes ringing alarm.";
  Json items = Json::array();
  items.push_back(det_item(1, good, "Would the alarm rings if alarm not set by husband instead of alarm set by husband?", "no", 0, 1));
  items.push_back(det_item(2, contradicting, "Would the alarm rings if alarm not set by husband instead of alarm set by husband?", "no", 0, 1));
  items.push_back(det_item(3, "We know that alarm set by husband summons alarm set by wife.", "Would it ring if alarm not set by husband instead of alarm set by husband?", "no", 0, 1));
  items.push_back(det_item(4, good, "Would the alarm rings if alarm set by husband instead of alarm not set by husband?", "no", 1, 1));
  std::istringstream in(items.dump());
  std::istringstream models(Json::array({det_model()}).dump());
  const ImportResult r = import_cladder(in, &models, {.file = "items.json", .cross_check = true, .audit = false});
  EXPECT_EQ(r.report.parsed, 3U);
  ASSERT_EQ(r.report.not_parsed.size(), 1U);
  EXPECT_EQ(r.report.not_parsed[0].id, "3");
  EXPECT_EQ(r.report.not_parsed[0].phrase, "alarm set by husband summons alarm set by wife");
  // Items 1, 2 agree with the params (Y[X=0] = 0); item 4's label is wrong (Y[X=1] = 1).
  EXPECT_EQ(r.report.checked, 3U);
  EXPECT_EQ(r.report.agreed, 2U);
  ASSERT_EQ(r.report.disagreements.size(), 1U);
  EXPECT_EQ(r.report.disagreements[0].id, "4");
  EXPECT_EQ(r.report.disagreements[0].exact, Rational(1));
  // Item 2's text negates V2; under not-X it makes V2 hold, so the text answers yes.
  ASSERT_EQ(r.records.size(), 3U);
  EXPECT_EQ(r.records[1]["source"]["text_contradicts_params"], Json::array({"V2", "Y"}));
  EXPECT_EQ(r.records[1]["source"]["text_answer"], "yes");
  EXPECT_EQ(r.records[0]["formal_query"], "P(Y[X=0]=1)");
  // Without --meta-models the items are read from their own fields: these hand-written ones
  // carry no reasoning.step4 mechanisms, so each is reported, never guessed.
  std::istringstream again(items.dump());
  const ImportResult own = import_cladder(again, nullptr, {.audit = false});
  EXPECT_EQ(own.report.parsed, 0U);
  ASSERT_EQ(own.report.not_parsed.size(), 4U);
  EXPECT_EQ(own.report.not_parsed[0].reason, "no mechanisms in reasoning.step4");
}

TEST(CladderImport, TheFormalFormOfADeterministicItemIsReadAndMustAgreeWithItsMeta) {
  // Issue #15, item 15: meta.formal_form is no longer ignored with --meta-models.
  const std::string good = "We know that alarm set by husband causes alarm set by wife. alarm set by husband or alarm set by wife "
                           "causes ringing alarm.";
  const std::string question = "Would the alarm rings if alarm not set by husband instead of alarm set by husband?";
  Json items = Json::array();
  for (const char* form : {"Y_{X=0} = 1 | ", "garbage ((((", "Y_{X=1} = 1 | ", "Y_{X=0} = 1 | V2=1", "Y_{X=0} = 2 | "}) {
    Json item = det_item(static_cast<int>(items.size()) + 1, good, question, "no", 0, 1);
    item["meta"]["formal_form"] = form;
    items.push_back(item);
  }
  std::istringstream in(items.dump());
  std::istringstream models(Json::array({det_model()}).dump());
  const ImportResult r = import_cladder(in, &models, {.file = "items.json", .audit = false});
  EXPECT_EQ(r.report.parsed, 1U);
  ASSERT_EQ(r.report.not_parsed.size(), 4U);
  EXPECT_EQ(r.report.not_parsed[0].id, "2");
  EXPECT_EQ(r.report.not_parsed[0].phrase, "garbage ((((");
  EXPECT_NE(r.report.not_parsed[0].reason.find("meta.formal_form cannot be read"), std::string::npos);
  EXPECT_EQ(r.report.not_parsed[1].reason, "meta.formal_form contradicts the item's meta: setting 1 (meta.action 0)");
  EXPECT_EQ(r.report.not_parsed[2].reason, "meta.formal_form contradicts the item's meta: evidence (meta.given_info differs)");
  EXPECT_NE(r.report.not_parsed[3].reason.find("the asked value is not 0 or 1"), std::string::npos);
}

std::filesystem::path shared(const char* name) { return std::filesystem::path(RUNG_SHARED_DIR) / "datasets/cladder" / name; }

TEST(CladderImport, ShippedModelsSampleMatchesEnumeration) {
  if (!std::filesystem::exists(shared("test-model-meta.json"))) GTEST_SKIP() << "../shared/datasets absent";
  std::ifstream file(shared("test-model-meta.json"));
  const Json all = Json::parse(file);
  ASSERT_EQ(all.size(), 396U);
  Json sample = Json::array();
  for (std::size_t k = 0; k < all.size(); k += 12) sample.push_back(all[k]);  // 33 models, every family
  std::istringstream in(sample.dump());
  const ImportResult r = import_cladder(in, nullptr, {.file = "sample"});
  EXPECT_TRUE(r.report.not_parsed.empty());
  EXPECT_EQ(r.report.parsed, sample.size());
  // Graphs without a loop agree everywhere; every disagreement is on a graph with a loop.
  for (const char* g : {"chain", "fork", "collision"}) {
    auto it = r.report.by_graph.find(g);
    if (it != r.report.by_graph.end()) {
      EXPECT_EQ(it->second.agreed, it->second.checked) << g;
    }
  }
  for (const auto& d : r.report.disagreements) EXPECT_FALSE(d.reason.empty()) << d.id << " " << d.quantity;
}

TEST(CladderImport, ShippedDeterministicItems) {
  if (!std::filesystem::exists(shared("test-generate-det.json"))) GTEST_SKIP() << "../shared/datasets absent";
  std::ifstream items(shared("test-generate-det.json"));
  std::ifstream models(shared("test-model-meta.json"));
  const ImportResult r = import_cladder(items, &models, {.file = "test-generate-det.json", .cross_check = true});
  EXPECT_EQ(r.report.entries, 512U);
  EXPECT_EQ(r.report.parsed, 512U);
  EXPECT_EQ(r.report.agreed, 512U);
  std::map<std::string, ReadingScore> scores;
  for (const auto& s : r.report.readings) scores[s.name] = s;
  EXPECT_EQ(scores["text"].matched, 508U);
  EXPECT_EQ(scores["factual_treatment"].undefined, 128U);
  std::size_t contradicting = 0;
  for (const auto& rec : r.records) contradicting += rec["source"]["text_contradicts_params"].empty() ? 0 : 1;
  EXPECT_EQ(contradicting, 8U);
}


// ---- items from their own fields ----------------------------------------------------------------

/// A CLadder item as the generator writes it: numbers in meta.given_info, graph in step1.
Json own_item(int id, const std::string& type, const std::string& graph, const std::string& step1, Json given,
              const std::string& text, const std::string& answer, bool polarity = true, Json extra = Json::object()) {
  Json meta{{"graph_id", graph}, {"polarity", polarity}, {"query_type", type}, {"given_info", std::move(given)},
            {"treatment", "X"}, {"outcome", "Y"}, {"model_id", 0}};
  for (const auto& [k, v] : extra.items()) meta[k] = v;
  Json reasoning = step1.empty() ? Json(nullptr) : Json{{"step0", "Let X = x; Y = y."}, {"step1", step1}};
  return Json{{"question_id", id}, {"given_info", text}, {"question", "?"}, {"answer", answer}, {"meta", meta}, {"reasoning", reasoning}};
}

Rational q(const char* decimal) { return parse_rational(decimal); }

struct Expected {
  Json item;
  Rational value;  // computed below from the stated numbers by the type's formula, by hand
  std::string answer;
};

/// One item of every type; each expected value is the identification formula written out.
std::vector<Expected> every_type() {
  std::vector<Expected> out;
  const Rational one(1);
  // marginal: P(Y) = P(X=0) P(Y|X=0) + P(X=1) P(Y|X=1).
  out.push_back({own_item(1, "marginal", "mediation", "X->V2,X->Y,V2->Y", {{"P(X)", 0.8}, {"P(Y | X)", {0.25, 0.75}}},
                          "The overall probability of x is 80%. For a, the probability of y is 25%. For b, it is 75%.", "yes"),
                 (one - q("0.8")) * q("0.25") + q("0.8") * q("0.75"), "yes"});
  // correlation: P(Y=1,X=1)/P(X=1) - P(Y=1,X=0)/P(X=0).
  out.push_back({own_item(2, "correlation", "fork", "X->Y,V2->Y", {{"P(X=1)", 0.5}, {"P(Y=1, X=0)", 0.1}, {"P(Y=1, X=1)", 0.3}},
                          "50%, 10%, 30%.", "no", false),
                 q("0.3") / q("0.5") - q("0.1") / q("0.5"), "no"});
  // exp_away: P(Y|X=1,V3=1) - sum_x P(X=x) P(Y|X=x,V3=1).
  out.push_back({own_item(3, "exp_away", "collision", "X->V3,Y->V3", {{"P(X)", 0.4}, {"P(Y | X, V3)", {{0.1, 0.5}, {0.2, 0.3}}}},
                          "40%, 10%, 50%, 20%, 30%.", "no", true, {{"collider", "V3"}}),
                 q("0.3") - (q("0.4") * q("0.3") + q("0.6") * q("0.5")), "no"});
  // ate, backdoor over V1: sum_v P(V1=v) [P(Y|v,X=1) - P(Y|v,X=0)].
  out.push_back({own_item(4, "ate", "confounding", "V1->X,V1->Y,X->Y", {{"p(Y | V1, X)", {{0.1, 0.3}, {0.5, 0.9}}}, {"p(V1)", {0.4}}},
                          "10%, 30%, 50%, 90%, 40%.", "yes"),
                 q("0.6") * (q("0.3") - q("0.1")) + q("0.4") * (q("0.9") - q("0.5")), "yes"});
  // ate, IV (Wald): [P(Y|V2=1) - P(Y|V2=0)] / [P(X|V2=1) - P(X|V2=0)].
  out.push_back({own_item(5, "ate", "IV", "V1->X,V2->X,V1->Y,X->Y", {{"p(Y | V2)", {0.4, 0.6}}, {"p(X | V2)", {0.2, 0.7}}},
                          "40%, 60%, 20%, 70%.", "yes"),
                 (q("0.6") - q("0.4")) / (q("0.7") - q("0.2")), "yes"});
  // ate, frontdoor: sum_v [P(v|X=1) - P(v|X=0)] sum_x P(Y|x,v) P(x).
  {
    const Rational pv1 = q("0.6") - q("0.2");
    const Rational value = pv1 * (q("0.5") * q("0.5") + q("0.5") * q("0.7")) - pv1 * (q("0.5") * q("0.1") + q("0.5") * q("0.3"));
    out.push_back({own_item(6, "ate", "frontdoor", "V1->X,X->V3,V1->Y,V3->Y",
                            {{"p(V3 | X)", {0.2, 0.6}}, {"p(Y | X, V3)", {{0.1, 0.5}, {0.3, 0.7}}}, {"p(X)", {0.5}}},
                            "20%, 60%, 10%, 50%, 30%, 70%, 50%.", "yes"),
                   value, "yes"});
  }
  // ett on diamondcut: sum_v P(V3=v|X=1) [P(Y|X=1,v) - P(Y|X=0,v)]; "would Y be more likely had X been 0" is no.
  out.push_back({own_item(7, "ett", "diamondcut", "V1->V3,V1->X,X->Y,V3->Y", {{"p(Y | X, V3)", {{0.1, 0.4}, {0.5, 0.8}}}, {"p(V3 | X)", {0.4, 0.6}}},
                          "10%, 40%, 50%, 80%, 40%, 60%.", "no"),
                 q("0.4") * (q("0.5") - q("0.1")) + q("0.6") * (q("0.8") - q("0.4")), "no"});
  // nde: sum_v P(V2=v|X=0) [P(Y|X=1,v) - P(Y|X=0,v)].
  const Json med{{"p(Y | X, V2)", {{0.1, 0.5}, {0.3, 0.9}}}, {"p(V2 | X)", {0.2, 0.6}}};
  out.push_back({own_item(8, "nde", "mediation", "X->V2,X->Y,V2->Y", med, "10%, 50%, 30%, 90%, 20%, 60%.", "yes", true, {{"mediators", {"V2"}}}),
                 q("0.8") * (q("0.3") - q("0.1")) + q("0.2") * (q("0.9") - q("0.5")), "yes"});
  // nie: sum_v P(Y|X=0,v) [P(v|X=1) - P(v|X=0)].
  out.push_back({own_item(9, "nie", "mediation", "X->V2,X->Y,V2->Y", med, "10%, 50%, 30%, 90%, 20%, 60%.", "yes", true, {{"mediators", {"V2"}}}),
                 q("0.1") * (q("0.4") - q("0.8")) + q("0.5") * (q("0.6") - q("0.2")), "yes"});
  // collider_bias: X does not cause Y, whatever the stated correlation among the selected.
  out.push_back({own_item(10, "collider_bias", "collision", "X->V3,Y->V3", {{"P(Y = 1 | X = 1, V3 = 1) - P(Y = 1 | X = 0, V3 = 1)", -0.2}},
                          "the correlation is -0.20.", "no", true, {{"collider", "V3"}}),
                 Rational(0), "no"});
  // backadj without reasoning (the graph from graph_id): {V1} blocks the backdoor, {} does not.
  out.push_back({own_item(11, "backadj", "confounding", "", Json::array({Json::array({"V1"}), Json::array()}), "Method 1 ... Method 2 ...", "yes"),
                 Rational(0), "yes"});
  // det-counterfactual: Y := X or V2, V2 := X; Y[X=0] = 0.
  {
    Json det = own_item(12, "det-counterfactual", "mediation", "X->V2,X->Y,V2->Y", Json::object(), "We know that ...", "no", true,
                        {{"action", 0}, {"polarity", 1}});
    det["reasoning"]["step4"] = "V2 = X\nY = X or V2";
    out.push_back({det, Rational(0), "no"});
  }
  return out;
}

TEST(CladderItems, EveryQueryTypeFromItsOwnFields) {
  for (const auto& e : every_type()) {
    SCOPED_TRACE(e.item.dump());
    const CladderItemAnalysis a = analyze_cladder_item(e.item, nullptr);
    if (a.query_type != "backadj") {
      EXPECT_EQ(a.value, e.value);
    }
    EXPECT_EQ(a.answer, e.answer);
    EXPECT_EQ(a.label_verdict, "agrees");
    // The record's formal query on its model gives the value again (a second method: enumeration).
    EXPECT_EQ(solve(a.model, parse_query(a.formal_query, a.model), {.method = Method::enumeration}).value, a.value);
  }
}

TEST(CladderItems, DistractorsPerType) {
  const auto items = every_type();
  const CladderItemAnalysis nde = analyze_cladder_item(items[7].item, nullptr);
  ASSERT_EQ(nde.distractors.size(), 1U);
  EXPECT_EQ(nde.distractors[0].first, "total_effect");
  // ATE = sum_v P(v|1) P(Y|1,v) - sum_v P(v|0) P(Y|0,v).
  EXPECT_EQ(*nde.distractors[0].second, (q("0.4") * q("0.3") + q("0.6") * q("0.9")) - (q("0.8") * q("0.1") + q("0.2") * q("0.5")));
  // Frontdoor: conditioning gives sum_m P(m|x) P(Y|x,m), x = 1 minus x = 0.
  const CladderItemAnalysis ate = analyze_cladder_item(items[5].item, nullptr);
  ASSERT_EQ(ate.distractors.size(), 1U);
  EXPECT_EQ(ate.distractors[0].first, "conditioning");
  EXPECT_EQ(*ate.distractors[0].second, (q("0.4") * q("0.3") + q("0.6") * q("0.7")) - (q("0.8") * q("0.1") + q("0.2") * q("0.5")));
  // Backdoor: the item states no P(X | V1), so conditioning is no different mistake there.
  EXPECT_TRUE(analyze_cladder_item(items[3].item, nullptr).distractors.empty());
  const CladderItemAnalysis collider = analyze_cladder_item(items[9].item, nullptr);
  ASSERT_EQ(collider.distractors.size(), 1U);
  EXPECT_EQ(*collider.distractors[0].second, q("-0.2"));
}

TEST(CladderItems, WrongLabelsAndUndecidedMethodsAreReported) {
  auto items = every_type();
  Json wrong = items[0].item;
  wrong["answer"] = "no";
  EXPECT_EQ(analyze_cladder_item(wrong, nullptr).label_verdict, "wrong");
  // Fork: both {} and {V2} satisfy the backdoor criterion, so neither method is "more correct".
  const Json fork = own_item(20, "backadj", "fork", "", Json::array({Json::array(), Json::array({"V2"})}), "", "yes");
  EXPECT_EQ(analyze_cladder_item(fork, nullptr).label_verdict, "undecided");
  // Unreadable fields are reported with the phrase, never guessed.
  Json bad = items[3].item;
  bad["meta"]["given_info"] = {{"p(Y | V1, X)", {0.1, 0.3}}, {"p(V1)", {0.4}}};
  try {
    (void)analyze_cladder_item(bad, nullptr);
    FAIL() << "a table of the wrong shape was read";
  } catch (const ImportError& e) {
    EXPECT_EQ(e.id(), "4");
    EXPECT_EQ(e.phrase(), "p(Y | V1, X)");
  }
  Json no_graph = items[0].item;
  no_graph["reasoning"] = nullptr;
  no_graph["meta"]["graph_id"] = "spiral";
  EXPECT_THROW((void)analyze_cladder_item(no_graph, nullptr), ImportError);
}

TEST(CladderItems, RoundingVerdictOnBorderlineItems) {
  auto ate = [](int id, double p0, double p1, const std::string& text) {
    return own_item(id, "ate", "chain", "X->V2,V2->Y", {{"p(Y | X)", {p0, p1}}}, text, "yes");
  };
  // Clear: 0.6 either way.
  const auto clear = analyze_cladder_item(ate(1, 0.2, 0.8, "For a, 20%. For b, 80%."), nullptr);
  EXPECT_EQ(clear.text_verdict, "decided");
  EXPECT_EQ(*clear.text_value, q("0.6"));
  // The numbers say +0.0099; the text shows 46% and 46%: the rounded effect is 0, a tie.
  const auto tie = analyze_cladder_item(ate(2, 0.455, 0.4649, "For a, 46%. For b, 46%."), nullptr);
  EXPECT_EQ(tie.label_verdict, "agrees");
  EXPECT_EQ(tie.text_verdict, "flips");
  EXPECT_EQ(*tie.text_value, Rational(0));
  // The text shows 45% and 46% (+0.01), but within half a point each the effect reaches 0.
  const auto box = analyze_cladder_item(ate(3, 0.4549, 0.4551, "For a, 45%. For b, 46%."), nullptr);
  EXPECT_EQ(box.text_verdict, "may_flip");
  EXPECT_EQ(*box.text_value, q("0.01"));
  // A text number that is no rounding of the stated one.
  const auto off = analyze_cladder_item(ate(4, 0.2, 0.8, "For a, 30%. For b, 80%."), nullptr);
  EXPECT_EQ(off.text_verdict, "unaligned");
  // The same borderline on a 9-number item (bound, gradient, then the witness corner): an
  // arrowhead NDE of exactly 1/100, which half a point on each P(Y | X, V3) cancels.
  const Json arrow{{"p(Y | X, V3)", {{0.5, 0.5}, {0.51, 0.51}}}, {"p(V3 | X, V2)", {{0.5, 0.5}, {0.5, 0.5}}}, {"p(V2)", {0.5}}};
  Json nde = own_item(5, "nde", "arrowhead", "X->V3,V2->V3,X->Y,V2->Y,V3->Y", arrow,
                      "50% 50% 51% 51% 50% 50% 50% 50% 50%", "yes", true, {{"mediators", {"V3"}}});
  const auto thin = analyze_cladder_item(nde, nullptr);
  EXPECT_EQ(thin.value, q("0.01"));
  EXPECT_EQ(thin.label_verdict, "agrees");
  EXPECT_EQ(thin.text_verdict, "may_flip");
  // At 50% everywhere the shown numbers tie.
  Json flat = nde;
  flat["meta"]["given_info"]["p(Y | X, V3)"] = {{0.5, 0.5}, {0.5, 0.5}};
  flat["given_info"] = "50% 50% 50% 50% 50% 50% 50% 50% 50%";
  flat["answer"] = "no";
  EXPECT_EQ(analyze_cladder_item(flat, nullptr).text_verdict, "flips");
}

TEST(CladderItems, ModelChecksUseTheExactModel) {
  // Model 0 (mediation) of kTenModels; the item states rounded-off numbers of it.
  const Json models = Json::parse(kTenModels);
  const CladderModel m = cladder_model(models[0]);
  Json item = own_item(1, "ate", "mediation", "X->V2,X->Y,V2->Y", {{"p(Y | X)", {0.2588870521988558, 0.8514115088495925}}},
                       "For a, 26%. For b, 85%.", "yes");
  const CladderItemAnalysis a = analyze_cladder_item(item, &m);
  EXPECT_EQ(a.model_verdict, "agrees");
  ASSERT_TRUE(a.model_value.has_value());
  EXPECT_EQ(*a.model_value, solve(m.scm, parse_query("E(Y[X=1]) - E(Y[X=0])", m.scm)).value);
  // The stated P(Y=1|X=x) are the model's up to the file's last digits.
  EXPECT_LT(a.max_number_error, 1e-12);
  EXPECT_EQ(a.numbers_off, 0U);
}

TEST(CladderItems, RecordsReverifyAndScoreGoldAnswers) {
  Json items = Json::array();
  for (const auto& e : every_type()) items.push_back(e.item);
  std::istringstream in(items.dump());
  const ImportResult r = import_cladder(in, nullptr, {.file = "own.json", .audit = false});
  ASSERT_EQ(r.records.size(), items.size());
  std::string jsonl;
  std::string gold;
  for (const auto& rec : r.records) {
    jsonl += rec.dump() + "\n";
    gold += Json{{"id", rec["id"]}, {"response", "Answer: " + rec["answer"].get<std::string>()}}.dump() + "\n";
  }
  std::istringstream records(jsonl);
  const AuditReport audit = audit_dataset(records, {.verify = true});
  EXPECT_EQ(audit.checked, items.size());
  EXPECT_EQ(audit.verified, items.size());
  std::istringstream dataset(jsonl);
  std::istringstream responses(gold);
  const CheckReport check = check_responses(dataset, responses);
  EXPECT_EQ(check.all.correct, items.size());
}

TEST(CladderItems, ShippedQuestionFilesImportWhole) {
  if (!std::filesystem::exists(shared("test-generate-easy.json"))) GTEST_SKIP() << "../shared/datasets absent";
  std::ifstream model_file(shared("test-model-meta.json"));
  const std::string model_text{std::istreambuf_iterator<char>(model_file), std::istreambuf_iterator<char>()};
  for (const char* name : {"test-generate-easy.json", "test-generate-hard.json", "test-generate-anti.json",
                           "test-generate-non.json", "test-generate-det.json"}) {
    SCOPED_TRACE(name);
    std::ifstream file(shared(name));
    const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    std::istringstream in(text);
    const ImportResult own = import_cladder(in, nullptr, {.file = name, .audit = false});
    EXPECT_TRUE(own.report.not_parsed.empty());
    EXPECT_EQ(own.report.parsed, own.report.entries);
    EXPECT_EQ(own.records.size(), own.report.entries);
    // Every label that the item's numbers do not reproduce is listed with its reason.
    std::size_t listed = 0;
    for (const auto& f : own.report.flagged) {
      if (f.verdict == "a") {
        ++listed;
        EXPECT_FALSE(f.why.empty()) << f.id;
      }
    }
    EXPECT_EQ(listed, own.report.checked - own.report.agreed);
    // The records re-verify under rung audit and score gold answers 100% under rung check.
    std::string jsonl;
    std::string gold;
    for (const auto& rec : own.records) {
      jsonl += rec.dump() + "\n";
      gold += Json{{"id", rec["id"]}, {"response", rec["answer"]}}.dump() + "\n";
    }
    std::istringstream records(jsonl);
    const AuditReport audit = audit_dataset(records, {.verify = true, .threads = 2});
    EXPECT_EQ(audit.verified, own.records.size());
    std::istringstream dataset(jsonl);
    std::istringstream responses(gold);
    EXPECT_EQ(check_responses(dataset, responses).all.correct, own.records.size());
    // With the models file the model checks run on every item.
    std::istringstream again(text);
    std::istringstream models(model_text);
    const ImportResult with = import_cladder(again, &models, {.file = name, .audit = false});
    EXPECT_TRUE(with.report.not_parsed.empty());
    if (std::string(name) != "test-generate-det.json") {
      std::size_t model_checked = 0;
      for (const auto& rec : with.records) model_checked += rec["source"].contains("model_verdict") ? 1 : 0;
      EXPECT_EQ(model_checked, with.records.size());
    }
  }
}

TEST(CladderImport, AFileWithoutCladderQuestionsIsRefusedAndSaysWhatItLooksLike) {
  // Issue #15, item 16: an empty file, rung's own records or objects without CLadder's meta are
  // "not a CLadder file" (an Error: exit 1), never a usage error and never an empty success.
  auto message = [](const std::string& text) {
    std::istringstream in(text);
    try {
      (void)import_cladder(in, nullptr, {.file = "x.json", .audit = false});
    } catch (const Error& e) {
      EXPECT_EQ(e.exit_code(), 1);
      return std::string(e.what());
    }
    return std::string("imported");
  };
  EXPECT_NE(message("").find("x.json: not a CLadder file: it holds no items"), std::string::npos);
  EXPECT_NE(message("[]").find("it holds no items"), std::string::npos);
  EXPECT_NE(message(R"j({"formal_query": "P(Y=1)", "model": {}, "meta": {"query_type": "marginal"}})j").find("rung's own records"),
            std::string::npos);
  EXPECT_NE(message(R"([{"question": "Would Y occur?", "given_info": "We know that X causes Y.", "answer": "no"}])")
                .find("it looks like a CounterBench file"),
            std::string::npos);
  EXPECT_NE(message("[1, 2]").find("none of its 2 items has a meta object"), std::string::npos);
  // CounterBench's real items carry CLadder-like meta: they are read, each listed as not parsed,
  // and the report says where they belong.
  std::istringstream cb(R"([{"question": "Would B occur if not A instead of A?", "given_info": "We know that A causes B.",
      "answer": "no", "question_id": "0", "meta": {"query_type": "det-counterfactual", "graph_id": "graph5"}}])");
  const ImportResult r = import_cladder(cb, nullptr, {.file = "cb.json", .audit = false});
  EXPECT_EQ(r.report.parsed, 0U);
  ASSERT_EQ(r.report.not_parsed.size(), 1U);
  ASSERT_FALSE(r.report.notes.empty());
  EXPECT_NE(r.report.notes.back().find("rung import counterbench"), std::string::npos);
}

}  // namespace
}  // namespace rung
