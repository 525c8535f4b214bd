// Building and querying a Dag: bad input, listing order, removal, the dense form.
#include "core/dag/dag.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace core {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using Ids = std::vector<std::string>;

void expect_error(const Status& status, ErrorCode code, const std::string& message) {
  ASSERT_FALSE(status.is_ok()) << "expected: " << message;
  EXPECT_EQ(status.error().code(), code) << status.to_string();
  EXPECT_EQ(status.error().message(), message);
}

Dag make_abc() {
  Dag dag;
  for (const char* id : {"a", "b", "c"}) {
    dag.add_node(id).throw_if_error();
  }
  return dag;
}

TEST(DagTest, EmptyGraph) {
  Dag dag;
  EXPECT_EQ(dag.node_count(), 0u);
  EXPECT_EQ(dag.edge_count(), 0u);
  EXPECT_THAT(dag.nodes(), IsEmpty());
  EXPECT_FALSE(dag.has_node("a"));
  EXPECT_FALSE(dag.has_edge("a", "b"));
}

TEST(DagTest, NodesAreListedInInsertionOrder) {
  Dag dag;
  for (const char* id : {"c", "a", "b"}) {
    ASSERT_TRUE(dag.add_node(id).is_ok());
  }
  EXPECT_EQ(dag.node_count(), 3u);
  EXPECT_THAT(dag.nodes(), ElementsAre("c", "a", "b"));
  EXPECT_TRUE(dag.has_node("a"));
  EXPECT_FALSE(dag.has_node("d"));
}

TEST(DagTest, RejectsEmptyAndDuplicateNodeIds) {
  Dag dag = make_abc();
  expect_error(dag.add_node(""), ErrorCode::kInvalidArgument, "node id must not be empty");
  expect_error(dag.add_node("b"), ErrorCode::kAlreadyExists, "node 'b' already exists");
  EXPECT_THAT(dag.nodes(), ElementsAre("a", "b", "c"));
}

TEST(DagTest, RejectsEdgesToUnknownNodesNamingWhichEnd) {
  Dag dag = make_abc();
  expect_error(dag.add_edge("x", "a"), ErrorCode::kNotFound,
               "edge 'x' -> 'a': unknown source node 'x'");
  expect_error(dag.add_edge("a", "y"), ErrorCode::kNotFound,
               "edge 'a' -> 'y': unknown target node 'y'");
  expect_error(dag.add_edge("x", "y"), ErrorCode::kNotFound,
               "edge 'x' -> 'y': unknown nodes 'x' and 'y'");
  EXPECT_EQ(dag.edge_count(), 0u);
}

TEST(DagTest, RejectsSelfLoopsAndDuplicateEdges) {
  Dag dag = make_abc();
  expect_error(dag.add_edge("a", "a"), ErrorCode::kInvalidArgument,
               "edge 'a' -> 'a' is a self-loop");
  ASSERT_TRUE(dag.add_edge("a", "b").is_ok());
  expect_error(dag.add_edge("a", "b"), ErrorCode::kAlreadyExists, "edge 'a' -> 'b' already exists");
  // The reverse direction is a different edge (it makes a cycle, which only
  // the algorithms report).
  EXPECT_TRUE(dag.add_edge("b", "a").is_ok());
  EXPECT_EQ(dag.edge_count(), 2u);
}

TEST(DagTest, UnknownIdsInQueriesAndRemovals) {
  Dag dag = make_abc();
  expect_error(dag.remove_node("x"), ErrorCode::kNotFound, "unknown node 'x'");
  expect_error(dag.remove_edge("x", "a"), ErrorCode::kNotFound,
               "edge 'x' -> 'a': unknown source node 'x'");
  expect_error(dag.remove_edge("a", "y"), ErrorCode::kNotFound,
               "edge 'a' -> 'y': unknown target node 'y'");
  expect_error(dag.remove_edge("a", "b"), ErrorCode::kNotFound, "edge 'a' -> 'b' does not exist");
  expect_error(dag.successors("x").status(), ErrorCode::kNotFound, "unknown node 'x'");
  expect_error(dag.predecessors("y").status(), ErrorCode::kNotFound, "unknown node 'y'");
}

TEST(DagTest, SuccessorsAndPredecessorsComeInEdgeInsertionOrder) {
  Dag dag;
  for (const char* id : {"a", "b", "c", "d", "e"}) {
    ASSERT_TRUE(dag.add_node(id).is_ok());
  }
  ASSERT_TRUE(dag.add_edge("c", "e").is_ok());
  ASSERT_TRUE(dag.add_edge("c", "a").is_ok());
  ASSERT_TRUE(dag.add_edge("c", "d").is_ok());
  ASSERT_TRUE(dag.add_edge("b", "d").is_ok());
  ASSERT_TRUE(dag.add_edge("e", "d").is_ok());
  EXPECT_THAT(dag.successors("c").value(), ElementsAre("e", "a", "d"));
  EXPECT_THAT(dag.predecessors("d").value(), ElementsAre("c", "b", "e"));
  EXPECT_THAT(dag.successors("d").value(), IsEmpty());
  EXPECT_THAT(dag.predecessors("c").value(), IsEmpty());
  EXPECT_TRUE(dag.has_edge("c", "a"));
  EXPECT_FALSE(dag.has_edge("a", "c"));
  EXPECT_FALSE(dag.has_edge("c", "zz"));
  EXPECT_EQ(dag.edge_count(), 5u);
}

TEST(DagTest, RemoveEdgeKeepsTheOtherEdgesInOrder) {
  Dag dag = make_abc();
  ASSERT_TRUE(dag.add_node("d").is_ok());
  for (const char* to : {"b", "c", "d"}) {
    ASSERT_TRUE(dag.add_edge("a", to).is_ok());
  }
  ASSERT_TRUE(dag.remove_edge("a", "c").is_ok());
  EXPECT_FALSE(dag.has_edge("a", "c"));
  EXPECT_THAT(dag.successors("a").value(), ElementsAre("b", "d"));
  EXPECT_THAT(dag.predecessors("c").value(), IsEmpty());
  EXPECT_EQ(dag.edge_count(), 2u);
  // Added again, the edge is the newest.
  ASSERT_TRUE(dag.add_edge("a", "c").is_ok());
  EXPECT_THAT(dag.successors("a").value(), ElementsAre("b", "d", "c"));
}

TEST(DagTest, RemoveNodeRemovesItsEdges) {
  Dag dag = make_abc();
  ASSERT_TRUE(dag.add_edge("a", "b").is_ok());
  ASSERT_TRUE(dag.add_edge("b", "c").is_ok());
  ASSERT_TRUE(dag.add_edge("a", "c").is_ok());
  ASSERT_TRUE(dag.remove_node("b").is_ok());
  EXPECT_FALSE(dag.has_node("b"));
  EXPECT_EQ(dag.node_count(), 2u);
  EXPECT_EQ(dag.edge_count(), 1u);
  EXPECT_THAT(dag.nodes(), ElementsAre("a", "c"));
  EXPECT_THAT(dag.successors("a").value(), ElementsAre("c"));
  EXPECT_THAT(dag.predecessors("c").value(), ElementsAre("a"));
  EXPECT_FALSE(dag.has_edge("a", "b"));
  expect_error(dag.add_edge("a", "b"), ErrorCode::kNotFound,
               "edge 'a' -> 'b': unknown target node 'b'");
}

TEST(DagTest, ReaddedIdIsNewAndGoesToTheEnd) {
  Dag dag = make_abc();
  ASSERT_TRUE(dag.add_edge("a", "b").is_ok());
  ASSERT_TRUE(dag.remove_node("a").is_ok());
  ASSERT_TRUE(dag.add_node("a").is_ok());
  EXPECT_THAT(dag.nodes(), ElementsAre("b", "c", "a"));
  EXPECT_FALSE(dag.has_edge("a", "b"));  // the old node's edges are gone
  EXPECT_THAT(dag.predecessors("b").value(), IsEmpty());
  EXPECT_EQ(dag.edge_count(), 0u);
}

TEST(DagTest, DenseIndicesFollowInsertionOrder) {
  Dag dag = make_abc();
  ASSERT_TRUE(dag.add_edge("c", "a").is_ok());
  ASSERT_TRUE(dag.add_edge("c", "b").is_ok());
  const Dag::NodeIndex a = dag.index_of("a").value();
  const Dag::NodeIndex b = dag.index_of("b").value();
  const Dag::NodeIndex c = dag.index_of("c").value();
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, dag.index_bound());
  EXPECT_EQ(dag.id_of(c), "c");
  EXPECT_THAT(dag.successor_indices(c), ElementsAre(a, b));
  EXPECT_THAT(dag.predecessor_indices(b), ElementsAre(c));
  EXPECT_FALSE(dag.index_of("x").has_value());
}

TEST(DagTest, DenseQueriesOnIndicesNamingNoNodeAreEmpty) {
  Dag dag = make_abc();
  ASSERT_TRUE(dag.add_edge("a", "c").is_ok());
  const Dag::NodeIndex out_of_range = static_cast<Dag::NodeIndex>(dag.index_bound());
  EXPECT_EQ(dag.id_of(out_of_range), "");
  EXPECT_THAT(dag.successor_indices(out_of_range), IsEmpty());
  EXPECT_THAT(dag.predecessor_indices(out_of_range), IsEmpty());
  // Removing one of three leaves a vacant slot (no renumbering yet).
  const Dag::NodeIndex a = dag.index_of("a").value();
  ASSERT_TRUE(dag.remove_node("a").is_ok());
  ASSERT_EQ(dag.index_bound(), 3u);
  EXPECT_EQ(dag.id_of(a), "");
  EXPECT_THAT(dag.successor_indices(a), IsEmpty());
}

TEST(DagTest, RemovalsReclaimSpaceAndKeepOrderAndEdges) {
  Dag dag;
  const int n = 1000;
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(dag.add_node("n" + std::to_string(i)).is_ok());
  }
  // A chain through all nodes, and a second one through multiples of 10,
  // which alone survives the removals below.
  for (int i = 0; i + 1 < n; ++i) {
    ASSERT_TRUE(dag.add_edge("n" + std::to_string(i), "n" + std::to_string(i + 1)).is_ok());
  }
  for (int i = 0; i + 10 < n; i += 10) {
    ASSERT_TRUE(dag.add_edge("n" + std::to_string(i), "n" + std::to_string(i + 10)).is_ok());
  }
  // Remove every node but multiples of 10, which forces renumbering.
  for (int i = 0; i < n; ++i) {
    if (i % 10 != 0) {
      ASSERT_TRUE(dag.remove_node("n" + std::to_string(i)).is_ok());
    }
  }
  EXPECT_EQ(dag.node_count(), 100u);
  EXPECT_LE(dag.index_bound(), 2 * dag.node_count());
  EXPECT_EQ(dag.edge_count(), 99u);
  Ids expected;
  for (int i = 0; i < n; i += 10) {
    expected.push_back("n" + std::to_string(i));
  }
  EXPECT_EQ(dag.nodes(), expected);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Dag::NodeIndex index = dag.index_of(expected[i]).value();
    EXPECT_EQ(dag.id_of(index), expected[i]);
    if (i > 0) {
      EXPECT_LT(dag.index_of(expected[i - 1]).value(), index);
      EXPECT_THAT(dag.predecessors(expected[i]).value(), ElementsAre(expected[i - 1]));
      EXPECT_THAT(dag.predecessor_indices(index),
                  ElementsAre(dag.index_of(expected[i - 1]).value()));
    }
    if (i + 1 < expected.size()) {
      EXPECT_THAT(dag.successors(expected[i]).value(), ElementsAre(expected[i + 1]));
    }
  }
  // The survivors still take edges, and indices name the right nodes.
  ASSERT_TRUE(dag.add_edge("n990", "n0").is_ok());
  EXPECT_THAT(dag.successor_indices(dag.index_of("n990").value()),
              ElementsAre(dag.index_of("n0").value()));
}

// Random operations against a plain reference model: every call's outcome and
// every listing must agree. This covers interleavings the targeted tests do not,
// including renumbering in the middle of edge churn.
TEST(DagTest, AgreesWithAReferenceModelUnderRandomOperations) {
  struct Model {
    Ids nodes;                                               // insertion order
    std::vector<std::pair<std::string, std::string>> edges;  // insertion order
    bool has(const std::string& id) const {
      return std::find(nodes.begin(), nodes.end(), id) != nodes.end();
    }
    auto find_edge(const std::string& f, const std::string& t) {
      return std::find(edges.begin(), edges.end(), std::pair(f, t));
    }
    Ids successors(const std::string& id) const {
      Ids out;
      for (const auto& [f, t] : edges) {
        if (f == id) out.push_back(t);
      }
      return out;
    }
    Ids predecessors(const std::string& id) const {
      Ids in;
      for (const auto& [f, t] : edges) {
        if (t == id) in.push_back(f);
      }
      return in;
    }
  };

  std::mt19937 rng(12345);
  auto pick = [&] { return "v" + std::to_string(std::uniform_int_distribution<int>(0, 29)(rng)); };
  Dag dag;
  Model model;
  std::size_t renumberings = 0;
  for (int step = 0; step < 20000; ++step) {
    const std::string a = pick();
    const std::string b = pick();
    // Growing and shrinking phases alternate, so that the graph empties out
    // far enough to be renumbered while it still has edges.
    const bool shrinking = (step / 500) % 2 == 1;
    const int roll = std::uniform_int_distribution<int>(0, 9)(rng);
    const std::size_t bound_before = dag.index_bound();
    if (roll < 3 && (roll < 2) != shrinking) {
      const bool ok = !model.has(a);
      ASSERT_EQ(dag.add_node(a).is_ok(), ok);
      if (ok) model.nodes.push_back(a);
    } else if (roll < 3) {
      const bool ok = model.has(a);
      ASSERT_EQ(dag.remove_node(a).is_ok(), ok);
      if (ok) {
        std::erase(model.nodes, a);
        std::erase_if(model.edges, [&](const auto& e) { return e.first == a || e.second == a; });
      }
    } else if (roll < 7) {
      const bool ok =
          model.has(a) && model.has(b) && a != b && model.find_edge(a, b) == model.edges.end();
      ASSERT_EQ(dag.add_edge(a, b).is_ok(), ok) << a << " -> " << b;
      if (ok) model.edges.emplace_back(a, b);
    } else {
      const bool ok = model.find_edge(a, b) != model.edges.end();
      ASSERT_EQ(dag.remove_edge(a, b).is_ok(), ok) << a << " -> " << b;
      if (ok) model.edges.erase(model.find_edge(a, b));
    }
    if (dag.index_bound() < bound_before) ++renumberings;
    ASSERT_EQ(dag.node_count(), model.nodes.size());
    ASSERT_EQ(dag.edge_count(), model.edges.size());
    if (step % 25 != 0) continue;
    ASSERT_EQ(dag.nodes(), model.nodes);
    for (const std::string& id : model.nodes) {
      ASSERT_EQ(dag.successors(id).value(), model.successors(id)) << id;
      ASSERT_EQ(dag.predecessors(id).value(), model.predecessors(id)) << id;
      const Dag::NodeIndex index = dag.index_of(id).value();
      ASSERT_EQ(dag.id_of(index), id);
      Ids via_indices;
      for (Dag::NodeIndex pred : dag.predecessor_indices(index)) {
        via_indices.emplace_back(dag.id_of(pred));
      }
      ASSERT_EQ(via_indices, model.predecessors(id)) << id;
    }
  }
  EXPECT_GT(renumberings, 10u);  // the test did exercise renumbering
}

}  // namespace
}  // namespace core
