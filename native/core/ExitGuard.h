// Process exit (`process.exit()`, or the end of the script) calls exit(), which runs the static
// destructors of libtorch, oneDNN and OpenMP while our threads may still be inside them: an
// executor in the middle of a pass then crashes the process on its way out (SIGSEGV, seen with
// six streams in flight). Node runs no addon cleanup hook on process.exit(). The JS side calls
// stopAll() from the main thread's 'exit' event, which comes before exit(); an atexit handler is
// the fallback for exits that skip the event (it runs after the statics of libraries first used
// later than the first model load were destroyed, so it can only narrow the window).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace kokoro {

class ExitGuard {
 public:
  // Something to stop before exit; it must return once nothing of ours runs any more.
  using Stop = std::function<void()>;

  // Unregisters on destruction (before the owner's members go); movable, not copyable.
  class Registration {
   public:
    Registration() = default;
    explicit Registration(uint64_t id) : id_(id) {}
    Registration(Registration&& other) noexcept : id_(other.id_) { other.id_ = 0; }
    Registration& operator=(Registration&& other) noexcept;
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration();

   private:
    uint64_t id_ = 0;
  };

  // Runs `stop` at process exit unless the registration was dropped first.
  static Registration onExit(Stop stop);
  // Runs every registered stop once; later registrations are refused (they run nothing).
  static void stopAll();

 private:
  static ExitGuard& instance();
  void remove(uint64_t id);

  // Held while a stop runs, so that an owner being destroyed waits for it to return.
  std::mutex mutex_;
  std::map<uint64_t, Stop> stops_;
  uint64_t nextId_ = 1;
  bool exiting_ = false;
};

}  // namespace kokoro
