// oci/transport/descriptor_json.h: the descriptor of a blob this project
// writes into a manifest it makes (an image created from a directory, a
// docker archive converted to OCI).
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "oci/digest.h"

namespace oci::transport {

// {"mediaType", "digest", "size"}, in the order skopeo and umoci write them,
// so a document we write reads like theirs.
nlohmann::ordered_json descriptor_json(std::string_view media_type, const Digest& digest,
                                       std::uint64_t size);

}  // namespace oci::transport
