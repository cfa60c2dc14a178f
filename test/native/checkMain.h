// The harness of the native checks that run without libtorch (test/helpers/nativeChecks.ts
// compiles each with the system compiler): `<binary> <check>` runs one named check and exits 0
// when it held, else prints what failed (stderr) and exits 1.
#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <string>

namespace checks {

inline int failures = 0;

inline void expect(bool condition, const std::string& what) {
  if (!condition) {
    std::fprintf(stderr, "FAILED: %s\n", what.c_str());
    ++failures;
  }
}

inline int run(int argc, char** argv, const std::map<std::string, std::function<void()>>& all) {
  auto check = argc == 2 ? all.find(argv[1]) : all.end();
  if (check == all.end()) {
    std::fprintf(stderr, "usage: %s <check>; checks:", argv[0]);
    for (const auto& [name, body] : all) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  check->second();
  return failures == 0 ? 0 : 1;
}

}  // namespace checks
