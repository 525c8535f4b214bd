#!/usr/bin/env bash
# Oracle: images skopeo writes (docker-archive, oci-archive, oci layouts)
# import with their digests kept, unpack to the tree umoci unpacks, and what
# lxcri exports passes oci-image-tool's validation and reads back in skopeo.
source "$(dirname "$0")/lib.sh"
need_root
need_tools umoci skopeo oci-image-tool getfattr busybox

step "a two-layer source image, built with umoci"
umoci init --layout "$work/src"
umoci new --image "$work/src:v1"
umoci unpack --image "$work/src:v1" "$work/bundle" >/dev/null
root=$work/bundle/rootfs
mkdir -p "$root/bin" "$root/etc"
cp "$(command -v busybox)" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
echo hello >"$root/etc/motd"
umoci repack --refresh-bundle --image "$work/src:v1" "$work/bundle" >/dev/null
rm "$root/etc/motd"
echo world >"$root/etc/issue"
umoci repack --refresh-bundle --image "$work/src:v1" "$work/bundle" >/dev/null
umoci config --image "$work/src:v1" --config.cmd /bin/sh >/dev/null
umoci raw unpack --image "$work/src:v1" "$work/expected"
source_manifest=$(skopeo inspect --raw "oci:$work/src:v1" | sha256sum | cut -d' ' -f1)

policy=(--insecure-policy)

step "oci-archive written by skopeo: manifest digest kept"
skopeo "${policy[@]}" copy -q "oci:$work/src:v1" "oci-archive:$work/src.tar:v1"
"$lxcri" image import "oci-archive:$work/src.tar:v1" skopeo/ociarchive:v1
got=$("$lxcri" image inspect skopeo/ociarchive:v1 | sed -n 's/^Digest: *sha256://p')
[[ "$got" == "$source_manifest" ]] || fail "oci-archive import changed the manifest digest: $got vs $source_manifest"
"$lxcri" image unpack skopeo/ociarchive:v1 "$work/from-oci-archive"
compare_trees "$work/from-oci-archive" "$work/expected" "oci-archive import, unpacked"

step "docker-archive written by skopeo"
skopeo "${policy[@]}" copy -q "oci:$work/src:v1" "docker-archive:$work/docker.tar:skopeo/docker:v1"
"$lxcri" image import "docker-archive:$work/docker.tar" skopeo/dockerarchive:v1
"$lxcri" image unpack skopeo/dockerarchive:v1 "$work/from-docker-archive"
compare_trees "$work/from-docker-archive" "$work/expected" "docker-archive import, unpacked"
"$lxcri" image inspect skopeo/dockerarchive:v1 --format json | grep -q '"/bin/sh"' ||
  fail "docker-archive import lost the config's Cmd"

step "export: oci-image-tool validates it, skopeo and umoci read it"
"$lxcri" image export skopeo/dockerarchive:v1 "oci:$work/out:v1"
oci-image-tool validate --type image --ref name=v1 "$work/out"
skopeo inspect "oci:$work/out:v1" >/dev/null
umoci raw unpack --image "$work/out:v1" "$work/out-by-umoci"
compare_trees "$work/out-by-umoci" "$work/expected" "lxcri export, unpacked by umoci"

step "round trip: import of our own export keeps every digest"
"$lxcri" image import "oci:$work/out:v1" roundtrip/again:v1
"$lxcri" image export roundtrip/again:v1 "oci:$work/out2:v1"
diff -r "$work/out/blobs" "$work/out2/blobs" || fail "re-export changed blobs"
echo "ok: re-export identical"
echo PASS
