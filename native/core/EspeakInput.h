// The text handed to espeak-ng, made safe for it. espeak-ng 1.51 (Debian 12) reads an
// uninitialised stack buffer when it names pictographs and symbols that touch other characters
// (its emoji/symbol lookup copies a name without its terminator; espeak-ng issue #308): with the
// Hindi voice a run like "😀🎉👍🏽" reads garbage and can crash the process. A pictograph or
// symbol standing alone between spaces is named without that read.
#pragma once

#include <string>

namespace kokoro {

// `utf8Text` with the emoji presentation controls espeak has no name for removed (zero-width
// joiner, variation selectors, keycap, skin-tone modifiers, tag characters) and every
// pictograph/symbol (a flag: its pair of regional indicators) set apart from its neighbours by spaces. Letters, digits, punctuation and
// currency signs are unchanged.
std::string espeakSafeText(const std::string& utf8Text);

}  // namespace kokoro
