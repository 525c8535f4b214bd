#!/usr/bin/env bash
# `lxcri image pull/push` against docker-registry serving HTTPS on 127.0.0.1,
# with a CA, server and client certificates made here by openssl. A registry
# on this machine is spoken to with TLS when it speaks TLS, and its
# certificate is checked: refused when signed by an unknown CA or made out
# to another name; accepted with the CA in --cert-dir, or with
# --tls-verify=false. A registry that asks for a client certificate gets the
# *.cert/*.key pair of --cert-dir. Bad certificate directories are errors.
source "$(dirname "$0")/registry_lib.sh"

step "certificates: a CA, servers for 127.0.0.1 and for another name, a client"
pki=$work/pki
mkdir -p "$pki"
cert() { # cert NAME SUBJECT EXTENSIONS: a key and a certificate signed by the CA
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$pki/$1.key" -out "$pki/$1.csr" 2>/dev/null
  printf '%s\n' "$3" >"$pki/$1.ext"
  openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -extfile "$pki/$1.ext" -out "$pki/$1.crt" 2>/dev/null
}
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=lxcri-test-ca \
  -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
cert server /CN=127.0.0.1 $'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'
cert other /CN=registry.example $'subjectAltName=DNS:registry.example\nextendedKeyUsage=serverAuth'
cert client /CN=lxcri-client 'extendedKeyUsage=clientAuth'
mkdir -p "$work/certs" "$work/client-certs"
cp "$pki/ca.crt" "$work/certs/ca.crt"
cp "$pki/ca.crt" "$work/client-certs/ca.crt"
cp "$pki/client.crt" "$work/client-certs/client.cert"
cp "$pki/client.key" "$work/client-certs/client.key"

start_registry tls --tls "$pki/server.crt" "$pki/server.key"
tls=$address
start_registry mtls --tls "$pki/server.crt" "$pki/server.key" --client-ca "$pki/ca.crt"
mtls=$address
start_registry other-name --tls "$pki/other.crt" "$pki/other.key"
other_name=$address
make_test_image
skopeo copy -q --dest-cert-dir "$work/certs" "oci:$work/layout:app" "docker://$tls/test/app:1"
want=sha256:$(skopeo inspect --raw --cert-dir "$work/certs" "docker://$tls/test/app:1" |
  sha256sum | cut -d' ' -f1)

step "verified by default: a certificate from an unknown CA is refused"
expect_exit 1 image pull "$tls/test/app:1"
grep -q "https://$tls/v2/.*SSL certificate problem: unable to get local issuer certificate" \
  "$work/err" || fail "unknown CA: $(cat "$work/err")"
"$lxcri" image ls >"$work/refs"
grep -q "^test/app:1 " "$work/refs" && fail "a refused pull left a ref"

step "--cert-dir with the CA: pull and push over HTTPS"
expect_exit 0 image pull "$tls/test/app:1" --cert-dir "$work/certs"
grep -q "^test/app:1 $want (2 blobs fetched" "$work/out" || fail "pull: $(cat "$work/out")"
expect_exit 0 image push test/app:1 "$tls/pushed/app:1" --cert-dir "$work/certs"
[[ $(skopeo inspect --raw --cert-dir "$work/certs" "docker://$tls/pushed/app:1" |
  sha256sum | cut -d' ' -f1) == "${want#sha256:}" ]] || fail "the pushed image has another digest"

# The system's trust, /etc/ssl/certs and /etc/containers, as directories of
# the test's own: lxcri runs in a mount namespace where they are bound over
# the host's, which are never written.
if [[ $(id -u) -eq 0 && -d /etc/containers && -d /etc/ssl/certs ]] && command -v unshare >/dev/null; then
  mkdir -p "$work/etc-ssl" "$work/etc-containers/certs.d"
  cp -a /etc/ssl/certs/. "$work/etc-ssl/"  # the host's CAs, until a step makes its own
  private=$work/lxcri-private-etc
  {
    echo '#!/bin/sh'
    echo "exec unshare -m --propagation private sh -c 'mount --bind $work/etc-ssl /etc/ssl/certs &&"
    echo "  mount --bind $work/etc-containers /etc/containers && exec \"\$0\" \"\$@\"' $lxcri \"\$@\""
  } >"$private"
  chmod +x "$private"
  # hash_link DIR CERT: CERT in DIR under its OpenSSL subject hash.
  hash_link() { cp "$2" "$1/$(openssl x509 -hash -noout -in "$2").0"; }
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=lxcri-test-other-ca \
    -keyout "$pki/other-ca.key" -out "$pki/other-ca.crt" 2>/dev/null

  step "without --cert-dir: the registry's directory in /etc/containers/certs.d, as skopeo reads it"
  mkdir -p "$work/etc-containers/certs.d/$tls"
  cp "$pki/ca.crt" "$work/etc-containers/certs.d/$tls/ca.crt"
  lxcri=$private LXCRI_STORE=$work/certs-d-store expect_exit 0 image pull "$tls/test/app:1"
  rm -r "${work:?}/etc-containers/certs.d/$tls"
  lxcri=$private LXCRI_STORE=$work/certs-d-store expect_exit 1 image pull "$tls/test/app:1"
  grep -q "SSL certificate problem" "$work/err" || fail "certs.d gone: $(cat "$work/err")"

  step "the system's CAs: from /etc/ssl/certs by subject hash, the bundle not parsed"
  # A bundle without one certificate would fail every connection if read.
  hash_link "$work/etc-ssl" "$pki/ca.crt"
  echo "not a certificate" >"$work/etc-ssl/ca-certificates.crt"
  lxcri=$private LXCRI_STORE=$work/system-ca-store expect_exit 0 image pull "$tls/test/app:1"

  step "a CA only in the bundle (appended to it by hand) is still trusted"
  rm -rf "${work:?}/etc-ssl/"*
  hash_link "$work/etc-ssl" "$pki/other-ca.crt"
  cat "$pki/other-ca.crt" "$pki/ca.crt" >"$work/etc-ssl/ca-certificates.crt"
  lxcri=$private LXCRI_STORE=$work/bundle-store expect_exit 0 image pull "$tls/test/app:1"
  cp "$pki/other-ca.crt" "$work/etc-ssl/ca-certificates.crt"
  lxcri=$private LXCRI_STORE=$work/bundle-store expect_exit 1 image pull "$tls/test/app:1"
  grep -q "SSL certificate problem" "$work/err" || fail "an unknown CA: $(cat "$work/err")"
else
  echo "not root, or no /etc/containers, /etc/ssl/certs or unshare: the system-trust steps are skipped"
fi

step "--tls-verify=false takes any certificate; --plain-http to a TLS registry fails clearly"
LXCRI_STORE=$work/unverified-store expect_exit 0 image pull "$tls/test/app:1" --tls-verify=false
LXCRI_STORE=$work/plain-store expect_exit 1 image pull "$tls/test/app:1" --plain-http
grep -q "HTTP 400 (Client sent an HTTP request to an HTTPS server.)" "$work/err" ||
  fail "--plain-http to TLS: $(cat "$work/err")"

step "a certificate made out to another name is refused, even with its CA"
expect_exit 1 image pull "$other_name/test/app:1" --cert-dir "$work/certs"
grep -q "certificate subject name\|does not match" "$work/err" ||
  fail "wrong name: $(cat "$work/err")"

step "a registry that wants a client certificate: refused without, served with client.cert"
expect_exit 0 image push test/app:1 "$mtls/test/app:1" --cert-dir "$work/client-certs"
LXCRI_STORE=$work/mtls-store expect_exit 1 image pull "$mtls/test/app:1" --cert-dir "$work/certs"
# TLS 1.3 finishes the handshake before the server judges us: what the
# client meets next (the alert, a reset) varies, the URL does not.
grep -q "https://$mtls/v2/test/app/manifests/1: " "$work/err" ||
  fail "no client certificate: $(cat "$work/err")"
LXCRI_STORE=$work/mtls-store expect_exit 0 image pull "$mtls/test/app:1" --cert-dir "$work/client-certs"
grep -q "^test/app:1 $want (2 blobs fetched" "$work/out" || fail "mTLS pull: $(cat "$work/out")"

step "a TLS server that refuses the handshake is reported so, not spoken to in plain HTTP"
port=$(free_port)
openssl s_server -quiet -accept "127.0.0.1:$port" -tls1_2 -Verify 1 -cert "$pki/server.crt" \
  -key "$pki/server.key" -CAfile "$pki/ca.crt" </dev/null >/dev/null 2>&1 &
servers+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
LXCRI_STORE=$work/refusing-store expect_exit 1 image pull "127.0.0.1:$port/test/app:1" \
  --cert-dir "$work/certs"
grep -q "registry 127.0.0.1:$port: https://127.0.0.1:$port/: .*handshake failure" "$work/err" ||
  fail "a refused handshake: $(cat "$work/err")"

step "bad certificate directories: missing, a client certificate without its key"
expect_exit 3 image pull "$tls/test/app:1" --cert-dir "$work/nowhere"
grep -q "$work/nowhere: not a directory" "$work/err" || fail "missing: $(cat "$work/err")"
mkdir "$work/half"
cp "$pki/client.crt" "$work/half/client.cert"
expect_exit 4 image pull "$tls/test/app:1" --cert-dir "$work/half"
grep -q "client.cert has no client.key beside it" "$work/err" || fail "half: $(cat "$work/err")"
echo "ok: registries over TLS"
