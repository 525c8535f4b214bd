#!/usr/bin/env bash
# Bad bundles, unknown ids, bad signals, programs that cannot run: each gets
# a clear error naming the file, field or id, exit code 1 (as runc), and
# leaves nothing behind.
source "$(dirname "$0")/lib.sh"

bundle=$work/bundle
make_bundle "$bundle"
edit_config "$bundle" 'c["process"]["args"] = ["sleep", "1000"]'
cp "$bundle/config.json" "$work/good.json"
reset_config() { cp "$work/good.json" "$bundle/config.json"; }

# expect_create_error TEXT: create fails naming TEXT, and nothing is left.
expect_create_error() {
  expect_exit 1 create --bundle "$bundle" bad
  expect_error "$1"
  check_clean bad
  reset_config
}

step "missing bundle, missing or malformed config.json"
expect_exit 1 create --bundle "$work/nowhere" bad
expect_error "bundle directory does not exist"
check_clean bad
mv "$bundle/config.json" "$work/moved.json"
expect_create_error "config.json"
printf '{"ociVersion": "1.0.2", "process": ' >"$bundle/config.json"
expect_create_error "config.json"
printf '{"ociVersion": "1.0.2", "ociVersion": "1.0.2"}' >"$bundle/config.json"
expect_create_error "same key more than once"

step "invalid fields name their JSON path"
edit_config "$bundle" 'del c["process"]["args"]'
expect_create_error "process.args"
edit_config "$bundle" 'c["process"]["cwd"] = "relative"'
expect_create_error "process.cwd"
edit_config "$bundle" 'c["process"]["capabilities"]["bounding"].append("CAP_NOT_REAL")'
expect_create_error "unknown capability 'CAP_NOT_REAL'"
edit_config "$bundle" 'c["process"]["rlimits"] = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
expect_create_error "unknown rlimit"
edit_config "$bundle" 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 10, "hard": 1}]'
expect_create_error "above hard limit"
edit_config "$bundle" 'c["process"]["user"]["uid"] = -1'
expect_create_error "process.user.uid"
edit_config "$bundle" 'c["linux"]["namespaces"].append({"type": "pid"})'
expect_create_error "given twice"
edit_config "$bundle" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"]'
expect_create_error "uts namespace"
edit_config "$bundle" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "mount"]'
expect_create_error "mount namespace is required"
edit_config "$bundle" 'c["linux"]["namespaces"][0]["path"] = "/var/run/netns/none"'
expect_create_error "linux.namespaces"
edit_config "$bundle" 'c["linux"]["intelRdt"] = {"closID": "x"}'
expect_create_error "linux.intelRdt"
edit_config "$bundle" 'c["process"]["terminal"] = True'
expect_create_error "process.terminal"
edit_config "$bundle" 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_NOPE"}'
expect_create_error "unsupported seccomp action"
edit_config "$bundle" 'c["ociVersion"] = "2.0.0"'
expect_create_error "ociVersion"
edit_config "$bundle" 'c["mounts"].append({"destination": "/x", "type": "bind", "source": "/does/not/exist", "options": ["bind"]})'
expect_create_error "does not exist"

step "unknown fields are warnings, not errors"
edit_config "$bundle" 'c["linux"]["vendorThing"] = 1'
L create --bundle "$bundle" warned 2>"$work/err"
expect_error "unknown field 'linux.vendorThing'"
L delete --force warned
check_clean warned
reset_config

step "a root filesystem that does not exist"
edit_config "$bundle" 'c["root"]["path"] = "no-such-rootfs"'
expect_create_error "root filesystem"

step "programs that cannot be executed fail create"
edit_config "$bundle" 'c["process"]["args"] = ["/bin/no-such-program"]'
expect_create_error 'exec: "/bin/no-such-program": No such file or directory'
edit_config "$bundle" 'c["process"]["args"] = ["no-such-program"]'
expect_create_error 'executable file not found in $PATH'
printf 'not executable' >"$bundle/rootfs/bin/data" && chmod 644 "$bundle/rootfs/bin/data"
edit_config "$bundle" 'c["process"]["args"] = ["/bin/data"]'
expect_create_error "Permission denied"
edit_config "$bundle" 'c["process"]["args"] = ["data"]'
expect_create_error "permission denied"

step "unknown and invalid ids"
for cmd in start state delete pause resume ps events; do
  expect_exit 1 $cmd ghost
  expect_error "does not exist"
done
expect_exit 1 kill ghost KILL
expect_error "does not exist"
expect_exit 1 create --bundle "$bundle" "../escape"
expect_error "invalid container id"
[[ ! -e "$work/escape" ]] || fail "an id with ../ created something"
expect_exit 1 create --bundle "$bundle" "a/b"
expect_error "invalid container id"

step "commands in the wrong state"
L create --bundle "$bundle" w1
expect_exit 1 resume w1
expect_error "created"
L start w1
expect_exit 1 start w1
L kill w1 KILL
wait_status w1 stopped
expect_exit 1 pause w1
expect_error "stopped"
L delete w1
check_clean w1

step "unsupported commands and options say so"
expect_exit 255 exec --process-label x w1 true
expect_error "SELinux"
expect_exit 1 --systemd-cgroup list
expect_error "systemd-cgroup"
expect_exit 1 --log-format yaml list
expect_error "log-format"

step "--log-format json writes runc's log lines"
expect_exit 1 --log "$work/log.json" --log-format json state ghost
python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines[-1]["level"] == "error" and "ghost" in lines[-1]["msg"] and lines[-1]["time"], lines' "$work/log.json"
echo "ok: bad input"
