// What an image archive may not do to us: name things we would mis-read
// (non-ASCII names in the C locale, duplicate entries), make us exec
// programs, leave trees we cannot remove, or be read twice from a FIFO;
// and what it may do (pad gzip with NULs, carry entries a layout never uses).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <unistd.h>

#include <clocale>
#include <cstdlib>

#include "oci/transport/gzip_stream.h"
#include "oci/transport/temp_dir.h"
#include "transport_fixture.h"

namespace oci::transport::testing {
namespace {

struct RawEntry {
  std::string name, data;
  unsigned type = AE_IFREG;
};

// A pax tar written in a UTF-8 locale, so non-ASCII names are stored as
// UTF-8 path headers that the C locale (the process's) cannot convert.
void write_utf8_tar(const std::filesystem::path& file, const std::vector<RawEntry>& entries) {
  const std::string saved = std::setlocale(LC_ALL, nullptr);
  ASSERT_NE(std::setlocale(LC_ALL, "C.UTF-8"), nullptr) << "no C.UTF-8 locale";
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  ASSERT_EQ(archive_write_open_filename(a, file.c_str()), ARCHIVE_OK);
  for (const RawEntry& r : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, r.name.c_str());
    archive_entry_set_filetype(e, r.type);
    archive_entry_set_perm(e, 0644);
    if (r.type == AE_IFREG) archive_entry_set_size(e, static_cast<la_int64_t>(r.data.size()));
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK) << archive_error_string(a);
    if (!r.data.empty()) archive_write_data(a, r.data.data(), r.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  std::setlocale(LC_ALL, saved.c_str());
}

class ArchiveHardening : public TransportTest {
 protected:
  // An oci-archive's entries for one image of the store, plus `extra`.
  std::vector<RawEntry> layout_entries() {
    auto l = lease();
    auto image = store::testing::put_image(l, "x");
    EXPECT_TRUE(l.set_ref(ref("t/x:1"), image.manifest).is_ok());
    EXPECT_TRUE(export_image(store(), ref("t/x:1"), loc("oci:" + path("layout").string())).is_ok());
    std::vector<RawEntry> entries;
    for (const auto& [name, bytes] : tree_files(path("layout")))
      entries.push_back({name, bytes});
    return entries;
  }
  // A docker archive of one plain layer, plus `extra` entries.
  std::filesystem::path docker_archive(const std::vector<RawEntry>& extra) {
    write_tar(path("layer.tar"), {{"hello.txt", "hello\n", ""}});
    const std::string layer = read_file(path("layer.tar"));
    const std::string config =
        json{{"architecture", "amd64"},
             {"os", "linux"},
             {"rootfs", {{"type", "layers"}, {"diff_ids", {Digest::sha256_of(layer).str()}}}}}
            .dump();
    std::vector<RawEntry> entries = {
        {"l/layer.tar", layer},
        {"cfg.json", config},
        {"manifest.json",
         json::array(
             {{{"Config", "cfg.json"}, {"RepoTags", {"hand/made:1"}}, {"Layers", {"l/layer.tar"}}}})
             .dump()}};
    entries.insert(entries.end(), extra.begin(), extra.end());
    write_utf8_tar(path("docker.tar"), entries);
    return path("docker.tar");
  }
};

// Findings 5 and 12: entries a layout never uses are skipped (here a FIFO
// and a deep tree, once refused or extracted), and a UTF-8 name the C
// locale cannot convert (ARCHIVE_WARN) does not abort the import.
TEST_F(ArchiveHardening, OciArchiveSkipsWhatALayoutDoesNotUse) {
  std::vector<RawEntry> entries = layout_entries();
  entries.push_back(
      {"R\xc3\xa9"
       "adme",
       "notes"});
  entries.push_back({"extra/fifo", "", AE_IFIFO});
  std::string deep = "deep";
  for (int i = 0; i < 50; ++i)
    deep += "/d";
  entries.push_back({deep + "/file", "x"});
  entries.push_back({"blobs/sha256/nested/too/deep", "x"});
  write_utf8_tar(path("a.tar"), entries);
  auto r = import_image(lease(), loc("oci-archive:" + path("a.tar").string() + ":1"), ref("t/y:1"));
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
}

// Finding 12: the same for a docker archive.
TEST_F(ArchiveHardening, DockerArchiveAcceptsNamesTheLocaleCannotConvert) {
  auto file =
      docker_archive({{"\xc3\xbc"
                       "ber.txt",
                       "x"}});
  auto r = import_image(lease(), loc("docker-archive:" + file.string()), ref("t/d:1"));
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
}

// Finding 11: two entries for one path ("./cfg.json" and "cfg.json" are
// the same) are refused, whichever file they are.
TEST_F(ArchiveHardening, DockerArchiveRefusesDuplicateEntries) {
  for (const char* name : {"./cfg.json", "manifest.json", "l/layer.tar"}) {
    auto file = docker_archive({{name, "[]"}});
    auto r = import_image(lease(), loc("docker-archive:" + file.string()), ref("t/d:1"));
    ASSERT_FALSE(r.is_ok()) << name;
    EXPECT_NE(r.error().message().find("more than one entry"), std::string::npos)
        << r.error().message();
  }
  EXPECT_TRUE(refs().empty());
}

// Finding 17: a docker archive is read twice, so a FIFO is refused up front
// (rather than blocking, or reading nothing the second time).
TEST_F(ArchiveHardening, DockerArchiveMustBeARegularFile) {
  ASSERT_EQ(::mkfifo(path("pipe").c_str(), 0600), 0);
  auto r = import_image(lease(), loc("docker-archive:" + path("pipe").string()), ref("t/d:1"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("not a regular file"), std::string::npos)
      << r.error().message();
}

// Finding 10: no decompressor is run as an external program. An lrzip
// header would make libarchive's "all" filters exec `lrzip` from PATH.
TEST_F(ArchiveHardening, NoExternalDecompressorIsRun) {
  const std::filesystem::path bin = path("bin");
  const std::filesystem::path marker = path("ran");
  write_file(bin / "lrzip", "#!/bin/sh\ntouch " + marker.string() + "\ncat >/dev/null\n");
  std::filesystem::permissions(bin / "lrzip", std::filesystem::perms::owner_all);
  write_file(path("x.tar"), std::string("LRZI\0\x06", 6) + std::string(4096, 'z'));
  const std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", (bin.string() + ":" + old_path).c_str(), 1);
  auto r = import_image(lease(), loc("oci-archive:" + path("x.tar").string()), ref("t/z:1"));
  ::setenv("PATH", old_path.c_str(), 1);
  EXPECT_FALSE(r.is_ok());
  EXPECT_FALSE(std::filesystem::exists(marker));
}

// Finding 5: a temp dir deeper than the descriptors we may open is still
// removed in full.
TEST_F(ArchiveHardening, TempDirRemovesDeepTrees) {
  std::filesystem::path top;
  {
    auto temp = TempDir::create();
    ASSERT_TRUE(temp.is_ok());
    top = temp.value().path();
    // 1200 levels, made one mkdirat at a time (the whole path stays below
    // PATH_MAX, which nftw needs; remove_all needed a descriptor per level).
    int fd = ::open(top.c_str(), O_RDONLY | O_DIRECTORY);
    for (int i = 0; i < 1200 && fd >= 0; ++i) {
      ASSERT_EQ(::mkdirat(fd, "d", 0700), 0);
      int next = ::openat(fd, "d", O_RDONLY | O_DIRECTORY);
      ::close(fd);
      fd = next;
    }
    ASSERT_GE(fd, 0);
    ::close(fd);
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    rlimit low = saved;
    low.rlim_cur = 256;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
    { TempDir gone = std::move(temp).value(); }
    ::setrlimit(RLIMIT_NOFILE, &saved);
  }
  EXPECT_FALSE(std::filesystem::exists(top));
}

// Finding 15: NULs after the last gzip member are padding (gzip -d accepts
// them); other bytes after the padding are not.
TEST(GzipStream, TrailingNulPaddingIsAccepted) {
  std::string gz;
  auto deflater = GzipDeflater::create([&](std::string_view b) {
    gz.append(b);
    return core::Status();
  });
  ASSERT_TRUE(deflater.is_ok());
  ASSERT_TRUE(deflater.value().write("hello").is_ok());
  ASSERT_TRUE(deflater.value().finish().is_ok());
  std::string plain;
  auto inflater = GzipInflater::create([&](std::string_view b) {
    plain.append(b);
    return core::Status();
  });
  ASSERT_TRUE(inflater.is_ok());
  auto w1 = inflater.value().write(gz + std::string(100, '\0'));
  ASSERT_TRUE(w1.is_ok()) << w1.error().to_string();
  ASSERT_TRUE(inflater.value().write(std::string(412, '\0')).is_ok());
  ASSERT_TRUE(inflater.value().finish().is_ok());
  EXPECT_EQ(plain, "hello");
  EXPECT_FALSE(inflater.value().write("garbage").is_ok());
}

}  // namespace
}  // namespace oci::transport::testing
