#!/usr/bin/env bash
# config.json honoured field by field: every check runs a busybox container
# that prints what it sees, and compares it with what the config asked for.
source "$(dirname "$0")/lib.sh"

bundle=$work/bundle
make_bundle "$bundle"

# Runs the bundle as container ID with `sh -c SCRIPT` and leaves its output
# in $work/out: run_script ID SCRIPT
run_script() {
  local id=$1 script=$2
  edit_config "$bundle" "c['process']['args'] = ['sh', '-c', '''$script''']"
  L run --bundle "$bundle" "$id" >"$work/out" 2>"$work/err" || { cat "$work/out" "$work/err" >&2; fail "$id failed"; }
  check_clean "$id"
}
expect_line() { grep -qx -- "$1" "$work/out" || { cat "$work/out" >&2; fail "output lacks '$1'"; }; }

step "process: env, cwd, user, additional groups, umask"
edit_config "$bundle" '
c["root"]["readonly"] = False  # /tmp/work does not exist: the runtime creates it
p = c["process"]
p["env"] = ["PATH=/bin", "GREETING=hello world"]
p["cwd"] = "/tmp/work"
p["user"] = {"uid": 1000, "gid": 1001, "additionalGids": [2000, 2001], "umask": 63}'
run_script p1 'echo "$GREETING"; pwd; id -u; id -g; cat /proc/self/status | grep ^Groups; umask'
expect_line "hello world"
expect_line "/tmp/work"
expect_line "1000"
expect_line "1001"
grep -q "^Groups:[[:space:]]*2000 2001" "$work/out" || fail "additional gids: $(grep Groups "$work/out")"
expect_line "0077"
edit_config "$bundle" 'c["process"]["user"] = {"uid": 0, "gid": 0}; c["process"]["cwd"] = "/"'

step "a relative program runs from cwd; the runtime's files are not visible"
printf '#!/bin/sh\necho relative ok\n' >"$bundle/rootfs/tmp/work/run.sh" 2>/dev/null ||
  { mkdir -p "$bundle/rootfs/tmp/work" && printf '#!/bin/sh\necho relative ok\n' >"$bundle/rootfs/tmp/work/run.sh"; }
chmod +x "$bundle/rootfs/tmp/work/run.sh"
edit_config "$bundle" 'c["process"]["cwd"] = "/tmp/work"; c["process"]["args"] = ["./run.sh"]'
L run --bundle "$bundle" rel >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; fail "relative program"; }
expect_line "relative ok"
check_clean rel
run_script hide 'ls -a /dev | grep -c lxcri; grep -c /dev/.lxcri /proc/self/mountinfo; true'
[[ $(cat "$work/out") == $'0\n0' ]] || fail "the init dir is visible in the container: $(cat "$work/out")"
edit_config "$bundle" 'c["process"]["cwd"] = "/"'

step "capabilities (all five sets), no_new_privs, rlimits, oomScoreAdj"
edit_config "$bundle" '
caps = ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"]
c["process"]["capabilities"] = {"bounding": caps, "effective": caps[:2], "permitted": caps,
                                "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}
c["process"]["noNewPrivileges"] = True
c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 321, "hard": 654}]
c["process"]["oomScoreAdj"] = 123'
run_script p2 'grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb)|^NoNewPrivs" /proc/self/status; ulimit -n; ulimit -Hn; cat /proc/self/oom_score_adj'
# KILL = bit 5, NET_BIND_SERVICE = bit 10, CHOWN = bit 0.
grep -q "^CapBnd:[[:space:]]*0000000000000421" "$work/out" || fail "bounding: $(cat "$work/out")"
grep -q "^CapPrm:[[:space:]]*0000000000000421" "$work/out" || fail "permitted"
# For uid 0 the kernel makes the effective set the permitted one at execve.
grep -q "^CapEff:[[:space:]]*0000000000000421" "$work/out" || fail "effective: $(cat "$work/out")"
grep -q "^CapInh:[[:space:]]*0000000000000020" "$work/out" || fail "inheritable"
grep -q "^CapAmb:[[:space:]]*0000000000000020" "$work/out" || fail "ambient"
grep -q "^NoNewPrivs:[[:space:]]*1" "$work/out" || fail "no_new_privs"
expect_line 321
expect_line 654
expect_line 123

step "root: readonly; hostname; mounts (bind ro, tmpfs with options)"
mkdir -p "$work/shared" && echo "from the host" >"$work/shared/file"
edit_config "$bundle" '
c["root"]["readonly"] = True
c["hostname"] = "box-7"
c["mounts"].append({"destination": "/data", "type": "bind", "source": "'"$work/shared"'", "options": ["rbind", "ro"]})
c["mounts"].append({"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=1777"]})'
run_script m1 'hostname; cat /data/file; touch /data/x 2>/dev/null || echo data-ro; touch /rootfile 2>/dev/null || echo root-ro; touch /scratch/ok && echo scratch-rw; stat -c %a /scratch'
expect_line "box-7"
expect_line "from the host"
expect_line "data-ro"
expect_line "root-ro"
expect_line "scratch-rw"
expect_line "1777"
[[ ! -e "$work/shared/x" ]] || fail "a read-only bind mount was written"

step "mount points never leave the rootfs through the image's symlinks"
mkdir -p "$work/host-target"
ln -s "$work/host-target" "$bundle/rootfs/evil"
edit_config "$bundle" 'c["mounts"].append({"destination": "/evil/sub", "type": "tmpfs", "source": "tmpfs"})'
run_script sym 'grep -c " /'"${work#/}"'/host-target/sub " /proc/self/mountinfo'
[[ -z $(ls -A "$work/host-target") ]] || fail "a mount point was made on the host: $(ls -A "$work/host-target")"
expect_line 1
rm "$bundle/rootfs/evil"
edit_config "$bundle" 'c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/evil/sub"]'

step "masked and read-only paths; devices"
edit_config "$bundle" '
c["linux"]["maskedPaths"] = ["/proc/keys", "/proc/acpi", "/does/not/exist"]  # a file, a dir, nothing
c["linux"]["readonlyPaths"] = ["/proc/sys"]
c["linux"]["devices"] = [{"path": "/dev/fuse-like", "type": "c", "major": 1, "minor": 3, "fileMode": 420, "uid": 0, "gid": 0}]
c["linux"]["resources"]["devices"] = [{"allow": False, "access": "rwm"}]'
run_script d1 'stat -c "keys %t:%T" /proc/keys; grep -E " /proc/acpi .* - tmpfs " /proc/self/mountinfo | wc -l; grep -E " /proc/sys ro," /proc/self/mountinfo | wc -l; stat -c "%t:%T %a" /dev/fuse-like; echo x >/dev/null && echo null-ok'
expect_line "keys 1:3"  # /dev/null over it
[[ $(sed -n 2p "$work/out") == 1 ]] || fail "/proc/acpi is not masked by a tmpfs: $(cat "$work/out")"
[[ $(sed -n 3p "$work/out") == 1 ]] || fail "/proc/sys is not read-only: $(cat "$work/out")"
expect_line "1:3 644"
expect_line "null-ok"

step "cgroups: memory and pids limits are in the container's cgroup"
edit_config "$bundle" '
c["linux"]["resources"]["memory"] = {"limit": 67108864}
c["linux"]["resources"]["pids"] = {"limit": 20}
c["linux"]["resources"]["cpu"] = {"shares": 512, "quota": 50000, "period": 100000}
c["linux"]["cgroupsPath"] = "/lxcri/limits-test"'
edit_config "$bundle" 'c["process"]["args"] = ["sleep", "1000"]'
L create --bundle "$bundle" lim
[[ $(cat /sys/fs/cgroup/memory/lxcri/limits-test/memory.limit_in_bytes) == 67108864 ]] || fail "memory limit"
[[ $(cat /sys/fs/cgroup/pids/lxcri/limits-test/pids.max) == 20 ]] || fail "pids limit"
[[ $(cat /sys/fs/cgroup/cpu/lxcri/limits-test/cpu.shares) == 512 ]] || fail "cpu shares"
[[ $(cat /sys/fs/cgroup/cpu/lxcri/limits-test/cpu.cfs_quota_us) == 50000 ]] || fail "cpu quota"
grep -qx "$(state_field lim pid)" /sys/fs/cgroup/pids/lxcri/limits-test/cgroup.procs || fail "init not in the cgroup"
L delete --force lim
[[ ! -d /sys/fs/cgroup/memory/lxcri/limits-test ]] || fail "cgroup left behind"
check_clean lim
edit_config "$bundle" 'del c["linux"]["resources"]["memory"]; del c["linux"]["resources"]["pids"]; del c["linux"]["resources"]["cpu"]; del c["linux"]["cgroupsPath"]'
# The pids limit is enforced: a fork bomb stops at it.
edit_config "$bundle" 'c["linux"]["resources"]["pids"] = {"limit": 5}'
edit_config "$bundle" 'c["process"]["args"] = ["sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 1 & done"]'
L run --bundle "$bundle" pl >"$work/out" 2>&1 || true
check_clean pl
grep -qi "fork\|resource temporarily unavailable" "$work/out" || fail "pids limit not enforced: $(cat "$work/out")"
edit_config "$bundle" 'del c["linux"]["resources"]["pids"]'

step "seccomp blocks a syscall with the errno the profile names"
edit_config "$bundle" '
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
               {"names": ["not_a_syscall_at_all"], "action": "SCMP_ACT_ERRNO"}]}
c["root"]["readonly"] = False'
run_script s1 'mkdir /tmp/blocked 2>&1; ls -d /tmp/blocked 2>/dev/null || echo absent'
grep -q "Operation not permitted" "$work/out" || fail "mkdir was not blocked: $(cat "$work/out")"
expect_line "absent"
grep -q "not_a_syscall_at_all" "$work/err" || fail "unknown syscall not warned about"
edit_config "$bundle" 'del c["linux"]["seccomp"]'

step "user namespace: the mapping, and root inside is not root outside"
# The container's root is uid 100000 on the host: it must be able to reach
# the bundle, and to write its /tmp.
chmod 711 "$work"
chmod 1777 "$bundle/rootfs/tmp"
cp "$bundle/config.json" "$work/saved.json"
edit_config "$bundle" '
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["linux"]["resources"] = {}
c["linux"]["devices"] = []  # mknod is not allowed in a user namespace
c["mounts"] = [m for m in c["mounts"] if m["type"] not in ("cgroup", "sysfs")]'
run_script un 'cat /proc/self/uid_map; id -u; touch /tmp/owned; stat -c %u /tmp/owned; cat /proc/self/status | grep ^Uid'
grep -q "^ *0 *100000 *65536$" "$work/out" || fail "uid_map: $(cat "$work/out")"
expect_line 0
[[ $(stat -c %u "$bundle/rootfs/tmp/owned") == 100000 ]] || fail "a file made by the container's root is not owned by 100000 on the host"
rm -f "$bundle/rootfs/tmp/owned"
cp "$work/saved.json" "$bundle/config.json"

step "rootfs propagation"
edit_config "$bundle" 'c["linux"]["rootfsPropagation"] = "rshared"'
run_script pr 'grep -E "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / " /proc/self/mountinfo'
grep -q "shared:" "$work/out" || fail "root is not shared: $(cat "$work/out")"
edit_config "$bundle" 'c["linux"]["rootfsPropagation"] = "private"'
run_script pp 'grep -E "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / " /proc/self/mountinfo'
[[ -s $work/out ]] || fail "no mountinfo line for the root"
grep -q "shared:\|master:" "$work/out" && fail "root is not private: $(cat "$work/out")"
edit_config "$bundle" 'del c["linux"]["rootfsPropagation"]'

step "sysctl and annotations"
edit_config "$bundle" '
c["linux"]["sysctl"] = {"kernel.shmmax": "123456789"}
c["linux"]["readonlyPaths"] = []
c["annotations"] = {"org.example/owner": "tests"}'
run_script y1 'cat /proc/sys/kernel/shmmax'
expect_line 123456789
edit_config "$bundle" 'c["process"]["args"] = ["sleep", "1000"]'
L create --bundle "$bundle" ann
L state ann | grep -q '"org.example/owner": "tests"' || fail "annotations missing from state"
L delete --force ann
check_clean ann

step "hooks run in the spec's order with the state on stdin"
hook=$work/hook.sh
log=$work/hooks.log
cat >"$hook" <<HOOK
#!/bin/sh
state=\$(cat)
echo "\$1 \$(echo "\$state" | grep -o '"status": *"[a-z]*"' | grep -o '[a-z]*"\$' | tr -d '"')" >>$log
HOOK
chmod +x "$hook"
# startContainer and createContainer hooks run inside the container: give it the script and /bin/sh.
cp "$hook" "$bundle/rootfs/hook.sh"
sed -i "s#>>$log#>>/hooklog/hooks.log#" "$bundle/rootfs/hook.sh"
mkdir -p "$work/hooklog" && : >"$log"
edit_config "$bundle" '
h = lambda name, path: {"path": path, "args": ["hook", name]}
host, inside = "'"$hook"'", "/hook.sh"
c["mounts"].append({"destination": "/hooklog", "type": "bind", "source": "'"$work"'", "options": ["rbind"]})
c["hooks"] = {"prestart": [h("prestart", host)], "createRuntime": [h("createRuntime", host)],
              "createContainer": [h("createContainer", inside)], "startContainer": [h("startContainer", inside)],
              "poststart": [h("poststart", host)], "poststop": [h("poststop", host)]}
c["process"]["args"] = ["true"]'
L create --bundle "$bundle" hk
L start hk
wait_status hk stopped
L delete hk
check_clean hk
printf 'prestart created\ncreateRuntime creating\ncreateContainer creating\nstartContainer created\npoststart running\npoststop stopped\n' >"$work/want"
diff -u "$work/want" "$log" || fail "hooks ran out of order or with the wrong state"
# A failing createRuntime hook fails create and leaves nothing behind.
edit_config "$bundle" 'c["hooks"] = {"createRuntime": [{"path": "/bin/false"}]}'
expect_exit 1 create --bundle "$bundle" hk2
check_clean hk2
echo "ok: config fields"
