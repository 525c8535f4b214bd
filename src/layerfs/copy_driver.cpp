#include "layerfs/copy_driver.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "layerfs/disk_usage.h"
#include "layerfs/storage_dir.h"
#include "oci/store/posix_file.h"

namespace layerfs {

namespace {

// Runs `cp -a --reflink=auto FROM/. TO`; its stderr (the reason) goes to ours.
core::Status copy_tree(const std::filesystem::path& from, const std::filesystem::path& to) {
  const std::string source = (from / ".").string();
  const std::string target = to.string();
  pid_t pid = ::fork();
  if (pid < 0) return oci::store::sys_error("fork", to, errno);
  if (pid == 0) {
    ::execlp("cp", "cp", "-a", "--reflink=auto", "--", source.c_str(), target.c_str(),
             static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return oci::store::sys_error("waitpid", to, errno);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return core::Status();
  return core::Error(core::ErrorCode::kInternal,
                     "copying the parent snapshot " + from.filename().string() + " failed (cp " +
                         (WIFEXITED(status) ? "exited " + std::to_string(WEXITSTATUS(status))
                                            : std::string("was killed")) +
                         ")")
      .with_file(to.string());
}

}  // namespace

core::Result<std::unique_ptr<CopyDriver>> CopyDriver::open(const std::filesystem::path& root) {
  auto made = make_snapshots_dir(root);
  if (!made) return made.error();
  return std::unique_ptr<CopyDriver>(new CopyDriver(std::move(made).value()));
}

core::Status CopyDriver::create(const std::string& id, const std::vector<std::string>& chain,
                                Kind) {
  if (core::Status s = oci::store::make_store_dir(snapshots_ / id); !s.is_ok()) return s;
  if (chain.empty()) return core::Status();
  return copy_tree(snapshots_ / chain[0], snapshots_ / id);
}

core::Result<std::vector<Mount>> CopyDriver::mounts(const std::string& id,
                                                    const std::vector<std::string>&,
                                                    Kind kind) const {
  return std::vector<Mount>{
      {"bind", (snapshots_ / id).string(), {"rbind", kind == Kind::kView ? "ro" : "rw"}}};
}

core::Status CopyDriver::commit(const std::string&) {
  // Nothing to freeze: a committed snapshot is only ever copied or bound
  // read-only (views), never mounted writable again.
  return core::Status();
}

core::Status CopyDriver::remove(const std::string& id) {
  std::error_code ec;
  std::filesystem::remove_all(snapshots_ / id, ec);
  if (ec) return oci::store::sys_error("removing the snapshot", snapshots_ / id, ec.value());
  return core::Status();
}

core::Result<Usage> CopyDriver::usage(const std::string& id) const {
  return disk_usage(snapshots_ / id);
}

core::Result<std::vector<std::string>> CopyDriver::stored_ids() const {
  return list_ids(snapshots_);
}

}  // namespace layerfs
