#!/usr/bin/env bash
# The OCI lifecycle with a busybox bundle: created -> running -> stopped ->
# deleted, the host pid, the exit status, signals, pause/resume, ps, list,
# concurrent commands on one id; and `run` in the foreground.
source "$(dirname "$0")/lib.sh"

bundle=$work/bundle
make_bundle "$bundle"
edit_config "$bundle" 'c["process"]["args"] = ["sleep", "1000"]'

step "create stops before the user's program"
L create --bundle "$bundle" --pid-file "$work/pid" c1
pid=$(cat "$work/pid")
[[ $(state_field c1 status) == created ]] || fail "status after create"
[[ $(state_field c1 pid) == "$pid" ]] || fail "state pid differs from the pid file"
[[ $(state_field c1 bundle) == "$bundle" ]] || fail "state bundle"
[[ $(tr '\0' ' ' </proc/"$pid"/cmdline) == "/dev/.lxcri/init " ]] || fail "init is not waiting in the helper"
# Its pid namespace is not the host's: the kernel says it is pid 1 there.
grep -q "^NSpid:.*[[:space:]]1$" /proc/"$pid"/status || fail "init is not pid 1 in its own namespace"
expect_exit 1 create --bundle "$bundle" c1
expect_error "already exists"

step "start runs the program with the same pid"
L start c1
[[ $(state_field c1 status) == running ]] || fail "status after start"
[[ $(tr '\0' ' ' </proc/"$pid"/cmdline) == "sleep 1000 " ]] || fail "the program is not running as the init"
expect_exit 1 start c1
expect_error "running"
L ps --format json c1 | grep -q "$pid" || fail "ps does not list the init"
L list | grep -q "^c1 .*running" || fail "list"

step "pause and resume freeze the cgroup"
L pause c1
[[ $(state_field c1 status) == paused ]] || fail "status after pause"
[[ $(cat /sys/fs/cgroup/freezer/lxcri/c1/freezer.state) == FROZEN ]] || fail "freezer cgroup not frozen"
L resume c1
[[ $(state_field c1 status) == running ]] || fail "status after resume"

step "signals reach the process; kill checks its signal"
expect_exit 1 kill c1 SIGNOTHING
expect_error "invalid signal"
expect_exit 1 delete c1
expect_error "running"
L kill c1 KILL
wait_status c1 stopped
[[ $(state_field c1 pid) == 0 ]] || fail "a stopped container reports a pid"
expect_exit 1 kill c1 TERM
L delete c1
check_clean c1
expect_exit 1 state c1
expect_error "does not exist"

step "delete of a created container needs --force, and kills its helper"
L create --bundle "$bundle" c2
pid=$(state_field c2 pid)
expect_exit 1 delete c2
expect_error "created"
[[ $(state_field c2 status) == created ]] || fail "a refused delete changed the container"
L delete --force c2
[[ ! -e /proc/$pid ]] || grep -q '^State:.*Z' /proc/"$pid"/status || fail "helper survived delete"
check_clean c2

step "kill --all and delete --force"
edit_config "$bundle" 'c["process"]["args"] = ["sh", "-c", "sleep 1000 & sleep 1000"]'
L create --bundle "$bundle" c3
L start c3
for _ in $(seq 100); do [[ $(L ps --format json c3) == *,* ]] && break; sleep 0.01; done
[[ $(L ps --format json c3 | tr -cd , | wc -c) -ge 1 ]] || fail "ps shows one process, expected two"
L kill --all c3 KILL
wait_status c3 stopped
L delete c3
check_clean c3
L create --bundle "$bundle" c4
L start c4
L delete --force c4
check_clean c4

step "run waits and returns the exit status, and forwards signals"
edit_config "$bundle" 'c["process"]["args"] = ["sh", "-c", "echo out; echo err >&2; exit 7"]'
set +e
L run --bundle "$bundle" r1 >"$work/out" 2>"$work/err"
rc=$?
set -e
[[ $rc -eq 7 ]] || fail "run exited $rc, expected 7"
grep -qx out "$work/out" || fail "stdout of the container lost"
grep -qx err "$work/err" || fail "stderr of the container lost"
check_clean r1
# A pid 1 ignores signals it has no handler for, even SIGKILL from inside;
# from the host, SIGKILL works and run reports 128 + 9.
edit_config "$bundle" 'c["process"]["args"] = ["sleep", "1000"]'
L run --bundle "$bundle" r2 2>"$work/r2.err" &
runner=$!
for _ in $(seq 100); do [[ -e "$root/r2/state.json" ]] && break; sleep 0.02; done
wait_status r2 running
L kill r2 KILL
set +e
wait $runner
rc=$?
set -e
[[ $rc -eq 137 ]] || fail "a container killed by SIGKILL: run exited $rc, expected 137"
check_clean r2
# Signals sent to `lxcri run` reach the container's process.
edit_config "$bundle" 'c["process"]["args"] = ["sh", "-c", "trap \"exit 42\" TERM; while :; do sleep 0.01; done"]'
"$lxcri" --root "$root" run --bundle "$bundle" r3 2>"$work/r3.err" &
runner=$!
for _ in $(seq 100); do [[ -e "$root/r3/state.json" ]] && break; sleep 0.02; done
wait_status r3 running
# The shell catches TERM once its trap is set: bit 14 (SIGTERM - 1) of SigCgt.
r3_pid=$(state_field r3 pid)
for _ in $(seq 200); do
  (( 0x$(awk '/^SigCgt/ {print $2}' /proc/"$r3_pid"/status) & 0x4000 )) && break
  sleep 0.01
done
(sleep 30; kill -9 $runner 2>/dev/null) &
watchdog=$!
kill -TERM $runner
set +e
wait $runner
rc=$?
set -e
kill $watchdog 2>/dev/null || true
[[ $rc -eq 42 ]] || fail "SIGTERM to run: exited $rc, expected the trap's 42"
check_clean r3

step "run --detach, then the exit is visible as stopped"
edit_config "$bundle" 'c["process"]["args"] = ["sleep", "0.3"]'
L run --detach --bundle "$bundle" d1
[[ $(state_field d1 status) =~ ^(running|stopped)$ ]] || fail "detached container is $(state_field d1 status)"
wait_status d1 stopped
L delete d1
check_clean d1

step "concurrent commands on one id are serialized"
edit_config "$bundle" 'c["process"]["args"] = ["sleep", "1000"]'
for i in 1 2 3 4; do (L create --bundle "$bundle" race >/dev/null 2>&1 && echo won >>"$work/race") & done
wait
[[ $(wc -l <"$work/race") -eq 1 ]] || fail "$(wc -l <"$work/race") creates of one id succeeded"
for i in 1 2 3; do (L start race >/dev/null 2>&1 && echo started >>"$work/started") & done
wait
[[ $(wc -l <"$work/started") -eq 1 ]] || fail "one container started $(wc -l <"$work/started") times"
for i in 1 2 3; do (L delete --force race >/dev/null 2>&1 || true) & done
wait
check_clean race

step "signals reach a created container's init; kill on a stopped one"
L create --bundle "$bundle" sig
L kill sig TERM
wait_status sig stopped
expect_exit 1 kill sig TERM
expect_error "container not running"
L kill --all sig KILL  # containerd does this after the init exited
L delete sig
check_clean sig

step "a create killed halfway leaves nothing stuck"
cp "$bundle/config.json" "$work/saved.json"
# 1. While liblxc runs a createRuntime hook: before the init exists.
printf '#!/bin/sh\ntouch %s/hook-started\nsleep 5\n' "$work" >"$work/slow-hook" && chmod +x "$work/slow-hook"
edit_config "$bundle" 'c["hooks"] = {"createRuntime": [{"path": "'"$work/slow-hook"'"}]}'
"$lxcri" --root "$root" create --bundle "$bundle" half &
creator=$!
for _ in $(seq 200); do [[ -e $work/hook-started ]] && break; sleep 0.02; done
[[ -e $work/hook-started ]] || fail "the createRuntime hook never ran"
kill -9 $creator
wait $creator 2>/dev/null || true
timeout 10 "$lxcri" --root "$root" list >/dev/null || fail "list hangs after a killed create"
timeout 10 "$lxcri" --root "$root" delete --force half || fail "delete of a half-made container"
check_clean half
# 2. While the helper runs a createContainer hook: the init and its record exist.
edit_config "$bundle" 'c["hooks"] = {"createContainer": [{"path": "/bin/sleep", "args": ["sleep", "5"]}]}'
"$lxcri" --root "$root" create --bundle "$bundle" half2 &
creator=$!
for _ in $(seq 200); do [[ -e "$root/half2/state.json" ]] && break; sleep 0.02; done
[[ -e "$root/half2/state.json" ]] || fail "no state record while the createContainer hook runs"
kill -9 $creator
wait $creator 2>/dev/null || true
timeout 10 "$lxcri" --root "$root" delete --force half2 || fail "delete of a container whose create died"
check_clean half2
cp "$work/saved.json" "$bundle/config.json"

step "a container whose init died is stopped, never stuck"
L create --bundle "$bundle" dead
kill -9 "$(state_field dead pid)"
wait_status dead stopped
expect_exit 1 start dead
L delete dead
check_clean dead
echo "ok: lifecycle"
