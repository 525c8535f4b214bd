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
start_registry locked --htpasswd "$work/htpasswd"
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

step "pulled from one repository, pushed to another of that registry: the blobs are mounted"
watched=$address
expect_exit 0 image pull "$watched/pushed/app:1" from-registry:1
: >"$work/watch.log"
expect_exit 0 image push from-registry:1 "$watched/mounted/app:1"
grep -q "(0 blobs pushed, 2 mounted from pushed/app, 0 already there, 0 B)" "$work/out" ||
  fail "mount: $(cat "$work/out")"
[[ $(grep -c "^POST /v2/mounted/app/blobs/uploads/?mount=sha256%3A[0-9a-f]*&from=pushed%2Fapp" \
  "$work/watch.log") -eq 2 ]] || fail "no mount requests: $(cat "$work/watch.log")"
grep -q "^\(PATCH\|PUT\) /v2/mounted/app/blobs" "$work/watch.log" && fail "a mounted blob was uploaded"
[[ $(registry_digest "$open/mounted/app:1") == "$digest" ]] || fail "the mounted image has another digest"
# Where an image came from is the store's own business, not an export's.
"$lxcri" image export from-registry:1 "oci:$work/exported:app" >/dev/null
grep -q "org.lxcri.image.source" "$work/exported/index.json" && fail "the source leaked into an export"
grep -q "org.lxcri.image.source" "$LXCRI_STORE/index.json" || fail "the pull recorded no source"
# Nor does a layout's say (one that claims a source) steer where pushes mount from.
python3 - "$work/exported/index.json" "$watched" <<'PY'
import json, sys
index = json.load(open(sys.argv[1]))
index["manifests"][0].setdefault("annotations", {})["org.lxcri.image.source"] = sys.argv[2] + "/pushed/app"
json.dump(index, open(sys.argv[1], "w"))
PY
"$lxcri" image import "oci:$work/exported:app" claimed:1 >/dev/null
python3 - "$LXCRI_STORE/index.json" <<'PY' || fail "an import took a layout's source annotation"
import json, sys
entry = [m for m in json.load(open(sys.argv[1]))["manifests"]
         if m["annotations"]["org.opencontainers.image.ref.name"] == "claimed:1"][0]
sys.exit("org.lxcri.image.source" in entry["annotations"])
PY
# Where the source does not have the blob, the registry declines (202) and
# its session takes the upload.
"$lxcri" image tag from-registry:1 from-registry:2 >/dev/null
python3 - "$LXCRI_STORE/index.json" "$watched" <<'PY'
import json, sys
index = json.load(open(sys.argv[1]))
for m in index["manifests"]:
    if m["annotations"]["org.opencontainers.image.ref.name"] == "from-registry:2":
        m["annotations"]["org.lxcri.image.source"] = sys.argv[2] + "/empty/repo"
json.dump(index, open(sys.argv[1], "w"))
PY
expect_exit 0 image push from-registry:2 "$watched/declined/app:1"
grep -q "(2 blobs pushed, 0 already there" "$work/out" || fail "declined mount: $(cat "$work/out")"
[[ $(registry_digest "$open/declined/app:1") == "$digest" ]] || fail "declined: another digest"

step "an index is pushed whole, every platform; a nested one too; skopeo copies them back"
make_multi_platform_layout
"$lxcri" image import "oci:$work/layout:multi" test/multi:1 >/dev/null
"$lxcri" image import "oci:$work/layout:nested" test/nested:1 >/dev/null
for name in multi nested; do
  ours=$("$lxcri" image ls | awk -v ref="test/$name:1" '$1 == ref {print $2}')
  expect_exit 0 image push "test/$name:1" "$open/pushed/$name:1"
  [[ $(registry_digest "$open/pushed/$name:1") == sha256:$ours* ]] ||
    fail "$name: the registry serves $(registry_digest "$open/pushed/$name:1"), ours is $ours"
done
skopeo copy -q --all --src-tls-verify=false "docker://$open/pushed/multi:1" "oci:$work/multi-back:m"
for arch in amd64 arm64; do
  skopeo inspect --override-arch $arch --tls-verify=false "docker://$open/pushed/multi:1" |
    grep -q "\"Architecture\": \"$arch\"" || fail "the registry has no $arch image"
done
LXCRI_STORE=$work/nested-store "$lxcri" image pull -q "$open/pushed/nested:1" test/nested:1 --platform linux/arm64
LXCRI_STORE=$work/nested-store "$lxcri" image inspect test/nested:1 --platform linux/arm64 |
  grep -q arm64 || fail "the nested index's arm64 image did not come back"
step "an index whose platforms were not all pulled cannot be pushed whole"
LXCRI_STORE=$work/nested-store expect_exit 4 image push test/nested:1 "$open/pushed/partial:1"
grep -q "which is not in the store" "$work/err" || fail "partial index: $(cat "$work/err")"

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
