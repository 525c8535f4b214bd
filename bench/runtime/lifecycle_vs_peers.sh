#!/usr/bin/env bash
# Whole-process container lifecycle latency: lxcri against runc and crun in
# one run, same bundle, same machine state.
#
#   bench/runtime/lifecycle_vs_peers.sh [BUILD_DIR]      (default: build)
#
# The bundle: Debian's busybox-static as the rootfs on tmpfs (/dev/shm), the
# config `runc spec` writes with terminal off and /bin/true as the program.
# Three measurements per runtime, with hyperfine:
#   lifecycle  create; start; poll `state` until stopped; delete
#   run        `run` in the foreground (it waits and deletes)
#   phases     create, start, delete and state one at a time (--prepare makes
#              the state each needs)
# crun 1.8 refuses this host's hybrid cgroup layout, so the whole benchmark
# runs in a private mount namespace without /sys/fs/cgroup/unified (the
# cgroup2 mount that only holds hugetlb), for all three runtimes alike.
# Needs root, runc, crun, hyperfine, busybox-static (scripts/setup).
set -euo pipefail
build=${1:-build}
lxcri=$(realpath "$build/bin/lxcri")
[[ $(id -u) -eq 0 ]] || { echo "needs root" >&2; exit 1; }
if [[ -z ${LXCRI_BENCH_IN_NS:-} ]]; then
  exec unshare -m env LXCRI_BENCH_IN_NS=1 bash -c \
    'mount --make-rprivate / && { ! mountpoint -q /sys/fs/cgroup/unified || umount /sys/fs/cgroup/unified; } && exec "$0" "$@"' \
    "$0" "$@"
fi
work=$(mktemp -d /dev/shm/lxcri-rt-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "$(nproc) cores; $(uname -r); runc $(runc --version | head -1 | cut -d' ' -f3);" \
  "crun $(crun --version | head -1 | cut -d' ' -f3); $(lxc-start --version 2>/dev/null | sed 's/^/liblxc /')"

bundle=$work/bundle
mkdir -p "$bundle/rootfs/bin"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
for applet in sh true; do ln -s busybox "$bundle/rootfs/bin/$applet"; done
(cd "$bundle" && runc spec)
python3 - "$bundle/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY

# lifecycle RUNTIME ROOT: one create/start/wait/delete of container "b".
cat >"$work/lifecycle.sh" <<'SH'
#!/bin/sh
rt=$1 root=$2 bundle=$3
"$rt" --root "$root" create --bundle "$bundle" b
"$rt" --root "$root" start b
until "$rt" --root "$root" state b | grep -q '"status": *"stopped"'; do :; done
"$rt" --root "$root" delete b
SH
chmod +x "$work/lifecycle.sh"

runtimes=(lxcri="$lxcri" runc=runc crun=crun)
for entry in "${runtimes[@]}"; do
  name=${entry%%=*}
  bin=${entry#*=}
  root=$work/root-$name
  # Each must really work before it is timed.
  "$work/lifecycle.sh" "$bin" "$root" "$bundle" || { echo "$name fails the lifecycle" >&2; exit 1; }
done

hyperfine -N --warmup 5 --runs "${RUNS:-50}" --export-markdown "$work/lifecycle.md" \
  -n lxcri "$work/lifecycle.sh $lxcri $work/root-lxcri $bundle" \
  -n runc "$work/lifecycle.sh runc $work/root-runc $bundle" \
  -n crun "$work/lifecycle.sh crun $work/root-crun $bundle"
hyperfine -N --warmup 5 --runs "${RUNS:-50}" --export-markdown "$work/run.md" \
  -n "lxcri run" "$lxcri --root $work/root-lxcri run --bundle $bundle r" \
  -n "runc run" "runc --root $work/root-runc run --bundle $bundle r" \
  -n "crun run" "crun --root $work/root-crun run --bundle $bundle r"
echo
echo "one command at a time (mean ± σ):"
for entry in "${runtimes[@]}"; do
  name=${entry%%=*}
  r="${entry#*=} --root $work/phase-$name"
  b=$bundle
  phase() {
    hyperfine -N -i --runs "${RUNS:-50}" --prepare "$1" "$2" 2>/dev/null |
      sed -n 's/.*Time (mean ± σ): *\([0-9.]* ms ± *[0-9.]* ms\).*/\1/p'
  }
  printf '%-6s create %s | ' "$name" "$(phase "$r delete --force p" "$r create --bundle $b p")"
  printf 'start %s | ' "$(phase "sh -c '$r delete --force p; $r create --bundle $b p'" "$r start p")"
  printf 'delete %s | ' "$(phase "sh -c '$r delete --force p; $r create --bundle $b p; $r start p; sleep 0.05'" "$r delete p")"
  printf 'state %s\n' "$(phase "sh -c '$r create --bundle $b p 2>/dev/null || true'" "$r state p")"
  $r delete --force p >/dev/null 2>&1 || true
done

echo
echo "create + start + wait + delete of /bin/true:"
cat "$work/lifecycle.md"
echo
echo "run of /bin/true (foreground; deletes at exit):"
cat "$work/run.md"
