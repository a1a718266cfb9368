#include "rung/cli/commands.hpp"
#include "rung/core/error.hpp"
#include "rung/gen/merge.hpp"
#include "rung/io/input_file.hpp"
#include "rung/io/output_file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <limits>
#include <memory>
#include <ostream>

namespace rung::cli {

void add_merge(CLI::App& app, std::shared_ptr<Action> action) {
  auto* cmd = app.add_subcommand(
      "merge",
      "Merge the shards of one `rung generate --shard I/N` run, in order, into the file the unsharded run writes "
      "(items whose structure an earlier shard holds are redrawn as the unsharded run draws them)");
  struct Args {
    std::vector<std::string> parts;
    std::string output;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("PARTS", a->parts, "The shards' files, in shard order (1/N first)")->required();
  cmd->add_option("-o,--output", a->output, "Write to this file (atomically) instead of standard output");
  cmd->callback([=] {
    *action = [a](Streams s) {
      std::vector<std::unique_ptr<InputFile>> files;
      std::vector<MergePart> parts;
      for (const auto& name : a->parts) {
        // A part is streamed line by line: no whole-file limit.
        files.push_back(std::make_unique<InputFile>(name, std::numeric_limits<std::uint64_t>::max()));
        parts.push_back({name, files.back().get()});
      }
      const bool terminal = ::isatty(STDERR_FILENO) != 0;
      std::function<void(std::uint64_t, std::uint64_t)> progress;
      if (terminal) {
        progress = [&s](std::uint64_t done, std::uint64_t total) {
          s.err << fmt::format("\rrung merge: {}/{} items", done, total) << std::flush;
        };
      }
      MergeReport report;
      const auto start = std::chrono::steady_clock::now();
      if (a->output.empty()) {
        report = merge_shards(parts, s.out, progress);
      } else {
        write_file_atomically(a->output, [&](std::ostream& out) { report = merge_shards(parts, out, progress); });
      }
      if (terminal) s.err << '\n';
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::string redrawn;
      for (std::size_t k = 0; k < report.redrawn.size() && k < 10; ++k) redrawn += fmt::format("{}{}", k ? ", " : "", report.redrawn[k]);
      if (report.redrawn.size() > 10) redrawn += fmt::format(", ... ({} more)", report.redrawn.size() - 10);
      s.err << fmt::format("rung merge: {} items from {} part{} in {:.1f} s; {} redrawn for a structure an earlier shard "
                           "holds (or with their variant 0){}\n",
                           report.records, report.parts, report.parts == 1 ? "" : "s", seconds, report.redrawn.size(),
                           report.redrawn.empty() ? "" : " (items " + redrawn + ")");
      return 0;
    };
  });
}

}  // namespace rung::cli
