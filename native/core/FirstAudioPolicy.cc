#include "core/FirstAudioPolicy.h"

namespace kokoro {

FirstAudioPolicy::Ticket& FirstAudioPolicy::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    release();
    policy_ = other.policy_;
    other.policy_ = nullptr;
  }
  return *this;
}

void FirstAudioPolicy::Ticket::release() {
  if (policy_ == nullptr) return;
  policy_->waiting_.fetch_sub(1);
  policy_ = nullptr;
}

FirstAudioPolicy::Ticket FirstAudioPolicy::enter() {
  waiting_.fetch_add(1);
  return Ticket(this);
}

size_t FirstAudioPolicy::firstChunkTokens(size_t requested) {
  const bool crowded = options_.crowd > 0 && waiting_.load() >= options_.crowd;
  if (!crowded || options_.crowdedTokens == 0 || options_.crowdedTokens >= requested) return requested;
  shortened_.fetch_add(1);
  return options_.crowdedTokens;
}

}  // namespace kokoro
