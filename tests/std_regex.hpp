#pragma once
// <regex> for the tests, with GCC 12's false -Wmaybe-uninitialized inside libstdc++'s regex
// compiler silenced: the ASan build (-O1 -Werror) stops on it in std::function's move, a warning
// in the standard library's code, not in rung's.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
