#include "oci/json_reader.h"

#include <limits>

namespace oci::json {
namespace {

// Thrown from the parse callback to stop parsing at a limit; caught in parse().
struct LimitExceeded {
  std::string path;
  std::string message;
};

// Where the parser is, so that a problem found while parsing has a path.
// Duplicates are found by counting keys: nlohmann keeps one member per key, so
// an object that ends with fewer members than keys read had a duplicate. This
// costs a counter per open object instead of a set of every key.
struct Frame {
  bool array = false;
  std::size_t index = 0;  // elements finished so far (arrays)
  std::size_t keys = 0;   // keys read so far (objects)
  std::string key;        // the current key (objects)
};

std::string frames_path(const std::vector<Frame>& frames, std::size_t count) {
  std::string path;
  for (std::size_t i = 0; i + 1 < count; ++i) {
    path = frames[i].array ? element_path(path, frames[i].index) : member_path(path, frames[i].key);
  }
  return path;
}

bool is_identifier(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

core::Result<Json> parse(std::string_view bytes) {
  if (bytes.size() > kMaxDocumentBytes) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "document of " + std::to_string(bytes.size()) +
                           " bytes is larger than the limit of " +
                           std::to_string(kMaxDocumentBytes) + " bytes");
  }
  std::vector<Frame> frames;
  auto finished_value = [&frames] {
    if (!frames.empty() && frames.back().array) ++frames.back().index;
  };
  Json::parser_callback_t callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        if (depth >= kMaxDepth) {
          throw LimitExceeded{frames_path(frames, frames.size() + 1),
                              "JSON nests deeper than " + std::to_string(kMaxDepth) + " levels"};
        }
        frames.push_back(Frame{event == Json::parse_event_t::array_start, 0, 0, {}});
        break;
      case Json::parse_event_t::key:
        frames.back().key = parsed.get<std::string>();
        ++frames.back().keys;
        break;
      case Json::parse_event_t::object_end:
        if (parsed.size() != frames.back().keys) {
          throw LimitExceeded{frames_path(frames, frames.size()),
                              "an object has the same key more than once"};
        }
        frames.pop_back();
        finished_value();
        break;
      case Json::parse_event_t::array_end:
        frames.pop_back();
        finished_value();
        break;
      case Json::parse_event_t::value:
        finished_value();
        break;
    }
    return true;
  };
  try {
    return Json::parse(bytes.begin(), bytes.end(), callback, /*allow_exceptions=*/true,
                       /*ignore_comments=*/false);
  } catch (const LimitExceeded& e) {
    return core::Error(core::ErrorCode::kInvalidArgument, e.message).with_field(e.path);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix; keep its text.
    if (auto at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "malformed JSON at byte " + std::to_string(e.byte) + ": " + what);
  } catch (const Json::exception& e) {
    std::string what = e.what();
    if (auto at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
    return core::Error(core::ErrorCode::kInvalidArgument, "malformed JSON: " + what);
  } catch (const std::bad_alloc&) {
    return core::Error(core::ErrorCode::kInvalidArgument, "JSON document too large to parse");
  }
}

std::string member_path(std::string_view parent, std::string_view key) {
  std::string path(parent);
  if (is_identifier(key)) {
    if (!path.empty()) path += '.';
    path += key;
  } else {
    path += '[';
    path += Json(std::string(key)).dump(-1, ' ', false, Json::error_handler_t::replace);
    path += ']';
  }
  return path;
}

std::string element_path(std::string_view parent, std::size_t index) {
  std::string path(parent);
  path += '[';
  path += std::to_string(index);
  path += ']';
  return path;
}

std::string describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return value.get<bool>() ? "the boolean true" : "the boolean false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "the number " + value.dump();
    case Json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      constexpr std::size_t kShown = 64;
      std::string shown = s.size() > kShown ? s.substr(0, kShown) : s;
      std::string out =
          "the string " + Json(shown).dump(-1, ' ', false, Json::error_handler_t::replace);
      if (s.size() > kShown) out += "...";
      return out;
    }
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::binary:
    case Json::value_t::discarded:
      break;
  }
  return "an unsupported value";
}

Node Reader::root(const Json& document) {
  Node node{&document, ""};
  if (!document.is_object()) {
    fail("", "expected a JSON object at the top level, found " + describe(document));
    node.value = nullptr;
  }
  return node;
}

void Reader::fail(std::string_view path, std::string message) {
  if (error_) return;
  error_.emplace(core::ErrorCode::kInvalidArgument, std::move(message));
  error_->with_field(std::string(path));
}

void Reader::fail_type(const Node& at, std::string_view expected) {
  std::string message = "expected ";
  message += expected;
  message += ", found ";
  message += at.value ? describe(*at.value) : "nothing";
  fail(at, std::move(message));
}

Node Reader::field(const Node& object, std::string_view key, Need need) {
  Node child{nullptr, member_path(object.path, key)};
  if (!ok() || !object.value || !object.value->is_object()) return child;
  auto it = object.value->find(key);
  if (it != object.value->end() && !it->is_null()) {
    child.value = &*it;
  } else if (need == Need::kRequired) {
    fail(child, "missing required field");
  }
  return child;
}

bool Reader::has_key(const Node& object, std::string_view key) {
  return object.value && object.value->is_object() && object.value->contains(key);
}

bool Reader::is_object(const Node& node) {
  if (!ok() || !node.value) return false;
  if (node.value->is_object()) return true;
  fail_type(node, "an object");
  return false;
}

bool Reader::is_array(const Node& node) {
  if (!ok() || !node.value) return false;
  if (node.value->is_array()) return true;
  fail_type(node, "an array");
  return false;
}

std::string Reader::string(const Node& node) {
  if (!ok() || !node.value) return {};
  if (node.value->is_string()) return node.value->get<std::string>();
  fail_type(node, "a string");
  return {};
}

std::int64_t Reader::int64(const Node& node, std::int64_t min) {
  if (!ok() || !node.value) return 0;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  auto range = [&] {
    return "expected an integer from " + std::to_string(min) + " to " + std::to_string(kMax) +
           ", found " + describe(*node.value);
  };
  if (node.value->is_number_unsigned()) {
    auto v = node.value->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(kMax)) {
      fail(node, range());
      return 0;
    }
    auto s = static_cast<std::int64_t>(v);
    if (s < min) fail(node, range());
    return s;
  }
  if (node.value->is_number_integer()) {
    auto v = node.value->get<std::int64_t>();
    if (v < min) fail(node, range());
    return v;
  }
  fail_type(node, "an integer");
  return 0;
}

bool Reader::boolean(const Node& node) {
  if (!ok() || !node.value) return false;
  if (node.value->is_boolean()) return node.value->get<bool>();
  fail_type(node, "a boolean");
  return false;
}

std::vector<std::string> Reader::strings(const Node& array) {
  std::vector<std::string> out;
  for (const Node& element : elements(array)) {
    out.push_back(string(element));
  }
  return out;
}

std::map<std::string, std::string> Reader::string_map(const Node& object) {
  std::map<std::string, std::string> out;
  for (auto& [key, value] : members(object)) {
    if (!value.value->is_string()) {
      fail_type(value, "a string");
      break;
    }
    out.emplace(key, string(value));
  }
  return out;
}

std::vector<Node> Reader::elements(const Node& array) {
  std::vector<Node> out;
  if (!is_array(array)) return out;
  out.reserve(array.value->size());
  std::size_t i = 0;
  for (const Json& element : *array.value) {
    out.push_back(Node{&element, element_path(array.path, i++)});
  }
  return out;
}

std::vector<std::pair<std::string, Node>> Reader::members(const Node& object) {
  std::vector<std::pair<std::string, Node>> out;
  if (!is_object(object)) return out;
  for (auto it = object.value->begin(); it != object.value->end(); ++it) {
    out.emplace_back(it.key(), Node{&*it, member_path(object.path, it.key())});
  }
  return out;
}

}  // namespace oci::json
