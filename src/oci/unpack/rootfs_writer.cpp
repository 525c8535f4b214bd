#include "oci/unpack/rootfs_writer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <string>

#include "oci/unpack/layer_applier.h"

namespace oci::unpack {
namespace {

core::Error dir_error(core::ErrorCode code, const std::filesystem::path& dir,
                      std::string_view what) {
  return core::Error(code, "unpack into \"" + dir.string() + "\": " + std::string(what))
      .with_file(dir.string());
}

core::Error dir_errno(const std::filesystem::path& dir, std::string_view what, int err) {
  return dir_error(core::ErrorCode::kInternal, dir, std::string(what) + ": " + std::strerror(err));
}

// Whether the directory `name` in `parent_fd` has no entries.
core::Result<bool> is_empty_dir(int parent_fd, const std::string& name,
                                const std::filesystem::path& dir) {
  int fd = ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return dir_errno(dir, "open", errno);
  DIR* stream = ::fdopendir(fd);
  if (stream == nullptr) {
    int err = errno;
    ::close(fd);
    return dir_errno(dir, "read", err);
  }
  bool empty = true;
  while (struct dirent* entry = ::readdir(stream)) {
    std::string_view entry_name = entry->d_name;
    if (entry_name != "." && entry_name != "..") {
      empty = false;
      break;
    }
  }
  ::closedir(stream);
  return empty;
}

// mkdirat(parent_fd, ".<name>.lxcri-partial-XXXXXX", 0700) with a random
// suffix, retried on a name clash: relative to the parent's descriptor, not
// a path string that may lead elsewhere by now. The name, or an error.
core::Result<std::string> make_temp_dir(int parent_fd, const std::string& name,
                                        const std::filesystem::path& dir) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int attempt = 0; attempt < 100; ++attempt) {
    unsigned char random[6];
    if (::getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) {
      if (errno == EINTR) continue;
      return dir_errno(dir, "getrandom", errno);
    }
    std::string temp = "." + name + ".lxcri-partial-";
    for (unsigned char byte : random)
      temp.push_back(kChars[byte % (sizeof kChars - 1)]);
    if (::mkdirat(parent_fd, temp.c_str(), 0700) == 0) return temp;
    if (errno != EEXIST) return dir_errno(dir, "create temp directory", errno);
  }
  return dir_error(core::ErrorCode::kAlreadyExists, dir, "no free temp directory name");
}

}  // namespace

struct RootfsWriter::State {
  std::filesystem::path dir;  // as given, for messages
  UniqueFd parent;
  std::string name;       // of `dir` in `parent`
  std::string temp_name;  // of the partial rootfs in `parent`
  std::optional<LayerApplier> applier;
  std::function<void(std::string_view)> on_warning;  // outlives the applier
  bool broken = false;
  bool committed = false;
};

RootfsWriter::RootfsWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
RootfsWriter::RootfsWriter(RootfsWriter&&) noexcept = default;

RootfsWriter& RootfsWriter::operator=(RootfsWriter&& other) noexcept {
  if (this != &other) {
    RootfsWriter discarded(std::move(*this));
    state_ = std::move(other.state_);
  }
  return *this;
}

RootfsWriter::~RootfsWriter() {
  if (!state_ || state_->committed || state_->temp_name.empty()) return;
  state_->applier.reset();  // closes the root and cached descriptors first
  int err = remove_tree(state_->parent.get(), state_->temp_name.c_str());
  if (err != 0 && state_->on_warning) {
    state_->on_warning("unpack into \"" + state_->dir.string() +
                       "\": removing the unfinished temp directory \"" + state_->temp_name +
                       "\": " + std::strerror(err));
  }
}

core::Result<RootfsWriter> RootfsWriter::begin(const std::filesystem::path& dir,
                                               UnpackOptions options) {
  std::filesystem::path target = dir.lexically_normal();
  if (!target.has_filename()) target = target.parent_path();  // "x/y/" -> "x/y"
  const std::string name = target.filename().string();
  if (name.empty() || name == "." || name == "..") {
    return dir_error(core::ErrorCode::kInvalidArgument, dir, "not a directory name");
  }
  std::filesystem::path parent_path = target.parent_path();
  if (parent_path.empty()) parent_path = ".";

  auto state = std::make_unique<State>();
  state->dir = dir;
  state->name = name;
  int parent_fd = ::open(parent_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd < 0) return dir_errno(dir, "open parent directory", errno);
  state->parent = UniqueFd(parent_fd);

  struct stat st;
  if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return dir_error(core::ErrorCode::kAlreadyExists, dir, "exists and is not a directory");
    }
    auto empty = is_empty_dir(parent_fd, name, dir);
    if (!empty) return empty.error();
    if (!empty.value()) {
      return dir_error(core::ErrorCode::kAlreadyExists, dir, "exists and is not empty");
    }
  } else if (errno != ENOENT) {
    return dir_errno(dir, "lstat", errno);
  }

  auto temp = make_temp_dir(parent_fd, name, dir);
  if (!temp) return temp.error();
  state->temp_name = std::move(temp.value());
  state->on_warning = options.on_warning;
  // From here on the destructor removes the temp directory on failure.
  RootfsWriter writer(std::move(state));
  State& s = *writer.state_;
  int root_fd = ::openat(s.parent.get(), s.temp_name.c_str(),
                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (root_fd < 0) return dir_errno(dir, "open temp directory", errno);
  UniqueFd root(root_fd);
  // 0700 whatever the umask, until commit() applies the root's own mode:
  // no other user may enter the tree while it is being made.
  if (::fchmod(root_fd, 0700) != 0) return dir_errno(dir, "chmod temp directory", errno);
  const bool privileged = options.privileged.value_or(::geteuid() == 0);
  s.applier.emplace(std::move(root), std::move(options), privileged);
  return writer;
}

core::Status RootfsWriter::apply_layer(archive::ByteSource& tar, std::string_view layer_name) {
  if (!state_ || state_->broken || state_->committed) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "apply_layer: the writer is moved from, failed earlier or committed");
  }
  core::Status status = state_->applier->apply(tar, layer_name);
  if (!status) state_->broken = true;
  return status;
}

core::Status RootfsWriter::commit() {
  if (!state_ || state_->broken || state_->committed) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "commit: the writer is moved from, failed earlier or committed");
  }
  State& s = *state_;
  auto fail = [&](core::Error error) -> core::Status {
    s.broken = true;
    return error;
  };
  if (auto status = s.applier->finish_dirs(); !status) {
    return fail(dir_error(status.error().code(), s.dir, status.error().message()));
  }
  // One syncfs instead of an fsync per file: the rename below must not
  // become durable before the files it publishes.
  const int root_fd = s.applier->root_fd();
  if (::syncfs(root_fd) != 0 || ::fsync(root_fd) != 0) return fail(dir_errno(s.dir, "sync", errno));
  if (::renameat(s.parent.get(), s.temp_name.c_str(), s.parent.get(), s.name.c_str()) != 0) {
    int err = errno;
    if (err == ENOTEMPTY || err == EEXIST || err == ENOTDIR) {
      return fail(dir_error(core::ErrorCode::kAlreadyExists, s.dir,
                            "appeared during the unpack and is not an empty directory"));
    }
    return fail(dir_errno(s.dir, "rename", err));
  }
  s.committed = true;
  // `dir` is in place: a failure to make the rename durable is a warning
  // (an error would say the unpack failed, yet leave `dir` there).
  if (::fsync(s.parent.get()) != 0 && s.on_warning) {
    s.on_warning("unpack into \"" + s.dir.string() +
                 "\": fsync of the parent directory: " + std::strerror(errno));
  }
  return {};
}

const UnpackStats& RootfsWriter::stats() const {
  static const UnpackStats kNone;
  return state_ && state_->applier ? state_->applier->stats() : kNone;
}

}  // namespace oci::unpack
