// libtorch's CPU allocator with large blocks served by a TensorPool (see TensorPool.h for why);
// smaller ones still go to the allocator it replaces.
#pragma once

#include <cstddef>

#include <c10/core/Allocator.h>

#include "core/TensorPool.h"

namespace kokoro {

class PoolingCpuAllocator final : public c10::Allocator {
 public:
  // Makes the process's one pooling allocator libtorch's CPU allocator, on the first call; later
  // calls return it unchanged. Tensors allocated before keep their own deleters.
  static PoolingCpuAllocator& install(size_t minBlockBytes, size_t cacheLimitBytes);
  // The installed allocator, or nullptr.
  static PoolingCpuAllocator* installed();

  const TensorPool& pool() const { return pool_; }
  void trim() { pool_.trim(); }

  // libtorch 1.x declares allocate() const, 2.3+ non-const (and adds copy_data): both are
  // declared, without `override`, so that the one the base class has is overridden.
  c10::DataPtr allocate(size_t bytes) const;
  c10::DataPtr allocate(size_t bytes);
  void copy_data(void* destination, const void* source, size_t bytes) const;
  c10::DeleterFnPtr raw_deleter() const;

 private:
  friend struct InstalledAllocator;
  PoolingCpuAllocator(c10::Allocator* previous, size_t minBlockBytes, size_t cacheLimitBytes);
  static void releaseBlock(void* block);
  static void releaseAny(void* block);

  c10::Allocator* previous_;
  mutable TensorPool pool_;
};

}  // namespace kokoro
