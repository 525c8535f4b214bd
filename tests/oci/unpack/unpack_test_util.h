// tests/oci/unpack/unpack_test_util.h: what the unpack tests share: layer tars
// built in memory with libarchive's pax writer (plus hand-made headers for
// what that writer refuses to produce), a ByteSource over a string that
// hands it out in chosen chunk sizes, and a fixture with a private temp
// directory that checks nothing appears beside the rootfs.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "oci/archive/byte_source.h"
#include "oci/unpack/rootfs_writer.h"

namespace oci::unpack::testing {

// One tar entry to write. `type` is an AE_IF* constant.
struct Entry {
  std::string path;
  unsigned type = AE_IFREG;
  unsigned perm = 0644;
  std::string data;
  std::string symlink;   // for AE_IFLNK
  std::string hardlink;  // non-empty: a hardlink entry to this path
  std::int64_t uid = 0, gid = 0;
  std::int64_t mtime = 1'600'000'000;
  long mtime_nsec = 0;
  unsigned rdev_major = 0, rdev_minor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;
  // Sparse: the data regions (offset, length) of `data`, which holds the
  // whole file; libarchive's writer stores only the regions.
  std::vector<std::pair<std::int64_t, std::int64_t>> regions;
};

inline Entry File(std::string path, std::string data, unsigned perm = 0644) {
  Entry e;
  e.path = std::move(path);
  e.data = std::move(data);
  e.perm = perm;
  return e;
}
inline Entry Dir(std::string path, unsigned perm = 0755) {
  Entry e;
  e.path = std::move(path);
  e.type = AE_IFDIR;
  e.perm = perm;
  return e;
}
inline Entry Symlink(std::string path, std::string target) {
  Entry e;
  e.path = std::move(path);
  e.type = AE_IFLNK;
  e.perm = 0777;
  e.symlink = std::move(target);
  return e;
}
inline Entry Hardlink(std::string path, std::string target) {
  Entry e;
  e.path = std::move(path);
  e.hardlink = std::move(target);
  return e;
}
inline Entry Node(std::string path, unsigned type, unsigned major = 0, unsigned minor = 0) {
  Entry e;
  e.path = std::move(path);
  e.type = type;
  e.rdev_major = major;
  e.rdev_minor = minor;
  return e;
}
inline Entry Whiteout(const std::string& dir, const std::string& name) {
  return File(dir.empty() ? ".wh." + name : dir + "/.wh." + name, "");
}
inline Entry Opaque(const std::string& dir) {
  return File(dir.empty() ? ".wh..wh..opq" : dir + "/.wh..wh..opq", "");
}

// A tar of `entries` (pax unless `set_format` says otherwise), with its
// end-of-archive blocks.
inline std::string make_tar(const std::vector<Entry>& entries,
                            int (*set_format)(struct archive*) = archive_write_set_format_pax) {
  std::string out;
  struct archive* a = archive_write_new();
  set_format(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(
      a, &out, nullptr,
      [](struct archive*, void* self, const void* buffer, size_t size) -> la_ssize_t {
        static_cast<std::string*>(self)->append(static_cast<const char*>(buffer), size);
        return static_cast<la_ssize_t>(size);
      },
      nullptr);
  for (const Entry& e : entries) {
    struct archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname_utf8(entry, e.path.c_str());
    archive_entry_set_filetype(entry, e.type);
    archive_entry_set_perm(entry, e.perm);
    archive_entry_set_uid(entry, e.uid);
    archive_entry_set_gid(entry, e.gid);
    archive_entry_set_mtime(entry, e.mtime, e.mtime_nsec);
    if (e.type == AE_IFLNK) archive_entry_set_symlink(entry, e.symlink.c_str());
    if (!e.hardlink.empty()) archive_entry_set_hardlink(entry, e.hardlink.c_str());
    if (e.type == AE_IFCHR || e.type == AE_IFBLK) {
      archive_entry_set_rdevmajor(entry, e.rdev_major);
      archive_entry_set_rdevminor(entry, e.rdev_minor);
    }
    for (const auto& [name, value] : e.xattrs) {
      archive_entry_xattr_add_entry(entry, name.c_str(), value.data(), value.size());
    }
    const bool has_data = e.type == AE_IFREG && e.hardlink.empty();
    archive_entry_set_size(entry, has_data ? static_cast<la_int64_t>(e.data.size()) : 0);
    // After the size: libarchive drops regions that do not fit in it.
    for (const auto& [offset, length] : e.regions) {
      archive_entry_sparse_add_entry(entry, offset, length);
    }
    EXPECT_EQ(archive_write_header(a, entry), ARCHIVE_OK) << archive_error_string(a);
    if (has_data && !e.data.empty()) {
      EXPECT_EQ(archive_write_data(a, e.data.data(), e.data.size()),
                static_cast<la_ssize_t>(e.data.size()))
          << archive_error_string(a);
    }
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// A raw ustar header (no data follows) declaring `size` bytes in base-256,
// so any size fits: what libarchive's writer would never emit by itself.
inline std::string raw_header(const std::string& name, std::uint64_t size, char type = '0') {
  std::string h(512, '\0');
  std::memcpy(&h[0], name.data(), std::min<std::size_t>(name.size(), 100));
  std::memcpy(&h[100], "0000644", 7);
  std::memcpy(&h[108], "0000000", 7);
  std::memcpy(&h[116], "0000000", 7);
  h[124] = static_cast<char>(0x80);  // base-256 size in bytes 124..135
  for (int i = 0; i < 8; ++i)
    h[135 - i] = static_cast<char>((size >> (8 * i)) & 0xff);
  std::memcpy(&h[136], "14000000000", 11);
  h[156] = type;
  std::memcpy(&h[257], "ustar", 6);
  std::memcpy(&h[263], "00", 2);
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h)
    sum += c;
  char checksum[8];
  std::snprintf(checksum, sizeof checksum, "%06o", sum);
  std::memcpy(&h[148], checksum, 7);
  return h;
}

// An old-GNU sparse entry ('S') whose header claims `realsize` while its map
// puts the `data` that follows at offset 0: what libarchive's writer would
// never emit, and what libarchive 3.6's reader does not check.
inline std::string old_gnu_sparse(const std::string& name, std::uint64_t realsize,
                                  const std::string& data) {
  auto octal = [](char* field, std::size_t width, std::uint64_t value) {
    std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                  static_cast<unsigned long long>(value));
  };
  std::string h(512, '\0');
  std::memcpy(&h[0], name.data(), std::min<std::size_t>(name.size(), 100));
  octal(&h[100], 8, 0644);
  octal(&h[108], 8, 0);
  octal(&h[116], 8, 0);
  octal(&h[124], 12, data.size());  // the bytes stored in the archive
  octal(&h[136], 12, 1'600'000'000);
  h[156] = 'S';
  std::memcpy(&h[257], "ustar  ", 8);  // old GNU magic and version
  octal(&h[386], 12, 0);               // sparse[0].offset
  octal(&h[398], 12, data.size());     // sparse[0].numbytes
  octal(&h[483], 12, realsize);
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h)
    sum += c;
  char checksum[8];
  std::snprintf(checksum, sizeof checksum, "%06o", sum);
  std::memcpy(&h[148], checksum, 7);
  std::string out = h + data;
  out.resize((out.size() + 511) / 512 * 512, '\0');
  return out + std::string(1024, '\0');
}

// Hands out `bytes` in chunks of `chunk` bytes; then an empty view, or
// `error_at_end` from the call that would have returned it.
class StringSource : public archive::ByteSource {
 public:
  explicit StringSource(std::string bytes, std::size_t chunk = 64 * 1024,
                        std::optional<core::Error> error_at_end = std::nullopt)
      : bytes_(std::move(bytes)), chunk_(chunk), error_at_end_(std::move(error_at_end)) {}

  core::Result<std::string_view> next() override {
    ++calls_;
    if (pos_ >= bytes_.size()) {
      ended_ = true;
      if (error_at_end_) return *error_at_end_;
      return std::string_view();
    }
    std::string_view out = std::string_view(bytes_).substr(pos_, chunk_);
    pos_ += out.size();
    return out;
  }
  bool ended() const { return ended_; }

 private:
  std::string bytes_;
  std::size_t chunk_;
  std::optional<core::Error> error_at_end_;
  std::size_t pos_ = 0;
  int calls_ = 0;
  bool ended_ = false;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline bool lexists(const std::filesystem::path& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

inline struct stat lstat_of(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st;
}

// A private temp directory `base_` in which `dir_` ("rootfs") is unpacked.
class UnpackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = (std::filesystem::temp_directory_path() / "lxcri-unpack-XXXXXX").string();
    ASSERT_NE(::mkdtemp(base.data()), nullptr);
    base_ = base;
    dir_ = base_ / "rootfs";
  }
  void TearDown() override { std::filesystem::remove_all(base_); }

  UnpackOptions options() {
    UnpackOptions o;
    o.on_warning = [this](std::string_view w) { warnings_.emplace_back(w); };
    return o;
  }

  // Applies `layers` in order (named "layer0", "layer1", ...) and commits.
  core::Status unpack(const std::vector<std::string>& layers, UnpackOptions o,
                      std::size_t chunk = 64 * 1024) {
    auto writer = RootfsWriter::begin(dir_, std::move(o));
    if (!writer) return writer.error();
    for (std::size_t i = 0; i < layers.size(); ++i) {
      StringSource source(layers[i], chunk);
      auto status = writer.value().apply_layer(source, "layer" + std::to_string(i));
      stats_ = writer.value().stats();
      if (!status) return status;
    }
    return writer.value().commit();
  }
  core::Status unpack(const std::vector<std::string>& layers) { return unpack(layers, options()); }

  // Everything in base_ except the committed rootfs: must stay empty.
  std::vector<std::string> beside_rootfs() const {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(base_)) {
      if (entry.path() != dir_) out.push_back(entry.path().filename().string());
    }
    return out;
  }

  // After a failed unpack: no rootfs, no temp dir, nothing else.
  void expect_nothing_left() const {
    EXPECT_FALSE(lexists(dir_));
    EXPECT_EQ(beside_rootfs(), std::vector<std::string>{});
  }

  std::filesystem::path base_;
  std::filesystem::path dir_;
  std::vector<std::string> warnings_;
  UnpackStats stats_;
};

}  // namespace oci::unpack::testing
