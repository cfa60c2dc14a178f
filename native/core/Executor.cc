#include "core/Executor.h"

#include <algorithm>
#include <optional>

#include <c10/core/InferenceMode.h>
#include <c10/core/StreamGuard.h>
#include <c10/core/impl/DeviceGuardImplInterface.h>
#include <torch/csrc/jit/runtime/graph_executor.h>

#include "core/Error.h"
#include "core/Runtime.h"

namespace kokoro {
namespace {

void settleWith(const JobPtr& job, const char* code, const std::string& message) {
  job->settle({std::nullopt, std::make_exception_ptr(KokoroError(code, message))});
}

}  // namespace

Executor::Executor(std::shared_ptr<const KModel> model, ExecutorOptions options)
    : model_(std::move(model)),
      options_(options),
      // Without batch methods (a TorchScript file saved by an older version) a "batch" would
      // only run its members one after another and delay the first: take one job at a time.
      maxBatch_(model_->hasBatchMethods() ? std::max<size_t>(1, options.batchMaxSize) : 1),
      runner_(model_),
      queue_(std::max<size_t>(1, options.maxQueue), options.whenFull),
      firstAudio_(options.firstAudio) {
  stats_.executors = options_.executors;
  stats_.threadsPerExecutor = options_.threadsPerExecutor;
  stats_.batchSizeCounts.assign(maxBatch_ + 1, 0);
  for (int i = 0; i < std::max(1, options_.executors); ++i) threads_.emplace_back(&Executor::runThread, this);
  exitRegistration_ = ExitGuard::onExit([this] { shutdown(); });
}

Executor::~Executor() { shutdown(); }

void Executor::submit(const JobPtr& job) {
  {
    std::lock_guard<std::mutex> lock(statsMutex_);
    ++stats_.submitted;
  }
  switch (queue_.push(job)) {
    case BatchQueue::Admission::kQueued:
    case BatchQueue::Admission::kParked:
      return;
    case BatchQueue::Admission::kRejected: {
      {
        std::lock_guard<std::mutex> lock(statsMutex_);
        ++stats_.rejected;
      }
      settleWith(job, codes::kQueueFull,
                 "the model's queue is full (" + std::to_string(options_.maxQueue) +
                     " requests waiting). Retry later, raise maxQueue, or load the model with whenFull: 'wait'.");
      return;
    }
    case BatchQueue::Admission::kClosed: {
      {
        std::lock_guard<std::mutex> lock(statsMutex_);
        ++stats_.failed;
      }
      settleWith(job, codes::kDisposed, "the model was disposed; load it again to use it");
      return;
    }
  }
}

void Executor::cancel(const JobPtr& job) {
  job->requestCancel();
  if (!queue_.remove(job)) return;  // running: the BatchRunner drops it at a stage boundary
  if (job->settle({std::nullopt, std::make_exception_ptr(KokoroError(codes::kAborted, "the request was cancelled"))})) {
    std::lock_guard<std::mutex> lock(statsMutex_);
    ++stats_.cancelled;
  }
}

void Executor::shutdown() {
  std::lock_guard<std::mutex> lock(shutdownMutex_);
  if (shutDown_) return;
  shutDown_ = true;
  for (const JobPtr& job : queue_.close()) {
    if (job->settle({std::nullopt, std::make_exception_ptr(KokoroError(
                                       codes::kDisposed, "the model was disposed before this request ran"))})) {
      std::lock_guard<std::mutex> statsLock(statsMutex_);
      ++stats_.failed;
    }
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void Executor::runThread() {
  applyThreadCount(options_.threadsPerExecutor);
  const c10::Device device(model_->device());
  // The graph executor's optimise switch is per thread in libtorch: set it on each executor.
  torch::jit::setGraphExecutorOptimize(jitOptimizeWanted(device.is_cuda()));
  // One CUDA stream per executor, so that executors overlap on the GPU.
  std::optional<c10::StreamGuard> stream;
  if (device.is_cuda()) {
    stream.emplace(c10::impl::getDeviceGuardImpl(c10::DeviceType::CUDA)->getStreamFromGlobalPool(device));
  }
  c10::InferenceMode inferenceMode;
  for (;;) {
    std::vector<JobPtr> batch = queue_.takeBatch(maxBatch_, options_.batchWindow);
    if (batch.empty()) return;
    {
      std::lock_guard<std::mutex> lock(statsMutex_);
      stats_.running += batch.size();
    }
    runner_.run(batch, *this);
  }
}

void Executor::predictPass(size_t requests, double seconds) {
  std::lock_guard<std::mutex> lock(statsMutex_);
  ++stats_.batches;
  if (requests < stats_.batchSizeCounts.size()) ++stats_.batchSizeCounts[requests];
  stats_.predictSeconds += seconds;
}

void Executor::decodePass(double seconds) {
  std::lock_guard<std::mutex> lock(statsMutex_);
  stats_.decodeSeconds += seconds;
}

void Executor::settling(Settled how, double audioSeconds) {
  std::lock_guard<std::mutex> lock(statsMutex_);
  --stats_.running;
  switch (how) {
    case Settled::kCompleted:
      ++stats_.completed;
      stats_.audioSeconds += audioSeconds;
      break;
    case Settled::kFailed:
      ++stats_.failed;
      break;
    case Settled::kCancelled:
      ++stats_.cancelled;
      break;
  }
}

ExecutorStats Executor::stats() const {
  std::lock_guard<std::mutex> lock(statsMutex_);
  ExecutorStats snapshot = stats_;
  snapshot.queued = queue_.waiting();
  snapshot.firstAudioWaiting = firstAudio_.waiting();
  snapshot.firstAudioShortened = firstAudio_.shortened();
  return snapshot;
}

}  // namespace kokoro
