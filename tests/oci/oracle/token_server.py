#!/usr/bin/env python3
"""A token server for the registry tests: distribution's token authentication
(https://distribution.github.io/distribution/spec/auth/token/), so that a real
docker-registry enforces bearer tokens itself, configured with

  auth:
    token:
      realm: http://127.0.0.1:PORT/token
      service: lxcri-test
      issuer: lxcri-test-issuer
      rootcertbundle: CERT_PEM

  token_server.py PORT_FILE KEY_PEM CERT_PEM USERS_FILE LOG_FILE [SERVICE]

Listens on a free port of 127.0.0.1 and writes it to PORT_FILE (whole, by a
rename). KEY_PEM and CERT_PEM: an RSA key and its self-signed certificate,
e.g. from "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=x -keyout
KEY_PEM -out CERT_PEM". SERVICE defaults to lxcri-test.

USERS_FILE (JSON, re-read on every request, so a test may change it):

  {"alice": {"password": "s3cret", "grants": {"*": ["pull", "push"]}},
   "": {"grants": {"public/*": ["pull"]}}}

"" is the anonymous user (no Authorization header; without an entry, nothing
is granted). Grants map a repository glob (fnmatch) to actions ("*": all).
GET /token?service=S&scope=... (scope repeated, or several in one separated
by spaces) answers a JWT (RS256, the certificate in its x5c header) whose
"access" gives, for each scope asked, the actions both asked and granted,
possibly none: the registry then answers 401 with error="insufficient_scope".
A wrong password or unknown user gets 401, another service 400. Each request
is logged to LOG_FILE as one line, "USER SCOPE...", with USER "-" for anonymous.
"""
import base64
import fnmatch
import http.server
import json
import os
import secrets
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse

port_file, key_pem, cert_pem, users_file, log_file = sys.argv[1:6]
service = sys.argv[6] if len(sys.argv) > 6 else "lxcri-test"
issuer = "lxcri-test-issuer"
lifetime = 300
lock = threading.Lock()
with open(cert_pem) as f:
    x5c = base64.b64encode(ssl.PEM_cert_to_DER_cert(f.read())).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(header, claims):
    signed = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key_pem], check=True,
                               input=signed.encode(), capture_output=True).stdout
    return signed + "." + b64url(signature)


def access(grants, scope):
    """The token's access entry for one "type:name:actions" scope."""
    kind, _, rest = scope.partition(":")
    name, _, actions = rest.rpartition(":")
    granted = set()
    if kind == "repository":
        for pattern, allowed in grants.items():
            if fnmatch.fnmatchcase(name, pattern):
                granted.update(allowed)
    asked = [a for a in actions.split(",") if a]
    return {"type": kind, "name": name,
            "actions": [a for a in asked if a in granted or "*" in granted]}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, document, headers=()):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message, headers=()):
        self.answer(status, {"errors": [{"code": code, "message": message}]}, headers)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/token":
            return self.error(404, "NOT_FOUND", "no such endpoint")
        query = urllib.parse.parse_qs(url.query)
        scopes = [s for param in query.get("scope", []) for s in param.split()]
        user, password = "", None
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:  # not base64, not UTF-8
                user = "?"
        with lock, open(log_file, "a") as log:
            log.write(" ".join([user or "-"] + scopes) + "\n")
        if query.get("service", [service]) != [service]:
            return self.error(400, "DENIED", f"unknown service {query['service']}")
        with open(users_file) as f:
            users = json.load(f)
        account = users.get(user) if user else users.get("", {})
        if account is None or (user and account.get("password") != password):
            return self.error(401, "UNAUTHORIZED", "wrong user name or password",
                              [("WWW-Authenticate", f'Basic realm="{service}"')])
        now = int(time.time())
        claims = {"iss": issuer, "sub": user, "aud": service, "exp": now + lifetime,
                  "nbf": now - 10, "iat": now, "jti": secrets.token_hex(16),
                  "access": [access(account.get("grants", {}), s) for s in scopes]}
        token = sign({"typ": "JWT", "alg": "RS256", "x5c": [x5c]}, claims)
        self.answer(200, {"token": token, "access_token": token, "expires_in": lifetime,
                          "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))})


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_port))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
