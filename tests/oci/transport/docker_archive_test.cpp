// import_image from `docker-archive:`: skopeo's archives (legacy layout
// with symlinked layers), and hand-made ones.
#include <gtest/gtest.h>

#include "oci/manifest.h"
#include "oci/media_types.h"
#include "transport_fixture.h"

namespace oci::transport::testing {
namespace {

TEST_F(TransportTest, ImportsSkopeosDockerArchive) {
  REQUIRE_TOOL("umoci");
  REQUIRE_TOOL("skopeo");
  std::filesystem::path layout = umoci_layout("umoci", "v1");
  std::filesystem::path archive = path("docker.tar");
  ASSERT_EQ(run("skopeo --insecure-policy copy oci:" + layout.string() +
                ":v1 docker-archive:" + archive.string() + ":foo/bar:v1"),
            0);
  auto result = import_image(lease(), loc("docker-archive:" + archive.string() + ":foo/bar:v1"),
                             ref("t/d:1"));
  ASSERT_TRUE(result.is_ok()) << result.error().to_string();
  auto manifest = parse_manifest(store().read_blob(result.value().image.digest).value());
  ASSERT_TRUE(manifest.is_ok());
  // The config is kept byte for byte: same digest as in umoci's layout.
  json index = json::parse(read_file(layout / "index.json"));
  Digest source_manifest =
      Digest::parse(index["manifests"][0]["digest"].get<std::string>()).value();
  json source =
      json::parse(read_file(layout / "blobs/sha256" / std::string(source_manifest.encoded())));
  EXPECT_EQ(manifest.value().config.digest.str(), source["config"]["digest"]);
  EXPECT_EQ(manifest.value().config.media_type, media_type::kOciConfig);
  ASSERT_EQ(manifest.value().layers.size(), 1u);
  EXPECT_EQ(manifest.value().layers[0].media_type, media_type::kOciLayerTar);
  EXPECT_TRUE(store().verify_blob(manifest.value().layers[0].digest).is_ok());

  // docker.io/ prefixes and a missing selector.
  EXPECT_TRUE(
      import_image(lease(), loc("docker-archive:" + archive.string()), ref("t/d:2")).is_ok());
  auto unknown =
      import_image(lease(), loc("docker-archive:" + archive.string() + ":other:v1"), ref("t/d:3"));
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.error().message().find("no image tagged 'other:v1'"), std::string::npos);
  EXPECT_NE(unknown.error().message().find("foo/bar:v1"), std::string::npos)
      << unknown.error().message();
}

// A docker archive written by hand: layer.tar (plain or gzip), a config
// whose diff_ids are `diff_ids`, manifest.json.
class HandDockerArchive : public TransportTest {
 protected:
  std::string layer_tar() {
    std::filesystem::path t = path("layer.tar");
    write_tar(t, {{"hello.txt", "hello from a layer\n", ""}});
    return read_file(t);
  }
  std::filesystem::path make(const std::string& layer, const std::vector<std::string>& diff_ids,
                             bool with_manifest = true) {
    std::string config = json{{"architecture", "amd64"},
                              {"os", "linux"},
                              {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}}
                             .dump();
    std::vector<TarEntry> entries = {{"abc/layer.tar", layer, ""}, {"cfg.json", config, ""}};
    if (with_manifest) {
      entries.push_back({"manifest.json",
                         json::array({{{"Config", "cfg.json"},
                                       {"RepoTags", {"hand/made:1"}},
                                       {"Layers", {"abc/layer.tar"}}}})
                             .dump(),
                         ""});
    }
    std::filesystem::path file = path("docker.tar");
    write_tar(file, entries);
    return file;
  }
};

TEST_F(HandDockerArchive, PlainLayer) {
  std::string tar = layer_tar();
  auto file = make(tar, {Digest::sha256_of(tar).str()});
  auto result =
      import_image(lease(), loc("docker-archive:" + file.string() + ":hand/made:1"), ref("t/h:1"));
  ASSERT_TRUE(result.is_ok()) << result.error().to_string();
  auto manifest = parse_manifest(store().read_blob(result.value().image.digest).value()).value();
  EXPECT_EQ(manifest.layers[0].digest, Digest::sha256_of(tar));
  EXPECT_EQ(manifest.layers[0].media_type, media_type::kOciLayerTar);
}

TEST_F(HandDockerArchive, GzipLayerIsSniffedAndItsDiffIdChecked) {
  REQUIRE_TOOL("gzip");
  std::string tar = layer_tar();
  ASSERT_EQ(run("gzip -n -k -f " + path("layer.tar").string()), 0);
  std::string gz = read_file(path("layer.tar.gz"));
  auto file = make(gz, {Digest::sha256_of(tar).str()});
  auto result = import_image(lease(), loc("docker-archive:" + file.string()), ref("t/h:1"));
  ASSERT_TRUE(result.is_ok()) << result.error().to_string();
  auto manifest = parse_manifest(store().read_blob(result.value().image.digest).value()).value();
  EXPECT_EQ(manifest.layers[0].digest, Digest::sha256_of(gz));
  EXPECT_EQ(manifest.layers[0].media_type, media_type::kOciLayerTarGzip);
  EXPECT_EQ(store().read_blob(manifest.layers[0].digest).value(), gz);
}

// Old `docker save` writes a repeated layer once and links the others to it.
TEST_F(TransportTest, DockerLinkedLayersAreFollowed) {
  write_tar(path("layer.tar"), {{"f", "data", ""}});
  std::string tar = read_file(path("layer.tar"));
  std::string diff = Digest::sha256_of(tar).str();
  std::string config = json{{"architecture", "amd64"},
                            {"os", "linux"},
                            {"rootfs", {{"type", "layers"}, {"diff_ids", {diff, diff, diff}}}}}
                           .dump();
  write_tar(
      path("d.tar"),
      {{"a/layer.tar", tar, "", ""},
       {"b/layer.tar", "", "../a/layer.tar", ""},
       {"c/layer.tar", "", "", "a/layer.tar"},
       {"c.json", config, "", ""},
       {"manifest.json",
        R"([{"Config":"c.json","Layers":["a/layer.tar","b/layer.tar","c/layer.tar"]}])", "", ""}});
  std::vector<std::uint64_t> totals;
  auto result = import_image(lease(), loc("docker-archive:" + path("d.tar").string()), ref("t/h:1"),
                             [&](std::uint64_t done, std::uint64_t total, std::string_view what) {
                               EXPECT_EQ(what, "a/layer.tar");
                               EXPECT_LE(done, total);
                               totals.push_back(total);
                             });
  ASSERT_TRUE(result.is_ok()) << result.error().to_string();
  auto manifest = parse_manifest(store().read_blob(result.value().image.digest).value()).value();
  ASSERT_EQ(manifest.layers.size(), 3u);
  EXPECT_EQ(manifest.layers[2].digest, Digest::sha256_of(tar));
  ASSERT_FALSE(totals.empty());
  EXPECT_EQ(totals.back(), tar.size());
  // One layer, the config, the manifest.
  EXPECT_EQ(result.value().blobs_added, 3u);
}

TEST_F(TransportTest, DockerLinkOutOfTheArchiveIsRefused) {
  write_tar(path("d.tar"),
            {{"a/layer.tar", "", "../../etc/passwd", ""},
             {"manifest.json", R"([{"Config":"c.json","Layers":["a/layer.tar"]}])", "", ""}});
  auto result =
      import_image(lease(), loc("docker-archive:" + path("d.tar").string()), ref("t/h:1"));
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.error().message().find("symlink leads outside the archive"), std::string::npos)
      << result.error().message();
}

TEST_F(HandDockerArchive, DiffIdMismatchNamesTheLayer) {
  std::string tar = layer_tar();
  auto file = make(tar, {Digest::sha256_of("something else").str()});
  auto result = import_image(lease(), loc("docker-archive:" + file.string()), ref("t/h:1"));
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(
      result.error().message().rfind("manifest.json: Layers[0]: 'abc/layer.tar' has diff id", 0),
      0u)
      << result.error().message();
  EXPECT_TRUE(refs().empty());
}

TEST_F(HandDockerArchive, DiffIdCountMismatch) {
  std::string tar = layer_tar();
  auto file = make(tar, {});
  auto result = import_image(lease(), loc("docker-archive:" + file.string()), ref("t/h:1"));
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.error().message().find("1 layers, but cfg.json has 0 rootfs.diff_ids"),
            std::string::npos)
      << result.error().message();
}

TEST_F(HandDockerArchive, ManifestJsonMissing) {
  std::string tar = layer_tar();
  auto file = make(tar, {Digest::sha256_of(tar).str()}, false);
  auto result = import_image(lease(), loc("docker-archive:" + file.string()), ref("t/h:1"));
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.error().code(), core::ErrorCode::kNotFound);
  EXPECT_NE(result.error().message().find("manifest.json missing"), std::string::npos);
  EXPECT_TRUE(refs().empty());
}

TEST_F(TransportTest, DockerManifestJsonErrorsNameTheField) {
  write_tar(path("d.tar"), {{"manifest.json", R"([{"Config":"c.json","Layers":[7]}])", ""}});
  auto result =
      import_image(lease(), loc("docker-archive:" + path("d.tar").string()), ref("t/h:1"));
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.error().message().find("manifest.json: [0].Layers[0]"), std::string::npos)
      << result.error().message();
}

TEST_F(TransportTest, DockerLayerMissingFromTheArchive) {
  std::string config =
      json{{"architecture", "amd64"},
           {"os", "linux"},
           {"rootfs", {{"type", "layers"}, {"diff_ids", {Digest::sha256_of("x").str()}}}}}
          .dump();
  write_tar(path("d.tar"),
            {{"c.json", config, ""},
             {"manifest.json", R"([{"Config":"c.json","Layers":["gone/layer.tar"]}])", ""}});
  auto result =
      import_image(lease(), loc("docker-archive:" + path("d.tar").string()), ref("t/h:1"));
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.error().message().find("'gone/layer.tar' is not in the archive"),
            std::string::npos)
      << result.error().message();
}

}  // namespace
}  // namespace oci::transport::testing
