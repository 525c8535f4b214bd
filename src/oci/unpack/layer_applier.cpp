#include "oci/unpack/layer_applier.h"

#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace oci::unpack {
namespace {

// The name as stored: libarchive converts pax's UTF-8 names to the locale's
// charset and has no such form in the C locale, so fall back to UTF-8.
const char* pathname(archive_entry* entry) {
  const char* name = archive_entry_pathname(entry);
  return name != nullptr ? name : archive_entry_pathname_utf8(entry);
}
const char* hardlink(archive_entry* entry) {
  const char* name = archive_entry_hardlink(entry);
  return name != nullptr ? name : archive_entry_hardlink_utf8(entry);
}
const char* symlink(archive_entry* entry) {
  const char* name = archive_entry_symlink(entry);
  return name != nullptr ? name : archive_entry_symlink_utf8(entry);
}

core::ErrorCode code_of(PathProblem problem) {
  return problem == PathProblem::kTooLong || problem == PathProblem::kTooDeep
             ? core::ErrorCode::kCapacityExceeded
             : core::ErrorCode::kInvalidArgument;
}

}  // namespace

LayerApplier::LayerApplier(UniqueFd root, UnpackOptions options, bool privileged)
    : options_(std::move(options)),
      root_(std::move(root)),
      writer_(root_, dirs_, privileged),
      warn_([this](std::string_view what) {
        if (!options_.on_warning) return;
        std::string message = "layer " + std::string(layer_) + ": entry \"" + std::string(name_) +
                              "\": " + std::string(what);
        options_.on_warning(message);
      }) {
  root_.on_dir_removed([this](const struct stat& st) { dirs_.forget(st); });
}

core::Error LayerApplier::entry_error(core::ErrorCode code, std::string_view what) const {
  return core::Error(code, "layer " + std::string(layer_) + ": entry \"" + std::string(name_) +
                               "\": " + std::string(what));
}

core::Error LayerApplier::entry_error(const core::Error& cause) const {
  core::Error error = entry_error(cause.code(), cause.message());
  if (!cause.context().file.empty()) error.with_file(cause.context().file);
  return error;
}

core::Error LayerApplier::errno_error(std::string_view what, int err) const {
  return entry_error(core::ErrorCode::kInternal, std::string(what) + ": " + std::strerror(err));
}

core::Status LayerApplier::apply(archive::ByteSource& source, std::string_view layer_name) {
  layer_ = layer_name;
  TarStream tar(source);
  changes_.start_layer();
  skipped_.clear();
  std::string previous;  // names the place of a header that cannot be read
  while (true) {
    root_.release_retired();
    auto next = tar.next();
    if (!next) {
      return core::Error(next.error().code(),
                         "layer " + std::string(layer_) +
                             (previous.empty() ? std::string(": first entry: ")
                                               : ": after entry \"" + previous + "\": ") +
                             next.error().message());
    }
    if (next.value() == nullptr) break;
    if (auto s = apply_entry(next.value(), tar); !s) return s;
    previous.assign(name_);
  }
  root_.release_retired();
  if (auto s = tar.finish(); !s) {
    return core::Error(s.error().code(), "layer " + std::string(layer_) +
                                             ": after the end of the tar: " + s.error().message());
  }
  return {};
}

core::Status LayerApplier::check_limits(archive_entry* entry) {
  const UnpackLimits& limits = options_.limits;
  if (++stats_.entries > limits.max_entries) {
    return entry_error(core::ErrorCode::kCapacityExceeded, "too many entries (the limit is " +
                                                               std::to_string(limits.max_entries) +
                                                               " for all layers)");
  }
  if (!archive_entry_size_is_set(entry)) return {};
  const std::int64_t size = archive_entry_size(entry);
  if (size < 0) return entry_error(core::ErrorCode::kInvalidArgument, "negative size");
  const auto declared = static_cast<std::uint64_t>(size);
  if (declared > limits.max_total_bytes || declared_bytes_ > limits.max_total_bytes - declared) {
    return entry_error(core::ErrorCode::kCapacityExceeded,
                       "declared size " + std::to_string(declared) + " exceeds the limit of " +
                           std::to_string(limits.max_total_bytes) +
                           " bytes for all layers (already " + std::to_string(declared_bytes_) +
                           ")");
  }
  declared_bytes_ += declared;
  return {};
}

core::Status LayerApplier::count_name_bytes(std::uint64_t bytes) {
  const std::uint64_t limit = options_.limits.max_name_bytes;
  if (bytes > limit || name_bytes_ > limit - bytes) {
    return entry_error(
        core::ErrorCode::kCapacityExceeded,
        "the names of all entries exceed the limit of " + std::to_string(limit) + " bytes");
  }
  name_bytes_ += bytes;
  return {};
}

core::Status LayerApplier::skip(const EntryTarget& at, std::string_view why) {
  if (int err = root_.remove(at.dir_fd, at.name); err != 0) {
    return errno_error("removing what the skipped entry replaces", err);
  }
  warn_(why);
  ++stats_.skipped;
  skipped_.emplace(at.clean_path);
  return {};
}

core::Status LayerApplier::apply_entry(archive_entry* entry, TarStream& tar) {
  const char* raw = pathname(entry);
  name_ = raw != nullptr ? raw : "";
  if (raw == nullptr) return entry_error(core::ErrorCode::kInvalidArgument, "no readable name");
  if (auto s = check_limits(entry); !s) return s;

  const mode_t type = archive_entry_filetype(entry);
  const char* link_target = hardlink(entry);
  const UnpackLimits& limits = options_.limits;
  PathProblem problem =
      clean_entry_path(name_, limits.max_path_bytes, limits.max_path_depth, path_);
  if (problem == PathProblem::kRootItself && type == AE_IFDIR && link_target == nullptr) {
    if (auto s = writer_.set_root_metadata(entry, warn_); !s) return entry_error(s.error());
    return {};
  }
  if (problem != PathProblem::kNone) return entry_error(code_of(problem), describe(problem));

  const SplitPath split = split_path(path_);
  std::string_view victim;
  if (WhiteoutKind kind = classify_whiteout(split.base, victim); kind != WhiteoutKind::kNone) {
    return apply_whiteout(kind, split.parent, victim);
  }

  const int dir_fd = root_.open_dir(split.parent, true);
  if (dir_fd < 0) return errno_error("parent directory", -dir_fd);
  // split.base is the tail of path_, so it is NUL-terminated.
  const EntryTarget at{dir_fd, split.base.data(), path_};

  if (link_target != nullptr) {
    auto linked = apply_hardlink(link_target, at);
    if (!linked) return linked.error();
    if (!linked.value()) return {};
  } else if (type == AE_IFREG) {
    if (auto s = writer_.write_file(at, entry, tar, stats_.bytes, warn_); !s) {
      return entry_error(s.error());
    }
  } else if (type == AE_IFDIR) {
    if (auto s = writer_.make_dir(at, entry, warn_); !s) return entry_error(s.error());
  } else if (type == AE_IFLNK) {
    const char* target = symlink(entry);
    if (target == nullptr) return entry_error(core::ErrorCode::kInvalidArgument, "no link target");
    if (std::strlen(target) > limits.max_path_bytes) {
      return entry_error(core::ErrorCode::kCapacityExceeded,
                         "symlink target longer than the path limit");
    }
    if (auto s = writer_.make_symlink(at, target, entry, warn_); !s) return entry_error(s.error());
  } else if (type == AE_IFIFO || type == AE_IFCHR || type == AE_IFBLK) {
    auto made = writer_.make_node(at, entry, warn_);
    if (!made) return entry_error(made.error());
    if (!made.value()) return skip(at, "device node skipped: creating devices needs privileges");
  } else if (type == AE_IFSOCK) {
    return skip(at, "socket skipped: sockets cannot be unpacked");
  } else {
    return entry_error(core::ErrorCode::kInvalidArgument,
                       "unsupported entry type " + std::to_string(type));
  }
  // Created after all: no longer a skipped path for later hardlinks.
  if (!skipped_.empty()) skipped_.erase(path_);
  return count_name_bytes(changes_.record(path_));
}

core::Status LayerApplier::apply_whiteout(WhiteoutKind kind, std::string_view parent,
                                          std::string_view victim) {
  switch (kind) {
    case WhiteoutKind::kNone:
      break;
    case WhiteoutKind::kInvalid:
      return entry_error(core::ErrorCode::kInvalidArgument,
                         "whiteout names its own directory or its parent");
    case WhiteoutKind::kReserved:
      warn_("reserved whiteout name ignored");
      return {};
    case WhiteoutKind::kOpaque: {
      // The marker says the directory exists in this layer.
      const int dir_fd = root_.open_dir(parent, true);
      if (dir_fd < 0) return errno_error("opaque directory", -dir_fd);
      ++stats_.whiteouts;
      const int err = changes_.make_opaque(root_, dir_fd, parent);
      stats_.names_scanned = changes_.names_scanned();
      if (err != 0) return errno_error("making the directory opaque", err);
      return {};
    }
    case WhiteoutKind::kRemove: {
      ++stats_.whiteouts;
      const int dir_fd = root_.open_dir(parent, false);
      if (dir_fd == -ENOENT || dir_fd == -ENOTDIR) return {};  // nothing to remove
      if (dir_fd < 0) return errno_error("parent directory", -dir_fd);
      victim_path_.assign(parent);
      if (!parent.empty()) victim_path_.push_back('/');
      victim_path_.append(victim);
      const char* victim_name = victim_path_.c_str() + (victim_path_.size() - victim.size());
      const int err = changes_.remove_lower(root_, dir_fd, victim_name, victim_path_);
      stats_.names_scanned = changes_.names_scanned();
      if (err != 0) return errno_error("removing the whited-out path", err);
      return {};
    }
  }
  return {};
}

core::Result<UniqueFd> LayerApplier::open_link_target(const char* target) {
  const std::string shown = "hardlink to \"" + std::string(target) + "\": ";
  const UnpackLimits& limits = options_.limits;
  PathProblem problem =
      clean_entry_path(target, limits.max_path_bytes, limits.max_path_depth, link_path_);
  if (problem != PathProblem::kNone) {
    return entry_error(code_of(problem), shown + std::string(describe(problem)));
  }
  if (!skipped_.empty() && skipped_.contains(link_path_)) return UniqueFd();
  const SplitPath split = split_path(link_path_);
  int dir_fd = root_.open_dir(split.parent, false);
  int fd =
      dir_fd < 0 ? dir_fd : ::openat(dir_fd, split.base.data(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && dir_fd >= 0) fd = -errno;
  if (fd == -ENOENT || fd == -ENOTDIR) {
    return entry_error(core::ErrorCode::kInvalidArgument,
                       shown + "the target is not in the rootfs (it must come before the link)");
  }
  if (fd < 0) return errno_error(shown + "opening the target", -fd);
  UniqueFd owned(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return errno_error(shown + "stat", errno);
  if (S_ISDIR(st.st_mode)) {
    return entry_error(core::ErrorCode::kInvalidArgument, shown + "the target is a directory");
  }
  return owned;
}

core::Result<bool> LayerApplier::apply_hardlink(const char* target, const EntryTarget& at) {
  auto target_fd = open_link_target(target);
  if (!target_fd) return target_fd.error();
  if (!target_fd.value().valid()) {
    if (auto s = skip(at, "hardlink to \"" + std::string(target) +
                              "\" skipped: its target was skipped in this layer");
        !s) {
      return s.error();
    }
    return false;
  }
  if (auto s = writer_.make_hardlink(at, target_fd.value().get()); !s) {
    return entry_error(core::Error(
        s.error().code(), "hardlink to \"" + std::string(target) + "\": " + s.error().message()));
  }
  return true;
}

}  // namespace oci::unpack
