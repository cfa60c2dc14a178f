#include "core/CoreSeat.h"

#include "core/Runtime.h"

namespace kokoro {

CoreSeat::CoreSeat(CoreShare& share, int seat) : share_(share), seat_(seat) { currentIntraOpThreadsHook = this; }

CoreSeat::~CoreSeat() {
  if (currentIntraOpThreadsHook == this) currentIntraOpThreadsHook = nullptr;
}

void CoreSeat::adapt() {
  const int wanted = share_.share(seat_);
  if (wanted == applied_) return;
  applyThreadCount(wanted);
  applied_ = wanted;
}

CoreSeat::Pass::Pass(CoreSeat& seat) : seat_(seat) {
  seat_.share_.begin(seat_.seat_);
  seat_.adapt();
}

CoreSeat::Pass::~Pass() { seat_.share_.end(seat_.seat_); }

}  // namespace kokoro
