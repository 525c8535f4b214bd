#!/usr/bin/env bash
# Whole-process unpack timings: `lxcri image unpack` against `umoci raw
# unpack` and `tar -xzf` of the same layer, in one run, on tmpfs (/dev/shm).
#
#   bench/oci/unpack_vs_peers.sh [BUILD_DIR]      (default: build)
#
# 1. One gzip layer of ~100 MB in ~10,000 files (100 dirs x 100 files, text-
#    like data that compresses about 3:1, like binaries and libraries do),
#    built by umoci. Peers: umoci raw unpack of the same image; tar -xzf of
#    the layer blob itself (GNU tar with gzip, the usual baseline).
# 2. Five such layers of ~20 MB each: lxcri with two decompress-ahead
#    threads (--jobs 2) against one (--jobs 1, still a pipeline: one
#    decompressor ahead of the applier; the default on 2 cores), and umoci.
# Needs root (umoci keeps owners), umoci, hyperfine and python3
# (scripts/setup installs them).
set -euo pipefail
build=${1:-build}
lxcri=$(realpath "$build/bin/lxcri")
[[ $(id -u) -eq 0 ]] || { echo "needs root" >&2; exit 1; }
work=$(mktemp -d /dev/shm/lxcri-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export LXCRI_STORE=$work/store
echo "filesystem: $(stat -f -c %T /dev/shm) (/dev/shm); $(nproc) cores; $(uname -r)"

# make_tree DIR DIRS FILES_PER_DIR MEAN_FILE_BYTES SEED
make_tree() {
  python3 - "$@" <<'PY'
import os, random, sys
root, dirs, files, mean, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(4096)]
for d in range(dirs):
    os.makedirs(f"{root}/d{d:03}", exist_ok=True)
    for f in range(files):
        size = int(rng.expovariate(1 / mean)) + 1
        text = b" ".join(rng.choices(words, k=size // 6 + 1))[:size]
        noise = rng.randbytes(size // 8)
        with open(f"{root}/d{d:03}/f{f:03}", "wb") as out:
            out.write(text[: size - len(noise)] + noise)
PY
}

# image LAYOUT TAG then one layer per tree given: image L T TREE...
image() {
  local layout=$1 tag=$2
  shift 2
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  umoci unpack --image "$layout:$tag" "$work/bundle" >/dev/null
  for tree in "$@"; do
    cp -a "$tree/." "$work/bundle/rootfs/"
    umoci repack --refresh-bundle --image "$layout:$tag" "$work/bundle" >/dev/null
  done
  rm -rf "$work/bundle"
}

echo "== one layer, ~100 MB, ~10,000 files"
make_tree "$work/tree1" 100 100 10000 1
du -sh --apparent-size "$work/tree1" | sed 's/^/tree: /'
image "$work/one" v1 "$work/tree1"
rm -rf "$work/tree1"
"$lxcri" image import "oci:$work/one:v1" bench/one:v1 >/dev/null
layer=$(ls -S "$work/one/blobs/sha256" | head -1)
echo "layer blob: $(stat -c %s "$work/one/blobs/sha256/$layer") bytes (gzip)"
hyperfine --warmup 1 --runs 5 --export-markdown "$work/one.md" \
  --prepare "rm -rf $work/out" \
  -n "lxcri image unpack" "$lxcri image unpack bench/one:v1 $work/out" \
  -n "umoci raw unpack" "umoci raw unpack --image $work/one:v1 $work/out" \
  -n "tar -xzf" "mkdir $work/out && tar -xzf $work/one/blobs/sha256/$layer -C $work/out"
cat "$work/one.md"

echo "== five layers, ~20 MB each"
for i in 1 2 3 4 5; do make_tree "$work/t$i" 20 100 10000 $((i + 10)); done
image "$work/five" v1 "$work/t1" "$work/t2" "$work/t3" "$work/t4" "$work/t5"
rm -rf "$work"/t?
"$lxcri" image import "oci:$work/five:v1" bench/five:v1 >/dev/null
hyperfine --warmup 1 --runs 5 --export-markdown "$work/five.md" \
  --prepare "rm -rf $work/out" \
  -n "lxcri unpack --jobs 2" "$lxcri image unpack --jobs 2 bench/five:v1 $work/out" \
  -n "lxcri unpack --jobs 1" "$lxcri image unpack --jobs 1 bench/five:v1 $work/out" \
  -n "umoci raw unpack" "umoci raw unpack --image $work/five:v1 $work/out"
cat "$work/five.md"
