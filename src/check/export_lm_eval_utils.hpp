#pragma once
// Private to src/check/export.cpp: the text of the utils.py that `rung export --format lm-eval`
// writes beside the task YAML.

#include <string_view>

namespace rung::detail {

/// lm-evaluation-harness hooks: doc_to_text, doc_to_target, process_results (rung's checker
/// when `import rung` works, else a normalised exact match) and score_fallback.
[[nodiscard]] std::string_view lm_eval_utils_py() noexcept;

}  // namespace rung::detail
