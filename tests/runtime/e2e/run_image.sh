#!/usr/bin/env bash
# `lxcri run IMAGE` and `lxcri create --image`: an image from the store in a
# generated bundle whose rootfs is a snapshot on the image's layers and whose
# config follows the image's Entrypoint, Cmd, Env, WorkingDir and User; the
# bundle and its snapshot go with the container, the layers stay.
source "$(dirname "$0")/lib.sh"

export LXCRI_STORE=$work/store
make_bundle "$work/bundle"
rootfs=$work/bundle/rootfs
mkdir -p "$rootfs/srv/app"
echo 'app:x:1234:4321:app:/srv/app:/bin/sh' >>"$rootfs/etc/passwd"
echo 'appgroup:x:4321:' >"$rootfs/etc/group"
echo 'extra:x:555:app' >>"$rootfs/etc/group"
"$lxcri" image create --from-dir "$rootfs" test/app:1 --entrypoint sh --entrypoint -c \
  --cmd 'echo "$GREETING from $(pwd) as $(id -u):$(id -g) groups $(id -G) on $(hostname)"' \
  --env GREETING=hello --workdir /srv/app --user app >/dev/null

step "run IMAGE honours Entrypoint, Cmd, Env, WorkingDir, User; --name is the hostname"
L run --name app1 test/app:1 >"$work/out"
grep -qx "hello from /srv/app as 1234:4321 groups 4321 555 on app1" "$work/out" ||
  fail "unexpected output: $(cat "$work/out")"
check_clean app1
[[ -z $(ls -A "$LXCRI_STORE/bundles") ]] || fail "generated bundle left behind"

step "arguments after -- replace Cmd, not Entrypoint; the exit status comes back"
set +e
L run test/app:1 -- 'echo args; exit 9' >"$work/out"
rc=$?
set -e
[[ $rc -eq 9 ]] || fail "run exited $rc, expected 9"
grep -qx args "$work/out" || fail "args ignored: $(cat "$work/out")"
[[ -z $(L list -q) ]] || fail "a generated id is left in list"

step "create --image, start, delete"
L create --image test/app:1 img1
[[ $(state_field img1 status) == created ]] || fail "create --image"
bundle=$(state_field img1 bundle)
[[ -f $bundle/config.json && -d $bundle/rootfs/srv/app ]] || fail "no generated bundle at $bundle"
grep -q " $bundle/rootfs .* - overlay " /proc/self/mountinfo ||
  fail "the rootfs is not an overlay snapshot: $(grep "$bundle" /proc/self/mountinfo)"
"$lxcri" snapshot ls | grep -q "^active .* bundle:$bundle (sha256:" ||
  fail "no active snapshot for the bundle: $("$lxcri" snapshot ls)"
L start img1
wait_status img1 stopped
L delete img1
check_clean img1
[[ ! -e $bundle ]] || fail "delete kept the generated bundle"
grep -q " $bundle/rootfs " /proc/self/mountinfo && fail "delete left the rootfs mounted"
"$lxcri" snapshot ls | grep -q "bundle:" && fail "delete left the bundle's snapshot"
"$lxcri" snapshot ls | grep -q "^committed" || fail "the image's layer should stay for the next run"

step "a container's writes stay in its own snapshot; the layer is unpacked once"
"$lxcri" image create --from-dir "$rootfs" test/root:1 --entrypoint sh --entrypoint -c >/dev/null
layers_before=$("$lxcri" snapshot ls | grep -c "^committed")
L run --name w1 test/root:1 -- 'echo changed >/etc/group; cat /etc/group' >"$work/out"
grep -qx changed "$work/out" || fail "the write did not happen: $(cat "$work/out")"
L run --name w2 test/root:1 -- 'cat /etc/group' >"$work/out"
grep -qx "appgroup:x:4321:" "$work/out" || fail "w1's write leaked into w2: $(cat "$work/out")"
# test/root:1 has test/app:1's one layer: nothing new to unpack.
[[ $("$lxcri" snapshot ls | grep -c "^committed") -eq $layers_before ]] || fail "a layer was unpacked again"

step "image bundle: the same bundle, for any runtime"
"$lxcri" image bundle --hostname box test/app:1 "$work/made" -- 'echo from args' >/dev/null
python3 - "$work/made/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
assert c["process"]["args"] == ["sh", "-c", "echo from args"], c["process"]["args"]
assert c["process"]["cwd"] == "/srv/app" and c["process"]["user"]["uid"] == 1234, c["process"]
assert "GREETING=hello" in c["process"]["env"] and c["hostname"] == "box", c
PY
[[ -x $work/made/rootfs/bin/busybox ]] || fail "bundle has no rootfs"
L run --bundle "$work/made" fromdir >"$work/out"
grep -qx "from args" "$work/out" || fail "the bundle does not run: $(cat "$work/out")"
check_clean fromdir
set +e
"$lxcri" image bundle test/app:1 "$work/made" >/dev/null 2>"$work/err"
rc=$?
set -e
[[ $rc -eq 5 ]] || fail "a bundle over an existing directory: exit $rc, expected 5"

step "--snapshotter: the rootfs from another backend; one named is never swapped for a copy"
L run --name copy1 --snapshotter copy test/app:1 -- 'echo from copy' >"$work/out"
grep -qx "from copy" "$work/out" || fail "run --snapshotter copy: $(cat "$work/out")"
"$lxcri" snapshot ls --snapshotter copy | grep -q "^committed" || fail "copy: no committed layer"
"$lxcri" snapshot ls --snapshotter copy | grep -q "bundle:" && fail "copy: delete left the rootfs"
L create --image test/app:1 --snapshotter copy copy2
"$lxcri" snapshot ls --snapshotter copy | grep -q "^active .* bundle:$(state_field copy2 bundle) " ||
  fail "no active copy snapshot for copy2: $("$lxcri" snapshot ls --snapshotter copy)"
grep -q " $(state_field copy2 bundle)/rootfs .* - overlay " /proc/self/mountinfo &&
  fail "--snapshotter copy gave an overlay rootfs"
L delete --force copy2
check_clean copy2
expect_exit 1 run --snapshotter btrfs test/app:1
expect_error "needs its store on a btrfs filesystem"
expect_exit 2 run --snapshotter nonsense test/app:1
expect_error "nonsense"

step "errors: unknown image, unknown user, nothing to run"
expect_exit 1 run test/missing:1
expect_error "test/missing:1"
"$lxcri" image create --from-dir "$rootfs" test/baduser:1 --cmd true --user ghost >/dev/null
expect_exit 1 run test/baduser:1
expect_error "user 'ghost'"
"$lxcri" image create --from-dir "$rootfs" test/nocmd:1 >/dev/null
expect_exit 1 run test/nocmd:1
expect_error "no Entrypoint or Cmd"
[[ -z $(ls -A "$LXCRI_STORE/bundles") ]] || fail "a failed run left its bundle"
[[ -z $(L list -q) ]] || fail "a failed run left a container"
"$lxcri" snapshot ls | grep -q "bundle:" && fail "a failed run left its snapshot"
grep -q "$LXCRI_STORE" /proc/self/mountinfo && fail "a mount is left in the store"
echo "ok: run IMAGE"
