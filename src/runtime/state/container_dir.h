// runtime/state/container_dir.h: one container's directory under --root,
// created atomically and locked for the duration of a command.
//
// `--root/ID/` holds everything the runtime keeps about a container
// (state.json, the copied config, the init helper's files). Every command that
// reads or changes a container holds an exclusive flock(2) on that directory,
// so two commands on one id never interleave; the kernel drops the lock when a
// command dies, so a crashed command never leaves a container stuck.
#pragma once

#include <string>

#include "core/error.h"

namespace runtime::state {

// A container id as runc accepts it: [A-Za-z0-9_+.-], 1-1024 bytes, not "."
// or "..".
core::Status check_container_id(const std::string& id);

class ContainerDir {
 public:
  // Makes --root (0711) when missing, then --root/ID. kAlreadyExists when the
  // id is taken. The returned directory is locked.
  static core::Result<ContainerDir> create(const std::string& root, const std::string& id);
  // Opens and locks an existing container directory; kNotFound when absent.
  static core::Result<ContainerDir> open(const std::string& root, const std::string& id);

  ContainerDir(ContainerDir&& other) noexcept;
  ContainerDir& operator=(ContainerDir&& other) noexcept;
  ContainerDir(const ContainerDir&) = delete;
  ContainerDir& operator=(const ContainerDir&) = delete;
  ~ContainerDir();

  const std::string& id() const { return id_; }
  const std::string& path() const { return path_; }
  // The descriptor holding the lock, for a child process to close.
  int lock_fd() const { return fd_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

  // Writes `name` atomically (temp file, fsync, rename).
  core::Status write_file(const std::string& name, const std::string& bytes) const;
  // Reads `name`; kNotFound when absent.
  core::Result<std::string> read_file(const std::string& name) const;

  // Removes the directory and everything in it; the lock goes with it.
  core::Status remove();

 private:
  ContainerDir(std::string id, std::string path, int fd)
      : id_(std::move(id)), path_(std::move(path)), fd_(fd) {}

  std::string id_;
  std::string path_;
  int fd_ = -1;  // O_DIRECTORY fd holding the flock
};

}  // namespace runtime::state
