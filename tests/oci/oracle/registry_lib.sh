# tests/oci/oracle/registry_lib.sh: real registries on 127.0.0.1 for the
# registry tests (registry_*.sh). Sourced, not run.
#
# start_registry starts Debian's docker-registry (the reference
# implementation) on a free port, optionally with htpasswd basic auth;
# start_proxy puts registry_proxy.py (bearer tokens, injected faults) in
# front of one. Both set $address to HOST:PORT (not printed: a server started
# in a $(...) would be its subshell's, never stopped, and would hold the
# substitution open) and are stopped when the test exits.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_tools docker-registry skopeo htpasswd python3 busybox curl openssl

servers=()
stop_servers() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop_servers EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_registry NAME [--htpasswd FILE] [--token REALM CERT]
#                     [--tls CERT KEY [--client-ca CA]]
# --token: docker-registry checks the bearer tokens of start_token_server
# itself; --tls: it serves HTTPS, and with --client-ca asks for a client
# certificate signed by CA.
start_registry() {
  local name=$1 port auth="" tls="" scheme=http
  shift
  port=$(free_port)
  while (($#)); do
    case $1 in
      --htpasswd) auth="auth: {htpasswd: {realm: lxcri-test, path: $2}}"; shift 2 ;;
      --token)
        auth="auth: {token: {realm: $2, service: lxcri-test, issuer: lxcri-test-issuer,"
        auth+=" rootcertbundle: $3}}"
        shift 3 ;;
      --tls) tls=", tls: {certificate: $2, key: $3}"; scheme=https; shift 3 ;;
      --client-ca) tls="${tls%\}}, clientcas: [$2]}"; scheme=mtls; shift 2 ;;
      *) fail "start_registry: unknown option $1" ;;
    esac
  done
  mkdir -p "$work/$name/data"
  {
    echo "version: 0.1"
    echo "log: {level: error}"
    echo "storage: {filesystem: {rootdirectory: $work/$name/data}}"
    echo "http: {addr: 127.0.0.1:$port$tls}"
    [[ -n $auth ]] && echo "$auth"
  } >"$work/$name/config.yml"
  docker-registry serve "$work/$name/config.yml" >"$work/$name/log" 2>&1 &
  servers+=($!)
  for _ in $(seq 100); do
    # Any HTTP answer; for one that wants client certificates, listening
    # (a probe would need the test's certificates).
    if [[ $scheme == mtls ]]; then
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { address=127.0.0.1:$port; return; }
    elif curl -sk -o /dev/null "$scheme://127.0.0.1:$port/v2/"; then
      address=127.0.0.1:$port
      return
    fi
    sleep 0.1
  done
  cat "$work/$name/log" >&2
  fail "registry $name did not start"
}

# start_token_server USERS_JSON: token_server.py with a new signing key, for
# `start_registry NAME --token "$token_realm" "$token_cert"`. Its request
# log is $work/token.log.
start_token_server() {
  mkdir -p "$work/token"
  echo "$1" >"$work/token/users.json"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=lxcri-test-token \
    -keyout "$work/token/key.pem" -out "$work/token/cert.pem" 2>/dev/null
  : >"$work/token.log"
  python3 "$(dirname "${BASH_SOURCE[0]}")/token_server.py" "$work/token/port" \
    "$work/token/key.pem" "$work/token/cert.pem" "$work/token/users.json" "$work/token.log" \
    >"$work/token/err" 2>&1 &
  servers+=($!)
  for _ in $(seq 100); do
    if [[ -s $work/token/port ]]; then
      token_realm=http://127.0.0.1:$(cat "$work/token/port")/token
      token_cert=$work/token/cert.pem
      return
    fi
    sleep 0.1
  done
  cat "$work/token/err" >&2
  fail "the token server did not start"
}

# start_proxy NAME UPSTREAM [--bearer USER:PASS]: rules in $work/NAME.rules,
# its request log in $work/NAME.log.
start_proxy() {
  local name=$1 upstream=$2
  shift 2
  echo '[]' >"$work/$name.rules"
  : >"$work/$name.log"
  python3 "$(dirname "${BASH_SOURCE[0]}")/registry_proxy.py" "$upstream" "$work/$name.port" \
    "$work/$name.rules" "$work/$name.log" "$@" >"$work/$name.err" 2>&1 &
  servers+=($!)
  for _ in $(seq 100); do
    [[ -s $work/$name.port ]] && { address=127.0.0.1:$(cat "$work/$name.port"); return; }
    sleep 0.1
  done
  cat "$work/$name.err" >&2
  fail "proxy $name did not start"
}

# make_test_image: a busybox image, as an OCI layout at $work/layout:app.
make_test_image() {
  mkdir -p "$work/rootfs/bin"
  cp "$(command -v busybox)" "$work/rootfs/bin/busybox"
  LXCRI_STORE=$work/source "$lxcri" image create --from-dir "$work/rootfs" --cmd /bin/busybox \
    test/app:1 >/dev/null
  LXCRI_STORE=$work/source "$lxcri" image export test/app:1 "oci:$work/layout:app" >/dev/null
}

# make_multi_platform_layout (after make_test_image): the test image for
# linux/amd64 and an arm64 twin under one OCI index, $work/layout:multi, and
# an index naming that index, $work/layout:nested.
make_multi_platform_layout() {
  LXCRI_STORE=$work/source "$lxcri" image create --from-dir "$work/rootfs" --platform linux/arm64 \
    --cmd /bin/busybox test/app:arm >/dev/null
  LXCRI_STORE=$work/source "$lxcri" image export test/app:arm "oci:$work/arm:app" >/dev/null
  python3 - "$work" <<'PY'
import hashlib, json, os, shutil, sys
work = sys.argv[1]
def blob(layout, digest):
    return os.path.join(layout, "blobs", *digest.split(":"))
entries = []
for layout, arch in ((work + "/layout", "amd64"), (work + "/arm", "arm64")):
    index = json.load(open(layout + "/index.json"))
    m = index["manifests"][0]
    entries.append({"mediaType": m["mediaType"], "digest": m["digest"], "size": m["size"],
                    "platform": {"os": "linux", "architecture": arch}})
    if layout != work + "/layout":  # copy the arm image's blobs into the first layout
        for root, _, files in os.walk(layout + "/blobs"):
            for f in files:
                dst = os.path.join(work + "/layout/blobs", os.path.relpath(os.path.join(root, f), layout + "/blobs"))
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(os.path.join(root, f), dst)
doc = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                  "manifests": entries}).encode()
digest = "sha256:" + hashlib.sha256(doc).hexdigest()
open(blob(work + "/layout", digest), "wb").write(doc)
multi = {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": digest, "size": len(doc)}
outer = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                    "manifests": [multi]}).encode()
outer_digest = "sha256:" + hashlib.sha256(outer).hexdigest()
open(blob(work + "/layout", outer_digest), "wb").write(outer)
index = json.load(open(work + "/layout/index.json"))
for name, d in (("multi", multi), ("nested", {"mediaType": multi["mediaType"],
                                              "digest": outer_digest, "size": len(outer)})):
    index["manifests"].append(dict(d, annotations={"org.opencontainers.image.ref.name": name}))
json.dump(index, open(work + "/layout/index.json", "w"))
PY
}

# The digest of the manifest a registry serves: registry_digest REF, or
# registry_digest_as USER:PASS REF.
registry_digest() { registry_digest_as "" "$1"; }
registry_digest_as() {
  skopeo inspect --raw --tls-verify=false ${1:+--creds "$1"} "docker://$2" |
    python3 -c 'import sys, hashlib; print("sha256:" + hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'
}
