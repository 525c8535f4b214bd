// The parts of `exec` and terminals that need no container: runc exec's
// flags applied to a process, `--process` files, and lines carrying
// descriptors between the helper and the runtime.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>

#include "runtime/lxc/fd_channel.h"
#include "runtime/spec/config.h"
#include "runtime/spec/names.h"
#include "runtime/spec/process_overrides.h"

namespace runtime {
namespace {

spec::Process base_process() {
  spec::Process p;
  p.args = {"sleep", "1000"};
  p.env = {"PATH=/bin", "A=1"};
  p.cwd = "/";
  p.user.uid = 0;
  p.user.gid = 7;
  p.user.additional_gids = {1};
  p.capabilities = spec::Capabilities{};
  p.capabilities->bounding = 1;
  p.capabilities->inheritable = 1;
  p.console_size = spec::ConsoleSize{10, 20};
  return p;
}

TEST(ProcessOverrides, RuncExecFlagsChangeTheContainersProcess) {
  spec::ProcessOverrides o;
  o.args = {"sh", "-c", "x"};
  o.env = {"A=2", "B=3"};
  o.cwd = "/tmp";
  o.user = "1000";
  o.additional_gids = {5};
  o.capabilities = {"CAP_NET_ADMIN"};
  o.no_new_privileges = true;
  o.terminal = true;
  auto p = spec::apply_overrides(base_process(), o);
  ASSERT_TRUE(p.is_ok()) << p.error().to_string();
  EXPECT_EQ(p.value().args, o.args);
  EXPECT_EQ(p.value().env, (std::vector<std::string>{"PATH=/bin", "A=2", "B=3"}));
  EXPECT_EQ(p.value().cwd, "/tmp");
  EXPECT_EQ(p.value().user.uid, 1000u);
  EXPECT_EQ(p.value().user.gid, 7u);  // kept: --user gave no gid
  EXPECT_EQ(p.value().user.additional_gids, (std::vector<std::uint32_t>{1, 5}));
  std::uint64_t net_admin = std::uint64_t{1} << *spec::capability_number("CAP_NET_ADMIN");
  EXPECT_EQ(p.value().capabilities->bounding, 1 | net_admin);
  EXPECT_EQ(p.value().capabilities->effective, net_admin);
  EXPECT_EQ(p.value().capabilities->permitted, net_admin);
  EXPECT_EQ(p.value().capabilities->ambient, net_admin);  // inheritable was set
  EXPECT_EQ(p.value().capabilities->inheritable, 1u);
  EXPECT_TRUE(p.value().no_new_privileges);
  EXPECT_TRUE(p.value().terminal);
  EXPECT_FALSE(p.value().console_size.has_value());

  o.user = "1000:1001";
  EXPECT_EQ(spec::apply_overrides(base_process(), o).value().user.gid, 1001u);
}

TEST(ProcessOverrides, BadFlagsNameTheFlag) {
  using Edit = std::function<void(spec::ProcessOverrides&)>;
  auto expect_bad = [](const Edit& edit, const std::string& field, const std::string& text) {
    spec::ProcessOverrides o;
    if (field != "ARGS") o.args = {"true"};
    edit(o);
    auto p = spec::apply_overrides(base_process(), o);
    ASSERT_FALSE(p.is_ok()) << field;
    EXPECT_EQ(p.error().context().field, field);
    EXPECT_NE(p.error().message().find(text), std::string::npos) << p.error().to_string();
  };
  expect_bad([](auto&) {}, "ARGS", "name the program");
  expect_bad([](auto& o) { o.env = {"NOVALUE"}; }, "--env", "NAME=VALUE");
  expect_bad([](auto& o) { o.env = {"=x"}; }, "--env", "NAME=VALUE");
  expect_bad([](auto& o) { o.cwd = "tmp"; }, "--cwd", "absolute");
  for (const char* user : {"root", "1:", ":1", "1:x", "-1", "99999999999"}) {
    expect_bad([&](auto& o) { o.user = user; }, "--user", "UID or UID:GID");
  }
  expect_bad([](auto& o) { o.capabilities = {"CAP_FLY"}; }, "--cap",
             "unknown capability 'CAP_FLY'");
}

TEST(ProcessFile, ParsedWithTheConfigsRulesAndPaths) {
  auto p = spec::parse_process(
      R"({"terminal": true, "consoleSize": {"height": 5, "width": 6}, "args": ["ls"],
          "cwd": "/", "user": {"uid": 1, "gid": 2}, "env": ["X=1"]})",
      "p.json");
  ASSERT_TRUE(p.is_ok()) << p.error().to_string();
  EXPECT_TRUE(p.value().terminal);
  EXPECT_EQ(p.value().console_size->height, 5u);
  EXPECT_EQ(p.value().console_size->width, 6u);
  EXPECT_EQ(p.value().user.gid, 2u);

  struct Case {
    const char* json;
    const char* field;
  } cases[] = {
      {R"({"args": ["ls"], "cwd": "rel", "user": {"uid": 0, "gid": 0}})", "cwd"},
      {R"({"args": [], "cwd": "/", "user": {"uid": 0, "gid": 0}})", "args"},
      {R"({"args": ["ls"], "cwd": "/"})", "user"},
      {R"({"args": ["ls"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "consoleSize": {"height": 1}})",
       "consoleSize.width"},
      {R"(["ls"])", ""},
  };
  for (const auto& c : cases) {
    auto bad = spec::parse_process(c.json, "p.json");
    ASSERT_FALSE(bad.is_ok()) << c.json;
    EXPECT_EQ(bad.error().context().file, "p.json");
    if (*c.field) {
      EXPECT_EQ(bad.error().context().field, c.field) << bad.error().to_string();
    }
  }
  auto truncated = spec::parse_process(R"({"args": ["ls"], )", "p.json");
  ASSERT_FALSE(truncated.is_ok());
  EXPECT_EQ(truncated.error().context().file, "p.json");
}

TEST(FdChannel, LinesCarryDescriptorsAndNewlinesCannotSplitThem) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ASSERT_TRUE(lxc::send_line(sv[0], "terminal", pipe_fds[1]));
  ASSERT_TRUE(lxc::send_line(sv[0], "error two\nlines"));
  ::close(sv[0]);

  std::string line;
  int fd = -1;
  ASSERT_TRUE(lxc::receive_line(sv[1], line, fd));
  EXPECT_EQ(line, "terminal");
  ASSERT_GE(fd, 0);
  EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  // The received descriptor is the pipe's write end: what goes in comes out.
  ASSERT_EQ(::write(fd, "x", 1), 1);
  char c = 0;
  ASSERT_EQ(::read(pipe_fds[0], &c, 1), 1);
  EXPECT_EQ(c, 'x');
  ::close(fd);

  ASSERT_TRUE(lxc::receive_line(sv[1], line, fd));
  EXPECT_EQ(line, "error two lines");
  EXPECT_EQ(fd, -1);
  EXPECT_FALSE(lxc::receive_line(sv[1], line, fd));  // end of file
  ::close(sv[1]);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST(FdChannel, ConsoleSocketErrorsNameThePath) {
  std::string error = lxc::send_to_console_socket("/nonexistent/console.sock", 0, "x");
  EXPECT_NE(error.find("/nonexistent/console.sock"), std::string::npos) << error;
  error = lxc::send_to_console_socket(std::string(200, 'a'), 0, "x");
  EXPECT_NE(error.find("too long"), std::string::npos) << error;
}

}  // namespace
}  // namespace runtime
