// The replaced global operator new/delete (every form: plain, array, nothrow,
// aligned, sized) that feed MemoryMetrics. Built as the object library
// `lx_core_memhook`: linking it into a binary is the opt-in. Memory comes from
// malloc/aligned_alloc, and each block is counted at its usable size on both
// sides, so sized and unsized deletes agree.
#include <malloc.h>

#include <cstdlib>
#include <new>

#include "core/memory/alloc_counters.h"

namespace {

struct MarkInstalled {
  MarkInstalled() { core::detail::alloc_hook_installed.store(true, std::memory_order_relaxed); }
} mark_installed;

void* counted(void* p) {
  if (p != nullptr) core::detail::record_allocation(malloc_usable_size(p));
  return p;
}

void* try_allocate(std::size_t size) {
  return counted(std::malloc(size == 0 ? 1 : size));
}

void* try_allocate_aligned(std::size_t size, std::align_val_t align) {
  const auto a = static_cast<std::size_t>(align);
  const std::size_t rounded = size == 0 ? a : (size + a - 1) / a * a;
  return counted(std::aligned_alloc(a, rounded));
}

// The standard's loop: on failure call the new-handler, or throw bad_alloc.
template <class Try>
void* allocate_or_throw(Try try_once) {
  for (;;) {
    if (void* p = try_once()) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void* allocate(std::size_t size) {
  return allocate_or_throw([&] { return try_allocate(size); });
}

void* allocate_aligned(std::size_t size, std::align_val_t align) {
  return allocate_or_throw([&] { return try_allocate_aligned(size, align); });
}

template <class Alloc>
void* allocate_nothrow(Alloc alloc) noexcept {
  try {
    return alloc();
  } catch (...) {
    return nullptr;
  }
}

void release(void* p) noexcept {
  if (p == nullptr) return;
  core::detail::record_deallocation(malloc_usable_size(p));
  std::free(p);
}

}  // namespace

void* operator new(std::size_t size) {
  return allocate(size);
}
void* operator new[](std::size_t size) {
  return allocate(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return allocate_nothrow([&] { return allocate(size); });
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return allocate_nothrow([&] { return allocate(size); });
}
void* operator new(std::size_t size, std::align_val_t align) {
  return allocate_aligned(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return allocate_aligned(size, align);
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return allocate_nothrow([&] { return allocate_aligned(size, align); });
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return allocate_nothrow([&] { return allocate_aligned(size, align); });
}

void operator delete(void* p) noexcept {
  release(p);
}
void operator delete[](void* p) noexcept {
  release(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete(void* p, std::size_t) noexcept {
  release(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  release(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  release(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  release(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  release(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  release(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  release(p);
}
