// graph/model/graph_spec.h: a Logic Graph as loaded from YAML/JSON.
//
// A GraphSpec is the validated, typed form of a graph file (see
// docs/graph-format.md): its nodes in declaration order, each with the fields
// of its kind, and its edges. It is pure data: nothing here runs a node or
// compiles an expression. Expressions are kept as source text together with
// the position of their first character, so that whoever compiles them later
// can report an error at the exact file:line:column (the parser's column
// within the text, added to `pos.column`, lands on the offending character
// for single-line plain or quoted scalars).
//
// Subgraphs (SubgraphNode's graph, LoopNode's body, ...) are GraphSpecs of
// their own, shared and immutable: a file included twice is loaded once.
//
// The loader (loader.h) produces these; validate.h states which invariants a
// loaded spec satisfies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "rules/engine/knowledge_base.h"

namespace graph {

// A place in a graph file; line and column are 1-based (columns count bytes),
// 0 means unknown.
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
};

// An expression's source text and the position of its first character.
struct ExprSource {
  std::string text;
  SourcePos pos;
};

// A reference to a node of the same graph by id, kept with its position so that
// a dangling reference can be reported where it is written.
struct NodeRef {
  std::string id;
  SourcePos pos;
};

enum class NodeKind {
  kRule,
  kDb,
  kConditional,
  kSubgraph,
  kLoop,
  kTryCatch,
  kRetry,
  kCircuitBreaker,
  kAi,
  kGrpc,
};

// Every kind, in enum order.
inline constexpr NodeKind kAllNodeKinds[] = {
    NodeKind::kRule, NodeKind::kDb,       NodeKind::kConditional, NodeKind::kSubgraph,
    NodeKind::kLoop, NodeKind::kTryCatch, NodeKind::kRetry,       NodeKind::kCircuitBreaker,
    NodeKind::kAi,   NodeKind::kGrpc,
};

// The name used in graph files: "RuleNode", "DBNode", ...
std::string_view node_kind_name(NodeKind kind);
// The kind named `name` (exact, case-sensitive), or nullopt.
std::optional<NodeKind> node_kind_from_name(std::string_view name);

// What a failure of a node does to the run: stop it (fail), or record the
// error in `<id>_result` and go on (continue).
enum class OnError { kFail, kContinue };

struct GraphSpec;
using GraphRef = std::shared_ptr<const GraphSpec>;

// ---- Typed fields, one struct per kind (defaults are the documented ones) ----

// Passes when `condition` holds (always, when absent), then sets each `set`
// key to its expression's value, in order.
//
// Or, with `rules: FILE.grl` (relative to the graph file) or inline `grl: |`,
// runs GRL rules (rules/engine/session.h): every fact the rules use is the
// Context key of the same name, every fact the rules changed is written back
// to it, and <id>_result is {"firings": N, "fired": [rule, ...], "log": [...]}.
// The rules are parsed and checked when the graph loads.
struct RuleFields {
  std::optional<ExprSource> condition;
  std::vector<std::pair<std::string, ExprSource>> set;
  std::shared_ptr<const rules::engine::KnowledgeBase> rules;
};

// Runs `query` with its `?`/`$1` parameters bound to the Context values of
// `params`, in order. `database` is the node's own (resolved against the
// graph file's directory); when absent the graph's applies.
struct DbFields {
  std::optional<std::string> database;
  std::string query;
  std::vector<std::string> params;
};

// Evaluates `condition`; the edges to the ids of the losing branch are not
// taken. Every id listed is a direct successor of the node.
struct ConditionalFields {
  ExprSource condition;
  std::vector<NodeRef> on_true;
  std::vector<NodeRef> on_false;
};

// Runs `graph` in a child Context: `input_mapping` copies parent keys to
// child keys before, `output_mapping` copies child keys to parent keys after.
struct SubgraphFields {
  GraphRef graph;
  std::vector<std::pair<std::string, std::string>> input_mapping;
  std::vector<std::pair<std::string, std::string>> output_mapping;
};

// Runs `body` once per element of the list under `foreach` (bound to `as`),
// or while `while_condition` holds; exactly one of the two is set.
// `max_iterations` absent means the executor's default limit; `collect`
// names the key that receives the list of the body's results.
struct LoopFields {
  std::optional<std::string> foreach;
  std::string as = "item";
  std::optional<ExprSource> while_condition;
  GraphRef body;
  std::optional<std::uint32_t> max_iterations;
  std::optional<std::string> collect;
};

// Runs `try_body`; if it fails, runs `catch_body` (null: the failure is
// swallowed and recorded in `<id>_result`).
struct TryCatchFields {
  GraphRef try_body;
  GraphRef catch_body;
};

// Runs the node `node` of the same graph, or `body`, until it succeeds or
// `max_retries` retries have failed; the delay before retry k (from 0) is
// initial_delay_ms * backoff_multiplier^k, randomised by up to half when
// `jitter`. Exactly one of `node` and `body` is set.
struct RetryFields {
  std::optional<NodeRef> node;
  GraphRef body;
  std::uint32_t max_retries = 3;
  std::uint32_t initial_delay_ms = 100;
  double backoff_multiplier = 2.0;
  bool jitter = false;
};

// Runs `body` unless `failure_threshold` consecutive failures opened the
// circuit less than `recovery_timeout_ms` ago.
struct CircuitBreakerFields {
  GraphRef body;
  std::uint32_t failure_threshold = 5;
  std::uint32_t recovery_timeout_ms = 30000;
};

struct AiFields {
  std::string prompt;
  std::optional<std::string> model;
};

struct GrpcFields {
  std::optional<std::string> address;
  std::optional<std::string> method;
  std::vector<std::string> params;
};

// In NodeKind order: fields.index() == static_cast<size_t>(kind).
using NodeFields =
    std::variant<RuleFields, DbFields, ConditionalFields, SubgraphFields, LoopFields,
                 TryCatchFields, RetryFields, CircuitBreakerFields, AiFields, GrpcFields>;

// A node's `cache:`. The node's result is kept, per compiled graph and
// across runs, keyed by the values of the Context keys the node reads; a run
// that finds an entry for the same values writes the kept result instead of
// running the node. `ttl_ms` absent: entries live until evicted (LRU beyond
// `max_entries`). RuleNode, DBNode and SubgraphNode may be cached.
struct CacheSpec {
  std::optional<std::uint32_t> ttl_ms;
  std::uint32_t max_entries = 1024;
};

struct NodeSpec {
  std::string id;
  NodeKind kind = NodeKind::kRule;
  SourcePos pos;  // of the node's id
  // The node's own `on_error`, else its graph's.
  OnError on_error = OnError::kFail;
  std::optional<std::uint32_t> timeout_ms;
  std::optional<CacheSpec> cache;
  NodeFields fields;
};

// `to` depends on `from`; the edge is taken when `rule` holds (always when
// absent). See docs/graph-format.md for how untaken edges skip nodes.
struct EdgeSpec {
  std::string from;
  std::string to;
  std::optional<ExprSource> rule;
  SourcePos pos;  // of the edge's mapping
};

struct GraphSpec {
  std::string file;  // the file it was read from, as displayed in errors
  SourcePos pos;     // of the graph's mapping (its `graph:` value when inline)
  std::string name;
  std::string description;
  // Resolved against the graph file's directory unless it is ":memory:" or
  // a URL. Inline subgraphs inherit their parent's; included files do not.
  std::optional<std::string> database;
  OnError on_error = OnError::kFail;        // the default for its nodes
  std::optional<std::uint32_t> timeout_ms;  // for a whole run of the graph
  std::vector<NodeSpec> nodes;              // in declaration order
  std::vector<EdgeSpec> edges;              // in declaration order

  // The node with this id, or nullptr. O(n) until index_nodes() has run, O(1)
  // after; the loader runs it. Whoever changes `nodes` afterwards must run it
  // again, or find() may miss nodes added or renamed since.
  const NodeSpec* find(std::string_view id) const;
  void index_nodes();

 private:
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, std::size_t, IdHash, std::equal_to<>> index_;
};

}  // namespace graph
