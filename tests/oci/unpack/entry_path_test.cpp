// Entry name cleaning and whiteout names: the lexical half of the unpacker's safety.
#include "oci/unpack/entry_path.h"

#include <gtest/gtest.h>

#include <string>

namespace oci::unpack {
namespace {

std::string clean(std::string_view raw, PathProblem expected = PathProblem::kNone,
                  std::size_t max = 4096, std::size_t max_depth = 1024) {
  std::string out;
  EXPECT_EQ(clean_entry_path(raw, max, max_depth, out), expected) << raw;
  return out;
}

TEST(EntryPath, CleansLikeTar) {
  EXPECT_EQ(clean("a/b/c"), "a/b/c");
  EXPECT_EQ(clean("./a/b"), "a/b");
  EXPECT_EQ(clean("/etc/x"), "etc/x");
  EXPECT_EQ(clean("//etc//x/"), "etc/x");
  EXPECT_EQ(clean("a/./b/."), "a/b");
  EXPECT_EQ(clean("..a/b..c"), "..a/b..c");  // dots inside names are fine
}

TEST(EntryPath, RefusesEscapesAndMalformedNames) {
  clean("../x", PathProblem::kDotDot);
  clean("a/../../x", PathProblem::kDotDot);
  clean("a/..", PathProblem::kDotDot);
  clean("/..", PathProblem::kDotDot);
  clean("", PathProblem::kEmpty);
  clean(std::string_view("a\0b", 3), PathProblem::kNul);
  clean(std::string(5000, 'a'), PathProblem::kTooLong);
  clean("abcdef", PathProblem::kTooLong, 5);
  EXPECT_EQ(clean("abcde", PathProblem::kNone, 5), "abcde");
}

TEST(EntryPath, RefusesTooManyComponents) {
  EXPECT_EQ(clean("a/b/c", PathProblem::kNone, 4096, 3), "a/b/c");
  clean("a/b/c/d", PathProblem::kTooDeep, 4096, 3);
  // Empty and "." components do not count: they are not levels.
  EXPECT_EQ(clean("./a//./b/c/", PathProblem::kNone, 4096, 3), "a/b/c");
  std::string deep;
  for (int i = 0; i < 1025; ++i)
    deep += "d/";
  clean(deep, PathProblem::kTooDeep);
  EXPECT_EQ(clean(deep.substr(2)).size(), 1024u * 2 - 1);
}

TEST(EntryPath, RootItselfIsReportedSeparately) {
  clean("./", PathProblem::kRootItself);
  clean("/", PathProblem::kRootItself);
  clean(".", PathProblem::kRootItself);
  EXPECT_EQ(describe(PathProblem::kDotDot), "path escapes the root (\"..\")");
}

TEST(EntryPath, SplitsParentAndBase) {
  auto s = split_path("a/b/c");
  EXPECT_EQ(s.parent, "a/b");
  EXPECT_EQ(s.base, "c");
  s = split_path("c");
  EXPECT_EQ(s.parent, "");
  EXPECT_EQ(s.base, "c");
}

TEST(EntryPath, ClassifiesWhiteouts) {
  std::string_view victim;
  EXPECT_EQ(classify_whiteout("file", victim), WhiteoutKind::kNone);
  EXPECT_EQ(classify_whiteout(".whatever", victim), WhiteoutKind::kNone);
  EXPECT_EQ(classify_whiteout(".wh..wh..opq", victim), WhiteoutKind::kOpaque);
  EXPECT_EQ(classify_whiteout(".wh..wh..plnk", victim), WhiteoutKind::kReserved);
  EXPECT_EQ(classify_whiteout(".wh.name", victim), WhiteoutKind::kRemove);
  EXPECT_EQ(victim, "name");
  EXPECT_EQ(classify_whiteout(".wh.", victim), WhiteoutKind::kInvalid);
  EXPECT_EQ(classify_whiteout(".wh..", victim), WhiteoutKind::kInvalid);
  EXPECT_EQ(classify_whiteout(".wh...", victim), WhiteoutKind::kInvalid);
}

}  // namespace
}  // namespace oci::unpack
