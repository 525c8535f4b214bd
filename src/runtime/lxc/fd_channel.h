// runtime/lxc/fd_channel.h: lines of text over a unix stream socket, each
// able to carry one file descriptor.
//
// The init helper reports to the runtime this way (`create`'s sync socket,
// `exec`'s channel): "terminal" with the master of the pty it made, "error
// <why>" when the program cannot run. A terminal's master reaches a
// --console-socket the way runc sends it (SCM_RIGHTS, the pty's name as the
// data), which is what containerd's shim reads. libc only: the static helper
// links it too.
#pragma once

#include <string>
#include <string_view>

namespace runtime::lxc {

// Sends `line` and a newline, with `fd` attached when it is not -1. Newlines
// inside `line` become spaces (they would end it early). False on failure,
// with errno set.
bool send_line(int sock, std::string_view line, int fd = -1);

// Reads one line (without its newline, at most 4096 bytes). A descriptor
// attached to it lands in `fd` (close-on-exec); otherwise `fd` is -1. False
// at end of file or on an error before the newline.
bool receive_line(int sock, std::string& line, int& fd);

// Connects to the unix socket at `path` and sends `fd` with `name` as the
// data. Returns an empty string, or what failed.
std::string send_to_console_socket(const std::string& path, int fd, const std::string& name);

}  // namespace runtime::lxc
