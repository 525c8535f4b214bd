// fuzz/fuzz_graph_loader.cpp: libFuzzer target for the Logic Graph loader.
//
// Each input is one graph document (YAML or JSON). It must load or fail with
// an E004/E006/E007 error, never crash, hang, leak or throw. A graph that
// loads must satisfy what graph_spec.h and validate.h promise (checked again
// here, independently of the loader's own code path), so that the fuzzer also
// catches the loader accepting something it must reject.
//
// Subgraph files resolve against LX_FUZZ_INCLUDE_DIR (fuzz/includes, a few
// small graphs read but never written). So that no input can make the loader
// open files elsewhere (a FIFO or /dev/stdin would block, /dev/zero read
// 64 MiB), inputs whose include fields name a path with a '/' are skipped.
// A 1.3 KB alias bomb once took the loader a minute (corpus/loader/alias_bomb.yaml).
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "core/error.h"
#include "graph/model/graph_spec.h"
#include "graph/model/loader.h"
#include "graph/model/validate.h"

namespace {

std::string_view g_input;

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "fuzz_graph_loader: %s\n  input: %.*s\n", why.c_str(),
               static_cast<int>(g_input.size()), g_input.data());
  std::abort();
}

// The fields whose scalar value the loader reads as a subgraph file name.
bool is_include_field(std::string_view key) {
  return key == "graph" || key == "body" || key == "try" || key == "catch";
}

enum class Walk { kStaysInside, kMayLeave, kTooLarge };

// Whether some include field names a path with a directory in it. yaml-cpp
// decodes keys and values exactly as the loader sees them. The walk expands
// aliases, so it stops (kTooLarge) past `budget` nodes or kMaxDepth levels:
// limits above the loader's own (loader.cpp, fits_expanded), so the loader
// rejects such a document before it reads any file.
constexpr int kMaxDepth = 4000;

Walk walk(const YAML::Node& node, size_t& budget, int depth) {
  if (budget == 0 || depth > kMaxDepth) return Walk::kTooLarge;
  --budget;
  if (node.IsSequence()) {
    for (const YAML::Node& child : node) {
      if (Walk w = walk(child, budget, depth + 1); w != Walk::kStaysInside) return w;
    }
  } else if (node.IsMap()) {
    for (const auto& entry : node) {
      if (entry.first.IsScalar() && is_include_field(entry.first.Scalar()) &&
          entry.second.IsScalar() && entry.second.Scalar().find('/') != std::string::npos) {
        return Walk::kMayLeave;
      }
      if (Walk w = walk(entry.first, budget, depth + 1); w != Walk::kStaysInside) return w;
      if (Walk w = walk(entry.second, budget, depth + 1); w != Walk::kStaysInside) return w;
    }
  }
  return Walk::kStaysInside;
}

// The id rule of docs/graph-format.md, written again on purpose: an oracle
// that called the loader's own check could not catch a bug in it.
bool valid_id(std::string_view id) {
  if (id.empty() || id[0] == '-' || id[0] == '.') return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

void check_graph(const graph::GraphSpec& spec, std::set<const graph::GraphSpec*>& seen);

void check_subgraph(const graph::GraphRef& sub, bool required, const std::string& where,
                    std::set<const graph::GraphSpec*>& seen) {
  if (!sub) {
    if (required) fail(where + ": required subgraph is null");
    return;
  }
  check_graph(*sub, seen);
}

// What a loaded GraphSpec promises (graph_spec.h, validate.h, graph-format.md).
void check_graph(const graph::GraphSpec& spec, std::set<const graph::GraphSpec*>& seen) {
  // Included files are shared; check each graph once.
  if (!seen.insert(&spec).second) return;
  core::Status valid = graph::validate_graph(spec);
  if (!valid.is_ok()) fail("loaded graph fails validation: " + valid.to_string());
  if (spec.nodes.empty()) fail("loaded graph has no nodes");
  if (spec.timeout_ms && *spec.timeout_ms == 0) fail("graph timeout_ms is 0");
  for (const graph::NodeSpec& node : spec.nodes) {
    const std::string where = "node '" + node.id + "'";
    if (!valid_id(node.id)) fail(where + ": invalid id");
    if (spec.find(node.id) != &node) fail(where + ": find() does not return it");
    if (node.fields.index() != static_cast<size_t>(node.kind)) {
      fail(where + ": fields do not match its kind");
    }
    if (node.timeout_ms && *node.timeout_ms == 0) fail(where + ": timeout_ms is 0");
    if (const auto* f = std::get_if<graph::ConditionalFields>(&node.fields)) {
      if (f->condition.text.empty()) fail(where + ": empty condition");
    } else if (const auto* f = std::get_if<graph::SubgraphFields>(&node.fields)) {
      check_subgraph(f->graph, true, where, seen);
    } else if (const auto* f = std::get_if<graph::LoopFields>(&node.fields)) {
      if (f->foreach.has_value() == f->while_condition.has_value()) {
        fail(where + ": not exactly one of foreach and while");
      }
      if (f->max_iterations && *f->max_iterations == 0) fail(where + ": max_iterations is 0");
      check_subgraph(f->body, true, where, seen);
    } else if (const auto* f = std::get_if<graph::TryCatchFields>(&node.fields)) {
      check_subgraph(f->try_body, true, where, seen);
      check_subgraph(f->catch_body, false, where, seen);
    } else if (const auto* f = std::get_if<graph::RetryFields>(&node.fields)) {
      if (f->node.has_value() == (f->body != nullptr)) {
        fail(where + ": not exactly one of node and body");
      }
      if (!(f->backoff_multiplier >= 1.0)) fail(where + ": backoff_multiplier below 1 or NaN");
      check_subgraph(f->body, false, where, seen);
    } else if (const auto* f = std::get_if<graph::CircuitBreakerFields>(&node.fields)) {
      if (f->failure_threshold == 0) fail(where + ": failure_threshold is 0");
      check_subgraph(f->body, true, where, seen);
    } else if (const auto* f = std::get_if<graph::DbFields>(&node.fields)) {
      if (f->query.empty()) fail(where + ": empty query");
    } else if (const auto* f = std::get_if<graph::AiFields>(&node.fields)) {
      if (f->prompt.empty()) fail(where + ": empty prompt");
    }
  }
  for (const graph::EdgeSpec& edge : spec.edges) {
    if (!spec.find(edge.from) || !spec.find(edge.to)) {
      fail("edge " + edge.from + " -> " + edge.to + " names a missing node");
    }
    if (edge.rule && edge.rule->text.empty()) fail("edge with an empty rule");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  g_input = text;
  Walk checked = Walk::kStaysInside;
  try {
    // Twice the loader's budget of 4 nodes per byte plus 1024.
    size_t budget = 2 * (1024 + 4 * size);
    checked = walk(YAML::Load(std::string(text)), budget, 0);
    // -1: libFuzzer keeps the input out of the corpus.
    if (checked == Walk::kMayLeave) return -1;
  } catch (const YAML::Exception&) {
    // Malformed: the loader fails at the same point, before reading any file.
  }

  auto loaded = graph::load_graph_text(text, "fuzz.yaml", LX_FUZZ_INCLUDE_DIR);
  if (!loaded.is_ok()) {
    const std::string& tag = loaded.error().tag();
    if (tag != "E004" && tag != "E006" && tag != "E007") {
      fail("error without E004/E006/E007: " + loaded.error().to_string());
    }
    return 0;
  }
  if (checked == Walk::kTooLarge) fail("loaded a document beyond the alias expansion limits");
  if (!loaded.value()) fail("loaded a null graph");
  std::set<const graph::GraphSpec*> seen;
  check_graph(*loaded.value(), seen);
  return 0;
}
