#!/usr/bin/env bash
# Oracle: `lxcri image unpack` must produce exactly the tree `umoci raw unpack`
# produces, for a three-layer image umoci built: busybox plus a few thousand
# generated files (hardlinks, symlinks, fifos, a device, setuid/setgid/sticky
# modes, owners, xattrs), then deletions (whiteouts), then a directory
# replaced wholesale (umoci writes an opaque whiteout or per-file whiteouts).
source "$(dirname "$0")/lib.sh"
need_root
need_tools umoci getfattr setfattr busybox

step "layer 1: busybox and a generated tree"
umoci init --layout "$work/layout"
umoci new --image "$work/layout:test"
umoci unpack --image "$work/layout:test" "$work/bundle" >/dev/null
root=$work/bundle/rootfs
mkdir -p "$root/bin" "$root/etc" "$root/data" "$root/tmp" "$root/dev" "$root/opaque/sub"
cp "$(command -v busybox)" "$root/bin/busybox"
for tool in sh ls cat echo; do ln -s busybox "$root/bin/$tool"; done
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
for d in $(seq 1 20); do
  mkdir -p "$root/data/d$d"
  for f in $(seq 1 100); do
    head -c $(((d * 131 + f * 977) % 9000)) /dev/urandom >"$root/data/d$d/f$f"
  done
  ln "$root/data/d$d/f1" "$root/data/d$d/hardlink"
  ln -s "f2" "$root/data/d$d/symlink"
  ln -s "/etc/passwd" "$root/data/d$d/abs-symlink"
done
chmod 4755 "$root/data/d1/f3"
chmod 2755 "$root/data/d1/f4"
chmod 1777 "$root/tmp"
chmod 0600 "$root/data/d2/f5"
chown 1000:1000 "$root/data/d3/f6"
chown -h 123:456 "$root/data/d3/symlink"
mkfifo "$root/data/fifo"
mknod "$root/dev/null" c 1 3
setfattr -n user.lxcri.test -v "hello" "$root/data/d4/f7"
setfattr -n trusted.lxcri.test -v "trusted" "$root/data/d4/f8"
for f in $(seq 1 30); do echo "old $f" >"$root/opaque/sub/o$f"; done
touch -d '2001-02-03 04:05:06' "$root/data/d5/f9"
umoci repack --refresh-bundle --image "$work/layout:test" "$work/bundle" >/dev/null

step "layer 2: deletions"
rm -rf "$root/data/d6" "$root/data/d7/f10" "$root/data/fifo"
rm "$root/bin/ls"
umoci repack --refresh-bundle --image "$work/layout:test" "$work/bundle" >/dev/null

step "layer 3: a directory replaced, a file type changed"
rm -rf "$root/opaque"
mkdir -p "$root/opaque/sub"
echo new >"$root/opaque/sub/fresh"
rm "$root/data/d8/f11" && mkdir "$root/data/d8/f11" && echo inside >"$root/data/d8/f11/x"
rm -rf "$root/data/d9" && echo "now a file" >"$root/data/d9"
umoci repack --refresh-bundle --image "$work/layout:test" "$work/bundle" >/dev/null
umoci config --image "$work/layout:test" --config.cmd /bin/sh >/dev/null
layers=$(umoci stat --image "$work/layout:test" --json | grep -o '"layer":' | wc -l)
echo "umoci image history lists $layers entries"

step "import and unpack with lxcri; raw unpack with umoci"
"$lxcri" image import "oci:$work/layout:test" oracle/umoci:v1
"$lxcri" image unpack oracle/umoci:v1 "$work/ours"
umoci raw unpack --image "$work/layout:test" "$work/theirs"
compare_trees "$work/ours" "$work/theirs" "unpack vs umoci raw unpack"
[[ ! -e "$work/ours/data/d6" && ! -e "$work/ours/opaque/sub/o1" && -f "$work/ours/opaque/sub/fresh" ]] ||
  fail "whiteouts not applied"
find "$work/ours" -name '.wh.*' | grep -q . && fail "whiteout files left in the tree"
# The comparison covered what it should: the special entries are in the listing.
for want in '^dev/null|c|' '^data/d1/f3|f|4755|' '^data/d1/f4|f|2755|' '^tmp|d|1777|' \
  '^data/d3/symlink|l|123:456|f2|' '^data/d4/f7|user.lxcri.test="hello"' '^data/d4/f8|trusted.lxcri.test="trusted"' \
  '^data/d1/hardlink|f|644|0:0|[0-9]*|2|'; do
  grep -q -- "$want" "$work/ours.list" || fail "the tree listing lacks $want"
done

step "digests byte for byte: export and compare with umoci's blobs"
"$lxcri" image export oracle/umoci:v1 "oci:$work/exported:v1"
for blob in "$work/exported"/blobs/sha256/*; do
  cmp -s "$blob" "$work/layout/blobs/sha256/$(basename "$blob")" || fail "exported blob $(basename "$blob") differs from umoci's"
done
echo "ok: $(ls "$work/exported/blobs/sha256" | wc -l) exported blobs identical to umoci's"

step "umoci reads what lxcri created from a directory"
"$lxcri" image create --from-dir "$work/theirs" oracle/created:v1 --cmd /bin/sh
"$lxcri" image export oracle/created:v1 "oci:$work/created:v1"
umoci raw unpack --image "$work/created:v1" "$work/created-by-umoci"
compare_trees "$work/created-by-umoci" "$work/theirs" "create --from-dir, unpacked by umoci"
"$lxcri" image unpack oracle/created:v1 "$work/created-by-lxcri"
compare_trees "$work/created-by-lxcri" "$work/theirs" "create --from-dir, unpacked by lxcri"
echo PASS
