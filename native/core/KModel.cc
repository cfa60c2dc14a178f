#include "core/KModel.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <utility>

#include <torch/csrc/jit/runtime/graph_executor.h>

#include "core/Allocator.h"
#include "core/Checkpoint.h"
#include "core/Error.h"
#include "core/IntraOpThreads.h"
#include "core/PackedWeights.h"
#include "core/Runtime.h"

namespace kokoro {
namespace {

constexpr int64_t kArchitectureFormat = 1;
// Coefficients of the shape spec are stored times this factor (see models/export.py).
constexpr int64_t kShapeScale = 4;

std::string shapeText(at::IntArrayRef sizes) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < sizes.size(); ++i) out << (i ? ", " : "") << sizes[i];
  out << ']';
  return out.str();
}

torch::jit::Module loadTorchScript(const std::string& path) {
  if (!std::ifstream(path).good()) {
    throw KokoroError(codes::kFileNotFound,
                      "model architecture file not found: " + path +
                          ". It ships with the package under models/arch; reinstall kokoro-native "
                          "or pass the path of a file made by models/export.py.");
  }
  try {
    return torch::jit::load(path, c10::Device(c10::kCPU));
  } catch (const c10::Error& e) {
    throw KokoroError(codes::kBadFormat,
                      path + " is not a TorchScript file this libtorch can read (" +
                          std::string(e.what_without_backtrace()).substr(0, 200) +
                          "). Re-create it with models/export.py or reinstall kokoro-native.");
  }
}

template <typename T>
T requireAttribute(const torch::jit::Module& module, const std::string& name, const std::string& path) {
  if (!module.hasattr(name)) {
    throw KokoroError(codes::kBadFormat, path + " is not a kokoro-native architecture (no '" + name +
                                             "' attribute). Re-create it with models/export.py.");
  }
  return module.attr(name).to<T>();
}

torch::jit::Module submodule(torch::jit::Module root, const std::string& dottedPath) {
  std::stringstream parts(dottedPath);
  std::string part;
  while (std::getline(parts, part, '.')) root = root.attr(part).toModule();
  return root;
}

void setParameter(torch::jit::Module& root, const std::string& name, const at::Tensor& value) {
  const size_t dot = name.rfind('.');
  torch::jit::Module owner = dot == std::string::npos ? root : submodule(root, name.substr(0, dot));
  owner.register_parameter(name.substr(dot + 1), value, /*is_buffer=*/false);
}

// Expected shape of every parameter from the affine shape spec the exporter stored.
std::unordered_map<std::string, std::vector<int64_t>> expectedShapes(
    const torch::jit::Module& module, const std::unordered_map<std::string, int64_t>& sizes,
    const std::string& path) {
  const auto symbols = requireAttribute<std::vector<std::string>>(module, "shape_symbols", path);
  const auto spec = requireAttribute<c10::Dict<std::string, std::vector<int64_t>>>(module, "shape_spec", path);
  std::vector<int64_t> values;
  for (const auto& symbol : symbols) {
    auto it = sizes.find(symbol);
    if (it == sizes.end()) {
      throw KokoroError(codes::kBadConfig, "config.json gives no value for '" + symbol +
                                               "', which the architecture " + path + " needs");
    }
    values.push_back(it->second);
  }
  const size_t width = symbols.size() + 1;
  std::unordered_map<std::string, std::vector<int64_t>> shapes;
  for (const auto& entry : spec) {
    const std::vector<int64_t> row = entry.value();
    std::vector<int64_t> dims;
    for (size_t i = 0; i + width <= row.size(); i += width) {
      int64_t scaled = row[i];
      for (size_t s = 0; s < symbols.size(); ++s) scaled += row[i + 1 + s] * values[s];
      dims.push_back(scaled / kShapeScale);
    }
    shapes.emplace(entry.key(), std::move(dims));
  }
  return shapes;
}

// Widths the official code hard-codes instead of taking from config.json: read them off the
// checkpoint so that any width (e.g. a reduced test model) loads.
void addCheckpointWidths(const std::unordered_map<std::string, at::Tensor>& tensors,
                         std::unordered_map<std::string, int64_t>& sizes, const std::string& path) {
  const std::pair<const char*, std::pair<const char*, int>> sources[] = {
      {"albert_embedding_size", {"bert.embeddings.word_embeddings.weight", 1}},
      {"decoder_hidden", {"decoder.encode.conv1.weight", 0}},
      {"decoder_asr_res", {"decoder.asr_res.0.weight", 0}},
  };
  for (const auto& [symbol, source] : sources) {
    auto it = tensors.find(source.first);
    if (it == tensors.end() || it->second.dim() <= source.second) {
      throw KokoroError(codes::kCheckpointMismatch,
                        path + " is missing tensor '" + source.first +
                            "' (or it has the wrong rank). Is this an official Kokoro checkpoint?");
    }
    sizes[symbol] = it->second.size(source.second);
  }
}

void fillParameters(torch::jit::Module& module, const NamedTensors& checkpoint,
                    std::unordered_map<std::string, int64_t> sizes, const std::string& archPath,
                    const std::string& checkpointPath) {
  std::unordered_map<std::string, at::Tensor> byName(checkpoint.begin(), checkpoint.end());
  addCheckpointWidths(byName, sizes, checkpointPath);
  const auto shapes = expectedShapes(module, sizes, archPath);

  std::vector<std::string> problems;
  std::set<std::string> known;
  for (const auto& param : module.named_parameters(/*recurse=*/true)) {
    known.insert(param.name);
    auto it = byName.find(param.name);
    if (it == byName.end()) {
      problems.push_back("is missing tensor '" + param.name + "'");
      continue;
    }
    auto expected = shapes.find(param.name);
    if (expected != shapes.end() && it->second.sizes() != at::IntArrayRef(expected->second)) {
      problems.push_back("has tensor '" + param.name + "' of shape " + shapeText(it->second.sizes()) +
                         " where config.json implies " + shapeText(expected->second));
    }
  }
  for (const auto& [name, tensor] : checkpoint) {
    if (!known.count(name)) problems.push_back("has unexpected tensor '" + name + "'");
  }
  if (!problems.empty()) {
    std::string message = checkpointPath + " " + problems.front();
    if (problems.size() > 1) message += " (and " + std::to_string(problems.size() - 1) + " more problems)";
    message += ". Check that config.json and the checkpoint belong to the same Kokoro release.";
    throw KokoroError(codes::kCheckpointMismatch, message);
  }
  for (const auto& [name, tensor] : checkpoint) {
    setParameter(module, name, tensor.to(at::kFloat).contiguous());
  }
}

// Every request has its own input length. TorchScript's profiling executor specialises the
// graph to the shapes it sees and re-profiles on new ones, and on CPU it has no fuser to pay for
// that: run the plain (non-optimising) executor. KOKORO_JIT_OPTIMIZE=1 restores the default.
void configureGraphExecutor() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* optimize = std::getenv("KOKORO_JIT_OPTIMIZE");
    if (optimize == nullptr || std::string(optimize) != "1") torch::jit::setGraphExecutorOptimize(false);
  });
}

at::Tensor selectStyle(const at::Tensor& voice, int64_t row) {
  if (voice.size(0) == 1) return voice;
  return voice.narrow(0, std::min(row, voice.size(0) - 1), 1);
}

}  // namespace

at::Tensor toDevice(const at::Tensor& tensor, const c10::Device& device, bool nonBlocking) {
  return tensor.to(tensor.options().device(device), nonBlocking);
}

std::shared_ptr<const KModel> KModel::load(const ModelSpec& spec) {
  configureGraphExecutor();
  const Precision precision = resolvePrecision(spec.precision, spec.device);
  torch::NoGradGuard noGrad;
  torch::jit::Module module = loadTorchScript(spec.architecturePath);
  const auto& arch = spec.architecturePath;
  const int64_t format = requireAttribute<int64_t>(module, "format_version", arch);
  if (format != kArchitectureFormat) {
    throw KokoroError(codes::kBadFormat, arch + " has architecture format " + std::to_string(format) +
                                             ", this kokoro-native reads format " +
                                             std::to_string(kArchitectureFormat) + ". Re-export it.");
  }
  const auto structure = requireAttribute<std::string>(module, "structure_key", arch);
  if (structure != spec.structureKey) {
    throw KokoroError(codes::kBadConfig, "config.json describes a model of structure '" + spec.structureKey +
                                             "' but the architecture " + arch + " was exported for '" +
                                             structure + "'. Export one for this config with models/export.py.");
  }
  if (!spec.checkpointPath.empty()) {
    fillParameters(module, readOfficialCheckpoint(spec.checkpointPath), spec.sizes, arch, spec.checkpointPath);
  } else {
    for (const auto& param : module.named_parameters()) {
      if (param.value.numel() == 0) {
        throw KokoroError(codes::kBadConfig, arch + " holds no weights: give the checkpoint (weights) too.");
      }
    }
  }
  module.run_method("set_albert_shape", spec.albertHeads, spec.albertLayers);
  module.eval();

  auto model = std::make_shared<KModel>(ConstructionKey{});
  model->device_ = spec.device;
  if (spec.device != "cpu") module.to(c10::Device(spec.device));
  model->precision_ = precision;
  convertDecoder(module, precision);
  model->module_ = std::move(module);
  model->vocab_ = spec.vocab;
  model->voiceRowRule_ = spec.voiceRowRule;
  model->threads_ = spec.threads;
  for (const auto& param : model->module_.parameters()) model->parameterCount_ += param.numel();
  if (precision == Precision::kBFloat16 && spec.device == "cpu") packDecoderWeights(model->module_);
  model->hasBatchMethods_ = model->module_.find_method("predict_batch").has_value() &&
                            model->module_.find_method("decode_batch").has_value();
  releaseCachedTensorBlocks();
  return model;
}

PreparedRequest KModel::prepare(const InferenceRequest& request) const {
  limits::checkSpeed(request.speed);
  const TokenizedPhonemes tokens = vocab_.encode(request.phonemes);
  const auto tokenCount = static_cast<int64_t>(tokens.ids.size()) - 2;
  if (tokenCount > kMaxTokens) {
    throw KokoroError(codes::kInputTooLong,
                      "phoneme string has " + std::to_string(tokenCount) + " tokens; the model takes at most " +
                          std::to_string(kMaxTokens) + ". Split the text into shorter pieces.");
  }
  const at::Tensor& voice = request.voice;
  if (!voice.defined() || voice.dim() != 2 || voice.size(1) != kStyleWidth || voice.size(0) < 1) {
    throw KokoroError(codes::kBadVoice, "voice must be a [rows, 256] pack or one 256-wide style row");
  }

  PreparedRequest prepared;
  InferenceResult& result = prepared.result;
  result.tokenIds = tokens.ids;
  result.droppedCharacters.assign(tokens.dropped.begin(), tokens.dropped.end());
  result.voiceRow = voiceRowRule_ == VoiceRowRule::kTokenCount
                        ? tokenCount
                        : std::max<int64_t>(0, static_cast<int64_t>(tokens.codePoints) - 1);
  result.voiceRow = std::min(result.voiceRow, voice.size(0) - 1);
  // A fresh seed fits in 32 bits so that it survives the trip through a JS number.
  result.seed = request.seed ? *request.seed : static_cast<uint64_t>(std::random_device{}());
  prepared.ids = tokens.ids;
  prepared.style = selectStyle(voice, result.voiceRow).to(at::kFloat);
  limits::checkStyleMagnitude(prepared.style.abs().max().item<double>());
  prepared.speed = request.speed;
  prepared.withCurves = request.withCurves;
  return prepared;
}

SourceNoise KModel::drawSourceNoise(int64_t f0Length, uint64_t seed) const {
  // Drawn like the official code draws them from the global generator (see draw_source_noise
  // in models/kokoro_ts/model.py), but from a generator of this request's own: concurrent and
  // batched requests stay reproducible. Drawn on the CPU so that CPU and CUDA runs get the
  // same noise.
  const auto shapes = module_.run_method("noise_shapes", f0Length).toTuple();
  // at(): the archive decides the tuple's length; a short one throws instead of reading past it.
  const c10::ArrayRef<c10::IValue> shapeItems = shapes->elements().asArrayRef();
  const auto jitterShape = shapeItems.at(0).toIntVector();
  const auto noiseShape = shapeItems.at(1).toIntVector();
  const bool pinned = device_ != "cpu";
  const auto options = at::TensorOptions().dtype(at::kFloat).pinned_memory(pinned);
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  SourceNoise drawn;
  drawn.jitter = at::empty(jitterShape, options);
  drawn.jitter.uniform_(0.0, 1.0, generator);
  drawn.noise = at::empty({noiseShape[0], noiseShape[2], noiseShape[1]}, options).transpose(1, 2);
  drawn.noise.normal_(0.0, 1.0, generator);
  return drawn;
}

InferenceResult KModel::infer(const InferenceRequest& request) const {
  applyThreadCount(threads_);  // the executor sets its own threads per pass; a direct caller gets the model's
  return runPrepared(prepare(request));
}

Prediction KModel::predict(const PreparedRequest& prepared) const {
  const c10::Device device(device_);
  at::Tensor ids = torch::tensor(prepared.ids, at::kLong).unsqueeze(0).to(device);
  const auto predicted = module_.run_method("predict", ids, prepared.style.to(device), prepared.speed).toTuple();
  const c10::ArrayRef<c10::IValue> items = predicted->elements().asArrayRef();
  Prediction out;
  out.durations = items.at(0).toTensor().to(at::kLong).cpu().contiguous();
  out.f0 = items.at(2).toTensor();
  out.n = items.at(3).toTensor();
  out.asr = items.at(4).toTensor();
  out.frames = out.durations.sum().item<int64_t>();
  limits::checkFrames(out.frames);
  return out;
}

InferenceResult KModel::runPrepared(PreparedRequest&& prepared, StageTimes* times) const {
  torch::NoGradGuard noGrad;
  InferenceResult result = std::move(prepared.result);
  const c10::Device device(device_);
  const bool async = device_ != "cpu";
  const auto started = std::chrono::steady_clock::now();
  at::Tensor style = prepared.style.to(device);
  Prediction predicted = predict(prepared);
  const auto predicted_at = std::chrono::steady_clock::now();
  adaptIntraOpThreads();

  SourceNoise drawn = drawSourceNoise(predicted.f0.size(1), result.seed);
  // The noise is moved into the call, with no other reference left (run_method copies its
  // arguments from an initializer list that lives until it returns), so that the decoder frees
  // it (16 MiB for 244 tokens) once the harmonic source has read it, before the generator's
  // largest stage.
  std::vector<c10::IValue> inputs;
  inputs.reserve(6);
  for (at::Tensor* input : {&predicted.asr, &predicted.f0, &predicted.n, &style}) inputs.emplace_back(*input);
  inputs.emplace_back(toDevice(drawn.jitter, device, async));
  inputs.emplace_back(toDevice(std::exchange(drawn.noise, at::Tensor()), device, async));
  at::Tensor audio = module_.get_method("decode")(std::move(inputs))
                         .toTensor()
                         .to(at::kFloat)
                         .cpu()
                         .contiguous();
  limits::checkFinite(audio);
  if (times != nullptr) {
    times->predict += std::chrono::duration<double>(predicted_at - started).count();
    times->decode += std::chrono::duration<double>(std::chrono::steady_clock::now() - predicted_at).count();
  }
  result.audio.assign(audio.data_ptr<float>(), audio.data_ptr<float>() + audio.numel());
  const at::Tensor& durations = predicted.durations;
  result.durations.assign(durations.data_ptr<int64_t>(), durations.data_ptr<int64_t>() + durations.numel());
  if (prepared.withCurves) {
    at::Tensor f0Cpu = predicted.f0.cpu().contiguous();
    at::Tensor nCpu = predicted.n.cpu().contiguous();
    result.f0.assign(f0Cpu.data_ptr<float>(), f0Cpu.data_ptr<float>() + f0Cpu.numel());
    result.n.assign(nCpu.data_ptr<float>(), nCpu.data_ptr<float>() + nCpu.numel());
  }
  return result;
}

void KModel::save(const std::string& path) const {
  try {
    torch::jit::Module copy = module_.clone();
    unpackDecoderWeights(copy);
    copy.to(c10::Device(c10::kCPU));
    convertDecoder(copy, Precision::kFloat32);  // saved files are float32, whatever ran here
    copy.save(path);
  } catch (const c10::Error& e) {
    throw KokoroError(codes::kFileUnreadable,
                      "could not write " + path + ": " + std::string(e.what_without_backtrace()).substr(0, 200));
  }
}

}  // namespace kokoro
