#include "core/exec/work_deque.h"

#include <algorithm>
#include <bit>

namespace core {

WorkDeque::WorkDeque(uint32_t capacity)
    : mask_(std::bit_ceil(std::max<size_t>(capacity, 2)) - 1),
      buffer_(new std::atomic<uint32_t>[mask_ + 1]) {}

}  // namespace core
