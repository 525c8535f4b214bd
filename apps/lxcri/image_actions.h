// apps/lxcri/image_actions.h: what each `lxcri image` subcommand does, given
// its parsed options (image_command.cpp parses them), and the helpers they
// share. Each action prints its result to stdout, errors to stderr, and
// returns the exit code (exit_codes.h).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "image_render.h"
#include "layerfs/open_snapshotter.h"
#include "oci/platform.h"
#include "oci/progress.h"
#include "oci/store/ref.h"
#include "oci/store/store.h"
#include "oci/transport/create_from_dir.h"
#include "progress_bar.h"

namespace lxcri {

// The command line of every image subcommand; each uses the fields it needs.
struct ImageOptions {
  std::string store;               // --store
  std::string platform;            // --platform
  std::string format;              // --format
  std::string source;              // import's SRC
  std::string ref;                 // the NAME:TAG operated on
  std::string target;              // tag's new ref, export's destination, unpack's directory
  std::vector<std::string> refs;   // rm's refs
  std::string rootfs;              // create --from-dir
  unsigned jobs = 0;               // unpack --jobs: decompress-ahead threads, 0 = one per core
  std::string hostname = "lxcri";  // bundle --hostname
  std::string snapshotter = std::string(layerfs::kDefaultSnapshotter);  // --snapshotter
  bool snapshot = false;                                                // bundle --snapshot
  bool snapshotter_named = false;  // --snapshotter given: no fallback to a copy
  std::vector<std::string> args;   // bundle: the program and its arguments
  oci::transport::CreateOptions create;
  // pull
  std::string creds;             // --creds USER:PASS
  std::string authfile;          // --authfile (default: podman's and docker's files)
  bool tls_verify = true;        // --tls-verify
  std::string cert_dir;          // --cert-dir
  bool plain_http = false;       // --plain-http
  bool quiet = false;            // --quiet
  std::uint64_t chunk_size = 0;  // push --chunk-size (0: whole blobs)
  long stall_seconds = 30;       // pull/push --stall-timeout
};

// Moving images in and out: image_transfer.cpp; registries: image_registry.cpp.
int pull_image(const ImageOptions& o);
int push_image(const ImageOptions& o);
int import_image(const ImageOptions& o);
int export_image(const ImageOptions& o);
int create_image(ImageOptions& o);
int unpack_image(const ImageOptions& o);
int make_bundle(const ImageOptions& o);

// An image's root filesystem at a directory, from snapshots: image_mount.cpp.
int mount_image(const ImageOptions& o);
int unmount_image(const ImageOptions& o);

// Looking at and tending the store: image_maintenance.cpp.
int list_images(const ImageOptions& o);
int inspect_image(const ImageOptions& o);
int tag_image(const ImageOptions& o);
int remove_images(const ImageOptions& o);
int collect_garbage(const ImageOptions& o);
int check_store(const ImageOptions& o);

// Shared helpers: image_support.cpp.
core::Result<oci::store::Store> open_store(const ImageOptions& o);
// What an action on one stored image starts with: its ref (o.ref), the store,
// a lease that keeps gc from deleting the image's blobs while they are read,
// and the image resolved for --platform.
struct LeasedImage {
  oci::store::Ref ref;
  oci::store::Store store;
  oci::store::StoreLease lease;
  ImageRow row;
  const oci::layers::ResolvedImage& image() const { return *row.image; }
};
// nullopt after reporting the error (a bad ref or platform as a usage error);
// `exit_code` then holds what to exit with.
std::optional<LeasedImage> open_leased_image(const ImageOptions& o, int& exit_code);
// --platform, else the host's.
core::Result<oci::Platform> wanted_platform(const ImageOptions& o);
// `ref` resolved for `platform`: a one-off, so no metadata cache (ls keeps one).
core::Result<ImageRow> resolve_row(const oci::store::Store& store, const oci::store::Ref& ref,
                                   const oci::Platform& platform);
// A callback drawing on `bar`, or none when stderr is not a terminal.
oci::Progress progress_to(ProgressBar& bar);
// "lxcri: <prefix><item>" on stderr for each item.
void print_each_to_stderr(const char* prefix, const std::vector<std::string>& items);

}  // namespace lxcri
