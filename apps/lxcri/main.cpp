// lxcri: the LXCRI command line. `lxcri image ...` manages OCI images
// (image_command.h); the runc-compatible runtime commands (create, start,
// run, ...) run OCI containers on liblxc (runtime_command.h).
#include <CLI/CLI.hpp>

#include "exit_codes.h"
#include "image_command.h"
#include "runtime_command.h"

int main(int argc, char** argv) {
  CLI::App app{"lxcri: OCI images and containers on LXC"};
  app.require_subcommand(1);
  lxcri::ImageCommand image(app);
  lxcri::RuntimeCommand runtime(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return lxcri::kExitUsage;
  }
  if (runtime.parsed()) return runtime.run();
  return image.run();
}
