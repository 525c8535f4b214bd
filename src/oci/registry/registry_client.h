// oci/registry/registry_client.h: the OCI distribution API (/v2/) of one
// registry, for pulling and pushing.
//
// Every request carries the Authorization the registry asked for: on a 401
// the client reads WWW-Authenticate and either sends Basic credentials or
// fetches a Bearer token from the named token service (with the credentials
// when it has some, anonymously otherwise) for the request's scope
// ("repository:REPO:pull"), caches it per scope and tries again once.
// 429 and 5xx responses and broken connections (not certificates that fail
// to verify) are retried with doubling
// backoff (Retry-After is honoured up to 10 s); other statuses are errors
// built from the registry's own error list ({"errors": [{"code", "message"}]}):
// 401/403 kPermissionDenied, 404 kNotFound, the rest kUnavailable.
// Manifests are fetched with an Accept for OCI indexes and manifests and
// Docker lists and manifests, and refused past 4 MiB; their digest is
// computed here from the bytes (a Docker-Content-Digest header of the same
// algorithm that disagrees is an error). Connections stay open from one
// request to the next (HttpSession). Thread-safe: blobs are fetched from
// many threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "oci/digest.h"
#include "oci/registry/auth.h"
#include "oci/registry/http_client.h"

namespace oci::registry {

inline constexpr std::size_t kMaxManifestBytes = 4 << 20;

struct RegistryOptions {
  HttpOptions http;
  std::optional<Credentials> credentials;
  bool plain_http = false;  // http:// instead of https://
  // Plain HTTP when the registry does not complete a TLS handshake but
  // answers /v2/ over HTTP (asked once, at the first request): for
  // registries on this machine, and with --tls-verify=false, as skopeo
  // does. One that speaks TLS is held to it, certificate checks included
  // unless they are off.
  bool http_fallback = false;
  int attempts = 4;  // per request, for 429, 5xx and broken connections
  std::chrono::milliseconds backoff{250};
};

struct FetchedManifest {
  std::string bytes;
  std::string media_type;  // the response's Content-Type
  Digest digest;           // of the bytes: with the algorithm of a digest asked for, else sha256
};

class RegistryClient {
 public:
  // `host` as in a reference's api_host(): "127.0.0.1:5000".
  RegistryClient(std::string host, RegistryOptions options);

  // GET /v2/: reachable, speaks the API, and our credentials (if asked for)
  // are accepted.
  core::Status ping();
  // GET /v2/REPO/manifests/REFERENCE (a tag or a digest).
  core::Result<FetchedManifest> manifest(const std::string& repository,
                                         const std::string& reference);
  // GET /v2/REPO/blobs/DIGEST from byte `offset` (a Range request when > 0),
  // each chunk to `sink`. kFailedPrecondition when the server answers a
  // Range with the whole blob, before any of it reaches the sink (the caller
  // starts over). Not retried here: the caller knows how much it has and
  // resumes.
  core::Status blob(const std::string& repository, const Digest& digest, std::uint64_t offset,
                    const std::function<core::Status(std::string_view)>& sink);

  // For pushing; scope "repository:REPO:pull,push".
  // HEAD /v2/REPO/blobs/DIGEST: whether the registry has the blob.
  core::Result<bool> has_blob(const std::string& repository, const Digest& digest);
  // Uploads the first `size` bytes of the file `fd` as blob
  // `digest`: POST opens an upload session, then one PUT with the whole blob
  // (chunk 0) or PATCHes of `chunk` bytes and a closing PUT. The registry
  // checks the digest; a 201 with another Docker-Content-Digest is an error.
  // With `mount_from` (a repository of this registry that has the blob), the
  // POST first asks for a cross-repository mount (scope adds
  // "repository:FROM:pull"): a 201 is the blob mounted and nothing is sent
  // (a Docker-Content-Digest that disagrees is an error); a 202 is the
  // registry declining, and its session takes the upload; any other answer
  // (a token without the source's scope, a 4xx) is a plain upload, and this
  // client asks for no more mounts.
  // Returns whether the blob was mounted.
  core::Result<bool> upload_blob(const std::string& repository, const Digest& digest, int fd,
                                 std::uint64_t size, std::uint64_t chunk,
                                 const std::string& mount_from = "");
  // PUT /v2/REPO/manifests/REFERENCE (a tag or the digest) with the document
  // as `media_type`; the registry's digest for it must be `digest`.
  core::Status put_manifest(const std::string& repository, const std::string& reference,
                            const std::string& media_type, const std::string& bytes,
                            const Digest& digest);

 private:
  // "https://HOST" or "http://HOST", decided at the first call.
  core::Result<std::string> base_url();
  // The request with authorization, the 401 dance and (without a sink)
  // retries. `scope`: space-separated scopes, each its own token parameter.
  core::Result<HttpResponse> send(HttpRequest request, const std::string& scope);
  // POST /v2/REPO/blobs/uploads/ (with `query`): the response.
  core::Result<HttpResponse> open_upload(const std::string& repository, const std::string& query,
                                         const std::string& scope);
  core::Status authorize(const Challenge& challenge, const std::string& scope);
  std::string authorization_for(const std::string& scope);
  // A Location header as a URL, or as a path on this registry that send()
  // puts the base in front of.
  std::string absolute(const std::string& location) const;

  std::string host_;
  RegistryOptions options_;
  std::mutex mutex_;
  std::optional<std::string> base_url_;  // under mutex_
  std::atomic<bool> mounts_refused_{false};
  HttpSession session_;                               // connections kept open for the next request
  std::map<std::string, std::string> authorization_;  // scope -> header value
};

// An error for a failed registry response: its status, the registry's
// error codes and messages, and the URL as the field.
core::Error registry_error(const HttpResponse& response, const std::string& what);

}  // namespace oci::registry
