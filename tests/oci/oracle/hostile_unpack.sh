#!/usr/bin/env bash
# End to end: hostile layers are imported (their blobs are valid) but
# `lxcri image unpack` refuses them with exit code 4 and leaves no target
# directory, or (for writes through planted symlinks and absolute names)
# confines them inside the new root; the host file they aim at is never
# created, and the store stays intact (`lxcri image check`).
source "$(dirname "$0")/lib.sh"
need_tools python3

host_dir=$work/host
mkdir -p "$host_dir"
host_target=$host_dir/pwned
python3 "$(dirname "$0")/make_hostile_layers.py" "$work" "$host_target"

for case in dotdot deep-dotdot hardlink-dotdot hardlink-absolute-missing symlink-hardlink-through huge; do
  step "refused: $case"
  make_layout "$work/layout-$case" v1 "$work/$case.tar"
  "$lxcri" image import "oci:$work/layout-$case:v1" "hostile/$case:v1" >/dev/null
  expect_exit 4 image unpack "hostile/$case:v1" "$work/rootfs-$case"
  grep -q "layer sha256:" "$work/err" || fail "$case: error does not name the layer: $(cat "$work/err")"
  echo "   $(cat "$work/err")"
  [[ ! -e "$work/rootfs-$case" ]] || fail "$case: a target directory was left behind"
  ls -a "$work" | grep -q 'lxcri-partial' && fail "$case: a partial directory was left behind"
  [[ ! -e "$host_target" && ! -e "$work/escaped" ]] || fail "$case: wrote outside the root"
done

for case in confined-symlink-write confined-relative-symlink-write confined-absolute-name; do
  step "confined: $case"
  make_layout "$work/layout-$case" v1 "$work/$case.tar"
  "$lxcri" image import "oci:$work/layout-$case:v1" "hostile/$case:v1" >/dev/null
  "$lxcri" image unpack "hostile/$case:v1" "$work/rootfs-$case" >/dev/null
  [[ -f "$work/rootfs-$case$host_target" ]] || fail "$case: the file did not land inside the root"
  [[ ! -e "$host_target" ]] || fail "$case: wrote to the host path $host_target"
done

step "the store is intact"
"$lxcri" image check
expect_exit 0 image ls
echo PASS
