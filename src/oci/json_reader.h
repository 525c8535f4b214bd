// oci/json_reader.h: typed reads out of a parsed JSON document, every problem
// named by its JSON path (internal to src/oci).
//
// All OCI documents are read the same way: parse the bytes once with limits
// that make hostile input fail cleanly (size, nesting depth, duplicate keys),
// then walk the tree with a `Reader`. The reader keeps the *first* problem it
// finds and turns later reads into no-ops returning empty values, so a
// document parser reads a whole object and checks once, instead of testing a
// Result after every field. Every error is kInvalidArgument with
// context().field set to the path ("manifests[2].digest",
// `annotations["org.opencontainers.image.ref.name"]`) and a message saying
// what was expected and what was found ("expected a string, found the number 5").
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace oci::json {

using Json = nlohmann::json;

// Bigger documents are refused before parsing: the registry distribution spec
// asks for manifests of at least 4 MiB, and configs with long histories stay
// well below this.
inline constexpr std::size_t kMaxDocumentBytes = 16u << 20;
// Deeper nesting is refused while parsing; OCI documents nest 4-5 levels.
inline constexpr int kMaxDepth = 64;

// One JSON document out of `bytes`. Malformed JSON is an error whose message
// names the byte offset; a duplicate key in any object is an error naming its
// path (two parsers that keep different duplicates would read different images
// from the same digest).
core::Result<Json> parse(std::string_view bytes);

// "a.b", `a["x.y"]`, "a[3]": the paths used as error fields. Keys that are
// plain identifiers are joined with a dot, any other key is quoted.
std::string member_path(std::string_view parent, std::string_view key);
std::string element_path(std::string_view parent, std::size_t index);

// A value in the document and its path. `value` is null when the member is
// absent or JSON null (treated alike, as Go's encoding/json does, which wrote
// most images in the wild), or when reading it already failed.
struct Node {
  const Json* value = nullptr;
  std::string path;

  bool present() const { return value != nullptr; }
};

enum class Need { kOptional, kRequired };

class Reader {
 public:
  // The whole document, which must be an object.
  Node root(const Json& document);

  bool ok() const { return !error_.has_value(); }
  // Precondition: !ok().
  const core::Error& error() const { return *error_; }

  // Records a problem at `path` unless one is recorded already.
  void fail(std::string_view path, std::string message);
  void fail(const Node& at, std::string message) { fail(at.path, std::move(message)); }
  // "expected <expected>, found <what the node holds>".
  void fail_type(const Node& at, std::string_view expected);

  // Member `key` of the object at `object`. A required member that is absent
  // or null fails with "missing required field".
  Node field(const Node& object, std::string_view key, Need need = Need::kOptional);
  // True when the object has `key` at all (even as null), for shape checks.
  static bool has_key(const Node& object, std::string_view key);

  // Type checks: each returns false (after failing) when the node is present
  // and of another type, and false without failing when it is absent.
  bool is_object(const Node& node);
  bool is_array(const Node& node);

  // Typed values; absent nodes give empty values without failing.
  std::string string(const Node& node);
  // An integer (not 1.0, not "1") in [min, INT64_MAX].
  std::int64_t int64(const Node& node, std::int64_t min);
  bool boolean(const Node& node);
  std::vector<std::string> strings(const Node& array);
  std::map<std::string, std::string> string_map(const Node& object);

  // The elements of an array and the members of an object, as nodes (a JSON
  // null element or member is a node holding null, not an absent one).
  std::vector<Node> elements(const Node& array);
  std::vector<std::pair<std::string, Node>> members(const Node& object);

 private:
  std::optional<core::Error> error_;
};

// Describes a value for messages: "a string", "the number 1.5", "null".
std::string describe(const Json& value);

}  // namespace oci::json
