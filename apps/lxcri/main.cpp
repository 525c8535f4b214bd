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
#include <vector>

#include "runtime_actions.h"
#include "runtime_command.h"

namespace {

// Where the command is: the index of the first argument that is not an
// option, skipping the values of the global options that take one (argc
// when there is none).
int command_index(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--root" || a == "--log" || a == "--log-format") {
      ++i;
      continue;
    }
    if (!a.starts_with("-")) return i;
  }
  return argc;
}

// exec's options that take a value (as a separate argument).
bool exec_option_with_value(const std::string& a) {
  for (const char* o : {"-p", "--process", "--pid-file", "--console-socket", "--cwd", "-e", "--env",
                        "-u", "--user", "-g", "--additional-gids", "-c", "--cap", "--preserve-fds",
                        "-a", "--apparmor", "--process-label"}) {
    if (a == o) return true;
  }
  return false;
}

// `exec [options] ID PROGRAM ARGS...`: the index just past the id (argc when
// there is none). What follows belongs to the program, options included.
int exec_program_index(int argc, char** argv, int exec_at) {
  for (int i = exec_at + 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") return i + 2 <= argc ? i + 2 : argc;  // `exec [options] -- ID ...`
    if (a.size() > 1 && a[0] == '-') {
      if (exec_option_with_value(a)) ++i;
      continue;
    }
    return i + 1;
  }
  return argc;
}

}  // namespace

int main(int argc, char** argv) {
  // `lxcri [global options] image|snapshot ...` runs lxcri-image with that
  // command only: the runtime's global options mean nothing to it.
  if (int at = command_index(argc, argv); at < argc && (std::strcmp(argv[at], "image") == 0 ||
                                                        std::strcmp(argv[at], "snapshot") == 0)) {
    std::string program = lxcri::sibling_program("lxcri-image");
    std::vector<char*> args = {argv[0]};
    args.insert(args.end(), argv + at, argv + argc);
    args.push_back(nullptr);
    ::execv(program.c_str(), args.data());
    std::fprintf(stderr, "lxcri: cannot run %s: %s\n", program.c_str(), std::strerror(errno));
    return 1;
  }
  CLI::App app{"lxcri: OCI containers on LXC (and `lxcri image ...` for OCI images)"};
  app.require_subcommand(1);
  lxcri::RuntimeCommand runtime(app);
  int parsed_argc = argc;
  if (int at = command_index(argc, argv); at < argc && std::strcmp(argv[at], "exec") == 0) {
    parsed_argc = exec_program_index(argc, argv, at);
    std::vector<std::string> program(argv + parsed_argc, argv + argc);
    if (!program.empty() && program.front() == "--") program.erase(program.begin());
    runtime.set_exec_program(std::move(program));
  }
  try {
    app.parse(parsed_argc, argv);
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
