// apps/lxcri/image_render.h: how `lxcri image ls` and `lxcri image inspect`
// show images, as a text table/summary or as JSON (`--format json`).
//
// The JSON keeps the spec's own field names (mediaType, digest, size,
// diff_ids) so that it reads like the documents it describes; `inspect`
// embeds the manifest and config exactly as stored.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "oci/layers/image_resolver.h"
#include "oci/store/store.h"

namespace lxcri {

// One line of `ls`: a ref and what it resolves to, or why it does not.
struct ImageRow {
  std::string ref;
  oci::Descriptor root;
  std::optional<oci::layers::ResolvedImage> image;
  std::string error;  // set when `image` is empty
};

nlohmann::json image_row_json(const ImageRow& row);
std::string image_table(const std::vector<ImageRow>& rows);

// `inspect`: the root descriptor, the path through indexes, the manifest and
// config as stored, and each layer with its diff id and chain id.
core::Result<nlohmann::json> inspect_json(const oci::store::Store& store, const ImageRow& row);
std::string inspect_text(const ImageRow& row);

}  // namespace lxcri
