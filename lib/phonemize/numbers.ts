/** Reading numbers aloud in Chinese and Japanese (integers; other digits are read one by one). */

const ZH_DIGITS = '零一二三四五六七八九';
const ZH_UNITS = ['', '十', '百', '千'];

function zhBelow10000(n: number): string {
  let out = '';
  let zero = false;
  for (let unit = 3; unit >= 0; unit--) {
    const d = Math.floor(n / 10 ** unit) % 10;
    if (d === 0) {
      if (out) zero = true;
      continue;
    }
    if (zero) out += '零';
    zero = false;
    out += (d === 1 && unit === 1 && !out ? '' : ZH_DIGITS.charAt(d)) + (ZH_UNITS[unit] ?? '');
  }
  return out;
}

/** `2024` → 二千零二十四. Numbers of 13 digits or more are read digit by digit. */
export function chineseNumber(digits: string): string {
  if (digits.length > 12 || (digits.length > 1 && digits.startsWith('0'))) {
    return [...digits].map((d) => ZH_DIGITS.charAt(Number(d))).join('');
  }
  let n = Number(digits);
  if (n === 0) return '零';
  const groups = ['', '万', '亿'];
  let out = '';
  for (let g = 0; n > 0; g++) {
    const part = n % 10000;
    n = Math.floor(n / 10000);
    if (part) out = zhBelow10000(part) + groups[g] + (out && part < 1000 && out[0] !== '零' ? '零' : '') + out;
    else if (out && out[0] !== '零') out = `零${out}`;
  }
  return out;
}

const JA_DIGITS = ['', 'いち', 'に', 'さん', 'よん', 'ご', 'ろく', 'なな', 'はち', 'きゅう'];

function jaBelow10000(n: number): string {
  const th = Math.floor(n / 1000), h = Math.floor(n / 100) % 10, t = Math.floor(n / 10) % 10, o = n % 10;
  const thousands = ['', 'せん', 'にせん', 'さんぜん', 'よんせん', 'ごせん', 'ろくせん', 'ななせん', 'はっせん', 'きゅうせん'][th]!;
  const hundreds = ['', 'ひゃく', 'にひゃく', 'さんびゃく', 'よんひゃく', 'ごひゃく', 'ろっぴゃく', 'ななひゃく', 'はっぴゃく', 'きゅうひゃく'][h]!;
  const tens = t === 0 ? '' : (t === 1 ? '' : JA_DIGITS[t]) + 'じゅう';
  return thousands + hundreds + tens + JA_DIGITS[o];
}

/** `2024` → にせんにじゅうよん (hiragana). */
export function japaneseNumber(digits: string): string {
  if (digits.length > 12 || (digits.length > 1 && digits.startsWith('0'))) {
    return [...digits].map((d) => (d === '0' ? 'ぜろ' : JA_DIGITS[Number(d)])).join('');
  }
  let n = Number(digits);
  if (n === 0) return 'ぜろ';
  const groups = ['', 'まん', 'おく'];
  let out = '';
  for (let g = 0; n > 0; g++) {
    const part = n % 10000;
    n = Math.floor(n / 10000);
    if (part) out = jaBelow10000(part) + groups[g] + out;
  }
  return out;
}
