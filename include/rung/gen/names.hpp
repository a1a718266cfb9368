#pragma once
/// \file
/// Variable names for generated items, in several styles.
///
///     rung::Rng rng(1);
///     auto names = rung::make_names(rung::NameStyle::nonsense, 6, rng);   // {"Ziklo", "Blaf", ...}
///
/// nonsense: pronounceable invented words from a seeded syllable model (capitalised, 4-7
///   letters), never a word of the English word list, distinct within a call and never near
///   duplicates (edit distance >= 2, and different first two letters, so no kwox/kwoz pairs).
/// letters:  A, B, C, ... Z, then A1, B1, ... (the names CLadder-style formal texts use).
/// words:    real, concrete English nouns from an embedded list (capitalised), distinct.

#include "rung/gen/random.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rung {

enum class NameStyle { nonsense, letters, words };

[[nodiscard]] std::string to_string(NameStyle style);
/// "nonsense" | "letters" | "words" -> style; nullopt otherwise.
[[nodiscard]] std::optional<NameStyle> name_style_from_string(std::string_view text);

/// `count` distinct names in `style`, drawn from `rng` (deterministic for a given rng state).
/// Throws rung::Error if the style cannot supply that many (e.g. more words than the list has).
[[nodiscard]] std::vector<std::string> make_names(NameStyle style, std::size_t count, Rng& rng);

/// The embedded list used by NameStyle::words, lower case, sorted.
[[nodiscard]] const std::vector<std::string>& noun_list();

/// A larger embedded list of common English words (lower case, sorted) that nonsense names must
/// avoid; it includes noun_list().
[[nodiscard]] const std::vector<std::string>& english_words();

/// Levenshtein distance (exposed for tests).
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// edit_distance(a, b) < 2 in one pass, without the table (the near-duplicate rule; exposed for
/// tests).
[[nodiscard]] bool within_one_edit(std::string_view a, std::string_view b);

}  // namespace rung
