#include "graph/run/graph_runner.h"

#include "graph/run/compiled_graph.h"

namespace graph {

GraphRunner::GraphRunner(std::unique_ptr<CompiledGraph> compiled, core::Executor& executor,
                         RunnerOptions options)
    : compiled_(std::move(compiled)), executor_(executor), options_(options) {}

GraphRunner::~GraphRunner() = default;

core::Result<std::unique_ptr<GraphRunner>> GraphRunner::create(GraphRef spec,
                                                               core::Executor& executor,
                                                               RunnerOptions options) {
  auto compiled = CompiledGraph::compile(std::move(spec));
  if (!compiled.is_ok()) return compiled.error();
  return std::unique_ptr<GraphRunner>(
      new GraphRunner(std::move(compiled).value(), executor, options));
}

core::Result<RunResult> GraphRunner::run(const Json& input) const {
  if (!options_.pool_contexts) {
    return run_in(RunResult(compiled_->spec_ref(), compiled_->new_context()), input);
  }
  return run_in(RunResult(compiled_->spec_ref(), compiled_->contexts().acquire()), input);
}

core::Result<RunResult> GraphRunner::run_in(RunResult result, const Json& input) const {
  // The result owns the Context; the run writes into it.
  Context& context = result.mutable_context();
  if (core::Status s = context.merge(input); !s.is_ok()) return s.error();

  const auto start = std::chrono::steady_clock::now();
  if (core::Status s = compiled_->run(context, executor_, result.nodes, options_.time_nodes);
      !s.is_ok()) {
    return s.error();
  }
  result.duration = std::chrono::steady_clock::now() - start;
  return result;
}

core::PoolStats GraphRunner::context_pool_stats() const {
  return compiled_->contexts().stats();
}

}  // namespace graph
