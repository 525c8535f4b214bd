// oci/store/gc.h: what garbage collection and the store check report.
//
// gc is not fatal on a damaged store: a referenced blob that is missing, or a
// document the spec model refuses, is reported and gc goes on (a refused
// document's digests are still kept, found by a lenient scan), so one broken
// image never stops the others' space from being reclaimed, and nothing a
// ref reaches is deleted because of it.
//
// The one exception: a reachable manifest or index that exists but cannot
// be read (a symlink, FIFO, I/O error, larger than 16 MiB) or that not even
// the lenient scan can parse (not JSON, duplicate keys, invalid UTF-8,
// nesting deeper than 64) hides children gc cannot know. Then gc deletes
// nothing at all — no blob, no ingest or temp file — and returns a report
// (not an error, so the caller still sees `missing` and `problems`) whose
// `not_swept` says why. Repairing or removing that ref lets gc run again.
//
// gc never follows a symlink inside the store and unlinks only regular
// files; symlinks and other odd entries are reported in `problems`.
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
  std::uint64_t temp_files_removed = 0;  // stale index.json.tmp-*, oci-layout.tmp-*
  std::vector<std::string> missing;      // "sha256:... (manifests[0] of sha256:...)"
  std::vector<std::string> problems;     // documents that did not parse, unknown files
  // Empty when gc swept; else why it deleted nothing (see above).
  std::string not_swept;
};

struct CheckReport {
  std::uint64_t blobs_checked = 0;
  std::vector<std::string> corrupt;  // digests whose bytes do not match
  std::vector<std::string> problems;
};

}  // namespace oci::store
