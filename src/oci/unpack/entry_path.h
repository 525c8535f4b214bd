// oci/unpack/entry_path.h: turning a tar entry's name into a path inside the
// rootfs, and recognising OCI whiteout names (internal to src/oci/unpack).
//
// Names are cleaned like tar does (leading "/" and "./" dropped, "." and empty
// components removed, so "/etc/x" lands in <root>/etc/x) and refused when
// they could leave the root (a ".." component) or are malformed. Cleaning is
// lexical only: symlinks are handled by resolving inside the root
// (root_dir.h), never by looking at the name.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace oci::unpack {

enum class PathProblem {
  kNone,
  kRootItself,  // only "/" and "." components: the root directory itself
  kEmpty,       // an empty name
  kDotDot,      // a ".." component
  kNul,         // a NUL byte
  kTooLong,     // longer than the limit
  kTooDeep,     // more components than the limit
};

// Cleans `raw` into `out` ("a/b/c": no leading, trailing or doubled "/", no
// "." components). `out` is reused, so a caller looping over entries does not
// allocate once its capacity suffices. On a problem `out` is unspecified.
// `max_depth` bounds the components: each one may become a directory level,
// and a deep tree is costly for everything that walks it.
PathProblem clean_entry_path(std::string_view raw, std::size_t max_bytes, std::size_t max_depth,
                             std::string& out);

// Why a name is refused, for error messages ("path escapes the root (\"..\")").
std::string_view describe(PathProblem problem);

// "a/b/c" -> parent "a/b", base "c"; "c" -> parent "", base "c".
struct SplitPath {
  std::string_view parent;
  std::string_view base;
};
SplitPath split_path(std::string_view clean_path);

// What an entry's base name means under the OCI layer rules.
enum class WhiteoutKind {
  kNone,      // an ordinary entry
  kOpaque,    // ".wh..wh..opq": the directory hides everything from lower layers
  kRemove,    // ".wh.NAME": NAME is deleted from lower layers
  kReserved,  // another ".wh..wh." name: reserved by the spec, never materialised
  kInvalid,   // ".wh.", ".wh.." or ".wh...": would delete the directory itself or its parent
};
// For kRemove, `victim` receives NAME.
WhiteoutKind classify_whiteout(std::string_view base, std::string_view& victim);

}  // namespace oci::unpack
