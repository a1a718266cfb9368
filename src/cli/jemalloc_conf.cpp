/// \file
/// jemalloc's settings for the executables that link it (the rung tool, the benchmarks; never
/// the library): transparent huge pages for its mappings. Loading a model of a million table rows
/// touches about 200 MB of fresh memory; with 4 KiB pages the page faults took a third of the
/// load on the test machine (docs/benchmarks.md, "Loading"), with 2 MiB pages almost none. The
/// kernel decides: where transparent huge pages are off ("never"), the setting does nothing.
/// A user can still override it with the MALLOC_CONF environment variable.

// jemalloc reads this symbol at start-up (its documented compile-time configuration hook).
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): the name and type are jemalloc's
extern "C" const char* malloc_conf;
const char* malloc_conf = "thp:always,metadata_thp:auto";
