// The node kinds that work on the run's Context directly: RuleNode,
// ConditionalNode and DBNode, and the integrations that do not exist yet.
#include <mutex>
#include <shared_mutex>

#include "graph/graph_error.h"
#include "graph/run/compiled_graph.h"
#include "graph/run/node_support.h"
#include "rules/engine/session.h"

namespace graph {

core::Status CompiledGraph::execute_rule(RunState& state, const CompiledNode& node) const {
  if (node.rules != nullptr) return execute_grl(state, node);
  bool passed = true;
  if (node.condition) {
    auto lock = state.read_lock();
    core::Result<bool> holds = node.condition->evaluate_bool(*state.context);
    if (!holds.is_ok()) return core::Error(holds.error()).with_field("condition");
    passed = holds.value();
  }
  if (passed && !node.sets.empty()) {
    if (core::Status s = apply_sets(state, node); !s.is_ok()) return s;
  }
  auto lock = state.write_lock();
  state.context->set_bool(node.result_slot, passed);
  return core::Status();
}

// Out of line: its JSON temporaries would make every RuleNode's frame large.
[[gnu::noinline]] core::Status CompiledGraph::apply_sets(RunState& state,
                                                         const CompiledNode& node) const {
  // In order, each seeing the ones before it.
  for (const auto& [key, expr] : node.sets) {
    core::Result<Json> value = [&] {
      auto lock = state.read_lock();
      return expr.evaluate(*state.context);
    }();
    if (!value.is_ok()) return core::Error(value.error()).with_field("set." + key.name);
    auto lock = state.write_lock();
    state.context->set(key.slot, std::move(value).value());
  }
  return core::Status();
}

// GRL rules over the Context keys they name (RuleFields says how).
[[gnu::noinline]] core::Status CompiledGraph::execute_grl(RunState& state,
                                                          const CompiledNode& node) const {
  rules::engine::Session session(std::get<RuleFields>(node.spec->fields).rules);
  {
    auto lock = state.read_lock();
    for (const std::string& fact : node.rules->facts_used()) {
      if (const Json* value = state.context->find(fact)) session.set_fact(fact, *value);
    }
  }
  auto run = session.run();
  if (!run.is_ok()) return core::Error(run.error()).with_field("rules");
  Json fired = Json::array();
  for (size_t rule : run.value().fired)
    fired.push_back(node.rules->rules()[rule].name);
  auto lock = state.write_lock();
  for (const std::string& fact : run.value().changed_facts)
    state.context->set(fact, *session.facts().find(fact));
  state.context->set(node.result_slot, Json{{"firings", run.value().firings},
                                            {"fired", std::move(fired)},
                                            {"log", run.value().log}});
  return core::Status();
}

core::Status CompiledGraph::execute_conditional(RunState& state, uint32_t index) const {
  const CompiledNode& node = nodes_[index];
  core::Result<bool> holds = [&] {
    auto lock = state.read_lock();
    return node.condition->evaluate_bool(*state.context);
  }();
  if (!holds.is_ok()) return core::Error(holds.error()).with_field("condition");
  state.outcomes[index] = holds.value() ? 1 : 0;
  auto lock = state.write_lock();
  state.context->set_bool(node.result_slot, holds.value());
  return core::Status();
}

core::Status CompiledGraph::execute_db(RunState& state, const CompiledNode& node) const {
  const auto& fields = std::get<DbFields>(node.spec->fields);
  std::vector<Json> params;
  params.reserve(fields.params.size());
  {
    auto lock = state.read_lock();
    for (size_t i = 0; i < fields.params.size(); ++i) {
      auto value =
          required_key(*state.context, fields.params[i], "params[" + std::to_string(i) + "]");
      if (!value.is_ok()) return value.error();
      params.push_back(*value.value());
    }
  }
  core::Result<Json> rows = node.database->query(fields.query, params);
  if (!rows.is_ok()) return core::Error(rows.error()).with_field("query");
  auto lock = state.write_lock();
  state.context->set(node.result_slot, std::move(rows).value());
  return core::Status();
}

core::Status CompiledGraph::execute_integration(const CompiledNode& node) const {
  const bool ai = node.spec->kind == NodeKind::kAi;
  core::Error e =
      graph_error(GraphErrorCode::kNodeExecution,
                  std::string(node_kind_name(node.spec->kind)) +
                      " cannot run: integration not available (this version of lgraph has no " +
                      (ai ? "AI model" : "gRPC") + " client)");
  return e.with_suggestion(
      "leave the node out, or give it `on_error: continue` until the integration exists");
}

}  // namespace graph
