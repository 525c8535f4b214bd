#include "oci/transport/import.h"

#include "oci/transport/archive_extract.h"
#include "oci/transport/docker_archive_import.h"
#include "oci/transport/oci_layout_import.h"
#include "oci/transport/temp_dir.h"

namespace oci::transport {

core::Result<ImportResult> import_image(const store::StoreLease& lease, const Location& from,
                                        const store::Ref& as, const Progress& progress) {
  switch (from.kind) {
    case Location::Kind::kOciDir:
      return import_oci_layout(lease, from.path, from.tag, as, progress);
    case Location::Kind::kOciArchive: {
      auto temp = TempDir::create();
      if (!temp) return temp.error();
      if (auto s = extract_layout_archive(from.path, temp.value().path(), progress); !s) {
        return s.error();
      }
      return import_oci_layout(lease, temp.value().path(), from.tag, as, progress);
    }
    case Location::Kind::kDockerArchive:
      return import_docker_archive(lease, from.path, from.tag, as, progress);
  }
  return core::Error(core::ErrorCode::kInvalidArgument, "unknown transport");
}

}  // namespace oci::transport
