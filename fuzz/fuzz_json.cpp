// libFuzzer target: the JSON model reader must either return a model that round-trips, or
// throw rung::Error.
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    rung::Scm m = rung::read_scm_json(text, "fuzz.json");
    if (!(rung::read_scm_json(rung::write_scm_json(m)) == m)) std::abort();
    if (!(rung::read_scm_text(rung::write_scm_text(m)) == m)) std::abort();
  } catch (const rung::Error&) {
  }
  return 0;
}
