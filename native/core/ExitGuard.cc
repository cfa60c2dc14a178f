#include "core/ExitGuard.h"

#include <cstdlib>
#include <utility>

namespace kokoro {

ExitGuard& ExitGuard::instance() {
  static ExitGuard guard;
  // Registered after `guard` was constructed, so exit() runs the handler before the guard's
  // destructor, and (first used when a model loads) before libtorch's own static destructors.
  static const bool registered = std::atexit(&ExitGuard::stopAll) == 0;
  (void)registered;
  return guard;
}

ExitGuard::Registration ExitGuard::onExit(Stop stop) {
  ExitGuard& guard = instance();
  std::lock_guard<std::mutex> lock(guard.mutex_);
  if (guard.exiting_) return Registration();
  const uint64_t id = guard.nextId_++;
  guard.stops_.emplace(id, std::move(stop));
  return Registration(id);
}

void ExitGuard::stopAll() {
  ExitGuard& guard = instance();
  std::lock_guard<std::mutex> lock(guard.mutex_);
  guard.exiting_ = true;
  for (auto& entry : guard.stops_) {
    try {
      entry.second();
    } catch (...) {
      // Nothing can be reported during exit; the other owners must still be stopped.
    }
  }
  guard.stops_.clear();
}

void ExitGuard::remove(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  stops_.erase(id);
}

ExitGuard::Registration& ExitGuard::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    if (id_ != 0) instance().remove(id_);
    id_ = other.id_;
    other.id_ = 0;
  }
  return *this;
}

ExitGuard::Registration::~Registration() {
  if (id_ != 0) instance().remove(id_);
}

}  // namespace kokoro
