// One executor thread's seat in a CoreShare: while the thread lives it is the thread's
// IntraOpThreadsHook, and each pass it runs is bracketed by a Pass, which takes the seat's share
// at the start and gives it back at the end. adapt() applies the seat's current share to this
// thread's intra-op thread count when it changed.
#pragma once

#include "core/CoreShare.h"
#include "core/IntraOpThreads.h"

namespace kokoro {

class CoreSeat final : public IntraOpThreadsHook {
 public:
  CoreSeat(CoreShare& share, int seat);
  ~CoreSeat();
  CoreSeat(const CoreSeat&) = delete;
  CoreSeat& operator=(const CoreSeat&) = delete;

  void adapt() override;
  // The intra-op threads this thread runs with now (0 before its first pass).
  int threads() const { return applied_; }

  class Pass {
   public:
    explicit Pass(CoreSeat& seat);
    ~Pass();
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    CoreSeat& seat_;
  };

 private:
  CoreShare& share_;
  const int seat_;
  int applied_ = 0;
};

}  // namespace kokoro
