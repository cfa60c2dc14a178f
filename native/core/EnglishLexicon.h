// A pronunciation lexicon of one English dialect (misaki's gold and silver entries, in the
// format written by tools/build-lexicon.mjs). The file stays in memory as one buffer; lookups
// binary-search an index of line offsets, so the whole lexicon costs its file size plus four
// bytes per entry. Loaded once per file and process, lazily, and shared by every pipeline.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kokoro {

enum class LexiconTier { Gold, Silver };

// One entry as written: plain phonemes, or the part-of-speech variants of a heteronym.
struct LexiconEntry {
  std::string_view value;  // phonemes, or "{TAG=phonemes|…}"
  LexiconTier tier = LexiconTier::Gold;

  bool isHeteronym() const { return !value.empty() && value.front() == '{'; }
  // The phonemes for `tag` (e.g. "VERB", "DEFAULT", "None"); nothing when the entry has no such
  // variant. An empty result means "spell the word out".
  std::optional<std::string_view> variant(std::string_view tag) const;
};

class EnglishLexicon {
 public:
  // The shared lexicon of `path`, loaded on first use. Throws KokoroError(kFileNotFound /
  // kBadFormat) naming the file.
  static std::shared_ptr<const EnglishLexicon> shared(const std::string& path);

  explicit EnglishLexicon(const std::string& path);

  // Exact (case-sensitive) lookup in one tier.
  std::optional<LexiconEntry> find(std::string_view word, LexiconTier tier) const;
  // Lookup as misaki's grown dictionaries answer it: the word itself, else (words of two or more
  // letters) its lower-case form when it is Capitalized, or its Capitalized form when lower-case.
  std::optional<LexiconEntry> lookup(std::string_view word, LexiconTier tier) const;
  bool contains(std::string_view word) const {
    return lookup(word, LexiconTier::Gold) || lookup(word, LexiconTier::Silver);
  }

  const std::string& dialect() const { return dialect_; }
  size_t entryCount() const { return gold_.size() + silver_.size(); }
  // Bytes of native memory held: the file buffer and the index.
  size_t memoryBytes() const { return buffer_.capacity() + (gold_.capacity() + silver_.capacity()) * sizeof(uint32_t); }

 private:
  std::optional<LexiconEntry> search(const std::vector<uint32_t>& index, std::string_view word, LexiconTier tier) const;

  std::string buffer_;
  std::string dialect_;
  std::vector<uint32_t> gold_;    // offsets of entry lines, sorted by word
  std::vector<uint32_t> silver_;
};

}  // namespace kokoro
