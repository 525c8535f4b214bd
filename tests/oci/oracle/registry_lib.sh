# tests/oci/oracle/registry_lib.sh: real registries on 127.0.0.1 for the
# registry tests (registry_pull.sh, registry_faults.sh). Sourced, not run.
#
# start_registry starts Debian's docker-registry (the reference
# implementation) on a free port, optionally with htpasswd basic auth;
# start_proxy puts registry_proxy.py (bearer tokens, injected faults) in
# front of one. Both set $address to HOST:PORT (not printed: a server started
# in a $(...) would be its subshell's, never stopped, and would hold the
# substitution open) and are stopped when the test exits.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_tools docker-registry skopeo htpasswd python3 busybox curl

servers=()
stop_servers() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop_servers EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_registry NAME [HTPASSWD_FILE]
start_registry() {
  local name=$1 auth=${2:-} port
  port=$(free_port)
  mkdir -p "$work/$name/data"
  {
    echo "version: 0.1"
    echo "log: {level: error}"
    echo "storage: {filesystem: {rootdirectory: $work/$name/data}}"
    echo "http: {addr: 127.0.0.1:$port}"
    [[ -n $auth ]] && echo "auth: {htpasswd: {realm: lxcri-test, path: $auth}}"
  } >"$work/$name/config.yml"
  docker-registry serve "$work/$name/config.yml" >"$work/$name/log" 2>&1 &
  servers+=($!)
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && { address=127.0.0.1:$port; return; }
    sleep 0.1
  done
  cat "$work/$name/log" >&2
  fail "registry $name did not start"
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

# The digest of the manifest a registry serves: registry_digest REF.
registry_digest() {
  skopeo inspect --raw --tls-verify=false "docker://$1" |
    python3 -c 'import sys, hashlib; print("sha256:" + hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'
}
