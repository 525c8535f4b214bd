#include "layerfs/snapshotter.h"

#include <ctime>
#include <set>

#include "layerfs/metadata.h"
#include "oci/store/file_lock.h"
#include "oci/store/posix_file.h"

namespace layerfs {

namespace {

using oci::store::FileLock;

struct Locked {
  FileLock lock;
  Metadata md;
};

std::filesystem::path metadata_file(const std::filesystem::path& root) {
  return root / "metadata.json";
}

core::Result<Locked> load(const std::filesystem::path& root, FileLock::Mode mode) {
  auto lock = FileLock::acquire(root / "lock", mode);
  if (!lock) return lock.error();
  auto md = Metadata::load(metadata_file(root));
  if (!md) return md.error();
  return Locked{std::move(lock).value(), std::move(md).value()};
}

core::Error not_found(const std::string& key) {
  return core::Error(core::ErrorCode::kNotFound, "no snapshot '" + key + "'");
}

core::Result<const Record*> find(const Metadata& md, const std::string& key) {
  auto it = md.snapshots.find(key);
  if (it == md.snapshots.end()) return not_found(key);
  return &it->second;
}

// The storage ids of `parent` and its ancestors, parent first.
core::Result<std::vector<std::string>> chain_of(const Metadata& md, const std::string& parent) {
  std::vector<std::string> chain;
  for (std::string at = parent; !at.empty();) {
    auto r = find(md, at);
    if (!r) return r.error();
    if (chain.size() > md.snapshots.size()) {
      return core::Error(core::ErrorCode::kCycle, "snapshot '" + parent + "' has a parent cycle");
    }
    chain.push_back(r.value()->id);
    at = r.value()->info.parent;
  }
  return chain;
}

std::vector<std::string> children_of(const Metadata& md, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& [k, r] : md.snapshots) {
    if (r.info.parent == key) out.push_back(k);
  }
  return out;
}

std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (size_t i = 0; i < keys.size() && i < 5; ++i)
    out += (i == 0 ? "'" : ", '") + keys[i] + "'";
  if (keys.size() > 5) out += " and " + std::to_string(keys.size() - 5) + " more";
  return out;
}

core::Status check_new_key(const Metadata& md, const std::string& key) {
  if (key.empty()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "a snapshot key cannot be empty");
  }
  if (md.snapshots.count(key) != 0) {
    return core::Error(core::ErrorCode::kAlreadyExists, "snapshot '" + key + "' exists already");
  }
  return core::Status();
}

std::int64_t now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

}  // namespace

core::Result<std::unique_ptr<Snapshotter>> Snapshotter::open(std::filesystem::path root,
                                                             std::unique_ptr<Driver> driver) {
  if (core::Status s = oci::store::make_dirs(root); !s.is_ok()) return s.error();
  std::unique_ptr<Snapshotter> snapshotter(new Snapshotter(std::move(root), std::move(driver)));
  if (core::Status s = snapshotter->remove_orphans(); !s.is_ok()) return s.error();
  return snapshotter;
}

core::Status Snapshotter::remove_orphans() {
  auto locked = load(root_, FileLock::Mode::kExclusive);
  if (!locked) return locked.error();
  std::set<std::string> recorded;
  for (const auto& [key, r] : locked.value().md.snapshots)
    recorded.insert(r.id);
  auto stored = driver_->stored_ids();
  if (!stored) return stored.error();
  // Best effort: storage that cannot go now (a busy mount, an immutable file)
  // stays an orphan for the next open, and must not make the store unusable.
  for (const std::string& id : stored.value()) {
    if (recorded.count(id) == 0) (void)driver_->remove(id);
  }
  return core::Status();
}

core::Result<std::vector<Mount>> Snapshotter::create(const std::string& key,
                                                     const std::string& parent, Kind kind,
                                                     const Labels& labels) {
  auto locked = load(root_, FileLock::Mode::kExclusive);
  if (!locked) return locked.error();
  Metadata& md = locked.value().md;
  if (core::Status s = check_new_key(md, key); !s.is_ok()) return s.error();
  if (kind == Kind::kView && parent.empty()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "a view needs a committed parent to look at");
  }
  if (!parent.empty()) {
    auto p = find(md, parent);
    if (!p) return core::Error(p.error()).with_field("parent");
    if (p.value()->info.kind != Kind::kCommitted) {
      return core::Error(core::ErrorCode::kFailedPrecondition,
                         "parent '" + parent + "' is " +
                             std::string(kind_name(p.value()->info.kind)) +
                             ", not committed: only committed snapshots can be parents");
    }
  }
  auto chain = chain_of(md, parent);
  if (!chain) return chain.error();
  if (md.next_id >= 1'000'000'000'000'000'000ull) {
    return core::Error(core::ErrorCode::kCapacityExceeded, "the store has used up its ids")
        .with_file(metadata_file(root_).string());
  }
  const std::string id = std::to_string(md.next_id);
  // Storage first: a crash before the record is saved leaves only storage
  // that no record names, which open() removes.
  if (core::Status s = driver_->create(id, chain.value(), kind); !s.is_ok()) {
    (void)driver_->remove(id);
    return s.error();
  }
  auto mounts = driver_->mounts(id, chain.value(), kind);
  if (!mounts) {
    (void)driver_->remove(id);
    return mounts.error();
  }
  const std::int64_t t = now();
  md.snapshots.emplace(key, Record{Info{key, kind, parent, labels, t, t}, id});
  ++md.next_id;
  if (core::Status s = md.save(metadata_file(root_)); !s.is_ok()) {
    (void)driver_->remove(id);
    return s.error();
  }
  return mounts;
}

core::Result<std::vector<Mount>> Snapshotter::prepare(const std::string& key,
                                                      const std::string& parent,
                                                      const Labels& labels) {
  return create(key, parent, Kind::kActive, labels);
}

core::Result<std::vector<Mount>> Snapshotter::view(const std::string& key,
                                                   const std::string& parent,
                                                   const Labels& labels) {
  return create(key, parent, Kind::kView, labels);
}

core::Status Snapshotter::commit(const std::string& name, const std::string& key,
                                 const Labels& labels) {
  auto locked = load(root_, FileLock::Mode::kExclusive);
  if (!locked) return locked.error();
  Metadata& md = locked.value().md;
  auto active = find(md, key);
  if (!active) return active.error();
  if (active.value()->info.kind != Kind::kActive) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "snapshot '" + key + "' is " +
                           std::string(kind_name(active.value()->info.kind)) +
                           ": only an active snapshot can be committed");
  }
  if (core::Status s = check_new_key(md, name); !s.is_ok()) return s;
  // The storage is frozen before the record says so; doing it again after a
  // crash in between is harmless (Driver::commit).
  if (core::Status s = driver_->commit(active.value()->id); !s.is_ok()) return s;
  Record r = *active.value();
  md.snapshots.erase(key);
  r.info.key = name;
  r.info.kind = Kind::kCommitted;
  for (const auto& [k, v] : labels)
    r.info.labels[k] = v;
  r.info.updated = now();
  md.snapshots.emplace(name, std::move(r));
  return md.save(metadata_file(root_));
}

core::Status Snapshotter::remove(const std::string& key) {
  auto locked = load(root_, FileLock::Mode::kExclusive);
  if (!locked) return locked.error();
  Metadata& md = locked.value().md;
  auto r = find(md, key);
  if (!r) return r.error();
  std::vector<std::string> children = children_of(md, key);
  if (!children.empty()) {
    return core::Error(
        core::ErrorCode::kFailedPrecondition,
        "snapshot '" + key + "' is the parent of " + joined(children) + ": remove those first");
  }
  const std::string id = r.value()->id;
  md.snapshots.erase(key);
  // The record goes first: a crash before the storage is gone leaves storage
  // no record names, which open() removes.
  core::Status saved = md.save(metadata_file(root_));
  if (saved.is_ok()) return driver_->remove(id);
  // A full disk (a layer that filled it, say) cannot take the new records
  // until space is freed: free the snapshot's own first (nothing else uses
  // it: it has no children), then save again. A crash in between leaves a
  // record without storage, which remove() takes as well.
  if (!driver_->remove(id).is_ok()) return saved;
  return md.save(metadata_file(root_));
}

core::Status Snapshotter::remove_chain(const std::string& key) {
  std::string parent;
  {
    auto info = stat(key);
    if (!info) return info.error();
    parent = info.value().parent;
  }
  if (core::Status s = remove(key); !s.is_ok()) return s;
  while (!parent.empty()) {
    auto info = stat(parent);
    if (!info) {
      // Removed by someone else meanwhile: the chain is gone already.
      if (info.error().code() == core::ErrorCode::kNotFound) return core::Status();
      return info.error();
    }
    const std::string next = info.value().parent;
    core::Status s = remove(parent);
    if (!s.is_ok()) {
      // Still somebody's parent: the chain ends here, and that is not an error.
      if (s.error().code() == core::ErrorCode::kFailedPrecondition) return core::Status();
      return s;
    }
    parent = next;
  }
  return core::Status();
}

core::Result<std::vector<Mount>> Snapshotter::mounts(const std::string& key) const {
  auto locked = load(root_, FileLock::Mode::kShared);
  if (!locked) return locked.error();
  const Metadata& md = locked.value().md;
  auto r = find(md, key);
  if (!r) return r.error();
  if (r.value()->info.kind == Kind::kCommitted) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "snapshot '" + key +
                           "' is committed: mount a view or an active "
                           "snapshot on it instead");
  }
  auto chain = chain_of(md, r.value()->info.parent);
  if (!chain) return chain.error();
  return driver_->mounts(r.value()->id, chain.value(), r.value()->info.kind);
}

core::Result<Info> Snapshotter::stat(const std::string& key) const {
  auto locked = load(root_, FileLock::Mode::kShared);
  if (!locked) return locked.error();
  auto r = find(locked.value().md, key);
  if (!r) return r.error();
  return r.value()->info;
}

core::Result<Usage> Snapshotter::usage(const std::string& key) const {
  auto locked = load(root_, FileLock::Mode::kShared);
  if (!locked) return locked.error();
  auto r = find(locked.value().md, key);
  if (!r) return r.error();
  return driver_->usage(r.value()->id);
}

core::Result<std::vector<Info>> Snapshotter::walk() const {
  auto locked = load(root_, FileLock::Mode::kShared);
  if (!locked) return locked.error();
  std::vector<Info> out;
  for (const auto& [key, r] : locked.value().md.snapshots)
    out.push_back(r.info);
  return out;
}

}  // namespace layerfs
