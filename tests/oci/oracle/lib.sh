# tests/oci/oracle/lib.sh: what the oracle tests share. Sourced, not run.
#
# The oracle tests drive build/bin/lxcri the way an operator does and check
# its results against real tools: umoci (layouts and `raw unpack`), skopeo
# (docker-archive, oci-archive) and oci-image-tool (layout validation).
# A test that cannot run here (tool missing, not root) exits 77, which ctest
# reports as skipped, after printing why.
set -euo pipefail

lxcri=${LXCRI:?set LXCRI to the lxcri binary}
work=$(mktemp -d "${TMPDIR:-/tmp}/lxcri-oracle.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LXCRI_STORE=$work/store

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

need_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/setup installs it)"
  done
}
need_root() { [[ $(id -u) -eq 0 ]] || skip "needs root (owners, device nodes, xattrs)"; }

# Everything unpack must reproduce, one line per path, sorted: type, mode,
# owner, size (regular files), link target, link count, mtime (not of
# directories: see below), content hash, xattrs.
# Directory mtimes are left out: umoci leaves those of directories a later
# layer changed at the time of unpacking, so they are not a stable oracle.
tree_listing() {
  local dir=$1
  (cd "$dir" && find . -mindepth 1 \( -type d -printf '%P|d|%m|%U:%G\n' \) -o \
      \( -type f -printf '%P|f|%m|%U:%G|%s|%n|%T@\n' \) -o \
      \( -type l -printf '%P|l|%U:%G|%l|%T@\n' \) -o \
      \( -printf '%P|%y|%m|%U:%G|%T@\n' \) | LC_ALL=C sort)
  (cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
  # getfattr lists files in readdir order: one "path|name=value" line each, sorted.
  (cd "$dir" && getfattr -h -R -d -m - . 2>/dev/null |
    awk '/^# file: /{path = substr($0, 9); next} /^$/{next} {print path "|" $0}' | LC_ALL=C sort)
}

# Fails with a diff when two trees differ in anything tree_listing shows.
compare_trees() {
  local ours=$1 theirs=$2 label=$3
  tree_listing "$ours" >"$work/ours.list"
  tree_listing "$theirs" >"$work/theirs.list"
  if ! diff -u "$work/theirs.list" "$work/ours.list" >"$work/tree.diff"; then
    head -40 "$work/tree.diff" >&2
    fail "$label: trees differ ($(grep -c '^[-+][^-+]' "$work/tree.diff") lines)"
  fi
  echo "ok: $label: $(wc -l <"$work/ours.list") lines identical"
}

# Runs lxcri and checks its exit code: expect_exit CODE args...
expect_exit() {
  local want=$1
  shift
  set +e
  "$lxcri" "$@" >"$work/out" 2>"$work/err"
  local got=$?
  set -e
  if [[ $got -ne $want ]]; then
    cat "$work/out" "$work/err" >&2
    fail "lxcri $* exited $got, expected $want"
  fi
}

# A minimal OCI layout around one uncompressed layer tar made by hand (for
# layers no tool would write): make_layout DIR TAG LAYER.tar
make_layout() {
  local dir=$1 tag=$2 layer=$3
  mkdir -p "$dir/blobs/sha256"
  local layer_digest layer_size config config_digest manifest manifest_digest
  layer_digest=$(sha256sum "$layer" | cut -d' ' -f1)
  layer_size=$(stat -c %s "$layer")
  cp "$layer" "$dir/blobs/sha256/$layer_digest"
  config='{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:'$layer_digest'"]}}'
  config_digest=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
  printf '%s' "$config" >"$dir/blobs/sha256/$config_digest"
  manifest='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'$config_digest'","size":'${#config}'},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:'$layer_digest'","size":'$layer_size'}]}'
  manifest_digest=$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1)
  printf '%s' "$manifest" >"$dir/blobs/sha256/$manifest_digest"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest_digest" "${#manifest}" "$tag" >"$dir/index.json"
}
