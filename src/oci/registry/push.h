// oci/registry/push.h: an image of the content store into a registry
// (`lxcri image push`), digests unchanged.
//
// The registry is asked first (GET /v2/) whether it speaks the API and
// accepts us. The ref's root (a manifest, or an index and the manifests it names) is
// pushed as stored: every byte of every document is the store's, so the
// registry serves the same digests. Blobs the registry has (HEAD) are not
// sent; the others are uploaded in parallel, whole (one PUT) or in chunks of
// `chunk_bytes` (PATCHes, then a PUT), the registry checking each digest.
// Manifests go last, each after what it names, the root under the tag. An
// index naming a manifest the store does not have (a platform not pulled)
// cannot be pushed whole and is refused naming it.
// A ref pulled from another repository of the same registry (its
// store::kAnnotationImageSource) has its missing blobs mounted from there, a
// request each and no bytes, where the registry agrees; the others are
// uploaded.
#pragma once

#include <cstdint>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/progress.h"
#include "oci/registry/registry_client.h"
#include "oci/registry/registry_ref.h"
#include "oci/store/ref.h"
#include "oci/store/store.h"

namespace oci::registry {

struct PushOptions {
  unsigned parallel = 4;          // blobs uploaded at once
  std::uint64_t chunk_bytes = 0;  // 0: each blob in one PUT
  Progress progress;              // per blob once sent: its size, its size, its digest
};

struct PushResult {
  Descriptor root;
  std::uint64_t blobs_pushed = 0;
  std::uint64_t blobs_mounted = 0;  // from the repository the image was pulled from
  std::string mounted_from;         // that repository, when blobs_mounted > 0
  std::uint64_t blobs_present = 0;  // the registry had them
  std::uint64_t bytes_pushed = 0;
};

core::Result<PushResult> push_image(RegistryClient& client, const store::Store& store,
                                    const store::Ref& from, const RegistryRef& to,
                                    const PushOptions& options);

}  // namespace oci::registry
