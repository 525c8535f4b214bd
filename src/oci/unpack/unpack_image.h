// oci/unpack/unpack_image.h: an image from the store unpacked into a new
// root filesystem directory (`lxcri image unpack`, like `umoci raw unpack`).
//
// The image's layers are read, verified and decompressed ahead in parallel
// (archive/layer_sources.h) and applied strictly in order by one
// RootfsWriter (rootfs_writer.h), which unpacks into a temp sibling of `dir`
// and renames it into place only when every layer applied and verified: a
// failed unpack leaves no `dir`. A digest or DiffID mismatch, found at a
// layer's end, fails the unpack the same way.
//
// The caller keeps the blobs alive (a StoreLease blocks gc) while this runs.
#pragma once
#include <filesystem>

#include "core/error.h"
#include "oci/archive/layer_sources.h"
#include "oci/layers/image_resolver.h"
#include "oci/progress.h"
#include "oci/store/store.h"
#include "oci/unpack/rootfs_writer.h"

namespace oci::unpack {

struct ImageUnpackOptions {
  UnpackOptions unpack;
  // parallelism 0 here means one decompressing thread per core but one.
  archive::LayerSourceOptions sources;
  // Decompressed bytes applied so far (total unknown: 0), per "layer i/n".
  Progress progress;
};

core::Result<UnpackStats> unpack_image(const store::Store& store,
                                       const layers::ResolvedImage& image,
                                       const std::filesystem::path& dir,
                                       const ImageUnpackOptions& options = {});

}  // namespace oci::unpack
