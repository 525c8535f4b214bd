#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
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

// A committed writer has released its lock: once the lease object is gone
// too, gc on this very thread runs (before the fix it waited for itself).
TEST_F(GcTest, ACommittedWriterReleasesTheLease) {
  Store store = open();
  std::optional<BlobWriter> writer;
  std::optional<BlobWriter> failed;
  {
    auto lease = store.lease().value();
    writer.emplace(lease.writer().value());
    failed.emplace(lease.writer().value());
  }
  ASSERT_TRUE(writer->write("data"));
  ASSERT_TRUE(writer->commit(sha("data"), 4));
  ASSERT_TRUE(failed->write("oops"));
  ASSERT_FALSE(failed->commit(sha("data"), 4));  // a failed commit ends the writer too
  // Both writer objects are still alive. Prove without blocking that
  // nobody holds store.lock any more...
  int fd = ::open((root() / "store.lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0) << "a committed writer still holds the lease";
  ::close(fd);
  // ...then run gc here.
  auto report = store.gc();
  ASSERT_TRUE(report.is_ok()) << report.error().to_string();
  EXPECT_EQ(report.value().blobs_removed, 1u);
}

// Links inside the store aim nowhere: gc neither descends through them nor
// unlinks their targets, and reports them.
TEST_F(GcTest, NeverFollowsSymlinksOutOfTheStore) {
  Store store = open();
  const std::filesystem::path outside = dir_ / "outside";
  const std::string hex(64, 'b');
  write_file(outside / hex, "precious");
  write_file(outside / "victim", "precious");
  // blobs/foo -> a directory outside, whose file has a blob-like name.
  std::filesystem::create_symlink(outside, root() / "blobs" / "foo");
  // An unreferenced blob name that is a link to a file outside.
  const Digest linked = sha("linked");
  const std::filesystem::path link = root() / "blobs" / "sha256" / std::string(linked.encoded());
  std::filesystem::create_symlink(outside / "victim", link);
  // A link in ingest/ to a file outside.
  std::filesystem::create_symlink(outside / "victim", root() / "ingest" / "123-0");
  std::string orphan = "orphan";
  {
    auto lease = store.lease().value();
    ASSERT_TRUE(lease.put_blob(orphan).is_ok());
  }

  GcReport report = store.gc().value();
  EXPECT_TRUE(report.not_swept.empty());
  EXPECT_EQ(report.blobs_removed, 1u);  // only the real orphan
  EXPECT_EQ(read_file(outside / hex), "precious");
  EXPECT_EQ(read_file(outside / "victim"), "precious");
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_TRUE(std::filesystem::is_symlink(root() / "ingest" / "123-0"));
  std::string problems;
  for (const std::string& p : report.problems)
    problems += p + "\n";
  EXPECT_NE(problems.find((root() / "blobs" / "foo").string()), std::string::npos) << problems;
  EXPECT_NE(problems.find(link.string()), std::string::npos) << problems;
  EXPECT_NE(problems.find("123-0"), std::string::npos) << problems;

  // ingest itself a link to a directory outside: gc refuses, naming it.
  std::filesystem::remove_all(root() / "ingest");
  std::filesystem::create_symlink(outside, root() / "ingest");
  auto refused = store.gc();
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().context().file, (root() / "ingest").string());
  EXPECT_NE(refused.error().message().find("symlink"), std::string::npos);
  EXPECT_EQ(read_file(outside / "victim"), "precious");
  EXPECT_EQ(read_file(outside / hex), "precious");
}

// A reachable document that neither the model nor the lenient scan can read
// hides children: gc then deletes nothing and says why.
TEST_F(GcTest, UnscannableReachableDocumentStopsTheSweep) {
  Store store = open();
  auto lease = store.lease().value();
  TestImage image = put_image(lease, "hidden");
  std::string index = index_bytes({image.manifest});
  Descriptor index_desc = describe(media_type::kOciIndex, index);
  ASSERT_TRUE(lease.put_blob(index).is_ok());
  ASSERT_TRUE(lease.set_ref(make_ref("app"), index_desc));
  Digest orphan = lease.put_blob("orphan").value();
  { auto end = std::move(lease); }
  write_file(root() / "ingest" / "999999-0", "half");
  write_file(root() / "index.json.tmp-999999-0", "half");
  const std::filesystem::path index_file =
      root() / "blobs" / "sha256" / std::string(index_desc.digest.encoded());

  // The damaged copies of the index, each still naming the manifest.
  const std::string names_manifest = descriptor_json(image.manifest).dump();
  const std::vector<std::pair<std::string, std::string>> damaged = {
      {"duplicate key",
       R"({"schemaVersion":2,"schemaVersion":2,"manifests":[)" + names_manifest + "]}"},
      {"invalid UTF-8", R"({"schemaVersion":2,"x":")" + std::string("\xff") + R"(","manifests":[)" +
                            names_manifest + "]}"},
      {"too deep", R"({"schemaVersion":2,"x":)" + std::string(100, '[') + std::string(100, ']') +
                       R"(,"manifests":[)" + names_manifest + "]}"},
      {"larger than 16 MiB", R"({"schemaVersion":2,"x":")" + std::string(17u << 20, 'x') +
                                 R"(","manifests":[)" + names_manifest + "]}"},
  };
  for (const auto& [why, bytes] : damaged) {
    write_file(index_file, bytes);
    auto report = store.gc();
    ASSERT_TRUE(report.is_ok()) << why << ": " << report.error().to_string();
    EXPECT_NE(report.value().not_swept.find(index_desc.digest.str()), std::string::npos) << why;
    EXPECT_EQ(report.value().blobs_removed, 0u) << why;
    EXPECT_EQ(report.value().ingest_files_removed, 0u) << why;
    EXPECT_EQ(report.value().temp_files_removed, 0u) << why;
    for (const Digest& d : image.all())
      EXPECT_TRUE(store.has_blob(d)) << why << " " << d.str();
    EXPECT_TRUE(store.has_blob(orphan)) << why;
  }

  // A FIFO in its place cannot be read either (and does not block gc).
  std::filesystem::remove(index_file);
  ASSERT_EQ(::mkfifo(index_file.c_str(), 0644), 0);
  GcReport report = store.gc().value();
  EXPECT_NE(report.not_swept.find("FIFO"), std::string::npos) << report.not_swept;
  EXPECT_EQ(report.blobs_removed, 0u);
  EXPECT_TRUE(store.has_blob(orphan));
  EXPECT_EQ(ingest_files(root()), 1u);

  // Repaired, gc sweeps again: the orphan, the stale ingest and temp files.
  std::filesystem::remove(index_file);
  write_file(index_file, index);
  report = store.gc().value();
  EXPECT_TRUE(report.not_swept.empty()) << report.not_swept;
  EXPECT_EQ(report.blobs_removed, 1u);
  EXPECT_FALSE(store.has_blob(orphan));
  EXPECT_EQ(report.ingest_files_removed, 1u);
  EXPECT_EQ(report.temp_files_removed, 1u);
}

// Root temp files left by a crashed index.json or oci-layout rewrite are
// gc's to remove; everything else in the root is not.
TEST_F(GcTest, RemovesStaleRootTempFiles) {
  Store store = open();
  write_file(root() / "index.json.tmp-4242-7", "{");
  write_file(root() / "oci-layout.tmp-4242-8-00ff00ff00ff00ff", "{");
  write_file(root() / "index.json.bak", "mine");
  std::filesystem::create_directory(root() / "index.json.tmp-dir");
  GcReport report = store.gc().value();
  EXPECT_EQ(report.temp_files_removed, 2u);
  EXPECT_FALSE(std::filesystem::exists(root() / "index.json.tmp-4242-7"));
  EXPECT_FALSE(std::filesystem::exists(root() / "oci-layout.tmp-4242-8-00ff00ff00ff00ff"));
  EXPECT_EQ(read_file(root() / "index.json.bak"), "mine");
  EXPECT_TRUE(std::filesystem::is_directory(root() / "index.json.tmp-dir"));
  EXPECT_EQ(report.problems.size(), 1u);  // the directory, left alone
  EXPECT_TRUE(Store::open(root()).is_ok());
}

}  // namespace
}  // namespace oci::store::testing
