#!/usr/bin/env bash
# exec: one more process in a running container, as containerd's shim and a
# person at a shell start one. It must land in the container's namespaces,
# cgroups and seccomp filter, with the user, env and cwd asked for, and
# report its exit status; every bad request fails clearly and leaves the
# container as it was.
source "$(dirname "$0")/lib.sh"

bundle=$work/bundle
make_bundle "$bundle"
edit_config "$bundle" '
c["process"]["args"] = ["sleep", "1000"]
c["process"]["env"].append("FROM_CONFIG=1")
c["process"]["noNewPrivileges"] = False
c["hostname"] = "exec-box"
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
L run -d --bundle "$bundle" e1
init=$(state_field e1 pid)

# Runs `lxcri exec ARGS` and keeps its output: exec_ok ARGS...
exec_ok() { L exec "$@" >"$work/out" 2>"$work/err" || { cat "$work/out" "$work/err" >&2; fail "exec $* failed"; }; }
expect_line() { grep -qxF -- "$1" "$work/out" || { cat "$work/out" >&2; fail "output lacks '$1'"; }; }

step "the process runs in the container's namespaces and cgroups"
exec_ok e1 sh -c 'hostname; cat /proc/1/cmdline | tr "\0" " "; echo; for n in mnt pid uts; do readlink /proc/self/ns/$n; done; cat /proc/self/cgroup'
expect_line exec-box
expect_line "sleep 1000 "
for ns in mnt pid uts; do
  expect_line "$(readlink /proc/"$init"/ns/$ns)"
done
while read -r line; do
  expect_line "$line"
done < <(grep -v "::/$" /proc/"$init"/cgroup)

step "the exit status comes back; env, cwd and user as asked"
expect_exit 7 exec e1 sh -c 'exit 7'
exec_ok --env EXTRA=2 --env FROM_CONFIG=replaced --cwd /tmp --user 65534:65534 -g 5 e1 \
  sh -c 'echo "$FROM_CONFIG $EXTRA"; pwd; id -u; id -g; id -G'
expect_line "replaced 2"
expect_line /tmp
expect_line 65534
expect_line "65534 5"
exec_ok e1 sh -c 'echo "$FROM_CONFIG"'
expect_line 1

step "the container's seccomp filter applies to the process"
exec_ok e1 sh -c 'mkdir /tmp/blocked 2>&1; ls -d /tmp/blocked 2>/dev/null || echo absent'
grep -q "Operation not permitted" "$work/out" || fail "mkdir was not blocked: $(cat "$work/out")"
expect_line absent

step "capabilities: the container's set, --cap adds one; --no-new-privs"
exec_ok --user 1000 e1 sh -c 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status'
expect_line "CapEff:	0000000000000000"
expect_line "NoNewPrivs:	0"
exec_ok --cap CAP_SYS_ADMIN --no-new-privs e1 sh -c 'grep -E "^(CapBnd|NoNewPrivs)" /proc/self/status'
bnd=$(awk '/^CapBnd/ {print $2}' "$work/out")
(( (16#$bnd >> 21) & 1 )) || fail "CAP_SYS_ADMIN (21) not in the bounding set: $bnd"
expect_line "NoNewPrivs:	1"

step "options end at the id; the process holds none of the runtime's descriptors"
exec_ok e1 -- echo -t --env x
expect_line "-t --env x"
exec_ok e1 ls -l /proc/self/fd
if grep -E 'socket:|memfd:|pipe:|lxcri-init|/root/' "$work/out"; then fail "a runtime descriptor reached the process"; fi
[[ $(grep -c ' -> ' "$work/out") -le 4 ]] || fail "unexpected descriptors: $(cat "$work/out")"

step "--process: a whole process.json"
cat >"$work/process.json" <<JSON
{"args": ["sh", "-c", "echo \$ONLY; pwd; id -u"], "env": ["ONLY=this", "PATH=/bin"],
 "cwd": "/bin", "user": {"uid": 3, "gid": 3}}
JSON
exec_ok --process "$work/process.json" e1
expect_line this
expect_line /bin
expect_line 3

step "--detach --pid-file: the process outlives exec, in the container"
L exec --detach --pid-file "$work/exec.pid" e1 sleep 300
epid=$(cat "$work/exec.pid")
[[ $(tr '\0' ' ' </proc/"$epid"/cmdline) == "sleep 300 " ]] || fail "pid file names $(cat /proc/"$epid"/cmdline)"
[[ $(readlink /proc/"$epid"/ns/pid) == "$(readlink /proc/"$init"/ns/pid)" ]] || fail "not in the container's pid namespace"
L ps --format json e1 | grep -q "$epid" || fail "ps does not list the exec'd process"

step "a pid file that cannot be written fails exec and leaves no process behind"
expect_exit 255 exec --detach --pid-file "$work/no-such-dir/pid" e1 sleep 77
expect_error 'no-such-dir'
if L ps e1 | grep -q 'sleep 77'; then fail "the process of a failed exec still runs"; fi

step "concurrent execs on one container"
for i in $(seq 8); do L exec e1 sh -c "echo run-$i" >"$work/c$i.out" 2>&1 & done
wait
for i in $(seq 8); do grep -qx "run-$i" "$work/c$i.out" || fail "exec $i: $(cat "$work/c$i.out")"; done

step "bad requests fail clearly and change nothing"
expect_exit 255 exec e1 /bin/no-such-program
expect_error 'no-such-program'
expect_exit 255 exec e1 no-such-program
expect_error 'executable file not found in $PATH'
touch "$bundle/rootfs/tmp/not-executable"
expect_exit 255 exec e1 /tmp/not-executable
expect_error 'Permission denied'
expect_exit 255 exec e1
expect_error 'name the program'
expect_exit 255 exec --user nobody e1 true
expect_error 'UID or UID:GID'
expect_exit 255 exec --env NOEQUALS e1 true
expect_error 'NAME=VALUE'
expect_exit 255 exec --cap CAP_FLY e1 true
expect_error "unknown capability 'CAP_FLY'"
expect_exit 255 exec --cwd relative e1 true
expect_error 'absolute'
expect_exit 255 exec --cwd /no/such/dir e1 true
expect_error '/no/such/dir'
echo '{"args": [], "cwd": "/"' >"$work/bad.json"
expect_exit 255 exec --process "$work/bad.json" e1
expect_error "bad.json"
echo '{"args": ["true"], "cwd": "relative", "user": {"uid": 0, "gid": 0}}' >"$work/bad.json"
expect_exit 255 exec --process "$work/bad.json" e1
expect_error "field 'cwd'"
expect_exit 255 exec --process "$work/missing.json" e1
expect_error "missing.json"
expect_exit 255 exec --process "$work/process.json" e1 true
expect_error 'either --process or a program'
expect_exit 255 exec no-such-id true
expect_error 'does not exist'
expect_exit 255 exec --preserve-fds 2 e1 true
expect_error 'preserve-fds'
[[ $(state_field e1 status) == running ]] || fail "a failed exec changed the container"

step "exec in a created, paused or stopped container is refused"
L pause e1
expect_exit 255 exec e1 true
expect_error 'paused'
L resume e1
make_bundle "$work/b2"
L create --bundle "$work/b2" e2
expect_exit 255 exec e2 true
expect_error 'start it first'
L delete --force e2
check_clean e2

step "delete --force ends the exec'd processes with the container"
L delete --force e1
for _ in $(seq 100); do [[ -d /proc/$epid ]] || break; sleep 0.02; done
[[ ! -d /proc/$epid ]] || fail "the exec'd process $epid outlived its container"
check_clean e1
expect_exit 255 exec e1 true
expect_error 'does not exist'
echo "ok: exec"
