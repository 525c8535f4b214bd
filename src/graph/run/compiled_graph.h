// graph/run/compiled_graph.h: a GraphSpec made ready to run (internal to run/).
//
// Compiling resolves everything a run would otherwise look up: node ids
// become indexes, expressions are parsed (errors placed in the file), each
// node knows its incoming edges and which ConditionalNode branch each one
// belongs to, and one core::TaskGraph mirrors the graph's edges. A run's
// mutable state lives in RunState, passed to the tasks as their argument, so
// one CompiledGraph serves concurrent runs; what must outlive a run (a
// CircuitBreakerNode's state) lives in the node and guards itself.
//
// The node kinds' own work is split by family: execute_basic.cpp (rule,
// conditional, database, integrations), execute_nested.cpp (subgraph, loop)
// and execute_guarded.cpp (try/catch, retry, circuit breaker).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/exec/executor.h"
#include "core/exec/task_graph.h"
#include "core/memory/object_pool.h"
#include "core/thread/rw_spin_lock.h"
#include "core/time/tick_clock.h"
#include "graph/context.h"
#include "graph/integrations/sqlite.h"
#include "graph/model/graph_spec.h"
#include "graph/run/circuit_breaker.h"
#include "graph/run/node_cache.h"
#include "graph/run/run_result.h"
#include "rules/expr/expression.h"

namespace graph {

using rules::Expression;

class CompiledGraph;

// Which outcome of a ConditionalNode source an edge needs.
enum class Branch : uint8_t { kAny, kOnTrue, kOnFalse };

struct CompiledEdge {
  uint32_t from = 0;
  Branch branch = Branch::kAny;
  std::optional<Expression> rule;
  uint32_t rule_index = 0;  // where the run keeps the rule's outcome (RunState::outcomes)
  SourcePos pos;
};

// An edge with a rule, as its source sees it: the source evaluates the rule
// as soon as it has run, so every rule from one node sees the same Context.
struct OutgoingRule {
  const CompiledEdge* edge = nullptr;  // in the target's `incoming`
  uint32_t to = 0;
};

// A key the node writes, interned in every Context of the graph.
struct ContextKey {
  std::string name;
  Context::Slot slot = 0;
};

struct CompiledNode {
  const NodeSpec* spec = nullptr;
  Context::Slot result_slot = 0;  // "<id>_result"
  Context::Slot error_slot = 0;   // "<id>_error"
  std::vector<CompiledEdge> incoming;
  std::vector<OutgoingRule> outgoing_rules;
  std::optional<Expression> condition;                  // Rule, Conditional
  std::vector<std::pair<ContextKey, Expression>> sets;  // Rule
  const rules::engine::KnowledgeBase* rules = nullptr;  // Rule with GRL rules: the spec's
  SqliteDatabase* database = nullptr;                   // DB: owned by the graph
  // Subgraph's graph; Loop's, Retry's and CircuitBreaker's body; TryCatch's try.
  std::unique_ptr<CompiledGraph> child;
  std::unique_ptr<CompiledGraph> fallback;  // TryCatch's catch
  std::optional<uint32_t> retried;          // Retry's `node:`
  bool run_by_retry = false;                // named by a RetryNode's `node:`
  std::unique_ptr<CircuitBreaker> breaker;  // CircuitBreaker's state across runs
  std::unique_ptr<NodeCache> cache;         // `cache:`'s entries across runs
  // What a cache entry keeps besides <id>_result: a RuleNode's `set` keys
  // (when its condition passed) or the facts its GRL rules assign to, a
  // SubgraphNode's output_mapping targets.
  std::vector<Context::Slot> cache_outputs;
};

// One run: its Context and what each node did. Written by the node's own
// task; read by successors, which the executor starts only afterwards.
struct RunState {
  Context* context = nullptr;
  core::Executor* executor = nullptr;  // also runs the run's subgraphs
  bool time_nodes = true;              // fill NodeStats::started and duration
  // Set by the executor before the first node: every node of the run runs
  // on one thread, so the Context needs no lock.
  bool alone = false;

  // Locks on the Context: nodes read under shared and write under unique,
  // unless the run is alone.
  std::shared_lock<core::RwSpinLock> read_lock() {
    return alone ? std::shared_lock(context_mu, std::defer_lock) : std::shared_lock(context_mu);
  }
  std::unique_lock<core::RwSpinLock> write_lock() {
    return alone ? std::unique_lock(context_mu, std::defer_lock) : std::unique_lock(context_mu);
  }
  std::vector<NodeStats> stats;
  // Decisions, one allocation per run: a ConditionalNode's by node index,
  // then each edge rule's, by CompiledEdge::rule_index (after the nodes).
  std::vector<uint8_t> outcomes;
  core::TickSpan span;  // the run's start, and the rate of its node ticks
  std::optional<std::chrono::steady_clock::time_point> deadline;

  // With time_nodes, while the run lasts a node's started and duration hold
  // TickClock ticks (from the run's start, and since `start_ticks`); run()
  // converts them to nanoseconds when the run ends.
  void record(NodeStats& stats, uint64_t start_ticks) const {
    stats.started = std::chrono::nanoseconds(start_ticks - span.start_ticks());
    stats.duration = std::chrono::nanoseconds(core::TickClock::now() - start_ticks);
  }

 private:
  core::RwSpinLock context_mu;
};

class CompiledGraph {
 public:
  // A LoopNode without max_iterations stops with E001 after this many.
  static constexpr uint32_t kDefaultMaxIterations = 10000;

  // Subgraphs are compiled once per place that names them, so a body file
  // named twice at each of many levels multiplies. Past this many nodes, or
  // this many compiled (sub)graphs (each has its own task graph and Context
  // pool, ~50 us to build), compiling stops with E004 instead of taking
  // minutes and gigabytes.
  struct CompileBudget {
    size_t nodes = 1'000'000;
    size_t graphs = 20'000;
  };

  static core::Result<std::unique_ptr<CompiledGraph>> compile(GraphRef spec);

  const GraphSpec& spec() const { return *spec_; }
  const GraphRef& spec_ref() const { return spec_; }
  const std::vector<CompiledNode>& nodes() const { return nodes_; }
  // Contexts with the graph's keys interned (see Context::intern): pooled,
  // or new for callers that do not pool.
  core::ObjectPool<Context>& contexts() { return *contexts_; }
  std::unique_ptr<Context> new_context() const;
  // The keys a run passes out when the graph is a guarded body (model/writes.h).
  const std::vector<std::string>& passed_out() const { return passed_out_; }

  // Runs every node over `context` on `executor`; `stats` gets one entry per
  // node (ids filled in) whether the run succeeds or not. Without
  // `time_nodes`, only nodes with a timeout are clocked (and the others'
  // started/duration stay zero): nested runs, whose stats nobody sees, skip
  // the two clock reads a node.
  core::Status run(Context& context, core::Executor& executor, std::vector<NodeStats>& stats,
                   bool time_nodes);

 private:
  explicit CompiledGraph(GraphRef spec);
  // `budget`: how many more nodes this compilation may create.
  static core::Result<std::unique_ptr<CompiledGraph>> compile(GraphRef spec, CompileBudget& budget);
  core::Status compile_nodes(CompileBudget& budget);
  // Compiles a node's body into `out`; nothing when `spec` is null (an
  // optional body, such as a TryCatchNode without `catch`).
  static core::Status compile_child(const GraphRef& spec, CompileBudget& budget,
                                    std::unique_ptr<CompiledGraph>& out);
  Context::Slot intern(const std::string& key);
  core::Status compile_edges();
  core::Status build_tasks();

  // The task of node `index`: decide run or skip, run, record.
  core::Status run_node(RunState& state, uint32_t index) const;
  // Whether an incoming edge was taken: its source executed, chose this
  // branch, and its rule held (as the source found it).
  static bool any_edge_taken(const RunState& state, const CompiledNode& node);
  // Evaluates the rules of a node's outgoing edges, once it has executed.
  core::Status decide_rules(RunState& state, const CompiledNode& node) const;
  // What run_node does past the common case: a node timeout, a failure.
  // `ran` is the node's real duration when it has a timeout to check.
  core::Status finish_node(RunState& state, const CompiledNode& node, NodeStats& stats,
                           std::chrono::nanoseconds ran, core::Status result) const;
  // execute(), or the node's kept result for the same inputs (`cache:`).
  core::Status execute_cached(RunState& state, uint32_t index, NodeStats& stats) const;
  core::Status compile_cache(CompiledNode& node);
  // What the node's kind does; writes its results into the Context.
  core::Status execute(RunState& state, uint32_t index) const;
  core::Status execute_rule(RunState& state, const CompiledNode& node) const;
  core::Status execute_grl(RunState& state, const CompiledNode& node) const;
  core::Status apply_sets(RunState& state, const CompiledNode& node) const;
  core::Status execute_conditional(RunState& state, uint32_t index) const;
  core::Status execute_db(RunState& state, const CompiledNode& node) const;
  core::Status execute_subgraph(RunState& state, const CompiledNode& node) const;
  core::Status execute_loop(RunState& state, const CompiledNode& node) const;
  core::Status execute_integration(const CompiledNode& node) const;
  core::Status execute_try_catch(RunState& state, const CompiledNode& node) const;
  core::Status execute_retry(RunState& state, const CompiledNode& node) const;
  core::Status execute_circuit_breaker(RunState& state, const CompiledNode& node) const;
  // One attempt of a RetryNode's `node:`, recorded in that node's stats.
  core::Status run_retried_node(RunState& state, uint32_t index) const;
  // Runs `body` over a copy of the run's Context (plus `error` as "error"
  // when given); if it succeeds, copies body.passed_out() back. A failed body
  // leaves the run's Context as it was.
  core::Status run_guarded(RunState& state, CompiledGraph& body, const Json* error) const;
  // The open connection to `path`, opened on first use by any node.
  core::Result<SqliteDatabase*> database(const std::string& path);

  GraphRef spec_;
  std::vector<CompiledNode> nodes_;
  core::TaskGraph tasks_;
  std::vector<std::string> interned_;  // in slot order
  std::vector<std::string> passed_out_;
  uint32_t rule_count_ = 0;
  Context prototype_;  // interns keys once, at compile time
  std::unique_ptr<core::ObjectPool<Context>> contexts_;
  std::vector<std::unique_ptr<SqliteDatabase>> databases_;  // one per file
};

}  // namespace graph
