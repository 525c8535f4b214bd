#!/usr/bin/env bash
# `lxcri image pull/push` against a docker-registry that checks bearer tokens
# itself (distribution's token authentication), its tokens signed by
# token_server.py, started here with grants per user: anonymous users may
# pull public/*, alice may do anything, bob may pull public/* and push to
# bob/*. Tokens are asked for the scope each request needs; refusals are
# clear errors; a push from one repository to another mounts the blobs with
# a token for both scopes, and falls back to an upload when the token may
# not read the source.
source "$(dirname "$0")/registry_lib.sh"

users='{"alice": {"password": "s3cret", "grants": {"*": ["*"]}},
        "bob": {"password": "b0b", "grants": {"public/*": ["pull"], "bob/*": ["pull", "push"]}},
        "": {"grants": {"public/*": ["pull"]}}}'
start_token_server "$users"
start_registry tokens --token "$token_realm" "$token_cert"
registry=$address
make_test_image
"$lxcri" image import "oci:$work/layout:app" test/app:1 >/dev/null
ours=$("$lxcri" image ls | awk '$1 == "test/app:1" {print $2}')
[[ -n $ours ]] || fail "the imported image is not listed"

step "alice pushes with a token for the push scope; the registry serves our digest"
expect_exit 0 image push test/app:1 "$registry/public/app:1" --creds alice:s3cret
grep -q "^alice repository:public/app:pull,push$" "$work/token.log" ||
  fail "no push token asked for: $(cat "$work/token.log")"
expect_exit 0 image push -q test/app:1 "$registry/private/app:1" --creds alice:s3cret
[[ $(skopeo inspect --raw --tls-verify=false --creds alice:s3cret \
  "docker://$registry/private/app:1" | sha256sum | cut -d' ' -f1) == "$ours"* ]] ||
  fail "the registry serves another digest"

step "anonymous: public/* pulls; a private repository and a push are refused"
LXCRI_STORE=$work/anonymous expect_exit 0 image pull "$registry/public/app:1"
grep -q "^- repository:public/app:pull$" "$work/token.log" ||
  fail "no anonymous pull token: $(cat "$work/token.log")"
LXCRI_STORE=$work/anonymous expect_exit 1 image pull "$registry/private/app:1"
grep -q "HTTP 401 (UNAUTHORIZED" "$work/err" || fail "private: $(cat "$work/err")"
LXCRI_STORE=$work/anonymous expect_exit 1 image push public/app:1 "$registry/public/anon:1"
grep -q "HTTP 401" "$work/err" || fail "anonymous push: $(cat "$work/err")"

step "a wrong password: the token service refuses, and says so"
LXCRI_STORE=$work/wrong expect_exit 1 image pull "$registry/public/app:1" --creds alice:wrong
grep -q "token service.*HTTP 401 (UNAUTHORIZED: wrong user name or password)" "$work/err" ||
  fail "wrong password: $(cat "$work/err")"
LXCRI_STORE=$work/wrong "$lxcri" image ls >"$work/refs"
grep -q "^public/app:1 " "$work/refs" && fail "a refused pull left a ref"

step "bob: pulled from public/app, pushed to bob/app: mounted with a token for both"
export LXCRI_STORE=$work/bob
expect_exit 0 image pull "$registry/public/app:1" app:1 --creds bob:b0b
expect_exit 0 image push app:1 "$registry/bob/app:1" --creds bob:b0b
grep -q "(0 blobs pushed, 2 mounted from public/app, 0 already there, 0 B)" "$work/out" ||
  fail "mount: $(cat "$work/out")"
grep -q "^bob repository:bob/app:pull,push repository:public/app:pull$" "$work/token.log" ||
  fail "no token for both scopes: $(cat "$work/token.log")"
[[ $(registry_digest_as bob:b0b "$registry/bob/app:1") == "sha256:$ours"* ]] ||
  fail "bob/app serves another digest"

step "when the token may not read the source, the blobs are uploaded instead"
python3 - "$work/token/users.json" <<'PY'
import json, sys
users = json.load(open(sys.argv[1]))
del users["bob"]["grants"]["public/*"]
json.dump(users, open(sys.argv[1], "w"))
PY
: >"$work/token.log"
expect_exit 0 image push app:1 "$registry/bob/other:1" --creds bob:b0b --jobs 1
grep -q "(2 blobs pushed, 0 already there" "$work/out" || fail "fallback: $(cat "$work/out")"
# Refused once, not asked again for the second blob.
[[ $(grep -c "^bob repository:bob/other:pull,push repository:public/app:pull$" \
  "$work/token.log") -eq 1 ]] || fail "mounts asked for after a refusal: $(cat "$work/token.log")"
[[ $(registry_digest_as bob:b0b "$registry/bob/other:1") == "sha256:$ours"* ]] ||
  fail "bob/other serves another digest"
expect_exit 1 image push app:1 "$registry/public/bob:1" --creds bob:b0b
grep -q "HTTP 401 (insufficient_scope: the token does not grant repository:public/bob:pull)" "$work/err" ||
  fail "bob pushing to public/: $(cat "$work/err")"
echo "ok: token authentication"
