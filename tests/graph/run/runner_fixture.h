// tests/graph/run/runner_fixture.h: a GraphRunner test fixture shared by the run tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string_view>

#include "graph/model/loader.h"
#include "graph/run/graph_runner.h"

namespace graph {

class GraphRunnerTest : public ::testing::Test {
 protected:
  // Loads and compiles `yaml`; fails the test on any error.
  std::unique_ptr<GraphRunner> runner(std::string_view yaml) {
    auto spec = load_graph_text(yaml, "test.yaml", ".");
    if (!spec.is_ok()) {
      ADD_FAILURE() << spec.error().to_string();
      return nullptr;
    }
    auto r = GraphRunner::create(spec.value(), executor_);
    if (!r.is_ok()) ADD_FAILURE() << r.error().to_string();
    return r.is_ok() ? std::move(r).value() : nullptr;
  }

  static const NodeStats* stats_of(const RunResult& r, std::string_view id) {
    for (const NodeStats& n : r.nodes) {
      if (n.id == id) return &n;
    }
    ADD_FAILURE() << "no node " << id;
    return nullptr;
  }
  static NodeStatus status_of(const RunResult& r, std::string_view id) {
    const NodeStats* n = stats_of(r, id);
    return n ? n->status : NodeStatus::kNotRun;
  }

  core::Executor executor_{core::ExecutorConfig{.workers = 1}};
};

}  // namespace graph
