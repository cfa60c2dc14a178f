// Checks of CoreShare (native/core/CoreShare.cc), the cores that adaptive executors' passes
// share, compiled and run by test/native/coreShare.test.ts (harness: checkMain.h).
#include <algorithm>
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "checkMain.h"
#include "core/CoreShare.h"

using checks::expect;
using kokoro::CoreShare;

constexpr int kMaxPerPass = 8;  // the JS layer's rule

namespace {

void alone() {
  CoreShare share(4, 4, kMaxPerPass);
  share.begin(2);
  expect(share.share(2) == 4, "a pass alone takes every core");
  expect(share.threadsInUse() == 4, "one pass of 4 threads runs");
  share.end(2);
  expect(share.threadsInUse() == 0, "nothing runs after it ends");
  CoreShare big(64, 2, kMaxPerPass);
  big.begin(0);
  expect(big.share(0) == kMaxPerPass, "a pass alone on 64 cores takes at most its maximum, 8 threads");
  big.begin(1);
  expect(big.share(0) == kMaxPerPass && big.share(1) == kMaxPerPass, "two passes on 64 cores take 8 each");
}

void split() {
  CoreShare share(2, 2, kMaxPerPass);
  share.begin(0);
  expect(share.share(0) == 2, "the first pass starts with both cores");
  share.begin(1);
  expect(share.share(0) == 1 && share.share(1) == 1, "two passes on two cores run with one each");
  share.end(1);
  expect(share.share(0) == 2, "the pass left alone widens back to both cores");
  share.end(0);
  expect(share.share(0) == 2 && share.share(1) == 2, "idle seats start their next pass from every core");
}

void remainderToEarliest() {
  CoreShare share(5, 3, kMaxPerPass);
  share.begin(2);
  share.begin(0);
  share.begin(1);
  expect(share.share(2) == 2 && share.share(0) == 2 && share.share(1) == 1,
         "5 cores, 3 passes: the two that began first take 2, the last 1");
  expect(share.threadsInUse() == 5, "every core is used, none twice");
  share.end(2);
  expect(share.share(0) == 3 && share.share(1) == 2, "when the first ends, the next-earliest takes the remainder");
}

void morePassesThanCores() {
  CoreShare share(2, 4, kMaxPerPass);
  for (int seat = 0; seat < 4; ++seat) share.begin(seat);
  for (int seat = 0; seat < 4; ++seat) expect(share.share(seat) == 1, "every pass keeps at least one thread");
}

// Seats begin and end passes from many threads at once: every share stays in [1, 8], and the
// threads in use never exceed the cores while no more passes than cores run.
void threads() {
  constexpr int kCores = 6, kSeats = 6;
  CoreShare share(kCores, kSeats, kMaxPerPass);
  std::atomic<bool> ok{true};
  std::vector<std::thread> workers;
  for (int seat = 0; seat < kSeats; ++seat) {
    workers.emplace_back([&share, &ok, seat] {
      std::mt19937 random(static_cast<unsigned>(seat));
      for (int i = 0; i < 20000; ++i) {
        share.begin(seat);
        const int mine = share.share(seat);
        if (mine < 1 || mine > kMaxPerPass) ok = false;
        if (share.threadsInUse() > kCores) ok = false;
        if (random() % 4 == 0) std::this_thread::yield();
        share.end(seat);
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  expect(ok.load(), "shares stay within [1, 8] and within the cores under concurrent passes");
  expect(share.threadsInUse() == 0, "nothing runs at the end");
}

}  // namespace

int main(int argc, char** argv) {
  return checks::run(argc, argv, {
      {"alone", alone},
      {"split", split},
      {"remainder", remainderToEarliest},
      {"more-passes-than-cores", morePassesThanCores},
      {"threads", threads},
  });
}
