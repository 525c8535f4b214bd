# tests/runtime/e2e/lib.sh: what the runtime's whole-program tests share.
# Sourced, not run.
#
# The tests drive build/bin/lxcri as containerd's shim and a person at a
# shell do: real containers from a busybox bundle (Debian's busybox-static),
# real cgroups, real signals. Every test keeps its containers under a private
# --root and checks after each step that nothing is left behind: no state
# directory, no cgroup, no mount. A test that cannot run here exits 77
# (skipped) after printing why.
set -euo pipefail

lxcri=${LXCRI:?set LXCRI to the lxcri binary}
work=$(mktemp -d "${TMPDIR:-/tmp}/lxcri-e2e.XXXXXX")
root=$work/root
cleanup() {
  for id in $("$lxcri" --root "$root" list -q 2>/dev/null); do
    "$lxcri" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

[[ $(id -u) -eq 0 ]] || skip "needs root (namespaces, cgroups, mounts)"
[[ -x /bin/busybox ]] || skip "busybox-static is not installed (scripts/setup installs it)"

L() { "$lxcri" --root "$root" "$@"; }

# A bundle with a busybox rootfs and `lxcri spec`'s config: make_bundle DIR.
make_bundle() {
  local dir=$1
  mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev" \
    "$dir/rootfs/tmp" "$dir/rootfs/etc"
  cp /bin/busybox "$dir/rootfs/bin/busybox"
  for applet in sh ls cat echo id hostname sleep true false touch mkdir stat grep wc; do
    ln -sf busybox "$dir/rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/rootfs/etc/passwd"
  echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$dir/rootfs/etc/passwd"
  (cd "$dir" && "$lxcri" spec)
}

# Applies python statements to the bundle's config, as `c`: edit_config DIR 'c["hostname"] = "x"'
edit_config() {
  local dir=$1 code=$2
  python3 - "$dir/config.json" "$code" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
c = json.load(open(path))
exec(code)
json.dump(c, open(path, "w"), indent=1)
PY
}

# The value of a field of `lxcri state ID`: state_field ID status
state_field() {
  L state "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# Fails unless `lxcri ARGS` exits with CODE: expect_exit CODE ARGS...; its
# stderr is left in $work/err.
expect_exit() {
  local want=$1
  shift
  set +e
  L "$@" >"$work/out" 2>"$work/err"
  local got=$?
  set -e
  if [[ $got -ne $want ]]; then
    cat "$work/out" "$work/err" >&2
    fail "lxcri $* exited $got, expected $want"
  fi
}

# Fails unless the last command's stderr mentions TEXT.
expect_error() {
  grep -q -- "$1" "$work/err" || { cat "$work/err" >&2; fail "error does not mention '$1'"; }
}

# Nothing of the container ID may remain: no state dir, no cgroup, no mount.
check_clean() {
  local id=$1
  [[ ! -e "$root/$id" ]] || fail "state dir of $id left behind"
  if find /sys/fs/cgroup -maxdepth 4 -type d \( -path "*/lxcri/$id" -o -path "*/lxcri.monitor/$id" \) |
    grep -q .; then
    fail "cgroup of $id left behind"
  fi
  if grep -q "$work" /proc/mounts; then fail "mount under $work left behind"; fi
}

# Polls until `lxcri state ID` reports STATUS (a few seconds at most); on
# failure shows the stderr files the test kept ($work/*.err).
wait_status() {
  local id=$1 want=$2
  for _ in $(seq 100); do
    [[ $(state_field "$id" status 2>/dev/null) == "$want" ]] && return 0
    sleep 0.02
  done
  for f in "$work"/*.err; do [[ -e $f ]] && { echo "--- $f"; cat "$f"; } >&2; done
  fail "$id never became $want (is $(state_field "$id" status 2>&1))"
}
