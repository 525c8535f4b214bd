// lxcri-init/terminal.h: process.terminal. The pty is made inside the
// container, from the devpts the container mounts at /dev/pts, so that the
// program sees a terminal of its own namespace (as with runc); the master
// goes to the runtime, which hands it to the --console-socket or copies it to
// the user's terminal.
#pragma once

#include <string>

#include "runtime/lxc/init_plan.h"

namespace lxcri_init {

// Opens a pty through /dev/ptmx, starts a new session with the pty's other
// end as controlling terminal and as stdin, stdout and stderr, sized as the
// plan says and owned by the plan's user. Sends the master over `channel`
// with the line "terminal" and closes it here. Returns an empty string, or
// what failed.
std::string attach_terminal(const runtime::lxc::InitPlan& plan, int channel);

}  // namespace lxcri_init
