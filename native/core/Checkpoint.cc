#include "core/Checkpoint.h"

#include <map>
#include <optional>
#include <unordered_map>

#include "core/Error.h"
#include "core/TorchPickle.h"
#include "core/ZipReader.h"

namespace kokoro {
namespace {

// data.pkl of the official v1.0 checkpoint is about 60 KB.
constexpr uint64_t kMaxPickleBytes = 4 << 20;

at::ScalarType scalarType(DType dtype) {
  switch (dtype) {
    case DType::Float32: return at::kFloat;
    case DType::Float64: return at::kDouble;
    case DType::Float16: return at::kHalf;
    case DType::BFloat16: return at::kBFloat16;
    case DType::Int64: return at::kLong;
    case DType::Int32: return at::kInt;
    case DType::Int16: return at::kShort;
    case DType::Int8: return at::kChar;
    case DType::UInt8: return at::kByte;
    case DType::Bool: return at::kBool;
  }
  return at::kFloat;
}

// How many tensor records of the document use each storage: a storage shared by several views
// is read once, and dropped from the cache after its last view.
std::unordered_map<std::string, size_t> countStorageUses(const PickleDocument& document) {
  std::unordered_map<std::string, size_t> uses;
  const auto count = [&uses](const PickleValue& value) {
    if (value.kind == PickleValue::Kind::Tensor && value.tensor) uses[value.tensor->storage.key] += 1;
  };
  count(document.root);
  for (const auto& items : document.lists) {
    for (const auto& item : *items) count(item);
  }
  for (const auto& pairs : document.dicts) {
    for (const auto& [key, value] : *pairs) {
      count(key);
      count(value);
    }
  }
  return uses;
}

// One torch.save file: its archive, the parsed pickle, and the storages that further views
// will need. Each storage is read straight from the archive into its tensor, and kept no longer
// than its views need it: the file's bytes are never all in memory at once.
class TorchFile {
 public:
  explicit TorchFile(const std::string& path) : zip_(path) {
    std::string pickle;
    for (const auto& name : zip_.entryNames()) {
      const size_t slash = name.find('/');
      if (slash != std::string::npos && name.compare(slash, std::string::npos, "/data.pkl") == 0) {
        prefix_ = name.substr(0, slash + 1);
        pickle = name;
      }
    }
    if (pickle.empty()) {
      throw KokoroError(codes::kBadFormat, path + " is a ZIP file but not a PyTorch checkpoint (no data.pkl). "
                                                  "Use the official .pth/.pt files.");
    }
    if (zip_.entrySize(pickle) > kMaxPickleBytes) {
      throw KokoroError(codes::kBadFormat, path + " has a " + std::to_string(zip_.entrySize(pickle)) +
                                               "-byte data.pkl; a Kokoro checkpoint's is under 1 MB. The file is "
                                               "corrupt or not a Kokoro checkpoint.");
    }
    document_ = parseTorchPickle(zip_.readEntry(pickle), path);
    pendingUses_ = countStorageUses(document_);
  }

  const PickleValue& root() const { return document_.root; }
  const std::string& path() const { return zip_.path(); }

  // The tensor a record describes, as a view of its storage (read from the archive once).
  // Every size is checked against the file before anything is allocated.
  at::Tensor tensor(const TensorRecord& record) {
    const StorageRef& ref = record.storage;
    const std::string entryName = prefix_ + "data/" + ref.key;
    const auto corrupt = [&](const std::string& what) {
      return KokoroError(codes::kBadFormat, path() + " is corrupt: tensor storage '" + ref.key + "' " + what +
                                                ". Re-download it.");
    };
    uint64_t storageBytes = 0;
    if (__builtin_mul_overflow(ref.numel, static_cast<uint64_t>(elementSize(ref.dtype)), &storageBytes) ||
        storageBytes != zip_.entrySize(entryName)) {
      throw corrupt("declares " + std::to_string(ref.numel) + " elements but its entry holds " +
                    std::to_string(zip_.entrySize(entryName)) + " bytes");
    }
    // Elements of the view, and the storage span it touches: offset + 1 + sum((size-1)*stride).
    uint64_t elements = 1;
    uint64_t span = 1;
    bool overflow = false;
    for (size_t d = 0; d < record.sizes.size(); ++d) {
      const auto size = static_cast<uint64_t>(record.sizes[d]);
      const auto stride = static_cast<uint64_t>(record.strides[d]);
      uint64_t reach = 0;
      overflow |= __builtin_mul_overflow(elements, size, &elements);
      if (size > 0) overflow |= __builtin_mul_overflow(size - 1, stride, &reach) || __builtin_add_overflow(span, reach, &span);
    }
    if (elements == 0) span = 0;
    overflow |= __builtin_add_overflow(span, static_cast<uint64_t>(record.offset), &span);
    if (overflow || span > ref.numel) throw corrupt("is smaller than a view of it (its sizes, strides or offset lie)");
    // A view with more elements than its storage repeats it (stride 0): the copy would cost
    // memory the file never paid for.
    if (elements > ref.numel) throw corrupt("is expanded by a stride-0 view beyond its own size");
    at::Tensor storage;
    auto cached = storages_.find(ref.key);
    if (cached != storages_.end()) {
      storage = cached->second;
    } else {
      storage = at::empty({static_cast<int64_t>(ref.numel)}, at::TensorOptions().dtype(scalarType(ref.dtype)));
      zip_.readEntryInto(entryName, storage.data_ptr(), storageBytes);
    }
    // A miss after the last counted use (a record reached twice through the memo) reads again.
    auto uses = pendingUses_.find(ref.key);
    if (uses != pendingUses_.end() && uses->second > 1) {
      uses->second -= 1;
      storages_.emplace(ref.key, storage);
    } else {
      if (uses != pendingUses_.end()) pendingUses_.erase(uses);
      storages_.erase(ref.key);
    }
    return storage.as_strided(record.sizes, record.strides, record.offset);
  }

 private:
  ZipReader zip_;
  std::string prefix_;
  PickleDocument document_;
  std::unordered_map<std::string, size_t> pendingUses_;  // storage key -> views not yet made
  std::unordered_map<std::string, at::Tensor> storages_;
};

[[noreturn]] void notACheckpoint(const std::string& path, const std::string& what) {
  throw KokoroError(codes::kBadFormat, path + " is not a Kokoro checkpoint: " + what +
                                           ". Expected the official layout (a dict of state dicts: bert, "
                                           "bert_encoder, predictor, text_encoder, decoder).");
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

NamedTensors readOfficialCheckpoint(const std::string& path) {
  TorchFile file(path);
  const PickleValue* rootPtr = &file.root();
  // v0.19's training checkpoint nests the same sections under "net".
  if (rootPtr->kind == PickleValue::Kind::Dict && rootPtr->pairs->size() == 1 &&
      rootPtr->pairs->front().first.text == "net" && rootPtr->pairs->front().second.kind == PickleValue::Kind::Dict) {
    rootPtr = &rootPtr->pairs->front().second;
  }
  const PickleValue& root = *rootPtr;
  if (root.kind != PickleValue::Kind::Dict) notACheckpoint(path, "its top level is not a dict");
  // Weight norm is folded as soon as both halves are read (weight = g * v / ||v||, norm over all
  // dims but 0), and the halves dropped: the checkpoint's tensors and the parameters never all
  // coexist. The folded weight takes the place of its weight_v, as in the file.
  NamedTensors folded;
  struct HalfPair {
    at::Tensor gain, direction;
    std::string gainName, directionName;
    std::optional<size_t> slot;  // where the folded weight goes, once weight_v is read
  };
  std::map<std::string, HalfPair> halves;  // by the folded weight's name
  const auto fold = [&](const std::string& base, HalfPair& pair) {
    const at::Tensor& gain = pair.gain;
    const at::Tensor& direction = pair.direction;
    if (gain.dim() != direction.dim() || gain.size(0) != direction.size(0)) {
      throw KokoroError(codes::kCheckpointMismatch, path + ": '" + pair.gainName + "' does not match '" +
                                                        pair.directionName + "'");
    }
    folded[*pair.slot].second = at::_weight_norm(direction.to(at::kFloat), gain.to(at::kFloat), 0);
    halves.erase(base);
  };
  for (const auto& [section, state] : *root.pairs) {
    if (section.kind != PickleValue::Kind::String || state.kind != PickleValue::Kind::Dict) {
      notACheckpoint(path, "a top-level entry is not a named state dict");
    }
    for (const auto& [key, value] : *state.pairs) {
      if (key.kind != PickleValue::Kind::String || value.kind != PickleValue::Kind::Tensor) {
        notACheckpoint(path, "state dict '" + section.text + "' holds something other than tensors");
      }
      std::string name = key.text.rfind("module.", 0) == 0 ? key.text.substr(7) : key.text;
      name = section.text + "." + name;
      if (name == "bert.embeddings.position_ids") continue;  // a buffer of positions, not weights
      const bool isGain = endsWith(name, ".weight_g");
      if (!isGain && !endsWith(name, ".weight_v")) {
        folded.emplace_back(name, file.tensor(*value.tensor));
        continue;
      }
      const std::string base = name.substr(0, name.size() - 2);
      HalfPair& pair = halves[base];
      if (isGain) {
        pair.gain = file.tensor(*value.tensor);
        pair.gainName = name;
      } else {
        pair.direction = file.tensor(*value.tensor);
        pair.directionName = name;
        if (!pair.slot) {
          pair.slot = folded.size();
          folded.emplace_back(base, at::Tensor());
        }
      }
      if (pair.gain.defined() && pair.direction.defined()) fold(base, pair);
    }
  }
  if (!halves.empty()) {
    const auto& [base, pair] = *halves.begin();
    const std::string& present = pair.gain.defined() ? pair.gainName : pair.directionName;
    const std::string missing = base + (pair.gain.defined() ? "_v" : "_g");
    throw KokoroError(codes::kCheckpointMismatch, path + " has '" + present + "' without its '" + missing + "'");
  }
  return folded;
}

at::Tensor readTensorFile(const std::string& path) {
  TorchFile file(path);
  if (file.root().kind != PickleValue::Kind::Tensor) {
    throw KokoroError(codes::kBadVoice, path + " holds no single tensor: a voice pack is a torch.save'd float32 "
                                               "tensor [510, 1, 256].");
  }
  const TensorRecord& record = *file.root().tensor;
  if (record.storage.dtype != DType::Float32) {
    throw KokoroError(codes::kBadVoice, path + " holds a " + dtypeName(record.storage.dtype) +
                                            " tensor; a voice pack is float32 (torch.save of a float32 tensor "
                                            "[510, 1, 256]). Convert it with tensor.float().");
  }
  return file.tensor(record).clone();
}

}  // namespace kokoro
