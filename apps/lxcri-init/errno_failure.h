// lxcri-init/errno_failure.h: the words for a system call that just failed.
// The helper reports a failure as one line of text to lxcri, which shows it
// as the container's start error.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

namespace lxcri_init {

// "WHAT: <strerror(errno)>"; errno is read before anything can change it.
inline std::string errno_failure(const std::string& what) {
  const int err = errno;
  return what + ": " + std::strerror(err);
}

}  // namespace lxcri_init
