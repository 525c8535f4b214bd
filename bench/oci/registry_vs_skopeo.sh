#!/usr/bin/env bash
# Whole-process registry timings on loopback, against skopeo in one run:
# `lxcri image pull` into the content store against `skopeo copy` into an
# OCI layout, and `lxcri image push` against `skopeo copy` into the registry.
#
#   bench/oci/registry_vs_skopeo.sh [BUILD_DIR]      (default: build)
#
# The image: five gzip layers of ~20 MB each (100 files of 200 KiB of random
# bytes a layer, so gzip cannot shrink them: ~100 MB on the wire), built by
# umoci and pushed by skopeo to Debian's docker-registry on 127.0.0.1, its
# storage, our store and skopeo's layout all on tmpfs (/dev/shm): what is
# measured is the client, not a disk.
# Pull, cold: nothing local (store or layout removed before each run); warm:
# the blobs are there, only manifests should travel. Both over plain HTTP and
# over HTTPS (a CA made here), where each new connection costs a handshake.
# Push, cold: the target repository removed from the registry's storage
# before each run, every blob uploaded (from an image imported from the
# layout, which names no registry); mount: the image pulled from bench/five
# pushed to another repository, where both tools mount the blobs instead;
# warm: the registry has everything, only HEADs and the manifest travel.
# Needs docker-registry, umoci, skopeo, hyperfine and python3 (scripts/setup).
set -euo pipefail
build=${1:-build}
lxcri=$(realpath "$build/bin/lxcri")
work=$(mktemp -d /dev/shm/lxcri-registry.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT
export LXCRI_STORE=$work/store
echo "$(nproc) cores; $(uname -r); curl $(curl --version | head -1 | cut -d' ' -f2); $(skopeo --version)"

# start_registry NAME [CERT KEY]: docker-registry on a free port of
# 127.0.0.1 (HTTPS with CERT), storage in $work/NAME; sets $reg to its
# HOST:PORT.
start_registry() {
  local port tls="" scheme=http
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  reg=127.0.0.1:$port
  [[ $# -eq 3 ]] && tls=", tls: {certificate: $2, key: $3}" && scheme=https
  mkdir -p "$work/$1"
  printf 'version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: %s%s}\n' \
    "$work/$1" "$reg" "$tls" >"$work/$1.yml"
  docker-registry serve "$work/$1.yml" >"$work/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -sk -o /dev/null "$scheme://$reg/v2/" && return; sleep 0.1; done
  echo "registry $1 did not start" >&2
  exit 1
}
# Cold pushes go to a registry of their own, emptied before each run: one
# that has the blobs anywhere lets skopeo mount them (its blob info cache
# remembers where it saw them), which is not an upload.
start_registry target
target=$reg
# HTTPS, as every registry off this machine: a CA of the benchmark's own,
# in a certs.d-style directory for both tools.
mkdir -p "$work/certs"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=bench-ca \
  -keyout "$work/ca.key" -out "$work/certs/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$work/tls.key" \
  -out "$work/tls.csr" 2>/dev/null
openssl x509 -req -in "$work/tls.csr" -CA "$work/certs/ca.crt" -CAkey "$work/ca.key" \
  -CAcreateserial -days 1 -extfile <(echo subjectAltName=IP:127.0.0.1) -out "$work/tls.crt" 2>/dev/null
start_registry secure "$work/tls.crt" "$work/tls.key"
secure=$reg
start_registry registry

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
skopeo copy -q --dest-cert-dir "$work/certs" "oci:$work/five:v1" "docker://$secure/bench/five:1"
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

hyperfine --warmup 1 --runs 5 --export-markdown "$work/tls-cold.md" \
  --prepare "rm -rf $work/tls-store $work/skopeo" \
  -n "lxcri image pull (HTTPS, cold)" \
  "LXCRI_STORE=$work/tls-store $lxcri image pull -q --cert-dir $work/certs $secure/bench/five:1" \
  -n "skopeo copy (HTTPS, cold)" \
  "skopeo copy -q --src-cert-dir $work/certs docker://$secure/bench/five:1 oci:$work/skopeo:five"
cat "$work/tls-cold.md"
hyperfine --warmup 1 --runs 10 --export-markdown "$work/tls-warm.md" \
  -n "lxcri image pull (HTTPS, warm)" \
  "LXCRI_STORE=$work/tls-store $lxcri image pull -q --cert-dir $work/certs $secure/bench/five:1" \
  -n "skopeo copy (HTTPS, warm)" \
  "skopeo copy -q --src-cert-dir $work/certs docker://$secure/bench/five:1 oci:$work/skopeo:five"
cat "$work/tls-warm.md"

"$lxcri" image import "oci:$work/five:v1" bench/local:1 >/dev/null
hyperfine --warmup 1 --runs 5 --export-markdown "$work/push-cold.md" \
  --prepare "rm -rf $work/target/docker" \
  -n "lxcri image push (cold)" "$lxcri image push -q bench/local:1 $target/pushed/lxcri:1" \
  -n "skopeo copy to the registry (cold)" \
  "skopeo copy -q --dest-tls-verify=false oci:$work/five:v1 docker://$target/pushed/skopeo:1"
cat "$work/push-cold.md"

repos=$work/registry/docker/registry/v2/repositories

hyperfine --warmup 1 --runs 10 --export-markdown "$work/push-mount.md" \
  --prepare "rm -rf $repos/pushed" \
  -n "lxcri image push (mount)" "$lxcri image push -q bench/five:1 $reg/pushed/lxcri:1" \
  -n "skopeo copy within the registry (mount)" \
  "skopeo copy -q --src-tls-verify=false --dest-tls-verify=false docker://$reg/bench/five:1 docker://$reg/pushed/skopeo:1"
cat "$work/push-mount.md"

hyperfine --warmup 1 --runs 10 --export-markdown "$work/push-warm.md" \
  -n "lxcri image push (warm)" "$lxcri image push -q bench/local:1 $reg/pushed/lxcri:1" \
  -n "skopeo copy to the registry (warm)" \
  "skopeo copy -q --dest-tls-verify=false oci:$work/five:v1 docker://$reg/pushed/skopeo:1"
cat "$work/push-warm.md"
