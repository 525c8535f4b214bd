#include "runtime_log.h"

#include <ctime>

#include <nlohmann/json.hpp>

namespace lxcri {

RuntimeLog::~RuntimeLog() {
  if (file_) std::fclose(file_);
}

bool RuntimeLog::open(const std::string& file, const std::string& format, bool debug,
                      std::string& error) {
  debug_ = debug;
  if (format != "text" && format != "json") {
    error = "--log-format must be text or json, not '" + format + "'";
    return false;
  }
  json_ = format == "json";
  if (file.empty()) return true;
  file_ = std::fopen(file.c_str(), "ae");
  if (!file_) {
    error = "cannot open log file " + file;
    return false;
  }
  return true;
}

void RuntimeLog::error(const std::string& message) {
  write("error", message, true);
}
int RuntimeLog::fail(const core::Error& e) {
  error(e.to_string());
  return 1;
}
void RuntimeLog::warn(const std::string& message) {
  write("warning", message, true);
}
void RuntimeLog::debug(const std::string& message) {
  if (debug_) write("debug", message, true);
}

void RuntimeLog::write(const char* level, const std::string& message, bool to_stderr) {
  if (to_stderr)
    std::fprintf(stderr, "lxcri: %s%s\n",
                 level[0] == 'e' ? "" : (std::string(level) + ": ").c_str(), message.c_str());
  if (!file_) return;
  char when[40];
  std::time_t now = std::time(nullptr);
  std::tm tm;
  ::gmtime_r(&now, &tm);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (json_) {
    nlohmann::json line = {{"level", level}, {"msg", message}, {"time", when}};
    std::fprintf(file_, "%s\n", line.dump().c_str());
  } else {
    std::fprintf(file_, "%s %s %s\n", when, level, message.c_str());
  }
  std::fflush(file_);
}

}  // namespace lxcri
