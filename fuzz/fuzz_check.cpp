// libFuzzer target: the dataset and response readers of `rung check` and `rung audit`. The first
// byte chooses the role of the rest: even, the rest is a responses file (JSONL, OpenAI batch
// output, or a JSON array) scored against a fixed small dataset of generated records; odd, the
// rest is a dataset, audited (re-verification on, learners off) and scored against no responses.
// Each must give a report that prints as text and as JSON, or throw rung::Error.
#include "rung/check/audit.hpp"
#include "rung/check/checker.hpp"
#include "rung/core/error.hpp"
#include "rung/gen/generator.hpp"
#include "rung/gen/options.hpp"

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

namespace {

const std::string& dataset() {
  static const std::string text = [] {
    std::string out;
    for (const char* preset : {"counterbench", "cladder", "ladder"}) {
      const rung::Generator gen(rung::preset_options(preset));
      for (std::uint64_t i = 0; i < 2; ++i) out += gen.line(i) + "\n";
    }
    return out;
  }();
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (data[0] % 2 == 0) {
      std::istringstream d(dataset());
      std::istringstream r(rest);
      const rung::CheckReport report = rung::check_responses(d, r, {});
      (void)rung::to_text(report);
      (void)rung::to_json(report).dump();
    } else {
      std::istringstream d(rest);
      rung::AuditOptions options;
      options.learners.enabled = false;
      const rung::AuditReport report = rung::audit_dataset(d, options);
      (void)rung::to_text(report);
      (void)rung::to_json(report).dump();
      std::istringstream d2(rest);
      std::istringstream r;
      (void)rung::check_responses(d2, r, {});
    }
  } catch (const rung::Error&) {
  }
  return 0;
}
