# kokoro_add_node_addon(target sources...): a Node-API addon (`<target>.node`) built with the
# headers cmake-js provides (node-api-headers: no download) and node-addon-api.
if(NOT CMAKE_JS_INC)
  message(FATAL_ERROR "Build the addon through cmake-js: npm run build:native")
endif()

execute_process(
  COMMAND node -p "require('node-addon-api').include_dir"
  WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
  OUTPUT_VARIABLE KOKORO_NODE_ADDON_API_DIR
  OUTPUT_STRIP_TRAILING_WHITESPACE)

function(kokoro_add_node_addon target)
  add_library(${target} SHARED ${ARGN} ${CMAKE_JS_SRC})
  set_target_properties(${target} PROPERTIES PREFIX "" SUFFIX ".node")
  target_include_directories(${target} PRIVATE ${CMAKE_JS_INC}
    "${CMAKE_CURRENT_SOURCE_DIR}/${KOKORO_NODE_ADDON_API_DIR}")
  target_link_libraries(${target} PRIVATE ${CMAKE_JS_LIB})
  target_compile_definitions(${target} PRIVATE
    NAPI_VERSION=8 NAPI_CPP_EXCEPTIONS NODE_ADDON_API_DISABLE_DEPRECATED
    # Last line of defence: a C++ exception that escapes an entry point becomes a JS error
    # instead of std::terminate (our own entry points convert every exception to a typed one).
    NODE_ADDON_API_CPP_EXCEPTIONS_ALL)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(KOKORO_TORCH_LIBRARY_DIR)
    set_target_properties(${target} PROPERTIES
      BUILD_RPATH "${KOKORO_TORCH_LIBRARY_DIR}"
      INSTALL_RPATH "${KOKORO_TORCH_LIBRARY_DIR}")
  endif()
endfunction()
