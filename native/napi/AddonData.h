// Per-environment state of the addon (one per Node.js worker thread that loads it).
#pragma once

#include <napi.h>

namespace kokoro::napi {

struct AddonData {
  Napi::FunctionReference modelConstructor;
  Napi::FunctionReference streamConstructor;
  Napi::FunctionReference voiceConstructor;

  static AddonData& of(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }
};

}  // namespace kokoro::napi
