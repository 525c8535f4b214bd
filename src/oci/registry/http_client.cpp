#include "oci/registry/http_client.h"

#include <curl/curl.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace oci::registry {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  const HttpRequest* request = nullptr;
  std::uint64_t body_sent = 0;
  bool headers_checked = false;
  HttpResponse response;
  std::optional<core::Error> sink_error;  // what stopped the transfer
  bool too_big = false;
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\r' || s.back() == '\n' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or a 100 Continue): its headers only.
    t->response.headers.clear();
    const std::size_t space = line.find(' ');
    if (space != std::string_view::npos) t->response.status = std::atol(line.data() + space + 1);
    return size * count;
  }
  const std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response.headers[lower(trim(line.substr(0, colon)))] =
        std::string(trim(line.substr(colon + 1)));
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view chunk(data, size * count);
  const long status = t->response.status;
  if (t->request->sink && status >= 200 && status < 300) {
    if (t->request->stream_status != 0 && status != t->request->stream_status) {
      t->sink_error = core::Error(core::ErrorCode::kFailedPrecondition,
                                  "HTTP " + std::to_string(status) + " where " +
                                      std::to_string(t->request->stream_status) + " was expected");
      return 0;
    }
    if (!t->headers_checked && t->request->on_headers) {
      t->headers_checked = true;
      t->response.status = status;
      if (auto s = t->request->on_headers(t->response); !s) {
        t->sink_error = s.error();
        return 0;
      }
    }
    if (auto s = t->request->sink(chunk); !s) {
      t->sink_error = s.error();
      return 0;  // stops the transfer
    }
    return chunk.size();
  }
  if (t->response.body.size() + chunk.size() > t->request->max_body) {
    t->too_big = true;
    return 0;
  }
  t->response.body.append(chunk);
  return chunk.size();
}

size_t on_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const HttpRequest& r = *t->request;
  const std::uint64_t total = r.body_fd >= 0 ? r.body_size : r.body.size();
  const size_t want =
      static_cast<size_t>(std::min<std::uint64_t>(size * count, total - t->body_sent));
  if (want == 0) return 0;
  if (r.body_fd < 0) {
    std::memcpy(buffer, r.body.data() + t->body_sent, want);
    t->body_sent += want;
    return want;
  }
  const ssize_t got =
      ::pread(r.body_fd, buffer, want, static_cast<off_t>(r.body_offset + t->body_sent));
  if (got <= 0) return CURL_READFUNC_ABORT;  // the file shrank or failed
  t->body_sent += static_cast<std::uint64_t>(got);
  return static_cast<size_t>(got);
}

// libcurl rewinds the body to send it again (a redirect, a retried auth).
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  t->body_sent = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

core::Result<std::string> read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.good() && !in.eof()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "cannot read " + file.string());
  }
  return text;
}

// How many times `needle` occurs in `text`.
std::size_t occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

// The system's CAs as a directory hashed for OpenSSL's lookup by subject,
// when it holds as many certificates as libcurl's default bundle
// (update-ca-certificates makes both from the same CAs); null otherwise, and
// the bundle is read as libcurl does by default. From the directory
// OpenSSL reads the one CA a handshake needs; on Debian the bundle is parsed
// whole for every new connection, 19 ms of a 33 ms HTTPS request with
// OpenSSL 3 (docs/PERFORMANCE.md). A CA appended to the bundle alone
// (`cat corp.pem >> ca-certificates.crt`) makes the counts differ and keeps
// the bundle.
const char* system_ca_dir() {
  static const bool complete = [] {
    std::size_t links = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/etc/ssl/certs", ec)) {
      const std::string name = entry.path().filename().string();
      const bool hashed =
          name.size() > 9 && name[8] == '.' &&
          std::all_of(name.begin(), name.begin() + 8,
                      [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }) &&
          std::all_of(name.begin() + 9, name.end(),
                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
      if (hashed) ++links;
    }
    if (links == 0) return false;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
    char* bundle = nullptr;
    if (h) curl_easy_getinfo(h.get(), CURLINFO_CAINFO, &bundle);
    if (bundle == nullptr) return true;  // no bundle to miss
    auto text = read_text(bundle);
    if (!text) return true;  // nor one that cannot be read
    return links >= occurrences(text.value(), "-----BEGIN CERTIFICATE-----") +
                        occurrences(text.value(), "-----BEGIN TRUSTED CERTIFICATE-----");
  }();
  return complete ? "/etc/ssl/certs" : nullptr;
}

// A certificate that did not verify, or one of ours that is unusable:
// trying again cannot help. (A failed handshake is not among them: a reset
// in the middle of one looks the same and may pass.)
bool tls_refused(CURLcode rc) {
  return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CERTPROBLEM ||
         rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_ISSUER_ERROR;
}

// The PEM texts of `options` (the CAs only `with_cas`), copied into the
// handle (no lifetime to reason about; the copy is cheap beside the TLS
// handshake that parses them).
core::Status set_tls_material(CURL* h, const HttpOptions& options, bool with_cas = true) {
  auto set = [h](CURLoption option, const std::string& pem) {
    curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
    return curl_easy_setopt(h, option, &blob);
  };
  CURLcode rc = CURLE_OK;
  if (with_cas && system_ca_dir() != nullptr) {
    curl_easy_setopt(h, CURLOPT_CAINFO, nullptr);  // no bundle to parse
    curl_easy_setopt(h, CURLOPT_CAPATH, system_ca_dir());
  }
  if (with_cas && !options.ca_pem.empty()) rc = set(CURLOPT_CAINFO_BLOB, options.ca_pem);
  if (rc == CURLE_OK && !options.client_cert_pem.empty()) {
    rc = set(CURLOPT_SSLCERT_BLOB, options.client_cert_pem);
    if (rc == CURLE_OK) rc = set(CURLOPT_SSLKEY_BLOB, options.client_key_pem);
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  }
  if (rc != CURLE_OK) {
    return core::Error(core::ErrorCode::kUnavailable,
                       std::string("this libcurl cannot take certificates from memory: ") +
                           curl_easy_strerror(rc));
  }
  return {};
}

}  // namespace

core::Status load_cert_dir(const std::filesystem::path& dir, HttpOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return core::Error(core::ErrorCode::kNotFound,
                       "certificate directory " + dir.string() + ": not a directory")
        .with_field("cert-dir");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    files.push_back(entry.path());
  if (ec) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "certificate directory " + dir.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  std::string cas;
  std::filesystem::path pair;
  for (const auto& file : files) {
    const std::string extension = file.extension().string();
    if (extension == ".crt") {
      auto text = read_text(file);
      if (!text) return text.error();
      // libcurl refuses a CA blob without a certificate, and every
      // connection would fail: name the file instead.
      if (text.value().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
        return core::Error(core::ErrorCode::kInvalidArgument,
                           file.string() + " holds no PEM certificate")
            .with_field("cert-dir");
      }
      cas += text.value() + "\n";
      continue;
    }
    if (extension != ".cert" && extension != ".key") continue;
    auto partner = file;
    partner.replace_extension(extension == ".cert" ? ".key" : ".cert");
    if (!std::filesystem::exists(partner, ec)) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         file.string() + " has no " + partner.filename().string() + " beside it")
          .with_field("cert-dir");
    }
    if (extension == ".key") continue;
    if (!pair.empty()) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "two client certificates in " + dir.string() + ": " +
                             pair.filename().string() + " and " + file.filename().string())
          .with_field("cert-dir");
    }
    pair = file;
  }
  options.ca_pem = std::move(cas);  // trusted besides the system's, not instead
  if (!pair.empty()) {
    auto cert = read_text(pair);
    if (!cert) return cert.error();
    auto key = read_text(std::filesystem::path(pair).replace_extension(".key"));
    if (!key) return key.error();
    options.client_cert_pem = std::move(cert).value();
    options.client_key_pem = std::move(key).value();
  }
  return {};
}

std::filesystem::path default_cert_dir(const std::string& registry) {
  if (registry.empty() || registry.find('/') != std::string::npos) return {};
  std::vector<std::filesystem::path> roots;
  const char* home = std::getenv("HOME");
  if (::geteuid() != 0 && home != nullptr && *home != '\0') {
    roots.push_back(std::filesystem::path(home) / ".config/containers/certs.d");
  }
  roots.emplace_back("/etc/containers/certs.d");
  roots.emplace_back("/etc/docker/certs.d");
  for (const auto& root : roots) {
    std::filesystem::path dir = root / registry;
    std::error_code ec;
    // One we may not read is not ours (another user's): as skopeo, skip it.
    if (std::filesystem::is_directory(dir, ec) && ::access(dir.c_str(), R_OK | X_OK) == 0) {
      return dir;
    }
  }
  return {};
}

core::Status tls_handshake(const std::string& host, const HttpOptions& options) {
  global_init();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return core::Error(core::ErrorCode::kInternal, "curl_easy_init failed");
  CURL* h = curl.get();
  const std::string url = "https://" + host + "/";
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_seconds);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  // Nothing is verified here, so no CAs.
  if (auto s = set_tls_material(h, options, false); !s) return s;
  const CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return {};
  const bool unreachable = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                           rc == CURLE_OPERATION_TIMEDOUT;
  return core::Error(
      unreachable ? core::ErrorCode::kUnavailable : core::ErrorCode::kPermissionDenied,
      url + ": " + std::string(error[0] != '\0' ? error : curl_easy_strerror(rc)));
}

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpSession::~HttpSession() {
  for (void* handle : idle_)
    curl_easy_cleanup(handle);
}

void* HttpSession::take() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void HttpSession::give_back(void* handle) {
  // The options go now (with the pointers into the finished request, and
  // the copied key); connections and TLS sessions stay.
  curl_easy_reset(handle);
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(handle);
}

core::Result<HttpResponse> http_request(const HttpRequest& request, const HttpOptions& options,
                                        HttpSession* session) {
  global_init();
  auto release = [session](CURL* handle) {
    if (session != nullptr) {
      session->give_back(handle);
    } else {
      curl_easy_cleanup(handle);
    }
  };
  std::unique_ptr<CURL, decltype(release)> curl(
      session != nullptr ? session->take() : curl_easy_init(), release);
  if (!curl) return core::Error(core::ErrorCode::kInternal, "curl_easy_init failed");
  CURL* h = curl.get();
  Transfer t;
  t.request = &request;
  struct curl_slist* headers = nullptr;
  for (const std::string& header : request.headers)
    headers = curl_slist_append(headers, header.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers,
                                                                          curl_slist_free_all);
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_seconds);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options.stall_seconds);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options.tls_verify ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options.tls_verify ? 2L : 0L);
  if (auto s = set_tls_material(h, options); !s) return s.error();
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    // An upload, sent with the request's own method.
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(
        h, CURLOPT_INFILESIZE_LARGE,
        static_cast<curl_off_t>(request.body_fd >= 0 ? request.body_size : request.body.size()));
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_upload);
    curl_easy_setopt(h, CURLOPT_READDATA, &t);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, &t);
    // No "Expect: 100-continue" round trip before each chunk.
    header_list.reset(curl_slist_append(header_list.release(), "Expect:"));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
  }
  const CURLcode rc = curl_easy_perform(h);
  if (t.sink_error) return *t.sink_error;
  if (t.too_big) {
    return core::Error(
        core::ErrorCode::kCapacityExceeded,
        request.url + ": response larger than " + std::to_string(request.max_body) + " bytes");
  }
  if (rc != CURLE_OK) {
    return core::Error(
        tls_refused(rc) ? core::ErrorCode::kPermissionDenied : core::ErrorCode::kUnavailable,
        request.url + ": " + std::string(error[0] != '\0' ? error : curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  t.response.status = status;
  return std::move(t.response);
}

}  // namespace oci::registry
