// tests/graph/model/test_util.h: helpers shared by the model tests.
#pragma once

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

#include "graph/model/loader.h"

namespace graph::testing {

// Loads `text` as "g.yaml"; fails the test if it does not load.
inline GraphRef load_ok(std::string_view text) {
  auto r = load_graph_text(text, "g.yaml", "/base");
  EXPECT_TRUE(r.is_ok()) << r.error().to_string();
  return r.is_ok() ? r.value() : nullptr;
}

// Loads `text` as "g.yaml"; returns the error, or fails the test if it loads.
inline core::Error load_error(std::string_view text) {
  auto r = load_graph_text(text, "g.yaml", "/base");
  if (r.is_ok()) {
    ADD_FAILURE() << "loaded, expected an error:\n" << text;
    return core::Error(core::ErrorCode::kInternal, "loaded");
  }
  return r.error();
}

inline NodeSpec named_node(std::string id) {
  NodeSpec node;
  node.id = std::move(id);
  return node;
}

inline EdgeSpec plain_edge(std::string from, std::string to) {
  EdgeSpec edge;
  edge.from = std::move(from);
  edge.to = std::move(to);
  return edge;
}

template <class Fields>
const Fields& fields_of(const GraphSpec& spec, std::string_view id) {
  const NodeSpec* node = spec.find(id);
  if (node == nullptr) throw std::runtime_error("no node " + std::string(id));
  return std::get<Fields>(node->fields);
}

}  // namespace graph::testing
