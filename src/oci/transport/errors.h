// oci/transport/errors.h: naming the file inside an image source in errors
// (internal to src/oci/transport).
//
// A source holds many files; "digest mismatch" alone does not say which one
// is bad. Errors from lower layers are re-raised with the source-relative
// name first ("blobs/sha256/ab..: ...", "manifest.json: Layers[1]: ..."),
// keeping their code and context so callers can still branch on them.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace oci::transport {

inline core::Error in_file(std::string_view name, const core::Error& error) {
  std::string message(name);
  message += ": ";
  if (!error.context().field.empty()) message += error.context().field + ": ";
  message += error.message();
  return core::Error(error.code(), std::move(message), error.context());
}

inline core::Error invalid_input(std::string_view name, std::string_view message) {
  return core::Error(core::ErrorCode::kInvalidArgument,
                     std::string(name) + ": " + std::string(message));
}

}  // namespace oci::transport
