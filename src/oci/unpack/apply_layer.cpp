#include "oci/unpack/apply_layer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "oci/unpack/layer_applier.h"

namespace oci::unpack {

core::Result<UnpackStats> apply_layer_in_place(const std::filesystem::path& root,
                                               archive::ByteSource& tar,
                                               std::string_view layer_name,
                                               const UnpackOptions& options) {
  auto fail = [&](std::string_view what, int err) {
    return core::Error(core::ErrorCode::kInternal, "apply layer onto \"" + root.string() +
                                                       "\": " + std::string(what) + ": " +
                                                       std::strerror(err))
        .with_file(root.string());
  };
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail("open", errno);
  const bool privileged = options.privileged.value_or(::geteuid() == 0);
  LayerApplier applier(UniqueFd(fd), options, privileged);
  if (core::Status s = applier.apply(tar, layer_name); !s.is_ok()) return s.error();
  if (core::Status s = applier.finish_dirs(); !s.is_ok()) return s.error();
  if (::syncfs(applier.root_fd()) != 0) return fail("sync", errno);
  return applier.stats();
}

}  // namespace oci::unpack
