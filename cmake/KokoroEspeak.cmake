# Finds libespeak-ng (the phonemizer of most languages) as the target kokoro::espeak.
# Debian/Ubuntu: libespeak-ng-dev (build) and libespeak-ng1 + espeak-ng-data (run time).
find_path(KOKORO_ESPEAK_INCLUDE_DIR espeak-ng/speak_lib.h)
find_library(KOKORO_ESPEAK_LIBRARY NAMES espeak-ng)
if(NOT KOKORO_ESPEAK_INCLUDE_DIR OR NOT KOKORO_ESPEAK_LIBRARY)
  message(FATAL_ERROR
    "libespeak-ng was not found.\n"
    "  On Debian/Ubuntu: sudo apt-get install libespeak-ng-dev espeak-ng-data\n"
    "  Elsewhere: set CMAKE_PREFIX_PATH to the espeak-ng install prefix")
endif()
add_library(kokoro_espeak INTERFACE)
add_library(kokoro::espeak ALIAS kokoro_espeak)
target_include_directories(kokoro_espeak INTERFACE "${KOKORO_ESPEAK_INCLUDE_DIR}")
target_link_libraries(kokoro_espeak INTERFACE "${KOKORO_ESPEAK_LIBRARY}")
message(STATUS "kokoro-native: espeak-ng from ${KOKORO_ESPEAK_LIBRARY}")
