#!/usr/bin/env bash
# containerd runs a container with lxcri as its runc: `ctr run --runc-binary`
# through containerd's own runc shim (containerd-shim-runc-v2), which calls
# lxcri create/start/state/kill/delete with runc's flags, reparents the
# container's init to itself and collects its exit status. containerd runs on
# a private socket, root and state dir under the test's work dir.
source "$(dirname "$0")/lib.sh"
command -v containerd >/dev/null && command -v ctr >/dev/null ||
  skip "containerd is not installed (scripts/setup installs it)"
command -v containerd-shim-runc-v2 >/dev/null || skip "containerd-shim-runc-v2 is missing"

sock=$work/containerd.sock
cat >"$work/containerd.toml" <<TOML
version = 2
root = "$work/containerd-root"
state = "$work/containerd-state"
[grpc]
  address = "$sock"
TOML
containerd --config "$work/containerd.toml" >"$work/containerd.log" 2>&1 &
containerd_pid=$!
ns=lxcri-test
C() { ctr --address "$sock" --namespace "$ns" "$@"; }
stop_containerd() {
  # After a failed step: no task, shim or runtime state may outlive the test.
  for c in c1 c2 c3; do
    C task kill --signal KILL "$c" >/dev/null 2>&1 || true
    C task rm -f "$c" >/dev/null 2>&1 || true
    C container rm "$c" >/dev/null 2>&1 || true
    "$lxcri" --root "/run/containerd/runc/$ns" delete --force "$c" >/dev/null 2>&1 || true
  done
  kill "$containerd_pid" 2>/dev/null || true
  wait "$containerd_pid" 2>/dev/null || true
  cleanup
}
trap stop_containerd EXIT
for _ in $(seq 100); do C version >/dev/null 2>&1 && break; sleep 0.05; done
C version >/dev/null || { cat "$work/containerd.log" >&2; fail "containerd did not start"; }

step "an image built by lxcri, imported into containerd"
make_bundle "$work/bundle"
export LXCRI_STORE=$work/store
"$lxcri" image create --from-dir "$work/bundle/rootfs" test/busybox:1 --cmd sh >/dev/null
"$lxcri" image export test/busybox:1 "oci-archive:$work/busybox.tar" >/dev/null
C image import --base-name test/busybox "$work/busybox.tar" >/dev/null

step "ctr run: output and exit status come back through the shim"
set +e
C run --rm --runc-binary "$lxcri" test/busybox:1 c1 sh -c 'echo hello from the container; exit 7' >"$work/out" 2>&1
rc=$?
set -e
[[ $rc -eq 7 ]] || { cat "$work/out" "$work/containerd.log" >&2; fail "ctr run exited $rc, expected 7"; }
grep -qx "hello from the container" "$work/out" || { cat "$work/out" >&2; fail "container output lost"; }

step "ctr run -t: the shim's console socket gets the container's terminal"
script -qec "ctr --address $sock --namespace $ns run -t --rm --runc-binary $lxcri test/busybox:1 c3 sh -c 'tty; exit 8'" \
  /dev/null </dev/null >"$work/out" 2>&1 && rc=0 || rc=$?
[[ $rc -eq 8 ]] || { cat "$work/out" >&2; fail "ctr run -t exited $rc, expected 8"; }
grep -q "/dev/pts/0" "$work/out" || { cat "$work/out" >&2; fail "no terminal in ctr run -t"; }

step "ctr task kill reaches a detached container; the shim reports its status"
C run -d --runc-binary "$lxcri" test/busybox:1 c2 sleep 1000 >/dev/null
pid=$(C task ls | awk '$1 == "c2" {print $2}')
[[ -n $pid && -d /proc/$pid ]] || fail "ctr task ls shows no live pid for c2"
[[ $(tr '\0' ' ' </proc/"$pid"/cmdline) == "sleep 1000 " ]] || fail "the pid ctr reports is not the container's process"

step "ctr task exec: one more process through the shim (runc exec --process --detach)"
set +e
C task exec --exec-id e1 c2 sh -c 'echo hello from exec; exit 5' >"$work/out" 2>&1
rc=$?
set -e
[[ $rc -eq 5 ]] || { cat "$work/out" "$work/containerd.log" >&2; fail "ctr task exec exited $rc, expected 5"; }
grep -qx "hello from exec" "$work/out" || { cat "$work/out" >&2; fail "exec output lost"; }
# With a terminal the shim passes --console-socket; `script` gives ctr a tty.
script -qec "ctr --address $sock --namespace $ns task exec -t --exec-id e2 c2 sh -c 'tty; exit 6'" /dev/null \
  </dev/null >"$work/out" 2>&1 && rc=0 || rc=$?
[[ $rc -eq 6 ]] || { cat "$work/out" >&2; fail "ctr task exec -t exited $rc, expected 6"; }
grep -q "/dev/pts/" "$work/out" || { cat "$work/out" >&2; fail "no terminal in ctr task exec -t"; }

C task kill --signal KILL c2
for _ in $(seq 100); do C task ls | grep -q "^c2 .*STOPPED" && break; sleep 0.05; done
C task ls | grep -q "^c2 .*STOPPED" || fail "c2 did not stop: $(C task ls)"
C task delete c2 >/dev/null
C container delete c2
# The shim keeps runc's state under /run/containerd/runc/NAMESPACE: nothing may remain.
[[ -z $(ls -A "/run/containerd/runc/$ns" 2>/dev/null) ]] || fail "state left in /run/containerd/runc/$ns"
echo "ok: containerd"
