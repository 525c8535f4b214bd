// lxcri-image: `lxcri image ...` and `lxcri snapshot ...`, the OCI content
// store's command line (image_command.h, snapshot_command.h). `lxcri` runs
// it for every such command, with the same arguments, so that the runtime
// itself stays small and starts fast.
#include <CLI/CLI.hpp>

#include "exit_codes.h"
#include "image_command.h"
#include "snapshot_command.h"

int main(int argc, char** argv) {
  CLI::App app{"lxcri image: OCI images in the content store"};
  app.name("lxcri");
  app.require_subcommand(1);
  lxcri::ImageCommand image(app);
  lxcri::SnapshotCommand snapshot(app);
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
  return snapshot.parsed() ? snapshot.run() : image.run();
}
