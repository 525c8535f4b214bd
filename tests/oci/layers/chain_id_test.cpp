#include "oci/layers/chain_id.h"

#include <gtest/gtest.h>

#include <vector>

namespace oci::layers {
namespace {

// Computed outside the project with coreutils:
//   D1=sha256:$(printf x | sha256sum)   (likewise y, z)
//   C2=sha256:$(printf "$D1 $D2" | sha256sum); C3=sha256:$(printf "$C2 $D3" | sha256sum)
constexpr const char* kD1 =
    "sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";
constexpr const char* kD2 =
    "sha256:a1fce4363854ff888cff4b8e7875d600c2682390412a8cf79b37d0b11148b0fa";
constexpr const char* kD3 =
    "sha256:594e519ae499312b29433b7dd8a97ff068defcba9755b6d5d00e84c524d67b06";
constexpr const char* kC2 =
    "sha256:81e4e9289150cc4f00e7b01b8f8a78cebb145dfa86d8c0ee5c5ea967e1c43fce";
constexpr const char* kC3 =
    "sha256:5f7ab138b1cc53c6dd78a4f3a7c7d2fcc0c6c4bb7b3ff73effcd839b416f81bd";

Digest d(const char* text) {
  return Digest::parse(text).value();
}

TEST(ChainId, NoLayersGiveNoChain) {
  EXPECT_TRUE(chain_ids({}).empty());
}

TEST(ChainId, BaseLayerChainIdIsItsDiffId) {
  const std::vector<Digest> diff_ids{d(kD1)};
  const std::vector<Digest> chain = chain_ids(diff_ids);
  ASSERT_EQ(chain.size(), 1u);
  EXPECT_EQ(chain[0], d(kD1));
}

TEST(ChainId, MatchesIndependentlyComputedValues) {
  const std::vector<Digest> diff_ids{d(kD1), d(kD2), d(kD3)};
  const std::vector<Digest> chain = chain_ids(diff_ids);
  ASSERT_EQ(chain.size(), 3u);
  EXPECT_EQ(chain[0].str(), kD1);
  EXPECT_EQ(chain[1].str(), kC2);
  EXPECT_EQ(chain[2].str(), kC3);
  EXPECT_EQ(next_chain_id(d(kC2), d(kD3)).str(), kC3);
}

TEST(ChainId, OrderMatters) {
  const std::vector<Digest> ab{d(kD1), d(kD2)};
  const std::vector<Digest> ba{d(kD2), d(kD1)};
  EXPECT_NE(chain_ids(ab).back(), chain_ids(ba).back());
}

}  // namespace
}  // namespace oci::layers
