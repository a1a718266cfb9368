// libFuzzer target: the network readers (first byte: 0 BIF, 1 UAI, 2 XMLBIF; the rest is the
// file). Each must return a network or throw rung::Error; a network that passes the CPT checks
// must become an SCM (or a ParseError, e.g. a table over the row limit), and a BIF network must
// read back from write_bif with the same CPTs. Anything else (crash, other exception, hang) is a bug.
#include "rung/io/bif.hpp"
#include "rung/io/uai.hpp"
#include "rung/io/xmlbif.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t format = data[0] % 3;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    rung::BayesNet net = format == 0   ? rung::read_bif(text, "fuzz.bif")
                         : format == 1 ? rung::read_uai(text, "fuzz.uai")
                                       : rung::read_xmlbif(text, "fuzz.xml");
    if (format == 0) {
      const rung::BayesNet again = rung::read_bif(rung::write_bif(net), "again.bif");
      if (again.nodes.size() != net.nodes.size()) std::abort();
      for (std::size_t i = 0; i < net.nodes.size(); ++i) {
        if (again.nodes[i].cpt != net.nodes[i].cpt || again.nodes[i].states != net.nodes[i].states) std::abort();
      }
    }
    if (!rung::check_cpts(net, {.normalize = true}).empty()) return 0;
    std::size_t cells = 0;
    for (const auto& node : net.nodes) cells += node.cpt.size() * node.states.size();
    if (cells > 100000) return 0;  // keep each input fast
    (void)rung::to_scm(net);
  } catch (const rung::Error&) {
  }
  return 0;
}
