#include "client/yaml_output.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace hedui::cli {
namespace {

using Json = nlohmann::ordered_json;

// The code point at text[i] (UTF-8), advancing i. The JSON parser has
// already refused invalid UTF-8; a stray byte is returned as itself.
uint32_t NextCodePoint(absl::string_view text, size_t& i) {
  const auto b = static_cast<unsigned char>(text[i]);
  int extra = 0;
  uint32_t cp = b;
  if (b >= 0xF8) {
    extra = 0;
  } else if (b >= 0xF0) {
    extra = 3;
    cp = b & 0x07;
  } else if (b >= 0xE0) {
    extra = 2;
    cp = b & 0x0F;
  } else if (b >= 0xC0) {
    extra = 1;
    cp = b & 0x1F;
  }
  if (extra == 0 || i + extra >= text.size()) {
    ++i;
    return b;
  }
  for (int k = 1; k <= extra; ++k) {
    const auto c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xC0) != 0x80) {
      ++i;
      return b;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  i += extra + 1;
  return cp;
}

// A YAML double-quoted scalar. YAML allows only printable characters
// unescaped (YAML 1.2 §5.1): C0 and C1 controls, DEL and the byte order
// mark are escaped, as are quotes and backslashes.
std::string Quote(absl::string_view text) {
  std::string out = "\"";
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    const uint32_t cp = NextCodePoint(text, i);
    if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
               cp == 0xFEFF) {
      out += absl::StrFormat("\\u%04X", cp);
    } else {
      out.append(text.data() + start, i - start);
    }
  }
  out += '"';
  return out;
}

// Keys are field names or enum names: written plain unless YAML could read
// them as something other than that string.
std::string Key(const std::string& key) {
  bool plain = !key.empty() && (absl::ascii_isalpha(key[0]) || key[0] == '_');
  for (char c : key) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '-') plain = false;
  }
  const std::string lower = absl::AsciiStrToLower(key);
  for (const char* word :
       {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}) {
    if (lower == word) plain = false;
  }
  return plain ? key : Quote(key);
}

bool IsLeaf(const Json& value) {
  return !value.is_structured() || value.empty();
}

std::string Scalar(const Json& value) {
  if (value.is_string()) return Quote(value.get_ref<const std::string&>());
  if (value.is_object()) return "{}";
  if (value.is_array()) return "[]";
  return value.dump();  // numbers, booleans, null: the same text in YAML
}

// A non-empty object or array, every line indented by `indent` spaces.
std::string Block(const Json& value, int indent) {
  const std::string pad(indent, ' ');
  std::string out;
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      out += pad + Key(key) + ":";
      if (IsLeaf(child)) {
        out += " " + Scalar(child) + "\n";
      } else {
        out += "\n" + Block(child, indent + 2);
      }
    }
    return out;
  }
  for (const Json& item : value) {
    if (IsLeaf(item)) {
      out += pad + "- " + Scalar(item) + "\n";
    } else {
      // The item's first line goes after the dash ("- key: value").
      std::string nested = Block(item, indent + 2);
      nested.replace(0, indent + 2, pad + "- ");
      out += nested;
    }
  }
  return out;
}

}  // namespace

std::string JsonToYaml(absl::string_view json) {
  Json value = Json::parse(json.begin(), json.end(), nullptr,
                           /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    std::string raw(json);
    if (raw.empty() || raw.back() != '\n') raw += '\n';
    return raw;
  }
  if (IsLeaf(value)) return Scalar(value) + "\n";
  return Block(value, 0);
}

void YamlLineBuffer::Finish() {
  if (!line_.empty()) EmitLine();
  target_->flush();
}

YamlLineBuffer::int_type YamlLineBuffer::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return 0;
  const char ch = traits_type::to_char_type(c);
  if (ch == '\n') {
    EmitLine();
  } else {
    line_ += ch;
  }
  return c;
}

std::streamsize YamlLineBuffer::xsputn(const char* s, std::streamsize n) {
  for (std::streamsize i = 0; i < n; ++i)
    overflow(traits_type::to_int_type(s[i]));
  return n;
}

int YamlLineBuffer::sync() {
  target_->flush();
  return 0;
}

void YamlLineBuffer::EmitLine() {
  // Text that is not JSON (`hedui completion bash`) is not a document.
  if (!Json::accept(line_)) {
    *target_ << line_ << '\n';
    line_.clear();
    return;
  }
  if (!first_document_) *target_ << "---\n";
  first_document_ = false;
  *target_ << JsonToYaml(line_);
  line_.clear();
}

}  // namespace hedui::cli
