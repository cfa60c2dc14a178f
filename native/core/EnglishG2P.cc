#include "core/EnglishG2P.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "core/EnglishStress.h"
#include "core/EnglishSuffixes.h"
#include "core/EspeakPhonemizer.h"
#include "core/Vocab.h"

namespace kokoro {
namespace {

bool isAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
bool isAsciiLetter(char c) { return isAsciiUpper(c) || isAsciiLower(c); }

std::string lower(std::string s) {
  for (char& c : s) if (isAsciiUpper(c)) c = static_cast<char>(c - 'A' + 'a');
  return s;
}
std::string upper(std::string s) {
  for (char& c : s) if (isAsciiLower(c)) c = static_cast<char>(c - 'a' + 'A');
  return s;
}
bool isLowerCase(const std::string& s) { return std::none_of(s.begin(), s.end(), isAsciiUpper); }
bool isUpperCase(const std::string& s) { return std::none_of(s.begin(), s.end(), isAsciiLower); }
bool allLetters(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), isAsciiLetter); }
bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool oneOf(std::string_view word, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// Curly apostrophes read like straight ones.
std::string straightApostrophes(std::string_view word) {
  std::string out;
  for (size_t i = 0; i < word.size(); ++i) {
    if (word.compare(i, 3, "\u2018") == 0 || word.compare(i, 3, "\u2019") == 0) {
      out += '\'';
      i += 2;
    } else {
      out += word[i];
    }
  }
  return out;
}

std::optional<std::string> symbolWord(std::string_view word) {
  if (word == "%") return "percent";
  if (word == "&") return "and";
  if (word == "+") return "plus";
  if (word == "@") return "at";
  return std::nullopt;
}

bool in(char32_t cp, std::u32string_view set) { return set.find(cp) != std::u32string_view::npos; }

constexpr std::u32string_view kPausePunctuation = U";:,.!?—…";

// Words before a noun.
bool isDeterminer(std::string_view w) {
  return oneOf(w, {"the", "a", "an", "this", "that", "these", "those", "my", "your", "his", "her", "its", "our",
                   "their", "every", "each", "no", "some", "any", "another", "one", "of", "whose", "which"});
}
bool isModal(std::string_view w) {
  return oneOf(w, {"to", "will", "would", "can", "could", "shall", "should", "may", "might", "must", "do", "does",
                   "did", "don't", "doesn't", "didn't", "won't", "can't", "cannot", "couldn't", "wouldn't",
                   "shouldn't", "let's", "please", "i'll", "you'll", "we'll", "they'll"});
}
bool isPerfect(std::string_view w) {
  return oneOf(w, {"have", "has", "had", "having", "i've", "you've", "we've", "they've"});
}
bool isBe(std::string_view w) {
  return oneOf(w, {"is", "was", "were", "are", "be", "been", "being", "am", "get", "gets", "got", "gotten", "it's",
                   "he's", "she's", "that's"});
}
bool isPluralSubject(std::string_view w) { return oneOf(w, {"i", "you", "we", "they"}); }

// Part-of-speech tags to try for a heteronym, most likely first, from its neighbours (a light
// heuristic instead of a tagger; see BENCHMARKS.md for how it compares with DEFAULT).
std::vector<std::string_view> heteronymTags(std::string_view word, std::string_view previous) {
  if (isModal(previous)) return {"VERB"};
  if (isPerfect(previous)) return {"VBN", "VBD"};
  if (isBe(previous)) return {"VBN", "ADJ"};
  if (isDeterminer(previous)) return {"NOUN", "ADJ"};
  if (isPluralSubject(previous)) return {"VBP", "VBD", "VERB"};
  if (oneOf(previous, {"he", "she", "it", "who"}) && endsWith(word, "s")) return {"VERB"};
  return {};
}

std::string parentTag(std::string_view tag) {
  if (tag.substr(0, 2) == "VB") return "VERB";
  if (tag.substr(0, 2) == "NN") return "NOUN";
  if (tag.substr(0, 2) == "RB") return "ADV";
  if (tag.substr(0, 2) == "JJ") return "ADJ";
  return std::string(tag);
}

// The v1.0 model writes the American flap as T and the glottal stop as t.
std::string v1Symbols(const std::string& phonemes) {
  std::string out;
  for (size_t i = 0; i < phonemes.size(); ++i) {
    if (phonemes.compare(i, 2, "ɾ") == 0) {
      out += 'T';
      ++i;
    } else if (phonemes.compare(i, 2, "ʔ") == 0) {
      out += 't';
      ++i;
    } else {
      out += phonemes[i];
    }
  }
  return out;
}

}  // namespace

EnglishG2P::EnglishG2P(std::shared_ptr<const EnglishLexicon> lexicon, bool british)
    : lexicon_(std::move(lexicon)), british_(british) {}

std::string EnglishG2P::goldPhonemes(std::string_view word, std::string_view tag) const {
  const auto entry = lexicon_->find(word, LexiconTier::Gold);
  if (!entry) return std::string(word);
  const auto variant = entry->variant(tag);
  return std::string(variant ? *variant : *entry->variant("DEFAULT"));
}

std::string EnglishG2P::fallback(const std::string& word) const {
  return EspeakPhonemizer::shared().phonemize(
      word, british_ ? EspeakLanguage::BritishEnglish : EspeakLanguage::AmericanEnglish);
}

std::optional<std::string> EnglishG2P::spelledOut(std::string_view word) const {
  std::string joined;
  for (char c : word) {
    if (!isAsciiLetter(c)) continue;
    const auto letter = lexicon_->find(std::string(1, upper(std::string(1, c))[0]), LexiconTier::Gold);
    if (!letter || letter->isHeteronym()) return std::nullopt;
    joined += std::string(letter->value);
  }
  if (joined.empty()) return std::nullopt;
  std::string stressed = applyStress(joined, 0);
  const size_t last = stressed.rfind("ˌ");
  if (last != std::string::npos) stressed.replace(last, std::string("ˌ").size(), "ˈ");
  return stressed;
}

bool EnglishG2P::isKnown(const std::string& word) const {
  if (lexicon_->contains(word) || symbolWord(word)) return true;
  if (!allLetters(word)) return false;
  if (word.size() == 1) return true;
  if (isUpperCase(word) && lexicon_->lookup(lower(word), LexiconTier::Gold)) return true;
  return isUpperCase(word.substr(1));
}

std::optional<std::string> EnglishG2P::lookup(std::string word, const std::string& tag, std::optional<double> stress,
                                              const Neighbours& near, const Context& context) const {
  bool properNoun = false;
  if (isUpperCase(word) && !lexicon_->lookup(word, LexiconTier::Gold)) {
    word = lower(word);
    properNoun = tag == "NNP";
  }
  auto entry = lexicon_->lookup(word, LexiconTier::Gold);
  if (!entry && !properNoun) entry = lexicon_->lookup(word, LexiconTier::Silver);
  std::optional<std::string> phonemes;
  if (entry && entry->isHeteronym()) {
    std::optional<std::string_view> chosen;
    if (!context.futureVowel) chosen = entry->variant("None");
    if (!chosen && near.partOfSpeech) {
      for (auto candidate : heteronymTags(word, near.previous)) {
        chosen = entry->variant(candidate);
        if (!chosen) chosen = entry->variant(parentTag(candidate));
        if (chosen) break;
      }
    }
    if (!chosen && !tag.empty()) chosen = entry->variant(tag);
    if (!chosen) chosen = entry->variant("DEFAULT");
    if (chosen && !chosen->empty()) phonemes = std::string(*chosen);
  } else if (entry && !entry->value.empty()) {
    phonemes = std::string(entry->value);
  }
  if (!phonemes || (properNoun && !hasPrimaryStress(*phonemes))) {
    if (auto spelled = spelledOut(word)) return spelled;
  }
  if (!phonemes) return std::nullopt;
  return applyStress(*phonemes, stress);
}

std::optional<std::string> EnglishG2P::specialCase(const std::string& word, const std::string& tag,
                                                   std::optional<double> stress, const Neighbours& near,
                                                   const Context& context) const {
  if (auto symbol = symbolWord(word)) return lookup(*symbol, "", std::nullopt, near, context);
  // Dotted letters: U.S., e.g.
  {
    std::string_view inner = word;
    while (!inner.empty() && inner.front() == '.') inner.remove_prefix(1);
    while (!inner.empty() && inner.back() == '.') inner.remove_suffix(1);
    std::string letters;
    size_t longest = 0, run = 0;
    for (char c : word) {
      if (c == '.') {
        run = 0;
      } else {
        letters += c;
        longest = std::max(longest, ++run);
      }
    }
    if (inner.find('.') != std::string_view::npos && allLetters(letters) && longest < 3) return spelledOut(word);
  }
  if (word == "a" || word == "A") {
    const bool determiner = near.nextIsWord && !(word == "A" && near.nextAllCaps);
    return std::string(determiner ? "ɐ" : "ˈA");
  }
  if (word == "am" || word == "Am" || word == "AM") {
    if (word == "AM") return spelledOut(word);
    if (!context.futureVowel || word != "am" || (stress && *stress > 0)) return goldPhonemes("am");
    return std::string("ɐm");
  }
  if (word == "an" || word == "An" || word == "AN") return std::string("ɐn");
  if (word == "I") return std::string("ˌI");
  if (word == "to" || word == "To" || word == "TO") {
    if (!context.futureVowel) return goldPhonemes("to");
    return std::string(*context.futureVowel ? "tʊ" : "tə");
  }
  if (word == "in" || word == "In" || (word == "IN" && tag != "NNP")) {
    return std::string(context.futureVowel ? "ɪn" : "ˈɪn");
  }
  if (word == "the" || word == "The" || word == "THE") {
    return std::string(context.futureVowel == true ? "ði" : "ðə");
  }
  if (lower(word) == "vs" || lower(word) == "vs.") return lookup("versus", "", std::nullopt, near, context);
  if (word == "used" || word == "Used" || word == "USED") {
    const bool pastHabit = context.futureTo && !isBe(near.previous);
    return goldPhonemes("used", pastHabit ? "VBD" : "DEFAULT");
  }
  return std::nullopt;
}

std::optional<std::string> EnglishG2P::stemS(const std::string& word, const std::string& tag,
                                             std::optional<double> stress, const Neighbours& near,
                                             const Context& context) const {
  if (word.size() < 3 || !endsWith(word, "s")) return std::nullopt;
  std::string stem;
  if (!endsWith(word, "ss") && isKnown(word.substr(0, word.size() - 1))) {
    stem = word.substr(0, word.size() - 1);
  } else if ((endsWith(word, "'s") || (word.size() > 4 && endsWith(word, "es") && !endsWith(word, "ies"))) &&
             isKnown(word.substr(0, word.size() - 2))) {
    stem = word.substr(0, word.size() - 2);
  } else if (word.size() > 4 && endsWith(word, "ies") && isKnown(word.substr(0, word.size() - 3) + "y")) {
    stem = word.substr(0, word.size() - 3) + "y";
  } else {
    return std::nullopt;
  }
  const auto phonemes = lookup(stem, tag, stress, near, context);
  if (!phonemes || phonemes->empty()) return std::nullopt;
  return sForm(*phonemes, british_);
}

std::optional<std::string> EnglishG2P::stemEd(const std::string& word, const std::string& tag,
                                              std::optional<double> stress, const Neighbours& near,
                                              const Context& context) const {
  if (word.size() < 4 || !endsWith(word, "d")) return std::nullopt;
  std::string stem;
  if (!endsWith(word, "dd") && isKnown(word.substr(0, word.size() - 1))) {
    stem = word.substr(0, word.size() - 1);
  } else if (word.size() > 4 && endsWith(word, "ed") && !endsWith(word, "eed") &&
             isKnown(word.substr(0, word.size() - 2))) {
    stem = word.substr(0, word.size() - 2);
  } else {
    return std::nullopt;
  }
  const auto phonemes = lookup(stem, tag, stress, near, context);
  if (!phonemes || phonemes->empty()) return std::nullopt;
  return edForm(*phonemes, british_);
}

std::optional<std::string> EnglishG2P::stemIng(const std::string& word, const std::string& tag,
                                               std::optional<double> stress, const Neighbours& near,
                                               const Context& context) const {
  if (word.size() < 5 || !endsWith(word, "ing")) return std::nullopt;
  const std::string base = word.substr(0, word.size() - 3);
  std::string stem;
  const auto doubled = [&word]() {
    if (endsWith(word, "cking")) return true;
    const char c = word[word.size() - 4];
    return c == word[word.size() - 5] && std::string_view("bcdgklmnprstvxz").find(c) != std::string_view::npos;
  };
  // Spelling says which stem when the lexicon has both (griping: gripe, not grip; parsing: parse,
  // not pars). misaki tries the bare stem first; preferring the e-stem where the spelling points
  // to it agrees with the lexicon more (BENCHMARKS.md).
  if (ingBaseWantsSilentE(base) && isKnown(base + "e") && lexicon_->contains(base + "e")) {
    stem = base + "e";
  } else if (word.size() > 5 && isKnown(base)) {
    stem = base;
  } else if (isKnown(base + "e")) {
    stem = base + "e";
  } else if (word.size() > 5 && doubled() && isKnown(word.substr(0, word.size() - 4))) {
    stem = word.substr(0, word.size() - 4);
  } else {
    return std::nullopt;
  }
  const auto phonemes = lookup(stem, tag, stress, near, context);
  if (!phonemes || phonemes->empty()) return std::nullopt;
  return ingForm(*phonemes, stem, word, british_);
}

std::optional<std::string> EnglishG2P::getWord(std::string word, const std::string& tag,
                                               std::optional<double> stress, const Neighbours& near,
                                               const Context& context) const {
  if (auto special = specialCase(word, tag, stress, near, context)) return special;
  const std::string wordLower = lower(word);
  std::string withoutApostrophes;
  for (char c : word) if (c != '\'') withoutApostrophes += c;
  if (word.size() > 1 && allLetters(withoutApostrophes) && word != wordLower && (tag != "NNP" || word.size() > 7) &&
      !lexicon_->contains(word) && (isUpperCase(word) || isLowerCase(word.substr(1))) &&
      (lexicon_->contains(wordLower) || stemS(wordLower, tag, stress, near, context) ||
       stemEd(wordLower, tag, stress, near, context) || stemIng(wordLower, tag, stress, near, context))) {
    word = wordLower;
  }
  if (isKnown(word)) return lookup(word, tag, stress, near, context);
  if (endsWith(word, "s'") && isKnown(word.substr(0, word.size() - 2) + "'s")) {
    return lookup(word.substr(0, word.size() - 2) + "'s", tag, stress, near, context);
  }
  if (endsWith(word, "'") && isKnown(word.substr(0, word.size() - 1))) {
    return lookup(word.substr(0, word.size() - 1), tag, stress, near, context);
  }
  if (auto s = stemS(word, tag, stress, near, context)) return s;
  if (auto ed = stemEd(word, tag, stress, near, context)) return ed;
  return stemIngOrWholeWord(word, tag, stress ? stress : std::optional<double>(0.5), near, context);
}

std::optional<std::string> EnglishG2P::stemIngOrWholeWord(const std::string& word, const std::string& tag,
                                                          std::optional<double> stress, const Neighbours& near,
                                                          const Context& context) const {
  auto built = stemIng(word, tag, stress, near, context);
  if (!built) return built;
  std::string whole = fallback(word);
  return soundsAlike(whole, *built) ? whole : *built;
}

std::optional<std::string> EnglishG2P::lexiconWord(std::string word, const Neighbours& near,
                                                   const Context& context) const {
  word = straightApostrophes(word);
  std::optional<double> stress;
  if (!isLowerCase(word)) stress = isUpperCase(word) ? 2.0 : 0.5;
  // An all-capital word among ordinary ones is taken for an acronym (a proper noun).
  std::string tag;
  const bool allCaps = word.size() > 1 && isUpperCase(word) && std::any_of(word.begin(), word.end(), isAsciiUpper);
  if (allCaps && !near.previousAllCaps && !near.nextAllCaps) tag = "NNP";
  return getWord(word, tag, stress, near, context);
}

EnglishG2P::Context EnglishG2P::contextBefore(const Context& after, const std::string& phonemes,
                                              std::string_view text) {
  Context context = after;
  for (char32_t cp : decodeUtf8(phonemes)) {
    if (in(cp, kPausePunctuation)) {
      context.futureVowel = std::nullopt;
      break;
    }
    if (isEnglishVowel(cp) || isEnglishConsonant(cp)) {
      context.futureVowel = isEnglishVowel(cp);
      break;
    }
  }
  context.futureTo = text == "to" || text == "To" || text == "TO";
  return context;
}

std::string EnglishG2P::wordPhonemes(const std::vector<EnglishToken>& tokens, size_t index, Context& context,
                                     const EnglishRequest& request) const {
  const EnglishToken& token = tokens[index];
  if (request.userLexicon != nullptr) {
    const std::string written = straightApostrophes(token.text);
    auto it = request.userLexicon->find(written);
    if (it == request.userLexicon->end()) it = request.userLexicon->find(lower(written));
    if (it != request.userLexicon->end()) return it->second;
  }
  Neighbours near;
  near.partOfSpeech = request.guessPartOfSpeech;
  const auto isCapsWord = [](const EnglishToken& t) {
    return t.kind == EnglishToken::Kind::Word && t.text.size() > 1 && isUpperCase(t.text) &&
           std::any_of(t.text.begin(), t.text.end(), isAsciiUpper);
  };
  if (index > 0 && tokens[index - 1].kind == EnglishToken::Kind::Word) {
    near.previous = lower(straightApostrophes(tokens[index - 1].text));
    near.previousAllCaps = isCapsWord(tokens[index - 1]);
    if (index > 1 && tokens[index - 2].kind == EnglishToken::Kind::Word) near.beforePrevious = lower(tokens[index - 2].text);
  }
  if (index + 1 < tokens.size() && tokens[index + 1].kind != EnglishToken::Kind::Punctuation) {
    near.nextIsWord = true;
    near.next = lower(tokens[index + 1].text);
    near.nextAllCaps = isCapsWord(tokens[index + 1]);
  }

  const std::vector<std::string> parts = wordParts(token.text);
  if (parts.size() <= 1) {
    if (auto phonemes = lexiconWord(token.text, near, context)) return *phonemes;
    if (isJunkPart(token.text)) return "";
    return fallback(token.text);
  }
  // Longest known run of parts from the right, as the official front end merges sub-tokens.
  std::vector<std::optional<std::string>> found(parts.size());
  Context inner = context;
  size_t left = 0, right = parts.size();
  const auto joined = [&parts](size_t from, size_t to) {
    std::string s;
    for (size_t i = from; i < to; ++i) s += parts[i];
    return s;
  };
  while (left < right) {
    const std::string candidate = joined(left, right);
    if (auto phonemes = lexiconWord(candidate, near, inner)) {
      found[left] = *phonemes;
      for (size_t i = left + 1; i < right; ++i) found[i] = "";
      inner = contextBefore(inner, *phonemes, candidate);
      right = left;
      left = 0;
    } else if (left + 1 < right) {
      ++left;
    } else {
      --right;
      if (!isJunkPart(parts[right])) return fallback(token.text);
      found[right] = "";
      left = 0;
    }
  }
  // Parts of different kinds (letters and digits) or joined by '/' are read as separate words;
  // otherwise the parts form one word and keep one main stress.
  std::array<bool, 3> kinds{};
  for (const auto& part : parts) {
    if (isJunkPart(part)) continue;
    for (char c : part) kinds[isAsciiLetter(c) || static_cast<unsigned char>(c) >= 0x80 ? 0 : (c >= '0' && c <= '9') ? 1 : 2] = true;
  }
  const bool separate = token.text.find('/') != std::string::npos || (kinds[0] + kinds[1] + kinds[2]) > 1;
  std::string out;
  if (separate) {
    for (const auto& phonemes : found) {
      if (phonemes->empty()) continue;
      if (!out.empty()) out += ' ';
      out += *phonemes;
    }
    return out;
  }
  std::vector<std::tuple<bool, int, size_t>> stressed;
  for (size_t i = 0; i < found.size(); ++i) {
    if (!found[i]->empty()) stressed.emplace_back(hasPrimaryStress(*found[i]), stressWeight(*found[i]), i);
  }
  const size_t primaries = std::count_if(stressed.begin(), stressed.end(), [](const auto& s) { return std::get<0>(s); });
  if (stressed.size() == 2 && decodeUtf8(parts[std::get<2>(stressed[0])]).size() == 1) {
    found[std::get<2>(stressed[1])] = applyStress(*found[std::get<2>(stressed[1])], -0.5);
  } else if (stressed.size() >= 2 && primaries > (stressed.size() + 1) / 2) {
    std::sort(stressed.begin(), stressed.end());
    for (size_t k = 0; k < stressed.size() / 2; ++k) {
      const size_t i = std::get<2>(stressed[k]);
      found[i] = applyStress(*found[i], -0.5);
    }
  }
  for (const auto& phonemes : found) out += *phonemes;
  return out;
}

std::string EnglishG2P::phonemize(std::string_view text, const EnglishRequest& request) const {
  return phonemizeWithSources(text, request).phonemes;
}

PhonemizedText EnglishG2P::phonemizeWithSources(std::string_view text, const EnglishRequest& request) const {
  const std::vector<EnglishToken> tokens = tokenizeEnglish(text);
  std::vector<std::string> phonemes(tokens.size());
  Context context;
  for (size_t i = tokens.size(); i-- > 0;) {
    const EnglishToken& token = tokens[i];
    phonemes[i] = token.kind == EnglishToken::Kind::Word ? wordPhonemes(tokens, i, context, request) : token.phonemes;
    context = contextBefore(context, phonemes[i], token.text);
  }
  PhonemizedText result;
  std::string& out = result.phonemes;
  bool inWord = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const auto begin = static_cast<uint32_t>(tokens[i].begin);
    const auto end = static_cast<uint32_t>(tokens[i].end);
    const std::string symbols = v1Symbols(phonemes[i]);
    size_t start = 0;
    while (true) {
      const size_t space = symbols.find(' ', start);
      const size_t stop = space == std::string::npos ? symbols.size() : space;
      if (stop > start) {
        out.append(symbols, start, stop - start);
        if (inWord) {
          result.wordSources.back().second = end;
        } else {
          result.wordSources.emplace_back(begin, end);
          inWord = true;
        }
      }
      if (space == std::string::npos) break;
      if (inWord) out += ' ';
      inWord = false;
      start = space + 1;
    }
    if (tokens[i].spaceAfter && inWord) {
      out += ' ';
      inWord = false;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return result;
}

}  // namespace kokoro
