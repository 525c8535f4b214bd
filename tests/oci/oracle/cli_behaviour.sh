#!/usr/bin/env bash
# `lxcri image` as an operator uses it: every command, its output formats and
# its exit codes (apps/lxcri/exit_codes.h), --store vs $LXCRI_STORE, and what
# happens to a store whose blob was damaged behind its back.
source "$(dirname "$0")/lib.sh"
need_tools python3

rootfs=$work/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc"
echo "hello" >"$rootfs/etc/motd"
printf '#!/bin/sh\necho hi\n' >"$rootfs/bin/hello" && chmod 755 "$rootfs/bin/hello"
ln -s motd "$rootfs/etc/motd.link"

step "create, ls, inspect"
"$lxcri" image create --from-dir "$rootfs" demo/app:v1 --cmd /bin/hello --env GREETING=hi --workdir /etc
"$lxcri" image ls | grep -q '^demo/app:v1 ' || fail "ls does not list demo/app:v1"
"$lxcri" image ls --format json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert len(rows) == 1 and rows[0]["ref"] == "demo/app:v1" and rows[0]["layers"] == 1, rows'
"$lxcri" image inspect demo/app:v1 --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
cfg = d["config"]["config"]
assert cfg["Cmd"] == ["/bin/hello"] and "GREETING=hi" in cfg["Env"] and cfg["WorkingDir"] == "/etc", cfg
assert len(d["layers"]) == 1 and d["layers"][0]["diffID"] == d["config"]["rootfs"]["diff_ids"][0], d["layers"]
assert d["layers"][0]["chainID"] == d["layers"][0]["diffID"]'
"$lxcri" image inspect demo/app:v1 | grep -q '^Cmd: *\/bin\/hello' || fail "inspect text lacks Cmd"

step "tag, unpack, rm, gc"
"$lxcri" image tag demo/app:v1 demo/app:latest
[[ $("$lxcri" image ls --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') == 2 ]] ||
  fail "tag did not add a ref"
"$lxcri" image unpack demo/app:latest "$work/unpacked"
cmp "$work/unpacked/etc/motd" "$rootfs/etc/motd" || fail "unpacked content differs"
[[ $(readlink "$work/unpacked/etc/motd.link") == motd ]] || fail "symlink lost"
"$lxcri" image rm demo/app:v1
"$lxcri" image gc | grep -q '^removed 0 blobs' || fail "gc removed blobs still referenced by demo/app:latest"
"$lxcri" image rm demo/app:latest
"$lxcri" image gc | grep -q '^removed 3 blobs' || fail "gc did not remove the image's 3 blobs"

step "exit codes"
expect_exit 3 image inspect nothing/here:v1
expect_exit 3 image unpack nothing/here:v1 "$work/none"
expect_exit 2 image inspect 'Not A Ref'
expect_exit 2 image import nosuch:/tmp/x demo/x:v1
expect_exit 2 image frobnicate
expect_exit 3 image import "oci:$work/does-not-exist:v1" demo/x:v1
"$lxcri" image create --from-dir "$rootfs" demo/app:v2 >/dev/null
mkdir -p "$work/nonempty" && touch "$work/nonempty/file"
expect_exit 5 image unpack demo/app:v2 "$work/nonempty"
[[ -f "$work/nonempty/file" ]] || fail "a refused unpack touched the existing directory"

step "--store wins over LXCRI_STORE"
other=$work/other-store
"$lxcri" image create --store "$other" --from-dir "$rootfs" elsewhere/app:v1 >/dev/null
"$lxcri" image ls --store "$other" | grep -q '^elsewhere/app:v1 ' || fail "--store ignored"
"$lxcri" image ls | grep -q '^elsewhere' && fail "--store image leaked into LXCRI_STORE"

step "a damaged blob: check finds it, unpack refuses it"
layer=$("$lxcri" image inspect demo/app:v2 --format json | python3 -c '
import json, sys; print(json.load(sys.stdin)["layers"][0]["digest"].split(":")[1])')
blob=$LXCRI_STORE/blobs/sha256/$layer
chmod u+w "$blob"
printf 'X' | dd of="$blob" bs=1 seek=100 conv=notrunc status=none
expect_exit 4 image check
expect_exit 4 image unpack demo/app:v2 "$work/damaged"
[[ ! -e "$work/damaged" ]] || fail "unpack of a damaged layer left a directory"
echo PASS
