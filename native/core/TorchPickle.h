// A strict reader of the pickle subset torch.save writes (protocol 2): dicts (OrderedDict
// included: libtorch 1.13's own reader turns those into None), tuples, lists, scalars, strings,
// and tensors as references to raw storages. Nothing is executed; anything else is an error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kokoro {

enum class DType { Float32, Float64, Float16, BFloat16, Int64, Int32, Int16, Int8, UInt8, Bool };
size_t elementSize(DType dtype);
const char* dtypeName(DType dtype);

struct StorageRef {
  std::string key;       // zip entry <prefix>data/<key>
  DType dtype = DType::Float32;
  uint64_t numel = 0;
};

struct TensorRecord {
  StorageRef storage;
  int64_t offset = 0;    // in elements
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides;
};

// A value of the pickle. Containers point into their PickleDocument's arena, never own each
// other: destroying a document is flat however deep (or cyclic, through the memo) its values.
struct PickleValue {
  enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor };
  using Items = std::vector<PickleValue>;
  using Pairs = std::vector<std::pair<PickleValue, PickleValue>>;

  Kind kind = Kind::None;
  int64_t integer = 0;
  double real = 0;
  std::string text;                      // String; Global as "module.name"
  Items* items = nullptr;                // Tuple, List (owned by the document)
  Pairs* pairs = nullptr;                // Dict, insertion order (owned by the document)
  uint32_t depth = 0;                    // containers nested inside this value
  std::shared_ptr<StorageRef> storage;
  std::shared_ptr<TensorRecord> tensor;
};

struct PickleDocument {
  PickleValue root;
  std::vector<std::unique_ptr<PickleValue::Items>> lists;
  std::vector<std::unique_ptr<PickleValue::Pairs>> dicts;
};

// Containers nested deeper than this are rejected (a state dict nests three).
inline constexpr uint32_t kMaxPickleDepth = 100;

// Throws KokoroError(kBadFormat) naming `sourcePath` on anything malformed or unsupported. All
// work and memory are bounded by the size of `bytes`.
PickleDocument parseTorchPickle(const std::string& bytes, const std::string& sourcePath);

}  // namespace kokoro
