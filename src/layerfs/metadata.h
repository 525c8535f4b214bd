// layerfs/metadata.h: the snapshotter's records, one JSON file replaced
// atomically.
//
// <root>/metadata.json holds every snapshot's Info and storage id and the
// next id to give:
//
//   {"version": 1, "next_id": 4,
//    "snapshots": {"sha256:ab..": {"id": "1", "kind": "committed", "parent": "",
//                                  "labels": {}, "created": 1700000000, "updated": ...}}}
//
// save() writes a temp file, fsyncs it and renames it over the old one
// (oci/store/posix_file.h), so a crash leaves the old or the new records,
// never a mix. The Snapshotter holds <root>/lock around load-change-save.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "core/error.h"
#include "layerfs/snapshot.h"

namespace layerfs {

struct Record {
  Info info;
  std::string id;  // the Driver's name for its storage
};

struct Metadata {
  std::map<std::string, Record> snapshots;  // by key
  std::uint64_t next_id = 1;

  // Missing file: no snapshots. A file that is not valid metadata is an error
  // naming it and the field (nothing is guessed or dropped).
  static core::Result<Metadata> load(const std::filesystem::path& file);
  core::Status save(const std::filesystem::path& file) const;
};

}  // namespace layerfs
