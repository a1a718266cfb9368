#pragma once
/// \file
/// rung's error hierarchy. Every error carries a user-facing message that names the culprit
/// (the unknown name, the cycle, the line:column) and the process exit status the CLI uses.
///
///     try { auto m = rung::io::read_scm_file("m.scm"); }
///     catch (const rung::Error& e) { std::cerr << e.what() << '\n'; return e.exit_code(); }

#include <stdexcept>
#include <string>
#include <vector>

namespace rung {

/// Exit statuses of the `rung` tool, decided in one place.
enum class ExitCode : int { success = 0, bad_input = 1, bad_usage = 2 };

/// Base of all rung errors.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ExitCode code = ExitCode::bad_input)
      : std::runtime_error(message), code_(code) {}
  [[nodiscard]] int exit_code() const noexcept { return static_cast<int>(code_); }

 private:
  ExitCode code_;
};

/// A model that breaks an invariant (unknown name, duplicate, cycle, bad prior, ...).
class InvalidModel : public Error {
 public:
  using Error::Error;
  /// `cycle: A -> B -> A` for the cycle whose node names are given (first name repeated at end).
  static InvalidModel cycle(const std::vector<std::string>& names);
  static InvalidModel unknown_name(const std::string& name);
  static InvalidModel duplicate_name(const std::string& name);
};

/// A position in an input text (1-based; 0 = unknown).
struct Location {
  int line = 0;
  int column = 0;
  friend bool operator==(const Location&, const Location&) = default;
};

/// One located problem in an input text. `file` may be empty (then it is left out).
struct Diagnostic {
  std::string file;
  int line = 0;    ///< 1-based; 0 when unknown
  int column = 0;  ///< 1-based; 0 when unknown
  std::string message;

  /// `FILE:LINE:COL: error: MESSAGE`
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// Input that could not be read: carries every diagnostic found, not only the first.
class ParseError : public Error {
 public:
  explicit ParseError(std::vector<Diagnostic> diagnostics);
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// A query that does not fit the model or the notation.
class InvalidQuery : public Error {
 public:
  using Error::Error;
};

/// Conditioning on evidence whose probability is zero.
class ZeroProbabilityEvidence : public Error {
 public:
  /// `evidence` is the evidence in query notation, e.g. `X=1, Y[X=0]=1`.
  explicit ZeroProbabilityEvidence(const std::string& evidence)
      : Error("zero-probability evidence: P(" + evidence + ") = 0") {}
  /// `zero-probability evidence: DETAIL`, for continuous models, where evidence has a density and
  /// is impossible when it lies outside the support (`X=0, Y=1 is impossible: ...`).
  [[nodiscard]] static ZeroProbabilityEvidence impossible(const std::string& detail) {
    return ZeroProbabilityEvidence(Detail{}, "zero-probability evidence: " + detail);
  }

 private:
  struct Detail {};
  ZeroProbabilityEvidence(Detail /*tag*/, const std::string& message) : Error(message) {}
};

/// A computation the size guards refuse (an elimination factor, an enumeration over exogenous
/// values): exit status 1. Callers that process many items (the importers) list the item and go on.
class TooLarge : public Error {
 public:
  using Error::Error;
};

/// Bad command-line usage (exit status 2).
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message, ExitCode::bad_usage) {}
};

}  // namespace rung
