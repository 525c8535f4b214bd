#include "oci/transport/descriptor_json.h"

namespace oci::transport {

nlohmann::ordered_json descriptor_json(std::string_view media_type, const Digest& digest,
                                       std::uint64_t size) {
  nlohmann::ordered_json j;
  j["mediaType"] = media_type;
  j["digest"] = digest.str();
  j["size"] = size;
  return j;
}

}  // namespace oci::transport
