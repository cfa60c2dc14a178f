#include "napi/Marshal.h"

#include <cmath>
#include <memory>

#include "core/Error.h"
#include "napi/VoiceWrap.h"

namespace kokoro::napi {

std::string requireString(const Napi::Object& options, const char* key) {
  Napi::Value value = options.Get(key);
  if (!value.IsString()) {
    throw KokoroError(codes::kInvalidArgument, std::string("option '") + key + "' must be a string");
  }
  return value.As<Napi::String>().Utf8Value();
}

namespace {

int64_t requireInteger(const Napi::Object& object, const std::string& key) {
  Napi::Value value = object.Get(key);
  if (!value.IsNumber()) {
    throw KokoroError(codes::kInvalidArgument, "option '" + key + "' must be a number");
  }
  return value.As<Napi::Number>().Int64Value();
}

Napi::Array countsToJs(Napi::Env env, const std::vector<uint64_t>& counts) {
  Napi::Array out = Napi::Array::New(env, counts.size());
  for (size_t i = 0; i < counts.size(); ++i) out.Set(i, Napi::Number::New(env, static_cast<double>(counts[i])));
  return out;
}

}  // namespace

ModelSpec readModelSpec(const Napi::Object& options) {
  ModelSpec spec;
  spec.architecturePath = requireString(options, "architecture");
  if (options.Get("checkpoint").IsString()) spec.checkpointPath = requireString(options, "checkpoint");
  spec.structureKey = requireString(options, "structureKey");
  spec.device = requireString(options, "device");
  spec.threads = static_cast<int>(requireInteger(options, "threads"));
  spec.precision = requireString(options, "precision");
  spec.albertHeads = requireInteger(options, "albertHeads");
  spec.albertLayers = requireInteger(options, "albertLayers");
  spec.voiceRowRule = requireString(options, "voiceRowRule") == "tokens" ? VoiceRowRule::kTokenCount
                                                                          : VoiceRowRule::kCodePointsMinusOne;
  Napi::Object sizes = options.Get("sizes").As<Napi::Object>();
  Napi::Array sizeNames = sizes.GetPropertyNames();
  for (uint32_t i = 0; i < sizeNames.Length(); ++i) {
    const std::string name = sizeNames.Get(i).As<Napi::String>().Utf8Value();
    spec.sizes[name] = requireInteger(sizes, name);
  }
  Napi::Object vocab = options.Get("vocab").As<Napi::Object>();
  Napi::Array symbols = vocab.GetPropertyNames();
  std::unordered_map<char32_t, int64_t> ids;
  for (uint32_t i = 0; i < symbols.Length(); ++i) {
    const std::string symbol = symbols.Get(i).As<Napi::String>().Utf8Value();
    const std::u32string codePoints = decodeUtf8(symbol);
    if (codePoints.size() != 1) {
      throw KokoroError(codes::kBadConfig, "config.json vocab key '" + symbol + "' is not one character");
    }
    ids[codePoints[0]] = requireInteger(vocab, symbol);
  }
  spec.vocab = Vocab(std::move(ids));
  return spec;
}

ExecutorOptions readExecutorOptions(const Napi::Object& options) {
  ExecutorOptions executor;
  if (!options.Get("executor").IsObject()) {
    throw KokoroError(codes::kInvalidArgument, "option 'executor' must be an object");
  }
  Napi::Object spec = options.Get("executor").As<Napi::Object>();
  executor.executors = static_cast<int>(requireInteger(spec, "executors"));
  executor.threadsPerExecutor = static_cast<int>(requireInteger(spec, "threads"));
  executor.adaptiveCores = static_cast<int>(requireInteger(spec, "adaptiveCores"));
  executor.maxQueue = static_cast<size_t>(requireInteger(spec, "maxQueue"));
  executor.whenFull = requireString(spec, "whenFull") == "reject" ? WhenFull::kReject : WhenFull::kWait;
  executor.batchMaxSize = static_cast<size_t>(requireInteger(spec, "batchMaxSize"));
  Napi::Value window = spec.Get("batchWindowMs");
  if (!window.IsNumber()) throw KokoroError(codes::kInvalidArgument, "option 'batchWindowMs' must be a number");
  executor.batchWindow = std::chrono::microseconds(static_cast<int64_t>(window.As<Napi::Number>().DoubleValue() * 1000.0));
  executor.firstAudio.crowd = static_cast<size_t>(requireInteger(spec, "firstAudioCrowd"));
  executor.firstAudio.crowdedTokens = static_cast<size_t>(requireInteger(spec, "firstAudioCrowdedTokens"));
  if (executor.executors < 1 || executor.threadsPerExecutor < 1 || executor.maxQueue < 1 || executor.batchMaxSize < 1 ||
      executor.adaptiveCores < 0) {
    throw KokoroError(codes::kInvalidArgument, "executor options must be positive");
  }
  return executor;
}

Napi::Value toJs(Napi::Env env, const ExecutorStats& stats) {
  auto number = [&env](double value) { return Napi::Number::New(env, value); };
  Napi::Object out = Napi::Object::New(env);
  out.Set("executors", number(stats.executors));
  out.Set("threadsPerExecutor", number(stats.threadsPerExecutor));
  out.Set("adaptiveCores", number(stats.adaptiveCores));
  out.Set("threadsInUse", number(stats.threadsInUse));
  out.Set("passesByStartThreads", countsToJs(env, stats.passesByStartThreads));
  out.Set("queued", number(static_cast<double>(stats.queued)));
  out.Set("running", number(static_cast<double>(stats.running)));
  out.Set("submitted", number(static_cast<double>(stats.submitted)));
  out.Set("completed", number(static_cast<double>(stats.completed)));
  out.Set("failed", number(static_cast<double>(stats.failed)));
  out.Set("cancelled", number(static_cast<double>(stats.cancelled)));
  out.Set("rejected", number(static_cast<double>(stats.rejected)));
  out.Set("batches", number(static_cast<double>(stats.batches)));
  out.Set("batchSizeCounts", countsToJs(env, stats.batchSizeCounts));
  Napi::Object stages = Napi::Object::New(env);
  stages.Set("predict", number(stats.predictSeconds));
  stages.Set("decode", number(stats.decodeSeconds));
  out.Set("stageSeconds", stages);
  out.Set("audioSeconds", number(stats.audioSeconds));
  Napi::Object firstAudio = Napi::Object::New(env);
  firstAudio.Set("waiting", number(static_cast<double>(stats.firstAudioWaiting)));
  firstAudio.Set("shortened", number(static_cast<double>(stats.firstAudioShortened)));
  out.Set("firstAudio", firstAudio);
  return out;
}

at::Tensor readVoice(const Napi::Value& value) {
  if (std::optional<at::Tensor> voice = VoiceWrap::tensorOf(value.Env(), value)) return *voice;
  return VoiceWrap::copyFloats(value, "Float32Array");
}

double readSpeed(const Napi::Value& value) {
  if (value.IsUndefined() || value.IsNull()) return 1.0;
  if (!value.IsNumber()) throw KokoroError(codes::kInvalidArgument, "speed must be a number");
  const double speed = value.As<Napi::Number>().DoubleValue();
  limits::checkSpeed(speed);
  return speed;
}

std::optional<uint64_t> readSeed(const Napi::Value& value) {
  if (value.IsUndefined() || value.IsNull()) return std::nullopt;
  constexpr double kMaxSafeInteger = 9007199254740991.0;  // seeds survive the round trip to JS
  const double seed = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (!(seed >= 0 && seed <= kMaxSafeInteger && std::floor(seed) == seed)) {
    throw KokoroError(codes::kInvalidArgument, "seed must be a non-negative safe integer");
  }
  return static_cast<uint64_t>(seed);
}

Napi::Float32Array toFloat32Array(Napi::Env env, std::vector<float>&& values) {
  auto owned = std::make_unique<std::vector<float>>(std::move(values));
  const size_t count = owned->size();
  float* data = owned->data();
  // The ArrayBuffer borrows the vector's memory; the finalizer takes ownership back.
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(
      env, data, count * sizeof(float),
      [](Napi::Env, void*, std::vector<float>* hint) { std::unique_ptr<std::vector<float>> reclaim(hint); },
      owned.get());
  owned.release();
  return Napi::Float32Array::New(env, count, buffer, 0);
}

Napi::Value toJs(Napi::Env env, InferenceResult& result) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("audio", toFloat32Array(env, std::move(result.audio)));
  Napi::Int32Array durations = Napi::Int32Array::New(env, result.durations.size());
  for (size_t i = 0; i < result.durations.size(); ++i) durations[i] = static_cast<int32_t>(result.durations[i]);
  out.Set("durations", durations);
  Napi::Int32Array tokens = Napi::Int32Array::New(env, result.tokenIds.size());
  for (size_t i = 0; i < result.tokenIds.size(); ++i) tokens[i] = static_cast<int32_t>(result.tokenIds[i]);
  out.Set("tokenIds", tokens);
  std::string dropped;
  for (char32_t cp : result.droppedCharacters) dropped += encodeUtf8(cp);
  out.Set("droppedCharacters", dropped);
  out.Set("voiceRow", Napi::Number::New(env, static_cast<double>(result.voiceRow)));
  out.Set("seed", Napi::Number::New(env, static_cast<double>(result.seed)));
  if (!result.f0.empty()) {
    out.Set("f0", toFloat32Array(env, std::move(result.f0)));
    out.Set("n", toFloat32Array(env, std::move(result.n)));
  }
  return out;
}

NormalizationOptions readNormalizationOptions(const Napi::Object& flags) {
  NormalizationOptions options;
  const std::pair<const char*, bool*> fields[] = {
      {"numbers", &options.numbers}, {"currency", &options.currency}, {"time", &options.time},
      {"dates", &options.dates},     {"units", &options.units},       {"urls", &options.urls},
      {"emails", &options.emails},   {"phones", &options.phones},     {"symbols", &options.symbols},
      {"abbreviations", &options.abbreviations}};
  for (const auto& [name, flag] : fields) {
    const Napi::Value value = flags.Get(name);
    if (value.IsBoolean()) *flag = value.As<Napi::Boolean>().Value();
  }
  return options;
}

std::optional<EnglishSettings> readEnglishSettings(const Napi::Value& value) {
  if (value.IsUndefined() || value.IsNull()) return std::nullopt;
  if (!value.IsObject()) throw KokoroError(codes::kInvalidArgument, "the English settings must be an object");
  const Napi::Object object = value.As<Napi::Object>();
  EnglishSettings settings;
  settings.lexiconPath = requireString(object, "lexicon");
  const Napi::Value normalization = object.Get("normalization");
  if (normalization.IsBoolean()) settings.normalize = normalization.As<Napi::Boolean>().Value();
  if (normalization.IsObject()) settings.normalization = readNormalizationOptions(normalization.As<Napi::Object>());
  const Napi::Value guess = object.Get("guessPartOfSpeech");
  if (guess.IsBoolean()) settings.guessPartOfSpeech = guess.As<Napi::Boolean>().Value();
  const Napi::Value user = object.Get("userLexicon");
  if (user.IsObject()) {
    auto lexicon = std::make_shared<UserLexicon>();
    const Napi::Object entries = user.As<Napi::Object>();
    const Napi::Array words = entries.GetPropertyNames();
    for (uint32_t i = 0; i < words.Length(); ++i) {
      const std::string word = words.Get(i).As<Napi::String>().Utf8Value();
      const Napi::Value phonemes = entries.Get(word);
      if (!phonemes.IsString()) {
        throw KokoroError(codes::kInvalidArgument, "lexicon entry '" + word + "' must be a phoneme string");
      }
      (*lexicon)[word] = phonemes.As<Napi::String>().Utf8Value();
    }
    settings.userLexicon = std::move(lexicon);
  }
  return settings;
}

}  // namespace kokoro::napi
