// Lets a pass that is already running follow its executor's share of the CPU cores (threads:
// 'adaptive', CoreShare). Only the thread that runs a pass can change its own OpenMP team size,
// and a pass is one long call into TorchScript, so our own ops (which every decode calls dozens
// of times, on that thread) call adaptIntraOpThreads() on entry: a pass that started alone
// narrows to its share within milliseconds of a second pass starting, and widens again when the
// other ends. On threads without a hook (fixed thread counts, the Python ops library) it does
// nothing.
#pragma once

namespace kokoro {

class IntraOpThreadsHook {
 public:
  virtual void adapt() = 0;

 protected:
  ~IntraOpThreadsHook() = default;
};

// The hook of the executor thread this runs on, if any; set by that thread for its lifetime.
inline thread_local IntraOpThreadsHook* currentIntraOpThreadsHook = nullptr;

inline void adaptIntraOpThreads() {
  if (IntraOpThreadsHook* hook = currentIntraOpThreadsHook) hook->adapt();
}

}  // namespace kokoro
