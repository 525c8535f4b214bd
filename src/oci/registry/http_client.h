// oci/registry/http_client.h: one HTTP request through libcurl, the way the
// registry client needs it.
//
// A response body goes to memory (refused past `max_body` bytes: a registry
// must not make us hold a "manifest" of gigabytes) or, for 2xx responses
// with a `sink`, is streamed to it chunk by chunk (blobs). Headers are kept
// by lower-case name, from the last response when redirects were followed
// (up to 5; libcurl drops an Authorization header on a redirect to another
// host, so blob storage never sees our token). A server that stalls (under
// 1 byte/s for `stall_seconds`; libcurl averages the speed over about five
// seconds, so bytes just before a stall add up to that much) or cannot be
// reached within
// `connect_timeout_seconds` fails the request, as does TLS that does not
// verify unless `tls_verify` is off. Transport failures are kUnavailable
// with the URL and libcurl's words (kPermissionDenied for a certificate that
// did not verify, or one of ours that is unusable: no retry helps); HTTP
// statuses are the caller's to judge. The TLS material goes with every
// request, to the registry and to wherever it redirects.
// Thread-safe: each call uses its own handle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace oci::registry {

struct HttpOptions {
  bool tls_verify = true;
  // PEM text, from load_cert_dir: CAs trusted besides the system's (empty:
  // the system's alone), and a client certificate with its key (empty: none).
  // The system's are read from /etc/ssl/certs when it is hashed, else from
  // libcurl's default bundle.
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  long connect_timeout_seconds = 15;
  long stall_seconds = 30;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // unless streamed to the sink
  std::string header(const std::string& lower_name) const;
};

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, or PUT, POST, PATCH with a body
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::size_t max_body = 4 << 20;    // in-memory bodies (and error bodies) past this fail
  // For 2xx responses: each chunk of the body; an error stops the transfer
  // and is the request's result.
  std::function<core::Status(std::string_view)> sink;
  // When set, only a response with this status streams to the sink: any
  // other 2xx stops before a byte reaches it (kFailedPrecondition naming
  // both), so a 200 with a whole blob never lands after the bytes a 206 for
  // a Range request would have continued.
  long stream_status = 0;
  // The body of a PUT, POST or PATCH: `body`, or when `body_fd` >= 0,
  // `body_size` bytes of that file from `body_offset` (read with pread, so
  // a request sent again, after a 401 or a redirect, sends the same bytes).
  std::string body;
  int body_fd = -1;
  std::uint64_t body_offset = 0;
  std::uint64_t body_size = 0;
  // Called once a streamed response's headers are in, before any of its
  // body reaches the sink; an error stops the transfer.
  std::function<core::Status(const HttpResponse&)> on_headers;
};

class HttpSession;

// With a `session`, over a connection it keeps open when one to that host
// is idle; without, over a new connection that closes after.
core::Result<HttpResponse> http_request(const HttpRequest& request, const HttpOptions& options,
                                        HttpSession* session = nullptr);

// Connections kept open from one request to the next: idle libcurl handles,
// each holding its live connections and TLS sessions, lent to one request
// at a time. Without one, every request connects anew, and over HTTPS
// shakes hands again (a pull of five layers from an HTTPS registry on
// loopback took 320 ms that way, 247 ms with a session: docs/PERFORMANCE.md).
// Thread-safe: concurrent requests each get a handle of their own, so the
// pool grows to the most requests at once.
class HttpSession {
 public:
  HttpSession() = default;
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

 private:
  friend core::Result<HttpResponse> http_request(const HttpRequest&, const HttpOptions&,
                                                 HttpSession*);
  void* take();  // an idle handle, reset, or a new one (null if libcurl cannot make one)
  void give_back(void* handle);

  std::mutex mutex_;
  std::vector<void*> idle_;
};

// Reads a certificate directory laid out as containers-certs.d(5) has it:
// every *.crt is a CA (PEM; one holding none is kInvalidArgument naming it),
// trusted besides the system's; a *.cert is a
// client certificate whose key is the *.key of the same name (one pair at
// most). A missing directory is kNotFound; a *.cert without its *.key, a
// *.key without its *.cert or a second pair is kInvalidArgument naming the
// file. What the files hold is checked by the TLS library at the first
// connection.
core::Status load_cert_dir(const std::filesystem::path& dir, HttpOptions& options);

// Where the certificates of `registry` ("host:port") live when none are
// named: the first directory we may read of
// ~/.config/containers/certs.d/REGISTRY (not for root),
// /etc/containers/certs.d/REGISTRY and /etc/docker/certs.d/REGISTRY (as
// skopeo and Docker look), else empty.
std::filesystem::path default_cert_dir(const std::string& registry);

// Whether `host` ("127.0.0.1:5000") completes a TLS handshake: OK when it
// does (its certificate is not checked here: a bad one is the real
// request's error to report), kUnavailable when it cannot be reached at
// all, kPermissionDenied with libcurl's words when the handshake fails (a
// plain HTTP server, or a TLS server that refuses us).
core::Status tls_handshake(const std::string& host, const HttpOptions& options);

}  // namespace oci::registry
