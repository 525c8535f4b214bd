// graph/model/loader.h: reading a Logic Graph from YAML or JSON.
//
// The format is docs/graph-format.md (JSON Schema: docs/graph.schema.json).
// JSON is read by the same YAML parser, since JSON is YAML. The loader turns
// a document into a GraphSpec and rejects anything it cannot vouch for: every
// field of every node kind is type-checked, unknown fields are errors (with a
// "did you mean" for typos), subgraph files are loaded relative to the file
// that names them, and each graph is validated (validate.h). Loading stops at
// the first error, which is a core::Error tagged E004/E006/E007 with the
// file, line, column, node id and field where known (docs/errors.md).
//
// Limits, so that hostile input fails cleanly: a file may be at most
// kMaxGraphBytes long, and YAML nested deeper than yaml-cpp's own limit (2000
// levels; it parses recursively) is E007. The loader's recursion into inline
// subgraphs is bounded by the same limit. So is a document whose YAML aliases
// expand it beyond 4 nodes per byte of text plus 1024 (E007): aliases nested
// in aliased nodes would otherwise multiply the work exponentially.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string_view>

#include "core/error.h"
#include "graph/model/graph_spec.h"

namespace graph {

inline constexpr std::size_t kMaxGraphBytes = 64u << 20;

// Loads the graph in `path`; relative subgraph and database paths in it are
// resolved against the file's directory. E007 if the file cannot be read.
core::Result<std::shared_ptr<const GraphSpec>> load_graph_file(const std::filesystem::path& path);

// Loads a graph from `text`; `display_name` is the file name errors show,
// `base_dir` the directory relative subgraph and database paths start from.
core::Result<std::shared_ptr<const GraphSpec>> load_graph_text(
    std::string_view text, std::string_view display_name, const std::filesystem::path& base_dir);

}  // namespace graph
