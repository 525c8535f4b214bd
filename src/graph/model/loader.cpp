#include "graph/model/loader.h"

#include "rules/grl/grl_parser.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "graph/graph_error.h"
#include "graph/model/suggest.h"
#include "graph/model/validate.h"
#include "graph/model/yaml_reader.h"

namespace graph {
namespace {

namespace fs = std::filesystem;
using Names = std::span<const std::string_view>;

constexpr std::string_view kGraphFields[] = {"name",       "description", "database", "on_error",
                                             "timeout_ms", "nodes",       "edges"};
constexpr std::string_view kEdgeFields[] = {"from", "to", "rule"};
constexpr std::string_view kCommonFields[] = {"node_type", "on_error", "timeout_ms", "cache"};

// The fields of each kind besides the common ones, in NodeKind order.
constexpr std::string_view kRuleFields[] = {"condition", "set", "rules", "grl"};
constexpr std::string_view kDbFields[] = {"database", "query", "params"};
constexpr std::string_view kConditionalFields[] = {"condition", "on_true", "on_false"};
constexpr std::string_view kSubgraphFields[] = {"graph", "input_mapping", "output_mapping"};
constexpr std::string_view kLoopFields[] = {"foreach",        "as",     "while", "body",
                                            "max_iterations", "collect"};
constexpr std::string_view kTryCatchFields[] = {"try", "catch"};
constexpr std::string_view kRetryFields[] = {
    "node", "body", "max_retries", "initial_delay_ms", "backoff_multiplier", "jitter"};
constexpr std::string_view kCircuitBreakerFields[] = {"body", "failure_threshold",
                                                      "recovery_timeout_ms"};
constexpr std::string_view kAiFields[] = {"prompt", "model"};
constexpr std::string_view kGrpcFields[] = {"address", "method", "params"};
constexpr Names kKindFields[] = {
    kRuleFields,     kDbFields,    kConditionalFields,    kSubgraphFields, kLoopFields,
    kTryCatchFields, kRetryFields, kCircuitBreakerFields, kAiFields,       kGrpcFields};

NodeFields fields_for(NodeKind kind) {
  switch (kind) {
    case NodeKind::kRule:
      return RuleFields{};
    case NodeKind::kDb:
      return DbFields{};
    case NodeKind::kConditional:
      return ConditionalFields{};
    case NodeKind::kSubgraph:
      return SubgraphFields{};
    case NodeKind::kLoop:
      return LoopFields{};
    case NodeKind::kTryCatch:
      return TryCatchFields{};
    case NodeKind::kRetry:
      return RetryFields{};
    case NodeKind::kCircuitBreaker:
      return CircuitBreakerFields{};
    case NodeKind::kAi:
      return AiFields{};
    case NodeKind::kGrpc:
      return GrpcFields{};
  }
  return RuleFields{};
}

bool contains(Names names, std::string_view name) {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

// Ids become Context keys (`<id>_result`) and appear in messages and paths.
bool valid_id(std::string_view id) {
  if (id.empty() || id[0] == '-' || id[0] == '.') return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

core::Error unknown_field(const Where& where, std::string_view name, const YAML::Node& key,
                          Names known, std::string_view owner) {
  core::Error e =
      where.error(GraphErrorCode::kConfiguration,
                  "unknown field '" + std::string(name) + "' for " + std::string(owner), key);
  if (auto near = closest_name(name, known)) {
    e.with_suggestion("did you mean '" + std::string(*near) + "'?");
  } else {
    for (NodeKind kind : kAllNodeKinds) {
      if (contains(kKindFields[static_cast<size_t>(kind)], name)) {
        e.with_suggestion("'" + std::string(name) + "' is a field of " +
                          std::string(node_kind_name(kind)));
        break;
      }
    }
  }
  return e;
}

core::Result<std::string> read_nonempty(const Where& where, const YAML::Node& value) {
  auto text = read_string(where, value);
  if (text && text.value().empty()) {
    return where.error(GraphErrorCode::kConfiguration, "must not be empty", value);
  }
  return text;
}

core::Result<OnError> read_on_error(const Where& where, const YAML::Node& value) {
  auto text = read_string(where, value);
  if (!text) return text.error();
  if (text.value() == "fail") return OnError::kFail;
  if (text.value() == "continue") return OnError::kContinue;
  return where
      .error(GraphErrorCode::kConfiguration, "unknown on_error value '" + text.value() + "'", value)
      .with_suggestion("use 'fail' or 'continue'");
}

core::Result<std::string> read_file(const fs::path& path) {
  auto fail = [&](const std::string& why) {
    return graph_error(GraphErrorCode::kSerialization,
                       "cannot read graph file '" + path.string() + "': " + why);
  };
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fail("is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::error_code(errno, std::generic_category()).message());
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxGraphBytes) {
      return fail("larger than " + std::to_string(kMaxGraphBytes) + " bytes");
    }
  }
  if (in.bad()) return fail("read error");
  return text;
}

// One top-level load: the chain of files being loaded (to catch recursive
// includes) and the files already loaded (a file included twice is read once).
struct Session {
  struct Open {
    fs::path canonical;
    std::string name;
  };
  std::vector<Open> chain;
  std::map<fs::path, GraphRef> loaded;
};

core::Result<GraphRef> load_document(std::string_view text, const std::string& name,
                                     const fs::path& base_dir, Session& session);

// Reads the graphs of one document.
class Parser {
 public:
  Parser(const YamlSource& source, fs::path base_dir, Session& session)
      : source_(source), base_dir_(std::move(base_dir)), session_(session) {}

  // A graph mapping (the document's, or an inline subgraph's) into a
  // validated GraphSpec. `inherited_database` is the enclosing graph's.
  core::Result<GraphRef> graph(const YAML::Node& map,
                               const std::optional<std::string>& inherited_database);

 private:
  core::Status node(const YAML::Node& key, const YAML::Node& value, GraphSpec& spec,
                    bool& own_on_error);
  core::Status edges(const Where& where, const YAML::Node& value, GraphSpec& spec);
  core::Status check_required(const Where& where, const YAML::Node& key, const YAML::Node& value,
                              const NodeSpec& node) const;
  core::Result<NodeKind> kind(const Where& where, const YAML::Node& value) const;
  // A subgraph field: a file name, or an inline {nodes, edges} mapping.
  core::Result<GraphRef> subgraph(const Where& where, const YAML::Node& value);
  core::Result<GraphRef> include(const Where& where, const YAML::Node& value);
  std::string resolve_database(const std::string& database) const;
  // A file a field names, relative to the graph file's directory.
  std::string resolve_path(const std::string& file) const;

  // The kind-specific fields; false when `name` is not a field of the kind.
  core::Result<bool> field(const Where& w, std::string_view name, const YAML::Node& v,
                           RuleFields& f);
  core::Result<bool> field(const Where& w, std::string_view name, const YAML::Node& v, DbFields& f);
  core::Result<bool> field(const Where& w, std::string_view name, const YAML::Node& v,
                           ConditionalFields& f);
  core::Result<bool> field(const Where& w, std::string_view name, const YAML::Node& v,
                           SubgraphFields& f);
  core::Result<bool> field(const Where& w, std::string_view name, const YAML::Node& v,
                           LoopFields& f);
  core::Result<bool> field(const Where& w, std::string_view name, const YAML::Node& v,
                           TryCatchFields& f);
  core::Result<bool> field(const Where& w, std::string_view name, const YAML::Node& v,
                           RetryFields& f);
  core::Result<bool> field(const Where& w, std::string_view name, const YAML::Node& v,
                           CircuitBreakerFields& f);
  core::Result<bool> field(const Where& w, std::string_view name, const YAML::Node& v, AiFields& f);
  core::Result<bool> field(const Where& w, std::string_view name, const YAML::Node& v,
                           GrpcFields& f);

  const YamlSource& source_;
  fs::path base_dir_;
  Session& session_;
  // The database an inline subgraph of the graph being read inherits.
  std::optional<std::string> database_;
};

// Assigns a reader's value to `out`, or returns its error from the caller.
#define LX_READ(out, expr)                              \
  do {                                                  \
    auto lx_read_result = (expr);                       \
    if (!lx_read_result) return lx_read_result.error(); \
    out = std::move(lx_read_result).value();            \
  } while (0)

// `cache: true|false` or `cache: {ttl_ms: N, max_entries: N}`, on a kind
// whose result is a function of the keys it reads.
core::Result<std::optional<CacheSpec>> read_cache(const Where& where, const YAML::Node& value,
                                                  NodeKind kind) {
  if (kind != NodeKind::kRule && kind != NodeKind::kDb && kind != NodeKind::kSubgraph) {
    return where
        .error(GraphErrorCode::kConfiguration,
               "a " + std::string(node_kind_name(kind)) + " cannot be cached", value)
        .with_suggestion("cache the RuleNode, DBNode or SubgraphNode inside it instead");
  }
  if (value.IsScalar()) {
    auto on = read_bool(where, value);
    if (!on) return on.error();
    return on.value() ? std::optional<CacheSpec>(CacheSpec{}) : std::nullopt;
  }
  if (!value.IsMap()) {
    return where.error(GraphErrorCode::kConfiguration,
                       "expected true, false or a mapping {ttl_ms, max_entries}", value);
  }
  CacheSpec cache;
  KeyReader keys("key", GraphErrorCode::kConfiguration);
  for (const auto& entry : value) {
    auto name = keys.read(where, entry.first);
    if (!name) return name.error();
    Where w = where;
    w.field = "cache." + std::string(name.value());
    if (name.value() == "ttl_ms") {
      LX_READ(cache.ttl_ms, read_uint(w, entry.second, 1));
    } else if (name.value() == "max_entries") {
      LX_READ(cache.max_entries, read_uint(w, entry.second, 1));
    } else {
      constexpr std::string_view kCacheFields[] = {"ttl_ms", "max_entries"};
      return unknown_field(where, name.value(), entry.first, kCacheFields, "cache");
    }
  }
  return std::optional<CacheSpec>(cache);
}

core::Result<GraphRef> Parser::graph(const YAML::Node& map,
                                     const std::optional<std::string>& inherited_database) {
  auto spec = std::make_shared<GraphSpec>();
  spec->file = source_.name();
  spec->pos = source_.pos(map);
  // Inline subgraphs may come before `database:` in the document, so it is
  // looked up first; its value is checked in document order below.
  std::optional<std::string> saved_database = database_;
  database_ = inherited_database;
  if (YAML::Node db = map["database"]; db && db.IsScalar())
    database_ = resolve_database(db.Scalar());

  Where where{&source_, "", ""};
  KeyReader keys("field", GraphErrorCode::kConfiguration);
  bool has_nodes = false;
  std::vector<bool> own_on_error;
  core::Status status;
  for (const auto& entry : map) {
    auto key = keys.read(where, entry.first);
    if (!key) return key.error();
    std::string_view name = key.value();
    where.field = std::string(name);
    const YAML::Node& value = entry.second;
    if (name == "name") {
      LX_READ(spec->name, read_string(where, value));
    } else if (name == "description") {
      LX_READ(spec->description, read_string(where, value));
    } else if (name == "database") {
      std::string database;
      LX_READ(database, read_nonempty(where, value));
      spec->database = resolve_database(database);
    } else if (name == "on_error") {
      LX_READ(spec->on_error, read_on_error(where, value));
    } else if (name == "timeout_ms") {
      LX_READ(spec->timeout_ms, read_uint(where, value, 1));
    } else if (name == "nodes") {
      has_nodes = true;
      if (!value.IsMap() && !value.IsNull()) {
        return where.error(GraphErrorCode::kConfiguration, "expected a mapping of node id to node",
                           value);
      }
      KeyReader ids("node id", GraphErrorCode::kValidation);
      spec->nodes.reserve(value.size());
      for (const auto& node_entry : value) {
        auto id = ids.read(where, node_entry.first);
        if (!id) return id.error();
        bool own = false;
        if (status = node(node_entry.first, node_entry.second, *spec, own); !status.is_ok()) {
          return status.error();
        }
        own_on_error.push_back(own);
      }
    } else if (name == "edges") {
      if (status = edges(where, value, *spec); !status.is_ok()) return status.error();
    } else {
      where.field.clear();
      return unknown_field(where, name, entry.first, kGraphFields, "a graph");
    }
  }
  if (!has_nodes) {
    where.field = "nodes";
    return where.error(GraphErrorCode::kConfiguration, "missing required field 'nodes'", map);
  }
  if (!spec->database && inherited_database) spec->database = inherited_database;
  for (size_t i = 0; i < spec->nodes.size(); ++i) {
    if (!own_on_error[i]) spec->nodes[i].on_error = spec->on_error;
  }
  spec->index_nodes();
  database_ = std::move(saved_database);
  if (status = validate_graph(*spec); !status.is_ok()) return status.error();
  return GraphRef(std::move(spec));
}

core::Result<NodeKind> Parser::kind(const Where& where, const YAML::Node& value) const {
  std::string name;
  LX_READ(name, read_string(where, value));
  if (auto kind = node_kind_from_name(name)) return *kind;
  std::vector<std::string_view> names;
  std::string known;
  for (NodeKind k : kAllNodeKinds) {
    names.push_back(node_kind_name(k));
    known += (known.empty() ? "" : ", ") + std::string(node_kind_name(k));
  }
  std::string suggestion;
  if (auto near = closest_name(name, names))
    suggestion = "did you mean '" + std::string(*near) + "'? ";
  return where.error(GraphErrorCode::kValidation, "unknown node kind '" + name + "'", value)
      .with_suggestion(suggestion + "known kinds: " + known);
}

core::Status Parser::node(const YAML::Node& key, const YAML::Node& value, GraphSpec& spec,
                          bool& own_on_error) {
  NodeSpec node;
  node.id = key.Scalar();
  node.pos = source_.pos(key);
  Where where{&source_, node.id, ""};
  if (!valid_id(node.id)) {
    return where.error(GraphErrorCode::kValidation, "invalid node id '" + node.id + "'", key)
        .with_suggestion("use letters, digits, '_', '-' and '.', not starting with '-' or '.'");
  }
  if (value.IsScalar()) {  // the short form, `id: RuleNode`
    where.field = "node_type";
    LX_READ(node.kind, kind(where, value));
    node.fields = fields_for(node.kind);
  } else if (value.IsMap()) {
    YAML::Node type = value["node_type"];
    if (!type) {
      return where.error(GraphErrorCode::kConfiguration, "missing required field 'node_type'", key)
          .with_field("node_type")
          .with_suggestion("write '" + node.id + ": {node_type: RuleNode, ...}' or '" + node.id +
                           ": RuleNode'");
    }
    where.field = "node_type";
    LX_READ(node.kind, kind(where, type));
    node.fields = fields_for(node.kind);
    KeyReader keys("field", GraphErrorCode::kConfiguration);
    for (const auto& entry : value) {
      where.field.clear();
      auto field_key = keys.read(where, entry.first);
      if (!field_key) return field_key.error();
      std::string_view name = field_key.value();
      where.field = std::string(name);
      const YAML::Node& v = entry.second;
      if (name == "node_type") continue;
      if (name == "on_error") {
        LX_READ(node.on_error, read_on_error(where, v));
        own_on_error = true;
      } else if (name == "timeout_ms") {
        LX_READ(node.timeout_ms, read_uint(where, v, 1));
      } else if (name == "cache") {
        LX_READ(node.cache, read_cache(where, v, node.kind));
      } else {
        auto known = std::visit([&](auto& f) { return field(where, name, v, f); }, node.fields);
        if (!known) return known.error();
        if (!known.value()) {
          std::vector<std::string_view> names(std::begin(kCommonFields), std::end(kCommonFields));
          Names own = kKindFields[static_cast<size_t>(node.kind)];
          names.insert(names.end(), own.begin(), own.end());
          where.field.clear();
          return unknown_field(where, name, entry.first, names,
                               std::string(node_kind_name(node.kind)));
        }
      }
    }
  } else {
    return where.error(GraphErrorCode::kConfiguration,
                       "expected a node kind (e.g. RuleNode) or a mapping with node_type",
                       value.IsNull() ? key : value);
  }
  if (core::Status s = check_required(where, key, value, node); !s.is_ok()) return s;
  spec.nodes.push_back(std::move(node));
  return core::Status();
}

core::Status Parser::check_required(const Where& node_where, const YAML::Node& key,
                                    const YAML::Node& value, const NodeSpec& node) const {
  Where where = node_where;
  auto missing = [&](const char* field) {
    where.field = field;
    core::Error e = where.error(GraphErrorCode::kConfiguration,
                                "missing required field '" + std::string(field) + "' for " +
                                    std::string(node_kind_name(node.kind)),
                                key);
    if (value.IsScalar()) {
      e.with_suggestion("the short form '" + node.id + ": " + value.Scalar() +
                        "' has no fields; use the long form {node_type: " + value.Scalar() + ", " +
                        field + ": ...}");
    }
    return core::Status(std::move(e));
  };
  auto conflict = [&](const char* field, const std::string& message) {
    where.field = field;
    return core::Status(where.error(GraphErrorCode::kConfiguration, message, value[field]));
  };
  switch (node.kind) {
    case NodeKind::kDb:
      if (std::get<DbFields>(node.fields).query.empty()) return missing("query");
      break;
    case NodeKind::kConditional:
      if (std::get<ConditionalFields>(node.fields).condition.text.empty()) {
        return missing("condition");
      }
      break;
    case NodeKind::kSubgraph:
      if (!std::get<SubgraphFields>(node.fields).graph) return missing("graph");
      break;
    case NodeKind::kLoop: {
      const auto& f = std::get<LoopFields>(node.fields);
      if (f.foreach && f.while_condition) {
        return conflict("while", "give either 'foreach' or 'while', not both");
      }
      if (!f.foreach && !f.while_condition) return missing("foreach' or 'while");
      if (f.while_condition && value["as"]) {
        return conflict("as", "'as' names the element of a 'foreach' loop; this is a 'while' loop");
      }
      if (!f.body) return missing("body");
      break;
    }
    case NodeKind::kTryCatch:
      if (!std::get<TryCatchFields>(node.fields).try_body) return missing("try");
      break;
    case NodeKind::kRetry: {
      const auto& f = std::get<RetryFields>(node.fields);
      if (f.node && f.body) return conflict("body", "give either 'node' or 'body', not both");
      if (!f.node && !f.body) return missing("node' or 'body");
      break;
    }
    case NodeKind::kCircuitBreaker:
      if (!std::get<CircuitBreakerFields>(node.fields).body) return missing("body");
      break;
    case NodeKind::kAi:
      if (std::get<AiFields>(node.fields).prompt.empty()) return missing("prompt");
      break;
    case NodeKind::kRule: {
      const auto& f = std::get<RuleFields>(node.fields);
      const char* which = value.IsMap() && value["grl"] ? "grl" : "rules";
      if (f.rules && (f.condition || !f.set.empty())) {
        return conflict(which, "give either GRL rules or condition/set, not both");
      }
      break;
    }
    case NodeKind::kGrpc:
      break;
  }
  return core::Status();
}

core::Status Parser::edges(const Where& graph_where, const YAML::Node& value, GraphSpec& spec) {
  if (value.IsNull()) return core::Status();
  if (!value.IsSequence()) {
    return graph_where.error(GraphErrorCode::kConfiguration,
                             "expected a list of edges {from, to, rule}", value);
  }
  spec.edges.reserve(value.size());
  for (const YAML::Node& item : value) {
    Where where{&source_, "", ""};
    if (!item.IsMap()) {
      where.field = "edges";
      return where.error(GraphErrorCode::kConfiguration,
                         "expected an edge mapping {from, to, rule}", item);
    }
    EdgeSpec edge;
    edge.pos = source_.pos(item);
    KeyReader keys("field", GraphErrorCode::kConfiguration);
    bool has_from = false;
    bool has_to = false;
    for (const auto& entry : item) {
      where.field.clear();
      auto key = keys.read(where, entry.first);
      if (!key) return key.error();
      std::string_view name = key.value();
      where.field = std::string(name);
      if (name == "from") {
        LX_READ(edge.from, read_nonempty(where, entry.second));
        has_from = true;
      } else if (name == "to") {
        LX_READ(edge.to, read_nonempty(where, entry.second));
        has_to = true;
      } else if (name == "rule") {
        LX_READ(edge.rule, read_expr(where, entry.second));
      } else {
        where.field.clear();
        return unknown_field(where, name, entry.first, kEdgeFields, "an edge");
      }
    }
    if (!has_from || !has_to) {
      where.field = has_from ? "to" : "from";
      return where.error(GraphErrorCode::kConfiguration,
                         "missing required field '" + where.field + "' for an edge", item);
    }
    spec.edges.push_back(std::move(edge));
  }
  return core::Status();
}

core::Result<GraphRef> Parser::subgraph(const Where& where, const YAML::Node& value) {
  if (value.IsScalar()) return include(where, value);
  if (value.IsMap()) return graph(value, database_);
  return where.error(GraphErrorCode::kConfiguration,
                     "expected a graph file name or an inline graph {nodes, edges}", value);
}

core::Result<GraphRef> Parser::include(const Where& where, const YAML::Node& value) {
  fs::path path = value.Scalar();
  if (path.empty()) {
    return where.error(GraphErrorCode::kConfiguration, "empty graph file name", value);
  }
  if (path.is_relative()) path = base_dir_ / path;
  path = path.lexically_normal();
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  if (ec) canonical = fs::absolute(path, ec);
  for (size_t i = 0; i < session_.chain.size(); ++i) {
    if (session_.chain[i].canonical != canonical) continue;
    std::string cycle;
    for (size_t j = i; j < session_.chain.size(); ++j)
      cycle += session_.chain[j].name + " -> ";
    cycle += path.string();
    return where.error(GraphErrorCode::kValidation, "recursive subgraph include: " + cycle, value)
        .with_suggestion("a graph file may not include itself, directly or through others");
  }
  if (auto it = session_.loaded.find(canonical); it != session_.loaded.end()) return it->second;
  auto text = read_file(path);
  if (!text) {
    return where.error(GraphErrorCode::kSerialization, text.error().message(), value);
  }
  session_.chain.push_back({canonical, path.string()});
  auto loaded = load_document(text.value(), path.string(), path.parent_path(), session_);
  session_.chain.pop_back();
  if (loaded) session_.loaded.emplace(canonical, loaded.value());
  return loaded;
}

std::string Parser::resolve_path(const std::string& file) const {
  fs::path path = file;
  if (path.is_relative() && !base_dir_.empty()) path = base_dir_ / path;
  return path.lexically_normal().string();
}

std::string Parser::resolve_database(const std::string& database) const {
  if (database == ":memory:" || database.find("://") != std::string::npos) return database;
  return resolve_path(database);
}

core::Result<bool> Parser::field(const Where& w, std::string_view name, const YAML::Node& v,
                                 RuleFields& f) {
  if (name == "condition") {
    LX_READ(f.condition, read_expr(w, v));
  } else if (name == "rules" || name == "grl") {
    if (f.rules) {
      return w.error(GraphErrorCode::kConfiguration, "give either 'rules' or 'grl', not both", v);
    }
    auto text = read_string(w, v);
    if (!text) return text.error();
    auto set = name == "grl" ? rules::grl::parse_grl(
                                   text.value(), source_.name() + " (grl of node '" + w.node + "')")
                             : rules::grl::load_grl(resolve_path(text.value()));
    if (!set) return core::Error(set.error()).with_node(w.node);
    auto kb = rules::engine::KnowledgeBase::build(std::move(set).value());
    if (!kb) return core::Error(kb.error()).with_node(w.node);
    f.rules = std::move(kb).value();
  } else if (name == "set") {
    if (!v.IsMap()) {
      return w.error(GraphErrorCode::kConfiguration,
                     "expected a mapping of context key to expression", v);
    }
    KeyReader keys("key", GraphErrorCode::kConfiguration);
    for (const auto& entry : v) {
      auto key = keys.read(w, entry.first);
      if (!key) return key.error();
      ExprSource expr;
      LX_READ(expr, read_expr(w, entry.second));
      f.set.emplace_back(std::string(key.value()), std::move(expr));
    }
  } else {
    return false;
  }
  return true;
}

core::Result<bool> Parser::field(const Where& w, std::string_view name, const YAML::Node& v,
                                 DbFields& f) {
  if (name == "database") {
    std::string database;
    LX_READ(database, read_nonempty(w, v));
    f.database = resolve_database(database);
  } else if (name == "query") {
    LX_READ(f.query, read_nonempty(w, v));
  } else if (name == "params") {
    LX_READ(f.params, read_string_list(w, v));
  } else {
    return false;
  }
  return true;
}

core::Result<bool> Parser::field(const Where& w, std::string_view name, const YAML::Node& v,
                                 ConditionalFields& f) {
  if (name == "condition") {
    LX_READ(f.condition, read_expr(w, v));
  } else if (name == "on_true") {
    LX_READ(f.on_true, read_node_refs(w, v));
  } else if (name == "on_false") {
    LX_READ(f.on_false, read_node_refs(w, v));
  } else {
    return false;
  }
  return true;
}

core::Result<bool> Parser::field(const Where& w, std::string_view name, const YAML::Node& v,
                                 SubgraphFields& f) {
  if (name == "graph") {
    LX_READ(f.graph, subgraph(w, v));
  } else if (name == "input_mapping") {
    LX_READ(f.input_mapping, read_string_map(w, v));
  } else if (name == "output_mapping") {
    LX_READ(f.output_mapping, read_string_map(w, v));
  } else {
    return false;
  }
  return true;
}

core::Result<bool> Parser::field(const Where& w, std::string_view name, const YAML::Node& v,
                                 LoopFields& f) {
  if (name == "foreach") {
    LX_READ(f.foreach, read_nonempty(w, v));
  } else if (name == "as") {
    LX_READ(f.as, read_nonempty(w, v));
  } else if (name == "while") {
    LX_READ(f.while_condition, read_expr(w, v));
  } else if (name == "body") {
    LX_READ(f.body, subgraph(w, v));
  } else if (name == "max_iterations") {
    LX_READ(f.max_iterations, read_uint(w, v, 1));
  } else if (name == "collect") {
    LX_READ(f.collect, read_nonempty(w, v));
  } else {
    return false;
  }
  return true;
}

core::Result<bool> Parser::field(const Where& w, std::string_view name, const YAML::Node& v,
                                 TryCatchFields& f) {
  if (name == "try") {
    LX_READ(f.try_body, subgraph(w, v));
  } else if (name == "catch") {
    LX_READ(f.catch_body, subgraph(w, v));
  } else {
    return false;
  }
  return true;
}

core::Result<bool> Parser::field(const Where& w, std::string_view name, const YAML::Node& v,
                                 RetryFields& f) {
  if (name == "node") {
    std::string id;
    LX_READ(id, read_nonempty(w, v));
    f.node = NodeRef{std::move(id), source_.pos(v)};
  } else if (name == "body") {
    LX_READ(f.body, subgraph(w, v));
  } else if (name == "max_retries") {
    LX_READ(f.max_retries, read_uint(w, v, 0));
  } else if (name == "initial_delay_ms") {
    LX_READ(f.initial_delay_ms, read_uint(w, v, 0));
  } else if (name == "backoff_multiplier") {
    LX_READ(f.backoff_multiplier, read_number(w, v, 1.0));
  } else if (name == "jitter") {
    LX_READ(f.jitter, read_bool(w, v));
  } else {
    return false;
  }
  return true;
}

core::Result<bool> Parser::field(const Where& w, std::string_view name, const YAML::Node& v,
                                 CircuitBreakerFields& f) {
  if (name == "body") {
    LX_READ(f.body, subgraph(w, v));
  } else if (name == "failure_threshold") {
    LX_READ(f.failure_threshold, read_uint(w, v, 1));
  } else if (name == "recovery_timeout_ms") {
    LX_READ(f.recovery_timeout_ms, read_uint(w, v, 0));
  } else {
    return false;
  }
  return true;
}

core::Result<bool> Parser::field(const Where& w, std::string_view name, const YAML::Node& v,
                                 AiFields& f) {
  if (name == "prompt") {
    LX_READ(f.prompt, read_nonempty(w, v));
  } else if (name == "model") {
    LX_READ(f.model, read_nonempty(w, v));
  } else {
    return false;
  }
  return true;
}

core::Result<bool> Parser::field(const Where& w, std::string_view name, const YAML::Node& v,
                                 GrpcFields& f) {
  if (name == "address") {
    LX_READ(f.address, read_nonempty(w, v));
  } else if (name == "method") {
    LX_READ(f.method, read_nonempty(w, v));
  } else if (name == "params") {
    LX_READ(f.params, read_string_list(w, v));
  } else {
    return false;
  }
  return true;
}

#undef LX_READ

// YAML aliases let a few bytes stand for a whole subtree, and an alias inside
// an anchored node doubles it again: `try: &a {...}, catch: *a` nested twenty
// deep is 1.3 KB of text that the parser below, which reads every alias in
// full, would expand into 2^20 subgraphs (a minute's work; found while
// writing fuzz/fuzz_graph_loader). Counting the expanded tree first, against a budget
// linear in the text, keeps loading linear in the input while leaving room to
// reuse a subgraph through an alias many times over.
constexpr size_t kExpandedNodesPerByte = 4;
constexpr size_t kExpandedNodesSlack = 1024;
// yaml-cpp's own nesting limit; an alias chain can nest deeper than the text.
constexpr int kMaxExpandedDepth = 2000;

// False when `node` with every alias expanded has more than `budget` nodes or
// is nested deeper than kMaxExpandedDepth; `budget` is decremented as it goes.
bool fits_expanded(const YAML::Node& node, size_t& budget, int depth) {
  if (budget == 0 || depth > kMaxExpandedDepth) return false;
  --budget;
  if (node.IsSequence()) {
    for (const YAML::Node& child : node) {
      if (!fits_expanded(child, budget, depth + 1)) return false;
    }
  } else if (node.IsMap()) {
    for (const auto& entry : node) {
      if (!fits_expanded(entry.first, budget, depth + 1)) return false;
      if (!fits_expanded(entry.second, budget, depth + 1)) return false;
    }
  }
  return true;
}

core::Result<GraphRef> load_document(std::string_view text, const std::string& name,
                                     const fs::path& base_dir, Session& session) {
  if (text.size() > kMaxGraphBytes) {
    return graph_error(GraphErrorCode::kSerialization,
                       "graph document larger than " + std::to_string(kMaxGraphBytes) + " bytes")
        .with_file(name);
  }
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) {
      YamlSource source(name, text);
      SourcePos pos = source.pos(root);
      return graph_error(GraphErrorCode::kSerialization,
                         "the top level must be a mapping with 'nodes' (and 'edges')")
          .with_file(name, pos.line > 0 ? pos.line : 1, pos.column > 0 ? pos.column : 1);
    }
    size_t budget = kExpandedNodesSlack + kExpandedNodesPerByte * text.size();
    if (!fits_expanded(root, budget, 0)) {
      return graph_error(
                 GraphErrorCode::kSerialization,
                 "with its YAML aliases expanded, the document has more than " +
                     std::to_string(kExpandedNodesSlack + kExpandedNodesPerByte * text.size()) +
                     " nodes or is nested deeper than " + std::to_string(kMaxExpandedDepth) +
                     " levels")
          .with_file(name, 1, 1)
          .with_suggestion("write the repeated subgraph to a file and name that file instead");
    }
    YamlSource source(name, text);
    return Parser(source, base_dir, session).graph(root, std::nullopt);
  } catch (const YAML::ParserException& e) {
    return graph_error(GraphErrorCode::kSerialization, "malformed YAML/JSON: " + e.msg)
        .with_file(name, e.mark.line + 1, e.mark.column + 1);
  } catch (const YAML::Exception& e) {
    return graph_error(GraphErrorCode::kSerialization, "cannot read YAML/JSON: " + e.msg)
        .with_file(name, e.mark.is_null() ? 0 : e.mark.line + 1,
                   e.mark.is_null() ? 0 : e.mark.column + 1);
  }
}

}  // namespace

core::Result<std::shared_ptr<const GraphSpec>> load_graph_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  Session session;
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  if (ec) canonical = fs::absolute(path, ec);
  session.chain.push_back({canonical, path.string()});
  return load_document(text.value(), path.string(), path.parent_path(), session);
}

core::Result<std::shared_ptr<const GraphSpec>> load_graph_text(
    std::string_view text, std::string_view display_name, const std::filesystem::path& base_dir) {
  Session session;
  return load_document(text, std::string(display_name), base_dir, session);
}

}  // namespace graph
