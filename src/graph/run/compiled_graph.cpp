#include "graph/run/compiled_graph.h"

#include <algorithm>
#include <mutex>

#include "core/containers/append_unique.h"
#include "graph/graph_error.h"
#include "graph/model/writes.h"
#include "graph/plan/expressions.h"
#include "graph/run/node_support.h"

namespace graph {

CompiledGraph::CompiledGraph(GraphRef spec) : spec_(std::move(spec)) {}

Context::Slot CompiledGraph::intern(const std::string& key) {
  const Context::Slot slot = prototype_.intern(key);
  if (slot == interned_.size()) interned_.push_back(key);
  return slot;
}

std::unique_ptr<Context> CompiledGraph::new_context() const {
  auto context = std::make_unique<Context>();
  // The same keys in the same order give every Context the same slots.
  for (const std::string& key : interned_)
    context->intern(key);
  return context;
}

core::Result<std::unique_ptr<CompiledGraph>> CompiledGraph::compile(GraphRef spec) {
  CompileBudget budget;
  return compile(std::move(spec), budget);
}

core::Result<std::unique_ptr<CompiledGraph>> CompiledGraph::compile(GraphRef spec,
                                                                    CompileBudget& budget) {
  if (spec->nodes.size() > budget.nodes || budget.graphs == 0) {
    const CompileBudget limits;
    core::Error e = graph_error(GraphErrorCode::kConfiguration,
                                "the graph has more than " + std::to_string(limits.nodes) +
                                    " nodes or " + std::to_string(limits.graphs) +
                                    " subgraphs once every subgraph is expanded where it is named");
    e.with_file(spec->file, spec->pos.line, spec->pos.column);
    return e.with_suggestion(
        "a subgraph file named in several places is compiled once per place; name it less "
        "often, or split the graph");
  }
  budget.nodes -= spec->nodes.size();
  --budget.graphs;
  std::unique_ptr<CompiledGraph> g(new CompiledGraph(std::move(spec)));
  // In order: edges index the compiled nodes, tasks mirror the edges.
  if (core::Status s = g->compile_nodes(budget); !s.is_ok()) return s.error();
  if (core::Status s = g->compile_edges(); !s.is_ok()) return s.error();
  if (core::Status s = g->build_tasks(); !s.is_ok()) return s.error();
  const CompiledGraph* self = g.get();
  g->contexts_ = std::make_unique<core::ObjectPool<Context>>(
      core::PoolConfig{}, [self] { return self->new_context(); }, [](Context& c) { c.reset(); });
  return g;
}

core::Status CompiledGraph::compile_child(const GraphRef& spec, CompileBudget& budget,
                                          std::unique_ptr<CompiledGraph>& out) {
  if (!spec) return core::Status();  // an optional body that is absent
  auto compiled = compile(spec, budget);
  if (!compiled.is_ok()) return compiled.error();
  out = std::move(compiled).value();
  return core::Status();
}

core::Status CompiledGraph::compile_nodes(CompileBudget& budget) {
  nodes_.reserve(spec_->nodes.size());
  for (const NodeSpec& spec : spec_->nodes) {
    CompiledNode node;
    node.spec = &spec;
    node.result_slot = intern(spec.id + "_result");
    node.error_slot = intern(spec.id + "_error");
    auto compile = [&spec](const ExprSource& src, std::string_view field) {
      return compile_expression(src, spec.id, field);
    };
    if (const auto* rule = std::get_if<RuleFields>(&spec.fields)) {
      node.rules = rule->rules.get();
      if (rule->condition) {
        auto c = compile(*rule->condition, "condition");
        if (!c.is_ok()) return c.error();
        node.condition = std::move(c).value();
      }
      for (const auto& [key, value] : rule->set) {
        auto v = compile(value, "set." + key);
        if (!v.is_ok()) return v.error();
        node.sets.emplace_back(ContextKey{key, intern(key)}, std::move(v).value());
      }
    } else if (const auto* cond = std::get_if<ConditionalFields>(&spec.fields)) {
      auto c = compile(cond->condition, "condition");
      if (!c.is_ok()) return c.error();
      node.condition = std::move(c).value();
    } else if (const auto* db = std::get_if<DbFields>(&spec.fields)) {
      const std::optional<std::string>& path = db->database ? db->database : spec_->database;
      if (!path) {
        core::Error e = graph_error(GraphErrorCode::kConfiguration, "DBNode has no database");
        e.with_field("database")
            .with_suggestion("give the node a `database:` or the graph a top-level `database:`");
        return at(std::move(e), spec.pos, spec.id);
      }
      auto opened = database(*path);
      if (!opened.is_ok()) return at(opened.error(), spec.pos, spec.id);
      node.database = opened.value();
    } else if (const auto* sub = std::get_if<SubgraphFields>(&spec.fields)) {
      if (core::Status s = compile_child(sub->graph, budget, node.child); !s.is_ok()) return s;
    } else if (const auto* loop = std::get_if<LoopFields>(&spec.fields)) {
      if (loop->while_condition) {
        auto c = compile(*loop->while_condition, "while");
        if (!c.is_ok()) return c.error();
        node.condition = std::move(c).value();
      }
      if (core::Status s = compile_child(loop->body, budget, node.child); !s.is_ok()) return s;
    } else if (const auto* tc = std::get_if<TryCatchFields>(&spec.fields)) {
      if (core::Status s = compile_child(tc->try_body, budget, node.child); !s.is_ok()) return s;
      if (core::Status s = compile_child(tc->catch_body, budget, node.fallback); !s.is_ok()) {
        return s;
      }
    } else if (const auto* retry = std::get_if<RetryFields>(&spec.fields)) {
      if (core::Status s = compile_child(retry->body, budget, node.child); !s.is_ok()) return s;
    } else if (const auto* cb = std::get_if<CircuitBreakerFields>(&spec.fields)) {
      if (core::Status s = compile_child(cb->body, budget, node.child); !s.is_ok()) return s;
      node.breaker = std::make_unique<CircuitBreaker>(
          cb->failure_threshold, std::chrono::milliseconds(cb->recovery_timeout_ms));
    }
    if (core::Status s = compile_cache(node); !s.is_ok()) return at(s.error(), spec.pos, spec.id);
    nodes_.push_back(std::move(node));
  }
  // A RetryNode's `node:` runs inside the RetryNode (validate.h: it has no edges).
  for (uint32_t i = 0; i < nodes_.size(); ++i) {
    const auto* retry = std::get_if<RetryFields>(&nodes_[i].spec->fields);
    if (retry == nullptr || !retry->node) continue;
    const auto target = static_cast<uint32_t>(spec_->find(retry->node->id) - spec_->nodes.data());
    nodes_[i].retried = target;
    nodes_[target].run_by_retry = true;
  }
  passed_out_ = keys_passed_out(*spec_);
  return core::Status();
}

core::Status CompiledGraph::compile_cache(CompiledNode& node) {
  if (!node.spec->cache) return core::Status();
  std::vector<std::string> inputs, own_writes;
  auto add_input = [&inputs](const std::string& key) { core::append_unique(inputs, key); };
  if (node.rules != nullptr) {
    // GRL: a run reads only the facts the rules name, and changes only those
    // they assign to.
    for (const std::string& fact : node.rules->facts_used())
      add_input(fact);
    for (const std::string& fact : node.rules->facts_assigned()) {
      node.cache_outputs.push_back(intern(fact));
      own_writes.push_back(fact);
    }
  } else if (std::holds_alternative<RuleFields>(node.spec->fields)) {
    if (node.condition) {
      for (const std::string& key : node.condition->referenced_keys())
        add_input(key);
    }
    // A key an earlier `set` of the node wrote is not an input of the later ones.
    std::vector<std::string> set_so_far;
    for (const auto& [key, expr] : node.sets) {
      for (const std::string& read : expr.referenced_keys()) {
        if (std::find(set_so_far.begin(), set_so_far.end(), read) == set_so_far.end()) {
          add_input(read);
        }
      }
      set_so_far.push_back(key.name);
      node.cache_outputs.push_back(key.slot);
    }
  } else if (const auto* db = std::get_if<DbFields>(&node.spec->fields)) {
    for (const std::string& key : db->params)
      add_input(key);
  } else if (const auto* sub = std::get_if<SubgraphFields>(&node.spec->fields)) {
    for (const auto& [parent_key, child_key] : sub->input_mapping)
      add_input(parent_key);
    for (const auto& [child_key, parent_key] : sub->output_mapping)
      node.cache_outputs.push_back(intern(parent_key));
  }
  auto cache = NodeCache::create(*node.spec->cache, std::move(inputs), std::move(own_writes));
  if (!cache.is_ok()) return cache.error();
  node.cache = std::move(cache).value();
  return core::Status();
}

core::Result<SqliteDatabase*> CompiledGraph::database(const std::string& path) {
  for (const auto& db : databases_) {
    if (db->path() == path) return db.get();
  }
  auto opened = SqliteDatabase::open(path);
  if (!opened.is_ok()) return opened.error();
  databases_.push_back(std::move(opened).value());
  return databases_.back().get();
}

core::Status CompiledGraph::compile_edges() {
  auto index_of = [this](std::string_view id) {
    return static_cast<uint32_t>(spec_->find(id) - spec_->nodes.data());
  };
  for (const EdgeSpec& spec : spec_->edges) {
    CompiledEdge edge;
    edge.from = index_of(spec.from);
    edge.pos = spec.pos;
    if (const auto* cond = std::get_if<ConditionalFields>(&spec_->nodes[edge.from].fields)) {
      auto names = [&spec](const std::vector<NodeRef>& refs) {
        return std::any_of(refs.begin(), refs.end(),
                           [&spec](const NodeRef& r) { return r.id == spec.to; });
      };
      if (names(cond->on_true)) edge.branch = Branch::kOnTrue;
      if (names(cond->on_false)) edge.branch = Branch::kOnFalse;
    }
    if (spec.rule) {
      auto rule = compile_expression(*spec.rule, spec.to, "rule");
      if (!rule.is_ok()) return rule.error();
      edge.rule = std::move(rule).value();
      edge.rule_index = static_cast<uint32_t>(nodes_.size()) + rule_count_++;
    }
    nodes_[index_of(spec.to)].incoming.push_back(std::move(edge));
  }
  // The incoming vectors are complete, so pointers into them stay valid.
  for (uint32_t to = 0; to < nodes_.size(); ++to) {
    for (const CompiledEdge& edge : nodes_[to].incoming) {
      if (edge.rule) nodes_[edge.from].outgoing_rules.push_back(OutgoingRule{&edge, to});
    }
  }
  return core::Status();
}

core::Status CompiledGraph::build_tasks() {
  for (uint32_t i = 0; i < nodes_.size(); ++i) {
    auto added = tasks_.add(nodes_[i].spec->id, [this, i](void* state) {
      return run_node(*static_cast<RunState*>(state), i);
    });
    if (!added.is_ok()) return added.status();
  }
  for (uint32_t i = 0; i < nodes_.size(); ++i) {
    for (const CompiledEdge& edge : nodes_[i].incoming) {
      if (core::Status s = tasks_.precede(edge.from, i); !s.is_ok()) return s;
    }
  }
  return tasks_.validate();
}

core::Status CompiledGraph::run(Context& context, core::Executor& executor,
                                std::vector<NodeStats>& stats, bool time_nodes) {
  RunState state;
  state.context = &context;
  state.executor = &executor;
  state.time_nodes = time_nodes;
  state.stats.resize(nodes_.size());
  for (size_t i = 0; i < nodes_.size(); ++i)
    state.stats[i].id = nodes_[i].spec->id;
  state.outcomes.assign(nodes_.size() + rule_count_, 0);
  state.span.start();
  if (const auto limit = spec_->timeout_ms) {
    state.deadline = state.span.start_time() + std::chrono::milliseconds(*limit);
  }
  core::Status status = executor.run(tasks_, &state, &state.alone);
  if (time_nodes) {
    // The nodes recorded ticks (RunState::record); now the span knows their rate.
    state.span.stop();
    for (NodeStats& s : state.stats) {
      s.started = state.span.to_ns(static_cast<uint64_t>(s.started.count()));
      s.duration = state.span.to_ns(static_cast<uint64_t>(s.duration.count()));
    }
  }
  stats = std::move(state.stats);
  return status;
}

core::Status CompiledGraph::run_node(RunState& state, uint32_t index) const {
  const CompiledNode& node = nodes_[index];
  // Its RetryNode runs it and fills its stats.
  if (node.run_by_retry) [[unlikely]] {
    return core::Status();
  }
  NodeStats& stats = state.stats[index];
  // Timeouts need real time (steady_clock, ~30 ns a read); the stats only
  // ticks (~10 ns), converted when the run ends.
  const bool clocked = node.spec->timeout_ms || state.deadline;
  const auto now =
      clocked ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
  const uint64_t ticks = state.time_nodes ? core::TickClock::now() : 0;
  if (state.deadline && now > *state.deadline) [[unlikely]] {
    core::Error e = graph_error(GraphErrorCode::kTimeout,
                                "the run exceeded its timeout_ms of " +
                                    std::to_string(spec_->timeout_ms.value_or(0)) + " ms");
    return at(std::move(e), node.spec->pos, node.spec->id);
  }
  if (!node.incoming.empty() && !any_edge_taken(state, node)) {
    stats.status = NodeStatus::kSkipped;
    return core::Status();
  }
  core::Status result = node.cache ? execute_cached(state, index, stats) : execute(state, index);
  if (state.time_nodes) state.record(stats, ticks);
  if (result.is_ok() && !node.spec->timeout_ms) [[likely]] {
    stats.status = NodeStatus::kExecuted;
    return node.outgoing_rules.empty() ? result : decide_rules(state, node);
  }
  const std::chrono::nanoseconds ran =
      clocked ? std::chrono::steady_clock::now() - now : std::chrono::nanoseconds(0);
  if (clocked && !state.time_nodes) {
    stats.started = now - state.span.start_time();
    stats.duration = ran;
  }
  return finish_node(state, node, stats, ran, std::move(result));
}

[[gnu::noinline]] core::Status CompiledGraph::finish_node(RunState& state, const CompiledNode& node,
                                                          NodeStats& stats,
                                                          std::chrono::nanoseconds ran,
                                                          core::Status result) const {
  const std::optional<uint32_t> limit = node.spec->timeout_ms;
  if (result.is_ok() && limit && ran > std::chrono::milliseconds(*limit)) {
    result = graph_error(
        GraphErrorCode::kTimeout,
        "node ran " +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(ran).count()) +
            " ms, more than its timeout_ms of " + std::to_string(*limit) + " ms");
  }
  if (result.is_ok()) {
    stats.status = NodeStatus::kExecuted;
    return decide_rules(state, node);
  }
  stats.status = NodeStatus::kFailed;
  core::Error error = at(result.error(), node.spec->pos, node.spec->id);
  if (node.spec->on_error != OnError::kContinue) return error;
  auto lock = state.write_lock();
  state.context->set(node.error_slot, error_json(error));
  return core::Status();
}

core::Status CompiledGraph::execute_cached(RunState& state, uint32_t index,
                                           NodeStats& stats) const {
  const CompiledNode& node = nodes_[index];
  std::optional<std::string> key, guard;
  {
    auto lock = state.read_lock();
    key = node.cache->key(*state.context);
    if (key && node.cache->writes_inputs()) guard = node.cache->guard(*state.context);
  }
  if (!key) return execute(state, index);
  if (std::optional<NodeCache::Writes> hit = node.cache->find(*key)) {
    stats.cache_hit = true;
    auto lock = state.write_lock();
    for (auto& [slot, value] : *hit)
      state.context->set(slot, std::move(value));
    return core::Status();
  }
  if (core::Status s = execute(state, index); !s.is_ok()) return s;  // failures are not kept
  NodeCache::Writes writes;
  {
    auto lock = state.read_lock();
    // Keep the result only under the inputs it was computed from: a node
    // running alongside may have changed one since the key was made.
    if (node.cache->guard(*state.context) != (node.cache->writes_inputs() ? guard : key)) {
      return core::Status();
    }
    auto keep = [&](Context::Slot slot) {
      if (const Json* value = state.context->get(slot)) writes.emplace_back(slot, *value);
    };
    keep(node.result_slot);
    const Json* result = state.context->get(node.result_slot);
    // A RuleNode whose condition failed set nothing.
    if (node.spec->kind != NodeKind::kRule || node.rules != nullptr ||
        (result != nullptr && *result == true)) {
      for (Context::Slot slot : node.cache_outputs)
        keep(slot);
    }
  }
  node.cache->put(std::move(*key), std::move(writes));
  return core::Status();
}

bool CompiledGraph::any_edge_taken(const RunState& state, const CompiledNode& node) {
  for (const CompiledEdge& edge : node.incoming) {
    if (state.stats[edge.from].status == NodeStatus::kExecuted &&
        (edge.branch == Branch::kAny ||
         (state.outcomes[edge.from] != 0) == (edge.branch == Branch::kOnTrue)) &&
        (!edge.rule || state.outcomes[edge.rule_index] != 0)) {
      return true;
    }
  }
  return false;
}

core::Status CompiledGraph::decide_rules(RunState& state, const CompiledNode& node) const {
  auto lock = state.read_lock();
  for (const OutgoingRule& out : node.outgoing_rules) {
    const CompiledEdge& edge = *out.edge;
    core::Result<bool> holds = edge.rule->evaluate_bool(*state.context);
    if (!holds.is_ok()) {
      core::Error e = holds.error();
      e.with_file(edge.pos.file, edge.pos.line, edge.pos.column).with_field("rule");
      return at(std::move(e), edge.pos, nodes_[out.to].spec->id);
    }
    state.outcomes[edge.rule_index] = holds.value() ? 1 : 0;
  }
  return core::Status();
}

core::Status CompiledGraph::execute(RunState& state, uint32_t index) const {
  switch (nodes_[index].spec->kind) {
    case NodeKind::kRule:
      return execute_rule(state, nodes_[index]);
    case NodeKind::kConditional:
      return execute_conditional(state, index);
    case NodeKind::kDb:
      return execute_db(state, nodes_[index]);
    case NodeKind::kSubgraph:
      return execute_subgraph(state, nodes_[index]);
    case NodeKind::kLoop:
      return execute_loop(state, nodes_[index]);
    case NodeKind::kTryCatch:
      return execute_try_catch(state, nodes_[index]);
    case NodeKind::kRetry:
      return execute_retry(state, nodes_[index]);
    case NodeKind::kCircuitBreaker:
      return execute_circuit_breaker(state, nodes_[index]);
    case NodeKind::kAi:
    case NodeKind::kGrpc:
      return execute_integration(nodes_[index]);
  }
  return graph_error(GraphErrorCode::kNodeExecution, "unknown node kind");
}

}  // namespace graph
