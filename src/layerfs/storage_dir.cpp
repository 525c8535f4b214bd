#include "layerfs/storage_dir.h"

#include "oci/store/posix_file.h"

namespace layerfs {

core::Result<std::filesystem::path> make_snapshots_dir(const std::filesystem::path& root) {
  std::filesystem::path snapshots = root / "snapshots";
  if (core::Status s = oci::store::make_dirs(root); !s.is_ok()) return s.error();
  if (core::Status s = oci::store::make_store_dir(snapshots); !s.is_ok()) return s.error();
  return snapshots;
}

core::Result<std::vector<std::string>> list_ids(const std::filesystem::path& snapshots) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(snapshots, ec))
    ids.push_back(entry.path().filename().string());
  if (ec) return oci::store::sys_error("listing", snapshots, ec.value());
  return ids;
}

}  // namespace layerfs
