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
// executed, its rule (if any) held when the source finished (the source
// evaluates the rules of all its outgoing edges right after it runs), and, for a ConditionalNode,
// the target is on the branch the condition chose; a node with incoming edges runs when at least
// one of them was taken, else it is skipped, which propagates. Every node that runs writes
// `<id>_result`. A failure fails the run with its error (E001 wrapping the cause, with the node id)
// unless the node says `on_error: continue`, which records `<id>_error` ({code, message}) instead.
//
// Context writes are applied as each node finishes, under a lock; validation
// guarantees that nodes that may run at the same time never write the same
// key (model/write_conflicts.h), so the final Context does not depend on
// scheduling. Node timeouts are checked when a node finishes (a running node
// is not interrupted) and the run's timeout before each node.
//
// What each kind does is docs/graph-format.md's; in short:
//   RuleNode, ConditionalNode  expressions over the Context
//   DBNode                     SQLite; the file is opened once, when the graph
//                              is compiled (a missing one is E004 then)
//   SubgraphNode               a child Context holding only the input_mapping
//                              keys, run on the same executor; output_mapping
//                              copies back, `<id>_result` is the child's Context
//   LoopNode                   the body per `foreach` element (from a copy of
//                              the parent's Context plus `as`, `<as>_index`) or
//                              while `while` holds (one copy carried through);
//                              `<id>_result` is the `collect` list or the count;
//                              more than max_iterations (default 10,000) is E001
//   TryCatchNode, RetryNode,   run a body over a copy of the Context and copy
//   CircuitBreakerNode         the keys it names back only when it succeeds
//                              (a failed attempt leaves nothing); see
//                              run/execute_guarded.cpp. A RetryNode waits
//                              between attempts on its worker thread. A circuit
//                              breaker's state is kept per compiled graph,
//                              across runs and threads.
//   AINode, GrpcNode           fail with E001 "integration not available".
// A node with `cache:` (RuleNode, DBNode, SubgraphNode) first looks up its
// inputs in its compiled graph's NodeCache (run/node_cache.h) and, on a hit,
// writes the kept result instead of running; NodeStats::cache_hit says so.
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
  // Clock every node for NodeStats::started and duration: two TSC reads a
  // node (~10 ns each on the CI machine, core/time/tick_clock.h). Off, only
  // nodes with a timeout_ms of their own report durations; the others zero.
  bool time_nodes = true;
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
