// oci/store/index_file.h: the layout's index.json as the store reads and
// rewrites it (internal to src/oci/store).
//
// index.json is shared with whoever else writes the layout (umoci, skopeo,
// a person), so the store owns only the entries it names by ref and keeps
// everything else — other entries, other annotations, unknown fields — as
// parsed JSON that is written back as it was. An index the spec model refuses,
// or one naming the same ref twice, is a store in a bad state
// (kFailedPrecondition naming the file and the field): the store will not
// guess which entry is meant.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/json_reader.h"

namespace oci::store {

struct RefEntry {
  std::string name;  // the annotation's value, "name:tag" for refs the store wrote
  Descriptor descriptor;
};

// OK when every string of `d` that index.json would hold is valid UTF-8;
// else kInvalidArgument naming the field ("annotations.x", "urls[0]",
// "platform.os"). JSON cannot carry other bytes.
core::Status check_json_strings(const Descriptor& d);

class IndexFile {
 public:
  // Reads and checks `path`.
  static core::Result<IndexFile> load(const std::filesystem::path& path);
  // The index of a new layout: no entries.
  static std::string empty_document();

  // Every entry (the roots of gc), and those with a ref name.
  const std::vector<Descriptor>& entries() const { return entries_; }
  std::vector<RefEntry> refs() const;
  std::optional<Descriptor> find(std::string_view ref_name) const;

  // Points `ref_name` at `descriptor` (its annotations get the ref name),
  // replacing the entry in place when the ref exists, else appending.
  void set(std::string_view ref_name, const Descriptor& descriptor);
  // False when there was no such ref.
  bool remove(std::string_view ref_name);

  // kInvalidArgument if the document cannot be written as JSON.
  core::Result<std::string> serialize() const;

 private:
  std::optional<std::size_t> position(std::string_view ref_name) const;

  json::Json document_;              // the whole index, as read
  std::vector<Descriptor> entries_;  // parallel to document_["manifests"]
};

}  // namespace oci::store
