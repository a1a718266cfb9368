// libFuzzer target: the importers of public benchmarks. The first byte chooses the reader of the
// rest: even, CounterBench (JSON array or JSONL); odd, CLadder (a models file or a questions
// file, without --meta-models). Each must give a report, with records that are valid JSON, or
// throw rung::Error; an item that cannot be read is the report's business, never a crash.
#include "rung/core/error.hpp"
#include "rung/import/cladder.hpp"
#include "rung/import/counterbench.hpp"
#include "rung/import/report.hpp"
#include "rung/io/json_line.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  try {
    const rung::ImportResult r = data[0] % 2 == 0
                                     ? rung::import_counterbench(in, {.file = "fuzz.json", .audit = false})
                                     : rung::import_cladder(in, nullptr, {.file = "fuzz.json", .audit = false});
    for (const auto& record : r.records) {
      std::string line;
      rung::append_json(line, record);  // as `rung import -o` writes it
      if (!nlohmann::json::accept(line)) std::abort();
    }
  } catch (const rung::Error&) {
  }
  return 0;
}
