#include "core/Executor.h"

#include <algorithm>
#include <optional>

#include <c10/core/InferenceMode.h>
#include <c10/core/StreamGuard.h>
#include <c10/core/impl/DeviceGuardImplInterface.h>
#include <torch/csrc/jit/runtime/graph_executor.h>

#include "core/CoreSeat.h"
#include "core/Error.h"
#include "core/Runtime.h"

namespace kokoro {
namespace {

// The pass this executor thread runs now: its share of the cores (adaptive threads) and the jobs
// of it not yet settled.
struct CurrentPass {
  std::optional<CoreSeat::Pass> cores;
  size_t unsettled = 0;
};
thread_local CurrentPass* currentPass = nullptr;

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
      firstAudio_(options.firstAudio),
      coreShare_(options.adaptiveCores > 0 ? std::make_unique<CoreShare>(options.adaptiveCores, std::max(1, options.executors),
                                                                                options.threadsPerExecutor)
                                           : nullptr) {
  stats_.executors = options_.executors;
  stats_.threadsPerExecutor = coreShare_ ? 0 : options_.threadsPerExecutor;
  stats_.adaptiveCores = coreShare_ ? coreShare_->cores() : 0;
  stats_.batchSizeCounts.assign(maxBatch_ + 1, 0);
  if (coreShare_) stats_.passesByStartThreads.assign(static_cast<size_t>(coreShare_->maxPerPass()) + 1, 0);
  for (int i = 0; i < std::max(1, options_.executors); ++i) threads_.emplace_back(&Executor::runThread, this, i);
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

void Executor::runThread(int seat) {
  std::optional<CoreSeat> coreSeat;
  if (coreShare_) {
    coreSeat.emplace(*coreShare_, seat);
  } else {
    applyThreadCount(options_.threadsPerExecutor);
  }
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
    CurrentPass current;
    if (coreSeat) current.cores.emplace(*coreSeat);
    current.unsettled = batch.size();
    {
      std::lock_guard<std::mutex> lock(statsMutex_);
      stats_.running += batch.size();
      if (current.cores) ++stats_.passesByStartThreads[static_cast<size_t>(coreSeat->threads())];
    }
    currentPass = &current;
    runner_.run(batch, *this);
    currentPass = nullptr;
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
  // The pass gives its cores back before its last job settles: a caller who sends the next
  // request on seeing this result finds them free.
  if (currentPass != nullptr && currentPass->unsettled > 0 && --currentPass->unsettled == 0) {
    currentPass->cores.reset();
  }
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
  if (coreShare_) snapshot.threadsInUse = coreShare_->threadsInUse();
  snapshot.firstAudioWaiting = firstAudio_.waiting();
  snapshot.firstAudioShortened = firstAudio_.shortened();
  return snapshot;
}

}  // namespace kokoro
