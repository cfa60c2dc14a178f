#include "core/PoolingCpuAllocator.h"

#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>

#include <c10/core/CPUAllocator.h>
#include <c10/util/Exception.h>

namespace kokoro {

// Holds the allocator without ever destroying it: tensors owned by static objects (libtorch's
// or ours) are freed during exit, after a plain static would be gone.
struct InstalledAllocator {
  union {
    PoolingCpuAllocator allocator;
  };
  InstalledAllocator(c10::Allocator* previous, size_t minBlockBytes, size_t cacheLimitBytes)
      : allocator(previous, minBlockBytes, cacheLimitBytes) {}
  ~InstalledAllocator() {}
};

namespace {
std::atomic<PoolingCpuAllocator*> current{nullptr};
}  // namespace

PoolingCpuAllocator::PoolingCpuAllocator(c10::Allocator* previous, size_t minBlockBytes, size_t cacheLimitBytes)
    : previous_(previous), pool_(minBlockBytes, cacheLimitBytes) {}

PoolingCpuAllocator& PoolingCpuAllocator::install(size_t minBlockBytes, size_t cacheLimitBytes) {
  static InstalledAllocator holder(c10::GetCPUAllocator(), minBlockBytes, cacheLimitBytes);
  static std::once_flag once;
  std::call_once(once, [] {
    current.store(&holder.allocator);
    c10::SetCPUAllocator(&holder.allocator);
  });
  return holder.allocator;
}

PoolingCpuAllocator* PoolingCpuAllocator::installed() { return current.load(); }

c10::DataPtr PoolingCpuAllocator::allocate(size_t bytes) const {
  if (!pool_.serves(bytes)) return previous_->allocate(bytes);
  void* block = nullptr;
  try {
    block = pool_.allocate(bytes);
  } catch (const std::bad_alloc&) {
    // Reported like libtorch's own allocator reports it, so callers classify it the same way.
    TORCH_CHECK_WITH(OutOfMemoryError, false, "tensor pool: not enough memory: you tried to allocate ", bytes, " bytes.");
  }
  return {block, block, &releaseBlock, c10::Device(c10::DeviceType::CPU)};
}

c10::DataPtr PoolingCpuAllocator::allocate(size_t bytes) { return std::as_const(*this).allocate(bytes); }

void PoolingCpuAllocator::copy_data(void* destination, const void* source, size_t bytes) const {
  if (bytes > 0) std::memcpy(destination, source, bytes);
}

c10::DeleterFnPtr PoolingCpuAllocator::raw_deleter() const {
  // The raw interface needs one deleter for every block: it asks the pool first.
  return previous_->raw_deleter() == nullptr ? nullptr : &releaseAny;
}

void PoolingCpuAllocator::releaseBlock(void* block) { current.load()->pool_.release(block); }

void PoolingCpuAllocator::releaseAny(void* block) {
  PoolingCpuAllocator* self = current.load();
  if (!self->pool_.release(block)) self->previous_->raw_deleter()(block);
}

}  // namespace kokoro
