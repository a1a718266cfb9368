// libFuzzer target: the .scm text reader must either return a model that round-trips through
// both writers, or throw rung::Error. Anything else (crash, other exception, hang) is a bug.
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    rung::Scm m = rung::read_scm_text(text, "fuzz.scm");
    if (!(rung::read_scm_text(rung::write_scm_text(m)) == m)) std::abort();
    if (!(rung::read_scm_json(rung::write_scm_json(m)) == m)) std::abort();
    std::vector<rung::Value> values(m.size(), 0);
    m.evaluate(values);
  } catch (const rung::Error&) {
  }
  return 0;
}
