// Subgraphs in files of their own: relative paths, sharing, recursion.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "graph/model/loader.h"
#include "test_util.h"

namespace graph {
namespace {

namespace fs = std::filesystem;
using testing::fields_of;
using ::testing::HasSubstr;

class SubgraphFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("lx_graph_model_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path;
  }

  fs::path dir_;
};

TEST_F(SubgraphFilesTest, LoadsRelativeToTheIncludingFile) {
  write("main.yaml", R"(database: app.db
nodes:
  pricing: {node_type: SubgraphNode, graph: sub/pricing.yaml}
  each: {node_type: LoopNode, foreach: items, body: sub/pricing.yaml}
)");
  write("sub/pricing.yaml", R"(nodes:
  lookup: {node_type: DBNode, database: prices.db, query: "SELECT 1"}
  nested: {node_type: SubgraphNode, graph: leaf.json}
)");
  write("sub/leaf.json", R"({"nodes": {"leaf": "RuleNode"}})");
  auto r = load_graph_file(dir_ / "main.yaml");
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  const GraphSpec& main = *r.value();
  EXPECT_EQ(main.file, (dir_ / "main.yaml").string());
  EXPECT_EQ(main.database, (dir_ / "app.db").string());
  const GraphRef& pricing = fields_of<SubgraphFields>(main, "pricing").graph;
  ASSERT_TRUE(pricing);
  EXPECT_EQ(pricing->file, (dir_ / "sub/pricing.yaml").string());
  // Files are self-contained: no database inherited from the includer.
  EXPECT_FALSE(pricing->database);
  EXPECT_EQ(fields_of<DbFields>(*pricing, "lookup").database, (dir_ / "sub/prices.db").string());
  const GraphRef& leaf = fields_of<SubgraphFields>(*pricing, "nested").graph;
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->nodes[0].id, "leaf");
  // A file included twice is loaded once.
  EXPECT_EQ(fields_of<LoopFields>(main, "each").body, pricing);
}

TEST_F(SubgraphFilesTest, ErrorsInAnIncludedFileNameThatFile) {
  write("main.yaml", "nodes:\n  s: {node_type: SubgraphNode, graph: bad.yaml}\n");
  write("bad.yaml", "nodes:\n  x: {node_type: RuleNode, when: y}\n");
  auto r = load_graph_file(dir_ / "main.yaml");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E004");
  EXPECT_EQ(r.error().context().file, (dir_ / "bad.yaml").string());
  EXPECT_EQ(r.error().context().line, 2);
  EXPECT_EQ(r.error().context().node_id, "x");
}

TEST_F(SubgraphFilesTest, MissingSubgraphFileIsReportedWhereItIsNamed) {
  write("main.yaml", "nodes:\n  s: {node_type: SubgraphNode, graph: missing.yaml}\n");
  auto r = load_graph_file(dir_ / "main.yaml");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E007");
  EXPECT_EQ(r.error().context().file, (dir_ / "main.yaml").string());
  EXPECT_EQ(r.error().context().line, 2);
  EXPECT_EQ(r.error().context().column, 39);
  EXPECT_EQ(r.error().context().node_id, "s");
  EXPECT_THAT(r.error().message(), HasSubstr("missing.yaml"));
}

TEST_F(SubgraphFilesTest, RecursiveIncludeReportsTheChain) {
  write("a.yaml", "nodes:\n  s: {node_type: SubgraphNode, graph: b.yaml}\n");
  write("b.yaml", "nodes:\n  t: {node_type: TryCatchNode, try: ./a.yaml}\n");
  auto r = load_graph_file(dir_ / "a.yaml");
  ASSERT_FALSE(r.is_ok());
  const core::Error& e = r.error();
  EXPECT_EQ(e.tag(), "E006");
  EXPECT_EQ(e.context().file, (dir_ / "b.yaml").string());
  EXPECT_EQ(e.context().line, 2);
  EXPECT_EQ(e.context().node_id, "t");
  EXPECT_EQ(e.message(), "recursive subgraph include: " + (dir_ / "a.yaml").string() + " -> " +
                             (dir_ / "b.yaml").string() + " -> " + (dir_ / "a.yaml").string());
}

TEST_F(SubgraphFilesTest, FileIncludingItselfDirectly) {
  write("self.yaml", "nodes:\n  s: {node_type: SubgraphNode, graph: self.yaml}\n");
  auto r = load_graph_file(dir_ / "self.yaml");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E006");
  EXPECT_THAT(r.error().message(), HasSubstr("recursive subgraph include"));
}

TEST_F(SubgraphFilesTest, TextLoadsResolveAgainstBaseDir) {
  write("child.yaml", "nodes: {c: RuleNode}\n");
  auto r = load_graph_text("nodes:\n  s: {node_type: SubgraphNode, graph: child.yaml}\n", "inline",
                           dir_);
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_EQ(fields_of<SubgraphFields>(*r.value(), "s").graph->nodes[0].id, "c");
}

TEST_F(SubgraphFilesTest, DirectoryIsUnreadable) {
  auto r = load_graph_file(dir_);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E007");
  EXPECT_THAT(r.error().message(), HasSubstr("is a directory"));
}

}  // namespace
}  // namespace graph
