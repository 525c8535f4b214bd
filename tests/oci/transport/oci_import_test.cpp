// import_image from `oci:` layouts: umoci's as a peer, and hand-made ones
// for every kind of bad input.
#include <gtest/gtest.h>

#include "oci/media_types.h"
#include "oci/platform.h"
#include "transport_fixture.h"

namespace oci::transport::testing {
namespace {

using store::testing::describe;
using store::testing::descriptor_json;
using store::testing::manifest_bytes;

struct HandImage {
  Descriptor config, layer, manifest;
};

// A layout written file by file: one image per name in `names` (each its
// own layer), index.json entries annotated with those names.
class HandLayout {
 public:
  explicit HandLayout(std::filesystem::path dir) : dir_(std::move(dir)) {
    write_file(dir_ / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  }
  HandImage add(const std::string& name) {
    HandImage image;
    std::string config = json{{"architecture", "amd64"},
                              {"os", "linux"},
                              {"rootfs", {{"type", "layers"}, {"diff_ids", json::array()}}}}
                             .dump();
    std::string layer = "layer of " + name;
    image.config = describe(media_type::kOciConfig, config);
    image.layer = describe(media_type::kOciLayerTar, layer);
    std::string manifest = manifest_bytes(image.config, {image.layer});
    image.manifest = describe(media_type::kOciManifest, manifest);
    put(config);
    put(layer);
    put(manifest);
    json entry = descriptor_json(image.manifest);
    entry["annotations"] = {{std::string(kAnnotationRefName), name}};
    entries_.push_back(entry);
    write_index();
    return image;
  }
  void put(const std::string& bytes) { write_file(blob(Digest::sha256_of(bytes)), bytes); }
  std::filesystem::path blob(const Digest& d) const {
    return dir_ / "blobs" / std::string(d.algorithm()) / std::string(d.encoded());
  }
  void add_entry(const json& entry) {
    entries_.push_back(entry);
    write_index();
  }

 private:
  void write_index() {
    write_file(dir_ / "index.json", json{{"schemaVersion", 2}, {"manifests", entries_}}.dump());
  }
  std::filesystem::path dir_;
  json entries_ = json::array();
};

TEST_F(TransportTest, ImportFromUmociKeepsEveryDigest) {
  REQUIRE_TOOL("umoci");
  std::filesystem::path layout = umoci_layout("umoci", "v1");
  auto result = import_image(lease(), loc("oci:" + layout.string() + ":v1"), ref("test/img:1"));
  ASSERT_TRUE(result.is_ok()) << result.error().to_string();
  json index = json::parse(read_file(layout / "index.json"));
  EXPECT_EQ(result.value().image.digest.str(), index["manifests"][0]["digest"]);
  EXPECT_EQ(store().resolve(ref("test/img:1")).value().digest, result.value().image.digest);
  // manifest, config and one layer (umoci's empty-config blobs are not in the closure).
  EXPECT_EQ(result.value().blobs_added, 3u);
  json manifest = json::parse(store().read_blob(result.value().image.digest).value());
  for (const json& d : manifest["layers"]) {
    Digest digest = Digest::parse(d["digest"].get<std::string>()).value();
    EXPECT_TRUE(store().verify_blob(digest).is_ok());
  }
  // Again: everything is present already.
  auto again = import_image(lease(), loc("oci:" + layout.string() + ":v1"), ref("test/img:2"));
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again.value().blobs_added, 0u);
  EXPECT_EQ(again.value().blobs_present, 3u);
}

TEST_F(TransportTest, SelectsByTagAndListsTheNamesOtherwise) {
  HandLayout layout(path("L"));
  HandImage a = layout.add("a");
  HandImage b = layout.add("repo/x:b");
  auto ambiguous = import_image(lease(), loc("oci:" + path("L").string()), ref("t/x:1"));
  ASSERT_FALSE(ambiguous.is_ok());
  EXPECT_NE(ambiguous.error().message().find("'a', 'repo/x:b'"), std::string::npos)
      << ambiguous.error().message();
  auto unknown = import_image(lease(), loc("oci:" + path("L").string() + ":zzz"), ref("t/x:1"));
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.error().code(), core::ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message().find("no image named 'zzz'"), std::string::npos);
  EXPECT_NE(unknown.error().message().find("'a', 'repo/x:b'"), std::string::npos);
  EXPECT_TRUE(refs().empty());

  auto by_name = import_image(lease(), loc("oci:" + path("L").string() + ":a"), ref("t/x:a"));
  ASSERT_TRUE(by_name.is_ok()) << by_name.error().to_string();
  EXPECT_EQ(by_name.value().image.digest, a.manifest.digest);
  // The store's "name:tag" form, selected by its tag alone.
  auto by_tag = import_image(lease(), loc("oci:" + path("L").string() + ":b"), ref("t/x:b"));
  ASSERT_TRUE(by_tag.is_ok()) << by_tag.error().to_string();
  EXPECT_EQ(by_tag.value().image.digest, b.manifest.digest);
  // The source's ref name does not leak into the store's index.
  auto entries = store().list_refs().value();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].descriptor.annotations.at(std::string(kAnnotationRefName)), "t/x:b");
}

class BadLayoutTest : public TransportTest {
 protected:
  void SetUp() override {
    TransportTest::SetUp();
    layout_.emplace(path("L"));
    good_ = layout_->add("good");
    ASSERT_TRUE(
        import_image(lease(), loc("oci:" + path("L").string() + ":good"), ref("t/keep:1")).is_ok());
    image_ = layout_->add("bad");
    before_ = refs();
  }
  // Imports "bad" and expects a failure that leaves the refs alone.
  core::Error import_bad() {
    auto r = import_image(lease(), loc("oci:" + path("L").string() + ":bad"), ref("t/keep:1"));
    EXPECT_FALSE(r.is_ok());
    EXPECT_EQ(refs(), before_);
    return r.is_ok() ? core::Error(core::ErrorCode::kInternal, "unexpected success") : r.error();
  }
  std::string layer_name() const {
    return "blobs/sha256/" + std::string(image_.layer.digest.encoded());
  }

  std::optional<HandLayout> layout_;
  HandImage good_, image_;
  std::vector<std::string> before_;
};

TEST_F(BadLayoutTest, WrongDigestInABlobFile) {
  std::string bytes = read_file(layout_->blob(image_.layer.digest));
  bytes[0] ^= 1;  // same size, other bytes
  write_file(layout_->blob(image_.layer.digest), bytes);
  core::Error e = import_bad();
  EXPECT_EQ(e.code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.message().rfind(layer_name() + ": ", 0), 0u) << e.message();
  EXPECT_NE(e.message().find("digest mismatch"), std::string::npos) << e.message();
  EXPECT_FALSE(store().has_blob(image_.layer.digest));
  EXPECT_EQ(store::testing::ingest_files(root()), 0u);
}

TEST_F(BadLayoutTest, TruncatedBlob) {
  std::string bytes = read_file(layout_->blob(image_.layer.digest));
  write_file(layout_->blob(image_.layer.digest), bytes.substr(0, bytes.size() - 3));
  core::Error e = import_bad();
  EXPECT_NE(e.message().find(layer_name()), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("size mismatch"), std::string::npos) << e.message();
  EXPECT_FALSE(store().has_blob(image_.layer.digest));
}

TEST_F(BadLayoutTest, MissingBlob) {
  std::filesystem::remove(layout_->blob(image_.layer.digest));
  core::Error e = import_bad();
  EXPECT_EQ(e.code(), core::ErrorCode::kNotFound);
  EXPECT_NE(e.message().find(layer_name()), std::string::npos) << e.message();
}

TEST_F(BadLayoutTest, CorruptManifestDocument) {
  std::string bytes = read_file(layout_->blob(image_.manifest.digest));
  bytes.back() = ' ';
  write_file(layout_->blob(image_.manifest.digest), bytes);
  core::Error e = import_bad();
  EXPECT_NE(e.message().find("blobs/sha256/" + std::string(image_.manifest.digest.encoded())),
            std::string::npos)
      << e.message();
  EXPECT_FALSE(store().has_blob(image_.manifest.digest));
}

TEST_F(BadLayoutTest, SymlinkedBlobIsNotFollowed) {
  std::filesystem::path secret = path("secret");
  write_file(secret, read_file(layout_->blob(image_.layer.digest)));
  std::filesystem::remove(layout_->blob(image_.layer.digest));
  std::filesystem::create_symlink(secret, layout_->blob(image_.layer.digest));
  core::Error e = import_bad();
  EXPECT_EQ(e.code(), core::ErrorCode::kFailedPrecondition) << e.message();
  EXPECT_NE(e.message().find(layer_name()), std::string::npos) << e.message();
  EXPECT_FALSE(store().has_blob(image_.layer.digest));
}

TEST_F(BadLayoutTest, IndexJsonThatIsNotJson) {
  write_file(path("L") / "index.json", "{not json");
  core::Error e = import_bad();
  EXPECT_EQ(e.message().rfind("index.json: ", 0), 0u) << e.message();
}

TEST_F(BadLayoutTest, WrongLayoutVersion) {
  write_file(path("L") / "oci-layout", R"({"imageLayoutVersion":"2.0.0"})");
  core::Error e = import_bad();
  EXPECT_NE(e.message().find("oci-layout: unsupported imageLayoutVersion '2.0.0'"),
            std::string::npos)
      << e.message();
}

// An index may lack the platforms the host does not run, not the one it does.
TEST_F(TransportTest, IndexMayLackOtherPlatformsOnly) {
  HandLayout layout(path("L"));
  HandImage host = layout.add("host-only");
  Platform here = host_platform();
  const std::string other_arch = here.architecture == "s390x" ? "ppc64le" : "s390x";
  Descriptor absent = describe(media_type::kOciManifest, "never written");
  auto entry = [](const Descriptor& d, const std::string& os, const std::string& arch,
                  const std::string& variant) {
    json j = descriptor_json(d);
    j["platform"] = {{"os", os}, {"architecture", arch}};
    if (!variant.empty()) j["platform"]["variant"] = variant;
    return j;
  };
  auto write_index_blob = [&](const json& manifests, const std::string& name) {
    std::string bytes =
        json{{"schemaVersion", 2}, {"mediaType", media_type::kOciIndex}, {"manifests", manifests}}
            .dump();
    layout.put(bytes);
    Descriptor d = describe(media_type::kOciIndex, bytes);
    json e = descriptor_json(d);
    e["annotations"] = {{std::string(kAnnotationRefName), name}};
    layout.add_entry(e);
  };
  write_index_blob(json::array({entry(host.manifest, here.os, here.architecture, here.variant),
                                entry(absent, "linux", other_arch, "")}),
                   "multi");
  auto ok = import_image(lease(), loc("oci:" + path("L").string() + ":multi"), ref("t/multi:1"));
  ASSERT_TRUE(ok.is_ok()) << ok.error().to_string();
  EXPECT_FALSE(store().has_blob(absent.digest));

  write_index_blob(json::array({entry(absent, here.os, here.architecture, here.variant)}),
                   "broken");
  auto bad = import_image(lease(), loc("oci:" + path("L").string() + ":broken"), ref("t/multi:2"));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.error().message().find("blobs/sha256/" + std::string(absent.digest.encoded())),
            std::string::npos)
      << bad.error().message();
}

// An index.json entry (or index child) for `d` with the host's platform,
// or another one.
json platform_entry(const Descriptor& d, bool host) {
  Platform here = host_platform();
  json j = descriptor_json(d);
  j["platform"] = {{"os", here.os},
                   {"architecture", host ? here.architecture
                                         : (here.architecture == "s390x" ? "ppc64le" : "s390x")}};
  if (host && !here.variant.empty()) j["platform"]["variant"] = here.variant;
  return j;
}

// Puts an index of `manifests` into the layout under `name`; returns it.
Descriptor add_index(HandLayout& layout, const json& manifests, const std::string& name) {
  std::string bytes =
      json{{"schemaVersion", 2}, {"mediaType", media_type::kOciIndex}, {"manifests", manifests}}
          .dump();
  layout.put(bytes);
  Descriptor d = describe(media_type::kOciIndex, bytes);
  if (!name.empty()) {
    json e = descriptor_json(d);
    e["annotations"] = {{std::string(kAnnotationRefName), name}};
    layout.add_entry(e);
  }
  return d;
}

// Finding 2: a digest first met as a plain layer and then named as the
// host's manifest is still walked as a manifest: its config and layer are
// copied, not skipped because "that digest was done".
TEST_F(TransportTest, DigestSeenAsLayerFirstIsStillWalkedAsManifest) {
  HandLayout layout(path("L"));
  HandImage a = layout.add("a");
  HandImage b = layout.add("b");
  Descriptor b_as_layer = b.manifest;
  b_as_layer.media_type = std::string(media_type::kOciLayerTar);
  std::string odd = manifest_bytes(a.config, {b_as_layer});
  layout.put(odd);
  Descriptor odd_manifest = describe(media_type::kOciManifest, odd);
  add_index(layout,
            json::array({platform_entry(odd_manifest, false), platform_entry(b.manifest, true)}),
            "multi");
  auto r = import_image(lease(), loc("oci:" + path("L").string() + ":multi"), ref("t/m:1"));
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_TRUE(store().has_blob(b.config.digest));
  EXPECT_TRUE(store().has_blob(b.layer.digest));
}

// Finding 3: a document the store has but the layout lacks is read from the
// store to walk its children.
TEST_F(TransportTest, DocumentOnlyTheStoreHasIsReadFromTheStore) {
  HandLayout layout(path("L"));
  HandImage x = layout.add("x");
  ASSERT_TRUE(import_image(lease(), loc("oci:" + path("L").string() + ":x"), ref("t/x:1")).is_ok());
  add_index(layout, json::array({platform_entry(x.manifest, true)}), "multi");
  for (const Descriptor* d : {&x.manifest, &x.config, &x.layer})
    std::filesystem::remove(layout.blob(d->digest));
  auto r = import_image(lease(), loc("oci:" + path("L").string() + ":multi"), ref("t/x:2"));
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_EQ(r.value().blobs_added, 1u);  // the index
  EXPECT_EQ(r.value().blobs_present, 3u);
}

// Finding 4: nesting is bounded (a work list, and a depth cap naming the blob),
// so a long chain of indexes is an error, not a stack overflow.
TEST_F(TransportTest, DeeplyNestedIndexesAreRefused) {
  HandLayout layout(path("L"));
  HandImage x = layout.add("x");
  Descriptor inner = x.manifest;
  for (int i = 0; i < 20; ++i)
    inner = add_index(layout, json::array({platform_entry(inner, true)}), i == 19 ? "deep" : "");
  auto r = import_image(lease(), loc("oci:" + path("L").string() + ":deep"), ref("t/d:1"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("nested more than 8 deep"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("blobs/sha256/"), std::string::npos);
  // Eight levels are fine.
  Descriptor ok = x.manifest;
  for (int i = 0; i < 8; ++i)
    ok = add_index(layout, json::array({platform_entry(ok, true)}), i == 7 ? "eight" : "");
  auto fine = import_image(lease(), loc("oci:" + path("L").string() + ":eight"), ref("t/d:1"));
  EXPECT_TRUE(fine.is_ok()) << fine.error().to_string();
}

// Finding 14: an ambiguous tag is kInvalidArgument, as the header says.
TEST_F(TransportTest, AmbiguousTagIsInvalidArgument) {
  HandLayout layout(path("L"));
  layout.add("repo/x:b");
  layout.add("other/y:b");
  auto r = import_image(lease(), loc("oci:" + path("L").string() + ":b"), ref("t/x:1"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("ambiguous tag 'b'"), std::string::npos);
}

}  // namespace
}  // namespace oci::transport::testing
