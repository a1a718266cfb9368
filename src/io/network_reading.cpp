#include "network_reading.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>

namespace rung::network_reading {

std::optional<Rational> exact_decimal(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  boost::multiprecision::mpz_int digits = 0;
  long long scale = 0;  // value = digits * 10^-scale
  std::size_t i = 0;
  std::size_t count = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) {
    digits = digits * 10 + (s[i] - '0');
    ++i;
    ++count;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) {
      digits = digits * 10 + (s[i] - '0');
      ++i;
      ++count;
      ++scale;
    }
  }
  if (count == 0 || count > 400) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    long long exponent = 0;
    std::size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) {
      exponent = exponent * 10 + (s[i] - '0');
      ++i;
      if (++exp_digits > 3) return std::nullopt;
    }
    if (exp_digits == 0) return std::nullopt;
    scale += negative ? exponent : -exponent;
  }
  if (i != s.size()) return std::nullopt;
  boost::multiprecision::mpz_int ten = 1;
  const long long magnitude = scale < 0 ? -scale : scale;
  for (long long k = 0; k < magnitude; ++k) ten *= 10;
  return scale >= 0 ? Rational(digits, ten) : Rational(digits * ten);
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(std::string_view bytes, std::string_view file) {
  constexpr std::size_t kMaxOutput = std::size_t{1} << 30;
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) throw Error(fmt::format("{}: cannot start gzip decompression", file));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes.size(), 0xffffffffu));
  std::string out;
  char buffer[1 << 16];
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    status = inflate(&z, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      inflateEnd(&z);
      throw Error(fmt::format("{}: corrupt or truncated gzip data", file));
    }
    out.append(buffer, sizeof buffer - z.avail_out);
    if (out.size() > kMaxOutput) {
      inflateEnd(&z);
      throw Error(fmt::format("{}: decompresses to more than 1 GiB", file));
    }
    if (status == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      throw Error(fmt::format("{}: truncated gzip data", file));
    }
  }
  inflateEnd(&z);
  return out;
}

Tokenizer::Tokenizer(std::string_view text, std::string_view punctuation, bool c_comments)
    : text_(text), punctuation_(punctuation), c_comments_(c_comments) {}

Location Tokenizer::here() const {
  return {line_, static_cast<int>(std::min<std::size_t>(pos_ - line_start_ + 1, 1u << 30))};
}

void Tokenizer::advance(std::size_t n) {
  for (std::size_t k = 0; k < n && pos_ < text_.size(); ++k) {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }
}

Token Tokenizer::next() {
  Token t;
  for (;;) {
    while (pos_ < text_.size() && (std::isspace(static_cast<unsigned char>(text_[pos_])) != 0)) advance(1);
    if (c_comments_ && text_.substr(pos_).starts_with("//")) {
      while (pos_ < text_.size() && text_[pos_] != '\n') advance(1);
      continue;
    }
    if (c_comments_ && text_.substr(pos_).starts_with("/*")) {
      const Location start = here();
      const auto close = text_.find("*/", pos_ + 2);
      if (close == std::string_view::npos) {
        problem_ = Diagnostic{"", start.line, start.column, "comment '/*' is never closed with '*/'"};
        advance(text_.size());
        t.at = here();
        return t;
      }
      advance(close + 2 - pos_);
      continue;
    }
    break;
  }
  t.at = here();
  if (pos_ >= text_.size()) return t;
  const char c = text_[pos_];
  if (c == '"') {
    std::size_t i = pos_ + 1;
    std::string content;
    while (i < text_.size() && text_[i] != '"' && text_[i] != '\n') {
      if (text_[i] == '\\' && i + 1 < text_.size() && (text_[i + 1] == '"' || text_[i + 1] == '\\')) ++i;
      content += text_[i++];
    }
    if (i >= text_.size() || text_[i] != '"') {
      problem_ = Diagnostic{"", t.at.line, t.at.column, "quoted name '\"' is never closed on its line"};
      advance(text_.size());
      t.kind = Token::Kind::end;
      return t;
    }
    advance(i + 1 - pos_);
    t.kind = Token::Kind::quoted;
    t.text = std::move(content);
    return t;
  }
  if (punctuation_.find(c) != std::string_view::npos) {
    t.kind = Token::Kind::punct;
    t.text = std::string(1, c);
    advance(1);
    return t;
  }
  std::size_t n = 0;
  while (pos_ + n < text_.size()) {
    const char d = text_[pos_ + n];
    if (std::isspace(static_cast<unsigned char>(d)) != 0 || d == '"' || punctuation_.find(d) != std::string_view::npos) break;
    if (c_comments_ && (text_.substr(pos_ + n).starts_with("//") || text_.substr(pos_ + n).starts_with("/*"))) break;
    ++n;
  }
  t.kind = Token::Kind::word;
  t.text = std::string(text_.substr(pos_, n));
  advance(n);
  return t;
}

std::string quote_text(std::string_view text) {
  std::string shown;
  for (char c : text.substr(0, 40)) {
    const auto u = static_cast<unsigned char>(c);
    shown += u < 0x20 || u == 0x7f ? '?' : c;
  }
  return fmt::format("'{}{}'", shown, text.size() > 40 ? "..." : "");
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case Token::Kind::end: return "end of file";
    case Token::Kind::quoted: {
      const std::string q = quote_text(t.text);
      return fmt::format("\"{}\"", q.substr(1, q.size() - 2));
    }
    default: return quote_text(t.text);
  }
}

void throw_if_any(std::vector<Diagnostic> problems, std::string_view file) {
  if (problems.empty()) return;
  for (auto& d : problems) {
    if (d.file.empty()) d.file = std::string(file);
  }
  std::stable_sort(problems.begin(), problems.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  throw ParseError(std::move(problems));
}

Scm checked_scm(BayesNet net, std::string_view file, const CptOptions& options, CptReport* report) {
  throw_if_any(check_cpts(net, options, report), file);
  try {
    return to_scm(net);
  } catch (const ParseError& e) {
    throw_if_any(e.diagnostics(), file);
    throw;
  } catch (const InvalidModel& e) {
    throw_if_any({Diagnostic{"", 0, 0, e.what()}}, file);
    throw;
  }
}

}  // namespace rung::network_reading
