// The linear-Gaussian paths of `rung validate`, `show`, `convert` and `solve` (issue #20): each
// command asks is_linear_file first and hands a linear model here; the discrete paths are unchanged.
#include "rung/cli/commands.hpp"

#include "rung/core/json.hpp"
#include "rung/core/text.hpp"
#include "rung/infer/linear_gaussian.hpp"
#include "rung/io/input_file.hpp"
#include "rung/io/linear_json.hpp"
#include "rung/io/linear_text.hpp"
#include "rung/io/model_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <sstream>

namespace rung::cli {

bool is_linear_file(const std::string& file) {
  const std::filesystem::path p(file);
  const std::string ext = p.extension() == ".gz" ? p.stem().extension().string() : p.extension().string();
  if (ext == ".bif" || ext == ".uai" || ext == ".xmlbif" || ext == ".xml") return false;
  return is_linear_model_file(file);
}

void refuse_linear(const std::string& file, std::string_view what) {
  throw Error(fmt::format("{}: this is a linear-Gaussian model (Normal exogenous variables); {} works on discrete models "
                          "only",
                          file, what));
}

std::string validate_linear(const std::string& file) {
  const LinearScm m = read_linear_model_file(file);
  return fmt::format("{}: ok (linear-Gaussian: {} exogenous, {} endogenous variables)\n", file, m.exogenous_count(),
                     m.size() - m.exogenous_count());
}

int show_linear(const std::string& file, bool dot, bool admg, Streams s) {
  if (admg) refuse_linear(file, "--admg (identification)");
  const LinearScm m = read_linear_model_file(file);
  s.out << (dot ? to_dot(m) : describe(m));
  return 0;
}

int convert_linear(const std::string& file, const std::string& to, const std::string& output, Streams s) {
  if (to == "bif") refuse_linear(file, "--to bif (Bayesian networks)");
  const LinearScm m = read_linear_model_file(file);
  const std::string text = to == "json" ? write_linear_json(m) : write_linear_text(m);
  if (output.empty()) {
    s.out << text;
  } else {
    write_file_atomically(output, text);
  }
  return 0;
}

namespace {

void print_linear(std::ostream& out, const LinearScm& m, const LinearQuery& q, const LinearSolveArgs& a, bool batch) {
  const std::string shown = to_string(q, m);
  const int digits = a.digits.value_or(a.double_only ? 8 : 6);
  LinearSolverOptions options;
  options.method = a.method == "parallel-worlds" || a.method == "worlds" ? LinearMethod::parallel_worlds : LinearMethod::abduction;
  const char* method = options.method == LinearMethod::abduction ? "abduction" : "parallel-worlds";
  auto header = [&] {  // the fields every JSON answer starts with
    rung::ordered_json j;
    j["query"] = shown;
    j["rung"] = rung_of(q);
    j["model"] = "linear-gaussian";
    j["method"] = method;
    return j;
  };
  if (a.double_only) {
    if (a.trace) throw UsageError("solve: --trace shows exact steps; it cannot be used with --double");
    const double value = solve_double(m, q, options);
    if (a.json) {
      rung::ordered_json j = header();
      j["double"] = value;
      out << (batch ? j.dump() : j.dump(2)) << '\n';
    } else {
      out << fmt::format("{} ≈ {:.{}f} (double precision)\n", shown, value, digits);
    }
    return;
  }
  options.trace = a.trace;
  if (a.trace && options.method != LinearMethod::abduction) {
    throw UsageError("solve: --trace shows the steps of abduction, action and prediction: use it with --method abduction");
  }
  const LinearAnswer answer = solve(m, q, options);
  const double beside = a.floating ? solve_double(m, q, options) : 0.0;
  if (a.json) {
    rung::ordered_json j = header();
    if (answer.exact) {
      j["value"] = {{"fraction", to_string(answer.value)}, {"decimal", to_decimal(answer.value, digits)}};
    } else {
      j["double"] = answer.approximate;
      j["double_note"] = "double precision: not a rational number";
    }
    if (a.floating) j["double"] = beside;
    if (answer.trace) j["trace"] = to_json(*answer.trace);
    out << (batch ? j.dump() : j.dump(2)) << '\n';
    return;
  }
  if (answer.trace) out << to_text(*answer.trace) << '\n';
  if (answer.exact) {
    out << fmt::format("{} = {} ≈ {}", shown, to_string(answer.value), to_decimal(answer.value, digits));
  } else {
    out << fmt::format("{} ≈ {:.{}f} (double precision: not a rational number)", shown, answer.approximate,
                       a.digits.value_or(7));
  }
  if (a.floating) out << (batch ? fmt::format(" (double {:.17g})", beside) : fmt::format("\ndouble precision: {:.17g}", beside));
  out << '\n';
}

LinearQuery parse_for_cli(const std::string& text, const LinearScm& m) {
  try {
    return parse_linear_query(text, m);
  } catch (const InvalidQuery& e) {
    const std::string what = e.what();
    throw InvalidQuery(what.starts_with("column ") ? "query, " + what : "query: " + what);
  }
}

}  // namespace

int solve_linear(const LinearSolveArgs& a, Streams s) {
  if (!a.evidence.empty()) refuse_linear(a.file, "--evidence");
  const LinearScm m = read_linear_model_file(a.file);
  if (!a.estimand.empty()) {
    const std::string& kind = a.estimand;
    if (kind == "pn" || kind == "ps" || kind == "pns") {
      refuse_linear(a.file, fmt::format("--{} (a probability of causation of a binary outcome)", kind));
    }
    const auto value = [&](const std::string& text, const char* option) {
      const auto v = parse_linear_number(text);
      if (!v) throw UsageError(fmt::format("{} {}: expected a number such as 1, -1/2 or 0.5", option, text));
      return *v;
    };
    const auto& args = a.estimand_args;
    const LinearQuery q = make_linear_estimand(kind, args.at(0), args.size() == 3 ? args.at(1) : std::string(), args.back(),
                                               value(a.treated, "--treated"), value(a.control, "--control"), m);
    print_linear(s.out, m, q, a, false);
    return 0;
  }
  if (a.queries.empty()) {
    print_linear(s.out, m, parse_for_cli(a.query, m), a, false);
    return 0;
  }
  if (a.trace) throw UsageError("solve: --trace shows one query's steps; it cannot be used with --queries");
  const std::string source = a.queries == "-" ? "<stdin>" : a.queries;
  int status = 0;
  for (const auto& [text, line] : read_query_lines(a.queries)) {
    try {
      print_linear(s.out, m, parse_for_cli(text, m), a, true);
    } catch (const UsageError&) {
      throw;
    } catch (const Error& e) {
      const std::string message = one_line(e.what());
      s.err << fmt::format("{}:{}: error: {}\n", source, line, message);
      if (a.json) {
        rung::ordered_json j;
        j["line"] = line;
        j["query"] = text;
        j["error"] = message;
        s.out << j.dump(-1, ' ', false, rung::ordered_json::error_handler_t::replace) << '\n';
      } else {
        s.out << fmt::format("{} : error: {}\n", text, message);
      }
      status = std::max(status, e.exit_code());
    }
  }
  return status;
}

}  // namespace rung::cli
