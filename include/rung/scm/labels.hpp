#pragma once
/// \file
/// A short list of labels kept in one string: the input values of one table row. A table of a
/// million rows then costs one allocation a row, not one per value (issue #16: a 2^20-row table
/// took 1.3 GB as vectors of strings).
///
///     rung::Labels in{"0", "lo"};
///     in.push_back("hi");
///     in[1];              // "lo" (a string_view into the list)
///     for (std::string_view label : in) ...
///
/// Each label is stored as its length (LEB128) then its bytes, so any byte may appear in a label.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace rung {

class Labels {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;

    Iterator() = default;
    explicit Iterator(const char* at) : at_(at) {}
    std::string_view operator*() const {
      const char* p = at_;
      const std::size_t n = read_length(p);
      return {p, n};
    }
    Iterator& operator++() {
      const std::size_t n = read_length(at_);
      at_ += n;
      return *this;
    }
    Iterator operator++(int) {
      Iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.at_ == b.at_; }

   private:
    const char* at_ = nullptr;
  };

  Labels() = default;
  Labels(std::initializer_list<std::string_view> labels) {
    for (std::string_view l : labels) push_back(l);
  }
  Labels(const std::vector<std::string>& labels) {  // NOLINT(google-explicit-constructor): a list is a list
    for (const auto& l : labels) push_back(l);
  }

  void push_back(std::string_view label) {
    std::size_t n = label.size();
    do {
      const auto byte = static_cast<unsigned char>(n & 0x7fU);
      n >>= 7U;
      text_ += static_cast<char>(n != 0 ? byte | 0x80U : byte);
    } while (n != 0);
    text_ += label;
    ++size_;
  }
  void emplace_back(std::string_view label) { push_back(label); }
  /// Room for `bytes` bytes of storage: the labels' bytes plus one per label (the length of a
  /// label under 128 bytes), so that a row is one allocation.
  void reserve(std::size_t bytes) { text_.reserve(bytes); }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// The storage the labels take (see reserve()).
  [[nodiscard]] std::size_t bytes() const noexcept { return text_.size(); }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] Iterator begin() const { return Iterator(text_.data()); }
  [[nodiscard]] Iterator end() const { return Iterator(text_.data() + text_.size()); }
  /// The i-th label (precondition: i < size()); linear in i.
  [[nodiscard]] std::string_view operator[](std::size_t i) const {
    Iterator it = begin();
    while (i-- > 0) ++it;
    return *it;
  }
  /// Replaces the i-th label (precondition: i < size()).
  void set(std::size_t i, std::string_view label) {
    Labels out;
    std::size_t k = 0;
    for (std::string_view l : *this) out.push_back(k++ == i ? label : l);
    *this = std::move(out);
  }
  [[nodiscard]] std::vector<std::string> to_vector() const {
    std::vector<std::string> out;
    out.reserve(size_);
    for (std::string_view l : *this) out.emplace_back(l);
    return out;
  }

  friend bool operator==(const Labels& a, const Labels& b) { return a.text_ == b.text_; }

 private:
  std::string text_;
  std::size_t size_ = 0;

  static std::size_t read_length(const char*& p) {
    std::size_t n = 0;
    unsigned shift = 0;
    while (true) {
      const auto byte = static_cast<unsigned char>(*p++);
      n |= static_cast<std::size_t>(byte & 0x7fU) << shift;
      if ((byte & 0x80U) == 0) return n;
      shift += 7;
    }
  }
};

}  // namespace rung
