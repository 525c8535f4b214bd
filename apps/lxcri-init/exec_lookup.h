// lxcri-init/exec_lookup.h: which file `args[0]` names, found before
// `start` so that a missing or non-executable program fails `create` with a
// clear error (as runc does) instead of a container that dies at once.
#pragma once

#include <string>
#include <vector>

namespace lxcri_init {

// A name with a '/' is taken as is; any other is looked up in the PATH of
// `env` (or the usual default). Relative names and PATH entries are taken
// from `cwd`, where the program will run. Sets `program` and returns "" when
// found, otherwise runc's wording: `exec: "x": executable file not found in
// $PATH`.
std::string find_program(const std::string& name, const std::vector<std::string>& env,
                         const std::string& cwd, std::string& program);

}  // namespace lxcri_init
