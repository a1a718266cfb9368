// libFuzzer target: the answer extractor. Any response text, for every answer kind, must give an
// ExtractedAnswer (never throw, never read out of bounds) that prints; the same text gives the
// same answer twice (the extractor keeps no state).
#include "rung/check/extract.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const rung::AnswerKind kind : {rung::AnswerKind::yes_no, rung::AnswerKind::numeric}) {
    const rung::ExtractedAnswer a = rung::extract_answer(text, kind);
    const std::string printed = rung::to_string(a);
    if (rung::to_string(rung::extract_answer(text, kind)) != printed) std::abort();
  }
  return 0;
}
