// Reads the uncompressed ("stored") entries of a ZIP file, as torch.save writes them, without
// loading the file: the central directory is read once, entries on demand with bounded reads,
// each checked against its CRC-32.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kokoro {

class ZipReader {
 public:
  // Throws KokoroError: kFileNotFound, kFileUnreadable, kBadFormat (not a zip, truncated).
  explicit ZipReader(std::string path);

  const std::string& path() const { return path_; }
  std::vector<std::string> entryNames() const;
  bool contains(const std::string& name) const { return entries_.count(name) != 0; }
  uint64_t entrySize(const std::string& name) const;
  std::string readEntry(const std::string& name) const;
  void readEntryInto(const std::string& name, void* destination, uint64_t bytes) const;

 private:
  struct Entry {
    uint64_t localHeaderOffset = 0;
    uint64_t size = 0;
    uint16_t method = 0;
    uint32_t crc = 0;
    mutable uint64_t dataOffset = 0;  // resolved from the local header on first read
  };
  const Entry& entry(const std::string& name) const;
  uint64_t dataOffset(const Entry& e, const std::string& name) const;
  void readAt(uint64_t offset, void* destination, uint64_t bytes, const char* what) const;
  void checkCrc(const Entry& e, const std::string& name, const void* data) const;

  std::string path_;
  std::unique_ptr<FILE, int (*)(FILE*)> file_;
  uint64_t fileSize_ = 0;
  std::map<std::string, Entry> entries_;
  mutable std::mutex mutex_;  // one file position, shared by readers
};

}  // namespace kokoro
