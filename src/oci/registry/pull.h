// oci/registry/pull.h: an image from a registry into the content store,
// verified (`lxcri image pull`).
//
// The root document (a tag or a digest) is fetched first; an index or Docker
// manifest list is followed to the manifest `platform` runs
// (platform_select.h), through nested indexes (at most
// layers::kMaxIndexDepth), and every document on the way is kept, so the
// root's digest is the registry's. Each document is hashed with the
// algorithm of the digest that names it (sha256 for a tag), so a pull by a
// sha512 digest keeps that digest. The config and layers are fetched in parallel (`parallel`
// streams at once), each streamed into a BlobWriter (oci/store), which checks
// size and digest before the blob gets its name; bytes past the
// descriptor's size stop the download at once. A connection that breaks
// mid-blob is resumed with a Range request from the bytes already written
// (up to 4 attempts, doubling backoff); a registry that ignores Range makes
// it start over. Blobs the store already has are not fetched (a warm pull
// fetches manifests only). The documents are stored last and the ref is set
// only when everything is in: a failed pull leaves no ref and no partial
// blob (only complete, verified blobs, which gc removes if nothing uses them).
// The ref carries store::kAnnotationImageSource, for pushes that mount
// (push.h).
//
// The caller holds the lease for the whole pull.
#pragma once

#include <cstdint>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/platform.h"
#include "oci/progress.h"
#include "oci/registry/registry_client.h"
#include "oci/registry/registry_ref.h"
#include "oci/store/ref.h"
#include "oci/store/store.h"

namespace oci::registry {

struct PullOptions {
  Platform platform;      // what the image must run on
  unsigned parallel = 4;  // blobs downloaded at once
  // Per blob: its bytes fetched so far, its size, its digest.
  Progress progress;
};

struct PullResult {
  Descriptor root;  // what the ref points at
  std::uint64_t blobs_fetched = 0;
  std::uint64_t blobs_present = 0;  // already in the store
  std::uint64_t bytes_fetched = 0;  // blob bytes (manifests not counted)
};

core::Result<PullResult> pull_image(RegistryClient& client, const RegistryRef& from,
                                    const store::StoreLease& lease, const store::Ref& as,
                                    const PullOptions& options);

}  // namespace oci::registry
