#include "oci/layers/chain_id.h"

#include <string>

namespace oci::layers {

Digest next_chain_id(const Digest& parent, const Digest& diff_id) {
  std::string text;
  text.reserve(parent.str().size() + 1 + diff_id.str().size());
  text += parent.str();
  text += ' ';
  text += diff_id.str();
  return Digest::sha256_of(text);
}

std::vector<Digest> chain_ids(std::span<const Digest> diff_ids) {
  std::vector<Digest> chain;
  chain.reserve(diff_ids.size());
  for (const Digest& diff_id : diff_ids) {
    chain.push_back(chain.empty() ? diff_id : next_chain_id(chain.back(), diff_id));
  }
  return chain;
}

}  // namespace oci::layers
