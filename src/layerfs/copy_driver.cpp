#include "layerfs/copy_driver.h"

#include <string>

#include "layerfs/command.h"
#include "layerfs/disk_usage.h"
#include "layerfs/storage_dir.h"
#include "oci/store/posix_file.h"

namespace layerfs {

namespace {

// `cp -a --reflink=auto FROM/. TO`.
core::Status copy_tree(const std::filesystem::path& from, const std::filesystem::path& to) {
  auto copied =
      run_command({"cp", "-a", "--reflink=auto", "--", (from / ".").string(), to.string()});
  if (copied) return core::Status();
  return core::Error(copied.error().code(), "copying the parent snapshot " +
                                                from.filename().string() + ": " +
                                                copied.error().message())
      .with_file(to.string());
}

}  // namespace

core::Result<std::unique_ptr<CopyDriver>> CopyDriver::open(const std::filesystem::path& root) {
  auto made = make_snapshots_dir(root);
  if (!made) return made.error();
  return std::unique_ptr<CopyDriver>(new CopyDriver(std::move(made).value()));
}

core::Status CopyDriver::create(const std::string& id, const std::vector<std::string>& chain,
                                Kind) {
  if (core::Status s = oci::store::make_store_dir(snapshots_ / id); !s.is_ok()) return s;
  if (chain.empty()) return core::Status();
  return copy_tree(snapshots_ / chain[0], snapshots_ / id);
}

core::Result<std::vector<Mount>> CopyDriver::mounts(const std::string& id,
                                                    const std::vector<std::string>&,
                                                    Kind kind) const {
  return bind_mount((snapshots_ / id).string(), kind == Kind::kView);
}

core::Status CopyDriver::commit(const std::string&) {
  // Nothing to freeze: a committed snapshot is only ever copied or bound
  // read-only (views), never mounted writable again.
  return core::Status();
}

core::Status CopyDriver::remove(const std::string& id) {
  std::error_code ec;
  std::filesystem::remove_all(snapshots_ / id, ec);
  if (ec) return oci::store::sys_error("removing the snapshot", snapshots_ / id, ec.value());
  return core::Status();
}

core::Result<Usage> CopyDriver::usage(const std::string& id) const {
  return disk_usage(snapshots_ / id);
}

core::Result<std::vector<std::string>> CopyDriver::stored_ids() const {
  return list_ids(snapshots_);
}

}  // namespace layerfs
