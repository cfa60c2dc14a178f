// Stress marks in Kokoro's English phonemes (ˈ primary, ˌ secondary, written before a vowel),
// adjusted as the official front end adjusts them: capitalised words gain stress, parts of a
// compound lose it.
#pragma once

#include <optional>
#include <string>

namespace kokoro {

bool isEnglishVowel(char32_t cp);
bool isEnglishConsonant(char32_t cp);

// Levels as the official front end uses them: below -1 removes all stress; -1 (or 0 and -0.5
// when there is a primary) demotes primary to secondary; 0, 0.5 and 1 add a secondary to an
// unstressed word; ≥ 1 promotes a lone secondary; above 1 adds a primary to an unstressed word.
std::string applyStress(const std::string& phonemes, std::optional<double> level);

// Sum of the phonemes' weights: diphthongs and affricates count twice.
int stressWeight(const std::string& phonemes);

bool hasPrimaryStress(const std::string& phonemes);

}  // namespace kokoro
