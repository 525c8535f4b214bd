// graph/run/graph_runner.h: running a Logic Graph.
//
//   core::Executor executor;                         // shared by every runner
//   auto runner = GraphRunner::create(spec, executor).value();
//   core::Result<RunResult> r = runner->run({{"amount", 120}});
//
// create() compiles the graph once: every expression is parsed, every node
// and edge resolved to indexes, and a core::TaskGraph built whose tasks take
// the run's state as their argument. run() may then be called many times and
// from many threads at once; each run takes a Context from a pool (so
// repeated runs allocate little) and nodes that do not depend on each other
// run in parallel on the executor.
//
// Semantics (docs/graph-format.md): an edge is taken when its source node
// executed, its rule (if any) holds, and, for a ConditionalNode, the target
// is on the branch the condition chose; a node with incoming edges runs when
// at least one of them was taken, else it is skipped, which propagates. Every
// node that runs writes `<id>_result`. A failure fails the run with its error
// (E001 wrapping the cause, with the node id) unless the node says
// `on_error: continue`, which records `<id>_error` ({code, message}) instead.
//
// Context writes are applied as each node finishes, under a lock; nodes that
// may run at the same time should not write the same key (if they do, the
// later finisher wins). Node timeouts are checked when a node finishes (a
// running node is not interrupted) and the run's timeout before each node.
//
// Node kinds that run today: RuleNode, ConditionalNode, DBNode (SQLite: the
// database file is opened once, when the graph is compiled, and a missing one
// is E004 then) and SubgraphNode (compiled with its parent; a run gives the
// child a pooled Context of its own holding only the input_mapping keys, runs
// it on the same executor, copies back the output_mapping keys, and writes
// the child's final Context as `<id>_result`) and LoopNode. A loop's body
// starts each `foreach` iteration from a copy of the parent's Context (as the
// loop began) plus `as` = the element and `<as>_index`; a `while` loop carries
// one such copy through its iterations, evaluating `while` over it before each.
// `<id>_result` is the list of the body's `collect` key per iteration, or the
// number of iterations without `collect`; body keys do not reach the parent.
// More than max_iterations (default 10,000) is E001. Compiling a graph with any other kind fails
// with E004 naming the node, until its run-time support exists.
#pragma once

#include <memory>

#include "core/error.h"
#include "core/exec/executor.h"
#include "core/memory/pool_config.h"
#include "graph/model/graph_spec.h"
#include "graph/run/run_result.h"

namespace graph {

class CompiledGraph;

struct RunnerOptions {
  // Take each run's Context from a pool (and give it back, reset) instead of
  // making a new one. Off only to measure what the pool saves.
  bool pool_contexts = true;
};

class GraphRunner {
 public:
  static core::Result<std::unique_ptr<GraphRunner>> create(GraphRef spec, core::Executor& executor,
                                                           RunnerOptions options = {});
  ~GraphRunner();

  // Runs the graph on `input` (a JSON object: the initial Context).
  core::Result<RunResult> run(const Json& input) const;

  // The Context pool's figures: how often runs reused a Context.
  core::PoolStats context_pool_stats() const;

 private:
  GraphRunner(std::unique_ptr<CompiledGraph> compiled, core::Executor& executor,
              RunnerOptions options);
  core::Result<RunResult> run_in(RunResult result, const Json& input) const;

  std::unique_ptr<CompiledGraph> compiled_;
  core::Executor& executor_;
  RunnerOptions options_;
};

}  // namespace graph
