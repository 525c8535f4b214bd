#include "exit_codes.h"

#include <cstdio>

namespace lxcri {

int exit_code_for(const core::Error& error) {
  switch (error.code()) {
    case core::ErrorCode::kNotFound:
      return kExitNotFound;
    case core::ErrorCode::kAlreadyExists:
      return kExitExists;
    case core::ErrorCode::kInvalidArgument:
    case core::ErrorCode::kFailedPrecondition:
    case core::ErrorCode::kCapacityExceeded:
    case core::ErrorCode::kCycle:
      return kExitBadContent;
    default:
      return kExitFailure;
  }
}

int report_error(const core::Error& error) {
  std::fprintf(stderr, "lxcri: %s\n", error.to_string().c_str());
  return exit_code_for(error);
}

int report_usage(const core::Error& error) {
  std::fprintf(stderr, "lxcri: %s\n", error.to_string().c_str());
  return kExitUsage;
}

}  // namespace lxcri
