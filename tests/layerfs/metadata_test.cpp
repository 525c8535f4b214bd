// layerfs/metadata: records survive a save and load unchanged; a missing file
// is an empty store.
#include "layerfs/metadata.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace layerfs {
namespace {

TEST(Metadata, SavedRecordsLoadBackUnchanged) {
  auto dir = std::filesystem::temp_directory_path() / ("lxcri-md-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto file = dir / "metadata.json";
  auto empty = Metadata::load(file);
  ASSERT_TRUE(empty) << empty.error().to_string();
  EXPECT_TRUE(empty.value().snapshots.empty());
  EXPECT_EQ(empty.value().next_id, 1u);

  Metadata md;
  md.next_id = 7;
  md.snapshots["sha256:abc"] = {{"sha256:abc", Kind::kCommitted, "", {{"k", "v"}}, 10, 11}, "3"};
  md.snapshots["ctr \"1\""] = {{"ctr \"1\"", Kind::kActive, "sha256:abc", {}, 12, 12}, "6"};
  md.snapshots["v"] = {{"v", Kind::kView, "sha256:abc", {}, 13, 14}, "5"};
  ASSERT_TRUE(md.save(file).is_ok());
  auto back = Metadata::load(file);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back.value().next_id, 7u);
  ASSERT_EQ(back.value().snapshots.size(), 3u);
  const Record& c = back.value().snapshots.at("ctr \"1\"");
  EXPECT_EQ(c.id, "6");
  EXPECT_EQ(c.info.kind, Kind::kActive);
  EXPECT_EQ(c.info.parent, "sha256:abc");
  EXPECT_EQ(c.info.created, 12);
  EXPECT_EQ(back.value().snapshots.at("sha256:abc").info.labels.at("k"), "v");
  EXPECT_EQ(back.value().snapshots.at("v").info.kind, Kind::kView);
  EXPECT_EQ(back.value().snapshots.at("v").info.updated, 14);
  // No temp file is left next to it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()),
            1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace layerfs
