// The model's own threads: every inference (infer() and every stream chunk) runs here, never on
// the caller's thread or libuv's pool. A fixed set of executor threads, each with its own
// intra-op thread count (and its own CUDA stream on a GPU), takes batches from one bounded
// BatchQueue and runs them through a BatchRunner. Submitting never blocks; outcomes come back
// through each job's completion.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/BatchQueue.h"
#include "core/BatchRunner.h"
#include "core/CoreShare.h"
#include "core/ExecutorStats.h"
#include "core/ExitGuard.h"
#include "core/FirstAudioPolicy.h"
#include "core/InferenceJob.h"
#include "core/KModel.h"

namespace kokoro {

struct ExecutorOptions {
  int executors = 1;
  int threadsPerExecutor = 1;
  // > 0: threads are 'adaptive': the executors' passes share this many cores (CoreShare), a pass
  // alone taking all of them but at most threadsPerExecutor.
  int adaptiveCores = 0;
  size_t maxQueue = 256;
  WhenFull whenFull = WhenFull::kWait;
  size_t batchMaxSize = 8;                 // 1 disables batching
  std::chrono::microseconds batchWindow{0};  // how long a job may wait for company
  FirstAudioOptions firstAudio;              // first chunks of a crowd of streams
};

class Executor : private PassObserver {
 public:
  Executor(std::shared_ptr<const KModel> model, ExecutorOptions options);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Queues a job. A full queue (whenFull 'reject') or a shut-down executor settles it at once
  // with KOKORO_QUEUE_FULL or KOKORO_DISPOSED, on this thread.
  void submit(const JobPtr& job);
  // Cancels a job: removed from the queue and settled with KOKORO_ABORTED if it has not
  // started, else dropped at the next stage boundary while its batch mates complete unchanged.
  void cancel(const JobPtr& job);
  // Stops the threads (after their current pass) and fails the jobs still queued with
  // KOKORO_DISPOSED. Idempotent; the destructor and process exit call it. Never call from an
  // executor thread.
  void shutdown();

  ExecutorStats stats() const;
  // The streams' rule for first audio under a crowd (the streams of this executor share it).
  FirstAudioPolicy& firstAudio() { return firstAudio_; }
  const KModel& model() const { return *model_; }
  const std::shared_ptr<const KModel>& sharedModel() const { return model_; }
  const ExecutorOptions& options() const { return options_; }

 private:
  void runThread(int seat);
  void predictPass(size_t requests, double seconds) override;
  void decodePass(double seconds) override;
  void settling(Settled how, double audioSeconds) override;

  std::shared_ptr<const KModel> model_;
  ExecutorOptions options_;
  size_t maxBatch_;
  BatchRunner runner_;
  BatchQueue queue_;
  FirstAudioPolicy firstAudio_;
  std::unique_ptr<CoreShare> coreShare_;  // adaptive threads only
  std::vector<std::thread> threads_;
  std::mutex shutdownMutex_;
  bool shutDown_ = false;

  mutable std::mutex statsMutex_;
  ExecutorStats stats_;
  // Last member: dropped first, so a shutdown run by process exit never sees a half-destroyed
  // executor.
  ExitGuard::Registration exitRegistration_;
};

}  // namespace kokoro
