// oci/store/gc.h: what garbage collection and the store check report.
//
// gc is not fatal on a damaged store: a referenced blob that is missing, or a
// document the spec model refuses, is reported and gc goes on (a refused
// document's digests are still kept, found by a lenient scan), so one broken
// image never stops the others' space from being reclaimed, and nothing a
// ref reaches is deleted because of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace oci::store {

struct GcReport {
  std::uint64_t blobs_kept = 0;
  std::uint64_t blobs_removed = 0;
  std::uint64_t bytes_freed = 0;
  std::uint64_t ingest_files_removed = 0;
  std::vector<std::string> missing;   // "sha256:... (manifests[0] of sha256:...)"
  std::vector<std::string> problems;  // documents that did not parse, unknown files
};

struct CheckReport {
  std::uint64_t blobs_checked = 0;
  std::vector<std::string> corrupt;  // digests whose bytes do not match
  std::vector<std::string> problems;
};

}  // namespace oci::store
