// apps/lxcri/foreground.h: `lxcri run` and `lxcri exec` without --detach.
// This lxcri is the subreaper the container's process is reparented to, so
// it waits for it and exits with its status; the signals it gets are passed
// on to the process. With a terminal and no --console-socket it also
// connects its own stdin and stdout to the process's pty, as runc does:
// stdin raw while it is a terminal, window size changes passed on, done when
// the process exits.
#pragma once

#include <sys/types.h>

namespace lxcri {

// Call before the process exists (create, exec): signals that arrive
// meanwhile are kept and passed on once it runs, as runc does.
void forward_signals();

// Returns `pid`'s exit status, or 128 + the signal that killed it (255 when
// it was reaped by someone else). `terminal` is the pty's master, or -1.
int wait_in_foreground(pid_t pid, int terminal);

}  // namespace lxcri
