// runtime/bundle/image_bundle.h: an OCI bundle generated from an image in
// the store, for `lxcri run IMAGE` and `lxcri create --image IMAGE`.
//
// BUNDLE/rootfs is either the image unpacked (a plain copy, for any runtime)
// or, with a snapshotter, an active snapshot on the image's layers mounted
// there (layerfs/bundle_rootfs.h: layers shared, unpacked once; release it
// before deleting the bundle). BUNDLE/config.json is
// the default spec (default_spec.h) with the image's config applied the way
// Docker and Podman apply it: args = Entrypoint + (the given args, else Cmd);
// Env; WorkingDir (default "/"); User as "name", "uid", "name:group" or
// "uid:gid", names looked up in the image's /etc/passwd and /etc/group
// (resolved inside the rootfs, never through its symlinks to the host). The
// root is writable and the hostname is the container id.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "layerfs/snapshotter.h"
#include "oci/image_config.h"
#include "oci/layers/image_resolver.h"
#include "oci/store/store.h"

namespace runtime::bundle {

struct ImageBundleOptions {
  std::string hostname;                       // the container's hostname
  std::vector<std::string> args;              // replaces the image's Cmd when not empty
  layerfs::Snapshotter* snapshots = nullptr;  // set: rootfs/ is a snapshot
};

// The "process" object for an image whose rootfs is at `rootfs`. Errors:
// nothing to run (no Entrypoint, Cmd or args), an unknown user or group.
core::Result<nlohmann::json> process_for_image(const oci::ContainerConfig& image,
                                               const std::string& rootfs,
                                               const std::vector<std::string>& args);

// Makes `bundle_dir` (which must not exist) with rootfs/ and config.json. On
// failure nothing is left at `bundle_dir`.
core::Status make_image_bundle(const oci::store::Store& store,
                               const oci::layers::ResolvedImage& image,
                               const std::string& bundle_dir, const ImageBundleOptions& options);

}  // namespace runtime::bundle
