{
  "targets": [
    {
      "target_name": "kokoro_native_cmake",
      "type": "none",
      "actions": [
        {
          "action_name": "build_with_cmake_js",
          "inputs": ["CMakeLists.txt"],
          "outputs": ["build/Release/kokoro_native.node"],
          "action": ["node", "cmake/build-addon.js"],
          "message": "kokoro-native: building the addon through CMakeLists.txt (cmake-js)"
        }
      ]
    }
  ]
}
