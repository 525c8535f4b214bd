#include "oci/registry/registry_client.h"

#include <algorithm>
#include <thread>

#include <nlohmann/json.hpp>

#include "oci/base64.h"
#include "oci/media_types.h"

namespace oci::registry {
namespace {

const std::string kManifestAccept = "Accept: " + std::string(media_type::kOciIndex) + ", " +
                                    std::string(media_type::kOciManifest) + ", " +
                                    std::string(media_type::kDockerManifestList) + ", " +
                                    std::string(media_type::kDockerManifest);

bool retryable(long status) {
  return status == 429 || status >= 500;
}

std::string pull_scope(const std::string& repository) {
  return "repository:" + repository + ":pull";
}

std::string push_scope(const std::string& repository) {
  return "repository:" + repository + ":pull,push";
}

// "%XX" for what may not stand in a query value.
std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

// Retry-After in seconds (capped at 10), else the backoff.
std::chrono::milliseconds delay_for(const HttpResponse& response,
                                    std::chrono::milliseconds backoff) {
  const std::string after = response.header("retry-after");
  const bool seconds = !after.empty() && std::all_of(after.begin(), after.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
  if (seconds) return std::chrono::seconds(std::min(10L, std::atol(after.c_str())));
  return backoff;
}

}  // namespace

core::Error registry_error(const HttpResponse& response, const std::string& what) {
  std::string detail;
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (!json.is_discarded() && json.is_object() && json.contains("errors") &&
      json["errors"].is_array()) {
    for (const auto& e : json["errors"]) {
      if (!e.is_object()) continue;
      if (!detail.empty()) detail += "; ";
      if (e.contains("code") && e["code"].is_string()) detail += e["code"].get<std::string>();
      if (e.contains("message") && e["message"].is_string()) {
        detail += ": " + e["message"].get<std::string>();
      }
    }
  }
  // A body that is not the error list but a short line of text says
  // something too ("Client sent an HTTP request to an HTTPS server.").
  if (detail.empty() && json.is_discarded() && !response.body.empty() &&
      response.body.size() <= 200 &&
      std::all_of(response.body.begin(), response.body.end(), [](char c) {
        return std::isprint(static_cast<unsigned char>(c)) || c == '\n';
      })) {
    detail = response.body;
    while (!detail.empty() && detail.back() == '\n')
      detail.pop_back();
  }
  // A refused token says why in its challenge (a HEAD has no body).
  if (auto challenge = parse_challenge(response.header("www-authenticate"));
      detail.empty() && challenge && challenge.value().params.count("error") > 0) {
    detail = challenge.value().params["error"];
    if (challenge.value().params.count("scope") > 0) {
      detail += ": the token does not grant " + challenge.value().params["scope"];
    }
  }
  const long status = response.status;
  const core::ErrorCode code = status == 401 || status == 403 ? core::ErrorCode::kPermissionDenied
                               : status == 404                ? core::ErrorCode::kNotFound
                                                              : core::ErrorCode::kUnavailable;
  return core::Error(code, what + ": HTTP " + std::to_string(status) +
                               (detail.empty() ? "" : " (" + detail + ")"));
}

RegistryClient::RegistryClient(std::string host, RegistryOptions options)
    : host_(std::move(host)), options_(std::move(options)) {}

core::Result<std::string> RegistryClient::base_url() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (base_url_) return *base_url_;
  if (options_.plain_http || !options_.http_fallback) {
    base_url_ = (options_.plain_http ? "http://" : "https://") + host_;
    return *base_url_;
  }
  // TLS when the registry answers /v2/ over it: that connection then serves
  // the next request. Failing that, a handshake tells a registry that does
  // not speak TLS (plain HTTP, if it answers /v2/ so) from one that cannot
  // be reached (waited for, as send() would) or that failed otherwise (the
  // request's error). A plain-HTTP registry so costs two TLS attempts, and
  // one that cannot be reached one connect timeout more.
  HttpRequest secure_ping;
  secure_ping.url = "https://" + host_ + "/v2/";
  auto secure = http_request(secure_ping, options_.http, &session_);
  if (secure || secure.error().code() != core::ErrorCode::kUnavailable) {
    if (!secure) return secure.error();
    base_url_ = "https://" + host_;
    return *base_url_;
  }
  core::Status handshake;
  std::chrono::milliseconds backoff = options_.backoff;
  for (int attempt = 1;; ++attempt) {
    handshake = tls_handshake(host_, options_.http);
    if (handshake || handshake.error().code() != core::ErrorCode::kUnavailable ||
        attempt >= options_.attempts) {
      break;
    }
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
  if (handshake) {  // TLS, and the request failed for its own reasons (or has since passed)
    base_url_ = "https://" + host_;
    return *base_url_;
  }
  if (handshake.error().code() == core::ErrorCode::kPermissionDenied) {
    HttpRequest ping;
    ping.url = "http://" + host_ + "/v2/";
    auto answer = http_request(ping, options_.http, &session_);
    if (answer && (answer.value().status == 200 || answer.value().status == 401)) {
      base_url_ = "http://" + host_;
      return *base_url_;
    }
  }
  return core::Error(handshake.error().code(),
                     "registry " + host_ + ": " + handshake.error().message());
}

std::string RegistryClient::authorization_for(const std::string& scope) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = authorization_.find(scope);
  return it == authorization_.end() ? std::string() : it->second;
}

core::Status RegistryClient::authorize(const Challenge& challenge, const std::string& scope) {
  std::string basic;
  if (options_.credentials) {
    basic = "Basic " +
            encode_base64(options_.credentials->username + ":" + options_.credentials->password);
  }
  std::string value;
  if (challenge.scheme == "basic") {
    if (basic.empty()) {
      return core::Error(core::ErrorCode::kPermissionDenied,
                         "the registry " + host_ + " wants a user and password (--creds)");
    }
    value = basic;
  } else if (challenge.scheme == "bearer") {
    auto param = [&](const char* name) {
      auto it = challenge.params.find(name);
      return it == challenge.params.end() ? std::string() : it->second;
    };
    std::string url = param("realm");
    url += url.find('?') == std::string::npos ? "?" : "&";
    if (!param("service").empty()) url += "service=" + url_encode(param("service")) + "&";
    // One parameter per scope, as the token protocol has it.
    const std::string scopes = scope.empty() ? param("scope") : scope;
    for (std::size_t start = 0; start <= scopes.size();) {
      std::size_t end = std::min(scopes.find(' ', start), scopes.size());
      if (end > start) url += "scope=" + url_encode(scopes.substr(start, end - start)) + "&";
      start = end + 1;
    }
    if (url.back() == '&') url.pop_back();
    HttpRequest token_request;
    token_request.url = url;
    token_request.max_body = 1 << 20;
    if (!basic.empty()) token_request.headers.push_back("Authorization: " + basic);
    auto response = http_request(token_request, options_.http, &session_);
    if (!response) {
      return core::Error(response.error().code(), "token service: " + response.error().message(),
                         response.error().context());
    }
    if (response.value().status != 200) {
      return registry_error(response.value(), "token service " + param("realm"));
    }
    auto json = nlohmann::json::parse(response.value().body, nullptr, false);
    std::string token;
    if (!json.is_discarded() && json.is_object()) {
      for (const char* key : {"token", "access_token"}) {
        if (json.contains(key) && json[key].is_string()) token = json[key].get<std::string>();
        if (!token.empty()) break;
      }
    }
    if (token.empty()) {
      return core::Error(core::ErrorCode::kUnavailable,
                         "token service " + param("realm") + " answered without a token");
    }
    value = "Bearer " + token;
  } else {
    return core::Error(core::ErrorCode::kUnavailable,
                       "the registry " + host_ + " asks for \"" + challenge.scheme +
                           "\" authentication, which lxcri does not speak");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  authorization_[scope] = value;
  return {};
}

core::Result<HttpResponse> RegistryClient::send(HttpRequest request, const std::string& scope) {
  auto base = base_url();
  if (!base) return base.error();
  if (request.url.starts_with("/")) request.url = base.value() + request.url;
  const std::vector<std::string> base_headers = request.headers;
  bool authorized_now = false;
  std::chrono::milliseconds backoff = options_.backoff;
  std::optional<core::Error> first_failure;
  for (int attempt = 1;; ++attempt) {
    request.headers = base_headers;
    // Our credentials go to this registry only, never to a Location
    // elsewhere (blob storage names its own access in its URLs).
    if (std::string auth = authorization_for(scope);
        !auth.empty() && request.url.starts_with(base.value() + "/")) {
      request.headers.push_back("Authorization: " + auth);
    }
    auto response = http_request(request, options_.http, &session_);
    const bool last = attempt >= options_.attempts;
    if (!response) {
      // A broken connection: again, unless a sink already took part of it
      // or an upload session may hold part of a body.
      if (!first_failure) first_failure = response.error();
      if (last || request.sink || request.body_fd >= 0 ||
          response.error().code() != core::ErrorCode::kUnavailable) {
        // Of failures that may pass, the first says most: later ones
        // often meet only its aftermath (a server that closes at once).
        const core::Error& shown = response.error().code() == core::ErrorCode::kUnavailable
                                       ? *first_failure
                                       : response.error();
        if (attempt == 1) return shown;
        return core::Error(shown.code(),
                           shown.message() + " (tried " + std::to_string(attempt) + " times)",
                           shown.context());
      }
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
      continue;
    }
    if (response.value().status == 401 && !authorized_now) {
      auto challenge = parse_challenge(response.value().header("www-authenticate"));
      if (!challenge) return registry_error(response.value(), "unauthorized");
      if (auto s = authorize(challenge.value(), scope); !s) return s.error();
      authorized_now = true;
      --attempt;  // the retry after authorizing is not a failure
      continue;
    }
    if (retryable(response.value().status) && !last && request.body_fd < 0) {
      std::this_thread::sleep_for(delay_for(response.value(), backoff));
      backoff *= 2;
      continue;
    }
    return response;
  }
}

core::Status RegistryClient::ping() {
  HttpRequest request;
  request.url = "/v2/";
  auto response = send(request, "");
  if (!response) return response.error();
  if (response.value().status != 200) {
    return registry_error(response.value(), "registry " + host_);
  }
  return {};
}

core::Result<FetchedManifest> RegistryClient::manifest(const std::string& repository,
                                                       const std::string& reference) {
  HttpRequest request;
  request.url = "/v2/" + repository + "/manifests/" + reference;
  request.headers.push_back(kManifestAccept);
  request.max_body = kMaxManifestBytes;
  const std::string what = "manifest " + host_ + "/" + repository + ":" + reference;
  auto response = send(request, pull_scope(repository));
  if (!response) {
    if (response.error().code() == core::ErrorCode::kCapacityExceeded) {
      return core::Error(core::ErrorCode::kCapacityExceeded,
                         what + ": larger than " + std::to_string(kMaxManifestBytes) + " bytes");
    }
    return core::Error(response.error().code(), what + ": " + response.error().message(),
                       response.error().context());
  }
  if (response.value().status != 200) return registry_error(response.value(), what);
  FetchedManifest fetched;
  fetched.bytes = std::move(response.value().body);
  fetched.media_type = response.value().header("content-type");
  fetched.media_type = fetched.media_type.substr(0, fetched.media_type.find(';'));
  // Hashed as the digest asked for says, else with sha256 as registries do.
  auto asked = Digest::parse(reference);
  fetched.digest = asked && asked.value().supported()
                       ? Digest::of(asked.value().algorithm_id(), fetched.bytes)
                       : Digest::sha256_of(fetched.bytes);
  const std::string said = response.value().header("docker-content-digest");
  if (!said.empty() && said != fetched.digest.str() &&
      said.starts_with(std::string(fetched.digest.algorithm()) + ":")) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       what + ": the registry says its digest is " + said + ", its bytes are " +
                           fetched.digest.str());
  }
  return fetched;
}

core::Status RegistryClient::blob(const std::string& repository, const Digest& digest,
                                  std::uint64_t offset,
                                  const std::function<core::Status(std::string_view)>& sink) {
  HttpRequest request;
  request.url = "/v2/" + repository + "/blobs/" + digest.str();
  request.max_body = 64 << 10;  // error bodies only: the blob goes to the sink
  if (offset > 0) request.headers.push_back("Range: bytes=" + std::to_string(offset) + "-");
  request.stream_status = offset > 0 ? 206 : 200;
  request.sink = sink;
  if (offset > 0) {
    // The 206 must continue where we are: "bytes OFFSET-END/TOTAL".
    request.on_headers = [offset](const HttpResponse& r) -> core::Status {
      const std::string range = r.header("content-range");
      if (!range.starts_with("bytes " + std::to_string(offset) + "-")) {
        return core::Error(
            core::ErrorCode::kFailedPrecondition,
            "a range answered with \"" + range + "\" for bytes " + std::to_string(offset) + "-");
      }
      return {};
    };
  }
  const std::string what = "blob " + digest.str() + " of " + host_ + "/" + repository;
  auto response = send(request, pull_scope(repository));
  if (!response) {
    return core::Error(response.error().code(), what + ": " + response.error().message(),
                       response.error().context());
  }
  if (response.value().status != request.stream_status) {
    return registry_error(response.value(), what);
  }
  return {};
}

std::string RegistryClient::absolute(const std::string& location) const {
  if (location.starts_with("http://") || location.starts_with("https://")) return location;
  return (location.starts_with("/") ? "" : "/") + location;  // send() adds the base
}

core::Result<bool> RegistryClient::has_blob(const std::string& repository, const Digest& digest) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = "/v2/" + repository + "/blobs/" + digest.str();
  const std::string what = "blob " + digest.str() + " on " + host_ + "/" + repository;
  auto response = send(request, push_scope(repository));
  if (!response) {
    return core::Error(response.error().code(), what + ": " + response.error().message());
  }
  if (response.value().status == 200) return true;
  if (response.value().status == 404) return false;
  return registry_error(response.value(), what);
}

core::Result<HttpResponse> RegistryClient::open_upload(const std::string& repository,
                                                       const std::string& query,
                                                       const std::string& scope) {
  HttpRequest start;
  start.method = "POST";
  start.url = "/v2/" + repository + "/blobs/uploads/" + query;
  return send(start, scope);
}

core::Result<bool> RegistryClient::upload_blob(const std::string& repository, const Digest& digest,
                                               int fd, std::uint64_t size, std::uint64_t chunk,
                                               const std::string& mount_from) {
  const std::string what = "upload of " + digest.str() + " to " + host_ + "/" + repository;
  const std::string scope = push_scope(repository);
  const bool mount = !mount_from.empty() && !mounts_refused_;
  auto opened =
      !mount ? open_upload(repository, "", scope)
             : open_upload(repository,
                           "?mount=" + url_encode(digest.str()) + "&from=" + url_encode(mount_from),
                           scope + " " + pull_scope(mount_from));
  if (mount) {
    if (opened && opened.value().status == 201) {
      const std::string said = opened.value().header("docker-content-digest");
      if (!said.empty() && said != digest.str()) {
        return core::Error(core::ErrorCode::kInvalidArgument,
                           what + ": the registry mounted " + said + " for it");
      }
      return true;
    }
    // Anything but a session of its own (a 202: the source lacks the blob)
    // is a mount the registry or its token service will not make, for
    // this blob or any: the bytes go up the plain way, and no more mounts
    // are asked for.
    if (!opened || opened.value().status != 202) {
      mounts_refused_ = true;
      opened = open_upload(repository, "", scope);
    }
  }
  if (!opened) return core::Error(opened.error().code(), what + ": " + opened.error().message());
  if (opened.value().status != 202) return registry_error(opened.value(), what);
  if (opened.value().header("location").empty()) {
    return core::Error(core::ErrorCode::kUnavailable, what + ": no Location for the upload");
  }
  std::string location = absolute(opened.value().header("location"));
  std::uint64_t sent = 0;
  if (chunk > 0) {
    while (sent < size) {
      HttpRequest patch;
      patch.method = "PATCH";
      patch.url = location;
      patch.body_fd = fd;
      patch.body_offset = sent;
      patch.body_size = std::min(chunk, size - sent);
      patch.headers = {"Content-Type: application/octet-stream",
                       "Content-Range: " + std::to_string(sent) + "-" +
                           std::to_string(sent + patch.body_size - 1)};
      auto patched = send(patch, scope);
      if (!patched) {
        return core::Error(patched.error().code(), what + ": " + patched.error().message());
      }
      if (patched.value().status != 202) return registry_error(patched.value(), what);
      sent += patch.body_size;
      if (!patched.value().header("location").empty()) {
        location = absolute(patched.value().header("location"));
      }
    }
  }
  HttpRequest put;
  put.method = "PUT";
  put.url = location + (location.find('?') == std::string::npos ? "?" : "&") +
            "digest=" + url_encode(digest.str());
  put.body_fd = fd;
  put.body_offset = sent;
  put.body_size = size - sent;
  put.headers = {"Content-Type: application/octet-stream"};
  auto done = send(put, scope);
  if (!done) return core::Error(done.error().code(), what + ": " + done.error().message());
  if (done.value().status != 201) return registry_error(done.value(), what);
  const std::string said = done.value().header("docker-content-digest");
  if (!said.empty() && said != digest.str()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       what + ": the registry stored it as " + said);
  }
  return false;
}

core::Status RegistryClient::put_manifest(const std::string& repository,
                                          const std::string& reference,
                                          const std::string& media_type, const std::string& bytes,
                                          const Digest& digest) {
  const std::string what = "manifest " + host_ + "/" + repository + ":" + reference;
  HttpRequest put;
  put.method = "PUT";
  put.url = "/v2/" + repository + "/manifests/" + reference;
  put.body = bytes;
  put.headers = {"Content-Type: " + media_type};
  auto done = send(put, push_scope(repository));
  if (!done) return core::Error(done.error().code(), what + ": " + done.error().message());
  if (done.value().status != 201) return registry_error(done.value(), what);
  // Registries name manifests by sha256: a document we hold under another
  // algorithm cannot be compared.
  const std::string said = done.value().header("docker-content-digest");
  if (!said.empty() && said != digest.str() &&
      said.starts_with(std::string(digest.algorithm()) + ":")) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       what + ": the registry computed " + said + " for " + digest.str());
  }
  return {};
}

}  // namespace oci::registry
