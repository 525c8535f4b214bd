#!/usr/bin/env bash
# `lxcri image push` to real registries on 127.0.0.1 (docker-registry), with
# skopeo and oci-image-tool as oracles: what we push reads back through
# skopeo with our digests and validates as an image layout; a second push
# sends no blob; chunked uploads give the same digests; basic auth; and the
# error exits (unknown image, bad destination, refused credentials).
source "$(dirname "$0")/registry_lib.sh"
need_tools oci-image-tool

start_registry open
open=$address
htpasswd -Bbn alice s3cret >"$work/htpasswd"
start_registry locked "$work/htpasswd"
locked=$address
make_test_image
"$lxcri" image import "oci:$work/layout:app" test/app:1 >/dev/null
ours=$("$lxcri" image ls | awk '$1 == "test/app:1" {print $2}')

step "push: skopeo reads our digests back; oci-image-tool validates its copy"
expect_exit 0 image push test/app:1 "docker://$open/pushed/app:1"
grep -q "^$open/pushed/app:1 sha256:$ours.* (2 blobs pushed, 0 already there" "$work/out" ||
  fail "push: $(cat "$work/out")"
digest=$(registry_digest "$open/pushed/app:1")
[[ $digest == sha256:$ours* ]] || fail "the registry serves $digest, ours is $ours"
skopeo copy -q --src-tls-verify=false "docker://$open/pushed/app:1" "oci:$work/back:app"
oci-image-tool validate --type image --ref name=app "$work/back" >/dev/null ||
  fail "oci-image-tool rejects what skopeo read back"
[[ $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' \
  "$work/back/index.json") == "$digest" ]] || fail "skopeo's copy has another digest"

step "a second push sends no blob; a chunked push gives the same digest"
expect_exit 0 image push test/app:1 "$open/pushed/app:2"
grep -q "(0 blobs pushed, 2 already there, 0 B)" "$work/out" || fail "warm push: $(cat "$work/out")"
start_proxy watch "$open"
expect_exit 0 image push test/app:1 "$address/chunked/app:1" --chunk-size 65536
[[ $(registry_digest "$open/chunked/app:1") == "$digest" ]] || fail "the chunked push changed the digest"
layer_size=$(skopeo inspect --raw --tls-verify=false "docker://$open/chunked/app:1" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["layers"][0]["size"])')
[[ $(grep -c "^PATCH /v2/chunked/app/blobs/uploads/" "$work/watch.log") -ge $((layer_size / 65536)) ]] ||
  fail "no chunks of 65536 bytes for a layer of $layer_size: $(grep -c PATCH "$work/watch.log") PATCHes"

step "basic auth"
expect_exit 1 image push test/app:1 "$locked/pushed/app:1"
grep -q "wants a user and password" "$work/err" || fail "no creds: $(cat "$work/err")"
expect_exit 0 image push test/app:1 "$locked/pushed/app:1" --creds alice:s3cret
[[ $(skopeo inspect --raw --tls-verify=false --creds alice:s3cret "docker://$locked/pushed/app:1" |
  sha256sum | cut -d' ' -f1) == "${digest#sha256:}" ]] || fail "the locked registry serves another digest"

step "errors: unknown image, bad destination, a digest as destination"
expect_exit 3 image push test/nothing:1 "$open/pushed/nothing:1"
expect_exit 2 image push test/app:1 "$open/Bad/app:1"
expect_exit 4 image push test/app:1 "$open/pushed/app@$digest"
grep -q "push to a tag" "$work/err" || fail "digest destination: $(cat "$work/err")"
echo "ok: image push"
