#include "rung/io/uai.hpp"

#include "network_reading.hpp"

#include <fmt/format.h>

#include <charconv>

namespace rung {

namespace {

using network_reading::describe;
using network_reading::Token;

struct Failed {};

class UaiReader {
 public:
  UaiReader(std::string_view text, std::string_view file) : tokens_(text, "", false), file_(file) { advance(); }

  BayesNet read() {
    try {
      body();
    } catch (const Failed&) {
    }
    if (tokens_.problem()) problems_.push_back(*tokens_.problem());
    network_reading::throw_if_any(std::move(problems_), file_);
    return std::move(net_);
  }

  std::vector<std::pair<std::string, std::string>> evidence(const BayesNet& net) {
    std::vector<std::pair<std::string, std::string>> out;
    try {
      std::vector<Token> all;
      while (tok_.kind != Token::Kind::end) {
        all.push_back(tok_);
        advance();
      }
      std::size_t i = 0;
      auto number = [&](std::string_view what, std::size_t limit) {
        if (i >= all.size()) {
          problems_.push_back({"", tok_.at.line, tok_.at.column, fmt::format("expected {}, found end of file", what)});
          throw Failed{};
        }
        const Token& t = all[i++];
        std::size_t v = 0;
        const auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
        if (ec != std::errc() || end != t.text.data() + t.text.size() || v >= limit) {
          problems_.push_back({"", t.at.line, t.at.column, fmt::format("expected {}, found {}", what, describe(t))});
          throw Failed{};
        }
        return v;
      };
      // Older files start with the number of samples (1): then 2k + 2 tokens.
      if (all.size() >= 2 && all.size() % 2 == 0 && all[0].text == "1") ++i;
      const std::size_t k = number("the number of observed variables", net.nodes.size() + 1);
      for (std::size_t e = 0; e < k; ++e) {
        const std::size_t var = number(fmt::format("a variable index below {}", net.nodes.size()), net.nodes.size());
        const auto& node = net.nodes[var];
        const std::size_t value = number(fmt::format("a state of {} (below {})", node.name, node.states.size()), node.states.size());
        out.emplace_back(node.name, node.states[value]);
      }
      if (i < all.size()) {
        problems_.push_back({"", all[i].at.line, all[i].at.column, fmt::format("expected end of file after {} observations, found {}", k, describe(all[i]))});
      }
    } catch (const Failed&) {
    }
    network_reading::throw_if_any(std::move(problems_), file_);
    return out;
  }

 private:
  network_reading::Tokenizer tokens_;
  std::string_view file_;
  Token tok_;
  BayesNet net_;
  std::vector<Diagnostic> problems_;

  void advance() { tok_ = tokens_.next(); }
  [[noreturn]] void fail(const std::string& expected) {
    problems_.push_back({"", tok_.at.line, tok_.at.column, fmt::format("expected {}, found {}", expected, describe(tok_))});
    throw Failed{};
  }
  std::size_t count(const std::string& what, std::size_t lo, std::size_t hi) {
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(tok_.text.data(), tok_.text.data() + tok_.text.size(), v);
    if (tok_.kind != Token::Kind::word || ec != std::errc() || end != tok_.text.data() + tok_.text.size() || v < lo || v > hi) {
      fail(fmt::format("{} ({} to {})", what, lo, hi));
    }
    advance();
    return v;
  }

  void body() {
    if (tok_.kind == Token::Kind::word && tok_.text == "MARKOV") {
      fail("'BAYES' (MARKOV networks have no conditional probability tables and are not supported)");
    }
    if (tok_.kind != Token::Kind::word || tok_.text != "BAYES") fail("'BAYES' (the network type)");
    advance();
    const std::size_t n = count("the number of variables", 1, 1u << 20);
    for (std::size_t i = 0; i < n; ++i) {
      BayesNet::Node node;
      node.name = fmt::format("v{}", i);
      node.at = tok_.at;
      const std::size_t card = count(fmt::format("the number of states of variable {}", i), 1, 1u << 16);
      for (std::size_t s = 0; s < card; ++s) node.states.push_back(std::to_string(s));
      net_.nodes.push_back(std::move(node));
    }
    const Location functions_at = tok_.at;
    const std::size_t m = count("the number of functions", 0, 1u << 20);
    if (m != n) {
      problems_.push_back({"", functions_at.line, functions_at.column,
                           fmt::format("a BAYES network has one function per variable: {} functions for {} variables", m, n)});
      throw Failed{};
    }
    std::vector<std::vector<std::size_t>> scopes(m);
    std::vector<std::size_t> child_of(m);
    std::vector<bool> has_function(n, false);
    for (std::size_t f = 0; f < m; ++f) {
      const Location at = tok_.at;
      const std::size_t k = count(fmt::format("the scope size of function {}", f), 1, 64);
      for (std::size_t j = 0; j < k; ++j) {
        const Location var_at = tok_.at;
        const std::size_t v = count(fmt::format("a variable index of function {}", f), 0, n - 1);
        for (std::size_t earlier : scopes[f]) {
          if (earlier == v) {
            problems_.push_back({"", var_at.line, var_at.column, fmt::format("variable {} appears twice in the scope of function {}", v, f)});
          }
        }
        scopes[f].push_back(v);
      }
      const std::size_t child = scopes[f].back();
      child_of[f] = child;
      if (has_function[child]) {
        problems_.push_back({"", at.line, at.column, fmt::format("variable {} is the child of two functions", child)});
        continue;
      }
      has_function[child] = true;
      auto& node = net_.nodes[child];
      node.has_cpt = true;
      node.cpt_at = at;
      for (std::size_t j = 0; j + 1 < scopes[f].size(); ++j) node.parents.push_back(net_.nodes[scopes[f][j]].name);
    }
    for (std::size_t f = 0; f < m; ++f) {
      const Location at = tok_.at;
      std::size_t expected = 1;
      for (std::size_t v : scopes[f]) expected *= net_.nodes[v].states.size();
      if (expected > (std::size_t{1} << 26)) {
        problems_.push_back({"", at.line, at.column, fmt::format("the table of function {} has more than 2^26 entries", f)});
        throw Failed{};
      }
      const std::size_t entries = count(fmt::format("the number of entries of function {} ({})", f, expected), expected, expected);
      (void)entries;
      auto& node = net_.nodes[child_of[f]];
      const std::size_t k = node.states.size();
      std::vector<std::vector<Rational>> rows;
      std::vector<Location> row_at;
      for (std::size_t e = 0; e < expected; ++e) {
        if (e % k == 0) {
          rows.emplace_back();
          row_at.push_back(tok_.at);
        }
        auto p = tok_.kind == Token::Kind::word ? network_reading::exact_decimal(tok_.text) : std::nullopt;
        if (!p) fail(fmt::format("a probability (entry {} of {} of function {})", e + 1, expected, f));
        rows.back().push_back(std::move(*p));
        advance();
      }
      if (node.cpt.empty()) {
        node.cpt = std::move(rows);
        node.row_at = std::move(row_at);
      }
    }
    if (tok_.kind != Token::Kind::end) fail("end of file after the last table");
  }
};

}  // namespace

BayesNet read_uai(std::string_view text, std::string_view file) { return UaiReader(text, file).read(); }

std::vector<std::pair<std::string, std::string>> read_uai_evidence(std::string_view text, std::string_view file,
                                                                   const BayesNet& net) {
  return UaiReader(text, file).evidence(net);
}

}  // namespace rung
