// lxcri: the LXCRI command line. The runc-compatible runtime commands
// (create, start, run, ...) run OCI containers on liblxc (runtime_command.h);
// `lxcri image ...` is handed to lxcri-image, next to this binary, which
// manages OCI images (image_command.h).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "runtime_actions.h"
#include "runtime_command.h"

namespace {

// The first argument that is not an option, skipping the values of the
// global options that take one.
const char* command_of(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--root" || a == "--log" || a == "--log-format") {
      ++i;
      continue;
    }
    if (!a.starts_with("-")) return argv[i];
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (const char* command = command_of(argc, argv); command && std::strcmp(command, "image") == 0) {
    std::string program = lxcri::sibling_program("lxcri-image");
    ::execv(program.c_str(), argv);
    std::fprintf(stderr, "lxcri: cannot run %s: %s\n", program.c_str(), std::strerror(errno));
    return 1;
  }
  CLI::App app{"lxcri: OCI containers on LXC (and `lxcri image ...` for OCI images)"};
  app.require_subcommand(1);
  lxcri::RuntimeCommand runtime(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  return runtime.run();
}
