// apps/lxcri/image_command.h: `lxcri image ...`, the content store's command
// line.
//
//   lxcri image import SRC NAME:TAG        oci:DIR[:TAG], oci-archive:FILE[:TAG],
//                                          docker-archive:FILE[:NAME:TAG]
//   lxcri image export NAME:TAG DEST       oci:DIR[:TAG]
//   lxcri image create --from-dir ROOTFS NAME:TAG [--cmd ARG]... [--entrypoint ARG]...
//                      [--env K=V]... [--workdir DIR] [--user U]
//   lxcri image ls [--format table|json]
//   lxcri image inspect NAME:TAG [--format text|json]
//   lxcri image tag SRC_NAME:TAG NAME:TAG
//   lxcri image rm NAME:TAG...
//   lxcri image gc
//   lxcri image check                      re-hash every blob
//   lxcri image unpack [--jobs N] NAME:TAG DIR   like `umoci raw unpack`
//   lxcri image bundle NAME:TAG DIR [--hostname H] [-- ARGS...]
//                                          an OCI runtime bundle, like `umoci unpack`
//
// Every command takes --store DIR (else $LXCRI_STORE, else /var/lib/lxcri)
// and --platform os/arch[/variant] where an image is resolved (default: the
// host). Exit codes: exit_codes.h.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>

namespace lxcri {

class ImageCommand {
 public:
  // Registers `image` and its subcommands on `app`.
  explicit ImageCommand(CLI::App& app);
  ~ImageCommand();
  bool parsed() const;
  // Runs the parsed subcommand; returns the exit code.
  int run();

  struct Options;  // the parsed command line (defined in the .cpp)

 private:
  std::unique_ptr<Options> options_;
  CLI::App* image_ = nullptr;
};

}  // namespace lxcri
