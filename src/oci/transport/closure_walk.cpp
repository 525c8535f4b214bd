#include "oci/transport/closure_walk.h"

#include "oci/media_types.h"
#include "oci/transport/errors.h"
#include "oci/transport/layout_reader.h"

namespace oci::transport {

ClosureWalk::ClosureWalk(const Descriptor& root) {
  work_.push_back({root, media_type::is_manifest_or_index(root.media_type), 0, ""});
}

std::optional<ClosureItem> ClosureWalk::next() {
  while (!work_.empty()) {
    ClosureItem item = std::move(work_.front());
    work_.pop_front();
    if (seen_.insert({item.descriptor.digest, item.is_document}).second) return item;
  }
  return std::nullopt;
}

core::Status ClosureWalk::add(const ClosureItem& parent, const std::string& parent_name,
                              const store::Child& child) {
  ClosureItem item{child.descriptor, media_type::is_manifest_or_index(child.descriptor.media_type),
                   parent.depth + 1, " (" + child.field + " of " + parent_name + ")"};
  if (item.is_document && item.depth > kMaxDocumentDepth) {
    return invalid_input(
        LayoutReader::blob_name(item.descriptor.digest),
        "documents nested more than " + std::to_string(kMaxDocumentDepth) + " deep" + item.via);
  }
  if (seen_.count({item.descriptor.digest, item.is_document}) == 0) {
    work_.push_back(std::move(item));
  }
  return {};
}

core::Status ClosureWalk::located(const core::Status& status, const ClosureItem& item) {
  if (status.is_ok() || item.via.empty()) return status;
  const core::Error& e = status.error();
  return core::Error(e.code(), e.message() + item.via, e.context());
}

}  // namespace oci::transport
