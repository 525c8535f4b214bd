#!/usr/bin/env python3
"""A --console-socket receiver, as containerd's shim is one: listens on PATH,
takes one pty master (SCM_RIGHTS), writes INPUT to it, and copies what the
container prints to stdout until the container's side closes.

usage: console_socket.py PATH READY_FILE [INPUT]
READY_FILE is created once PATH listens."""
import os
import socket
import sys

path, ready = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode() if len(sys.argv) > 3 else b""
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(1)
open(ready, "w").close()
server.settimeout(30)
conn, _ = server.accept()
name, fds, _, _ = socket.recv_fds(conn, 1024, 1)
if len(fds) != 1:
    sys.exit("console_socket.py: no descriptor received")
master = fds[0]
print("name:", name.decode(), file=sys.stderr)
if data:
    os.write(master, data)
out = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:  # EIO: every process closed the terminal
        break
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode(errors="replace"))
