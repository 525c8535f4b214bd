// runtime/lxc/mount_target.h: a mount point made inside the container's
// root filesystem without ever leaving it.
//
// An image may hold symlinks like /data -> /etc. Creating "/data/x" by
// following them on the host (as liblxc's create=dir does) would create
// /etc/x on the host. Here every component is resolved as if the rootfs were
// "/" (openat2 RESOLVE_IN_ROOT, absolute and ".." links clamped at the root),
// missing ones are created, and the result is the path the target really has
// inside the root, with no symlinks left: the path handed to liblxc.
#pragma once

#include <string>

#include "core/error.h"

namespace runtime::lxc {

// Makes `destination` (absolute, as in config.json) exist under `rootfs`: as
// an empty file when `file`, else a directory (and any missing parents as
// directories). Returns its symlink-free path relative to the root, without
// the leading '/': "etc/x" for "/data/x" when /data -> /etc.
core::Result<std::string> prepare_mount_target(const std::string& rootfs,
                                               const std::string& destination, bool file);

}  // namespace runtime::lxc
