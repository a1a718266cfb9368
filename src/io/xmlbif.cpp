#include "rung/io/xmlbif.hpp"

#include "network_reading.hpp"
#include "rung/core/text.hpp"

#include <fmt/format.h>

#include <cctype>
#include <memory>
#include <set>

namespace rung {

namespace {

struct Failed {};

/// One XML element: its name, its text (character data directly inside it, entities decoded),
/// its children and attributes, and where its start tag was.
struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;
  std::vector<std::unique_ptr<Element>> children;
  Location at;
  Location text_at;  ///< where its first character data started
};

/// A small XML reader: enough of XML 1.0 for XMLBIF (no namespaces, no external entities).
class XmlReader {
 public:
  XmlReader(std::string_view text, std::vector<Diagnostic>& problems) : s_(text), problems_(problems) {}

  std::unique_ptr<Element> document() {
    std::unique_ptr<Element> root;
    skip_misc();
    if (at_end()) fail_here("expected the <BIF> element, found end of file");
    if (peek() != '<') fail_here(fmt::format("expected '<', found {}", found()));
    root = element(0);
    skip_misc();
    if (!at_end()) fail_here(fmt::format("expected end of file after </{}>, found {}", root->name, found()));
    return root;
  }

 private:
  std::string_view s_;
  std::vector<Diagnostic>& problems_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;

  [[nodiscard]] bool at_end() const { return pos_ >= s_.size(); }
  [[nodiscard]] char peek() const { return at_end() ? '\0' : s_[pos_]; }
  [[nodiscard]] bool at(std::string_view t) const { return s_.substr(pos_).starts_with(t); }
  [[nodiscard]] Location here() const { return {line_, static_cast<int>(pos_ - line_start_ + 1)}; }
  void advance(std::size_t n = 1) {
    for (std::size_t k = 0; k < n && pos_ < s_.size(); ++k) {
      if (s_[pos_] == '\n') {
        ++line_;
        line_start_ = pos_ + 1;
      }
      ++pos_;
    }
  }
  [[nodiscard]] std::string found() const {
    if (at_end()) return "end of file";
    return network_reading::quote_text(s_.substr(pos_, std::min<std::size_t>(12, s_.size() - pos_)));
  }
  [[noreturn]] void fail_at(Location at, std::string message) {
    problems_.push_back({"", at.line, at.column, std::move(message)});
    throw Failed{};
  }
  [[noreturn]] void fail_here(std::string message) { fail_at(here(), std::move(message)); }

  void skip_to(std::string_view close, std::string_view what) {
    const Location start = here();
    const auto end = s_.find(close, pos_);
    if (end == std::string_view::npos) fail_at(start, fmt::format("{} is never closed with '{}'", what, close));
    advance(end + close.size() - pos_);
  }

  /// White space, comments, processing instructions and a DOCTYPE (with its internal subset).
  void skip_misc() {
    for (;;) {
      while (!at_end() && std::isspace(static_cast<unsigned char>(peek())) != 0) advance();
      if (at("<!--")) {
        skip_to("-->", "comment '<!--'");
      } else if (at("<?")) {
        skip_to("?>", "'<?'");
      } else if (at("<!DOCTYPE")) {
        const Location start = here();
        int depth = 0;
        while (!at_end()) {
          const char c = peek();
          advance();
          if (c == '[') ++depth;
          if (c == ']') --depth;
          if (c == '>' && depth <= 0) break;
        }
        if (at_end() && depth > 0) fail_at(start, "'<!DOCTYPE' is never closed");
      } else {
        return;
      }
    }
  }

  std::string name_token(std::string_view what) {
    const std::size_t begin = pos_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) != 0 || peek() == '_' || peek() == '-' ||
                         peek() == '.' || peek() == ':')) {
      advance();
    }
    if (pos_ == begin) fail_here(fmt::format("expected {}, found {}", what, found()));
    return std::string(s_.substr(begin, pos_ - begin));
  }

  /// Character data up to the next '<', entities decoded, appended to `out`.
  void text(std::string& out) {
    while (!at_end() && peek() != '<') {
      if (peek() == '&') {
        const Location at = here();
        const auto semi = s_.find(';', pos_);
        if (semi == std::string_view::npos || semi - pos_ > 10) fail_at(at, "expected an entity such as '&lt;' after '&'");
        const std::string_view entity = s_.substr(pos_ + 1, semi - pos_ - 1);
        if (entity == "lt") out += '<';
        else if (entity == "gt") out += '>';
        else if (entity == "amp") out += '&';
        else if (entity == "quot") out += '"';
        else if (entity == "apos") out += '\'';
        else if (entity.starts_with("#")) {
          unsigned long code = 0;
          try {
            code = entity.starts_with("#x") ? std::stoul(std::string(entity.substr(2)), nullptr, 16)
                                            : std::stoul(std::string(entity.substr(1)));
          } catch (const std::exception&) {
            fail_at(at, fmt::format("bad character reference '&{};'", entity));
          }
          if (code == 0 || code > 0x10ffff) fail_at(at, fmt::format("bad character reference '&{};'", entity));
          if (code < 0x80) {
            out += static_cast<char>(code);
          } else if (code < 0x800) {
            out += static_cast<char>(0xc0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3f));
          } else if (code < 0x10000) {
            out += static_cast<char>(0xe0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
          } else {
            out += static_cast<char>(0xf0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
          }
        } else {
          fail_at(at, fmt::format("unknown entity '&{};' (XMLBIF files use &lt; &gt; &amp; &quot; &apos;)", entity));
        }
        advance(semi + 1 - pos_);
        continue;
      }
      out += peek();
      advance();
    }
  }

  std::unique_ptr<Element> element(int depth) {
    if (depth > 64) fail_here("elements nested more than 64 deep");
    auto e = std::make_unique<Element>();
    e->at = here();
    advance();  // '<'
    e->name = name_token("an element name after '<'");
    for (;;) {
      while (!at_end() && std::isspace(static_cast<unsigned char>(peek())) != 0) advance();
      if (at("/>")) {
        advance(2);
        return e;
      }
      if (peek() == '>') {
        advance();
        break;
      }
      std::string attribute = name_token(fmt::format("an attribute, '>' or '/>' in <{}>", e->name));
      while (!at_end() && std::isspace(static_cast<unsigned char>(peek())) != 0) advance();
      if (peek() != '=') fail_here(fmt::format("expected '=' after attribute {}, found {}", attribute, found()));
      advance();
      while (!at_end() && std::isspace(static_cast<unsigned char>(peek())) != 0) advance();
      const char quote = peek();
      if (quote != '"' && quote != '\'') fail_here(fmt::format("expected a quoted value of attribute {}, found {}", attribute, found()));
      advance();
      const auto end = s_.find(quote, pos_);
      if (end == std::string_view::npos) fail_here(fmt::format("the value of attribute {} is never closed", attribute));
      e->attributes.emplace_back(attribute, std::string(s_.substr(pos_, end - pos_)));
      advance(end + 1 - pos_);
    }
    for (;;) {
      if (at_end()) fail_at(e->at, fmt::format("<{}> is never closed with </{}>", e->name, e->name));
      if (at("<!--")) {
        skip_to("-->", "comment '<!--'");
      } else if (at("<![CDATA[")) {
        advance(9);
        const auto end = s_.find("]]>", pos_);
        if (end == std::string_view::npos) fail_here("'<![CDATA[' is never closed with ']]>'");
        if (e->text.empty()) e->text_at = here();
        e->text += s_.substr(pos_, end - pos_);
        advance(end + 3 - pos_);
      } else if (at("<?")) {
        skip_to("?>", "'<?'");
      } else if (at("</")) {
        const Location close_at = here();
        advance(2);
        const std::string closing = name_token("an element name after '</'");
        while (!at_end() && std::isspace(static_cast<unsigned char>(peek())) != 0) advance();
        if (peek() != '>') fail_here(fmt::format("expected '>' after </{}, found {}", closing, found()));
        advance();
        if (closing != e->name) {
          fail_at(close_at, fmt::format("</{}> closes <{}> (line {})", closing, e->name, e->at.line));
        }
        return e;
      } else if (peek() == '<') {
        e->children.push_back(element(depth + 1));
      } else {
        if (trim(e->text).empty()) e->text_at = here();
        text(e->text);
      }
    }
  }
};

class XmlbifReader {
 public:
  XmlbifReader(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  BayesNet read() {
    try {
      std::unique_ptr<Element> root = XmlReader(text_, problems_).document();
      interpret(*root);
    } catch (const Failed&) {
    }
    network_reading::throw_if_any(std::move(problems_), file_);
    return std::move(net_);
  }

 private:
  std::string_view text_;
  std::string_view file_;
  std::vector<Diagnostic> problems_;
  BayesNet net_;

  void error(Location at, std::string message) { problems_.push_back({"", at.line, at.column, std::move(message)}); }

  static std::string content(const Element& e) { return std::string(trim(e.text)); }

  void interpret(const Element& root) {
    if (root.name != "BIF") {
      error(root.at, fmt::format("expected the root element <BIF>, found <{}>", root.name));
      return;
    }
    const Element* network = nullptr;
    for (const auto& c : root.children) {
      if (c->name == "NETWORK" && network == nullptr) network = c.get();
    }
    if (network == nullptr) {
      error(root.at, "<BIF> has no <NETWORK>");
      return;
    }
    std::set<std::string> defined;
    for (const auto& c : network->children) {
      if (c->name == "NAME") {
        net_.name = content(*c);
      } else if (c->name == "VARIABLE") {
        variable(*c);
      } else if (c->name != "DEFINITION" && c->name != "PROPERTY" && c->name != "PROBABILITY") {
        error(c->at, fmt::format("unexpected <{}> in <NETWORK> (expected NAME, VARIABLE, DEFINITION or PROPERTY)", c->name));
      }
    }
    for (const auto& c : network->children) {
      if (c->name == "DEFINITION" || c->name == "PROBABILITY") definition(*c, defined);
    }
    for (const auto& node : net_.nodes) {
      if (!defined.contains(node.name)) error(node.at, fmt::format("variable {} has no <DEFINITION>", node.name));
    }
    if (net_.nodes.empty() && problems_.empty()) error(network->at, "empty network: no <VARIABLE>");
  }

  void variable(const Element& v) {
    BayesNet::Node node;
    node.at = v.at;
    for (const auto& [key, value] : v.attributes) {
      if (key == "TYPE" && value != "nature") {
        error(v.at, fmt::format("variable of TYPE \"{}\": only TYPE=\"nature\" (chance) variables are supported", value));
        return;
      }
    }
    std::set<std::string> seen;
    for (const auto& c : v.children) {
      if (c->name == "NAME") {
        node.name = content(*c);
        node.at = c->at;
      } else if (c->name == "OUTCOME" || c->name == "VALUE") {
        std::string state = content(*c);
        if (state.empty()) {
          error(c->at, "empty <OUTCOME>");
          continue;
        }
        if (!seen.insert(state).second) error(c->at, fmt::format("duplicate outcome {}", network_reading::quote_text(state)));
        node.states.push_back(std::move(state));
      } else if (c->name != "PROPERTY") {
        error(c->at, fmt::format("unexpected <{}> in <VARIABLE> (expected NAME, OUTCOME or PROPERTY)", c->name));
      }
    }
    if (node.name.empty()) {
      error(v.at, "<VARIABLE> without a <NAME>");
      return;
    }
    if (node.states.empty()) error(v.at, fmt::format("variable {} has no <OUTCOME>", node.name));
    net_.nodes.push_back(std::move(node));
  }

  void definition(const Element& d, std::set<std::string>& defined) {
    std::string child;
    std::vector<std::string> parents;
    const Element* table = nullptr;
    for (const auto& c : d.children) {
      if (c->name == "FOR") {
        child = content(*c);
      } else if (c->name == "GIVEN") {
        parents.push_back(content(*c));
      } else if (c->name == "TABLE") {
        table = c.get();
      } else if (c->name != "PROPERTY") {
        error(c->at, fmt::format("unexpected <{}> in <DEFINITION> (expected FOR, GIVEN, TABLE or PROPERTY)", c->name));
      }
    }
    if (child.empty()) {
      error(d.at, "<DEFINITION> without a <FOR>");
      return;
    }
    const auto index = net_.find(child);
    if (!index) {
      error(d.at, fmt::format("<DEFINITION> for undeclared variable {}", network_reading::quote_text(child)));
      return;
    }
    if (!defined.insert(child).second) {
      error(d.at, fmt::format("second <DEFINITION> for {}", child));
      return;
    }
    if (table == nullptr) {
      error(d.at, fmt::format("the <DEFINITION> of {} has no <TABLE>", child));
      return;
    }
    BayesNet::Node& node = net_.nodes[*index];
    node.has_cpt = true;
    node.cpt_at = d.at;
    std::size_t rows = 1;
    for (const auto& p : parents) {
      const auto pi = net_.find(p);
      if (!pi) {
        error(d.at, fmt::format("unknown parent {} of {}", network_reading::quote_text(p), child));
        return;
      }
      rows *= std::max<std::size_t>(net_.nodes[*pi].states.size(), 1);
      if (rows > (std::size_t{1} << 26)) {
        error(d.at, fmt::format("the table of {} has more than 2^26 rows", child));
        return;
      }
    }
    node.parents = parents;
    // The numbers of the table, each with its position.
    const std::string& t = table->text;
    std::vector<Rational> numbers;
    Location at = table->text_at.line > 0 ? table->text_at : table->at;
    std::size_t i = 0;
    int line = at.line;
    int column = at.column;
    bool ok = true;
    while (i < t.size()) {
      if (std::isspace(static_cast<unsigned char>(t[i])) != 0) {
        if (t[i] == '\n') {
          ++line;
          column = 1;
        } else {
          ++column;
        }
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < t.size() && std::isspace(static_cast<unsigned char>(t[j])) == 0) ++j;
      auto p = network_reading::exact_decimal(std::string_view(t).substr(i, j - i));
      if (!p) {
        error({line, column}, fmt::format("expected a probability in the <TABLE> of {}, found {}", child,
                                          network_reading::quote_text(std::string_view(t).substr(i, j - i))));
        ok = false;
        break;
      }
      numbers.push_back(std::move(*p));
      column += static_cast<int>(j - i);
      i = j;
    }
    if (!ok) return;
    const std::size_t k = node.states.size();
    if (numbers.size() != rows * k) {
      error(table->at, fmt::format("the <TABLE> of {} has {} probabilities, expected {} ({} outcomes x {} parent "
                                   "configurations)", child, numbers.size(), rows * k, k, rows));
      return;
    }
    for (std::size_t r = 0; r < rows; ++r) {
      node.cpt.emplace_back(numbers.begin() + static_cast<std::ptrdiff_t>(r * k),
                            numbers.begin() + static_cast<std::ptrdiff_t>((r + 1) * k));
      node.row_at.push_back(table->at);
    }
  }
};

}  // namespace

BayesNet read_xmlbif(std::string_view text, std::string_view file) { return XmlbifReader(text, file).read(); }

}  // namespace rung
