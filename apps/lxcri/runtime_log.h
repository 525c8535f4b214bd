// apps/lxcri/runtime_log.h: runc's --log and --log-format for the runtime
// commands.
//
// containerd and Podman start the runtime with `--log FILE --log-format
// json` and, when a command fails, read the last "error" entry of that file to
// say why. So every error and warning goes to stderr and, when --log is
// given, also to the file as one line: text `time level msg`, or JSON
// {"level":"error","msg":"...","time":"..."} as runc (logrus) writes it.
#pragma once

#include <cstdio>
#include <string>

#include "core/error.h"

namespace lxcri {

class RuntimeLog {
 public:
  RuntimeLog() = default;
  RuntimeLog(const RuntimeLog&) = delete;
  RuntimeLog& operator=(const RuntimeLog&) = delete;
  ~RuntimeLog();

  // Opens `file` for appending (nothing when empty). False when it cannot be
  // opened or `format` is not text or json.
  bool open(const std::string& file, const std::string& format, bool debug, std::string& error);

  void error(const std::string& message);
  // Logs `e` as an error and returns 1, a failed command's exit status.
  int fail(const core::Error& e);
  void warn(const std::string& message);
  void debug(const std::string& message);

 private:
  void write(const char* level, const std::string& message, bool to_stderr);

  std::FILE* file_ = nullptr;
  bool json_ = false;
  bool debug_ = false;
};

}  // namespace lxcri
