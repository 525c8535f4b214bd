#include "graph/run/graph_runner.h"

#include "graph/run/compiled_graph.h"

namespace graph {

GraphRunner::GraphRunner(std::unique_ptr<CompiledGraph> compiled, core::Executor& executor)
    : compiled_(std::move(compiled)), executor_(executor) {}

GraphRunner::~GraphRunner() = default;

core::Result<std::unique_ptr<GraphRunner>> GraphRunner::create(GraphRef spec,
                                                               core::Executor& executor) {
  auto compiled = CompiledGraph::compile(std::move(spec));
  if (!compiled.is_ok()) return compiled.error();
  return std::unique_ptr<GraphRunner>(new GraphRunner(std::move(compiled).value(), executor));
}

core::Result<RunResult> GraphRunner::run(const Json& input) const {
  core::Pooled<Context> context = compiled_->contexts().acquire();
  if (core::Status s = context->merge(input); !s.is_ok()) return s.error();

  const auto& nodes = compiled_->nodes();
  RunState state;
  state.context = context.get();
  state.stats.resize(nodes.size());
  state.branch_taken.assign(nodes.size(), 0);
  state.start = std::chrono::steady_clock::now();
  if (const auto limit = compiled_->spec().timeout_ms) {
    state.deadline = state.start + std::chrono::milliseconds(*limit);
  }
  if (core::Status s = compiled_->run(state, executor_); !s.is_ok()) return s.error();

  RunResult result;
  result.duration = std::chrono::steady_clock::now() - state.start;
  result.context = context->to_json();
  result.nodes = std::move(state.stats);
  for (size_t i = 0; i < nodes.size(); ++i)
    result.nodes[i].id = nodes[i].spec->id;
  return result;
}

core::PoolStats GraphRunner::context_pool_stats() const {
  return compiled_->contexts().stats();
}

}  // namespace graph
