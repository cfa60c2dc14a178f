// Entry point of the native addon. The JS side reaches it only through lib/native/binding.ts.
#include <napi.h>

#include <algorithm>
#include <memory>

#include "core/Allocator.h"
#include "core/Checkpoint.h"
#include "core/EspeakPhonemizer.h"
#include "core/Executor.h"
#include "core/ExitGuard.h"
#include "core/NativePhonemizer.h"
#include "core/Error.h"
#include "core/KModel.h"
#include "core/Limits.h"
#include "core/Runtime.h"
#include "core/TextNormalizer.h"
#include "napi/AddonData.h"
#include "napi/ErrorBridge.h"
#include "napi/FusedProbe.h"
#include "napi/Marshal.h"
#include "napi/ModelWrap.h"
#include "napi/PromiseWorker.h"
#include "napi/StreamWrap.h"
#include "napi/VoiceWrap.h"

namespace kokoro::napi {
namespace {

// loadModel(spec) -> Promise<NativeModel>
Napi::Value loadModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "loading the model", [&]() -> Napi::Value {
    if (!info[0].IsObject()) throw KokoroError(codes::kInvalidArgument, "loadModel(spec): spec must be an object");
    ModelSpec spec = readModelSpec(info[0].As<Napi::Object>());
    const ExecutorOptions executorOptions = readExecutorOptions(info[0].As<Napi::Object>());
    spec.threads = executorOptions.threadsPerExecutor;
    spec.device = resolveDevice(spec.device);
    return PromiseWorker<std::shared_ptr<Executor>>::queue(
        env, "loading the model",
        [spec = std::move(spec), executorOptions]() {
          applyThreadCount(spec.threads);
          return std::make_shared<Executor>(KModel::load(spec), executorOptions);
        },
        [](Napi::Env env, std::shared_ptr<Executor>& executor) { return ModelWrap::wrap(env, executor); });
  });
}

struct TensorFile {
  std::vector<float> values;
  std::vector<int64_t> shape;
};

// readVoicePack(path) -> Promise<{ data: Float32Array, shape: number[] }>
Napi::Value readVoicePack(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "reading a voice pack", [&]() -> Napi::Value {
    if (!info[0].IsString()) throw KokoroError(codes::kInvalidArgument, "readVoicePack(path): path must be a string");
    std::string path = info[0].As<Napi::String>().Utf8Value();
    return PromiseWorker<TensorFile>::queue(
        env, "reading voice pack " + path,
        [path]() {
          at::Tensor tensor = readTensorFile(path).to(at::kFloat).contiguous();
          TensorFile file;
          file.shape = tensor.sizes().vec();
          file.values.assign(tensor.data_ptr<float>(), tensor.data_ptr<float>() + tensor.numel());
          return file;
        },
        [](Napi::Env env, TensorFile& file) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          Napi::Array shape = Napi::Array::New(env, file.shape.size());
          for (size_t i = 0; i < file.shape.size(); ++i) shape.Set(i, static_cast<double>(file.shape[i]));
          out.Set("shape", shape);
          out.Set("data", toFloat32Array(env, std::move(file.values)));
          return out;
        });
  });
}

// inspectCheckpoint(path) -> Promise<Array<[name, shape]>>: the tensors after folding, for
// diagnostics and tests of the reader.
Napi::Value inspectCheckpoint(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "reading a checkpoint", [&]() -> Napi::Value {
    if (!info[0].IsString()) throw KokoroError(codes::kInvalidArgument, "inspectCheckpoint(path): path must be a string");
    std::string path = info[0].As<Napi::String>().Utf8Value();
    using Listing = std::vector<std::pair<std::string, std::vector<int64_t>>>;
    return PromiseWorker<Listing>::queue(
        env, "reading checkpoint " + path,
        [path]() {
          Listing listing;
          for (const auto& [name, tensor] : readOfficialCheckpoint(path)) listing.emplace_back(name, tensor.sizes().vec());
          return listing;
        },
        [](Napi::Env env, Listing& listing) -> Napi::Value {
          Napi::Array out = Napi::Array::New(env, listing.size());
          for (size_t i = 0; i < listing.size(); ++i) {
            Napi::Array shape = Napi::Array::New(env, listing[i].second.size());
            for (size_t d = 0; d < listing[i].second.size(); ++d) shape.Set(d, static_cast<double>(listing[i].second[d]));
            Napi::Array entry = Napi::Array::New(env, 2);
            entry.Set(0u, listing[i].first);
            entry.Set(1u, shape);
            out.Set(i, entry);
          }
          return out;
        });
  });
}

// phonemize(text, languageCode, english?) -> Promise<string>: Kokoro phonemes of a native front
// end (English lexicon G2P with `english` settings, else espeak-ng), computed on the thread pool.
Napi::Value phonemize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "phonemizing", [&]() -> Napi::Value {
    if (!info[0].IsString() || !info[1].IsString()) {
      throw KokoroError(codes::kInvalidArgument, "phonemize(text, language): both must be strings");
    }
    std::string text = info[0].As<Napi::String>().Utf8Value();
    const std::string code = info[1].As<Napi::String>().Utf8Value();
    PhonemizeFn phonemizer = nativePhonemizer(code.size() == 1 ? code[0] : '?', readEnglishSettings(info[2]));
    return PromiseWorker<std::string>::queue(
        env, "phonemizing", [text, phonemizer]() { return phonemizer(text).phonemes; },
        [](Napi::Env env, std::string& phonemes) -> Napi::Value { return Napi::String::New(env, phonemes); });
  });
}

// normalizeText(text, lang, options) -> { text, sourceOffset: Uint32Array }: English text
// normalization (lang 'a' or 'b'), synchronous (linear and fast; see bench/normalize.mjs).
Napi::Value normalizeText(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    if (!info[0].IsString() || !info[1].IsString() || !info[2].IsObject()) {
      throw KokoroError(codes::kInvalidArgument, "normalizeText(text, lang, options): text and lang must be strings, options an object");
    }
    const std::string text = info[0].As<Napi::String>().Utf8Value();
    const std::string lang = info[1].As<Napi::String>().Utf8Value();
    if (lang != "a" && lang != "b") {
      throw KokoroError(codes::kUnsupportedLanguage, "normalizeText: text normalization is for English ('a' or 'b'), not '" + lang + "'");
    }
    const NormalizationOptions options = readNormalizationOptions(info[2].As<Napi::Object>());
    NormalizedText normalized = TextNormalizer().normalize(text, options, lang == "b");
    Napi::Uint32Array offsets = Napi::Uint32Array::New(env, normalized.sourceOffset.size());
    std::copy(normalized.sourceOffset.begin(), normalized.sourceOffset.end(), offsets.Data());
    Napi::Object out = Napi::Object::New(env);
    out.Set("text", Napi::String::New(env, normalized.text));
    out.Set("sourceOffset", offsets);
    return out;
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw makeJsError(env, classifyCurrentException("normalizing text"));
  }
}

Napi::Value runtimeInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "querying the runtime", [&]() -> Napi::Value {
    RuntimeInfo runtime = queryRuntime();
    Napi::Object out = Napi::Object::New(env);
    out.Set("torchVersion", runtime.torchVersion);
    out.Set("blas", runtime.blas);
    out.Set("blasLibrary", runtime.blasLibrary);
    out.Set("blasThreads", runtime.blasThreads);
    out.Set("defaultThreads", runtime.defaultThreads);
    out.Set("cudaAvailable", runtime.cudaAvailable);
    out.Set("cudaDeviceCount", runtime.cudaDeviceCount);
    out.Set("parallelInfo", runtime.parallelInfo);
    out.Set("blasCoreType", runtime.blasCoreType);
    out.Set("onednn", runtime.onednn);
    out.Set("cpuBf16", runtime.cpuBf16);
    out.Set("allocator", runtime.allocator);
    out.Set("fusedKernels", runtime.fusedKernels);

    if (runtime.tensorPool) {
      const TensorPoolStats& stats = *runtime.tensorPool;
      Napi::Object pool = Napi::Object::New(env);
      pool.Set("cacheLimitBytes", static_cast<double>(runtime.tensorPoolCacheLimitBytes));
      pool.Set("liveBytes", static_cast<double>(stats.liveBytes));
      pool.Set("cachedBytes", static_cast<double>(stats.cachedBytes));
      pool.Set("maps", static_cast<double>(stats.maps));
      pool.Set("reuses", static_cast<double>(stats.reuses));
      pool.Set("recycles", static_cast<double>(stats.recycles));
      pool.Set("unmaps", static_cast<double>(stats.unmaps));
      out.Set("tensorPool", pool);
    } else {
      out.Set("tensorPool", env.Null());
    }
    return out;
  });
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  configureAllocator();  // before the first model allocates anything
  auto data = std::make_unique<AddonData>();
  data->modelConstructor = Napi::Persistent(ModelWrap::defineClass(env));
  data->streamConstructor = Napi::Persistent(StreamWrap::defineClass(env));
  data->voiceConstructor = Napi::Persistent(VoiceWrap::defineClass(env));
  env.SetInstanceData(data.release());
  exports.Set("loadModel", Napi::Function::New<loadModel>(env, "loadModel"));
  exports.Set("readVoicePack", Napi::Function::New<readVoicePack>(env, "readVoicePack"));
  exports.Set("createVoice", Napi::Function::New<VoiceWrap::create>(env, "createVoice"));
  exports.Set("inspectCheckpoint", Napi::Function::New<inspectCheckpoint>(env, "inspectCheckpoint"));
  exports.Set("startStream", Napi::Function::New<StreamWrap::start>(env, "startStream"));
  exports.Set("phonemize", Napi::Function::New<phonemize>(env, "phonemize"));
  exports.Set("normalizeText", Napi::Function::New<normalizeText>(env, "normalizeText"));
  exports.Set("runtimeInfo", Napi::Function::New<runtimeInfo>(env, "runtimeInfo"));
  exports.Set("fusedAdainSnakeProbe", Napi::Function::New<fusedAdainSnakeProbe>(env, "fusedAdainSnakeProbe"));
  exports.Set("tiledConvolutionProbe", Napi::Function::New<tiledConvolutionProbe>(env, "tiledConvolutionProbe"));
  exports.Set("stopForExit", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                ExitGuard::stopAll();
                return info.Env().Undefined();
              }, "stopForExit"));
  Napi::Object limitsObject = Napi::Object::New(env);
  limitsObject.Set("maxTokens", static_cast<double>(limits::kMaxTokens));
  limitsObject.Set("minSpeed", limits::kMinSpeed);
  limitsObject.Set("maxSpeed", limits::kMaxSpeed);
  limitsObject.Set("maxFrames", static_cast<double>(limits::kMaxFrames));
  exports.Set("limits", limitsObject);
  return exports;
}

}  // namespace
}  // namespace kokoro::napi

static Napi::Object initAddon(Napi::Env env, Napi::Object exports) { return kokoro::napi::init(env, exports); }

NODE_API_MODULE(kokoro_native, initAddon)
