#include "graph/model/yaml_reader.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace graph {
namespace {

// yaml-cpp tags non-plain scalars (quoted, block) "!" and plain ones "?".
bool is_plain(const YAML::Node& scalar) {
  return scalar.Tag() == "?";
}

const char* type_name(const YAML::Node& value) {
  switch (value.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return is_plain(value) ? "a scalar" : "a string";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

core::Error wrong_type(const Where& where, const YAML::Node& value, std::string_view wanted) {
  std::string message = "expected ";
  message += wanted;
  message += ", got ";
  message += type_name(value);
  if (value.IsScalar()) message += " '" + value.Scalar() + "'";
  return where.error(GraphErrorCode::kConfiguration, std::move(message), value);
}

}  // namespace

SourcePos YamlSource::pos(const YAML::Node& node) const {
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourcePos{name_, 0, 0};
  return SourcePos{name_, mark.line + 1, mark.column + 1};
}

SourcePos YamlSource::content_pos(const YAML::Node& scalar) const {
  SourcePos pos = this->pos(scalar);
  YAML::Mark mark = scalar.Mark();
  if (mark.is_null() || mark.pos < 0 || static_cast<size_t>(mark.pos) >= text_.size()) return pos;
  size_t at = static_cast<size_t>(mark.pos);
  char first = text_[at];
  if (first == '"' || first == '\'') {
    pos.column += 1;
  } else if (first == '|' || first == '>') {
    // The content starts at the first non-blank character after the header
    // line; lines holding only spaces are part of the scalar but not content.
    size_t i = text_.find('\n', at);
    if (i == std::string_view::npos) return pos;
    int line = pos.line;
    int column = 0;
    for (++i, ++line, column = 1; i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else if (text_[i] == ' ' || text_[i] == '\r' || text_[i] == '\t') {
        ++column;
      } else {
        return SourcePos{pos.file, line, column};
      }
    }
  }
  return pos;
}

core::Error Where::error(GraphErrorCode code, std::string message, const YAML::Node& at) const {
  core::Error e = graph_error(code, std::move(message));
  SourcePos pos = source->pos(at);
  e.with_file(pos.file, pos.line, pos.column);
  if (!node.empty()) e.with_node(node);
  if (!field.empty()) e.with_field(field);
  return e;
}

core::Result<std::string> read_string(const Where& where, const YAML::Node& value) {
  if (!value.IsScalar()) return wrong_type(where, value, "a string");
  return value.Scalar();
}

core::Result<ExprSource> read_expr(const Where& where, const YAML::Node& value) {
  if (!value.IsScalar()) return wrong_type(where, value, "an expression (a string)");
  if (value.Scalar().find_first_not_of(" \t\r\n") == std::string::npos) {
    return where.error(GraphErrorCode::kConfiguration, "empty expression", value);
  }
  return ExprSource{value.Scalar(), where.source->content_pos(value)};
}

core::Result<std::uint32_t> read_uint(const Where& where, const YAML::Node& value,
                                      std::uint32_t min) {
  std::string wanted = "an integer >= " + std::to_string(min);
  if (!value.IsScalar() || !is_plain(value)) return wrong_type(where, value, wanted);
  const std::string& text = value.Scalar();
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  std::int64_t number = 0;
  auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec == std::errc::result_out_of_range) {
    return where.error(GraphErrorCode::kConfiguration, "number " + text + " is out of range",
                       value);
  }
  if (ec != std::errc() || ptr != end) return wrong_type(where, value, wanted);
  if (number < min || number > std::numeric_limits<std::uint32_t>::max()) {
    return where.error(GraphErrorCode::kConfiguration,
                       "expected " + wanted + " and <= 4294967295, got " + text, value);
  }
  return static_cast<std::uint32_t>(number);
}

core::Result<double> read_number(const Where& where, const YAML::Node& value, double min) {
  std::string wanted = "a number >= " + std::to_string(min);
  wanted.erase(wanted.find_last_not_of('0') + 1);
  if (wanted.back() == '.') wanted.pop_back();
  if (!value.IsScalar() || !is_plain(value)) return wrong_type(where, value, wanted);
  const std::string& text = value.Scalar();
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  double number = 0;
  auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc() || ptr != end || !std::isfinite(number)) {
    return wrong_type(where, value, wanted);
  }
  if (number < min) {
    return where.error(GraphErrorCode::kConfiguration, "expected " + wanted + ", got " + text,
                       value);
  }
  return number;
}

core::Result<bool> read_bool(const Where& where, const YAML::Node& value) {
  if (value.IsScalar() && is_plain(value)) {
    const std::string& text = value.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  return wrong_type(where, value, "true or false");
}

core::Result<std::vector<std::string>> read_string_list(const Where& where,
                                                        const YAML::Node& value) {
  if (!value.IsSequence()) return wrong_type(where, value, "a list of strings");
  std::vector<std::string> out;
  out.reserve(value.size());
  for (const YAML::Node& item : value) {
    auto text = read_string(where, item);
    if (!text) return text.error();
    out.push_back(std::move(text).value());
  }
  return out;
}

core::Result<std::vector<NodeRef>> read_node_refs(const Where& where, const YAML::Node& value) {
  if (!value.IsSequence()) return wrong_type(where, value, "a list of node ids");
  std::vector<NodeRef> out;
  out.reserve(value.size());
  for (const YAML::Node& item : value) {
    auto id = read_string(where, item);
    if (!id) return id.error();
    out.push_back(NodeRef{std::move(id).value(), where.source->pos(item)});
  }
  return out;
}

core::Result<std::vector<std::pair<std::string, std::string>>> read_string_map(
    const Where& where, const YAML::Node& value) {
  if (!value.IsMap()) return wrong_type(where, value, "a mapping of string to string");
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(value.size());
  KeyReader keys("key", GraphErrorCode::kConfiguration);
  for (const auto& entry : value) {
    auto key = keys.read(where, entry.first);
    if (!key) return key.error();
    auto text = read_string(where, entry.second);
    if (!text) return text.error();
    out.emplace_back(std::string(key.value()), std::move(text).value());
  }
  return out;
}

core::Result<std::string_view> KeyReader::read(const Where& where, const YAML::Node& key) {
  if (!key.IsScalar() || key.Scalar().empty()) {
    return wrong_type(where, key, std::string("a ") + std::string(what_) + " (a non-empty string)");
  }
  std::string_view text = key.Scalar();
  int line = where.source->pos(key).line;
  auto [it, inserted] = first_line_.emplace(text, line);
  if (!inserted) {
    return where.error(duplicate_code_,
                       "duplicate " + std::string(what_) + " '" + std::string(text) +
                           "' (first at line " + std::to_string(it->second) + ")",
                       key);
  }
  return text;
}

}  // namespace graph
