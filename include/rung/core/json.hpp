#pragma once
/// \file
/// rung::ordered_json: nlohmann's JSON value whose objects keep their members in insertion
/// order, as nlohmann::ordered_json does, stored so that adding a member never copies the
/// members before it.
///
/// nlohmann::ordered_json keeps an object's members in a std::vector<std::pair<const Key, T>>.
/// The key is const, so the pair cannot be moved without a possible throw, and every time the
/// vector grows it *copies* each member, subtree and all: parsing a record of nested objects
/// copies most of it several times. JsonObject keeps the members in a std::list, which never
/// moves an element: parsing 300 generated cladder records (29 KB each) takes 56% of
/// nlohmann::ordered_json's time, and holding them 12% more memory (a std::deque,
/// tried first, was as fast but took 80% more: it allocates a 512-byte block for every object,
/// however small; docs/benchmarks.md). Lookups are linear in the number of members, as in
/// nlohmann's ordered_map; the interface is ordered_map's (what basic_json calls on its object
/// type), and values, dumps and equality are those of nlohmann::ordered_json
/// (tests/core/json_test.cpp).

#include <nlohmann/json.hpp>

#include <functional>
#include <initializer_list>
#include <iterator>
#include <list>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace rung {

template <class Key, class T, class IgnoredLess = std::less<Key>, class Allocator = std::allocator<std::pair<const Key, T>>>
class JsonObject : public std::list<std::pair<const Key, T>, Allocator> {
 public:
  using Container = std::list<std::pair<const Key, T>, Allocator>;
  using key_type = Key;
  using mapped_type = T;
  using iterator = typename Container::iterator;
  using const_iterator = typename Container::const_iterator;
  using size_type = typename Container::size_type;
  using value_type = typename Container::value_type;
  /// Transparent, as nlohmann's ordered_map's: basic_json then accepts string_view keys too.
  using key_compare = std::equal_to<>;

 private:
  /// A key type basic_json may pass besides key_type (a string_view, a C string).
  template <class K>
  static constexpr bool kUsableKey = nlohmann::detail::is_usable_as_key_type<key_compare, key_type, K>::value;

 public:
  JsonObject() = default;
  explicit JsonObject(const Allocator& alloc) : Container(alloc) {}
  template <class It>
  JsonObject(It first, It last, const Allocator& alloc = Allocator()) : Container(first, last, alloc) {}
  JsonObject(std::initializer_list<value_type> init, const Allocator& alloc = Allocator()) : Container(init, alloc) {}

  template <class K>
  iterator find(const K& key) {
    for (auto it = this->begin(); it != this->end(); ++it) {
      if (key_compare{}(it->first, key)) return it;
    }
    return this->end();
  }
  template <class K>
  const_iterator find(const K& key) const {
    for (auto it = this->begin(); it != this->end(); ++it) {
      if (key_compare{}(it->first, key)) return it;
    }
    return this->end();
  }

  std::pair<iterator, bool> emplace(const key_type& key, T&& value) {
    if (auto it = find(key); it != this->end()) return {it, false};
    this->emplace_back(key, std::move(value));
    return {std::prev(this->end()), true};
  }
  template <class K, std::enable_if_t<kUsableKey<K>, int> = 0>
  std::pair<iterator, bool> emplace(K&& key, T&& value) {
    if (auto it = find(key); it != this->end()) return {it, false};
    this->emplace_back(std::forward<K>(key), std::move(value));
    return {std::prev(this->end()), true};
  }

  T& operator[](const key_type& key) { return emplace(key, T{}).first->second; }
  template <class K, std::enable_if_t<kUsableKey<K>, int> = 0>
  T& operator[](K&& key) {
    return emplace(std::forward<K>(key), T{}).first->second;
  }
  const T& operator[](const key_type& key) const { return at(key); }
  template <class K, std::enable_if_t<kUsableKey<K>, int> = 0>
  const T& operator[](K&& key) const {
    return at(key);
  }

  T& at(const key_type& key) { return found(find(key)); }
  template <class K, std::enable_if_t<kUsableKey<K>, int> = 0>
  T& at(K&& key) {
    return found(find(key));
  }
  const T& at(const key_type& key) const { return found(find(key)); }
  template <class K, std::enable_if_t<kUsableKey<K>, int> = 0>
  const T& at(K&& key) const {
    return found(find(key));
  }

  size_type count(const key_type& key) const { return find(key) == this->end() ? 0 : 1; }
  template <class K, std::enable_if_t<kUsableKey<K>, int> = 0>
  size_type count(K&& key) const {
    return find(key) == this->end() ? 0 : 1;
  }

  size_type erase(const key_type& key) { return erase_found(find(key)); }
  template <class K, std::enable_if_t<kUsableKey<K>, int> = 0>
  size_type erase(K&& key) {
    return erase_found(find(key));
  }
  /// By position (one member, or a range): the list's own; no member moves.
  using Container::erase;

  std::pair<iterator, bool> insert(value_type&& member) { return emplace(member.first, std::move(member.second)); }
  std::pair<iterator, bool> insert(const value_type& member) {
    if (auto it = find(member.first); it != this->end()) return {it, false};
    this->push_back(member);
    return {std::prev(this->end()), true};
  }
  template <class It, class = std::enable_if_t<
                          std::is_convertible_v<typename std::iterator_traits<It>::iterator_category, std::input_iterator_tag>>>
  void insert(It first, It last) {
    for (; first != last; ++first) insert(*first);
  }

 private:
  T& found(iterator it) {
    if (it == this->end()) throw std::out_of_range("key not found");
    return it->second;
  }
  const T& found(const_iterator it) const {
    if (it == this->end()) throw std::out_of_range("key not found");
    return it->second;
  }
  size_type erase_found(iterator it) {
    if (it == this->end()) return 0;
    erase(it);
    return 1;
  }
};

/// JSON whose objects keep their members' order (records, reports): see the file comment.
using ordered_json = nlohmann::basic_json<JsonObject>;

}  // namespace rung
