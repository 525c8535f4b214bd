#include "oci/registry/push.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "oci/layers/parsed_document.h"

namespace oci::registry {
namespace {

struct StoredDocument {
  Descriptor descriptor;
  std::string bytes;
};

// The documents under `root`, children before the index naming them, and
// the blobs their manifests name.
core::Status collect(const store::Store& store, const Descriptor& root,
                     std::vector<StoredDocument>& documents, std::vector<Descriptor>& blobs) {
  auto bytes = store.read_blob(root.digest);
  if (!bytes) return bytes.error();
  auto parsed = layers::parse_document(bytes.value(), root.digest, root.media_type);
  if (!parsed) return parsed.error();
  const std::vector<Descriptor>* children = nullptr;
  if (const auto* index = std::get_if<Index>(&parsed.value().value)) children = &index->manifests;
  if (const auto* list = std::get_if<DockerManifestList>(&parsed.value().value)) {
    children = &list->manifests;
  }
  if (children != nullptr) {
    for (const Descriptor& child : *children) {
      if (!store.has_blob(child.digest)) {
        return core::Error(core::ErrorCode::kFailedPrecondition,
                           "the index " + root.digest.str() + " names " + child.digest.str() +
                               ", which is not in the store (a platform that was not pulled): "
                               "it cannot be pushed whole");
      }
      if (auto s = collect(store, child, documents, blobs); !s) return s;
    }
  } else if (const auto* m = std::get_if<Manifest>(&parsed.value().value)) {
    blobs.push_back(m->config);
    blobs.insert(blobs.end(), m->layers.begin(), m->layers.end());
  } else if (const auto* d = std::get_if<DockerManifest>(&parsed.value().value)) {
    blobs.push_back(d->config);
    blobs.insert(blobs.end(), d->layers.begin(), d->layers.end());
  }
  documents.push_back({root, std::move(bytes).value()});
  return {};
}

// The repository of `to`'s registry the image was pulled from, when that is
// another one: where its blobs can be mounted from. Empty otherwise.
std::string mount_source(const Descriptor& root, const RegistryRef& to) {
  auto it = root.annotations.find(std::string(store::kAnnotationImageSource));
  if (it == root.annotations.end()) return {};
  auto source = parse_registry_ref(it->second);
  if (!source || source.value().registry != to.registry ||
      source.value().repository == to.repository) {
    return {};
  }
  return source.value().repository;
}

}  // namespace

core::Result<PushResult> push_image(RegistryClient& client, const store::Store& store,
                                    const store::Ref& from, const RegistryRef& to,
                                    const PushOptions& options) {
  if (!to.digest.empty()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "push to a tag, not a digest: " + to.str());
  }
  auto root = store.resolve(from);
  if (!root) return root.error();
  std::vector<StoredDocument> documents;
  std::vector<Descriptor> all_blobs;
  if (auto s = collect(store, root.value(), documents, all_blobs); !s) return s.error();
  // A registry that does not speak /v2/, or refuses us, fails here, before
  // any upload session is opened.
  if (auto s = client.ping(); !s) return s.error();
  std::vector<Descriptor> blobs;
  std::set<Digest> seen;
  for (const Descriptor& d : all_blobs)
    if (seen.insert(d.digest).second) blobs.push_back(d);

  PushResult result;
  result.root = root.value();
  const std::string mount_from = mount_source(root.value(), to);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::atomic<std::uint64_t> pushed{0}, mounted{0}, present{0}, bytes{0};
  std::mutex mutex;
  std::optional<core::Error> error;
  auto work = [&] {
    for (std::size_t i; (i = next++) < blobs.size() && !failed;) {
      const Descriptor& d = blobs[i];
      auto status = [&]() -> core::Status {
        auto there = client.has_blob(to.repository, d.digest);
        if (!there) return there.error();
        if (there.value()) {
          ++present;
          return {};
        }
        auto fd = store.open_blob(d.digest);
        if (!fd) return fd.error();
        auto uploaded =
            client.upload_blob(to.repository, d.digest, fd.value().get(),
                               static_cast<std::uint64_t>(d.size), options.chunk_bytes, mount_from);
        if (!uploaded) return uploaded.error();
        if (uploaded.value()) {
          ++mounted;
        } else {
          ++pushed;
          bytes += static_cast<std::uint64_t>(d.size);
        }
        if (options.progress) {
          std::lock_guard<std::mutex> lock(mutex);
          const auto size = static_cast<std::uint64_t>(d.size);
          options.progress(size, size, d.digest.str());
        }
        return {};
      }();
      if (!status) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = status.error();
        failed = true;
      }
    }
  };
  const unsigned threads =
      std::max(1u, std::min<unsigned>(options.parallel, static_cast<unsigned>(blobs.size())));
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < threads; ++i)
    workers.emplace_back(work);
  for (auto& w : workers)
    w.join();
  if (error) return *error;
  result.blobs_pushed = pushed;
  result.blobs_mounted = mounted;
  if (mounted > 0) result.mounted_from = mount_from;
  result.blobs_present = present;
  result.bytes_pushed = bytes;

  for (const StoredDocument& doc : documents) {
    const bool is_root = &doc == &documents.back();
    std::string media_type = doc.descriptor.media_type;
    if (media_type.empty()) {
      auto parsed = layers::parse_document(doc.bytes, doc.descriptor.digest, "");
      if (parsed) media_type = std::string(layers::media_type_of(parsed.value().type()));
    }
    if (auto s = client.put_manifest(to.repository, is_root ? to.tag : doc.descriptor.digest.str(),
                                     media_type, doc.bytes, doc.descriptor.digest);
        !s) {
      return s.error();
    }
  }
  return result;
}

}  // namespace oci::registry
