#include "runtime/bundle/image_bundle.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <sstream>

#include "layerfs/bundle_rootfs.h"
#include "layerfs/image_layers.h"
#include "oci/store/posix_file.h"
#include "oci/unpack/root_dir.h"
#include "oci/unpack/unpack_image.h"
#include "runtime/spec/default_spec.h"

namespace runtime::bundle {
namespace {

using core::Error;
using core::ErrorCode;

// The capabilities Docker and Podman give a container by default.
const std::vector<std::string> kDefaultCapabilities = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",    "CAP_AUDIT_WRITE"};

std::optional<std::uint32_t> number(const std::string& s) {
  std::uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// A file of the image, read inside its root (absent: empty).
std::string read_in_root(const std::string& rootfs, const char* path) {
  int root = ::open(rootfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return {};
  int fd = oci::unpack::open_in_root(root, path, O_RDONLY);
  ::close(root);
  if (fd < 0) return {};
  std::string out;
  char buf[8192];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 && out.size() < (4u << 20)) {
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

// Lines of passwd/group split on ':'.
std::vector<std::vector<std::string>> colon_file(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::istringstream ls(line);
    for (std::string f; std::getline(ls, f, ':');)
      fields.push_back(f);
    if (fields.size() >= 3) rows.push_back(std::move(fields));
  }
  return rows;
}

core::Result<nlohmann::json> resolve_user(const std::string& user, const std::string& rootfs) {
  std::string name = user, group;
  if (auto colon = user.find(':'); colon != std::string::npos) {
    name = user.substr(0, colon);
    group = user.substr(colon + 1);
  }
  auto passwd = colon_file(read_in_root(rootfs, "/etc/passwd"));
  auto groups = colon_file(read_in_root(rootfs, "/etc/group"));
  std::uint32_t uid = 0, gid = 0;
  std::string user_name;
  if (name.empty()) {
    name = "0";
  }
  if (auto n = number(name)) {
    uid = *n;
    for (const auto& row : passwd) {
      if (number(row[2]) == uid && row.size() > 3) {
        gid = number(row[3]).value_or(0);
        user_name = row[0];
      }
    }
  } else {
    bool found = false;
    for (const auto& row : passwd) {
      if (row[0] == name && row.size() > 3) {
        uid = number(row[2]).value_or(0);
        gid = number(row[3]).value_or(0);
        user_name = name;
        found = true;
        break;
      }
    }
    if (!found) {
      return Error(ErrorCode::kNotFound, "user '" + name + "' is not in the image's /etc/passwd")
          .with_field("config.User");
    }
  }
  if (!group.empty()) {
    if (auto n = number(group)) {
      gid = *n;
    } else {
      bool found = false;
      for (const auto& row : groups) {
        if (row[0] == group) {
          gid = number(row[2]).value_or(0);
          found = true;
        }
      }
      if (!found) {
        return Error(ErrorCode::kNotFound, "group '" + group + "' is not in the image's /etc/group")
            .with_field("config.User");
      }
    }
  }
  nlohmann::json additional = nlohmann::json::array();
  for (const auto& row : groups) {
    if (row.size() < 4 || user_name.empty()) continue;
    std::istringstream members(row[3]);
    for (std::string m; std::getline(members, m, ',');) {
      auto g = number(row[2]);
      if (m == user_name && g && *g != gid) additional.push_back(*g);
    }
  }
  nlohmann::json out = {{"uid", uid}, {"gid", gid}};
  if (!additional.empty()) out["additionalGids"] = additional;
  return out;
}

}  // namespace

core::Result<nlohmann::json> process_for_image(const oci::ContainerConfig& image,
                                               const std::string& rootfs,
                                               const std::vector<std::string>& args) {
  nlohmann::json process = runtime::spec::default_spec()["process"];
  std::vector<std::string> argv = image.entrypoint.value_or(std::vector<std::string>{});
  const std::vector<std::string>& tail =
      args.empty() ? image.cmd.value_or(std::vector<std::string>{}) : args;
  argv.insert(argv.end(), tail.begin(), tail.end());
  if (argv.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "the image has no Entrypoint or Cmd: give the program to run after '--'");
  }
  process["args"] = argv;
  std::vector<std::string> env = image.env;
  bool has_path = false;
  for (const auto& e : env)
    has_path = has_path || e.starts_with("PATH=");
  if (!has_path)
    env.insert(env.begin(), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  process["env"] = env;
  process["cwd"] = image.working_dir.empty() ? "/" : image.working_dir;
  if (!process["cwd"].get<std::string>().starts_with('/')) process["cwd"] = "/" + image.working_dir;
  auto user = resolve_user(image.user, rootfs);
  if (!user) return user.error();
  process["user"] = user.value();
  process["capabilities"] = {{"bounding", kDefaultCapabilities},
                             {"effective", kDefaultCapabilities},
                             {"permitted", kDefaultCapabilities}};
  return process;
}

core::Status make_image_bundle(const oci::store::Store& store,
                               const oci::layers::ResolvedImage& image,
                               const std::string& bundle_dir, const ImageBundleOptions& options) {
  if (::mkdir(bundle_dir.c_str(), 0700) != 0) {
    if (errno == EEXIST) {
      return Error(ErrorCode::kAlreadyExists, "bundle directory already exists")
          .with_file(bundle_dir);
    }
    return oci::store::sys_error("mkdir", bundle_dir, errno);
  }
  auto fail = [&](core::Error e) -> core::Status {
    if (options.snapshots) (void)layerfs::release_bundle_rootfs(*options.snapshots, bundle_dir);
    std::error_code ec;
    std::filesystem::remove_all(bundle_dir, ec);
    return e;
  };
  std::string rootfs = bundle_dir + "/rootfs";
  if (options.snapshots) {
    auto layers = layerfs::commit_image_layers(*options.snapshots, store, image);
    if (!layers) return fail(layers.error());
    auto mounted = layerfs::mount_bundle_rootfs(*options.snapshots, layers.value().top, bundle_dir);
    // Nothing to release yet: mount_bundle_rootfs undoes itself.
    if (!mounted.is_ok()) {
      std::error_code ec;
      std::filesystem::remove_all(bundle_dir, ec);
      return mounted.error();
    }
  } else if (auto unpacked = oci::unpack::unpack_image(store, image, rootfs); !unpacked) {
    return fail(unpacked.error());
  }
  auto process = process_for_image(image.config.config, rootfs, options.args);
  if (!process) return fail(process.error());
  nlohmann::json config = runtime::spec::default_spec();
  config["process"] = process.value();
  config["root"]["readonly"] = false;
  config["hostname"] = options.hostname;
  std::string path = bundle_dir + "/config.json";
  auto fd = oci::store::open_file(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (!fd) return fail(fd.error());
  if (auto s = oci::store::write_all(fd.value().get(), config.dump(2), path); !s)
    return fail(s.error());
  if (auto s = oci::store::fsync_fd(fd.value().get(), path); !s) return fail(s.error());
  return {};
}

}  // namespace runtime::bundle
