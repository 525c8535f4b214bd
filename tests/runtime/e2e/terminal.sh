#!/usr/bin/env bash
# process.terminal: the container's program gets a pty of its own devpts as
# controlling terminal. Its master goes to a --console-socket (as containerd's
# shim receives it; console_socket.py plays the shim) or, for `run` and `exec`
# in the foreground, lxcri copies it to and from its own stdio.
source "$(dirname "$0")/lib.sh"
receiver=$(dirname "$0")/console_socket.py

bundle=$work/bundle
make_bundle "$bundle"
edit_config "$bundle" '
c["process"]["terminal"] = True
c["process"]["consoleSize"] = {"height": 33, "width": 101}
c["process"]["args"] = ["sh", "-c", "tty; stty size; read line; echo got $line; exit 3"]'

# Starts the receiver on $work/console.sock with INPUT for the terminal; its
# output goes to $work/console.out: listen INPUT
listen() {
  rm -f "$work/console.sock" "$work/ready"
  python3 "$receiver" "$work/console.sock" "$work/ready" "$1" >"$work/console.out" 2>"$work/console.err" &
  receiver_pid=$!
  for _ in $(seq 200); do [[ -e $work/ready ]] && return; sleep 0.01; done
  fail "the console socket receiver did not start"
}
received() {
  wait "$receiver_pid" || { cat "$work/console.err" >&2; fail "the receiver failed"; }
  tr -d '\r' <"$work/console.out" >"$work/out"
}
expect_line() { grep -qxF -- "$1" "$work/out" || { cat "$work/out" >&2; fail "output lacks '$1'"; }; }

step "create --console-socket: the program's terminal, its size, its input"
listen $'hello\n'
L create --bundle "$bundle" --console-socket "$work/console.sock" t1
L start t1
received
expect_line /dev/pts/0
expect_line "33 101"
expect_line "got hello"
wait_status t1 stopped
L delete t1
check_clean t1

step "run in the foreground: lxcri's stdio is the terminal"
set +e
printf 'typed\n' | L run --bundle "$bundle" t2 >"$work/run.out" 2>"$work/run.err"
rc=$?
set -e
[[ $rc -eq 3 ]] || { cat "$work/run.out" "$work/run.err" >&2; fail "run exited $rc, expected 3"; }
tr -d '\r' <"$work/run.out" >"$work/out"
expect_line /dev/pts/0
expect_line "got typed"
check_clean t2

step "exec --tty: with a console socket, and in the foreground"
edit_config "$bundle" 'c["process"]["terminal"] = False; c["process"]["args"] = ["sleep", "1000"]'
L run -d --bundle "$bundle" t3
listen $'over the socket\n'
L exec --tty --detach --console-socket "$work/console.sock" t3 sh -c 'tty; read l; echo "got $l"'
received
expect_line "got over the socket"
grep -q '^/dev/pts/' "$work/out" || fail "exec's terminal: $(cat "$work/out")"
set +e
printf 'piped\n' | L exec --tty t3 sh -c 'read l; echo "got $l"; exit 4' >"$work/exec.out" 2>&1
rc=$?
set -e
[[ $rc -eq 4 ]] || { cat "$work/exec.out" >&2; fail "exec --tty exited $rc, expected 4"; }
tr -d '\r' <"$work/exec.out" >"$work/out"
expect_line "got piped"
# Done when the process exits, even while a child it left holds the terminal.
set +e
echo | timeout 20 "$lxcri" --root "$root" exec --tty t3 sh -c 'trap "" HUP; sleep 60 & exit 3' >/dev/null
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "exec --tty with a background child exited $rc, expected 3 at once"
# More input than the terminal holds, while the terminal echoes it back:
# the copy must keep reading the program's output (a blocking copy
# deadlocks), and every byte must arrive (the last line has no newline).
head -c 600000 /dev/zero | tr '\0' 'x' | fold -w 70 >"$work/big.in"
timeout 60 "$lxcri" --root "$root" exec --tty t3 wc -c <"$work/big.in" | tr -d '\r' >"$work/big.out" ||
  fail "exec --tty of 600 kB of input did not finish"
# (The echo of the unfinished last line and the count share the last line.)
[[ $(tail -n 1 "$work/big.out" | grep -o '[0-9]*$') == "$(wc -c <"$work/big.in")" ]] ||
  fail "exec --tty lost input: the program counted $(tail -n 1 "$work/big.out")"

step "a terminal needs a receiver, and a console socket needs a terminal"
expect_exit 255 exec --tty --detach t3 true
expect_error 'console-socket'
expect_exit 255 exec --console-socket "$work/console.sock" t3 true
expect_error 'needs a terminal'
# A child left behind that writes to the terminal forever: exec still ends
# with the process (its last output is read for a bounded time).
set +e
echo | timeout 20 "$lxcri" --root "$root" exec --tty t3 \
  sh -c '(trap "" HUP; while :; do echo spam; done) & sleep 0.3; exit 3' | tail -c 100 >/dev/null
rc=${PIPESTATUS[1]}
set -e
[[ $rc -eq 3 ]] || fail "exec --tty with a child writing forever exited $rc, expected 3"
L delete --force t3
check_clean t3
expect_exit 1 create --bundle "$bundle" --console-socket "$work/console.sock" t4
expect_error 'needs a terminal'
check_clean t4
edit_config "$bundle" 'c["process"]["terminal"] = True'
expect_exit 1 create --bundle "$bundle" t4
expect_error "field 'process.terminal'"
check_clean t4
expect_exit 1 run --detach --bundle "$bundle" t4
expect_error 'console-socket'
check_clean t4
expect_exit 1 create --bundle "$bundle" --console-socket "$work/nobody-listens.sock" t4
expect_error 'nobody-listens.sock'
check_clean t4
edit_config "$bundle" 'c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/dev/pts"]'
listen ''
expect_exit 1 create --bundle "$bundle" --console-socket "$work/console.sock" t4
expect_error 'devpts'
check_clean t4
kill "$receiver_pid" 2>/dev/null || true
echo "ok: terminal"
