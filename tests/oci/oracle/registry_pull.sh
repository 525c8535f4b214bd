#!/usr/bin/env bash
# `lxcri image pull` against real registries on 127.0.0.1 (Debian's
# docker-registry, the reference implementation), with skopeo as the oracle:
# an open registry and one with htpasswd basic auth, each started here on a
# free port. Images pushed by skopeo come back with skopeo's digests; a warm
# pull fetches manifests only; a multi-platform index keeps its digest and
# gives the platform asked for; credentials come from --creds or an auth
# file; bad references, unknown images, refused credentials, a digest the
# registry does not have and an unreachable registry fail with their exit
# codes and leave no ref.
source "$(dirname "$0")/registry_lib.sh"

start_registry open
open=$address
htpasswd -Bbn alice s3cret >"$work/htpasswd"
start_registry locked --htpasswd "$work/htpasswd"
locked=$address

step "images to pull: one made here, exported, pushed by skopeo"
make_test_image
skopeo copy -q --dest-tls-verify=false "oci:$work/layout:app" "docker://$open/test/app:1"
skopeo copy -q --dest-tls-verify=false --dest-creds alice:s3cret "oci:$work/layout:app" \
  "docker://$locked/test/app:1"

step "anonymous pull: the digest skopeo pushed, a runnable image"
want=$(registry_digest "$open/test/app:1")
expect_exit 0 image pull "docker://$open/test/app:1"
grep -q "^test/app:1 $want (2 blobs fetched, 0 already present" "$work/out" ||
  fail "pull: $(cat "$work/out")"
"$lxcri" image unpack test/app:1 "$work/unpacked" >/dev/null
"$work/unpacked/bin/busybox" true || fail "the pulled image does not unpack to a working busybox"

step "a warm pull fetches manifests only; -q prints nothing"
expect_exit 0 image pull "$open/test/app:1" again:1
grep -q "(0 blobs fetched, 2 already present, 0 B)" "$work/out" || fail "warm: $(cat "$work/out")"
expect_exit 0 image pull -q "$open/test/app:1" quiet:1
[[ ! -s $work/out && ! -s $work/err ]] || fail "--quiet printed: $(cat "$work/out" "$work/err")"

step "on a terminal, a progress line per blob (script(1) gives it one)"
LXCRI_STORE=$work/tty-store script -qec "$lxcri image pull $open/test/app:1" "$work/tty" >/dev/null
[[ $(grep -ao "sha256:[0-9a-f]\{12\}  \[#*\] 100%" "$work/tty" | sort -u | wc -l) -eq 2 ]] ||
  fail "expected the config's and the layer's lines at 100%: $(cat -v "$work/tty")"

step "by digest"
expect_exit 0 image pull "$open/test/app@$want" pinned:1
grep -q "^pinned:1 $want " "$work/out" || fail "by digest: $(cat "$work/out")"
expect_exit 2 image pull "$open/test/app@$want"
grep -q "needs NAME:TAG" "$work/err" || fail "digest without NAME:TAG: $(cat "$work/err")"

step "a multi-platform index: its digest is kept, the platform asked for is pulled"
make_multi_platform_layout
skopeo copy -q --all --dest-tls-verify=false "oci:$work/layout:multi" "docker://$open/test/multi:1"
index_digest=$(registry_digest "$open/test/multi:1")
expect_exit 0 image pull "$open/test/multi:1" --platform linux/arm64
grep -q "^test/multi:1 $index_digest " "$work/out" || fail "index digest: $(cat "$work/out")"
"$lxcri" image inspect test/multi:1 --platform linux/arm64 >"$work/inspect"
grep -q "arm64" "$work/inspect" || fail "the arm64 image is not there: $(cat "$work/inspect")"
expect_exit 0 image pull "$open/test/multi:1" multi-amd:1 --platform linux/amd64
grep -q "(0 blobs fetched, 2 already present" "$work/out" ||
  fail "the amd64 image is test/app:1, pulled already: $(cat "$work/out")"

step "basic auth: refused without credentials or with wrong ones; --creds and --authfile work"
expect_exit 1 image pull "$locked/test/app:1" locked:1
grep -q "wants a user and password" "$work/err" || fail "no creds: $(cat "$work/err")"
expect_exit 1 image pull "$locked/test/app:1" locked:1 --creds alice:wrong
grep -q "HTTP 401" "$work/err" || fail "wrong creds: $(cat "$work/err")"
refs=$("$lxcri" image ls)
grep -q "^locked:1 " <<<"$refs" && fail "a refused pull left a ref"
expect_exit 0 image pull "$locked/test/app:1" locked:1 --creds alice:s3cret
printf '{"auths": {"%s": {"auth": "%s"}}}' "$locked" "$(printf alice:s3cret | base64)" >"$work/auth.json"
expect_exit 0 image pull "$locked/test/app:1" locked:2 --authfile "$work/auth.json"
echo '{"auths": {' >"$work/bad.json"
expect_exit 4 image pull "$locked/test/app:1" locked:3 --authfile "$work/bad.json"
grep -q "bad.json" "$work/err" || fail "a malformed auth file is not named: $(cat "$work/err")"

step "errors: bad reference, unknown image, unknown digest, nothing listening"
expect_exit 2 image pull "$open/Test/App:1"
expect_exit 3 image pull "$open/test/nothing:1"
grep -q "MANIFEST_UNKNOWN" "$work/err" || fail "unknown image: $(cat "$work/err")"
expect_exit 3 image pull "$open/test/app@sha256:$(printf '%064d' 0)" zero:1
port=$(free_port)
expect_exit 1 image pull "127.0.0.1:$port/test/app:1" nowhere:1
grep -q "Couldn't connect\|Failed to connect" "$work/err" || fail "unreachable: $(cat "$work/err")"
refs=$("$lxcri" image ls)
grep -Eq "^(zero|nowhere):1 " <<<"$refs" && fail "a failed pull left a ref"
[[ -z $(ls -A "$LXCRI_STORE/ingest" 2>/dev/null) ]] || fail "a failed pull left partial blobs"
echo "ok: image pull"
