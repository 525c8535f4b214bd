// oci/transport/import_result.h: what an import did, for the command line's
// summary ("3 blobs added (12.4 MB), 2 already present").
#pragma once

#include <cstdint>

#include "oci/descriptor.h"

namespace oci::transport {

struct ImportResult {
  Descriptor image;  // what the ref now points to
  // A docker archive's layers count as added even when the store had them:
  // their digests are known only once they have been streamed in.
  std::uint64_t blobs_added = 0;
  std::uint64_t blobs_present = 0;  // skipped: the store had them
  std::uint64_t bytes_added = 0;
};

}  // namespace oci::transport
