// runtime/lxc/namespace_holder.h: a process inside a namespace the config
// asks to join by path.
//
// liblxc joins a namespace only through a process in it
// (lxc.namespace.share.net = PID). A config may name the namespace by any
// nsfs path: /proc/PID/ns/net, /proc/PID/ns/pid_for_children (what
// `unshare --fork` leaves), a bind mount such as /run/netns/blue. The holder
// is the PID in the path when it is a plain /proc/PID/ns/TYPE, otherwise a
// live process whose /proc/PID/ns/TYPE is the same namespace (same inode).
#pragma once

#include <sys/types.h>

#include <string>

#include "core/error.h"

namespace runtime::lxc {

// `type` is the /proc/PID/ns name ("net", "pid", ...). Errors: the path does
// not exist (kNotFound), or no process is in that namespace
// (kFailedPrecondition).
core::Result<pid_t> namespace_holder(const std::string& type, const std::string& path);

}  // namespace runtime::lxc
