#include "image_command.h"

#include "image_actions.h"
#include "layerfs/open_snapshotter.h"

namespace lxcri {

struct ImageCommand::Options : ImageOptions {
  CLI::App* pull_cmd = nullptr;
  CLI::App* push_cmd = nullptr;
  CLI::App* import_cmd = nullptr;
  CLI::App* export_cmd = nullptr;
  CLI::App* create_cmd = nullptr;
  CLI::App* ls_cmd = nullptr;
  CLI::App* inspect_cmd = nullptr;
  CLI::App* tag_cmd = nullptr;
  CLI::App* rm_cmd = nullptr;
  CLI::App* gc_cmd = nullptr;
  CLI::App* check_cmd = nullptr;
  CLI::App* unpack_cmd = nullptr;
  CLI::App* bundle_cmd = nullptr;
  CLI::App* mount_cmd = nullptr;
  CLI::App* umount_cmd = nullptr;
};

namespace {

using Options = ImageCommand::Options;

void add_store_option(CLI::App& cmd, Options& o) {
  cmd.add_option("--store", o.store,
                 "content store directory (default: $LXCRI_STORE or /var/lib/lxcri)");
}

void add_platform_option(CLI::App& cmd, Options& o) {
  cmd.add_option("--platform", o.platform,
                 "os/arch[/variant] to pick from an index (default: the host)");
}

}  // namespace

ImageCommand::ImageCommand(CLI::App& app) : options_(std::make_unique<Options>()) {
  Options& o = *options_;
  image_ = app.add_subcommand("image", "manage OCI images in the content store");
  image_->require_subcommand(1);

  o.pull_cmd = image_->add_subcommand("pull", "copy an image from a registry into the store");
  o.pull_cmd->add_option("SRC", o.source, "[docker://]REGISTRY/REPO[:TAG|@DIGEST]")->required();
  o.pull_cmd->add_option("NAME:TAG", o.ref, "the ref to give it (default: REPO:TAG)");
  o.push_cmd = image_->add_subcommand("push", "copy an image from the store to a registry");
  o.push_cmd->add_option("NAME:TAG", o.ref, "the image")->required();
  o.push_cmd->add_option("DEST", o.target, "[docker://]REGISTRY/REPO[:TAG]")->required();
  o.push_cmd->add_option("--chunk-size", o.chunk_size,
                         "upload blobs in chunks of this many bytes (default: whole)");
  for (CLI::App* cmd : {o.pull_cmd, o.push_cmd}) {
    cmd->add_option("--creds", o.creds, "USER:PASSWORD for the registry");
    cmd->add_option("--authfile", o.authfile,
                    "auth file (default: $REGISTRY_AUTH_FILE, "
                    "$XDG_RUNTIME_DIR/containers/auth.json, ~/.docker/config.json)");
    cmd->add_option("--tls-verify", o.tls_verify, "verify the registry's TLS certificate")
        ->default_str("true");
    cmd->add_option("--cert-dir", o.cert_dir,
                    "a directory of CA certificates (*.crt) and a client certificate "
                    "(*.cert with its *.key) for the registry, as in containers-certs.d(5) "
                    "(default: /etc/containers/certs.d/REGISTRY or /etc/docker/certs.d/REGISTRY)");
    cmd->add_flag("--plain-http", o.plain_http,
                  "HTTP instead of HTTPS (without it, HTTP is used only when the registry "
                  "does not speak TLS, and only on this machine or with --tls-verify=false)");
    cmd->add_option("--jobs", o.jobs, "blobs transferred at once (default 4)")
        ->check(CLI::Range(1u, 64u));
    cmd->add_flag("-q,--quiet", o.quiet, "print nothing on success");
    cmd->add_option("--stall-timeout", o.stall_seconds,
                    "give up on a transfer that moves no byte for this many seconds (default 30)")
        ->check(CLI::Range(1L, 3600L));
  }

  o.import_cmd = image_->add_subcommand("import", "copy an image into the store");
  o.import_cmd
      ->add_option("SRC", o.source,
                   "oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME:TAG]")
      ->required();
  o.import_cmd->add_option("NAME:TAG", o.ref, "the ref to give it")->required();

  o.export_cmd = image_->add_subcommand("export", "write an image out as an OCI layout");
  o.export_cmd->add_option("NAME:TAG", o.ref, "the image")->required();
  o.export_cmd->add_option("DEST", o.target, "oci:DIR[:TAG]")->required();

  o.create_cmd = image_->add_subcommand("create", "make a one-layer image from a directory");
  o.create_cmd->add_option("--from-dir", o.rootfs, "the root filesystem")->required();
  o.create_cmd->add_option("NAME:TAG", o.ref, "the ref to give it")->required();
  o.create_cmd->add_option("--cmd", o.create.cmd, "Cmd argument (repeat for each)");
  o.create_cmd->add_option("--entrypoint", o.create.entrypoint, "Entrypoint argument (repeat)");
  o.create_cmd->add_option("--env", o.create.env, "NAME=value (repeat)");
  o.create_cmd->add_option("--workdir", o.create.working_dir, "WorkingDir");
  o.create_cmd->add_option("--user", o.create.user, "User");

  o.ls_cmd = image_->add_subcommand("ls", "list the store's images");
  o.ls_cmd->add_option("--format", o.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));

  o.inspect_cmd = image_->add_subcommand("inspect", "show an image's manifest, config and layers");
  o.inspect_cmd->add_option("NAME:TAG", o.ref, "the image")->required();
  o.inspect_cmd->add_option("--format", o.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));

  o.tag_cmd = image_->add_subcommand("tag", "give an image another ref");
  o.tag_cmd->add_option("SRC", o.ref, "an existing NAME:TAG")->required();
  o.tag_cmd->add_option("NAME:TAG", o.target, "the new ref")->required();

  o.rm_cmd = image_->add_subcommand("rm", "remove refs (gc frees their blobs)");
  o.rm_cmd->add_option("NAME:TAG", o.refs, "refs to remove")->required();

  o.gc_cmd = image_->add_subcommand("gc", "delete blobs and layer snapshots that no ref reaches");
  o.check_cmd = image_->add_subcommand("check", "re-hash every blob; exit 4 if any is corrupt");

  o.bundle_cmd = image_->add_subcommand(
      "bundle", "make an OCI runtime bundle (rootfs/ + config.json) from an image");
  o.bundle_cmd->add_option("NAME:TAG", o.ref, "the image")->required();
  o.bundle_cmd->add_option("DIR", o.target, "a directory that does not exist yet")->required();
  o.bundle_cmd->add_option("--hostname", o.hostname, "the container's hostname (default: lxcri)");
  o.bundle_cmd->add_option("ARGS", o.args, "replace the image's Cmd (after --)");
  o.bundle_cmd->add_flag("--snapshot", o.snapshot,
                         "rootfs/ as a mounted snapshot on the image's layers instead of a copy "
                         "where the store's filesystem allows (what `lxcri run IMAGE` uses; "
                         "`lxcri delete` releases it)");

  o.unpack_cmd = image_->add_subcommand("unpack", "unpack an image's layers into a new directory");
  o.unpack_cmd->add_option("NAME:TAG", o.ref, "the image")->required();
  o.unpack_cmd->add_option("DIR", o.target, "a directory that does not exist yet (or is empty)")
      ->required();
  o.unpack_cmd
      ->add_option(
          "--jobs", o.jobs,
          "threads decompressing and verifying layers ahead (default: one per core but one)")
      ->check(CLI::Range(1u, 64u));

  o.mount_cmd = image_->add_subcommand(
      "mount", "mount an image's root filesystem read-only at DIR (layers unpacked once, shared)");
  o.mount_cmd->add_option("NAME:TAG", o.ref, "the image")->required();
  o.mount_cmd->add_option("DIR", o.target, "an existing directory")->required();
  o.umount_cmd = image_->add_subcommand("umount", "unmount what `image mount` mounted at DIR");
  o.umount_cmd->add_option("DIR", o.target, "the directory")->required();
  for (CLI::App* cmd : {o.mount_cmd, o.umount_cmd, o.bundle_cmd}) {
    cmd->add_option("--snapshotter", o.snapshotter, "overlayfs (the default)")
        ->check(CLI::IsMember(layerfs::kSnapshotterNames));
  }

  // (App::get_subcommands() without a filter lists only the parsed ones.)
  for (CLI::App* cmd : image_->get_subcommands([](CLI::App*) { return true; })) {
    add_store_option(*cmd, o);
  }
  for (CLI::App* cmd :
       {o.pull_cmd, o.create_cmd, o.ls_cmd, o.inspect_cmd, o.unpack_cmd, o.bundle_cmd, o.mount_cmd})
    add_platform_option(*cmd, o);
}

ImageCommand::~ImageCommand() = default;

bool ImageCommand::parsed() const {
  return image_->parsed();
}

int ImageCommand::run() {
  Options& o = *options_;
  if (o.pull_cmd->parsed()) return pull_image(o);
  if (o.push_cmd->parsed()) return push_image(o);
  if (o.import_cmd->parsed()) return import_image(o);
  if (o.export_cmd->parsed()) return export_image(o);
  if (o.create_cmd->parsed()) return create_image(o);
  if (o.ls_cmd->parsed()) return list_images(o);
  if (o.inspect_cmd->parsed()) return inspect_image(o);
  if (o.tag_cmd->parsed()) return tag_image(o);
  if (o.rm_cmd->parsed()) return remove_images(o);
  if (o.gc_cmd->parsed()) return collect_garbage(o);
  if (o.check_cmd->parsed()) return check_store(o);
  if (o.bundle_cmd->parsed()) {
    o.snapshotter_named = o.bundle_cmd->count("--snapshotter") > 0;
    return make_bundle(o);
  }
  if (o.mount_cmd->parsed()) return mount_image(o);
  if (o.umount_cmd->parsed()) return unmount_image(o);
  return unpack_image(o);
}

}  // namespace lxcri
