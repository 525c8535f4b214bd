#include "graph/run/node_support.h"

#include "graph/graph_error.h"

namespace graph {

core::Error at(core::Error e, const SourcePos& pos, std::string_view node_id) {
  if (e.context().file.empty()) e.with_file(pos.file, pos.line, pos.column);
  if (e.context().node_id.empty() && !node_id.empty()) e.with_node(std::string(node_id));
  return e;
}

core::Result<const Json*> required_key(const Context& context, const std::string& key,
                                       std::string field) {
  if (const Json* value = context.find(key)) return value;
  core::Error e = graph_error(GraphErrorCode::kContext, "context key '" + key + "' is not set");
  return e.with_field(std::move(field));
}

Json error_json(const core::Error& error) {
  Json out{{"code", error.tag().empty() ? core::error_code_name(error.code()) : error.tag()},
           {"message", error.message()}};
  if (!error.context().node_id.empty()) out["node"] = error.context().node_id;
  return out;
}

}  // namespace graph
