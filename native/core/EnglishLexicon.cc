#include "core/EnglishLexicon.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "core/Error.h"

namespace kokoro {
namespace {

std::string_view keyAt(const std::string& buffer, uint32_t offset) {
  const size_t tab = buffer.find('\t', offset);
  return std::string_view(buffer).substr(offset, tab - offset);
}

bool isAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

std::optional<std::string_view> LexiconEntry::variant(std::string_view tag) const {
  if (!isHeteronym()) return value;
  std::string_view rest = value.substr(1, value.size() - 2);
  while (!rest.empty()) {
    const size_t bar = rest.find('|');
    const std::string_view part = rest.substr(0, bar);
    const size_t equals = part.find('=');
    if (part.substr(0, equals) == tag) return part.substr(equals + 1);
    if (bar == std::string_view::npos) break;
    rest = rest.substr(bar + 1);
  }
  return std::nullopt;
}

std::shared_ptr<const EnglishLexicon> EnglishLexicon::shared(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const EnglishLexicon>> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = loaded[path];
  if (!slot) slot = std::make_shared<const EnglishLexicon>(path);
  return slot;
}

EnglishLexicon::EnglishLexicon(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw KokoroError(codes::kFileNotFound, "the English lexicon " + path +
                                                " could not be opened (it ships in the package's data/lexicon folder; "
                                                "regenerate it with `node tools/build-lexicon.mjs`)");
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  buffer_ = contents.str();
  const auto bad = [&path](const std::string& why) {
    return KokoroError(codes::kBadFormat, "the English lexicon " + path + " is malformed: " + why +
                                              " (regenerate it with `node tools/build-lexicon.mjs`)");
  };
  static const std::string magic = "KOKORO-LEXICON 1 ";
  if (buffer_.compare(0, magic.size(), magic) != 0) throw bad("it does not start with '" + magic + "'");
  size_t position = buffer_.find('\n');
  if (position == std::string::npos) throw bad("no entries");
  dialect_ = buffer_.substr(magic.size(), position - magic.size());
  ++position;
  std::vector<uint32_t>* index = nullptr;
  while (position < buffer_.size()) {
    const size_t end = buffer_.find('\n', position);
    if (end == std::string::npos) throw bad("the last line has no newline (truncated?)");
    if (buffer_[position] == '@') {
      const std::string name = buffer_.substr(position + 1, buffer_.find(' ', position) - position - 1);
      if (name == "gold") index = &gold_;
      else if (name == "silver") index = &silver_;
      else throw bad("unknown section '" + name + "'");
    } else {
      if (index == nullptr) throw bad("an entry precedes the first section");
      if (buffer_.find('\t', position) > end) throw bad("an entry line has no tab");
      if (buffer_.size() > UINT32_MAX) throw bad("the file is over 4 GB");
      index->push_back(static_cast<uint32_t>(position));
    }
    position = end + 1;
  }
  for (const auto* list : {&gold_, &silver_}) {
    const bool sorted = std::is_sorted(list->begin(), list->end(), [this](uint32_t a, uint32_t b) {
      return keyAt(buffer_, a) < keyAt(buffer_, b);
    });
    if (!sorted) throw bad("entries are not sorted");
  }
  gold_.shrink_to_fit();
  silver_.shrink_to_fit();
}

std::optional<LexiconEntry> EnglishLexicon::search(const std::vector<uint32_t>& index, std::string_view word,
                                                   LexiconTier tier) const {
  const auto it = std::lower_bound(index.begin(), index.end(), word,
                                   [this](uint32_t offset, std::string_view w) { return keyAt(buffer_, offset) < w; });
  if (it == index.end() || keyAt(buffer_, *it) != word) return std::nullopt;
  const size_t valueStart = *it + word.size() + 1;
  const size_t lineEnd = buffer_.find('\n', valueStart);
  return LexiconEntry{std::string_view(buffer_).substr(valueStart, lineEnd - valueStart), tier};
}

std::optional<LexiconEntry> EnglishLexicon::find(std::string_view word, LexiconTier tier) const {
  return search(tier == LexiconTier::Gold ? gold_ : silver_, word, tier);
}

std::optional<LexiconEntry> EnglishLexicon::lookup(std::string_view word, LexiconTier tier) const {
  if (auto entry = find(word, tier)) return entry;
  if (word.size() < 2) return std::nullopt;
  // Only ASCII letters change case here: the lexicon's keys are ASCII.
  std::string variant(word);
  const bool restLower = std::none_of(word.begin() + 1, word.end(), isAsciiUpper);
  if (isAsciiUpper(word[0]) && restLower) {
    variant[0] = static_cast<char>(variant[0] - 'A' + 'a');
    return find(variant, tier);
  }
  if (isAsciiLower(word[0]) && restLower) {
    variant[0] = static_cast<char>(variant[0] - 'a' + 'A');
    return find(variant, tier);
  }
  return std::nullopt;
}

}  // namespace kokoro
