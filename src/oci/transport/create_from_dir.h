// oci/transport/create_from_dir.h: `lxcri image create --from-dir ROOTFS
// NAME:TAG`, an image of one layer made from a directory tree.
//
// The layer is built by layer_builder.h (sorted, gzip, streamed into the
// store). The config is an OCI image config with the options below, one
// history entry and rootfs.diff_ids = [the layer's diff_id]; the manifest is
// an OCI image manifest. Both are checked by the spec model before they are
// stored, then the ref is set. With SOURCE_DATE_EPOCH set (and no explicit
// `created`), `created` is that time and later file mtimes are clamped to
// it, so the same tree gives the same manifest digest on every run
// (reproducible-builds.org's convention).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/platform.h"
#include "oci/progress.h"
#include "oci/store/ref.h"
#include "oci/store/store.h"

namespace oci::transport {

struct CreateOptions {
  std::vector<std::string> cmd, entrypoint, env;  // env "NAME=value"
  std::string working_dir, user;
  Platform platform;    // an empty os or architecture (+variant): the host's
  std::string created;  // RFC 3339; default: SOURCE_DATE_EPOCH when set, else now
};

// The image's manifest descriptor (what the ref now names). kInvalidArgument
// naming the field for a bad option (an env entry without '=', a `created`
// that is not RFC 3339, SOURCE_DATE_EPOCH that is not a number or is after
// the year 9999), before anything is built.
core::Result<Descriptor> create_from_dir(const store::StoreLease& lease,
                                         const std::filesystem::path& rootfs, const store::Ref& as,
                                         const CreateOptions& options,
                                         const Progress& progress = {});

}  // namespace oci::transport
