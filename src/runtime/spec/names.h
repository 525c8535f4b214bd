// runtime/spec/names.h: the kernel names a config.json and the command line
// use, mapped to numbers: capabilities, rlimits and signals.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtime::spec {

// "CAP_SYS_ADMIN" -> 21. Only the exact upper-case CAP_ spelling, as the
// runtime spec writes it.
std::optional<int> capability_number(std::string_view name);
// Every capability name this runtime knows, in number order.
std::vector<std::string> capability_names();
// The highest capability number the running kernel knows
// (/proc/sys/kernel/cap_last_cap).
int last_capability();

// "RLIMIT_NOFILE" -> RLIMIT_NOFILE.
std::optional<int> rlimit_number(std::string_view name);

// A signal as kill(1) accepts it: "9", "KILL", "SIGKILL", "sigterm",
// "RTMIN+3". Nothing else (0, out of range, unknown names).
std::optional<int> parse_signal(std::string_view text);
// Every signal name ("SIGHUP", ...) for `lxcri features`.
std::vector<std::string> signal_names();

}  // namespace runtime::spec
