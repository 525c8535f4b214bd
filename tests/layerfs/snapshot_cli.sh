#!/usr/bin/env bash
# `lxcri image mount|umount` and `lxcri snapshot ls|usage|rm` as a user runs
# them, on a store in a private tmpfs: an image made from busybox mounts
# read-only with its files, a second image on the same base layer unpacks
# only its own layer, umount leaves the layers for next time, and misuse
# (unknown snapshots, a parent with children, a directory not mounted) fails
# with the documented exit codes (exit_codes.h) and leaves no mounts. Needs root (exit 77
# otherwise: skipped).
set -euo pipefail
lxcri=${LXCRI:?set LXCRI to the lxcri binary}
[[ $(id -u) -eq 0 ]] || { echo "skipped: mounting needs root"; exit 77; }
work=$(mktemp -d /tmp/lxcri-snapshot-cli.XXXXXX)
mount -t tmpfs tmpfs "$work"
cleanup() {
  # The views first (binds of the datasets' mounts), then the datasets with
  # their own mounts, then whatever else is left.
  for m in $(awk -v w="$work/mnt" '$5 ~ "^"w {print $5}' /proc/self/mountinfo | sort -r); do
    umount "$m" || true
  done
  [[ -z ${zfs_dataset:-} ]] || zfs destroy -r "$zfs_dataset" || true
  for m in $(awk -v w="$work" '$5 ~ "^"w"/" {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m"
  done
  umount -l "$work"
  rmdir "$work"
}
trap cleanup EXIT
export LXCRI_STORE=$work/store
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect CODE ARGS...: lxcri exits CODE; its output is in $work/out.
expect() {
  local code=$1
  shift
  set +e
  "$lxcri" "$@" >"$work/out" 2>&1
  local got=$?
  set -e
  [[ $got -eq $code ]] || { cat "$work/out" >&2; fail "lxcri $* exited $got, expected $code"; }
}
count() { "$lxcri" snapshot ls --format json | python3 -c "import json,sys; print(sum(1 for s in json.load(sys.stdin) if s['kind'] == '$1'))"; }

busybox=$(command -v busybox)
mkdir -p "$work/base/bin" "$work/app/bin" "$work/mnt" "$work/mnt2"
cp "$busybox" "$work/base/bin/busybox"
"$lxcri" image create --from-dir "$work/base" base:1 >/dev/null

expect 0 image mount base:1 "$work/mnt"
[[ -x $work/mnt/bin/busybox ]] || fail "the image's file is not in the mount"
"$work/mnt/bin/busybox" true || fail "the mounted busybox does not run"
touch "$work/mnt/new" 2>/dev/null && fail "the mount is writable"
[[ $(count committed) -eq 1 && $(count view) -eq 1 ]] || fail "expected one layer and one view"
expect 0 snapshot usage
grep -q "total" "$work/out" || fail "usage prints no total"

# The same image twice: no layer is unpacked again.
expect 0 image mount base:1 "$work/mnt2"
[[ $(count committed) -eq 1 ]] || fail "the layer was unpacked twice"
expect 0 image umount "$work/mnt2"

# A committed layer with a view on it cannot go.
layer=$("$lxcri" snapshot ls --format json | python3 -c "import json,sys; print([s['key'] for s in json.load(sys.stdin) if s['kind'] == 'committed'][0])")
expect 4 snapshot rm "$layer"
grep -q "is the parent of 'mount:" "$work/out" || fail "rm of a parent does not name its child"

expect 0 image umount "$work/mnt"
grep -q " $work/mnt " /proc/self/mountinfo && fail "still mounted after umount"
[[ $(count view) -eq 0 && $(count committed) -eq 1 ]] || fail "umount should keep the layer"

expect 3 image umount "$work/mnt"
grep -q "no image is mounted there" "$work/out" || fail "umount of nothing"

# After a reboot our mount is gone and the user may have mounted something
# else there: umount drops the view and leaves their mount alone.
expect 0 image mount base:1 "$work/mnt"
umount "$work/mnt"
mount -t tmpfs -o size=1m usertmp "$work/mnt"
expect 0 image umount "$work/mnt"
grep -q " $work/mnt .* - tmpfs usertmp " /proc/self/mountinfo || fail "umount took the user's mount"
umount "$work/mnt"
[[ $(count view) -eq 0 ]] || fail "the view outlived umount"
expect 3 snapshot rm nope
expect 3 image mount missing:1 "$work/mnt"
expect 3 image mount base:1 "$work/nowhere"
expect 4 image mount base:1 "$work/mnt" --snapshotter btrfs
grep -q "needs its store on a btrfs filesystem" "$work/out" || fail "btrfs on tmpfs: $(cat "$work/out")"
if ! command -v zfs >/dev/null; then
  expect 4 image mount base:1 "$work/mnt" --snapshotter zfs
  grep -q "ZFS is not available on this machine" "$work/out" || fail "zfs without ZFS: $(cat "$work/out")"
else
  LXCRI_ZFS_DATASET=lxcri-no-such-pool/x expect 4 image mount base:1 "$work/mnt" --snapshotter zfs
  grep -q "the parent dataset for the zfs snapshotter is not usable" "$work/out" ||
    fail "zfs without its dataset: $(cat "$work/out")"
fi
if [[ -n ${LXCRI_TEST_ZFS_DATASET:-} ]] && zfs list "$LXCRI_TEST_ZFS_DATASET" >/dev/null 2>&1; then
  # Through ZFS for real (zfs_pool.sh): the layer a dataset, the view a clone.
  zfs_dataset=$LXCRI_TEST_ZFS_DATASET/cli-$$
  zfs create "$zfs_dataset"
  export LXCRI_ZFS_DATASET=$zfs_dataset
  expect 0 image mount base:1 "$work/mnt" --snapshotter zfs
  "$work/mnt/bin/busybox" true || fail "zfs: the mounted busybox does not run"
  touch "$work/mnt/new" 2>/dev/null && fail "zfs: the mount is writable"
  # The test's dataset, the store's, the layer's and the view's clone.
  [[ $(zfs list -H -o name -r "$zfs_dataset" | wc -l) -eq 4 ]] ||
    fail "zfs: expected a dataset for the layer and a clone for the view: $(zfs list -r "$zfs_dataset")"
  expect 0 image umount "$work/mnt" --snapshotter zfs
  [[ $(zfs list -H -o name -r "$zfs_dataset" | wc -l) -eq 3 ]] || fail "zfs: the view's clone outlived umount"
  zlayer=$("$lxcri" snapshot ls --snapshotter zfs --format json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['key'])")
  expect 0 snapshot rm --snapshotter zfs "$zlayer"
  [[ $(zfs list -H -o name -r "$zfs_dataset" | wc -l) -eq 2 ]] || fail "zfs: rm left the layer's dataset"
  unset LXCRI_ZFS_DATASET
  zfs destroy -r "$zfs_dataset"
  zfs_dataset=
else
  echo "the zfs snapshotter through the command line is not tested here: no dataset LXCRI_TEST_ZFS_DATASET"
fi
expect 2 image mount base:1 "$work/mnt" --snapshotter nonsense

# gc keeps the layer while an image names it or a mount uses it, and
# removes it once neither does.
expect 0 image gc
[[ $(count committed) -eq 1 ]] || fail "gc removed the layer base:1 uses"
expect 0 image mount base:1 "$work/mnt"
expect 0 image rm base:1
expect 0 image gc
[[ $(count committed) -eq 1 ]] || fail "gc removed the layer under a mounted view"
expect 0 image umount "$work/mnt"
expect 0 image gc
grep -q "^overlayfs: removed 1 unused layers" "$work/out" || fail "gc: $(cat "$work/out")"
[[ $("$lxcri" snapshot ls --format json) == "[]" ]] || fail "gc left snapshots"

# snapshot rm --chain: a layer and what it sits on, by hand.
"$lxcri" image create --from-dir "$work/base" base:2 >/dev/null
expect 0 image mount base:2 "$work/mnt"
expect 0 image umount "$work/mnt"
layer=$("$lxcri" snapshot ls --format json | python3 -c "import json,sys; print([s['key'] for s in json.load(sys.stdin) if s['kind'] == 'committed'][0])")
expect 0 snapshot rm --chain "$layer"
[[ $("$lxcri" snapshot ls --format json) == "[]" ]] || fail "rm left snapshots"
echo "ok: lxcri image mount and lxcri snapshot"
