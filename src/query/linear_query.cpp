#include "rung/query/linear_query.hpp"

#include "rung/io/linear_text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rung {
namespace {

constexpr int kMaxNesting = 64;

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

class Parser {
 public:
  Parser(std::string_view text, const LinearScm& m) : text_(text), m_(m) {}

  LinearQuery query() {
    LinearQuery q;
    int sign = 1;
    if (eat('-')) sign = -1;
    else eat('+');
    for (;;) {
      q.parts.push_back({sign, quantity()});
      if (eat('+')) {
        sign = 1;
      } else if (eat('-')) {
        sign = -1;
      } else {
        break;
      }
    }
    if (!at_end()) fail(fmt::format("expected '+', '-' or the end of the query, found {}", found()));
    return q;
  }

 private:
  std::string_view text_;
  const LinearScm& m_;
  std::size_t pos_ = 0;
  int depth_ = 0;

  [[noreturn]] void fail(const std::string& message) const {
    throw InvalidQuery(fmt::format("column {}: {}", pos_ + 1, message));
  }
  void skip() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool at_end() {
    skip();
    return pos_ >= text_.size();
  }
  bool peek(char c) {
    skip();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  bool eat(std::string_view s) {
    skip();
    if (text_.substr(pos_, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }
  void expect(char c, std::string_view after) {
    if (!eat(c)) fail(fmt::format("expected '{}' {}, found {}", c, after, found()));
  }
  std::string found() {
    skip();
    if (pos_ >= text_.size()) return "the end of the query";
    if (is_name_char(text_[pos_])) {
      std::size_t end = pos_;
      while (end < text_.size() && is_name_char(text_[end])) ++end;
      return fmt::format("'{}'", text_.substr(pos_, std::min<std::size_t>(end - pos_, 32)));
    }
    return fmt::format("'{}'", text_[pos_]);
  }
  std::string_view word() {
    skip();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  bool number_next() {
    skip();
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+';
  }
  Rational number(std::string_view what) {
    skip();
    const std::size_t start = pos_;
    if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+')) ++pos_;
    while (pos_ < text_.size() && ((text_[pos_] >= '0' && text_[pos_] <= '9') || text_[pos_] == '.' || text_[pos_] == '/')) ++pos_;
    const auto value = parse_linear_number(text_.substr(start, pos_ - start));
    if (!value) {
      pos_ = start;
      fail(fmt::format("expected {} (a number such as 2, -1/4 or 0.5), found {}", what, found()));
    }
    return *value;
  }
  VarId variable() {
    skip();
    const std::size_t start = pos_;
    auto name = word();
    if (name.size() > 1 && name.back() == '_' && pos_ < text_.size() && text_[pos_] == '{') {
      name.remove_suffix(1);  // `Y_{X=0}`: the '_' opens the subscript
      --pos_;
    }
    if (name.empty()) fail(fmt::format("expected a variable name, found {}", found()));
    const auto id = m_.find(name);
    if (!id) {
      pos_ = start;
      fail(fmt::format("unknown variable '{}'", name));
    }
    return *id;
  }

  LinearOutcome outcome() {
    if (++depth_ > kMaxNesting) fail(fmt::format("nested deeper than {} levels", kMaxNesting));
    LinearOutcome t;
    const std::size_t start = pos_;
    t.var = variable();
    char close = 0;
    if (eat('[')) {
      close = ']';
    } else if (eat("_{")) {
      close = '}';
    }
    if (close != 0) {
      for (;;) {
        const std::size_t at = pos_;
        LinearSetting s;
        s.var = variable();
        if (m_.is_exogenous(s.var)) {
          pos_ = at;
          skip();
          fail(fmt::format("{} is exogenous and cannot be set: settings fix endogenous variables", m_.name(s.var)));
        }
        expect('=', fmt::format("after '{}'", m_.name(s.var)));
        if (number_next()) {
          s.value = number("a value");
        } else {
          s.nested.push_back(outcome());
        }
        for (const auto& other : t.settings) {
          if (other.var == s.var) {
            pos_ = at;
            skip();
            fail(fmt::format("{} is set twice", m_.name(s.var)));
          }
        }
        t.settings.push_back(std::move(s));
        if (eat(',')) continue;
        expect(close, "after the settings");
        break;
      }
      std::sort(t.settings.begin(), t.settings.end(), [](const LinearSetting& a, const LinearSetting& b) { return a.var < b.var; });
    }
    (void)start;
    if (m_.is_exogenous(t.var)) t.settings.clear();  // the same in every world
    --depth_;
    return t;
  }

  /// `| conditions` (or nothing) up to the closing ')'; do(...) settings apply to `outcomes` and the evidence.
  void conditions(LinearQuantity& q) {
    std::vector<LinearSetting> done;
    if (eat('|')) {
      for (;;) {
        skip();
        const std::size_t at = pos_;
        if (word() == "do" && eat('(')) {
          for (;;) {
            LinearSetting s;
            s.var = variable();
            if (m_.is_exogenous(s.var)) fail(fmt::format("{} is exogenous and cannot be set", m_.name(s.var)));
            expect('=', fmt::format("after '{}'", m_.name(s.var)));
            s.value = number("a value");
            done.push_back(std::move(s));
            if (eat(',')) continue;
            expect(')', "after the settings of do(...)");
            break;
          }
        } else {
          pos_ = at;
          LinearObservation o;
          o.outcome = outcome();
          if (!eat('=')) fail(fmt::format("expected '=' and a value after the observed term, found {}", found()));
          o.value = number("the observed value");
          q.evidence.push_back(std::move(o));
        }
        if (!eat(',')) break;
      }
    }
    expect(')', "to close the quantity");
    const auto fold = [&](LinearOutcome& t) {
      if (m_.is_exogenous(t.var)) return;
      for (const auto& s : done) {
        const bool set = std::any_of(t.settings.begin(), t.settings.end(), [&](const LinearSetting& x) { return x.var == s.var; });
        if (!set) t.settings.push_back(s);
      }
      std::sort(t.settings.begin(), t.settings.end(), [](const LinearSetting& a, const LinearSetting& b) { return a.var < b.var; });
    };
    for (auto& t : q.outcomes) fold(t);
    for (auto& o : q.evidence) fold(o.outcome);
  }

  LinearQuantity quantity() {
    skip();
    const std::size_t start = pos_;
    const auto head = word();
    LinearQuantity q;
    if (head == "E") {
      q.kind = LinearQuantity::Kind::mean;
    } else if (head == "Var") {
      q.kind = LinearQuantity::Kind::variance;
    } else if (head == "Cov") {
      q.kind = LinearQuantity::Kind::covariance;
    } else if (head == "P") {
      q.kind = LinearQuantity::Kind::probability;
    } else {
      pos_ = start;
      fail(fmt::format("expected E(...), Var(...), Cov(...) or P(... > c), found {}", found()));
    }
    expect('(', fmt::format("after '{}'", head));
    q.outcomes.push_back(outcome());
    if (q.kind == LinearQuantity::Kind::covariance) {
      expect(',', "between the two terms of Cov(A, B)");
      q.outcomes.push_back(outcome());
    }
    if (q.kind == LinearQuantity::Kind::probability) {
      if (eat(">=") || eat('>')) {
        q.above = true;
      } else if (eat("<=") || eat('<')) {
        q.above = false;
      } else if (peek('=') || peek(',') || peek('|') || peek(')')) {
        fail("this model is linear (continuous variables): ask P(Y > c) or P(Y < c), E(Y), Var(Y) or Cov(Y, Z); P(Y=y) "
             "and distributions are for discrete models");
      } else {
        fail(fmt::format("expected '>' or '<' and a number, found {}", found()));
      }
      q.threshold = number("the threshold");
    }
    conditions(q);
    return q;
  }
};

void append(std::string& out, const LinearOutcome& t, const LinearScm& m) {
  out += m.name(t.var);
  if (t.settings.empty()) return;
  out += '[';
  for (std::size_t i = 0; i < t.settings.size(); ++i) {
    if (i > 0) out += ", ";
    out += m.name(t.settings[i].var);
    out += '=';
    if (t.settings[i].is_nested()) {
      append(out, t.settings[i].nested.front(), m);
    } else {
      out += to_string(t.settings[i].value);
    }
  }
  out += ']';
}

}  // namespace

LinearQuery parse_linear_query(std::string_view text, const LinearScm& m) { return Parser(text, m).query(); }

std::string to_string(const LinearOutcome& t, const LinearScm& m) {
  std::string out;
  append(out, t, m);
  return out;
}

std::string to_string(const std::vector<LinearObservation>& evidence, const LinearScm& m) {
  std::string out;
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    if (i > 0) out += ", ";
    append(out, evidence[i].outcome, m);
    out += '=';
    out += to_string(evidence[i].value);
  }
  return out;
}

std::string to_string(const LinearQuantity& q, const LinearScm& m) {
  using Kind = LinearQuantity::Kind;
  std::string out = q.kind == Kind::mean ? "E(" : q.kind == Kind::variance ? "Var(" : q.kind == Kind::covariance ? "Cov(" : "P(";
  append(out, q.outcomes.at(0), m);
  if (q.kind == Kind::covariance) {
    out += ", ";
    append(out, q.outcomes.at(1), m);
  }
  if (q.kind == Kind::probability) out += (q.above ? " > " : " < ") + to_string(q.threshold);
  if (!q.evidence.empty()) out += " | " + to_string(q.evidence, m);
  out += ')';
  return out;
}

std::string to_string(const LinearQuery& q, const LinearScm& m) {
  std::string out;
  for (std::size_t i = 0; i < q.parts.size(); ++i) {
    if (i > 0) out += q.parts[i].sign < 0 ? " - " : " + ";
    else if (q.parts[i].sign < 0) out += '-';
    out += to_string(q.parts[i].quantity, m);
  }
  return out;
}

int rung_of(const LinearQuery& q) {
  bool any = false;
  bool single_world = true;
  for (const auto& part : q.parts) {
    std::vector<const LinearOutcome*> all;
    for (const auto& t : part.quantity.outcomes) all.push_back(&t);
    for (const auto& o : part.quantity.evidence) all.push_back(&o.outcome);
    const std::vector<LinearSetting>* first = nullptr;
    for (const auto* t : all) {
      if (!t->settings.empty()) any = true;
      for (const auto& s : t->settings) {
        if (s.is_nested()) single_world = false;
      }
      if (first == nullptr) {
        first = &t->settings;
      } else if (*first != t->settings) {
        single_world = false;
      }
    }
  }
  if (!any) return 1;
  return single_world ? 2 : 3;
}

LinearQuery make_linear_estimand(std::string_view kind, const std::string& treatment, const std::string& mediator,
                                 const std::string& outcome, const Rational& treated, const Rational& control,
                                 const LinearScm& m) {
  const bool mediated = kind == "nde" || kind == "nie";
  std::vector<std::string> names{treatment, outcome};
  if (mediated) names.push_back(mediator);
  for (const auto& name : names) {
    const auto id = m.find(name);
    if (!id) throw InvalidQuery(fmt::format("unknown variable '{}'", name));
    if (m.is_exogenous(*id)) throw InvalidQuery(fmt::format("{} is exogenous; an estimand's variables are endogenous", name));
  }
  const std::string x = to_string(treated);
  const std::string x0 = to_string(control);
  const std::string& X = treatment;
  const std::string& Y = outcome;
  const std::string& M = mediator;
  std::string text;
  if (kind == "ate") {
    text = fmt::format("E({Y}[{X}={x}]) - E({Y}[{X}={x0}])", fmt::arg("Y", Y), fmt::arg("X", X), fmt::arg("x", x), fmt::arg("x0", x0));
  } else if (kind == "ett") {
    text = fmt::format("E({Y}[{X}={x}] | {X}={x}) - E({Y}[{X}={x0}] | {X}={x})", fmt::arg("Y", Y), fmt::arg("X", X),
                       fmt::arg("x", x), fmt::arg("x0", x0));
  } else if (kind == "nde") {
    text = fmt::format("E({Y}[{X}={x}, {M}={M}[{X}={x0}]]) - E({Y}[{X}={x0}])", fmt::arg("Y", Y), fmt::arg("X", X),
                       fmt::arg("M", M), fmt::arg("x", x), fmt::arg("x0", x0));
  } else if (kind == "nie") {
    text = fmt::format("E({Y}[{X}={x0}, {M}={M}[{X}={x}]]) - E({Y}[{X}={x0}])", fmt::arg("Y", Y), fmt::arg("X", X),
                       fmt::arg("M", M), fmt::arg("x", x), fmt::arg("x0", x0));
  } else {
    throw InvalidQuery(fmt::format("{}: on a linear model the named estimands are ate, ett, nde and nie (PN, PS and PNS are "
                                   "probabilities of binary outcomes)",
                                   kind));
  }
  return parse_linear_query(text, m);
}

}  // namespace rung
