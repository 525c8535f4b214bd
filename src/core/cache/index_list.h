// core/cache/index_list.h: an intrusive doubly linked list over array slots.
//
// Internal to core/cache. The cache keeps its entries (and its LFU frequency
// buckets) in arrays and links them by 32-bit index instead of by pointer:
// the links are half the size, survive the array growing, and no node is ever
// allocated on its own. `IndexList` holds only the two ends; each element
// (anything with `uint32_t prev, next` members, reached as `nodes[i]`)
// carries its own links.
#pragma once

#include <cstdint>
#include <limits>

namespace core::cache_detail {

// "No element": the end of a list, or an unused link.
inline constexpr std::uint32_t kNil = std::numeric_limits<std::uint32_t>::max();

struct IndexList {
  std::uint32_t head = kNil;  // front
  std::uint32_t tail = kNil;  // back

  bool empty() const { return head == kNil; }

  template <class Nodes>
  void push_front(Nodes& nodes, std::uint32_t i) {
    nodes[i].prev = kNil;
    nodes[i].next = head;
    if (head != kNil) {
      nodes[head].prev = i;
    } else {
      tail = i;
    }
    head = i;
  }

  // Links `i` right after `pos`, which must be in this list.
  template <class Nodes>
  void insert_after(Nodes& nodes, std::uint32_t pos, std::uint32_t i) {
    const std::uint32_t after = nodes[pos].next;
    nodes[i].prev = pos;
    nodes[i].next = after;
    nodes[pos].next = i;
    if (after != kNil) {
      nodes[after].prev = i;
    } else {
      tail = i;
    }
  }

  template <class Nodes>
  void unlink(Nodes& nodes, std::uint32_t i) {
    const std::uint32_t prev = nodes[i].prev;
    const std::uint32_t next = nodes[i].next;
    if (prev != kNil) {
      nodes[prev].next = next;
    } else {
      head = next;
    }
    if (next != kNil) {
      nodes[next].prev = prev;
    } else {
      tail = prev;
    }
  }
};

}  // namespace core::cache_detail
