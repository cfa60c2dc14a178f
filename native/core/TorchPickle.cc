#include "core/TorchPickle.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "core/Error.h"

namespace kokoro {

size_t elementSize(DType dtype) {
  switch (dtype) {
    case DType::Float64:
    case DType::Int64:
      return 8;
    case DType::Float32:
    case DType::Int32:
      return 4;
    case DType::Float16:
    case DType::BFloat16:
    case DType::Int16:
      return 2;
    default:
      return 1;
  }
}

const char* dtypeName(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Float16: return "float16";
    case DType::BFloat16: return "bfloat16";
    case DType::Int64: return "int64";
    case DType::Int32: return "int32";
    case DType::Int16: return "int16";
    case DType::Int8: return "int8";
    case DType::UInt8: return "uint8";
    case DType::Bool: return "bool";
  }
  return "unknown";
}

namespace {

using Kind = PickleValue::Kind;

const std::unordered_map<std::string, DType>& storageTypes() {
  static const std::unordered_map<std::string, DType> types = {
      {"torch.FloatStorage", DType::Float32}, {"torch.DoubleStorage", DType::Float64},
      {"torch.HalfStorage", DType::Float16},  {"torch.BFloat16Storage", DType::BFloat16},
      {"torch.LongStorage", DType::Int64},    {"torch.IntStorage", DType::Int32},
      {"torch.ShortStorage", DType::Int16},   {"torch.CharStorage", DType::Int8},
      {"torch.ByteStorage", DType::UInt8},    {"torch.BoolStorage", DType::Bool}};
  return types;
}

class Parser {
 public:
  Parser(const std::string& bytes, const std::string& path) : data_(bytes), path_(path) {}

  PickleDocument run() {
    while (true) {
      const size_t at = pos_;
      const auto op = static_cast<unsigned char>(take(1)[0]);
      switch (op) {
        case 0x80: take(1); break;                                    // PROTO
        case '.': return finish();                                    // STOP
        case '(': marks_.push_back(stack_.size()); break;             // MARK
        case 'N': push(make(Kind::None)); break;
        case 0x88: case 0x89: { PickleValue v = make(Kind::Bool); v.integer = op == 0x88; push(v); break; }
        case 'K': pushInt(static_cast<unsigned char>(take(1)[0])); break;
        case 'M': pushInt(littleEndian(take(2), 2, false)); break;
        case 'J': pushInt(littleEndian(take(4), 4, true)); break;
        case 0x8a: {                                                  // LONG1
          const size_t n = static_cast<unsigned char>(take(1)[0]);
          if (n > 8) fail(at, "integer wider than 64 bits");
          pushInt(n == 0 ? 0 : littleEndian(take(n), n, true));
          break;
        }
        case 'G': {                                                   // BINFLOAT, big-endian
          const char* p = take(8);
          uint64_t bits = 0;
          for (int i = 0; i < 8; ++i) bits = (bits << 8) | static_cast<unsigned char>(p[i]);
          PickleValue v = make(Kind::Float);
          std::memcpy(&v.real, &bits, sizeof bits);
          push(v);
          break;
        }
        case 'X': pushString(length(4)); break;
        case 0x8c: pushString(length(1)); break;
        case 0x8d: pushString(length(8)); break;
        case 'C': pushString(length(1)); break;                       // bytes: kept as text
        case 'B': pushString(length(4)); break;
        case ')': push(make(Kind::Tuple)); break;
        case ']': push(make(Kind::List)); break;
        case '}': push(make(Kind::Dict)); break;
        case 't': push(container(at, Kind::Tuple, popToMark(at))); break;
        case 'l': push(container(at, Kind::List, popToMark(at))); break;
        case 0x85: case 0x86: case 0x87: {                            // TUPLE1..3
          const size_t n = op - 0x84;
          if (stack_.size() < n + floor()) fail(at, "stack underflow");
          std::vector<PickleValue> items(stack_.end() - static_cast<long>(n), stack_.end());
          stack_.resize(stack_.size() - n);
          push(container(at, Kind::Tuple, std::move(items)));
          break;
        }
        case 'a': { PickleValue item = pop(at); auto& list = top(at, Kind::List); nest(at, list, item); list.items->push_back(item); break; }
        case 'e': {
          auto items = popToMark(at);
          auto& list = top(at, Kind::List);
          for (const auto& item : items) nest(at, list, item);
          list.items->insert(list.items->end(), items.begin(), items.end());
          break;
        }
        case 'd': { auto items = popToMark(at); PickleValue d = make(Kind::Dict); addPairs(at, d, items); push(d); break; }
        case 's': { PickleValue value = pop(at); PickleValue key = pop(at); addPairs(at, top(at, Kind::Dict), {key, value}); break; }
        case 'u': { auto items = popToMark(at); addPairs(at, top(at, Kind::Dict), items); break; }
        case 'q': memoPut(static_cast<unsigned char>(take(1)[0]), at); break;
        case 'r': memoPut(static_cast<uint32_t>(littleEndian(take(4), 4, false)), at); break;
        case 0x94: memoPut(memo_.size(), at); break;                  // MEMOIZE
        case 'h': memoGet(static_cast<unsigned char>(take(1)[0]), at); break;
        case 'j': memoGet(static_cast<uint32_t>(littleEndian(take(4), 4, false)), at); break;
        case '0': pop(at); break;
        case '1': popToMark(at); break;
        case 'c': {                                                   // GLOBAL module\nname\n
          std::string module = line(at), name = line(at);
          PickleValue g = make(Kind::Global);
          g.text = module + "." + name;
          push(g);
          break;
        }
        case 'R': { PickleValue args = pop(at); PickleValue callable = pop(at); push(reduce(at, callable, args)); break; }
        case 'b': {                                                   // BUILD: state is ignored
          pop(at);
          if (stack_.size() <= floor()) fail(at, "stack underflow");
          break;
        }
        case 'Q': push(persistentLoad(at, pop(at))); break;
        default:
          fail(at, "unsupported pickle opcode 0x" + hex(op));
      }
    }
  }

 private:
  PickleValue make(Kind kind) {
    PickleValue v;
    v.kind = kind;
    if (kind == Kind::Tuple || kind == Kind::List) {
      document_.lists.push_back(std::make_unique<PickleValue::Items>());
      v.items = document_.lists.back().get();
    }
    if (kind == Kind::Dict) {
      document_.dicts.push_back(std::make_unique<PickleValue::Pairs>());
      v.pairs = document_.dicts.back().get();
    }
    return v;
  }
  // A container now holds `child`: bound the nesting.
  void nest(size_t at, PickleValue& container, const PickleValue& child) {
    container.depth = std::max(container.depth, child.depth + 1);
    if (container.depth > kMaxPickleDepth) fail(at, "containers nested deeper than " + std::to_string(kMaxPickleDepth));
  }
  PickleValue container(size_t at, Kind kind, std::vector<PickleValue> items) {
    PickleValue v = make(kind);
    for (const auto& item : items) nest(at, v, item);
    *v.items = std::move(items);
    return v;
  }

  [[noreturn]] void fail(size_t at, const std::string& what) const {
    throw KokoroError(codes::kBadFormat, path_ + " has a malformed or unsupported pickle (data.pkl, byte " +
                                             std::to_string(at) + "): " + what +
                                             ". The file is corrupt or not a Kokoro checkpoint; re-download it.");
  }
  static std::string hex(unsigned v) {
    const char* digits = "0123456789abcdef";
    return {digits[(v >> 4) & 15], digits[v & 15]};
  }
  const char* take(size_t n) {
    if (n > data_.size() - pos_) fail(pos_, "unexpected end of data");
    const char* p = data_.data() + pos_;
    pos_ += n;
    return p;
  }
  static int64_t littleEndian(const char* p, size_t n, bool isSigned) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    if (isSigned && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);
    return static_cast<int64_t>(v);
  }
  uint64_t length(size_t bytes) {
    const auto n = static_cast<uint64_t>(littleEndian(take(bytes), bytes, false));
    if (n > data_.size() - pos_) fail(pos_, "string longer than the data");
    return n;
  }
  std::string line(size_t at) {
    const size_t end = data_.find('\n', pos_);
    if (end == std::string::npos || end - pos_ > 256) fail(at, "bad GLOBAL name");
    std::string s = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  void push(PickleValue v) {
    if (stack_.size() > 1'000'000) fail(pos_, "stack too deep");
    stack_.push_back(std::move(v));
  }
  void pushInt(int64_t i) { PickleValue v = make(Kind::Int); v.integer = i; push(v); }
  void pushString(uint64_t n) { PickleValue v = make(Kind::String); v.text.assign(take(n), n); push(v); }
  PickleValue pop(size_t at) {
    if (stack_.size() <= floor()) fail(at, "stack underflow");
    PickleValue v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  PickleValue& top(size_t at, Kind kind) {
    if (stack_.size() <= floor() || stack_.back().kind != kind) fail(at, "operation on the wrong kind of object");
    return stack_.back();
  }
  std::vector<PickleValue> popToMark(size_t at) {
    if (marks_.empty()) fail(at, "no MARK");
    const size_t mark = marks_.back();
    marks_.pop_back();
    if (mark > stack_.size()) fail(at, "MARK past the stack");
    std::vector<PickleValue> items(stack_.begin() + static_cast<long>(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }
  void addPairs(size_t at, PickleValue& dict, const std::vector<PickleValue>& items) {
    if (items.size() % 2 != 0) fail(at, "odd number of dict items");
    for (size_t i = 0; i < items.size(); i += 2) {
      nest(at, dict, items[i]);
      nest(at, dict, items[i + 1]);
      dict.pairs->emplace_back(items[i], items[i + 1]);
    }
  }
  void memoPut(size_t index, size_t at) {
    if (stack_.empty()) fail(at, "memo of an empty stack");
    // Each memo entry costs at least one opcode byte, so no honest index exceeds the data size.
    if (index > data_.size()) fail(at, "memo index " + std::to_string(index) + " out of range");
    memo_[index] = stack_.back();
  }
  void memoGet(size_t index, size_t at) {
    auto it = memo_.find(index);
    if (it == memo_.end()) fail(at, "unknown memo index");
    push(it->second);
  }

  PickleValue persistentLoad(size_t at, const PickleValue& id) {
    // ('storage', <storage class>, key, location, numel)
    if (id.kind != Kind::Tuple || id.items->size() < 5 || (*id.items)[0].text != "storage") {
      fail(at, "unsupported persistent id");
    }
    const auto& items = *id.items;
    auto type = storageTypes().find(items[1].text);
    if (items[1].kind != Kind::Global || type == storageTypes().end()) fail(at, "unsupported storage type " + items[1].text);
    if (items[2].kind != Kind::String || items[4].kind != Kind::Int || items[4].integer < 0) fail(at, "bad storage id");
    PickleValue v = make(Kind::Storage);
    v.storage = std::make_shared<StorageRef>(StorageRef{items[2].text, type->second, static_cast<uint64_t>(items[4].integer)});
    return v;
  }

  std::vector<int64_t> intTuple(size_t at, const PickleValue& v) {
    if (v.kind != Kind::Tuple) fail(at, "tensor size/stride is not a tuple");
    std::vector<int64_t> out;
    for (const auto& item : *v.items) {
      if (item.kind != Kind::Int || item.integer < 0) fail(at, "bad tensor size/stride");
      out.push_back(item.integer);
    }
    return out;
  }

  PickleValue reduce(size_t at, const PickleValue& callable, const PickleValue& args) {
    if (callable.kind != Kind::Global || args.kind != Kind::Tuple) fail(at, "REDUCE of a non-global");
    const auto& a = *args.items;
    if (callable.text == "collections.OrderedDict") return make(Kind::Dict);
    if (callable.text == "torch._utils._rebuild_tensor_v2") {
      if (a.size() < 4 || a[0].kind != Kind::Storage || a[1].kind != Kind::Int) fail(at, "bad tensor record");
      PickleValue v = make(Kind::Tensor);
      v.tensor = std::make_shared<TensorRecord>();
      v.tensor->storage = *a[0].storage;
      v.tensor->offset = a[1].integer;
      v.tensor->sizes = intTuple(at, a[2]);
      v.tensor->strides = intTuple(at, a[3]);
      if (v.tensor->sizes.size() != v.tensor->strides.size() || v.tensor->offset < 0) fail(at, "bad tensor record");
      return v;
    }
    if (callable.text == "torch._utils._rebuild_parameter") {
      if (a.empty() || a[0].kind != Kind::Tensor) fail(at, "bad parameter record");
      return a[0];
    }
    fail(at, "unsupported object " + callable.text);
  }

  PickleDocument finish() {
    if (stack_.size() != 1 || !marks_.empty()) fail(pos_, "unbalanced stack at STOP");
    document_.root = stack_.back();
    stack_.clear();
    memo_.clear();
    return std::move(document_);
  }

  const std::string& data_;
  const std::string& path_;
  size_t pos_ = 0;
  std::vector<PickleValue> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<size_t, PickleValue> memo_;
  PickleDocument document_;
};

}  // namespace

PickleDocument parseTorchPickle(const std::string& bytes, const std::string& sourcePath) {
  return Parser(bytes, sourcePath).run();
}

}  // namespace kokoro
