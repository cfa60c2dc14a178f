# Finds libtorch and exposes it as the target kokoro::torch.
#
# Default: Debian/Ubuntu's libtorch-dev (find_package(Torch) in the system prefix).
# Another libtorch (a CUDA build, the one inside a Python torch install, a libtorch zip):
#   LIBTORCH=/path/to/libtorch          (environment or -DLIBTORCH=...; the folder holding
#                                         share/cmake/Torch), or
#   Torch_DIR=/path/to/share/cmake/Torch
# e.g. LIBTORCH=$(python3 -c 'import torch,os; print(os.path.dirname(torch.__file__))')
if(NOT LIBTORCH AND DEFINED ENV{LIBTORCH})
  set(LIBTORCH "$ENV{LIBTORCH}")
endif()
if(NOT Torch_DIR AND DEFINED ENV{Torch_DIR})
  set(Torch_DIR "$ENV{Torch_DIR}")
endif()
if(LIBTORCH)
  list(PREPEND CMAKE_PREFIX_PATH "${LIBTORCH}")
endif()

find_package(Torch QUIET)
if(NOT Torch_FOUND)
  message(FATAL_ERROR
    "libtorch was not found.\n"
    "  On Debian/Ubuntu: sudo apt-get install libtorch-dev\n"
    "  Another libtorch: set LIBTORCH=/path/to/libtorch (the folder with share/cmake/Torch) "
    "or Torch_DIR=/path/to/share/cmake/Torch")
endif()

add_library(kokoro_torch INTERFACE)
add_library(kokoro::torch ALIAS kokoro_torch)
target_link_libraries(kokoro_torch INTERFACE ${TORCH_LIBRARIES})
# TORCH_CXX_FLAGS carries the libstdc++ ABI libtorch was built with; it must match.
separate_arguments(KOKORO_TORCH_FLAGS UNIX_COMMAND "${TORCH_CXX_FLAGS}")
target_compile_options(kokoro_torch INTERFACE ${KOKORO_TORCH_FLAGS})

# Where libtorch's shared libraries live, so that a non-system libtorch is found at run time.
set(KOKORO_TORCH_LIBRARY_DIR "")
foreach(lib IN LISTS TORCH_LIBRARIES)
  if(lib MATCHES "/libtorch[^/]*\\.so$" OR lib MATCHES "/libc10[^/]*\\.so$")
    get_filename_component(KOKORO_TORCH_LIBRARY_DIR "${lib}" DIRECTORY)
    break()
  endif()
endforeach()
if(NOT KOKORO_TORCH_LIBRARY_DIR AND TORCH_INSTALL_PREFIX)
  set(KOKORO_TORCH_LIBRARY_DIR "${TORCH_INSTALL_PREFIX}/lib")
endif()

set(KOKORO_TORCH_VERSION "${Torch_VERSION}")
if(NOT KOKORO_TORCH_VERSION)
  set(KOKORO_TORCH_VERSION "unknown")
endif()
target_compile_definitions(kokoro_torch INTERFACE
  KOKORO_TORCH_BUILD_VERSION="${KOKORO_TORCH_VERSION}")
message(STATUS "kokoro-native: libtorch ${KOKORO_TORCH_VERSION} from ${KOKORO_TORCH_LIBRARY_DIR}")
