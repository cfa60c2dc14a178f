#include "core/SpokenUnits.h"

#include <array>

namespace kokoro {
namespace {

struct Unit {
  std::string_view symbol;
  std::string_view one, many;
  std::string_view britishOne, britishMany;  // empty: same as American
  bool attachedOnly;
};

#define DEGREE "\xC2\xB0"
constexpr std::array<Unit, 52> kUnits = {{
    {"km", "kilometer", "kilometers", "kilometre", "kilometres", false},
    {"m", "meter", "meters", "metre", "metres", false},
    {"cm", "centimeter", "centimeters", "centimetre", "centimetres", false},
    {"mm", "millimeter", "millimeters", "millimetre", "millimetres", false},
    {"nm", "nanometer", "nanometers", "nanometre", "nanometres", false},
    {"mi", "mile", "miles", "", "", false},
    {"ft", "foot", "feet", "", "", false},
    {"in", "inch", "inches", "", "", true},
    {"yd", "yard", "yards", "", "", false},
    {"kg", "kilogram", "kilograms", "", "", false},
    {"g", "gram", "grams", "", "", false},
    {"mg", "milligram", "milligrams", "", "", false},
    {"lb", "pound", "pounds", "", "", false},
    {"lbs", "pound", "pounds", "", "", false},
    {"oz", "ounce", "ounces", "", "", false},
    {"L", "liter", "liters", "litre", "litres", false},
    {"l", "liter", "liters", "litre", "litres", true},
    {"ml", "milliliter", "milliliters", "millilitre", "millilitres", false},
    {"mL", "milliliter", "milliliters", "millilitre", "millilitres", false},
    {"mph", "mile per hour", "miles per hour", "", "", false},
    {"km/h", "kilometer per hour", "kilometers per hour", "kilometre per hour", "kilometres per hour", false},
    {"kph", "kilometer per hour", "kilometers per hour", "kilometre per hour", "kilometres per hour", false},
    {"m/s", "meter per second", "meters per second", "metre per second", "metres per second", false},
    {DEGREE "C", "degree Celsius", "degrees Celsius", "", "", false},
    {DEGREE "F", "degree Fahrenheit", "degrees Fahrenheit", "", "", false},
    {"\xE2\x84\x83", "degree Celsius", "degrees Celsius", "", "", false},
    {"\xE2\x84\x89", "degree Fahrenheit", "degrees Fahrenheit", "", "", false},
    {DEGREE, "degree", "degrees", "", "", true},
    {"KB", "kilobyte", "kilobytes", "", "", false},
    {"kB", "kilobyte", "kilobytes", "", "", false},
    {"MB", "megabyte", "megabytes", "", "", false},
    {"GB", "gigabyte", "gigabytes", "", "", false},
    {"TB", "terabyte", "terabytes", "", "", false},
    {"ms", "millisecond", "milliseconds", "", "", false},
    {"\xC2\xB5s", "microsecond", "microseconds", "", "", false},
    {"\xCE\xBCs", "microsecond", "microseconds", "", "", false},
    {"ns", "nanosecond", "nanoseconds", "", "", false},
    {"s", "second", "seconds", "", "", true},
    {"sec", "second", "seconds", "", "", false},
    {"min", "minute", "minutes", "", "", false},
    {"h", "hour", "hours", "", "", true},
    {"hr", "hour", "hours", "", "", false},
    {"hrs", "hour", "hours", "", "", false},
    {"Hz", "hertz", "hertz", "", "", false},
    {"kHz", "kilohertz", "kilohertz", "", "", false},
    {"MHz", "megahertz", "megahertz", "", "", false},
    {"GHz", "gigahertz", "gigahertz", "", "", false},
    {"W", "watt", "watts", "", "", false},
    {"kW", "kilowatt", "kilowatts", "", "", false},
    {"kWh", "kilowatt hour", "kilowatt hours", "", "", false},
    {"V", "volt", "volts", "", "", false},
    {"mAh", "milliamp hour", "milliamp hours", "", "", false},
}};
#undef DEGREE

bool isAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

std::optional<UnitMatch> SpokenUnits::match(std::string_view text, size_t begin, bool spaced) {
  std::optional<UnitMatch> best;
  for (size_t u = 0; u < kUnits.size(); ++u) {
    const Unit& unit = kUnits[u];
    if (spaced && unit.attachedOnly) continue;
    if (text.substr(begin, unit.symbol.size()) != unit.symbol) continue;
    const size_t end = begin + unit.symbol.size();
    // The symbol must end the word ("5 min" but not "5 mint"; "5 m." is fine).
    if (end < text.size() && (isAlnum(text[end]) || static_cast<unsigned char>(text[end]) >= 0x80)) continue;
    if (end < text.size() && text[end] == '/' && end + 1 < text.size() && isAlnum(text[end + 1])) continue;
    if (!best || unit.symbol.size() > best->length) best = UnitMatch{u, unit.symbol.size()};
  }
  return best;
}

std::string_view SpokenUnits::name(const UnitMatch& match, bool singular, bool british) {
  const Unit& unit = kUnits[match.index];
  if (british && !unit.britishOne.empty()) return singular ? unit.britishOne : unit.britishMany;
  return singular ? unit.one : unit.many;
}

}  // namespace kokoro
