#include "core/BatchRunner.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "core/Error.h"
#include "core/Limits.h"

namespace kokoro {
namespace {

constexpr int64_t kSamplesPerFrame = 600;
constexpr double kSampleRate = 24000.0;

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Only the runner settles the jobs it was given (a cancel reaching them only sets a flag).
void settleError(const JobPtr& job, std::exception_ptr error, PassObserver& observer) {
  if (job->settled()) return;
  observer.settling(PassObserver::Settled::kFailed, 0);
  job->settle({std::nullopt, std::move(error)});
}

bool settleIfCancelled(const JobPtr& job, PassObserver& observer) {
  if (!job->cancelRequested()) return false;
  if (!job->settled()) {
    observer.settling(PassObserver::Settled::kCancelled, 0);
    job->settle({std::nullopt, std::make_exception_ptr(KokoroError(codes::kAborted, "the request was cancelled"))});
  }
  return true;
}

void settleResult(const JobPtr& job, InferenceResult&& result, PassObserver& observer) {
  observer.settling(PassObserver::Settled::kCompleted, static_cast<double>(result.audio.size()) / kSampleRate);
  job->settle({std::move(result), nullptr});
}

template <typename T>
std::vector<T> toVector(const at::Tensor& tensor) {
  at::Tensor contiguous = tensor.contiguous();
  return std::vector<T>(contiguous.data_ptr<T>(), contiguous.data_ptr<T>() + contiguous.numel());
}

}  // namespace

std::vector<std::vector<size_t>> BatchRunner::decodeGroups(const std::vector<int64_t>& frames) {
  std::vector<size_t> order(frames.size());
  std::iota(order.begin(), order.end(), size_t{0});
  // Longest first: each group's first member sets its padded length.
  std::stable_sort(order.begin(), order.end(), [&frames](size_t a, size_t b) { return frames[a] > frames[b]; });
  std::vector<std::vector<size_t>> groups;
  for (size_t index : order) {
    if (groups.empty() ||
        static_cast<double>(frames[index]) < (1.0 - kDecodeSlack) * static_cast<double>(frames[groups.back().front()])) {
      groups.emplace_back();
    }
    groups.back().push_back(index);
  }
  return groups;
}

void BatchRunner::run(const std::vector<JobPtr>& jobs, PassObserver& observer) const {
  std::vector<Item> items;
  for (const JobPtr& job : jobs) {
    if (settleIfCancelled(job, observer)) continue;
    try {
      items.push_back({job, model_->prepare(job->request())});
    } catch (...) {
      settleError(job, std::current_exception(), observer);
    }
  }
  if (items.size() == 1 || (!items.empty() && !model_->hasBatchMethods())) {
    for (Item& item : items) runAlone(item, observer);
  } else if (!items.empty()) {
    try {
      runBatched(items, observer);
    } catch (...) {
      // A failure of the shared pass fails its unsettled members (bad input was caught per
      // item above; what is left is a libtorch failure that would hit them alike).
      for (Item& item : items) settleError(item.job, std::current_exception(), observer);
    }
  }
}

void BatchRunner::runAlone(Item& item, PassObserver& observer) const {
  if (settleIfCancelled(item.job, observer)) return;
  try {
    StageTimes times;
    InferenceResult result = model_->runPrepared(std::move(item.prepared), &times);
    observer.predictPass(1, times.predict);
    observer.decodePass(times.decode);
    if (!settleIfCancelled(item.job, observer)) settleResult(item.job, std::move(result), observer);
  } catch (...) {
    settleError(item.job, std::current_exception(), observer);
  }
}

void BatchRunner::runBatched(std::vector<Item>& items, PassObserver& observer) const {
  torch::NoGradGuard noGrad;
  const c10::Device device(model_->device());
  const bool async = model_->device() != "cpu";
  const auto batch = static_cast<int64_t>(items.size());

  // Predict item by item: the batch-1 method, so that each item's F0 is the one it gets alone
  // (see the header). A failure here is the item's own.
  auto started = Clock::now();
  std::vector<Prediction> predictions(items.size());
  std::vector<int64_t> live;
  for (int64_t b = 0; b < batch; ++b) {
    if (settleIfCancelled(items[b].job, observer)) continue;
    try {
      predictions[b] = model_->predict(items[b].prepared);
      live.push_back(b);
    } catch (...) {
      settleError(items[b].job, std::current_exception(), observer);
    }
  }
  observer.predictPass(items.size(), secondsSince(started));
  std::vector<int64_t> liveFrames;
  for (int64_t b : live) liveFrames.push_back(predictions[b].frames);

  for (const auto& group : decodeGroups(liveFrames)) {
    started = Clock::now();
    std::vector<int64_t> members;
    for (size_t g : group) {
      if (!settleIfCancelled(items[live[g]].job, observer)) members.push_back(live[g]);
    }
    if (members.empty()) continue;
    int64_t groupFrames = 0;
    for (int64_t b : members) groupFrames = std::max(groupFrames, predictions[b].frames);
    const auto size = static_cast<int64_t>(members.size());
    const at::Tensor memberFrames = at::empty({size}, at::kLong);

    // The decoder's inputs, each item's own followed by zeros (decode_batch's contract).
    const Prediction& head = predictions[members.front()];
    at::Tensor asr = at::zeros({size, head.asr.size(1), groupFrames}, head.asr.options());
    at::Tensor f0 = at::zeros({size, 2 * groupFrames}, head.f0.options());
    at::Tensor n = at::zeros({size, 2 * groupFrames}, head.n.options());
    std::vector<at::Tensor> styles;
    std::vector<SourceNoise> noises;
    int64_t noiseLength = 0;
    for (int64_t i = 0; i < size; ++i) {
      const int64_t b = members[i];
      const Prediction& p = predictions[b];
      memberFrames[i] = p.frames;
      asr[i].narrow(1, 0, p.frames).copy_(p.asr[0]);
      f0[i].narrow(0, 0, 2 * p.frames).copy_(p.f0[0]);
      n[i].narrow(0, 0, 2 * p.frames).copy_(p.n[0]);
      styles.push_back(items[b].prepared.style);
      noises.push_back(model_->drawSourceNoise(2 * p.frames, items[b].prepared.result.seed));
      noiseLength = std::max(noiseLength, noises.back().noise.size(1));
    }
    const auto hostOptions = at::TensorOptions().dtype(at::kFloat).pinned_memory(async);
    at::Tensor jitter = at::empty({size, noises.front().jitter.size(1)}, hostOptions);
    at::Tensor noise = at::zeros({size, noiseLength, noises.front().noise.size(2)}, hostOptions);
    for (int64_t i = 0; i < size; ++i) {
      jitter[i].copy_(noises[i].jitter[0]);
      noise[i].narrow(0, 0, noises[i].noise.size(1)).copy_(noises[i].noise[0]);
    }

    at::Tensor audio = model_->module()
                           .run_method("decode_batch", asr, f0, n, at::cat(styles, 0).to(device),
                                       memberFrames.to(device), toDevice(jitter, device, async),
                                       toDevice(noise, device, async))
                           .toTensor()
                           .to(at::kFloat)
                           .cpu();
    observer.decodePass(secondsSince(started));

    for (int64_t i = 0; i < size; ++i) {
      const int64_t b = members[i];
      Item& item = items[b];
      Prediction& p = predictions[b];
      if (settleIfCancelled(item.job, observer)) continue;
      const at::Tensor itemAudio = audio[i].narrow(0, 0, kSamplesPerFrame * p.frames);
      try {
        limits::checkFinite(itemAudio);
      } catch (...) {
        settleError(item.job, std::current_exception(), observer);
        continue;
      }
      InferenceResult result = std::move(item.prepared.result);
      result.audio = toVector<float>(itemAudio);
      result.durations = toVector<int64_t>(p.durations);
      if (item.prepared.withCurves) {
        result.f0 = toVector<float>(p.f0[0].cpu());
        result.n = toVector<float>(p.n[0].cpu());
      }
      settleResult(item.job, std::move(result), observer);
    }
  }
}

}  // namespace kokoro
