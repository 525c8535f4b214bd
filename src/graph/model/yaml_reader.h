// graph/model/yaml_reader.h: typed values out of yaml-cpp nodes, with
// positions (internal to the loader).
//
// yaml-cpp gives every node a Mark (0-based line and column of its first
// token) but no types beyond "scalar": `5`, `"5"` and `five` are all strings
// to it. These readers decide the types the graph format wants, so that
// `max_retries: "3"` or `on_true: b` is a clear E004 at the value's position
// rather than a silent conversion or a yaml-cpp exception. A quoted scalar is
// always a string (JSON's "5" is not a number).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"
#include "graph/graph_error.h"
#include "graph/model/graph_spec.h"

namespace graph {

// The text of one document and its display name, for positions.
class YamlSource {
 public:
  // `text` must outlive this object.
  YamlSource(std::string name, std::string_view text) : name_(std::move(name)), text_(text) {}

  const std::string& name() const { return name_; }
  // Where `node` starts (1-based).
  SourcePos pos(const YAML::Node& node) const;
  // Where a scalar's content starts: after the opening quote of a quoted
  // scalar, on the first content line of a block scalar (`|`, `>`).
  SourcePos content_pos(const YAML::Node& scalar) const;

 private:
  std::string name_;
  std::string_view text_;
};

// The node and field being read, so that every error names them.
struct Where {
  const YamlSource* source = nullptr;
  std::string node;   // node id, empty at graph level
  std::string field;  // field name, empty when not inside one

  // A tagged error located at `at`, with node and field.
  core::Error error(GraphErrorCode code, std::string message, const YAML::Node& at) const;
};

// Each reader checks the type and range of `value` and returns E004 at its
// position otherwise.
core::Result<std::string> read_string(const Where& where, const YAML::Node& value);
// A scalar of any style, non-empty, kept as source text.
core::Result<ExprSource> read_expr(const Where& where, const YAML::Node& value);
// A plain decimal integer in [min, UINT32_MAX].
core::Result<std::uint32_t> read_uint(const Where& where, const YAML::Node& value,
                                      std::uint32_t min);
// A plain finite number >= min.
core::Result<double> read_number(const Where& where, const YAML::Node& value, double min);
// A plain true/false (also True/TRUE/False/FALSE, as YAML 1.2 has it).
core::Result<bool> read_bool(const Where& where, const YAML::Node& value);
// A sequence of strings.
core::Result<std::vector<std::string>> read_string_list(const Where& where,
                                                        const YAML::Node& value);
// A sequence of node ids, with their positions.
core::Result<std::vector<NodeRef>> read_node_refs(const Where& where, const YAML::Node& value);
// A mapping of string to string, in document order, keys unique.
core::Result<std::vector<std::pair<std::string, std::string>>> read_string_map(
    const Where& where, const YAML::Node& value);

// Reads the keys of one mapping in document order. yaml-cpp keeps duplicate
// keys (and find() sees only the first), so duplicates are caught here.
class KeyReader {
 public:
  // `what` names a key in messages ("field", "node id"); a duplicate is an
  // error with `duplicate_code`.
  KeyReader(std::string_view what, GraphErrorCode duplicate_code)
      : what_(what), duplicate_code_(duplicate_code) {}

  // The key's text: E004 if it is not a non-empty scalar, a duplicate error
  // naming the first occurrence's line if it was seen before.
  core::Result<std::string_view> read(const Where& where, const YAML::Node& key);

 private:
  std::string_view what_;
  GraphErrorCode duplicate_code_;
  std::unordered_map<std::string_view, int> first_line_;  // key -> 1-based line
};

}  // namespace graph
