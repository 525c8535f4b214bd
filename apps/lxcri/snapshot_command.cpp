#include "snapshot_command.h"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/memory/memory_metrics.h"
#include "exit_codes.h"
#include "layerfs/open_snapshotter.h"
#include "oci/store/store_root.h"

namespace lxcri {

struct SnapshotCommand::Options {
  CLI::App* root = nullptr;
  CLI::App* ls_cmd = nullptr;
  CLI::App* usage_cmd = nullptr;
  CLI::App* rm_cmd = nullptr;
  std::string store;
  std::string snapshotter = std::string(layerfs::kDefaultSnapshotter);
  std::string format = "table";
  std::vector<std::string> keys;
  bool chain = false;
};

namespace {

using Options = SnapshotCommand::Options;

core::Result<std::unique_ptr<layerfs::Snapshotter>> open(const Options& o) {
  return layerfs::open_snapshotter(oci::store::default_store_root(o.store), o.snapshotter);
}

std::string when(std::int64_t t) {
  char out[32];
  std::time_t time = static_cast<std::time_t>(t);
  std::tm tm{};
  ::gmtime_r(&time, &tm);
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

int list(const Options& o) {
  auto snapshots = open(o);
  if (!snapshots.is_ok()) return report_error(snapshots.error());
  auto all = snapshots.value()->walk();
  if (!all.is_ok()) return report_error(all.error());
  if (o.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const layerfs::Info& i : all.value()) {
      out.push_back({{"key", i.key},
                     {"kind", layerfs::kind_name(i.kind)},
                     {"parent", i.parent},
                     {"labels", i.labels},
                     {"created", when(i.created)},
                     {"updated", when(i.updated)}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  std::printf("%-10s %-20s %s\n", "KIND", "CREATED", "KEY (PARENT)");
  for (const layerfs::Info& i : all.value()) {
    std::printf("%-10s %-20s %s%s%s%s\n", std::string(layerfs::kind_name(i.kind)).c_str(),
                when(i.created).c_str(), i.key.c_str(), i.parent.empty() ? "" : " (",
                i.parent.c_str(), i.parent.empty() ? "" : ")");
  }
  return kExitOk;
}

int usage(const Options& o) {
  auto snapshots = open(o);
  if (!snapshots.is_ok()) return report_error(snapshots.error());
  std::vector<std::string> keys = o.keys;
  if (keys.empty()) {
    auto all = snapshots.value()->walk();
    if (!all.is_ok()) return report_error(all.error());
    for (const layerfs::Info& i : all.value())
      keys.push_back(i.key);
  }
  std::uint64_t bytes = 0, inodes = 0;
  std::printf("%12s %10s %s\n", "SIZE", "INODES", "KEY");
  for (const std::string& key : keys) {
    auto u = snapshots.value()->usage(key);
    if (!u.is_ok()) return report_error(u.error());
    bytes += u.value().bytes;
    inodes += u.value().inodes;
    std::printf("%12s %10llu %s\n",
                core::format_bytes(static_cast<std::int64_t>(u.value().bytes)).c_str(),
                static_cast<unsigned long long>(u.value().inodes), key.c_str());
  }
  std::printf("%12s %10llu %s\n", core::format_bytes(static_cast<std::int64_t>(bytes)).c_str(),
              static_cast<unsigned long long>(inodes), "total");
  return kExitOk;
}

int remove(const Options& o) {
  auto snapshots = open(o);
  if (!snapshots.is_ok()) return report_error(snapshots.error());
  int code = kExitOk;
  for (const std::string& key : o.keys) {
    core::Status s =
        o.chain ? snapshots.value()->remove_chain(key) : snapshots.value()->remove(key);
    if (!s.is_ok()) code = report_error(s.error());
  }
  return code;
}

}  // namespace

SnapshotCommand::SnapshotCommand(CLI::App& app) : options_(std::make_unique<Options>()) {
  Options& o = *options_;
  o.root = app.add_subcommand("snapshot", "the store's copy-on-write snapshots");
  o.root->require_subcommand(1);
  o.ls_cmd = o.root->add_subcommand("ls", "list every snapshot");
  o.ls_cmd->add_option("--format", o.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  o.usage_cmd = o.root->add_subcommand("usage", "disk space and inodes each snapshot uses");
  o.usage_cmd->add_option("KEY", o.keys, "snapshots (default: all)");
  o.rm_cmd = o.root->add_subcommand("rm", "remove snapshots that have no children");
  o.rm_cmd->add_option("KEY", o.keys, "snapshots")->required();
  o.rm_cmd->add_flag("--chain", o.chain, "also remove the parents nothing else uses");
  for (CLI::App* cmd : {o.ls_cmd, o.usage_cmd, o.rm_cmd}) {
    cmd->add_option("--store", o.store,
                    "content store directory (default: $LXCRI_STORE or /var/lib/lxcri)");
    cmd->add_option("--snapshotter", o.snapshotter, "overlayfs (the default)")
        ->check(CLI::IsMember(layerfs::kSnapshotterNames));
  }
}

SnapshotCommand::~SnapshotCommand() = default;

bool SnapshotCommand::parsed() const {
  return options_->root->parsed();
}

int SnapshotCommand::run() {
  Options& o = *options_;
  if (o.ls_cmd->parsed()) return list(o);
  if (o.usage_cmd->parsed()) return usage(o);
  return remove(o);
}

}  // namespace lxcri
