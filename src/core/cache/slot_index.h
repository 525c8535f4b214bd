// core/cache/slot_index.h: the hash index from a key to its slot.
//
// Internal to core/cache. The cache stores entries in a slot array; this index
// maps a key's hash to the slot number. It is open addressing with linear
// probing, kept at most half full, and deletes by shifting the following run
// back (no tombstones, so lookups never slow down with churn). Each cell is 8
// bytes: the slot and 32 bits of the key's hash. Comparing the stored hash
// first means a probe touches the entry itself (another cache line) almost
// only when it is the one sought, and growing never rehashes a key.
//
// The index does not know keys: `find` asks the caller whether a slot holds
// the key. Hashes must come from `mix_hash`, because std::hash of an integer
// is the identity and linear probing needs well spread bits.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/cache/index_list.h"

namespace core::cache_detail {

// Spreads every input bit over the whole word (MurmurHash3's finalizer). The
// index uses the high half; ShardedCache picks shards by the low bits, so the
// two choices stay independent.
inline std::uint64_t mix_hash(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb93fe53ec4d9ULL;
  h ^= h >> 33;
  return h;
}

inline std::uint32_t index_hash(std::uint64_t mixed) {
  return static_cast<std::uint32_t>(mixed >> 32);
}

class SlotIndex {
 public:
  SlotIndex() : cells_(kMinCells), mask_(kMinCells - 1) {}

  // The slot filed under `hash` for which `matches(slot)` is true, or kNil.
  template <class Matches>
  std::uint32_t find(std::uint32_t hash, Matches&& matches) const {
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Cell cell = cells_[i];
      if (cell.slot == kNil) return kNil;
      if (cell.hash == hash && matches(cell.slot)) return cell.slot;
    }
  }

  // Files `slot` under `hash`. Its key must not be in the index already.
  void insert(std::uint32_t hash, std::uint32_t slot) {
    if ((size_ + 1) * 2 > cells_.size()) grow();
    place(hash, slot);
    ++size_;
  }

  // Removes `slot`, which must be filed under `hash`.
  void erase(std::uint32_t hash, std::uint32_t slot) {
    std::size_t hole = hash & mask_;
    while (cells_[hole].slot != slot) {
      hole = (hole + 1) & mask_;
    }
    // Backward-shift: pull each later cell of the run into the hole unless
    // that would move it before its home position.
    for (std::size_t j = (hole + 1) & mask_; cells_[j].slot != kNil; j = (j + 1) & mask_) {
      const std::size_t home = cells_[j].hash & mask_;
      if (((j - home) & mask_) >= ((j - hole) & mask_)) {
        cells_[hole] = cells_[j];
        hole = j;
      }
    }
    cells_[hole].slot = kNil;
    --size_;
  }

  // Empties the index but keeps its memory.
  void clear() {
    std::fill(cells_.begin(), cells_.end(), Cell{});
    size_ = 0;
  }

 private:
  struct Cell {
    std::uint32_t slot = kNil;
    std::uint32_t hash = 0;
  };
  static constexpr std::size_t kMinCells = 16;

  void place(std::uint32_t hash, std::uint32_t slot) {
    std::size_t i = hash & mask_;
    while (cells_[i].slot != kNil) {
      i = (i + 1) & mask_;
    }
    cells_[i] = Cell{slot, hash};
  }

  void grow() {
    std::vector<Cell> old(cells_.size() * 2);
    old.swap(cells_);
    mask_ = cells_.size() - 1;
    for (const Cell& cell : old) {
      if (cell.slot != kNil) place(cell.hash, cell.slot);
    }
  }

  std::vector<Cell> cells_;  // a power of two in size
  std::size_t mask_;
  std::size_t size_ = 0;
};

}  // namespace core::cache_detail
