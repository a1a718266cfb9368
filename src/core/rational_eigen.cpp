#include "rung/core/rational_eigen.hpp"

#include <fmt/format.h>

namespace rung {

std::string scalar_text(const Rational& x) { return to_string(x); }
std::string scalar_text(double x) { return fmt::format("{:.17g}", x); }

}  // namespace rung
