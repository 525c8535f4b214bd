// oci/transport/docker_archive_import.h: importing one image of a docker
// archive (`docker save`, `podman save`, `skopeo copy ... docker-archive:`).
//
// The archive holds manifest.json ([{Config, RepoTags, Layers}]), the image
// config and one tar per layer (plain, or gzip in newer Docker; sniffed).
// `tag` selects the entry whose RepoTags holds it ("docker.io/library/" and
// "localhost/" prefixes are ignored when comparing); with no tag the archive
// must hold one image.
//
// The result is what skopeo makes when copying docker-archive to oci: an OCI
// image manifest (written by us, so its digest is new) whose config is the
// archive's config file byte for byte (media type
// application/vnd.oci.image.config.v1+json, digest the sha256 of the file),
// and whose layers are the layer tars as they are (…layer.v1.tar, or +gzip
// when compressed). Each layer's diff_id is checked against the config's
// rootfs.diff_ids. The archive is read twice, sequentially: once for
// manifest.json and links (old `docker save` and skopeo symlink
// <id>/layer.tar to the real file; tar hardlinks are followed too), then
// for the config and the layers, which stream into BlobWriters, so FILE must
// be a regular file (a FIFO or /dev/stdin is refused up front). Layers
// Docker linked to one another are stored once. A path that has more than
// one (non-directory) entry is refused: tar readers disagree which one wins.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/error.h"
#include "oci/progress.h"
#include "oci/store/ref.h"
#include "oci/store/store.h"
#include "oci/transport/import_result.h"

namespace oci::transport {

core::Result<ImportResult> import_docker_archive(const store::StoreLease& lease,
                                                 const std::filesystem::path& file,
                                                 std::string_view tag, const store::Ref& as,
                                                 const Progress& progress);

}  // namespace oci::transport
