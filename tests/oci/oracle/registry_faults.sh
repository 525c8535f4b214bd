#!/usr/bin/env bash
# `lxcri image pull` when the registry side misbehaves, through
# registry_proxy.py in front of a real docker-registry on 127.0.0.1:
# a bearer-token registry (the token protocol, with a token service that
# refuses, or fails), 5xx and 429 answers that pass (retried, Retry-After
# honoured) or do not (a clear error), a blob cut off mid-body (resumed with
# a Range request from the bytes written), blobs redirected to storage
# elsewhere (followed, without our token), a 403 (not retried), a
# Docker-Content-Digest that lies, a pull by sha512 digest (the proxy serves
# the manifest under it), a blob whose bytes do not match its
# digest and an oversized manifest (refused). A pull that fails leaves no
# ref and nothing half-written in the store.
source "$(dirname "$0")/registry_lib.sh"

start_registry upstream
registry=$address
make_test_image
skopeo copy -q --dest-tls-verify=false "oci:$work/layout:app" "docker://$registry/test/app:1"
want=$(registry_digest "$registry/test/app:1")
start_proxy faults "$registry"
proxy=$address
start_proxy tokens "$registry" --bearer bob:hunter2
tokens=$address
rules() { echo "$2" >"$work/$1.rules"; }
# Each step pulls into a store of its own: blobs a store has are not fetched.
fresh_store() { export LXCRI_STORE=$work/store-$1; }
no_ref() {
  local refs
  refs=$("$lxcri" image ls)
  grep -q "^$1 " <<<"$refs" && fail "a failed pull left the ref $1"
  [[ -z $(ls -A "$LXCRI_STORE/ingest" 2>/dev/null) ]] || fail "a failed pull left partial blobs"
}

step "bearer tokens: fetched from the token service with the credentials, per scope"
fresh_store bearer
expect_exit 1 image pull "$tokens/test/app:1" bearer:1
grep -q "token service .*HTTP 401" "$work/err" || fail "no creds: $(cat "$work/err")"
expect_exit 1 image pull "$tokens/test/app:1" bearer:1 --creds bob:wrong
grep -q "token service .*HTTP 401" "$work/err" || fail "wrong creds: $(cat "$work/err")"
no_ref bearer:1
expect_exit 0 image pull "$tokens/test/app:1" bearer:1 --creds bob:hunter2
grep -q "^bearer:1 $want " "$work/out" || fail "bearer pull: $(cat "$work/out")"
[[ $(grep -c "^GET /token" "$work/tokens.log") -eq 3 ]] ||
  fail "one token for the repository's scope, reused for every blob: $(grep /token "$work/tokens.log")"
rules tokens '[{"path": "/token", "action": "status", "status": 500}]'
expect_exit 1 image pull "$tokens/test/app:1" bearer:2 --creds bob:hunter2
grep -q "token service .*HTTP 500" "$work/err" || fail "token service down: $(cat "$work/err")"
no_ref bearer:2

step "5xx and 429 that pass are retried (Retry-After honoured); ones that last are errors"
fresh_store retry
: >"$work/faults.log"
rules faults '[{"path": "/manifests/", "action": "status", "status": 503, "times": 2}]'
expect_exit 0 image pull "$proxy/test/app:1" retried:1
grep -q "^retried:1 $want " "$work/out" || fail "retried pull: $(cat "$work/out")"
[[ $(grep -c "GET /v2/test/app/manifests/1 " "$work/faults.log") -eq 3 ]] ||
  fail "two 503s, then the manifest: $(grep manifests "$work/faults.log")"
fresh_store retry-after
rules faults '[{"path": "/blobs/", "action": "status", "status": 429, "retry_after": 3, "times": 1}]'
start=$(date +%s%N)
expect_exit 0 image pull "$proxy/test/app:1" retried:2
(($(date +%s%N) - start >= 3000000000)) || fail "Retry-After: 3 was not waited for"
: >"$work/faults.log"
rules faults '[{"path": "/manifests/", "action": "status", "status": 500}]'
expect_exit 1 image pull "$proxy/test/app:1" down:1
grep -q "HTTP 500 (UNAVAILABLE)" "$work/err" || fail "lasting 500: $(cat "$work/err")"
[[ $(grep -c "GET /v2/test/app/manifests/1 " "$work/faults.log") -eq 4 ]] ||
  fail "a lasting 500 is tried 4 times: $(grep -c manifests "$work/faults.log")"
no_ref down:1

step "blobs redirected to storage elsewhere: followed, and our token is not sent there"
fresh_store redirect
: >"$work/tokens.log"
rules tokens '[{"path": "/blobs/", "action": "redirect"}]'
expect_exit 0 image pull "$tokens/test/app:1" redirected:1 --creds bob:hunter2
grep -q "^redirected:1 $want " "$work/out" || fail "redirected pull: $(cat "$work/out")"
[[ $(grep -c "^GET /v2/test/app/blobs/sha256:[0-9a-f]* - Bearer$" "$work/tokens.log") -eq 2 &&
  $(grep -c "^GET /_storage/v2/test/app/blobs/sha256:[0-9a-f]*?signature=test - -$" \
    "$work/tokens.log") -eq 2 ]] ||
  fail "two blobs asked with the token, fetched from storage without it: $(cat "$work/tokens.log")"
rules tokens '[]'

step "403 is refused at once (not retried); a Docker-Content-Digest that lies is refused"
fresh_store forbidden
: >"$work/faults.log"
rules faults '[{"path": "/manifests/", "action": "status", "status": 403, "code": "DENIED"}]'
expect_exit 1 image pull "$proxy/test/app:1" forbidden:1
grep -q "HTTP 403 (DENIED) \[permission_denied\]" "$work/err" || fail "403: $(cat "$work/err")"
[[ $(grep -c "manifests" "$work/faults.log") -eq 1 ]] || fail "a 403 was retried"
no_ref forbidden:1
zero=sha256:$(printf '%064d' 0)
rules faults '[{"path": "/manifests/", "action": "digest", "digest": "'"$zero"'"}]'
expect_exit 4 image pull "$proxy/test/app:1" lying:1
grep -q "the registry says its digest is $zero, its bytes are $want" "$work/err" ||
  fail "lying manifest digest: $(cat "$work/err")"
no_ref lying:1
"$lxcri" image import "oci:$work/layout:app" imported:1 >/dev/null
rules faults '[{"path": "digest=", "action": "digest", "digest": "'"$zero"'"}]'
expect_exit 4 image push imported:1 "$proxy/lying/app:1"
grep -q "the registry stored it as $zero" "$work/err" || fail "lying upload: $(cat "$work/err")"
rules faults '[]'

step "a pull by a sha512 digest hashes the documents with sha512"
fresh_store sha512
sha512=sha512:$(skopeo inspect --raw --tls-verify=false "docker://$registry/test/app:1" |
  sha512sum | cut -d' ' -f1)
rules faults '[{"path": "/manifests/sha512:", "action": "alias", "reference": "1"}]'
expect_exit 0 image pull "$proxy/test/app@$sha512" by-sha512:1
grep -q "^by-sha512:1 $sha512 " "$work/out" || fail "sha512 pull: $(cat "$work/out")"
"$lxcri" image inspect by-sha512:1 >/dev/null || fail "the sha512-rooted image does not resolve"
"$lxcri" image check >/dev/null || fail "the store does not verify"
other=sha512:$(printf '%0128d' 1)
expect_exit 4 image pull "$proxy/test/app@$other" wrong-sha512:1
grep -q "the registry sent a document whose digest is $sha512" "$work/err" ||
  fail "wrong sha512: $(cat "$work/err")"
no_ref wrong-sha512:1
# Pushed, it is the same bytes: the registry names them by sha256.
expect_exit 0 image push by-sha512:1 "$proxy/from-sha512/app:1"
[[ $(registry_digest "$registry/from-sha512/app:1") == "$want" ]] ||
  fail "the sha512-rooted image pushed as another manifest"
rules faults '[]'

step "a 401 in the middle of a push (an expired token): a new token, the same bytes again"
fresh_store retry-after  # where retried:2 is
rules tokens '[{"path": "digest=", "action": "status", "status": 401, "challenge": true, "times": 1}]'
: >"$work/tokens.log"
expect_exit 0 image push retried:2 "$tokens/pushed/app:1" --creds bob:hunter2
[[ $(grep -c "digest=" "$work/tokens.log") -ge 2 ]] || fail "the PUT was not sent again"
[[ $(registry_digest "$registry/pushed/app:1") == "$want" ]] || fail "the re-sent upload changed the digest"

step "a blob cut off mid-body is resumed from the bytes written (Range)"
fresh_store resume
layer=$(skopeo inspect --raw --tls-verify=false "docker://$registry/test/app:1" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["layers"][0]["digest"])')
: >"$work/faults.log"
rules faults '[{"path": "/blobs/'"$layer"'", "action": "truncate", "bytes": 100000, "times": 1}]'
expect_exit 0 image pull "$proxy/test/app:1" resumed:1
grep -q "^resumed:1 $want " "$work/out" || fail "resumed pull: $(cat "$work/out")"
grep -q "GET /v2/test/app/blobs/$layer bytes=100000-" "$work/faults.log" ||
  fail "no Range request from byte 100000: $(grep blobs "$work/faults.log")"
"$lxcri" image check >/dev/null || fail "the resumed blob does not verify"

step "a registry that stalls: the transfer gives up (--stall-timeout) and resumes; one that stays stalled is an error"
fresh_store stall
: >"$work/faults.log"
rules faults '[{"path": "/blobs/'"$layer"'", "action": "stall", "bytes": 100000, "seconds": 30, "times": 1}]'
start=$(date +%s)
expect_exit 0 image pull "$proxy/test/app:1" stalled:1 --stall-timeout 2
(($(date +%s) - start < 20)) || fail "the stall was waited out, not cut at 2 s"
grep -q "GET /v2/test/app/blobs/$layer bytes=100000-" "$work/faults.log" ||
  fail "no resume after the stall: $(grep blobs "$work/faults.log")"
fresh_store stalled
rules faults '[{"path": "/manifests/", "action": "stall", "bytes": 0, "seconds": 30}]'
expect_exit 1 image pull "$proxy/test/app:1" stalled:2 --stall-timeout 1
grep -qi "too slow\|timed out\|timeout" "$work/err" || fail "a lasting stall: $(cat "$work/err")"
no_ref stalled:2

step "bytes that do not match the digest, and an oversized manifest, are refused"
fresh_store refused
rules faults '[{"path": "/blobs/'"$layer"'", "action": "corrupt"}]'
expect_exit 4 image pull "$proxy/test/app:1" corrupt:1
grep -q "digest" "$work/err" || fail "corrupt blob: $(cat "$work/err")"
no_ref corrupt:1
[[ ! -e $LXCRI_STORE/blobs/sha256/${layer#sha256:} ]] || fail "the corrupt blob was stored"
rules faults '[{"path": "/manifests/", "action": "pad", "bytes": 5000000}]'
expect_exit 4 image pull "$proxy/test/app:1" huge:1
grep -q "larger than 4194304 bytes" "$work/err" || fail "oversized manifest: $(cat "$work/err")"
no_ref huge:1
echo "ok: pull faults"
