// runtime/state: container directories (atomic create, per-id lock), the
// state record, and the status derived from the live process.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "runtime/state/container_dir.h"
#include "runtime/state/container_state.h"
#include "runtime/state/process_probe.h"

namespace runtime::state {
namespace {

class ContainerDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (std::filesystem::temp_directory_path() / ("state-test-" + std::to_string(::getpid())))
                .string();
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
};

TEST_F(ContainerDirTest, CreateIsAtomicAndExclusive) {
  auto a = ContainerDir::create(root_, "c1");
  ASSERT_TRUE(a.is_ok()) << a.error().to_string();
  using std::filesystem::perms;
  EXPECT_EQ(std::filesystem::status(root_).permissions() & perms::all,
            perms::owner_all | perms::group_exec | perms::others_exec);
  EXPECT_EQ(std::filesystem::status(root_ + "/c1").permissions() & perms::all, perms::owner_all);
  auto again = ContainerDir::create(root_, "c1");
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.error().code(), core::ErrorCode::kAlreadyExists);
}

TEST_F(ContainerDirTest, IdsAreChecked) {
  for (const char* bad : {"", ".", "..", "a/b", "../x", "a b", "x\n"}) {
    auto d = ContainerDir::create(root_, bad);
    ASSERT_FALSE(d.is_ok()) << bad;
    EXPECT_EQ(d.error().code(), core::ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(check_container_id("abc-DEF_1.2+3").is_ok());
  EXPECT_FALSE(check_container_id(std::string(1025, 'a')).is_ok());
}

TEST_F(ContainerDirTest, FilesAreReplacedAtomicallyAndRemovedWithTheDir) {
  auto d = ContainerDir::create(root_, "c1");
  ASSERT_TRUE(d.is_ok());
  ASSERT_TRUE(d.value().write_file("state.json", "one").is_ok());
  ASSERT_TRUE(d.value().write_file("state.json", "two").is_ok());
  EXPECT_EQ(d.value().read_file("state.json").value(), "two");
  EXPECT_EQ(d.value().read_file("missing").error().code(), core::ErrorCode::kNotFound);
  for (const auto& e : std::filesystem::directory_iterator(d.value().path())) {
    EXPECT_EQ(e.path().filename(), "state.json") << "temp file left: " << e.path();
  }
  ASSERT_TRUE(d.value().remove().is_ok());
  EXPECT_FALSE(std::filesystem::exists(root_ + "/c1"));
  auto gone = ContainerDir::open(root_, "c1");
  ASSERT_FALSE(gone.is_ok());
  EXPECT_EQ(gone.error().code(), core::ErrorCode::kNotFound);
}

TEST_F(ContainerDirTest, OpenWaitsForTheHolderAndSeesItsDelete) {
  auto holder = ContainerDir::create(root_, "c1");
  ASSERT_TRUE(holder.is_ok());
  std::atomic<bool> released{false};
  std::atomic<int> code{-1};
  std::thread waiter([&] {
    auto d = ContainerDir::open(root_, "c1");
    // open() may only return once the holder let go of the lock.
    EXPECT_TRUE(released.load());
    code = d.is_ok() ? 0 : static_cast<int>(d.error().code());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  released = true;
  ASSERT_TRUE(holder.value().remove().is_ok());
  holder = core::Error(core::ErrorCode::kCancelled, "released");  // closes the locked fd
  waiter.join();
  EXPECT_EQ(code.load(), static_cast<int>(core::ErrorCode::kNotFound));
}

TEST(ContainerState, JsonRoundTripAndBadRecords) {
  ContainerState s;
  s.oci_version = "1.0.2";
  s.id = "c1";
  s.bundle = "/b";
  s.pid = 42;
  s.pid_start_time = 777;
  s.started = true;
  s.annotations = {{"a", "b"}};
  s.cgroup_dirs = {"/sys/fs/cgroup/pids/lxcri/c1"};
  s.pids_dir = "/sys/fs/cgroup/pids/lxcri/c1";
  auto back = state_from_json(to_json(s), "state.json");
  ASSERT_TRUE(back.is_ok()) << back.error().to_string();
  EXPECT_EQ(back.value().pid, 42);
  EXPECT_EQ(back.value().pid_start_time, 777u);
  EXPECT_TRUE(back.value().started);
  EXPECT_EQ(back.value().annotations.at("a"), "b");
  EXPECT_EQ(back.value().pids_dir, s.pids_dir);
  auto bad = state_from_json("{\"id\": \"c1\"}", "/run/lxcri/c1/state.json");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.error().context().file, "/run/lxcri/c1/state.json");
  EXPECT_FALSE(state_from_json("not json", "s").is_ok());
}

TEST(ContainerState, StatusFollowsTheLiveProcess) {
  auto me = read_process_stat(::getpid());
  ASSERT_TRUE(me.has_value());
  EXPECT_EQ(me->ppid, ::getppid());
  ContainerState s;
  s.pid = ::getpid();
  s.pid_start_time = me->start_time;
  EXPECT_EQ(live_status(s), Status::kCreated);
  s.started = true;
  EXPECT_EQ(live_status(s), Status::kRunning);
  // The same pid with another start time is another process: ours is gone.
  s.pid_start_time = me->start_time + 1;
  EXPECT_EQ(live_status(s), Status::kStopped);
  s.pid = 0;
  EXPECT_EQ(live_status(s), Status::kStopped);
  auto json = oci_state_json(s, Status::kStopped);
  EXPECT_NE(json.find("\"pid\": 0"), std::string::npos);
  EXPECT_NE(json.find("\"status\": \"stopped\""), std::string::npos);
}

TEST(ProcessProbe, ZombiesCountAsGone) {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  // Until it is reaped the child is a zombie: not alive.
  std::optional<ProcessStat> st;
  for (int i = 0; i < 1000; ++i) {
    st = read_process_stat(child);
    if (st && st->state == 'Z') break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->state, 'Z');
  EXPECT_FALSE(process_alive(child, st->start_time));
  int status;
  ::waitpid(child, &status, 0);
  EXPECT_FALSE(read_process_stat(child).has_value());
}

}  // namespace
}  // namespace runtime::state
