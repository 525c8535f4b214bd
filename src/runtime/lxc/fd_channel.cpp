#include "runtime/lxc/fd_channel.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace runtime::lxc {
namespace {

bool send_with_fd(int sock, const void* data, std::size_t size, int fd) {
  iovec iov{const_cast<void*>(data), size};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  for (;;) {
    ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n == static_cast<ssize_t>(size)) return true;
    if (n >= 0) errno = EPIPE;  // a stream socket never sends half of a small message here
    return false;
  }
}

}  // namespace

bool send_line(int sock, std::string_view line, int fd) {
  std::string msg(line);
  for (char& c : msg) {
    if (c == '\n') c = ' ';
  }
  msg += '\n';
  return send_with_fd(sock, msg.data(), msg.size(), fd);
}

bool receive_line(int sock, std::string& line, int& fd) {
  line.clear();
  fd = -1;
  while (line.size() < 4096) {
    char c;
    iovec iov{&c, 1};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (cmsghdr* h = CMSG_FIRSTHDR(&msg); h != nullptr; h = CMSG_NXTHDR(&msg, h)) {
      if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) continue;
      int got;
      std::memcpy(&got, CMSG_DATA(h), sizeof got);
      if (fd >= 0) ::close(fd);  // one descriptor per line: keep the last
      fd = got;
    }
    if (c == '\n') return true;
    line += c;
  }
  if (fd >= 0) ::close(fd);
  fd = -1;
  return false;
}

std::string send_to_console_socket(const std::string& path, int fd, const std::string& name) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return "console socket path too long: " + path;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return std::string("socket: ") + std::strerror(errno);
  std::string error;
  if (::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    error = "cannot connect to console socket " + path + ": " + std::strerror(errno);
  } else if (!send_with_fd(sock, name.data(), name.size(), fd)) {
    error = "cannot send the terminal to console socket " + path + ": " + std::strerror(errno);
  }
  ::close(sock);
  return error;
}

}  // namespace runtime::lxc
