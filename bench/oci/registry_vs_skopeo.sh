#!/usr/bin/env bash
# Whole-process pull timings from a registry on loopback: `lxcri image pull`
# into the content store against `skopeo copy` into an OCI layout, in one run.
#
#   bench/oci/pull_vs_skopeo.sh [BUILD_DIR]      (default: build)
#
# The image: five gzip layers of ~20 MB each (100 files of 200 KiB of random
# bytes a layer, so gzip cannot shrink them: ~100 MB on the wire), built by
# umoci and pushed by skopeo to Debian's docker-registry on 127.0.0.1, its
# storage, our store and skopeo's layout all on tmpfs (/dev/shm): what is
# measured is the client, not a disk.
# Cold: nothing local (store or layout removed before each run). Warm: the
# blobs are there; only manifests should travel.
# Needs docker-registry, umoci, skopeo, hyperfine and python3 (scripts/setup).
set -euo pipefail
build=${1:-build}
lxcri=$(realpath "$build/bin/lxcri")
work=$(mktemp -d /dev/shm/lxcri-pull.XXXXXX)
registry_pid=""
trap '[[ -n $registry_pid ]] && kill $registry_pid; rm -rf "$work"' EXIT
export LXCRI_STORE=$work/store
echo "$(nproc) cores; $(uname -r); curl $(curl --version | head -1 | cut -d' ' -f2); $(skopeo --version)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
reg=127.0.0.1:$port
mkdir -p "$work/registry"
printf 'version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: %s}\n' \
  "$work/registry" "$reg" >"$work/registry.yml"
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://$reg/v2/" && break; sleep 0.1; done

umoci init --layout "$work/five"
umoci new --image "$work/five:v1"
umoci unpack --image "$work/five:v1" "$work/bundle" >/dev/null
for layer in 1 2 3 4 5; do
  python3 - "$work/bundle/rootfs/l$layer" "$layer" <<'PY'
import os, random, sys
root, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
os.makedirs(root)
for f in range(100):
    with open(f"{root}/f{f:03}", "wb") as out:
        out.write(rng.randbytes(200 * 1024))
PY
  umoci repack --refresh-bundle --image "$work/five:v1" "$work/bundle" >/dev/null
done
rm -rf "$work/bundle"
skopeo copy -q --dest-tls-verify=false "oci:$work/five:v1" "docker://$reg/bench/five:1"
echo "image: $(du -sb "$work/five/blobs" | cut -f1) bytes of blobs in the layout"

hyperfine --warmup 1 --runs 5 --export-markdown "$work/cold.md" \
  --prepare "rm -rf $work/store $work/skopeo" \
  -n "lxcri image pull (cold)" "$lxcri image pull -q $reg/bench/five:1" \
  -n "skopeo copy (cold)" "skopeo copy -q --src-tls-verify=false docker://$reg/bench/five:1 oci:$work/skopeo:five"
cat "$work/cold.md"

"$lxcri" image pull -q "$reg/bench/five:1"
skopeo copy -q --src-tls-verify=false "docker://$reg/bench/five:1" "oci:$work/skopeo:five"
hyperfine --warmup 1 --runs 10 --export-markdown "$work/warm.md" \
  -n "lxcri image pull (warm)" "$lxcri image pull -q $reg/bench/five:1" \
  -n "skopeo copy (warm)" "skopeo copy -q --src-tls-verify=false docker://$reg/bench/five:1 oci:$work/skopeo:five"
cat "$work/warm.md"
