#include "rung/io/bif.hpp"

#include "network_reading.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

namespace rung {

namespace {

using network_reading::describe;
using network_reading::Token;
using network_reading::Tokenizer;

constexpr std::string_view kPunctuation = "{}()[],;|";

class BifReader {
 public:
  BifReader(std::string_view text, std::string_view file) : tokens_(text, kPunctuation, true), file_(file) {
    advance();
  }

  BayesNet read() {
    while (tok_.kind != Token::Kind::end) {
      if (is_word("network")) {
        block([this] { network(); });
      } else if (is_word("variable")) {
        block([this] { variable(); });
      } else if (is_word("probability")) {
        block([this] { probability(); });
      } else {
        error(fmt::format("expected 'network', 'variable' or 'probability', found {}", describe(tok_)));
        advance();
        skip_block();
      }
    }
    if (tokens_.problem()) problems_.push_back(*tokens_.problem());
    finish_cpts();
    if (net_.nodes.empty() && problems_.empty()) problems_.push_back({"", 1, 1, "empty network: no variables declared"});
    network_reading::throw_if_any(std::move(problems_), file_);
    return std::move(net_);
  }

 private:
  struct Failed {};  // thrown to abandon the current block after reporting the problem

  struct Entry {  // a `(states) numbers;`, `table numbers;` or `default numbers;` line
    enum class Kind { row, table, default_ } kind = Kind::row;
    std::vector<Token> states;
    std::vector<Rational> numbers;
    Location at;
  };
  struct Cpt {
    std::string child;
    std::vector<std::string> parents;
    std::vector<Entry> entries;
    Location at;
  };

  Tokenizer tokens_;
  std::string_view file_;
  Token tok_;
  BayesNet net_;
  std::vector<Cpt> cpts_;
  std::vector<Diagnostic> problems_;
  std::set<std::string> probability_blocks_;  ///< children of the probability blocks begun
  std::set<std::string> attempted_;           ///< names of the variable blocks begun

  void advance() { tok_ = tokens_.next(); }
  [[nodiscard]] bool is_word(std::string_view w) const { return tok_.kind == Token::Kind::word && tok_.text == w; }
  [[nodiscard]] bool is_punct(char c) const { return tok_.kind == Token::Kind::punct && tok_.text[0] == c; }
  void error_at(Location at, std::string message) { problems_.push_back({"", at.line, at.column, std::move(message)}); }
  void error(std::string message) { error_at(tok_.at, std::move(message)); }
  [[noreturn]] void fail(std::string_view expected) {
    error(fmt::format("expected {}, found {}", expected, describe(tok_)));
    throw Failed{};
  }
  void expect(char c, std::string_view expected) {
    if (!is_punct(c)) fail(expected);
    advance();
  }
  /// A name: a word or a quoted string.
  std::string name(std::string_view expected) {
    if (tok_.kind != Token::Kind::word && tok_.kind != Token::Kind::quoted) fail(expected);
    std::string n = tok_.text;
    advance();
    return n;
  }

  /// Runs one top-level block; after a problem, skips to the end of the block.
  template <class F>
  void block(F body) {
    try {
      body();
    } catch (const Failed&) {
      skip_block();
    }
  }

  /// After a problem: skips to the next `network`, `variable` or `probability` that follows a
  /// '}' (the start of the next block), so one mistake is reported once.
  void skip_block() {
    // Failed on a keyword that starts a block: the previous block's '}' is missing.
    if (is_word("variable") || is_word("probability") || is_word("network")) return;
    bool after_brace = false;
    while (tok_.kind != Token::Kind::end) {
      if (after_brace && (is_word("variable") || is_word("probability") || is_word("network"))) return;
      after_brace = is_punct('}');
      advance();
    }
  }

  /// `property ... ;` (the cursor is on `property`).
  void property() {
    advance();
    while (tok_.kind != Token::Kind::end && !is_punct(';')) {
      if (is_punct('}')) fail("';' to end the property");
      advance();
    }
    expect(';', "';'");
  }

  // network NAME { property* }
  void network() {
    advance();
    if (!is_punct('{')) net_.name = name("the network's name");
    expect('{', "'{' after the network's name");
    while (!is_punct('}')) {
      if (is_word("property")) {
        property();
      } else {
        fail("'property' or '}'");
      }
    }
    advance();
  }

  // variable NAME { type discrete [ K ] { s1, ... }; property ...; }
  void variable() {
    advance();
    BayesNet::Node node;
    node.at = tok_.at;
    node.name = name("the variable's name");
    attempted_.insert(node.name);
    expect('{', fmt::format("'{{' after 'variable {}'", node.name));
    bool typed = false;
    while (!is_punct('}')) {
      if (is_word("property")) {
        property();
        continue;
      }
      if (!is_word("type")) fail(fmt::format("'type', 'property' or '}}' in variable {}", node.name));
      const Location type_at = tok_.at;
      advance();
      if (!is_word("discrete")) fail("'discrete' after 'type' (only discrete variables are supported)");
      advance();
      expect('[', "'[' after 'discrete'");
      const Location count_at = tok_.at;
      if (tok_.kind != Token::Kind::word) fail("the number of states");
      const std::string count_text = tok_.text;
      advance();
      expect(']', "']' after the number of states");
      expect('{', "'{' to open the list of states");
      std::map<std::string, Location> seen;
      while (true) {
        const Location at = tok_.at;
        std::string state = name(fmt::format("a state of {}", node.name));
        if (!seen.emplace(state, at).second) error_at(at, fmt::format("duplicate state {} of {}", network_reading::quote_text(state), node.name));
        node.states.push_back(std::move(state));
        if (is_punct(',')) {
          advance();
          continue;
        }
        expect('}', fmt::format("',' or '}}' in the states of {}", node.name));
        break;
      }
      expect(';', "';' after the list of states");
      const auto count = network_reading::exact_decimal(count_text);
      if (!count || *count != Rational(static_cast<long>(node.states.size()))) {
        error_at(count_at, fmt::format("variable {} declares [ {} ] states but lists {}", node.name, count_text,
                                       node.states.size()));
      }
      if (typed) error_at(type_at, fmt::format("variable {} has two 'type' lines", node.name));
      typed = true;
    }
    advance();
    if (!typed) error_at(node.at, fmt::format("variable {} has no 'type discrete [ K ] {{ ... }};' line", node.name));
    net_.nodes.push_back(std::move(node));
  }

  /// Numbers up to ';' (commas between them optional).
  std::vector<Rational> numbers(std::string_view where) {
    std::vector<Rational> out;
    while (!is_punct(';')) {
      if (tok_.kind != Token::Kind::word) fail(fmt::format("a probability or ';' in {}", where));
      auto p = network_reading::exact_decimal(tok_.text);
      if (!p) {
        fail(fmt::format("a probability (a decimal such as 0.25 or 2.5e-01) in {}", where));
      }
      out.push_back(std::move(*p));
      advance();
      if (is_punct(',')) advance();
    }
    advance();
    return out;
  }

  // probability ( X | P1, ... ) { entries }
  void probability() {
    Cpt cpt;
    cpt.at = tok_.at;
    advance();
    expect('(', "'(' after 'probability'");
    cpt.child = name("the variable of the probability table");
    probability_blocks_.insert(cpt.child);
    if (is_punct('|')) {
      advance();
      while (true) {
        cpt.parents.push_back(name(fmt::format("a parent of {}", cpt.child)));
        if (is_punct(',')) {
          advance();
          continue;
        }
        break;
      }
    }
    expect(')', "',', '|' or ')'");
    expect('{', fmt::format("'{{' to open the probability table of {}", cpt.child));
    const std::string where = fmt::format("the probability table of {}", cpt.child);
    while (!is_punct('}')) {
      Entry e;
      e.at = tok_.at;
      if (is_word("property")) {
        property();
        continue;
      }
      if (is_word("table") || is_word("default")) {
        e.kind = is_word("table") ? Entry::Kind::table : Entry::Kind::default_;
        advance();
      } else if (is_punct('(')) {
        advance();
        while (true) {
          if (tok_.kind != Token::Kind::word && tok_.kind != Token::Kind::quoted) fail(fmt::format("a state of a parent of {}", cpt.child));
          e.states.push_back(tok_);
          advance();
          if (is_punct(',')) {
            advance();
            continue;
          }
          expect(')', "',' or ')' after a parent's state");
          break;
        }
      } else {
        fail(fmt::format("'(', 'table', 'default', 'property' or '}}' in {}", where));
      }
      e.numbers = numbers(where);
      cpt.entries.push_back(std::move(e));
    }
    advance();
    cpts_.push_back(std::move(cpt));
  }

  /// Turns the probability blocks into rows of the nodes' CPTs, reporting what does not fit.
  void finish_cpts() {
    for (auto& cpt : cpts_) {
      const auto index = net_.find(cpt.child);
      if (!index && attempted_.contains(cpt.child)) continue;  // its declaration's problem was reported
      if (!index) {
        error_at(cpt.at, fmt::format("probability table for undeclared variable {}", network_reading::quote_text(cpt.child)));
        continue;
      }
      BayesNet::Node& node = net_.nodes[*index];
      if (node.has_cpt) {
        error_at(cpt.at, fmt::format("second probability table for {} (the first is on line {})", node.name, node.cpt_at.line));
        continue;
      }
      node.has_cpt = true;
      node.cpt_at = cpt.at;
      node.parents = cpt.parents;
      std::vector<std::size_t> radix;
      bool ok = true;
      for (const auto& p : cpt.parents) {
        const auto pi = net_.find(p);
        if (!pi) {
          error_at(cpt.at, fmt::format("unknown parent {} of {}", network_reading::quote_text(p), node.name));
          ok = false;
        } else {
          radix.push_back(net_.nodes[*pi].states.size());
        }
      }
      node.parents = ok ? cpt.parents : std::vector<std::string>{};
      if (!ok) continue;
      // A parent without states (`variable lung {}`, reported by check_cpts) has no rows to
      // index: the table cannot be read against it (found by the network fuzzer: a division by
      // zero naming a missing row).
      if (std::find(radix.begin(), radix.end(), std::size_t{0}) != radix.end()) continue;
      std::size_t rows = 1;
      for (auto r : radix) {
        rows *= std::max<std::size_t>(r, 1);
        if (rows > (std::size_t{1} << 26)) {
          error_at(cpt.at, fmt::format("the probability table of {} has more than 2^26 rows", node.name));
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const std::size_t k = node.states.size();
      std::vector<std::optional<std::vector<Rational>>> filled(rows);
      std::vector<Location> row_at(rows);
      const Entry* fallback = nullptr;
      const std::size_t problems_before = problems_.size();
      for (const auto& e : cpt.entries) {
        if (e.kind == Entry::Kind::table) {
          if (e.numbers.size() != rows * k) {
            error_at(e.at, fmt::format("the table of {} has {} probabilities, expected {} ({} states x {} parent "
                                       "configurations)", node.name, e.numbers.size(), rows * k, k, rows));
            continue;
          }
          // X's state slowest, the last parent fastest.
          for (std::size_t r = 0; r < rows; ++r) {
            std::vector<Rational> row(k);
            for (std::size_t j = 0; j < k; ++j) row[j] = e.numbers[j * rows + r];
            if (filled[r]) error_at(e.at, fmt::format("the table of {} repeats rows given before", node.name));
            filled[r] = std::move(row);
            row_at[r] = e.at;
          }
          continue;
        }
        if (e.kind == Entry::Kind::default_) {
          if (fallback != nullptr) error_at(e.at, fmt::format("second 'default' row for {}", node.name));
          fallback = &e;
          continue;
        }
        if (e.states.size() != cpt.parents.size()) {
          error_at(e.at, fmt::format("row of {} names {} parent state{}, expected {} ({})", node.name, e.states.size(),
                                     e.states.size() == 1 ? "" : "s", cpt.parents.size(), fmt::join(cpt.parents, ", ")));
          continue;
        }
        std::size_t r = 0;
        bool row_ok = true;
        for (std::size_t i = 0; i < e.states.size(); ++i) {
          const auto& parent = net_.nodes[*net_.find(cpt.parents[i])];
          std::size_t s = 0;
          while (s < parent.states.size() && parent.states[s] != e.states[i].text) ++s;
          if (s == parent.states.size()) {
            error_at(e.states[i].at, fmt::format("{} is not a state of {} {{{}}}", describe(e.states[i]), parent.name,
                                                 fmt::join(parent.states, ", ")));
            row_ok = false;
            break;
          }
          r = r * radix[i] + s;
        }
        if (!row_ok) continue;
        if (e.numbers.size() != k) {
          error_at(e.at, fmt::format("row of {} has {} probabilities, expected {} (one per state: {})", node.name,
                                     e.numbers.size(), k, fmt::join(node.states, ", ")));
          continue;
        }
        if (filled[r]) {
          error_at(e.at, fmt::format("duplicate row for the same parent states in the probability table of {} (first on line {})",
                                     node.name, row_at[r].line));
          continue;
        }
        filled[r] = e.numbers;
        row_at[r] = e.at;
      }
      if (fallback != nullptr && fallback->numbers.size() != k) {
        error_at(fallback->at, fmt::format("default row of {} has {} probabilities, expected {}", node.name,
                                           fallback->numbers.size(), k));
        continue;
      }
      std::size_t missing = 0;
      std::size_t first_missing = 0;
      for (std::size_t r = 0; r < rows; ++r) {
        if (filled[r]) continue;
        if (fallback != nullptr) {
          filled[r] = fallback->numbers;
          row_at[r] = fallback->at;
        } else if (missing++ == 0) {
          first_missing = r;
        }
      }
      if (missing > 0 && problems_.size() == problems_before) {  // else the bad entries said it
        std::vector<std::string> states;
        std::size_t rest = first_missing;
        states.resize(cpt.parents.size());
        for (std::size_t i = cpt.parents.size(); i-- > 0;) {
          states[i] = net_.nodes[*net_.find(cpt.parents[i])].states[rest % radix[i]];
          rest /= radix[i];
        }
        error_at(cpt.at, fmt::format("the probability table of {} has no row for ({}){}", node.name,
                                     fmt::join(states, ", "),
                                     missing > 1 ? fmt::format(" and {} more row{}", missing - 1, missing > 2 ? "s" : "") : std::string()));
        continue;
      }
      if (missing > 0) continue;
      for (std::size_t r = 0; r < rows; ++r) node.cpt.push_back(std::move(*filled[r]));
      node.row_at = std::move(row_at);
    }
    for (const auto& node : net_.nodes) {
      if (!probability_blocks_.contains(node.name)) {
        error_at(node.at, fmt::format("variable {} has no probability table", node.name));
      }
    }
  }
};

/// A state or name as a BIF word, quoted when it holds a character BIF words cannot.
std::string bif_word(const std::string& s) {
  bool plain = !s.empty() && s.find("//") == std::string::npos && s.find("/*") == std::string::npos;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0 || kPunctuation.find(c) != std::string_view::npos || c == '"') {
      plain = false;
    }
  }
  if (plain) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// The exact decimal of p when it has one (denominator 2^a 5^b), else 20 significant digits.
std::string bif_number(const Rational& p) {
  boost::multiprecision::mpz_int d = boost::multiprecision::denominator(p);
  int places = 0;
  while (d % 10 == 0) { d /= 10; ++places; }
  int twos = 0, fives = 0;
  while (d % 2 == 0) { d /= 2; ++twos; }
  while (d % 5 == 0) { d /= 5; ++fives; }
  if (d == 1) {
    std::string s = to_decimal(p, places + std::max(twos, fives));
    return s.find('.') == std::string::npos ? s + ".0" : s;
  }
  return to_decimal(p, 20);
}

}  // namespace

BayesNet read_bif(std::string_view text, std::string_view file) { return BifReader(text, file).read(); }

std::string write_bif(const BayesNet& net) {
  std::string out = fmt::format("network {} {{\n}}\n", bif_word(net.name.empty() ? "unknown" : net.name));
  for (const auto& node : net.nodes) {
    std::vector<std::string> states;
    for (const auto& s : node.states) states.push_back(bif_word(s));
    out += fmt::format("variable {} {{\n  type discrete [ {} ] {{ {} }};\n}}\n", bif_word(node.name), node.states.size(),
                       fmt::join(states, ", "));
  }
  for (const auto& node : net.nodes) {
    out += fmt::format("probability ( {}", bif_word(node.name));
    if (!node.parents.empty()) {
      std::vector<std::string> ps;
      for (const auto& p : node.parents) ps.push_back(bif_word(p));
      out += fmt::format(" | {}", fmt::join(ps, ", "));
    }
    out += " ) {\n";
    std::vector<std::size_t> radix;
    for (const auto& p : node.parents) radix.push_back(net.nodes[*net.find(p)].states.size());
    for (std::size_t r = 0; r < node.cpt.size(); ++r) {
      std::vector<std::string> numbers;
      for (const auto& p : node.cpt[r]) numbers.push_back(bif_number(p));
      if (node.parents.empty()) {
        out += fmt::format("  table {};\n", fmt::join(numbers, ", "));
        continue;
      }
      std::vector<std::string> in(node.parents.size());
      std::size_t rest = r;
      for (std::size_t i = node.parents.size(); i-- > 0;) {
        in[i] = bif_word(net.nodes[*net.find(node.parents[i])].states[rest % radix[i]]);
        rest /= radix[i];
      }
      out += fmt::format("  ({}) {};\n", fmt::join(in, ", "), fmt::join(numbers, ", "));
    }
    out += "}\n";
  }
  return out;
}

}  // namespace rung
