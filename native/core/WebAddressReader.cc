#include "core/WebAddressReader.h"

#include <array>

#include "core/NumberWords.h"

namespace kokoro {
namespace {

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) { return isAlpha(c) || isDigit(c); }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool startsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[i]) != prefix[i]) return false;
  }
  return true;
}

// Top-level domains that make a bare "name.tld" a web address (without a scheme or www.).
constexpr std::array<std::string_view, 30> kKnownTlds = {
    "com", "org", "net", "edu", "gov", "mil", "io", "ai", "dev", "app", "co",  "uk", "us", "de", "fr",
    "jp",  "info", "biz", "me", "tv", "xyz", "ca", "au", "eu", "nl", "ch", "se", "es", "it", "ru"};

std::string_view separatorWord(char c) {
  switch (c) {
    case '.': return "dot";
    case '/': return "slash";
    case '-': return "dash";
    case '_': return "underscore";
    case '?': return "question mark";
    case '=': return "equals";
    case '&': return "and";
    case '#': return "hash";
    case '%': return "percent";
    case '~': return "tilde";
    case ':': return "colon";
    case '+': return "plus";
    case '@': return "at";
    default: return {};
  }
}

std::string spokenDigits(std::string_view digits) {
  // Short numbers in paths read as numbers ("page slash two"), longer ones digit by digit.
  if (digits.size() <= 3 && (digits.size() == 1 || digits[0] != '0')) return NumberWords::cardinal(digits, false);
  return NumberWords::digitByDigit(digits);
}

// Splits text[begin, end) into words, digit runs and spoken separators. Fails on a character
// with no spoken form.
bool readParts(std::string_view text, size_t begin, size_t end, std::vector<SpokenPart>& parts) {
  size_t i = begin;
  while (i < end) {
    const char c = text[i];
    size_t j = i;
    if (isAlpha(c) || static_cast<unsigned char>(c) >= 0x80) {
      while (j < end && (isAlpha(text[j]) || static_cast<unsigned char>(text[j]) >= 0x80)) ++j;
      parts.push_back({std::string(text.substr(i, j - i)), i});
    } else if (isDigit(c)) {
      while (j < end && isDigit(text[j])) ++j;
      parts.push_back({spokenDigits(text.substr(i, j - i)), i});
    } else {
      const std::string_view word = separatorWord(c);
      if (word.empty()) return false;
      j = i + 1;
      parts.push_back({std::string(word), i});
    }
    i = j;
  }
  return true;
}

bool isHostLabel(std::string_view label) {
  if (label.empty() || label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!isAlnum(c) && c != '-') return false;
  }
  return true;
}

// A host name of dot-separated labels; `bare` (no scheme, no www.) also needs a known TLD.
bool isHostName(std::string_view host, bool bare) {
  if (startsWithIgnoringCase(host, "localhost") && host.size() == 9) return true;
  size_t labels = 0;
  std::string_view last;
  size_t start = 0;
  while (true) {
    const size_t dot = host.find('.', start);
    const std::string_view label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!isHostLabel(label)) return false;
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return false;
  bool tldLetters = last.size() >= 2;
  for (char c : last) tldLetters = tldLetters && isAlpha(c);
  if (!tldLetters) return false;
  if (!bare) return true;
  std::string tld;
  for (char c : last) tld += lower(c);
  for (std::string_view known : kKnownTlds) {
    if (tld == known) return true;
  }
  return false;
}

}  // namespace

std::optional<std::vector<SpokenPart>> WebAddressReader::readUrl(std::string_view text, size_t begin, size_t end) {
  const std::string_view run = text.substr(begin, end - begin);
  std::vector<SpokenPart> parts;
  size_t hostBegin = begin;
  bool bare = true;
  const size_t schemeEnd = run.find("://");
  if (schemeEnd != std::string_view::npos) {
    const std::string_view scheme = run.substr(0, schemeEnd);
    if (scheme.empty() || scheme.size() > 10) return std::nullopt;
    for (char c : scheme) {
      if (!isAlpha(c)) return std::nullopt;
    }
    // http and https go unsaid, as readers do; others ("ftp") are said.
    if (!startsWithIgnoringCase(scheme, "http") || scheme.size() > 5) parts.push_back({std::string(scheme), begin});
    hostBegin = begin + schemeEnd + 3;
    bare = false;
  }
  if (startsWithIgnoringCase(text.substr(hostBegin, end - hostBegin), "www.")) bare = false;
  size_t hostEnd = hostBegin;
  while (hostEnd < end && (isAlnum(text[hostEnd]) || text[hostEnd] == '.' || text[hostEnd] == '-')) ++hostEnd;
  const std::string_view host = text.substr(hostBegin, hostEnd - hostBegin);
  if (host.empty() || !isHostName(host, bare)) return std::nullopt;
  if (hostEnd < end && text[hostEnd] != '/' && text[hostEnd] != ':' && text[hostEnd] != '?' && text[hostEnd] != '#') {
    return std::nullopt;
  }
  if (startsWithIgnoringCase(host, "www.")) {
    parts.push_back({"W W W", hostBegin});
    hostBegin += 3;  // the dot after www is read as a separator below
  }
  if (!readParts(text, hostBegin, hostEnd, parts)) return std::nullopt;
  size_t rest = hostEnd;
  if (rest < end && text[rest] == ':') {
    size_t portEnd = rest + 1;
    while (portEnd < end && isDigit(text[portEnd])) ++portEnd;
    if (portEnd == rest + 1) return std::nullopt;
    parts.push_back({"colon", rest});
    parts.push_back({NumberWords::digitByDigit(text.substr(rest + 1, portEnd - rest - 1)), rest + 1});
    rest = portEnd;
  }
  // A lone trailing slash is not said.
  const size_t pathEnd = end > rest && text[end - 1] == '/' ? end - 1 : end;
  if (!readParts(text, rest, pathEnd, parts)) return std::nullopt;
  // An unsaid scheme belongs to the first word said.
  if (!parts.empty()) parts.front().sourceOffset = begin;
  return parts;
}

std::optional<std::vector<SpokenPart>> WebAddressReader::readEmail(std::string_view text, size_t begin, size_t end) {
  const std::string_view run = text.substr(begin, end - begin);
  const size_t at = run.find('@');
  if (at == std::string_view::npos || at == 0 || run.find('@', at + 1) != std::string_view::npos) return std::nullopt;
  for (size_t i = 0; i < at; ++i) {
    const char c = run[i];
    if (!isAlnum(c) && c != '.' && c != '_' && c != '-' && c != '+') return std::nullopt;
  }
  if (!isHostName(run.substr(at + 1), false)) return std::nullopt;
  std::vector<SpokenPart> parts;
  if (!readParts(text, begin, end, parts)) return std::nullopt;
  return parts;
}

std::optional<std::vector<SpokenPart>> WebAddressReader::readIpAddress(std::string_view text, size_t begin, size_t* end) {
  std::vector<SpokenPart> parts;
  size_t i = begin;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      parts.push_back({"dot", i});
      ++i;
    }
    size_t j = i;
    while (j < text.size() && isDigit(text[j]) && j - i < 4) ++j;
    if (j == i || j - i > 3) return std::nullopt;
    int value = 0;
    for (size_t k = i; k < j; ++k) value = value * 10 + (text[k] - '0');
    if (value > 255) return std::nullopt;
    parts.push_back({NumberWords::digitByDigit(text.substr(i, j - i)), i});
    i = j;
  }
  if (i < text.size() && (isAlnum(text[i]) || (text[i] == '.' && i + 1 < text.size() && isDigit(text[i + 1])))) {
    return std::nullopt;
  }
  if (i + 1 < text.size() && text[i] == ':' && isDigit(text[i + 1])) {
    size_t j = i + 1;
    while (j < text.size() && isDigit(text[j])) ++j;
    if (j - i - 1 <= 5 && (j >= text.size() || !isAlnum(text[j]))) {
      parts.push_back({"colon", i});
      parts.push_back({NumberWords::digitByDigit(text.substr(i + 1, j - i - 1)), i + 1});
      i = j;
    }
  }
  *end = i;
  return parts;
}

}  // namespace kokoro
