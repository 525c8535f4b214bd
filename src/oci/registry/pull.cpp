#include "oci/registry/pull.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "oci/layers/image_resolver.h"
#include "oci/layers/parsed_document.h"
#include "oci/platform_select.h"

namespace oci::registry {
namespace {

struct Document {
  FetchedManifest fetched;
  layers::ParsedDocument parsed;
};

// A manifest or index, parsed by the type the registry gave (or its own).
core::Result<Document> fetch_document(RegistryClient& client, const RegistryRef& from,
                                      const std::string& reference,
                                      const std::optional<Descriptor>& expected) {
  auto fetched = client.manifest(from.repository, reference);
  if (!fetched) return fetched.error();
  const std::string what = from.registry + "/" + from.repository + "@" + reference;
  if (expected) {
    if (fetched.value().digest != expected->digest) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         what + ": the registry sent a document whose digest is " +
                             fetched.value().digest.str())
          .with_field("digest");
    }
    if (static_cast<std::int64_t>(fetched.value().bytes.size()) != expected->size) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         what + ": " + std::to_string(fetched.value().bytes.size()) +
                             " bytes where the index says " + std::to_string(expected->size))
          .with_field("size");
    }
  }
  std::string type = fetched.value().media_type;
  if (!layers::document_type_for(type)) type.clear();  // "application/json" and the like
  auto parsed = layers::parse_document(fetched.value().bytes, fetched.value().digest, type);
  if (!parsed) {
    return core::Error(parsed.error().code(), what + ": " + parsed.error().message(),
                       parsed.error().context());
  }
  if (parsed.value().type() == layers::DocumentType::kImageConfig) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       what + ": an image config, not a manifest");
  }
  return Document{std::move(fetched).value(), std::move(parsed).value()};
}

// The entries of an index or Docker manifest list; null for a manifest.
const std::vector<Descriptor>* children_of(const Document& document) {
  if (const auto* index = std::get_if<Index>(&document.parsed.value)) return &index->manifests;
  if (const auto* list = std::get_if<DockerManifestList>(&document.parsed.value)) {
    return &list->manifests;
  }
  return nullptr;
}

// Downloads the blobs in parallel; the first error stops the others.
class BlobFetcher {
 public:
  BlobFetcher(RegistryClient& client, const RegistryRef& from, const store::StoreLease& lease,
              const PullOptions& options, std::vector<Descriptor> blobs)
      : client_(client), from_(from), lease_(lease), options_(options), blobs_(std::move(blobs)) {}

  core::Status run() {
    const unsigned threads =
        std::max(1u, std::min<unsigned>(options_.parallel, static_cast<unsigned>(blobs_.size())));
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < threads; ++i)
      workers.emplace_back([this] { work(); });
    for (auto& w : workers)
      w.join();
    if (error_) return *error_;
    return {};
  }

  std::uint64_t bytes() const { return done_; }

 private:
  void work() {
    for (std::size_t i; (i = next_++) < blobs_.size() && !failed_;) {
      if (auto s = fetch(blobs_[i]); !s) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = s.error();
        failed_ = true;
      }
    }
  }

  core::Status fetch(const Descriptor& d) {
    std::optional<store::BlobWriter> writer;
    std::chrono::milliseconds backoff(250);
    core::Status last;
    for (int attempt = 1; attempt <= 4 && !failed_; ++attempt) {
      if (!writer) {
        auto made = lease_.writer(d.digest.algorithm_id());
        if (!made) return made.error();
        writer.emplace(std::move(made).value());
      }
      last = client_.blob(
          from_.repository, d.digest, writer->bytes_written(),
          [&](std::string_view chunk) -> core::Status {
            if (writer->bytes_written() + chunk.size() > static_cast<std::uint64_t>(d.size)) {
              return core::Error(core::ErrorCode::kInvalidArgument,
                                 "blob " + d.digest.str() + ": the registry sent more than its " +
                                     std::to_string(d.size) + " bytes")
                  .with_field("size");
            }
            if (auto s = writer->write(chunk); !s) return s;
            report(chunk.size(), writer->bytes_written(), d);
            return {};
          });
      // Every byte is in (even if the connection failed after the last
      // one): the digest decides.
      if (writer->bytes_written() == static_cast<std::uint64_t>(d.size)) {
        return writer->commit(d.digest, d.size);
      }
      if (last) {
        // The connection ended early without an error: resume.
        last = core::Error(core::ErrorCode::kUnavailable,
                           "blob " + d.digest.str() + ": the body ended after " +
                               std::to_string(writer->bytes_written()) + " of " +
                               std::to_string(d.size) + " bytes");
      }
      if (last.error().code() == core::ErrorCode::kFailedPrecondition) {
        writer.reset();  // no Range support: start over
      } else if (last.error().code() != core::ErrorCode::kUnavailable) {
        return last;
      }
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    return last;
  }

  void report(std::size_t bytes, std::uint64_t blob_done, const Descriptor& d) {
    done_ += bytes;
    if (options_.progress) {
      std::lock_guard<std::mutex> lock(mutex_);
      options_.progress(blob_done, static_cast<std::uint64_t>(d.size), d.digest.str());
    }
  }

  RegistryClient& client_;
  const RegistryRef& from_;
  const store::StoreLease& lease_;
  const PullOptions& options_;
  std::vector<Descriptor> blobs_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::uint64_t> done_{0};
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  std::optional<core::Error> error_;
};

}  // namespace

core::Result<PullResult> pull_image(RegistryClient& client, const RegistryRef& from,
                                    const store::StoreLease& lease, const store::Ref& as,
                                    const PullOptions& options) {
  if (!from.digest.empty() && !from.digest.supported()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       from.str() + ": unsupported digest algorithm '" +
                           std::string(from.digest.algorithm()) + "'")
        .with_field("digest");
  }
  auto root = fetch_document(client, from, from.reference(), std::nullopt);
  if (!root) return root.error();
  if (!from.digest.empty() && root.value().fetched.digest != from.digest) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       from.str() + ": the registry sent a document whose digest is " +
                           root.value().fetched.digest.str())
        .with_field("digest");
  }
  std::vector<Document> documents;
  documents.push_back(std::move(root).value());
  // Down the indexes to the platform's manifest.
  for (const std::vector<Descriptor>* entries = children_of(documents.back()); entries != nullptr;
       entries = children_of(documents.back())) {
    if (documents.size() > layers::kMaxIndexDepth) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         from.str() + ": indexes nested more than " +
                             std::to_string(layers::kMaxIndexDepth) + " deep");
    }
    auto chosen = select_manifest(*entries, options.platform);
    if (!chosen) {
      return core::Error(chosen.error().code(), from.str() + ": " + chosen.error().message());
    }
    auto next = fetch_document(client, from, chosen.value().digest.str(), chosen.value());
    if (!next) return next.error();
    documents.push_back(std::move(next).value());
  }
  const Document& image = documents.back();
  const Descriptor* config = nullptr;
  const std::vector<Descriptor>* layer_list = nullptr;
  if (const auto* m = std::get_if<Manifest>(&image.parsed.value)) {
    config = &m->config;
    layer_list = &m->layers;
  } else if (const auto* d = std::get_if<DockerManifest>(&image.parsed.value)) {
    config = &d->config;
    layer_list = &d->layers;
  } else {
    return core::Error(
        core::ErrorCode::kInvalidArgument,
        from.str() + ": " + image.fetched.digest.str() + " is not an image manifest");
  }

  PullResult result;
  std::vector<Descriptor> wanted{*config};
  std::set<Digest> seen{config->digest};
  for (const Descriptor& d : *layer_list) {
    if (seen.insert(d.digest).second) wanted.push_back(d);
  }
  std::vector<Descriptor> missing;
  for (const Descriptor& d : wanted) {
    if (lease.store().has_blob(d.digest)) {
      ++result.blobs_present;
    } else {
      missing.push_back(d);
    }
  }
  BlobFetcher fetcher(client, from, lease, options, missing);
  if (auto s = fetcher.run(); !s) return s.error();
  result.blobs_fetched = missing.size();
  result.bytes_fetched = fetcher.bytes();

  // The documents last, the platform's manifest before the index naming it.
  for (auto it = documents.rbegin(); it != documents.rend(); ++it) {
    // Under the algorithm it was fetched by: a sha512 pull keeps its digest.
    auto put = lease.put_blob(it->fetched.bytes, it->fetched.digest.algorithm_id());
    if (!put) return put.error();
  }
  result.root.media_type = std::string(layers::media_type_of(documents[0].parsed.type()));
  result.root.digest = documents[0].fetched.digest;
  result.root.size = static_cast<std::int64_t>(documents[0].fetched.bytes.size());
  result.root.annotations[std::string(store::kAnnotationImageSource)] =
      from.registry + "/" + from.repository;
  if (auto s = lease.set_ref(as, result.root); !s) return s.error();
  return result;
}

}  // namespace oci::registry
