#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include "store_fixture.h"

namespace oci::store::testing {
namespace {

using RefTest = StoreTest;

TEST(ParseRefTest, NamesAndTags) {
  EXPECT_EQ(parse_ref("busybox").value(), (Ref{"busybox", "latest"}));
  EXPECT_EQ(parse_ref("library/busy_box.x-y:1.36").value(), (Ref{"library/busy_box.x-y", "1.36"}));
  EXPECT_EQ(parse_ref("a/b/c:_T.1-x").value().str(), "a/b/c:_T.1-x");
  EXPECT_EQ(parse_ref("a:" + std::string(128, 't')).value().tag.size(), 128u);
}

TEST(ParseRefTest, BadNamesAndTagsNameTheField) {
  for (const char* bad : {"", ":tag", "Busybox", "a//b", "/a", "a/", "a..b", "-a", "a-", "a b",
                          "a/B", "a@sha256:00", "a_-b"}) {
    auto r = parse_ref(bad);
    ASSERT_FALSE(r.is_ok()) << bad;
    EXPECT_EQ(r.error().code(), core::ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.error().context().field, "name") << bad;
  }
  for (const char* bad : {"a:", "a:.x", "a:-x", "a:x y", "a:x$"}) {
    auto r = parse_ref(bad);
    ASSERT_FALSE(r.is_ok()) << bad;
    EXPECT_EQ(r.error().context().field, "tag") << bad;
    EXPECT_NE(r.error().message().find("invalid tag"), std::string::npos) << bad;
  }
  // A colon before a slash or a second colon is part of the name (a registry
  // host:port is not the store's business), so the name is what is wrong.
  EXPECT_EQ(parse_ref("a:x/y").error().context().field, "name");
  EXPECT_EQ(parse_ref("a:x:y").error().context().field, "name");
  EXPECT_EQ(parse_ref("a:.x").error().context().field, "tag");
  EXPECT_EQ(parse_ref("a:" + std::string(129, 't')).error().context().field, "tag");
  EXPECT_EQ(parse_ref(std::string(256, 'a')).error().context().field, "name");
}

TEST_F(RefTest, SetResolveListRemove) {
  Store store = open();
  auto lease = store.lease().value();
  TestImage a = put_image(lease, "a");
  TestImage b = put_image(lease, "b");
  ASSERT_TRUE(lease.set_ref(make_ref("app"), a.manifest));
  ASSERT_TRUE(lease.set_ref(make_ref("app:v2"), b.manifest));
  EXPECT_EQ(store.resolve(make_ref("app:latest")).value().digest, a.manifest.digest);
  EXPECT_EQ(store.resolve(make_ref("app:v2")).value().digest, b.manifest.digest);
  // Replacing keeps one entry.
  ASSERT_TRUE(lease.set_ref(make_ref("app"), b.manifest));
  auto refs = store.list_refs().value();
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].name, "app:latest");
  EXPECT_EQ(refs[0].descriptor.digest, b.manifest.digest);
  ASSERT_TRUE(store.remove_ref(make_ref("app")));
  EXPECT_EQ(store.resolve(make_ref("app")).error().code(), core::ErrorCode::kNotFound);
  EXPECT_EQ(store.remove_ref(make_ref("app")).error().code(), core::ErrorCode::kNotFound);
  EXPECT_EQ(store.list_refs().value().size(), 1u);
  // index.json stays a valid index the spec model reads.
  json index = json::parse(read_file(root() / "index.json"));
  EXPECT_EQ(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"], "app:v2");
}

// Each bad descriptor is refused with the object named, and index.json is
// byte for byte what it was.
TEST_F(RefTest, BadDescriptorsLeaveTheIndexUnchanged) {
  Store store = open();
  auto lease = store.lease().value();
  TestImage image = put_image(lease, "x");
  ASSERT_TRUE(lease.set_ref(make_ref("keep"), image.manifest));
  const std::string before = read_file(root() / "index.json");

  Descriptor unknown = image.manifest;
  unknown.media_type = "application/x-unknown";
  core::Status s = lease.set_ref(make_ref("bad"), unknown);
  EXPECT_EQ(s.error().context().field, "mediaType");
  EXPECT_NE(s.error().message().find("unknown media type"), std::string::npos);

  Descriptor missing = describe(media_type::kOciManifest, "not stored");
  s = lease.set_ref(make_ref("bad"), missing);
  EXPECT_EQ(s.error().code(), core::ErrorCode::kNotFound);
  EXPECT_NE(s.error().message().find(missing.digest.str()), std::string::npos);

  Descriptor wrong_size = image.manifest;
  wrong_size.size += 1;
  s = lease.set_ref(make_ref("bad"), wrong_size);
  EXPECT_EQ(s.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().context().field, "digest.size");

  Descriptor wrong_kind = image.manifest;
  wrong_kind.media_type = std::string(media_type::kOciIndex);
  s = lease.set_ref(make_ref("bad"), wrong_kind);
  EXPECT_EQ(s.error().context().field, "mediaType");
  EXPECT_NE(s.error().message().find("OCI image manifest"), std::string::npos);

  // Bad JSON under a manifest media type.
  Digest junk = lease.put_blob("{not json").value();
  Descriptor bad_json = describe(media_type::kOciManifest, "{not json");
  s = lease.set_ref(make_ref("bad"), bad_json);
  EXPECT_EQ(s.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message().find(junk.str()), std::string::npos);

  // A manifest whose layer is not in the store: the image is incomplete.
  Descriptor absent_layer = describe(media_type::kOciLayerTar, "never written");
  std::string manifest = manifest_bytes(image.config, {image.layer1, absent_layer});
  ASSERT_TRUE(lease.put_blob(manifest).is_ok());
  s = lease.set_ref(make_ref("bad"), describe(media_type::kOciManifest, manifest));
  EXPECT_EQ(s.error().code(), core::ErrorCode::kNotFound);
  EXPECT_EQ(s.error().context().field, "layers[1]");
  EXPECT_NE(s.error().message().find(absent_layer.digest.str()), std::string::npos);

  // A document stored under a digest that is not its own (a manifest that
  // "refers to itself" can only exist this way): refused as corrupt.
  std::string self = index_bytes({image.manifest});
  Digest claimed = sha("claimed");
  write_file(root() / "blobs" / "sha256" / std::string(claimed.encoded()), self);
  Descriptor self_desc;
  self_desc.media_type = std::string(media_type::kOciIndex);
  self_desc.digest = claimed;
  self_desc.size = static_cast<std::int64_t>(self.size());
  s = lease.set_ref(make_ref("bad"), self_desc);
  EXPECT_EQ(s.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(s.error().message().find("corrupt"), std::string::npos);

  EXPECT_EQ(read_file(root() / "index.json"), before);
}

TEST_F(RefTest, DuplicateRefsInIndexJsonAreAStoreError) {
  Store store = open();
  auto lease = store.lease().value();
  TestImage image = put_image(lease, "d");
  json entry = descriptor_json(image.manifest);
  entry["annotations"] = {{"org.opencontainers.image.ref.name", "app:1"}};
  json index{{"schemaVersion", 2}, {"manifests", {entry, entry}}};
  write_file(root() / "index.json", index.dump());
  const std::string before = read_file(root() / "index.json");
  auto refs = store.list_refs();
  ASSERT_FALSE(refs.is_ok());
  EXPECT_EQ(refs.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(refs.error().message().find("'app:1' names two entries"), std::string::npos);
  EXPECT_EQ(refs.error().context().field,
            "manifests[1].annotations[\"org.opencontainers.image.ref.name\"]");
  EXPECT_FALSE(lease.set_ref(make_ref("other"), image.manifest));
  EXPECT_EQ(read_file(root() / "index.json"), before);
}

// Several processes set distinct refs many times at once: every update lands
// (index.lock serialises the read-modify-write) and index.json stays whole.
TEST_F(RefTest, ConcurrentSetRefFromProcesses) {
  Store store = open();
  TestImage image;
  {
    auto lease = store.lease().value();
    image = put_image(lease, "shared");
  }
  constexpr int kProcesses = 4, kRefs = 8, kRounds = 3;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int failures = 0;
      auto child_store = Store::open(root());
      if (!child_store) ::_exit(100);
      for (int round = 0; round < kRounds; ++round) {
        for (int r = 0; r < kRefs; ++r) {
          auto lease = child_store.value().lease();
          if (!lease) ::_exit(101);
          std::string name = "proc" + std::to_string(p) + "/img:t" + std::to_string(r);
          if (!lease.value().set_ref(make_ref(name), image.manifest)) ++failures;
        }
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  auto refs = store.list_refs().value();
  EXPECT_EQ(refs.size(), static_cast<std::size_t>(kProcesses * kRefs));
  for (int p = 0; p < kProcesses; ++p) {
    for (int r = 0; r < kRefs; ++r) {
      std::string name = "proc" + std::to_string(p) + "/img:t" + std::to_string(r);
      EXPECT_TRUE(store.resolve(make_ref(name)).is_ok()) << name;
    }
  }
  // No index.json temp file was left behind.
  for (const auto& e : std::filesystem::directory_iterator(root())) {
    EXPECT_EQ(e.path().filename().string().find("index.json.tmp-"), std::string::npos);
  }
}

// Strings JSON cannot carry are refused naming the field, never thrown out
// of dump(); index.json stays as it was.
TEST_F(RefTest, NonUtf8DescriptorStringsAreRefused) {
  Store store = open();
  auto lease = store.lease().value();
  TestImage image = put_image(lease, "utf8");
  ASSERT_TRUE(lease.set_ref(make_ref("keep"), image.manifest));
  const std::string before = read_file(root() / "index.json");
  const std::string bad = "caf\xc3";  // truncated sequence

  Descriptor d = image.manifest;
  d.annotations["note"] = bad;
  core::Status s = lease.set_ref(make_ref("bad"), d);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().context().field, "annotations.note");
  EXPECT_NE(s.error().message().find("UTF-8"), std::string::npos);

  d = image.manifest;
  d.urls = {"https://ok", "https://\xed\xa0\x80"};  // a surrogate
  EXPECT_EQ(lease.set_ref(make_ref("bad"), d).error().context().field, "urls[1]");

  d = image.manifest;
  d.platform = Platform{};
  d.platform->os = "linux";
  d.platform->architecture = "amd\xff";
  EXPECT_EQ(lease.set_ref(make_ref("bad"), d).error().context().field, "platform.architecture");

  d = image.manifest;
  d.annotations["\xc0\x80"] = "overlong key";
  EXPECT_EQ(lease.set_ref(make_ref("bad"), d).error().context().field, "annotations");

  d = image.manifest;
  d.annotations["note"] = "caf\xc3\xa9 \xf0\x9f\x93\xa6";  // valid: accepted
  EXPECT_TRUE(lease.set_ref(make_ref("good"), d));
  EXPECT_EQ(store.resolve(make_ref("good")).value().annotations.at("note"), d.annotations["note"]);
  ASSERT_TRUE(store.remove_ref(make_ref("good")));
  EXPECT_EQ(json::parse(read_file(root() / "index.json")), json::parse(before));
}

}  // namespace
}  // namespace oci::store::testing
