// graph/run/node_support.h: small helpers the node kinds share (internal to run/).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "graph/context.h"
#include "graph/model/graph_spec.h"

namespace graph {

// `e`, placed at `pos` and on `node_id` unless it already names a place.
core::Error at(core::Error e, const SourcePos& pos, std::string_view node_id);

// The value a node needs under `key`, or E010 naming the key and the node's
// `field` that asked for it.
core::Result<const Json*> required_key(const Context& context, const std::string& key,
                                       std::string field);

// What a graph sees of an error: {"code": "E003", "message": ..., "node": ...}
// ("node" only when known). `<id>_error` and a catch body's `error` hold it.
Json error_json(const core::Error& error);

}  // namespace graph
