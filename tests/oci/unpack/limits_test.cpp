// What a hostile layer could make the unpacker spend: disk beyond the
// declared sizes, memory for names, time for repeated markers, descriptors
// for deep trees. Each is bounded, and refused cleanly.
#include <sys/resource.h>

#include "unpack_test_util.h"

namespace oci::unpack::testing {
namespace {

class LimitsTest : public UnpackTest {};

TEST_F(LimitsTest, SparseDataBeyondTheDeclaredSizeIsRefused) {
  // realsize 0, so 0 bytes count against max_total_bytes, and a map putting
  // 4 MiB at offset 0.
  std::string data(4 << 20, 's');
  auto status = unpack({old_gnu_sparse("sparse", 0, data)});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), core::ErrorCode::kInvalidArgument) << status.to_string();
  EXPECT_NE(status.to_string().find(
                "layer0: entry \"sparse\": sparse data beyond the declared size of 0 bytes"),
            std::string::npos)
      << status.to_string();
  expect_nothing_left();
  // The same entry with an honest realsize is fine.
  ASSERT_TRUE(unpack({old_gnu_sparse("sparse", data.size(), data)}));
  EXPECT_TRUE(read_file(dir_ / "sparse") == data);
}

TEST_F(LimitsTest, NamesKeptInMemoryAreBounded) {
  auto o = options();
  o.limits.max_name_bytes = 64;
  auto status = unpack({make_tar({File(std::string(40, 'a'), ""), File(std::string(40, 'b'), "")})},
                       std::move(o));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), core::ErrorCode::kCapacityExceeded);
  EXPECT_NE(status.to_string().find("entry \"" + std::string(40, 'b') +
                                    "\": the names of all entries exceed the limit of 64 bytes"),
            std::string::npos)
      << status.to_string();
  expect_nothing_left();
}

TEST_F(LimitsTest, TooDeepNamesAreRefused) {
  std::string deep;
  for (int i = 0; i < 1025; ++i)
    deep += "d/";
  auto status = unpack({make_tar({File(deep + "f", "x")})});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), core::ErrorCode::kCapacityExceeded);
  EXPECT_NE(status.to_string().find("more components than the depth limit"), std::string::npos)
      << status.to_string();
  expect_nothing_left();
}

TEST_F(LimitsTest, RepeatedOpaqueMarkersAndWhiteoutsAreNotQuadratic) {
  constexpr int kFiles = 4000;
  std::vector<Entry> entries{Dir("d")};
  for (int i = 0; i < kFiles; ++i)
    entries.push_back(File("d/f" + std::to_string(i), ""));
  for (int i = 0; i < kFiles; ++i) {
    entries.push_back(Opaque("d"));
    entries.push_back(Whiteout("", "d"));
  }
  ASSERT_TRUE(unpack({make_tar({Dir("d"), File("d/lower", "l")}), make_tar(entries)}));
  EXPECT_FALSE(lexists(dir_ / "d/lower"));
  EXPECT_TRUE(lexists(dir_ / "d/f0"));
  EXPECT_TRUE(lexists(dir_ / ("d/f" + std::to_string(kFiles - 1))));
  EXPECT_EQ(stats_.whiteouts, 2u * kFiles);
  // d is read once, when the first marker empties it of "lower": its 4001
  // names. Every later marker, opaque or a whiteout of d (which this layer
  // made, so it is filtered, not removed), finds d already emptied in this
  // layer: one fstat. Reading it again each time would be 32M names.
  EXPECT_EQ(stats_.names_scanned, kFiles + 1u);
}

// Lowers RLIMIT_NOFILE for the scope.
class FdLimit {
 public:
  explicit FdLimit(rlim_t soft) {
    EXPECT_EQ(::getrlimit(RLIMIT_NOFILE, &saved_), 0);
    struct rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    EXPECT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  }
  ~FdLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

 private:
  struct rlimit saved_ {};
};

// A tree 1500 levels deep, built from names of at most 800 components:
// "a/a/.../a" (700), then "s/b/.../b" (800) through s -> a/.../a.
std::string deep_tree_layer() {
  std::string top;
  for (int i = 0; i < 700; ++i)
    top += i == 0 ? "a" : "/a";
  std::string below = "s";
  for (int i = 0; i < 800; ++i)
    below += "/b";
  return make_tar({File(top + "/f", "top"), Symlink("s", top), File(below + "/f", "bottom"),
                   Dir(below + "/ro", 0500)});
}

TEST_F(LimitsTest, DeepTreeWithFewDescriptorsThenWhiteoutOfItsTop) {
  FdLimit limit(256);
  auto status = unpack({deep_tree_layer(), make_tar({Whiteout("", "a")})});
  ASSERT_TRUE(status) << status.to_string();
  EXPECT_FALSE(lexists(dir_ / "a"));
  EXPECT_TRUE(S_ISLNK(lstat_of(dir_ / "s").st_mode));  // dangling now
  EXPECT_EQ(beside_rootfs(), std::vector<std::string>{});
}

TEST_F(LimitsTest, DeepTreeWithFewDescriptorsCommittedAndCleanedUpOnFailure) {
  {
    FdLimit limit(256);
    ASSERT_TRUE(unpack({deep_tree_layer()}));
  }
  std::filesystem::path bottom = dir_;
  for (int i = 0; i < 700; ++i)
    bottom /= "a";
  EXPECT_EQ(read_file(bottom / "f"), "top");
  for (int i = 0; i < 800; ++i)
    bottom /= "b";
  EXPECT_EQ(lstat_of(bottom / "ro").st_mode & 07777, 0500u);
  std::filesystem::remove_all(dir_);  // needs a descriptor per level

  // A failure after the deep tree: the temp dir goes all the same.
  FdLimit limit(256);
  auto status = unpack({deep_tree_layer(), make_tar({File("../x", "x")})});
  ASSERT_FALSE(status);
  EXPECT_NE(status.to_string().find("layer1: entry \"../x\""), std::string::npos);
  expect_nothing_left();
  EXPECT_EQ(warnings_, std::vector<std::string>{});
}

}  // namespace
}  // namespace oci::unpack::testing
