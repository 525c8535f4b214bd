// oci/transport/closure_walk.h: the order in which an image's documents and
// blobs are visited when copying its closure, by import and export alike
// (internal to src/oci/transport).
//
// A work list, not recursion: a source is untrusted, and a chain of 200000
// nested indexes must be an error, not a stack overflow. Documents deeper
// than kMaxDocumentDepth (index -> index -> ... ; an image is index ->
// manifest -> blobs) are refused. An item is visited once per (digest, is a
// document): a digest first met as a plain layer and later named as a
// manifest is still walked as a manifest, so its children are copied too.
#pragma once

#include <deque>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/store/references.h"

namespace oci::transport {

inline constexpr int kMaxDocumentDepth = 8;

struct ClosureItem {
  Descriptor descriptor;
  bool is_document = false;  // a manifest or index by its media type
  int depth = 0;             // 0 for the root
  std::string via;           // " (layers[0] of blobs/sha256/..)", empty for the root
};

class ClosureWalk {
 public:
  explicit ClosureWalk(const Descriptor& root);

  // The next item not visited yet; nullopt when done.
  std::optional<ClosureItem> next();

  // Queues `child` of the document `parent` (named `parent_name` in errors).
  // kInvalidArgument naming the child when it would nest too deep.
  core::Status add(const ClosureItem& parent, const std::string& parent_name,
                   const store::Child& child);

  // `status` with the item's place in the image appended to its message.
  static core::Status located(const core::Status& status, const ClosureItem& item);

 private:
  std::deque<ClosureItem> work_;
  std::set<std::pair<Digest, bool>> seen_;
};

}  // namespace oci::transport
