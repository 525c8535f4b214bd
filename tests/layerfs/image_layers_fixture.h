// tests/layerfs: a LayerfsTest with an image store beside the snapshots, and
// images built from tar layers (oci/layers' test helpers) to commit.
#pragma once

#include "../oci/layers/layers_fixture.h"
#include "../oci/unpack/unpack_test_util.h"
#include "layerfs/image_layers.h"
#include "layerfs_fixture.h"
#include "oci/layers/image_resolver.h"

namespace layerfs::testing {

namespace tar = oci::unpack::testing;
namespace img = oci::layers::testing;

class ImageLayersTest : public LayerfsTest {
 protected:
  void SetUp() override {
    LayerfsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto store = oci::store::Store::open(base_ / "images");
    ASSERT_TRUE(store) << store.error().to_string();
    images_ = std::make_unique<oci::store::Store>(std::move(store).value());
    lease_ = std::make_unique<oci::store::StoreLease>(images_->lease().value());
  }
  void TearDown() override {
    lease_.reset();
    images_.reset();
    LayerfsTest::TearDown();
  }

  oci::layers::ResolvedImage image(const std::vector<std::string>& layer_tars) {
    img::BuiltImage built = img::put_image(*lease_, img::spec(layer_tars));
    auto resolved =
        oci::layers::resolve_image(*images_, built.manifest, img::linux_on("amd64"), nullptr);
    EXPECT_TRUE(resolved) << resolved.error().to_string();
    return resolved.value();
  }

  size_t committed() {
    size_t n = 0;
    for (const Info& info : store_->walk().value())
      n += info.kind == Kind::kCommitted;
    return n;
  }

  std::unique_ptr<oci::store::Store> images_;
  std::unique_ptr<oci::store::StoreLease> lease_;
};

}  // namespace layerfs::testing
