// layerfs/command.h: running a system tool (cp, zfs) the way the drivers
// need: an argument vector (no shell), stdout captured, and a failure that
// says which command failed and what it printed on stderr.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace layerfs {

// Runs argv[0] (looked up in PATH) with the arguments; its stdout, or
// kInternal "<argv[0]> <argv[1]>...: exited N: <stderr>" (kNotFound when the
// program is not installed).
core::Result<std::string> run_command(const std::vector<std::string>& argv);

}  // namespace layerfs
