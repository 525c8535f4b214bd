#!/usr/bin/env python3
"""A registry front for tests/oci/oracle/registry_faults.sh: forwards to a
real registry (docker-registry) and, on request, stands in for what a real
network and a real registry service also do.

  registry_proxy.py UPSTREAM PORT_FILE RULES_FILE LOG_FILE [--bearer USER:PASS]

--bearer: the registry speaks distribution's token protocol. Requests
without "Authorization: Bearer <token>" get 401 with a Bearer challenge whose
realm is this server's /token, which hands out the token for Basic USER:PASS
(401 otherwise).

RULES_FILE (JSON, re-read when it changes; counters restart then): a list of
{"path": substring of the request path, "action": ..., "times": N (default:
always)} applied to the first matching request(s):
  status   answer {"status": S} instead (error code "code", UNAVAILABLE by
           default; with Retry-After for "retry_after", a Bearer challenge
           for "challenge": true)
  truncate send the headers for the whole body, then only "bytes" of it
  corrupt  flip the last byte of the body
  pad      answer a body of "bytes" bytes (an oversized manifest)
  stall    send "bytes" of the body, then nothing for "seconds"
  digest   answer with Docker-Content-Digest: "digest" (a registry that lies)
  alias    answer a manifest request with the manifest of "reference" (a
           tag): docker-registry addresses manifests by sha256 only, this
           lets a test ask for one by its sha512
  redirect answer 307 to this proxy's blob storage: a second port, serving
           /_storage/PATH as the registry serves PATH, asking for no token
           (as S3 or a CDN, whose access is in the signed URL)
Every request is logged to LOG_FILE as "METHOD PATH RANGE AUTH", AUTH the
scheme of its Authorization header or "-" (uploads too: their Location is
rewritten to come back here).
"""
import base64
import http.server
import json
import os
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request

upstream, port_file, rules_file, log_file = sys.argv[1:5]
bearer = sys.argv[6] if len(sys.argv) > 6 and sys.argv[5] == "--bearer" else None
token = secrets.token_hex(16)
lock = threading.Lock()
state = {"mtime": None, "rules": [], "used": []}


def rule_for(path):
    with lock:
        try:
            mtime = os.stat(rules_file).st_mtime_ns
        except FileNotFoundError:
            return None
        if mtime != state["mtime"]:
            with open(rules_file) as f:
                state["rules"] = json.load(f)
            state["used"] = [0] * len(state["rules"])
            state["mtime"] = mtime
        for i, rule in enumerate(state["rules"]):
            if rule["path"] in path and ("times" not in rule or state["used"][i] < rule["times"]):
                state["used"][i] += 1
                return rule
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self.do_GET()

    def do_PUT(self):
        self.do_GET()

    def do_PATCH(self):
        self.do_GET()

    def do_GET(self):
        auth_scheme = self.headers.get("Authorization", "-").split(" ")[0]
        with lock, open(log_file, "a") as log:
            log.write(f"{self.command} {self.path} {self.headers.get('Range', '-')} {auth_scheme}\n")
        if self.path.startswith("/_storage/"):
            return self.forward(self.path[len("/_storage"):].split("?")[0], None)
        if bearer and self.path.startswith("/token"):
            auth = self.headers.get("Authorization", "")
            rule = rule_for(self.path)
            if rule and rule["action"] == "status":
                return self.answer(rule["status"], b'{"errors": [{"code": "DENIED"}]}')
            if auth != "Basic " + base64.b64encode(bearer.encode()).decode():
                return self.answer(401, b'{"details": "bad credentials"}')
            return self.answer(200, json.dumps({"token": token}).encode(),
                               [("Content-Type", "application/json")])
        if bearer and self.headers.get("Authorization") != "Bearer " + token:
            realm = f"http://127.0.0.1:{self.server.server_port}/token"
            challenge = f'Bearer realm="{realm}",service="lxcri-test"'
            body = b'{"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}'
            return self.answer(401, body, [("WWW-Authenticate", challenge)])
        rule = rule_for(self.path)
        if rule and rule["action"] == "status":
            headers = [("Retry-After", str(rule["retry_after"]))] if "retry_after" in rule else []
            if rule.get("challenge"):  # as when a token expires
                realm = f"http://127.0.0.1:{self.server.server_port}/token"
                headers.append(("WWW-Authenticate", f'Bearer realm="{realm}",service="lxcri-test"'))
            length = int(self.headers.get("Content-Length", "0"))
            if length:
                self.rfile.read(length)
            code = rule.get("code", "UNAVAILABLE")
            return self.answer(rule["status"], b'{"errors": [{"code": "%s"}]}' % code.encode(),
                               headers)
        if rule and rule["action"] == "redirect":
            location = f"http://127.0.0.1:{storage.server_port}/_storage{self.path}?signature=test"
            return self.answer(307, b"", [("Location", location)])
        if rule and rule["action"] == "alias":
            repository = self.path[: self.path.index("/manifests/")]
            return self.forward(repository + "/manifests/" + rule["reference"], None)
        self.forward(self.path, rule)

    def forward(self, path, rule):
        """The upstream registry's answer to this request for `path`, with
        what `rule` does to it."""
        length = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(length) if length else None
        if self.command in ("POST", "PUT", "PATCH") and data is None:
            data = b""
        request = urllib.request.Request("http://" + upstream + path, data=data,
                                         method=self.command)
        for name in ("Accept", "Range", "Content-Type", "Content-Range"):
            if name in self.headers:
                request.add_header(name, self.headers[name])
        try:
            with urllib.request.urlopen(request) as response:
                status, body, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, error.read(), error.headers
        keep = [(n, headers[n]) for n in ("Content-Type", "Docker-Content-Digest", "Content-Range")
                if n in headers]
        if "Location" in headers:  # uploads continue through this proxy
            here = f"127.0.0.1:{self.server.server_port}"
            keep.append(("Location", headers["Location"].replace(upstream, here)))
        if rule and rule["action"] == "corrupt" and body:
            body = body[:-1] + bytes([body[-1] ^ 1])
        if rule and rule["action"] == "digest":
            keep = [(n, v) for n, v in keep if n != "Docker-Content-Digest"]
            keep.append(("Docker-Content-Digest", rule["digest"]))
        if rule and rule["action"] == "pad":
            body = b" " * rule["bytes"]
            keep = [("Content-Type", "application/vnd.oci.image.manifest.v1+json")]
        if rule and rule["action"] in ("stall", "truncate"):
            # The headers promise the whole body; part of it comes, then,
            # after a pause for a stall, the connection ends.
            self.send_response(status)
            for name, value in keep:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: rule["bytes"]])
            self.wfile.flush()
            time.sleep(rule.get("seconds", 0))
            self.close_connection = True
            return
        self.answer(status, body, keep)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
storage = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=storage.serve_forever, daemon=True).start()
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_port))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
