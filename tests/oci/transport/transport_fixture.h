// tests/oci/transport/transport_fixture.h: a temp dir with a store per test,
// and helpers that make image sources with the real tools (umoci, skopeo)
// or by hand (tars written with libarchive, layouts written file by file).
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "../store/store_fixture.h"
#include "oci/store/store.h"
#include "oci/transport/create_from_dir.h"
#include "oci/transport/export.h"
#include "oci/transport/import.h"
#include "oci/transport/location.h"

namespace oci::transport::testing {

using store::testing::json;
using store::testing::read_file;
using store::testing::write_file;

inline bool have_tool(const std::string& tool) {
  return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs a shell command; its output goes to the test log.
inline int run(const std::string& command) {
  int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define REQUIRE_TOOL(tool)                                                   \
  do {                                                                       \
    if (!::oci::transport::testing::have_tool(tool)) {                       \
      GTEST_SKIP() << "'" << tool << "' is not on PATH; skipping this test"; \
    }                                                                        \
  } while (0)

// Every file under `dir` by relative path, with its bytes.
inline std::map<std::string, std::string> tree_files(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file())
      files[std::filesystem::relative(e.path(), dir).string()] = read_file(e.path());
  }
  return files;
}

struct TarEntry {
  TarEntry(std::string n, std::string d, std::string s = "", std::string h = "")
      : name(std::move(n)), data(std::move(d)), symlink(std::move(s)), hardlink(std::move(h)) {}
  std::string name;
  std::string data;
  std::string symlink;   // non-empty: a symlink to this
  std::string hardlink;  // non-empty: a hardlink to this
};

// A plain tar with exactly these entries, in this order.
inline void write_tar(const std::filesystem::path& file, const std::vector<TarEntry>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  ASSERT_EQ(archive_write_open_filename(a, file.c_str()), ARCHIVE_OK);
  for (const TarEntry& t : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, t.name.c_str());
    if (!t.hardlink.empty()) {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_hardlink(e, t.hardlink.c_str());
    } else if (t.symlink.empty()) {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, static_cast<la_int64_t>(t.data.size()));
    } else {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, t.symlink.c_str());
    }
    archive_entry_set_perm(e, 0644);
    ASSERT_EQ(archive_write_header(a, e), ARCHIVE_OK);
    if (!t.data.empty()) archive_write_data(a, t.data.data(), t.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

// The names of a tar's entries (any compression), in order.
inline std::vector<std::string> tar_names(const std::string& bytes) {
  std::vector<std::string> names;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  if (archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK) {
    archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
      std::string name = archive_entry_pathname(e);
      if (archive_entry_hardlink(e)) name += " => " + std::string(archive_entry_hardlink(e));
      names.push_back(name);
    }
  }
  archive_read_free(a);
  return names;
}

class TransportTest : public store::testing::StoreTest {
 protected:
  store::StoreLease lease() {
    if (!store_) store_.emplace(open());
    auto l = store_->lease();
    EXPECT_TRUE(l.is_ok()) << l.error().to_string();
    return std::move(l).value();
  }
  const store::Store& store() {
    if (!store_) store_.emplace(open());
    return *store_;
  }
  std::filesystem::path path(const std::string& name) const { return dir_ / name; }

  // A small rootfs: a file, a nested dir, a symlink, a hardlink.
  std::filesystem::path make_rootfs(const std::string& name) {
    std::filesystem::path root = path(name);
    write_file(root / "etc/hostname", "lxcri\n");
    write_file(root / "bin/tool", std::string(100000, 'x'));
    std::filesystem::create_symlink("tool", root / "bin/alias");
    std::filesystem::create_hard_link(root / "bin/tool", root / "bin/tool2");
    std::filesystem::create_directories(root / "empty");
    return root;
  }

  // An OCI layout made by umoci from make_rootfs(), tagged `tag`.
  std::filesystem::path umoci_layout(const std::string& name, const std::string& tag) {
    std::filesystem::path rootfs = make_rootfs(name + "-rootfs");
    std::filesystem::path layout = path(name);
    const std::string image = layout.string() + ":" + tag;
    EXPECT_EQ(run("umoci init --layout " + layout.string()), 0);
    EXPECT_EQ(run("umoci new --image " + image), 0);
    EXPECT_EQ(run("umoci insert --rootless --image " + image + " " + rootfs.string() + " /"), 0);
    EXPECT_EQ(run("umoci config --image " + image + " --config.cmd /bin/tool"), 0);
    return layout;
  }

  // The store's refs, for "unchanged after a failure".
  std::vector<std::string> refs() {
    std::vector<std::string> out;
    for (const auto& r : store().list_refs().value())
      out.push_back(r.name + "=" + r.descriptor.digest.str());
    return out;
  }

  std::optional<store::Store> store_;
};

inline store::Ref ref(std::string_view text) {
  return store::parse_ref(text).value();
}

inline Location loc(std::string_view text) {
  return parse_location(text).value();
}

}  // namespace oci::transport::testing
