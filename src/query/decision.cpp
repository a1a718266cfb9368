#include "rung/query/decision.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

namespace rung {

std::string Decision::answer(const Rational& value) const {
  switch (op) {
    case Op::greater:
      if (is_default() && value == threshold) return "undetermined";
      return value > threshold ? "yes" : "no";
    case Op::less: return value < threshold ? "yes" : "no";
    case Op::equal: return value == threshold ? "yes" : "no";
    case Op::not_equal: return value != threshold ? "yes" : "no";
  }
  return "no";
}

std::string to_string(const Decision& d) {
  const char* op = d.op == Decision::Op::greater ? ">" : d.op == Decision::Op::less ? "<" : d.op == Decision::Op::equal ? "=" : "!=";
  return fmt::format("value {} {}", op, to_string(d.threshold));
}

Decision parse_decision(std::string_view text) {
  auto fail = [&] {
    return InvalidQuery(fmt::format("decision '{}': expected 'value OP THRESHOLD' with OP one of > < = != (e.g. 'value > 1/2')", text));
  };
  std::string_view rest = text;
  auto skip = [&] {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  };
  skip();
  if (!rest.starts_with("value")) throw fail();
  rest.remove_prefix(5);
  skip();
  Decision d;
  if (rest.starts_with("!=")) d.op = Decision::Op::not_equal, rest.remove_prefix(2);
  else if (rest.starts_with(">")) d.op = Decision::Op::greater, rest.remove_prefix(1);
  else if (rest.starts_with("<")) d.op = Decision::Op::less, rest.remove_prefix(1);
  else if (rest.starts_with("=")) d.op = Decision::Op::equal, rest.remove_prefix(1);
  else throw fail();
  skip();
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  auto threshold = try_parse_rational(rest);
  if (!threshold) throw fail();
  d.threshold = *threshold;
  return d;
}

}  // namespace rung
