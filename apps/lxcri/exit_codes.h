// apps/lxcri/exit_codes.h: what `lxcri` exits with, so scripts can tell a
// missing image from a corrupt one without parsing messages.
//
//   0  success
//   1  the operation failed (I/O, an internal error, anything not below)
//   2  usage: a bad command line, image reference or transport name
//   3  not found: an unknown image reference, a missing file or blob
//   4  bad content or state: a digest or size mismatch, a malformed
//      document, a hostile or corrupt archive, a limit exceeded, a dependency
//      cycle, a snapshot that still has children or a snapshotter that
//      cannot work here
//   5  already exists: the target (an unpack directory) is in the way
#pragma once
#include "core/error.h"

namespace lxcri {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotFound = 3;
inline constexpr int kExitBadContent = 4;
inline constexpr int kExitExists = 5;

// The exit code for an error, by its ErrorCode.
int exit_code_for(const core::Error& error);

// Prints "lxcri: <error>" to stderr and returns exit_code_for(error).
int report_error(const core::Error& error);

// A usage error: prints "lxcri: <message>" and returns kExitUsage.
int report_usage(const core::Error& error);

}  // namespace lxcri
