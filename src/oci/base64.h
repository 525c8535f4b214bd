// oci/base64.h: strict RFC 4648 base64 decoding, for a descriptor's `data`
// (internal to src/oci).
//
// Strict because the decoded bytes are checked against a digest: padding is
// required, no whitespace, and the unused bits of the last character must be
// zero, so every byte string has exactly one accepted encoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace oci {

// The decoded bytes, or nullopt when `text` is not canonical base64.
std::optional<std::string> decode_base64(std::string_view text);
// Canonical base64 (with padding) of `bytes`.
std::string encode_base64(std::string_view bytes);

}  // namespace oci
