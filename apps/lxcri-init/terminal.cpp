#include "terminal.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errno_failure.h"
#include "runtime/lxc/fd_channel.h"

namespace lxcri_init {
namespace {

// The other end, opened through the master (TIOCGPTPEER) rather than by its
// /dev/pts/N name, which a hostile rootfs could have replaced.
std::string make_slave_stdio(const runtime::lxc::InitPlan& plan, int master) {
  int unlock = 0;
  if (::ioctl(master, TIOCSPTLCK, &unlock) != 0) return errno_failure("cannot unlock the pty");
  int slave = ::ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (slave < 0) return errno_failure("cannot open the pty's terminal");
  if (plan.console_height != 0 || plan.console_width != 0) {
    winsize size{};
    size.ws_row = static_cast<unsigned short>(plan.console_height);
    size.ws_col = static_cast<unsigned short>(plan.console_width);
    ::ioctl(slave, TIOCSWINSZ, &size);
  }
  // The program may switch user: its terminal must stay its own.
  if (::fchown(slave, plan.uid, plan.gid) != 0 && errno != EPERM && errno != EINVAL) {
    ::close(slave);
    return errno_failure("cannot give the terminal to the process's user");
  }
  if (::setsid() < 0 && errno != EPERM) {
    ::close(slave);
    return errno_failure("setsid");
  }
  if (::ioctl(slave, TIOCSCTTY, 0) != 0) {
    ::close(slave);
    return errno_failure("cannot make the pty the controlling terminal");
  }
  for (int target = 0; target <= 2; ++target) {
    if (::dup2(slave, target) < 0) {
      ::close(slave);
      return errno_failure("cannot attach the terminal to stdio");
    }
  }
  if (slave > 2) ::close(slave);
  return {};
}

}  // namespace

std::string attach_terminal(const runtime::lxc::InitPlan& plan, int channel) {
  int master = ::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) {
    return errno_failure("cannot open /dev/ptmx (a terminal needs a devpts mount at /dev/pts)");
  }
  std::string error = make_slave_stdio(plan, master);
  if (error.empty() && !runtime::lxc::send_line(channel, "terminal", master)) {
    error = errno_failure("cannot send the terminal to the runtime");
  }
  ::close(master);
  return error;
}

}  // namespace lxcri_init
