#include "core/ZipReader.h"

#include <cerrno>
#include <cstring>

#include <zlib.h>

#include "core/Error.h"

namespace kokoro {
namespace {

constexpr uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr uint32_t kZip64EndOfCentralDirectory = 0x06064b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kLocalHeader = 0x04034b50;

uint16_t u16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t u32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t u64(const unsigned char* p) { return u32(p) | (static_cast<uint64_t>(u32(p + 4)) << 32); }

}  // namespace

ZipReader::ZipReader(std::string path) : path_(std::move(path)), file_(nullptr, &std::fclose) {
  file_.reset(std::fopen(path_.c_str(), "rb"));
  if (!file_) {
    const int error = errno;
    if (error == ENOENT) throw KokoroError(codes::kFileNotFound, "file not found: " + path_);
    throw KokoroError(codes::kFileUnreadable, "cannot open " + path_ + ": " + std::strerror(error));
  }
  if (std::fseek(file_.get(), 0, SEEK_END) != 0) {
    throw KokoroError(codes::kFileUnreadable, "cannot read " + path_ + " (not a regular file?)");
  }
  const long size = std::ftell(file_.get());
  if (size < 0) throw KokoroError(codes::kFileUnreadable, "cannot read " + path_ + " (not a regular file?)");
  fileSize_ = static_cast<uint64_t>(size);
  const std::string notZip = path_ + " is not a PyTorch checkpoint (no ZIP directory: the file is truncated or of "
                                     "another format). Re-download it.";
  if (fileSize_ < 22) throw KokoroError(codes::kBadFormat, notZip);

  // The end record sits in the last 22 + 65535 (comment) bytes.
  const uint64_t tailSize = std::min<uint64_t>(fileSize_, 22 + 65535);
  std::vector<unsigned char> tail(tailSize);
  readAt(fileSize_ - tailSize, tail.data(), tailSize, "the ZIP end record");
  int64_t eocd = -1;
  for (int64_t i = static_cast<int64_t>(tailSize) - 22; i >= 0; --i) {
    if (u32(&tail[i]) == kEndOfCentralDirectory) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw KokoroError(codes::kBadFormat, notZip);
  const unsigned char* end = &tail[eocd];
  uint64_t count = u16(end + 10);
  uint64_t directorySize = u32(end + 12);
  uint64_t directoryOffset = u32(end + 16);
  const uint64_t eocdOffset = fileSize_ - tailSize + static_cast<uint64_t>(eocd);
  if (count == 0xFFFF || directorySize == 0xFFFFFFFF || directoryOffset == 0xFFFFFFFF) {
    // ZIP64: a locator just before the end record points at the 64-bit end record.
    if (eocdOffset < 20) throw KokoroError(codes::kBadFormat, notZip);
    unsigned char locator[20];
    readAt(eocdOffset - 20, locator, 20, "the ZIP64 locator");
    if (u32(locator) != kZip64Locator) throw KokoroError(codes::kBadFormat, notZip);
    unsigned char record[56];
    const uint64_t recordOffset = u64(locator + 8);
    readAt(recordOffset, record, 56, "the ZIP64 end record");
    if (u32(record) != kZip64EndOfCentralDirectory) throw KokoroError(codes::kBadFormat, notZip);
    count = u64(record + 32);
    directorySize = u64(record + 40);
    directoryOffset = u64(record + 48);
  }
  if (directoryOffset > fileSize_ || directorySize > fileSize_ - directoryOffset || count > directorySize / 46 + 1) {
    throw KokoroError(codes::kBadFormat, path_ + " is truncated or corrupt (its ZIP directory points outside the "
                                                 "file). Re-download it.");
  }
  std::vector<unsigned char> directory(directorySize);
  readAt(directoryOffset, directory.data(), directorySize, "the ZIP directory");
  size_t p = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (p + 46 > directory.size() || u32(&directory[p]) != kCentralHeader) {
      throw KokoroError(codes::kBadFormat, path_ + " has a corrupt ZIP directory. Re-download it.");
    }
    const unsigned char* h = &directory[p];
    Entry e;
    e.method = u16(h + 10);
    e.crc = u32(h + 16);
    e.size = u32(h + 24);
    uint64_t compressed = u32(h + 20);
    e.localHeaderOffset = u32(h + 42);
    const size_t nameLength = u16(h + 28), extraLength = u16(h + 30), commentLength = u16(h + 32);
    if (p + 46 + nameLength + extraLength + commentLength > directory.size()) {
      throw KokoroError(codes::kBadFormat, path_ + " has a corrupt ZIP directory. Re-download it.");
    }
    std::string name(reinterpret_cast<const char*>(h + 46), nameLength);
    // ZIP64 extra field: 64-bit values replace the 32-bit ones that are 0xFFFFFFFF, in order.
    const unsigned char* extra = h + 46 + nameLength;
    for (size_t x = 0; x + 4 <= extraLength;) {
      const uint16_t id = u16(extra + x), length = u16(extra + x + 2);
      if (x + 4 + length > extraLength) break;
      if (id == 0x0001) {
        size_t q = x + 4;
        auto take = [&](uint64_t& field) {
          if (field == 0xFFFFFFFF && q + 8 <= x + 4 + length) {
            field = u64(extra + q);
            q += 8;
          }
        };
        take(e.size);
        take(compressed);
        take(e.localHeaderOffset);
      }
      x += 4 + length;
    }
    if (e.method == 0 && compressed != e.size) {
      throw KokoroError(codes::kBadFormat, path_ + " has a corrupt ZIP entry '" + name + "'. Re-download it.");
    }
    entries_[name] = e;
    p += 46 + nameLength + extraLength + commentLength;
  }
}

std::vector<std::string> ZipReader::entryNames() const {
  std::vector<std::string> names;
  for (const auto& [name, e] : entries_) names.push_back(name);
  return names;
}

const ZipReader::Entry& ZipReader::entry(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    throw KokoroError(codes::kBadFormat, path_ + " has no entry '" + name + "': it is truncated or not a PyTorch "
                                                 "checkpoint. Re-download it.");
  }
  if (it->second.method != 0) {
    throw KokoroError(codes::kBadFormat, path_ + ": entry '" + name + "' is compressed; PyTorch checkpoints store "
                                                 "entries uncompressed. Was the file re-zipped?");
  }
  return it->second;
}

uint64_t ZipReader::entrySize(const std::string& name) const { return entry(name).size; }

uint64_t ZipReader::dataOffset(const Entry& e, const std::string& name) const {
  if (e.dataOffset == 0) {
    unsigned char header[30];
    readAt(e.localHeaderOffset, header, 30, name.c_str());
    if (u32(header) != kLocalHeader) {
      throw KokoroError(codes::kBadFormat, path_ + " is corrupt: entry '" + name + "' has no local header.");
    }
    e.dataOffset = e.localHeaderOffset + 30 + u16(header + 26) + u16(header + 28);
  }
  if (e.dataOffset > fileSize_ || e.size > fileSize_ - e.dataOffset) {
    throw KokoroError(codes::kBadFormat, path_ + " is truncated: entry '" + name + "' needs " + std::to_string(e.size) +
                                             " bytes at offset " + std::to_string(e.dataOffset) + " but the file has " +
                                             std::to_string(fileSize_) + ". Re-download it.");
  }
  return e.dataOffset;
}

std::string ZipReader::readEntry(const std::string& name) const {
  const Entry& e = entry(name);
  std::string bytes(e.size, '\0');
  readAt(dataOffset(e, name), bytes.data(), e.size, name.c_str());
  checkCrc(e, name, bytes.data());
  return bytes;
}

void ZipReader::checkCrc(const Entry& e, const std::string& name, const void* data) const {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* bytes = static_cast<const Bytef*>(data);
  for (uint64_t done = 0; done < e.size;) {
    const auto piece = static_cast<uInt>(std::min<uint64_t>(e.size - done, uint64_t{1} << 30));
    crc = crc32(crc, bytes + done, piece);
    done += piece;
  }
  if (static_cast<uint32_t>(crc) != e.crc) {
    throw KokoroError(codes::kBadFormat, path_ + " is corrupt: entry '" + name + "' fails its CRC-32 check (the "
                                                 "file was damaged or altered). Re-download it.");
  }
}

void ZipReader::readEntryInto(const std::string& name, void* destination, uint64_t bytes) const {
  const Entry& e = entry(name);
  if (bytes != e.size) {
    throw KokoroError(codes::kBadFormat, path_ + ": entry '" + name + "' has " + std::to_string(e.size) +
                                             " bytes where its tensor needs " + std::to_string(bytes) +
                                             ". The file is corrupt; re-download it.");
  }
  readAt(dataOffset(e, name), destination, bytes, name.c_str());
  checkCrc(e, name, destination);
}

void ZipReader::readAt(uint64_t offset, void* destination, uint64_t bytes, const char* what) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (offset > fileSize_ || bytes > fileSize_ - offset) {
    throw KokoroError(codes::kBadFormat, path_ + " is truncated or corrupt (reading " + what + " past its end). "
                                                 "Re-download it.");
  }
  if (std::fseek(file_.get(), static_cast<long>(offset), SEEK_SET) != 0 ||
      std::fread(destination, 1, bytes, file_.get()) != bytes) {
    throw KokoroError(codes::kFileUnreadable, "cannot read " + path_ + " (" + what + "): I/O error");
  }
}

}  // namespace kokoro
