#include "rung/gen/names.hpp"

#include "rung/core/error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace rung {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool is_vowel(char c) { return std::string_view("aeiou").find(c) != std::string_view::npos; }

bool all_lower_letters(const std::string& word) {
  return std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

/// `calls` calls of `per_call` nonsense names each, every call with its own item generator.
std::vector<std::vector<std::string>> nonsense_calls(int calls, std::size_t per_call) {
  std::vector<std::vector<std::string>> out;
  out.reserve(static_cast<std::size_t>(calls));
  for (int i = 0; i < calls; ++i) {
    Rng rng = Rng::for_item(2024, static_cast<std::uint64_t>(i));
    out.push_back(make_names(NameStyle::nonsense, per_call, rng));
  }
  return out;
}

TEST(Names, NonsenseNamesAreDeterministic) {
  Rng a(1);
  Rng b(1);
  const auto first = make_names(NameStyle::nonsense, 12, a);
  EXPECT_EQ(first, make_names(NameStyle::nonsense, 12, b));
  // Golden names: any change to the syllable model, its tables or its filters shows up here.
  const std::vector<std::string> golden = {"Gubof", "Jumpo", "Fidru", "Kribe", "Plif"};
  EXPECT_EQ(std::vector<std::string>(first.begin(), first.begin() + 5), golden);
  // The first names do not depend on how many are asked for.
  Rng c(1);
  EXPECT_EQ(make_names(NameStyle::nonsense, 5, c), golden);
  Rng d(2);
  EXPECT_NE(make_names(NameStyle::nonsense, 12, d), first);
}

TEST(Names, NonsenseNamesArePronounceableWords) {
  for (const auto& names : nonsense_calls(300, 12)) {
    ASSERT_EQ(names.size(), 12U);
    for (const std::string& name : names) {
      SCOPED_TRACE(name);
      ASSERT_GE(name.size(), 4U);
      ASSERT_LE(name.size(), 7U);
      ASSERT_TRUE(std::isupper(static_cast<unsigned char>(name[0])));
      const std::string word = lower(name);
      ASSERT_TRUE(all_lower_letters(word));
      ASSERT_EQ(word.substr(1), name.substr(1));  // only the first letter is a capital
      for (std::size_t i = 1; i < word.size(); ++i) {
        ASSERT_FALSE(is_vowel(word[i]) && is_vowel(word[i - 1])) << "double vowel";
        ASSERT_NE(word[i], word[i - 1]) << "doubled letter";
      }
      const std::size_t n = word.size();
      ASSERT_FALSE(!is_vowel(word[n - 1]) && !is_vowel(word[n - 2]) && !is_vowel(word[n - 3]))
          << "three consonants at the end";
      for (std::size_t i = 0; i < n; ++i) {
        if (word[i] == 'q') {
          ASSERT_TRUE(i + 1 < n && is_vowel(word[i + 1])) << "q without a vowel";
        }
      }
      ASSERT_TRUE(std::any_of(word.begin(), word.end(), is_vowel));
    }
  }
}

TEST(Names, NonsenseNamesAreDistinctAndNeverNearDuplicates) {
  for (const auto& names : nonsense_calls(2000, 12)) {
    ASSERT_EQ(names.size(), 12U);
    for (std::size_t i = 0; i < names.size(); ++i) {
      for (std::size_t j = i + 1; j < names.size(); ++j) {
        const std::string a = lower(names[i]);
        const std::string b = lower(names[j]);
        ASSERT_NE(a, b);
        ASSERT_GE(edit_distance(a, b), 2U) << a << " ~ " << b;
        ASSERT_NE(a.substr(0, 2), b.substr(0, 2)) << a << " ~ " << b;
      }
    }
  }
}

TEST(Names, NonsenseNamesAreNeverEnglishWords) {
  const std::vector<std::string>& english = english_words();
  const std::unordered_set<std::string> words(english.begin(), english.end());
  std::set<std::string> distinct;
  for (const auto& names : nonsense_calls(1000, 20)) {
    for (const std::string& name : names) {
      ASSERT_EQ(words.count(lower(name)), 0U) << name;
      for (const char* root : {"fuk", "fag", "nig", "rape", "slut", "spaz"}) {
        ASSERT_EQ(lower(name).find(root), std::string::npos) << name;
      }
      distinct.insert(name);
    }
  }
  EXPECT_GT(distinct.size(), 5000U);  // 20,000 names drawn from a large space, not a short list
}

TEST(Names, NonsenseNamesAreNotInTheSystemDictionary) {
  std::ifstream dictionary("/usr/share/dict/words");
  if (!dictionary) GTEST_SKIP() << "no /usr/share/dict/words on this machine";
  // Lower-case entries only: the capitalised ones are proper nouns (Milo, Togo), which are not
  // English words (the model avoids the common ones through its own built-in list).
  std::unordered_set<std::string> words;
  for (std::string line; std::getline(dictionary, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && lower(line) == line) words.insert(line);
  }
  ASSERT_GT(words.size(), 1000U);
  for (const auto& names : nonsense_calls(1000, 20)) {
    for (const std::string& name : names) EXPECT_EQ(words.count(lower(name)), 0U) << name;
  }
}

TEST(Names, ManyNonsenseNamesInOneCall) {
  Rng rng(99);
  const auto names = make_names(NameStyle::nonsense, 60, rng);
  ASSERT_EQ(names.size(), 60U);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 60U);
  EXPECT_TRUE(make_names(NameStyle::nonsense, 0, rng).empty());
}

TEST(Names, TooManyNonsenseNamesThrowsNamingTheCount) {
  Rng rng(1);
  try {
    (void)make_names(NameStyle::nonsense, 1000, rng);
    FAIL() << "expected rung::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("1000"), std::string::npos) << e.what();
  }
}

TEST(Names, LettersAreSequential) {
  Rng rng(5);
  const auto names = make_names(NameStyle::letters, 60, rng);
  std::vector<std::string> expected;
  for (char c = 'A'; c <= 'Z'; ++c) expected.emplace_back(1, c);
  for (char c = 'A'; c <= 'Z'; ++c) expected.push_back(std::string(1, c) + "1");
  for (char c = 'A'; c <= 'H'; ++c) expected.push_back(std::string(1, c) + "2");
  EXPECT_EQ(names, expected);
  EXPECT_EQ(names[0], "A");
  EXPECT_EQ(names[25], "Z");
  EXPECT_EQ(names[26], "A1");
  EXPECT_EQ(names[52], "A2");
  Rng untouched(5);
  EXPECT_EQ(rng.next(), untouched.next());  // letters draw nothing
  EXPECT_TRUE(make_names(NameStyle::letters, 0, rng).empty());
}

TEST(Names, WordsComeFromTheNounListAndAreDistinct) {
  const std::vector<std::string>& nouns = noun_list();
  Rng a(3);
  const auto names = make_names(NameStyle::words, 50, a);
  ASSERT_EQ(names.size(), 50U);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 50U);
  for (const std::string& name : names) {
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(name[0]))) << name;
    EXPECT_TRUE(std::binary_search(nouns.begin(), nouns.end(), lower(name))) << name;
  }
  Rng b(3);
  EXPECT_EQ(make_names(NameStyle::words, 50, b), names);
  Rng c(4);
  EXPECT_NE(make_names(NameStyle::words, 50, c), names);
  Rng all(8);
  const auto every = make_names(NameStyle::words, nouns.size(), all);
  EXPECT_EQ(std::set<std::string>(every.begin(), every.end()).size(), nouns.size());
}

TEST(Names, TooManyWordsThrows) {
  Rng rng(1);
  const std::size_t too_many = noun_list().size() + 1;
  try {
    (void)make_names(NameStyle::words, too_many, rng);
    FAIL() << "expected rung::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(too_many)), std::string::npos) << e.what();
  }
}

TEST(Names, WordListsAreSortedUniqueAndLowerCase) {
  const std::vector<std::string>& nouns = noun_list();
  const std::vector<std::string>& english = english_words();
  EXPECT_GE(nouns.size(), 300U);
  EXPECT_GE(english.size(), 3000U);
  for (const auto* list : {&nouns, &english}) {
    const auto unsorted = std::adjacent_find(list->begin(), list->end(), std::greater_equal<>());
    EXPECT_TRUE(unsorted == list->end()) << "not sorted and unique at " << *unsorted;
    for (const std::string& word : *list) {
      ASSERT_FALSE(word.empty());
      ASSERT_TRUE(all_lower_letters(word)) << word;
    }
  }
  EXPECT_TRUE(std::includes(english.begin(), english.end(), nouns.begin(), nouns.end()));
  for (const char* common : {"the", "water", "house", "blade", "stone", "trunk", "limbo"}) {
    EXPECT_TRUE(std::binary_search(english.begin(), english.end(), std::string(common))) << common;
  }
}

TEST(Names, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0U);
  EXPECT_EQ(edit_distance("abc", ""), 3U);
  EXPECT_EQ(edit_distance("", "abc"), 3U);
  EXPECT_EQ(edit_distance("same", "same"), 0U);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
  EXPECT_EQ(edit_distance("sitting", "kitten"), 3U);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2U);
  EXPECT_EQ(edit_distance("kwox", "kwoz"), 1U);
  EXPECT_EQ(edit_distance("Ziklo", "Zikl"), 1U);
  EXPECT_EQ(edit_distance("abc", "acb"), 2U);  // plain Levenshtein: a swap costs two
  EXPECT_EQ(edit_distance("Blaf", "blaf"), 1U);  // case-sensitive
  EXPECT_EQ(edit_distance("intention", "execution"), 5U);
  // Strings past the stack rows (32) take the heap path: the same answers.
  const std::string long_a(40, 'a');
  std::string long_b = long_a;
  long_b[3] = 'b';
  long_b += "cc";
  EXPECT_EQ(edit_distance(long_a, long_b), 3U);
  EXPECT_EQ(edit_distance(long_b, "kitten"), 42U);
}

TEST(Names, WithinOneEditIsEditDistanceBelowTwo) {
  // Every pair of strings of up to 4 letters over {a, b, c}: all the cases of one substitution,
  // insertion or deletion at every position, and of two edits.
  std::vector<std::string> words = {""};
  for (std::size_t begin = 0, length = 0; length < 4; ++length) {
    const std::size_t end = words.size();
    for (std::size_t i = begin; i < end; ++i) {
      for (char c : {'a', 'b', 'c'}) words.push_back(words[i] + c);
    }
    begin = end;
  }
  ASSERT_EQ(words.size(), 1U + 3U + 9U + 27U + 81U);
  for (const std::string& a : words) {
    for (const std::string& b : words) {
      ASSERT_EQ(within_one_edit(a, b), edit_distance(a, b) < 2) << a << " " << b;
    }
  }
  EXPECT_TRUE(within_one_edit("Ziklo", "Zikl"));
  EXPECT_FALSE(within_one_edit("kitten", "sitting"));
}

TEST(Names, StyleRoundTrip) {
  for (NameStyle style : {NameStyle::nonsense, NameStyle::letters, NameStyle::words}) {
    EXPECT_EQ(name_style_from_string(to_string(style)), style);
  }
  EXPECT_EQ(to_string(NameStyle::nonsense), "nonsense");
  EXPECT_EQ(to_string(NameStyle::letters), "letters");
  EXPECT_EQ(to_string(NameStyle::words), "words");
  EXPECT_EQ(name_style_from_string("Words"), std::nullopt);
  EXPECT_EQ(name_style_from_string(""), std::nullopt);
  EXPECT_EQ(name_style_from_string("letter"), std::nullopt);
}

}  // namespace
}  // namespace rung
