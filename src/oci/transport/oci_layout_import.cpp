#include "oci/transport/oci_layout_import.h"

#include <string>
#include <vector>

#include "oci/media_types.h"
#include "oci/platform_select.h"
#include "oci/store/references.h"
#include "oci/transport/blob_copy.h"
#include "oci/transport/closure_walk.h"
#include "oci/transport/errors.h"
#include "oci/transport/layout_reader.h"

namespace oci::transport {
namespace {

std::string ref_name(const Descriptor& d) {
  auto it = d.annotations.find(std::string(kAnnotationRefName));
  return it == d.annotations.end() ? std::string() : it->second;
}

std::string list_names(const std::vector<Descriptor>& entries) {
  std::string names;
  for (const Descriptor& d : entries) {
    std::string name = ref_name(d);
    names += names.empty() ? "" : ", ";
    names += name.empty() ? "(unnamed " + d.digest.str() + ")" : "'" + name + "'";
  }
  return names.empty() ? "no entries" : names;
}

core::Result<Descriptor> select_entry(const Index& index, std::string_view tag) {
  const std::vector<Descriptor>& entries = index.manifests;
  if (tag.empty()) {
    if (entries.size() == 1) return entries.front();
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "index.json: " + std::to_string(entries.size()) +
                           " images and no tag to choose one; it has " + list_names(entries));
  }
  for (const Descriptor& d : entries) {
    if (ref_name(d) == tag) return d;
  }
  std::vector<const Descriptor*> suffixed;
  const std::string suffix = ":" + std::string(tag);
  for (const Descriptor& d : entries) {
    std::string name = ref_name(d);
    if (name.size() > suffix.size() && name.ends_with(suffix)) suffixed.push_back(&d);
  }
  if (suffixed.size() == 1) return *suffixed.front();
  return core::Error(
      suffixed.empty() ? core::ErrorCode::kNotFound : core::ErrorCode::kInvalidArgument,
      "index.json: " + std::string(suffixed.empty() ? "no image named '" : "ambiguous tag '") +
          std::string(tag) + "'; it has " + list_names(entries));
}

class ClosureCopier {
 public:
  ClosureCopier(const store::StoreLease& lease, const LayoutReader& layout,
                const Progress& progress)
      : lease_(lease), layout_(layout), progress_(progress) {}

  core::Status copy(const Descriptor& root) {
    ClosureWalk walk(root);
    while (auto item = walk.next()) {
      core::Status s = item->is_document ? copy_document(*item, walk) : copy_blob(item->descriptor);
      if (!s) return ClosureWalk::located(s, *item);
    }
    return {};
  }

  ImportResult& result() { return result_; }

 private:
  bool in_layout(const Digest& digest) const {
    auto fd = layout_.open_blob(digest, nullptr);
    return fd.is_ok() || fd.error().code() != core::ErrorCode::kNotFound;
  }

  // The document's bytes: the store's copy when it has one (the layout may
  // lack a blob the store already holds), else the layout's, stored.
  core::Result<std::string> document_bytes(const Descriptor& d) {
    const std::string name = LayoutReader::blob_name(d.digest);
    if (lease_.store().has_blob(d.digest)) {
      auto bytes = lease_.store().read_blob(d.digest);
      if (!bytes) return in_file(name, bytes.error());
      if (d.size < 0 || bytes.value().size() != static_cast<std::uint64_t>(d.size)) {
        return invalid_input(name, "size mismatch: the descriptor says " + std::to_string(d.size) +
                                       " bytes, the blob has " +
                                       std::to_string(bytes.value().size()));
      }
      ++result_.blobs_present;
      return bytes;
    }
    auto bytes = layout_.read_document(d.digest, d.size);
    if (!bytes) return bytes.error();
    auto writer = lease_.writer(d.digest.algorithm_id());
    if (!writer) return in_file(name, writer.error());
    if (auto s = writer.value().write(bytes.value()); !s) return in_file(name, s.error());
    if (auto s = writer.value().commit(d.digest, d.size); !s) return in_file(name, s.error());
    ++result_.blobs_added;
    result_.bytes_added += bytes.value().size();
    return bytes;
  }

  core::Status copy_document(const ClosureItem& item, ClosureWalk& walk) {
    const Descriptor& d = item.descriptor;
    const std::string name = LayoutReader::blob_name(d.digest);
    auto bytes = document_bytes(d);
    if (!bytes) return bytes.error();
    auto document = store::read_document(bytes.value(), d.digest);
    if (!document) return in_file(name, document.error());
    if (!store::kind_matches_media_type(document.value().kind, d.media_type)) {
      return invalid_input(name, "the descriptor says '" + d.media_type + "' but the blob is an " +
                                     document_kind_name(document.value().kind));
    }
    const bool is_index = !store::is_image_manifest(document.value().kind);
    std::optional<Digest> host_choice;
    if (is_index) {
      std::vector<Descriptor> children;
      for (const store::Child& c : document.value().children) {
        if (c.field != "subject") children.push_back(c.descriptor);
      }
      if (auto chosen = select_manifest(children, host_platform())) {
        host_choice = chosen.value().digest;
      }
    }
    for (const store::Child& child : document.value().children) {
      const Descriptor& cd = child.descriptor;
      const bool optional = child.field == "subject" || (is_index && host_choice != cd.digest);
      if (optional && !lease_.store().has_blob(cd.digest) && !in_layout(cd.digest)) continue;
      if (auto s = walk.add(item, name, child); !s) return s;
    }
    return {};
  }

  core::Status copy_blob(const Descriptor& d) {
    if (lease_.store().has_blob(d.digest)) {
      ++result_.blobs_present;
      return {};
    }
    const std::string name = LayoutReader::blob_name(d.digest);
    std::uint64_t size = 0;
    auto fd = layout_.open_blob(d.digest, &size);
    if (!fd) return fd.error();
    if (d.size < 0 || size != static_cast<std::uint64_t>(d.size)) {
      return invalid_input(name, "size mismatch: the descriptor says " + std::to_string(d.size) +
                                     " bytes, the file has " + std::to_string(size));
    }
    auto writer = lease_.writer(d.digest.algorithm_id());
    if (!writer) return in_file(name, writer.error());
    if (auto s = copy_fd(fd.value().get(), writer.value(), layout_.dir() / name, size,
                         d.digest.str(), progress_);
        !s) {
      return in_file(name, s.error());
    }
    if (auto s = writer.value().commit(d.digest, d.size); !s) return in_file(name, s.error());
    ++result_.blobs_added;
    result_.bytes_added += size;
    return {};
  }

  const store::StoreLease& lease_;
  const LayoutReader& layout_;
  const Progress& progress_;
  ImportResult result_;
};

}  // namespace

core::Result<ImportResult> import_oci_layout(const store::StoreLease& lease,
                                             const std::filesystem::path& dir, std::string_view tag,
                                             const store::Ref& as, const Progress& progress) {
  auto layout = LayoutReader::open(dir);
  if (!layout) return layout.error();
  auto index = layout.value().index();
  if (!index) return index.error();
  auto entry = select_entry(index.value(), tag);
  if (!entry) return entry.error();
  Descriptor image = entry.value();
  if (!media_type::is_manifest_or_index(image.media_type)) {
    return invalid_input("index.json", "the selected entry is a '" + image.media_type +
                                           "', not a manifest or index");
  }
  ClosureCopier copier(lease, layout.value(), progress);
  if (auto s = copier.copy(image); !s) return s.error();
  // The source's own name must not become a second ref name in the store,
  // nor a layout's say steer where pushes mount from.
  image.annotations.erase(std::string(kAnnotationRefName));
  image.annotations.erase(std::string(store::kAnnotationImageSource));
  if (auto s = lease.set_ref(as, image); !s) return s.error();
  ImportResult result = copier.result();
  result.image = image;
  return result;
}

}  // namespace oci::transport
