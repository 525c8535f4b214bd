#include <gtest/gtest.h>

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "store_fixture.h"

namespace oci::store::testing {
namespace {

using GcTest = StoreTest;

std::size_t blob_count(const std::filesystem::path& root) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root / "blobs")) {
    n += e.is_regular_file() ? 1 : 0;
  }
  return n;
}

TEST_F(GcTest, RemovesExactlyTheUnreferencedBlobs) {
  Store store = open();
  auto lease = store.lease().value();
  TestImage image = put_image(lease, "kept");
  std::string index = index_bytes({image.manifest});
  Descriptor index_desc = describe(media_type::kOciIndex, index);
  ASSERT_TRUE(lease.put_blob(index).is_ok());
  ASSERT_TRUE(lease.set_ref(make_ref("app:1"), index_desc));
  std::string orphan = "nobody points at me";
  Digest orphan_digest = lease.put_blob(orphan).value();
  TestImage unreferenced = put_image(lease, "dropped");
  // A stale ingest file, as a crashed importer leaves it.
  write_file(root() / "ingest" / "999999-0", "half");
  { auto end = std::move(lease); }

  GcReport report = store.gc().value();
  EXPECT_EQ(report.blobs_removed, 5u);  // orphan + the four of the unreferenced image
  EXPECT_EQ(report.blobs_kept, 5u);     // index, manifest, config, two layers
  std::uint64_t freed = orphan.size();
  freed += unreferenced.config.size + unreferenced.layer1.size + unreferenced.layer2.size +
           unreferenced.manifest.size;
  EXPECT_EQ(report.bytes_freed, freed);
  EXPECT_EQ(report.ingest_files_removed, 1u);
  EXPECT_TRUE(report.missing.empty());
  EXPECT_TRUE(report.problems.empty());
  for (const Digest& d : image.all())
    EXPECT_TRUE(store.has_blob(d)) << d.str();
  EXPECT_TRUE(store.has_blob(index_desc.digest));
  EXPECT_FALSE(store.has_blob(orphan_digest));
  for (const Digest& d : unreferenced.all())
    EXPECT_FALSE(store.has_blob(d)) << d.str();
  EXPECT_EQ(ingest_files(root()), 0u);

  // Removing the ref frees the rest.
  ASSERT_TRUE(store.remove_ref(make_ref("app:1")));
  report = store.gc().value();
  EXPECT_EQ(report.blobs_removed, 5u);
  EXPECT_EQ(blob_count(root()), 0u);
}

// The syscall a thread is in, from /proc (-1 while running in user space,
// -2 when /proc does not say).
long current_syscall(pid_t tid) {
  std::string text = read_file("/proc/self/task/" + std::to_string(tid) + "/syscall");
  if (text.empty()) return -2;
  if (text[0] == 'r') return -1;  // "running"
  return std::strtol(text.c_str(), nullptr, 10);
}

// Waits until the thread `tid` names is blocked in flock(2). Where /proc
// cannot tell, or after 10 s, it goes on anyway: the test then checks the
// same outcome with a weaker ordering instead of hanging.
void wait_until_in_flock(const std::atomic<pid_t>& tid) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (tid.load() == 0)
    std::this_thread::yield();
  for (;;) {
    const long call = current_syscall(tid.load());
    if (call == SYS_flock) return;
    if (call == -2 || std::chrono::steady_clock::now() > give_up) {
      std::fprintf(stderr, "note: could not see the gc thread block in flock; going on\n");
      return;
    }
    std::this_thread::yield();
  }
}

// An import holds its lease across writing blobs and setting the ref; gc
// started in between waits for the lease and then finds the blobs referenced.
TEST_F(GcTest, WaitsForAnInFlightImport) {
  Store store = open();
  auto lease = store.lease().value();
  TestImage image = put_image(lease, "in flight");

  std::atomic<pid_t> gc_tid{0};
  std::atomic<bool> gc_done{false};
  core::Result<GcReport> report = core::Error(core::ErrorCode::kInternal, "not run");
  std::thread gc_thread([&] {
    gc_tid = static_cast<pid_t>(::syscall(SYS_gettid));
    report = store.gc();
    gc_done = true;
  });
  // Handshake: wait until the gc thread is blocked inside flock(2) on the
  // store lock (it cannot get past it while the lease lives).
  wait_until_in_flock(gc_tid);
  EXPECT_FALSE(gc_done.load());
  ASSERT_TRUE(lease.set_ref(make_ref("imported"), image.manifest));
  { auto end = std::move(lease); }
  gc_thread.join();
  ASSERT_TRUE(report.is_ok()) << report.error().to_string();
  EXPECT_EQ(report.value().blobs_removed, 0u);
  for (const Digest& d : image.all())
    EXPECT_TRUE(store.has_blob(d));
}

// A BlobWriter keeps its lease's lock even when the lease object is gone.
TEST_F(GcTest, AWriterKeepsTheLease) {
  Store store = open();
  std::optional<BlobWriter> writer;
  {
    auto lease = store.lease().value();
    writer.emplace(lease.writer().value());
  }
  ASSERT_TRUE(writer->write("data"));
  std::atomic<pid_t> gc_tid{0};
  std::thread gc_thread([&] {
    gc_tid = static_cast<pid_t>(::syscall(SYS_gettid));
    EXPECT_TRUE(store.gc().is_ok());
  });
  wait_until_in_flock(gc_tid);
  ASSERT_TRUE(writer->commit(sha("data"), 4));
  writer.reset();
  gc_thread.join();
  EXPECT_FALSE(store.has_blob(sha("data")));  // committed but never referenced
}

// Indexes that name themselves or each other (possible only in a damaged
// store, where a file's bytes are not its name) end the walk; their targets
// are kept, the problem is reported, and a missing target does not stop gc.
TEST_F(GcTest, SurvivesSelfReferenceCyclesAndMissingBlobs) {
  Store store = open();
  auto lease = store.lease().value();
  TestImage image = put_image(lease, "cyclic");
  Digest self = sha("self"), a = sha("a"), b = sha("b");
  auto index_naming = [&](const Digest& target, const Descriptor& extra) {
    json j = json::parse(index_bytes({extra}));
    j["manifests"].push_back(
        {{"mediaType", media_type::kOciIndex}, {"digest", target.str()}, {"size", 1}});
    return j.dump();
  };
  auto blob_file = [&](const Digest& d) {
    return root() / "blobs" / "sha256" / std::string(d.encoded());
  };
  write_file(blob_file(self), index_naming(self, image.manifest));
  write_file(blob_file(a), index_naming(b, image.manifest));
  write_file(blob_file(b), index_naming(a, image.manifest));
  Descriptor missing = describe(media_type::kOciManifest, "gone");
  json index{{"schemaVersion", 2},
             {"manifests",
              {{{"mediaType", media_type::kOciIndex}, {"digest", self.str()}, {"size", 1}},
               {{"mediaType", media_type::kOciIndex}, {"digest", a.str()}, {"size", 1}},
               descriptor_json(missing)}}};
  write_file(root() / "index.json", index.dump());
  Digest orphan = lease.put_blob("orphan").value();
  { auto end = std::move(lease); }

  GcReport report = store.gc().value();
  EXPECT_EQ(report.blobs_removed, 1u);
  EXPECT_FALSE(store.has_blob(orphan));
  for (const Digest& d : {self, a, b})
    EXPECT_TRUE(store.has_blob(d));
  for (const Digest& d : image.all())
    EXPECT_TRUE(store.has_blob(d));
  ASSERT_EQ(report.missing.size(), 1u);
  EXPECT_NE(report.missing[0].find(missing.digest.str()), std::string::npos);
  EXPECT_FALSE(report.problems.empty());  // the self-naming index is refused by the model
}

}  // namespace
}  // namespace oci::store::testing
