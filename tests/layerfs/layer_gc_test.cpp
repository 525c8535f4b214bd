// layerfs: `lxcri image gc` for layer snapshots. A committed layer goes when
// no image of the store names it, for any platform, and nothing is built on
// it; its parents follow when that leaves them unused; containers, views and
// layers other images share stay; a store that cannot say what it uses
// loses nothing.
#include "layerfs/layer_gc.h"

#include "image_layers_fixture.h"
#include "oci/layers/chain_id.h"

namespace layerfs::testing {
namespace {

const std::string kSharedBase = tar::make_tar({tar::File("etc/os", "base")});
const std::string kOnlyOne = tar::make_tar({tar::File("one", "1")});
const std::string kOnlyTwo = tar::make_tar({tar::File("two", "2")});
const std::string kAmd64Only = tar::make_tar({tar::File("arch", "amd64")});
const std::string kArm64Only = tar::make_tar({tar::File("arch", "arm64")});

class LayerGcTest : public ImageLayersTest {
 protected:
  oci::store::Ref ref(const std::string& text) { return oci::store::parse_ref(text).value(); }

  // Commits `image`'s layers for `platform`; returns the top ChainID.
  std::string commit(const oci::Descriptor& root, const std::string& architecture) {
    auto resolved =
        oci::layers::resolve_image(*images_, root, img::linux_on(architecture), nullptr);
    EXPECT_TRUE(resolved) << resolved.error().to_string();
    auto committed = commit_image_layers(*store_, *images_, resolved.value());
    EXPECT_TRUE(committed) << committed.error().to_string();
    return committed.value().top;
  }

  static std::string chain(std::vector<std::string> layers) {
    std::vector<oci::Digest> diff_ids;
    for (const std::string& layer : layers)
      diff_ids.push_back(oci::Digest::sha256_of(layer));
    return oci::layers::chain_ids(diff_ids).back().str();
  }

  // gc runs without the fixture's lease (it waits for every lease to end).
  std::vector<std::string> gc() {
    lease_.reset();
    auto report = remove_unused_layers(*store_, *images_);
    lease_ = std::make_unique<oci::store::StoreLease>(images_->lease().value());
    EXPECT_TRUE(report) << report.error().to_string();
    return report ? report.value().removed : std::vector<std::string>{"gc failed"};
  }
};

TEST_P(LayerGcTest, UnusedLayersGoAndWhatIsUsedStays) {
  auto one = img::put_image(*lease_, img::spec({kSharedBase, kOnlyOne})).manifest;
  auto two = img::put_image(*lease_, img::spec({kSharedBase, kOnlyTwo})).manifest;
  auto amd64 = img::put_image(*lease_, img::spec({kSharedBase, kAmd64Only})).manifest;
  auto arm64 = img::put_image(*lease_, img::spec({kSharedBase, kArm64Only}).arch("arm64")).manifest;
  auto multi =
      img::put_index(*lease_, {{amd64, "linux", "amd64", ""}, {arm64, "linux", "arm64", ""}});
  ASSERT_TRUE(lease_->set_ref(ref("one:1"), one));
  ASSERT_TRUE(lease_->set_ref(ref("two:1"), two));
  ASSERT_TRUE(lease_->set_ref(ref("multi:1"), multi));
  commit(one, "amd64");
  const std::string two_top = commit(two, "amd64");
  commit(multi, "arm64");  // only the arm64 variant is unpacked
  ASSERT_EQ(committed(), 4u);
  ASSERT_TRUE(store_->prepare("container", two_top));

  EXPECT_EQ(gc(), std::vector<std::string>{}) << "every layer is named by an image";

  ASSERT_TRUE(images_->remove_ref(ref("one:1")));
  ASSERT_TRUE(images_->remove_ref(ref("two:1")));
  // one's top goes; two's stays under the container; the base and the arm64
  // layer stay for multi:1, whose arm64 variant no container uses.
  EXPECT_EQ(gc(), std::vector<std::string>{chain({kSharedBase, kOnlyOne})});
  EXPECT_TRUE(store_->stat("container").is_ok());
  EXPECT_TRUE(store_->stat(two_top).is_ok());

  ASSERT_TRUE(store_->remove("container"));
  EXPECT_EQ(gc(), std::vector<std::string>{two_top});

  ASSERT_TRUE(images_->remove_ref(ref("multi:1")));
  EXPECT_EQ(gc(),
            (std::vector<std::string>{chain({kSharedBase, kArm64Only}), chain({kSharedBase})}))
      << "the top first, then the base it left unused";
  EXPECT_EQ(store_->walk().value().size(), 0u);
  EXPECT_EQ(store_->driver().stored_ids().value().size(), 0u);
}

TEST_P(LayerGcTest, AStoreThatCannotSayWhatItUsesLosesNothing) {
  auto one = img::put_image(*lease_, img::spec({kSharedBase, kOnlyOne}));
  ASSERT_TRUE(lease_->set_ref(ref("one:1"), one.manifest));
  auto two = img::put_image(*lease_, img::spec({kSharedBase, kOnlyTwo}));
  ASSERT_TRUE(lease_->set_ref(ref("two:1"), two.manifest));
  commit(one.manifest, "amd64");
  commit(two.manifest, "amd64");
  ASSERT_TRUE(images_->remove_ref(ref("one:1")));
  // two:1's config is gone: which layers it uses cannot be told.
  std::filesystem::remove(img::blob_path(*images_, two.config.digest));

  lease_.reset();
  auto report = remove_unused_layers(*store_, *images_);
  ASSERT_FALSE(report.is_ok());
  EXPECT_NE(report.error().to_string().find("cannot tell which layers two:1 uses"),
            std::string::npos)
      << report.error().to_string();
  EXPECT_NE(report.error().to_string().find(two.config.digest.str()), std::string::npos)
      << report.error().to_string();
  EXPECT_EQ(committed(), 3u) << "one:1's layer stays until gc can see every image";
}

// An index may name platforms the store never got (a pull or import takes
// one): they use no layers, and gc still works.
TEST_P(LayerGcTest, PlatformsAnIndexNamesButTheStoreLacksAreNotAnError) {
  auto amd64 = img::put_image(*lease_, img::spec({kSharedBase, kAmd64Only})).manifest;
  auto arm64 = img::put_image(*lease_, img::spec({kSharedBase, kArm64Only}).arch("arm64")).manifest;
  auto multi =
      img::put_index(*lease_, {{amd64, "linux", "amd64", ""}, {arm64, "linux", "arm64", ""}});
  ASSERT_TRUE(lease_->set_ref(ref("multi:1"), multi));
  commit(multi, "amd64");
  auto one = img::put_image(*lease_, img::spec({kSharedBase, kOnlyOne})).manifest;
  ASSERT_TRUE(lease_->set_ref(ref("one:1"), one));
  commit(one, "amd64");
  ASSERT_TRUE(images_->remove_ref(ref("one:1")));
  std::filesystem::remove(img::blob_path(*images_, arm64.digest));

  EXPECT_EQ(gc(), std::vector<std::string>{chain({kSharedBase, kOnlyOne})});
  EXPECT_EQ(committed(), 2u) << "multi:1's amd64 layers stay";
}

INSTANTIATE_TEST_SUITE_P(Drivers, LayerGcTest,
                         ::testing::Values("overlayfs", "btrfs", "copy", "zfs"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace layerfs::testing
