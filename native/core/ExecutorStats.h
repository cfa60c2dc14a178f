// A snapshot of what an Executor has done and is doing (model.stats() in JavaScript; the
// server's metrics are built on this shape).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kokoro {

struct ExecutorStats {
  int executors = 0;
  int threadsPerExecutor = 0;  // 0 when adaptive
  int adaptiveCores = 0;       // > 0: threads adapt per pass within this many cores (CoreShare)
  int threadsInUse = 0;        // adaptive: intra-op threads of the passes running now
  std::vector<uint64_t> passesByStartThreads;  // adaptive: [n] = passes that began with n threads
  size_t queued = 0;    // waiting to run (including those parked by whenFull 'wait')
  size_t running = 0;   // requests inside a forward pass now
  uint64_t submitted = 0, completed = 0, failed = 0, cancelled = 0, rejected = 0;
  uint64_t batches = 0;                   // predict passes
  std::vector<uint64_t> batchSizeCounts;  // [n] = predict passes with n requests
  double predictSeconds = 0, decodeSeconds = 0;
  double audioSeconds = 0;                // audio produced
  size_t firstAudioWaiting = 0;           // streams waiting for their first audio now
  uint64_t firstAudioShortened = 0;       // first chunks cut to the crowded budget (FirstAudioPolicy)
};

}  // namespace kokoro
