#include "rung/io/dot.hpp"

#include <fmt/format.h>

namespace rung {

namespace {

/// `text` inside a DOT double-quoted string: `"` and `\` escaped (quoted domain values).
std::string dot_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string to_dot(const Scm& scm, std::string_view graph_name) {
  std::string out = fmt::format("digraph \"{}\" {{\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n", graph_name);
  for (VarId id = 0; id < scm.size(); ++id) {
    const Variable& v = scm.variable(id);
    std::string label = v.name;
    if (!v.domain.is_boolean()) label += "\\n" + dot_escaped(v.domain.to_string());
    if (v.kind == VarKind::exogenous) {
      out += fmt::format("  \"{}\" [label=\"{}\", shape=box, style=dashed, color=gray50, fontcolor=gray30];\n",
                         v.name, label);
    } else {
      out += fmt::format("  \"{}\" [label=\"{}\", shape=ellipse{}];\n", v.name, label,
                         v.hidden ? ", style=dashed, color=gray50, fontcolor=gray30" : "");
    }
  }
  for (auto [from, to] : scm.dag().arcs()) {
    const bool exo = scm.is_exogenous(from);
    out += fmt::format("  \"{}\" -> \"{}\"{};\n", scm.name(from), scm.name(to), exo ? " [style=dashed, color=gray50]" : "");
  }
  out += "}\n";
  return out;
}

}  // namespace rung
