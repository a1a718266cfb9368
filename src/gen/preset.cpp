#include "rung/core/error.hpp"
#include "rung/gen/cladder.hpp"
#include "rung/gen/counterbench.hpp"
#include "rung/gen/item.hpp"
#include "rung/gen/ladder.hpp"
#include "rung/gen/linear.hpp"

#include <fmt/format.h>

namespace rung {

std::unique_ptr<Preset> make_preset(const GeneratorOptions& options) {
  options.validate();
  if (options.preset == "counterbench") return std::make_unique<CounterbenchPreset>(options);
  if (options.preset == "cladder") return std::make_unique<CladderPreset>(options);
  if (options.preset == "ladder") return std::make_unique<LadderPreset>(options);
  if (options.preset == "linear") return std::make_unique<LinearPreset>(options);
  throw UsageError(fmt::format("unknown preset '{}'", options.preset));
}

}  // namespace rung
