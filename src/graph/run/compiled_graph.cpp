#include "graph/run/compiled_graph.h"

#include <algorithm>
#include <mutex>

#include "graph/graph_error.h"
#include "graph/plan/expressions.h"

namespace graph {

namespace {

bool can_run(NodeKind kind) {
  return kind == NodeKind::kRule || kind == NodeKind::kConditional || kind == NodeKind::kDb ||
         kind == NodeKind::kSubgraph || kind == NodeKind::kLoop;
}

core::Error at(core::Error e, const SourcePos& pos, std::string_view node_id) {
  if (e.context().file.empty()) e.with_file(pos.file, pos.line, pos.column);
  if (e.context().node_id.empty() && !node_id.empty()) e.with_node(std::string(node_id));
  return e;
}

// The value a node needs under `key`, or E010 naming the key and the node's
// `field` that asked for it.
core::Result<const Json*> required_key(const Context& context, const std::string& key,
                                       std::string field) {
  if (const Json* value = context.find(key)) return value;
  core::Error e = graph_error(GraphErrorCode::kContext, "context key '" + key + "' is not set");
  return e.with_field(std::move(field));
}

}  // namespace

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
  std::unique_ptr<CompiledGraph> g(new CompiledGraph(std::move(spec)));
  // In order: edges index the compiled nodes, tasks mirror the edges.
  if (core::Status s = g->compile_nodes(); !s.is_ok()) return s.error();
  if (core::Status s = g->compile_edges(); !s.is_ok()) return s.error();
  if (core::Status s = g->build_tasks(); !s.is_ok()) return s.error();
  const CompiledGraph* self = g.get();
  g->contexts_ = std::make_unique<core::ObjectPool<Context>>(
      core::PoolConfig{}, [self] { return self->new_context(); }, [](Context& c) { c.reset(); });
  return g;
}

core::Status CompiledGraph::compile_nodes() {
  nodes_.reserve(spec_->nodes.size());
  for (const NodeSpec& spec : spec_->nodes) {
    if (!can_run(spec.kind)) {
      core::Error e = graph_error(GraphErrorCode::kConfiguration,
                                  "node kind " + std::string(node_kind_name(spec.kind)) +
                                      " cannot run in this version of lgraph");
      e.with_suggestion(
          "the kinds that run today are RuleNode, ConditionalNode, DBNode, SubgraphNode and "
          "LoopNode");
      return at(std::move(e), spec.pos, spec.id);
    }
    CompiledNode node;
    node.spec = &spec;
    node.result_slot = intern(spec.id + "_result");
    node.error_slot = intern(spec.id + "_error");
    auto compile = [&spec](const ExprSource& src, std::string_view field) {
      return compile_expression(src, spec.id, field);
    };
    if (const auto* rule = std::get_if<RuleFields>(&spec.fields)) {
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
      auto child = CompiledGraph::compile(sub->graph);
      if (!child.is_ok()) return child.error();
      node.child = std::move(child).value();
    } else if (const auto* loop = std::get_if<LoopFields>(&spec.fields)) {
      if (loop->while_condition) {
        auto c = compile(*loop->while_condition, "while");
        if (!c.is_ok()) return c.error();
        node.condition = std::move(c).value();
      }
      auto body = CompiledGraph::compile(loop->body);
      if (!body.is_ok()) return body.error();
      node.child = std::move(body).value();
    }
    nodes_.push_back(std::move(node));
  }
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
    }
    nodes_[index_of(spec.to)].incoming.push_back(std::move(edge));
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
                                std::vector<NodeStats>& stats) {
  RunState state;
  state.context = &context;
  state.executor = &executor;
  state.stats.resize(nodes_.size());
  for (size_t i = 0; i < nodes_.size(); ++i)
    state.stats[i].id = nodes_[i].spec->id;
  state.branch_taken.assign(nodes_.size(), 0);
  state.start = std::chrono::steady_clock::now();
  if (const auto limit = spec_->timeout_ms) {
    state.deadline = state.start + std::chrono::milliseconds(*limit);
  }
  core::Status status = executor.run(tasks_, &state);
  stats = std::move(state.stats);
  return status;
}

core::Status CompiledGraph::run_node(RunState& state, uint32_t index) const {
  const CompiledNode& node = nodes_[index];
  NodeStats& stats = state.stats[index];
  const auto now = std::chrono::steady_clock::now();
  if (state.deadline && now > *state.deadline) {
    core::Error e = graph_error(GraphErrorCode::kTimeout,
                                "the run exceeded its timeout_ms of " +
                                    std::to_string(spec_->timeout_ms.value_or(0)) + " ms");
    return at(std::move(e), node.spec->pos, node.spec->id);
  }
  core::Result<bool> taken = any_edge_taken(state, node);
  if (!taken.is_ok()) return taken.error();
  if (!taken.value()) {
    stats.status = NodeStatus::kSkipped;
    return core::Status();
  }
  core::Status result = execute(state, index);
  const auto end = std::chrono::steady_clock::now();
  stats.started = now - state.start;
  stats.duration = end - now;
  const std::optional<uint32_t> limit = node.spec->timeout_ms;
  if (result.is_ok() && limit && stats.duration > std::chrono::milliseconds(*limit)) {
    result = graph_error(
        GraphErrorCode::kTimeout,
        "node ran " +
            std::to_string(
                std::chrono::duration_cast<std::chrono::milliseconds>(stats.duration).count()) +
            " ms, more than its timeout_ms of " + std::to_string(*limit) + " ms");
  }
  if (result.is_ok()) {
    stats.status = NodeStatus::kExecuted;
    return core::Status();
  }
  stats.status = NodeStatus::kFailed;
  core::Error error = at(result.error(), node.spec->pos, node.spec->id);
  if (node.spec->on_error != OnError::kContinue) return error;
  const std::string code = error.tag().empty() ? core::error_code_name(error.code()) : error.tag();
  std::unique_lock lock(state.context_mu);
  state.context->set(node.error_slot, Json{{"code", code}, {"message", error.message()}});
  return core::Status();
}

core::Result<bool> CompiledGraph::any_edge_taken(RunState& state, const CompiledNode& node) const {
  if (node.incoming.empty()) return true;
  for (const CompiledEdge& edge : node.incoming) {
    if (state.stats[edge.from].status != NodeStatus::kExecuted) continue;
    if (edge.branch != Branch::kAny &&
        (state.branch_taken[edge.from] != 0) != (edge.branch == Branch::kOnTrue)) {
      continue;
    }
    if (edge.rule) {
      std::shared_lock lock(state.context_mu);
      core::Result<bool> holds = edge.rule->evaluate_bool(*state.context);
      if (!holds.is_ok()) {
        core::Error e = holds.error();
        e.with_file(edge.pos.file, edge.pos.line, edge.pos.column).with_field("rule");
        return at(std::move(e), edge.pos, node.spec->id);
      }
      if (!holds.value()) continue;
    }
    return true;
  }
  return false;
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
    default:
      // compile() admits only the kinds above.
      return graph_error(GraphErrorCode::kNodeExecution, "node kind cannot run");
  }
}

core::Status CompiledGraph::execute_rule(RunState& state, const CompiledNode& node) const {
  bool passed = true;
  if (node.condition) {
    std::shared_lock lock(state.context_mu);
    core::Result<bool> holds = node.condition->evaluate_bool(*state.context);
    if (!holds.is_ok()) return core::Error(holds.error()).with_field("condition");
    passed = holds.value();
  }
  if (passed) {
    // In order, each seeing the ones before it.
    for (const auto& [key, expr] : node.sets) {
      core::Result<Json> value = [&] {
        std::shared_lock lock(state.context_mu);
        return expr.evaluate(*state.context);
      }();
      if (!value.is_ok()) return core::Error(value.error()).with_field("set." + key.name);
      std::unique_lock lock(state.context_mu);
      state.context->set(key.slot, std::move(value).value());
    }
  }
  std::unique_lock lock(state.context_mu);
  state.context->set(node.result_slot, passed);
  return core::Status();
}

core::Status CompiledGraph::execute_conditional(RunState& state, uint32_t index) const {
  const CompiledNode& node = nodes_[index];
  core::Result<bool> holds = [&] {
    std::shared_lock lock(state.context_mu);
    return node.condition->evaluate_bool(*state.context);
  }();
  if (!holds.is_ok()) return core::Error(holds.error()).with_field("condition");
  state.branch_taken[index] = holds.value() ? 1 : 0;
  std::unique_lock lock(state.context_mu);
  state.context->set(node.result_slot, holds.value());
  return core::Status();
}

core::Status CompiledGraph::execute_db(RunState& state, const CompiledNode& node) const {
  const auto& fields = std::get<DbFields>(node.spec->fields);
  std::vector<Json> params;
  params.reserve(fields.params.size());
  {
    std::shared_lock lock(state.context_mu);
    for (size_t i = 0; i < fields.params.size(); ++i) {
      auto value =
          required_key(*state.context, fields.params[i], "params[" + std::to_string(i) + "]");
      if (!value.is_ok()) return value.error();
      params.push_back(*value.value());
    }
  }
  core::Result<Json> rows = node.database->query(fields.query, params);
  if (!rows.is_ok()) return core::Error(rows.error()).with_field("query");
  std::unique_lock lock(state.context_mu);
  state.context->set(node.result_slot, std::move(rows).value());
  return core::Status();
}

core::Status CompiledGraph::execute_subgraph(RunState& state, const CompiledNode& node) const {
  const auto& fields = std::get<SubgraphFields>(node.spec->fields);
  core::Pooled<Context> child = node.child->contexts().acquire();
  {
    std::shared_lock lock(state.context_mu);
    for (const auto& [parent_key, child_key] : fields.input_mapping) {
      auto value = required_key(*state.context, parent_key, "input_mapping." + parent_key);
      if (!value.is_ok()) return value.error();
      child->set(child_key, *value.value());
    }
  }
  std::vector<NodeStats> child_stats;
  if (core::Status s = node.child->run(*child, *state.executor, child_stats); !s.is_ok()) {
    return s;
  }
  std::unique_lock lock(state.context_mu);
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
    std::shared_lock lock(state.context_mu);
    base = *state.context;
  }
  Json collected = Json::array();
  uint64_t iterations = 0;
  std::vector<NodeStats> stats;
  auto run_body = [&](Context& context) -> core::Status {
    if (core::Status s = node.child->run(context, *state.executor, stats); !s.is_ok()) return s;
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
  std::unique_lock lock(state.context_mu);
  state.context->set(node.result_slot, fields.collect ? std::move(collected) : Json(iterations));
  return core::Status();
}

}  // namespace graph
