#include "oci/transport/export.h"

#include "oci/transport/archive_pack.h"
#include "oci/transport/layout_export.h"
#include "oci/transport/temp_dir.h"

namespace oci::transport {

core::Status export_image(const store::Store& store, const store::Ref& ref, const Location& to,
                          const Progress& progress) {
  const std::string name = to.tag.empty() ? ref.tag : to.tag;
  switch (to.kind) {
    case Location::Kind::kOciDir:
      return export_to_layout(store, ref, to.path, name, progress);
    case Location::Kind::kOciArchive: {
      auto temp = TempDir::create();
      if (!temp) return temp.error();
      const std::filesystem::path layout = temp.value().path() / "layout";
      if (auto s = export_to_layout(store, ref, layout, name, progress); !s) return s;
      return pack_directory(layout, to.path);
    }
    case Location::Kind::kDockerArchive:
      break;
  }
  return core::Error(core::ErrorCode::kInvalidArgument,
                     std::string("export to ") + transport_name(to.kind) + " is not supported");
}

}  // namespace oci::transport
