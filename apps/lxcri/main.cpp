// lxcri: the LXCRI command line. Today it manages OCI images (`lxcri image`,
// image_command.h); the runc-compatible runtime commands come next.
#include <CLI/CLI.hpp>

#include "exit_codes.h"
#include "image_command.h"

int main(int argc, char** argv) {
  CLI::App app{"lxcri: OCI images and containers on LXC"};
  app.require_subcommand(1);
  lxcri::ImageCommand image(app);
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
  return image.run();
}
