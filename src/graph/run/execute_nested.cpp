// The node kinds that run a graph of their own: SubgraphNode and LoopNode.
#include <mutex>
#include <shared_mutex>

#include "graph/graph_error.h"
#include "graph/run/compiled_graph.h"
#include "graph/run/node_support.h"

namespace graph {

core::Status CompiledGraph::execute_subgraph(RunState& state, const CompiledNode& node) const {
  const auto& fields = std::get<SubgraphFields>(node.spec->fields);
  core::Pooled<Context> child = node.child->contexts().acquire();
  {
    auto lock = state.read_lock();
    for (const auto& [parent_key, child_key] : fields.input_mapping) {
      auto value = required_key(*state.context, parent_key, "input_mapping." + parent_key);
      if (!value.is_ok()) return value.error();
      child->set(child_key, *value.value());
    }
  }
  std::vector<NodeStats> child_stats;
  if (core::Status s = node.child->run(*child, *state.executor, child_stats, false); !s.is_ok()) {
    return s;
  }
  auto lock = state.write_lock();
  for (const auto& [child_key, parent_key] : fields.output_mapping) {
    const Json* value = child->find(child_key);
    if (value == nullptr) {
      core::Error e =
          graph_error(GraphErrorCode::kContext, "the subgraph did not set '" + child_key + "'");
      return e.with_field("output_mapping." + child_key);
    }
    state.context->set(parent_key, *value);
  }
  state.context->set(node.result_slot, child->to_json());
  return core::Status();
}

core::Status CompiledGraph::execute_loop(RunState& state, const CompiledNode& node) const {
  const auto& fields = std::get<LoopFields>(node.spec->fields);
  const uint32_t limit = fields.max_iterations.value_or(kDefaultMaxIterations);
  auto over_limit = [&] {
    core::Error e =
        graph_error(GraphErrorCode::kNodeExecution,
                    "loop did not finish within max_iterations (" + std::to_string(limit) + ")");
    return e.with_field("max_iterations")
        .with_suggestion("raise max_iterations, or make the loop end sooner");
  };
  // Every iteration starts from the parent's Context as it was when the loop began.
  Context base;
  {
    auto lock = state.read_lock();
    base = *state.context;
  }
  Json collected = Json::array();
  uint64_t iterations = 0;
  std::vector<NodeStats> stats;
  auto run_body = [&](Context& context) -> core::Status {
    if (core::Status s = node.child->run(context, *state.executor, stats, false); !s.is_ok())
      return s;
    ++iterations;
    if (fields.collect) {
      const Json* value = context.find(*fields.collect);
      collected.push_back(value ? *value : Json());
    }
    return core::Status();
  };
  if (fields.foreach) {
    auto found = required_key(base, *fields.foreach, "foreach");
    if (!found.is_ok()) return found.error();
    const Json& list = *found.value();  // `base` is only read below, so this stays valid
    if (!list.is_array()) {
      core::Error e =
          graph_error(GraphErrorCode::kContext, "context key '" + *fields.foreach + "' is " +
                                                    list.type_name() + ", not a list");
      return e.with_field("foreach");
    }
    if (list.size() > limit) return over_limit();
    for (size_t i = 0; i < list.size(); ++i) {
      core::Pooled<Context> context = node.child->contexts().acquire();
      *context = base;
      context->set(fields.as, list[i]);
      context->set(fields.as + "_index", i);
      if (core::Status s = run_body(*context); !s.is_ok()) return s;
    }
  } else {
    // A while loop carries one Context through its iterations, so the body
    // moves it towards the end (e.g. sets `n` to `n + 1`).
    core::Pooled<Context> context = node.child->contexts().acquire();
    *context = base;
    for (;;) {
      core::Result<bool> again = node.condition->evaluate_bool(*context);
      if (!again.is_ok()) return core::Error(again.error()).with_field("while");
      if (!again.value()) break;
      if (iterations == limit) return over_limit();
      if (core::Status s = run_body(*context); !s.is_ok()) return s;
    }
  }
  auto lock = state.write_lock();
  state.context->set(node.result_slot, fields.collect ? std::move(collected) : Json(iterations));
  return core::Status();
}

}  // namespace graph
