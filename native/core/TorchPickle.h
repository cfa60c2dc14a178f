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

struct PickleValue {
  enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor };
  using Items = std::vector<PickleValue>;
  using Pairs = std::vector<std::pair<PickleValue, PickleValue>>;

  Kind kind = Kind::None;
  int64_t integer = 0;
  double real = 0;
  std::string text;                      // String; Global as "module.name"
  std::shared_ptr<Items> items;          // Tuple, List
  std::shared_ptr<Pairs> pairs;          // Dict, insertion order
  std::shared_ptr<StorageRef> storage;
  std::shared_ptr<TensorRecord> tensor;
};

// Throws KokoroError(kBadFormat) naming `sourcePath` on anything malformed or unsupported.
PickleValue parseTorchPickle(const std::string& bytes, const std::string& sourcePath);

}  // namespace kokoro
