// The rule for a crowd of streams waiting for their first audio at once. On a CPU the executor
// runs first chunks one after another (a batched decode costs as much per item as one alone,
// and a batch makes every member wait for all of them), and a pass costs about the same per
// phoneme token at every length: the n-th listener waits for the n first chunks ahead of and
// including its own. So when `crowd` or more streams are waiting, a stream's first chunk is
// cut to `crowdedTokens` instead of its own budget: every listener behind it hears audio
// sooner, at the price of a shorter opening utterance. Later chunks keep the stream's own
// budgets. Thread-safe: streams take tickets on the caller's thread and ask for budgets on
// their producer threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace kokoro {

struct FirstAudioOptions {
  size_t crowd = 0;          // streams waiting for first audio (this one included); 0: rule off
  size_t crowdedTokens = 8;  // a crowded stream's first-chunk budget (phoneme tokens)
};

class FirstAudioPolicy {
 public:
  explicit FirstAudioPolicy(FirstAudioOptions options) : options_(options) {}
  FirstAudioPolicy(const FirstAudioPolicy&) = delete;
  FirstAudioPolicy& operator=(const FirstAudioPolicy&) = delete;

  // A stream counted as waiting for its first audio from its start until release() or its end.
  class Ticket {
   public:
    Ticket() = default;
    explicit Ticket(FirstAudioPolicy* policy) : policy_(policy) {}
    Ticket(Ticket&& other) noexcept : policy_(other.policy_) { other.policy_ = nullptr; }
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() { release(); }
    void release();

   private:
    FirstAudioPolicy* policy_ = nullptr;
  };

  // The policy must outlive the ticket (a stream holds the executor that owns it).
  Ticket enter();
  // The first-chunk budget of a stream that asked for `requested` tokens, given the crowd now.
  size_t firstChunkTokens(size_t requested);

  const FirstAudioOptions& options() const { return options_; }
  // Streams waiting for their first audio now.
  size_t waiting() const { return waiting_.load(); }
  // First chunks whose budget the crowd lowered.
  uint64_t shortened() const { return shortened_.load(); }

 private:
  const FirstAudioOptions options_;
  std::atomic<size_t> waiting_{0};
  std::atomic<uint64_t> shortened_{0};
};

}  // namespace kokoro
