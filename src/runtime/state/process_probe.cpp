#include "runtime/state/process_probe.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace runtime::state {

std::optional<ProcessStat> read_process_stat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in) return std::nullopt;
  std::string line((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) is in parentheses and may hold spaces or ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  ProcessStat st;
  rest >> st.state >> st.ppid;
  // Fields 5..21 come before starttime (22); we consumed 3 and 4.
  std::string skip;
  for (int field = 5; field <= 21; ++field)
    rest >> skip;
  rest >> st.start_time;
  if (!rest) return std::nullopt;
  return st;
}

bool process_alive(pid_t pid, std::uint64_t start_time) {
  auto st = read_process_stat(pid);
  return st && st->state != 'Z' && st->state != 'X' && st->start_time == start_time;
}

}  // namespace runtime::state
