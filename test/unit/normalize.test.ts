import { describe, expect, it } from 'vitest';

import { ErrorCode, KokoroError, normalizeText, type NormalizationOptions } from '../../lib/index.js';

const us = (text: string, normalization?: NormalizationOptions) => normalizeText(text, { lang: 'a', normalization }).text;
const gb = (text: string, normalization?: NormalizationOptions) => normalizeText(text, { lang: 'b', normalization }).text;

/** The slice of `input` that the first occurrence of `phrase` in the normalized text maps back to. */
function writtenFor(input: string, phrase: string, lang = 'a'): string {
  const result = normalizeText(input, { lang });
  const output = Buffer.from(result.text);
  const start = output.indexOf(Buffer.from(phrase));
  expect(start, `"${phrase}" in "${result.text}"`).toBeGreaterThanOrEqual(0);
  const end = start + Buffer.byteLength(phrase);
  return Buffer.from(input).subarray(result.sourceOffset[start], result.sourceOffset[end]).toString();
}

function expectValidMapping(input: string, lang = 'a', normalization?: NormalizationOptions): void {
  const { text, sourceOffset } = normalizeText(input, { lang, normalization });
  const inputBytes = Buffer.byteLength(input);
  expect(sourceOffset.length).toBe(Buffer.byteLength(text) + 1);
  expect(sourceOffset[sourceOffset.length - 1]).toBe(inputBytes);
  for (let i = 1; i < sourceOffset.length; i++) {
    if (sourceOffset[i] < sourceOffset[i - 1]) throw new Error(`offset decreases at byte ${i} of "${text}"`);
  }
  for (const offset of sourceOffset) expect(offset).toBeLessThanOrEqual(inputBytes);
}

describe('normalizeText: numbers', () => {
  it('reads cardinals, with the British "and"', () => {
    expect(us('I counted 7 ducks and 342 geese.')).toBe('I counted seven ducks and three hundred forty-two geese.');
    expect(gb('I counted 342 geese.')).toBe('I counted three hundred and forty-two geese.');
    expect(us('It weighs 1,000,007 tonnes')).toBe('It weighs one million seven tonnes');
    expect(gb('It weighs 1,000,007 tonnes')).toBe('It weighs one million and seven tonnes');
    expect(us('0 items')).toBe('zero items');
  });

  it('reads ordinals, decimals, negatives, ranges and fractions', () => {
    expect(us('the 1st, 2nd, 3rd, 12th and 43rd floors')).toBe('the first, second, third, twelfth and forty-third floors');
    expect(us('pi is 3.1416')).toBe('pi is three point one four one six');
    expect(us('a .25 share')).toBe('a point two five share');
    expect(gb('rate 0.75')).toBe('rate nought point seven five');
    expect(us('it fell to -12 overnight')).toBe('it fell to minus twelve overnight');
    expect(us('ages 6-11 welcome')).toBe('ages six to eleven welcome');
    expect(us('pages 30–45')).toBe('pages thirty to forty-five');
    expect(us('the 2019-20 season')).toBe('the twenty nineteen to twenty season');
    expect(us('they won 3-1')).toBe('they won three one');
    expect(us('COVID-19 cases')).toBe('COVID nineteen cases');
    expect(us('$20-$30 each')).toBe('twenty dollars to thirty dollars each');
    expect(us('add 3/4 cup and 1/2 spoon')).toBe('add three quarters cup and one half spoon');
    expect(us('open 24/7')).toBe('open twenty-four seven');
    expect(us('release 2.10.1 is out')).toBe('release two point ten point one is out');
  });

  it('reads four-digit numbers as years and decades', () => {
    expect(us('born in 1987')).toBe('born in nineteen eighty-seven');
    expect(us('since 2024')).toBe('since twenty twenty-four');
    expect(us('in 2007')).toBe('in two thousand seven');
    expect(gb('in 2007')).toBe('in two thousand and seven');
    expect(us('by 1900')).toBe('by nineteen hundred');
    expect(us('in 1805')).toBe('in eighteen oh five');
    expect(us('the 1900s and the 1970s')).toBe('the nineteen hundreds and the nineteen seventies');
    expect(us("music of the '60s and 90s")).toBe('music of the sixties and nineties');
  });

  it('reads Roman numerals only where they are unambiguous', () => {
    expect(us('Louis XIV met Henry V.')).toBe('Louis the fourteenth met Henry the fifth.');
    expect(us('Read Chapter IX and Part I of World War II')).toBe('Read Chapter nine and Part one of World War two');
    expect(us('Then I said the book I read was good')).toBe('Then I said the book I read was good');
    expect(us('a MIX of CD and DC')).toBe('a MIX of CD and DC');
  });

  it('reads huge numbers and identifiers digit by digit', () => {
    const huge = '9'.repeat(60);
    expect(us(huge)).toBe(Array(60).fill('nine').join(' '));
    expect(us('code 00731')).toBe('code zero zero seven three one');
    expect(us('1,000,000,000,000')).toBe('one trillion');
  });
});

describe('normalizeText: currency', () => {
  it('reads amounts with cents and scale suffixes', () => {
    expect(us('$5.30')).toBe('five dollars thirty');
    expect(us('only $1 today')).toBe('only one dollar today');
    expect(us('a $0.99 fee')).toBe('a ninety-nine cents fee');
    expect(us('$5.3 thousand')).toBe('five point three thousand dollars');
    expect(us('raised $12k')).toBe('raised twelve thousand dollars');
    expect(us('£1m deal')).toBe('one million pounds deal');
    expect(us('cost £2.50')).toBe('cost two pounds fifty');
    expect(us('just £0.01')).toBe('just one penny');
    expect(us('€3bn')).toBe('three billion euros');
    expect(us('¥500')).toBe('five hundred yen');
    expect(us('8€')).toBe('eight euros');
    expect(us('down -$4')).toBe('down minus four dollars');
  });
});

describe('normalizeText: times and dates', () => {
  it('reads clock times', () => {
    expect(us('at 10:35 pm')).toBe('at ten thirty-five P M');
    expect(us('at 3:00')).toBe("at three o'clock");
    expect(us('at 1:00 pm')).toBe('at one P M');
    expect(us('at 7:05am')).toBe('at seven oh five A M');
    expect(us('at 18:00')).toBe('at eighteen hundred');
    expect(us('at 9 a.m. sharp')).toBe('at nine A M sharp');
    expect(us('We left at 6 p.m. Then it rained.')).toBe('We left at six P M. Then it rained.');
    expect(us('open 9am-5pm daily')).toBe('open nine A M to five P M daily');
    expect(us('from 10:00-11:30')).toBe("from ten o'clock to eleven thirty");
  });

  it('reads dates, with the locale deciding ambiguous numeric ones', () => {
    expect(us('on 2024-03-05')).toBe('on March fifth, twenty twenty-four');
    expect(gb('on 2024-03-05')).toBe('on the fifth of March, twenty twenty-four');
    expect(us('on 04/07/2021')).toBe('on April seventh, twenty twenty-one');
    expect(gb('on 04/07/2021')).toBe('on the fourth of July, twenty twenty-one');
    expect(us('on 25/12/2020')).toBe('on December twenty-fifth, twenty twenty');
    expect(us('on March 5, 2024')).toBe('on March fifth, twenty twenty-four');
    expect(gb('on March 5')).toBe('on March the fifth');
    expect(us('on Oct. 31st')).toBe('on October thirty-first');
    expect(us('since Sept. 2023')).toBe('since September twenty twenty-three');
    expect(us('on 5 March 2024')).toBe('on the fifth of March twenty twenty-four');
  });
});

describe('normalizeText: units and symbols', () => {
  it('reads units in singular and plural, British spellings for GB', () => {
    expect(us('a 5 km run')).toBe('a five kilometers run');
    expect(gb('a 5 km run')).toBe('a five kilometres run');
    expect(us('1 kg of flour')).toBe('one kilogram of flour');
    expect(us('1.5 kg')).toBe('one point five kilograms');
    expect(us('doing 60 mph')).toBe('doing sixty miles per hour');
    expect(us('it was 21°C or 70°F')).toBe('it was twenty-one degrees Celsius or seventy degrees Fahrenheit');
    expect(us('a 1°C rise')).toBe('a one degree Celsius rise');
    expect(us('16 GB in 250 ms')).toBe('sixteen gigabytes in two hundred fifty milliseconds');
    expect(us('waited 45s')).toBe('waited forty-five seconds');
    expect(us('in her 30s')).toBe('in her thirties');
    expect(us('I have 5 in my bag')).toBe('I have five in my bag');
  });

  it('reads percentages and symbols', () => {
    expect(us('up 15%')).toBe('up fifteen percent');
    expect(us('Tom & Jerry')).toBe('Tom and Jerry');
    expect(us('2 + 2 = 4')).toBe('two plus two equals four');
    expect(us('meet @ noon')).toBe('meet at noon');
    expect(us('we are #1')).toBe('we are number one');
    expect(us('3 × 4')).toBe('three times four');
  });
});

describe('normalizeText: web addresses, e-mail, phones', () => {
  it('reads URLs without the scheme, and host:port', () => {
    expect(us('See https://example.com/a for more.')).toBe('See example dot com slash a for more.');
    expect(us('Open http://localhost:7860 now')).toBe('Open localhost colon seven eight six zero now');
    expect(us('localhost:7860')).toBe('localhost colon seven eight six zero');
    expect(us('visit www.kokoro-tts.org/docs/')).toBe('visit W W W dot kokoro dash tts dot org slash docs');
    expect(us('try github.com.')).toBe('try github dot com.');
    expect(us('read file.txt first')).toBe('read file.txt first');
  });

  it('reads e-mail and IP addresses', () => {
    expect(us('write to ann.lee@mail.org today')).toBe('write to ann dot lee at mail dot org today');
    expect(us('ping 10.0.0.254')).toBe('ping one zero dot zero dot zero dot two five four');
    expect(us('on 127.0.0.1:8080')).toBe('on one two seven dot zero dot zero dot one colon eight zero eight zero');
  });

  it('reads phone numbers in digit groups', () => {
    expect(us('call 555-867-5309')).toBe('call five five five, eight six seven, five three oh nine');
    expect(us('call (212) 555-0142')).toBe('call two one two, five five five, oh one four two');
    expect(us('call +44 20 7946 0958')).toBe('call plus four four, two oh, seven nine four six, oh nine five eight');
    expect(gb('ring 020 7946 0958')).toBe('ring oh two oh, seven nine four six, oh nine five eight');
  });
});

describe('normalizeText: abbreviations', () => {
  it('expands titles without a sentence break', () => {
    expect(us('Dr. Watson met Mrs. Hudson and Mr. Holmes.')).toBe('Doctor Watson met Missus Hudson and Mister Holmes.');
    expect(gb('Dr Watson met Ms Adler')).toBe('Doctor Watson met Miz Adler');
    expect(us('Prof. Xavier spoke.')).toBe('Professor Xavier spoke.');
  });

  it('reads St. as Saint before a name and Street after one', () => {
    expect(us('St. James St.')).toBe('Saint James Street.');
    expect(us('We walked down Baker St. in the rain.')).toBe('We walked down Baker Street in the rain.');
    expect(us('He flew to St. Louis.')).toBe('He flew to Saint Louis.');
    expect(us('The office is at 221 Elm Dr. near the park.')).toBe('The office is at two hundred twenty-one Elm Drive near the park.');
  });

  it('expands Latin and other abbreviations, keeping a real sentence end', () => {
    expect(us('fruit, e.g. apples, i.e. food')).toBe('fruit, for example apples, that is food');
    expect(us('cats vs. dogs')).toBe('cats versus dogs');
    expect(us('pens, paper, etc. and more')).toBe('pens, paper, et cetera and more');
    expect(us('pens, paper, etc. Then more.')).toBe('pens, paper, et cetera. Then more.');
    expect(us('See No. 7 and Fig. 2')).toBe('See number seven and figure two');
    expect(us('No. I refuse.')).toBe('No. I refuse.');
    expect(us('J. R. R. Tolkien and John F. Kennedy')).toBe('J R R Tolkien and John F Kennedy');
    expect(us('It is plan B. Then we go.')).toBe('It is plan B. Then we go.');
    expect(us('the U.S. Navy')).toBe('the U S Navy');
  });
});

describe('normalizeText: options', () => {
  const sample = 'Dr. Lee paid $5 at 10:35 on 2024-03-05 for 5 km & more: https://x.com, 555-123-4567, a.b@c.org, 42.';

  it('leaves the text unchanged with every family off', () => {
    const off: NormalizationOptions = {
      numbers: false, currency: false, time: false, dates: false, units: false, urls: false, emails: false,
      phones: false, symbols: false, abbreviations: false,
    };
    const result = normalizeText(sample, { normalization: off });
    expect(result.text).toBe(sample);
    expect(Array.from(result.sourceOffset)).toEqual(Array.from({ length: sample.length + 1 }, (_, i) => i));
  });

  it('switches each family off on its own', () => {
    expect(us('Dr. Lee', { abbreviations: false })).toBe('Dr. Lee');
    expect(us('$5 now', { currency: false })).toBe('$ five now');
    expect(us('at 10:35', { time: false })).toBe('at ten: thirty-five');
    expect(us('on 2024-03-05', { dates: false })).not.toContain('March');
    expect(us('5 km', { units: false })).toBe('five km');
    expect(us('see https://x.com', { urls: false })).toContain('https');
    expect(us('mail a.b@c.org', { emails: false })).toContain('@c');
    expect(us('call 555-123-4567', { phones: false })).not.toContain('five five five');
    expect(us('A & B', { symbols: false })).toBe('A & B');
    expect(us('I have 42', { numbers: false })).toBe('I have 42');
  });

  it('rejects unknown options, bad values and non-English languages with typed errors', () => {
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(KokoroError);
        return (error as KokoroError).code;
      }
      return undefined;
    };
    expect(codeOf(() => normalizeText('x', { normalization: { colours: false } as NormalizationOptions }))).toBe(ErrorCode.InvalidArgument);
    expect(codeOf(() => normalizeText('x', { normalization: { urls: 'no' } as unknown as NormalizationOptions }))).toBe(ErrorCode.InvalidArgument);
    expect(codeOf(() => normalizeText('x', { lang: 'fr' }))).toBe(ErrorCode.UnsupportedLanguage);
    expect(codeOf(() => normalizeText(42 as unknown as string))).toBe(ErrorCode.InvalidArgument);
    expect(normalizeText('5', { lang: 'en-gb' }).text).toBe('five');
  });
});

describe('normalizeText: mapping back to the written text', () => {
  it('maps an expansion to the token it replaces', () => {
    expect(writtenFor('Pay $5.30 now', 'five dollars thirty')).toBe('$5.30');
    expect(writtenFor('Pay $5.30 now', 'now')).toBe('now');
    expect(writtenFor('at 10:35 pm.', 'ten thirty-five')).toBe('10:35');
    expect(writtenFor('at 10:35 pm.', 'P M')).toBe('pm');
    expect(writtenFor('a 5km run', 'five')).toBe('5');
    expect(writtenFor('a 5km run', 'kilometers')).toBe('km');
    expect(writtenFor('Dr. Who', 'Doctor')).toBe('Dr.');
    expect(writtenFor('see https://example.com/a ok', 'example')).toBe('https://example');
    expect(writtenFor('see https://example.com/a ok', 'slash a')).toBe('/a');
    expect(writtenFor('café 1999 naïve', 'nineteen ninety-nine')).toBe('1999');
    expect(writtenFor('café 1999 naïve', 'naïve')).toBe('naïve');
  });

  it('keeps the mapping valid for every family and for odd input', () => {
    const inputs = [
      'Pay $5.30 now', 'St. James St.', 'call +1 (555) 010-9999 or 555.010.9999', '€.', '$', '1,', '1,2,3',
      '-', '--5', '12:', '99:99', '2024-13-45', '1/0', '0/0', '@@@', 'http://', 'https://a', 'a@', '@b.com',
      '١٢٣ 中文 5km', '\u{1F600}5%', 'x'.repeat(10) + '5'.repeat(100), '1.2.3.4.5.6', 'Henry VIII\'s', '5\n\n6',
      "'90", '5 p.m', '$1.2.3', '£', '10:35 p.m. Then', 'e.g.', 'etc', 'No.', '½ and 3½', '\u{D800}lone surrogate',
    ];
    for (const input of inputs) {
      expectValidMapping(input, 'a');
      expectValidMapping(input, 'b');
    }
  });

  it('survives random mixtures of digits, symbols and letters', () => {
    const pool = ['1', '0', '9', '.', ',', ':', '-', '/', '$', '£', '€', '%', '@', '+', '(', ')', ' ', 'a', 'm', 'p', 'k',
      'I', 'V', 'X', 'Dr', '.com', 'http://', '°C', 'st', 's', '\n', 'é', '–'];
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 300; n++) {
      let input = '';
      const length = 1 + Math.floor(random() * 40);
      for (let i = 0; i < length; i++) input += pool[Math.floor(random() * pool.length)];
      expectValidMapping(input, random() < 0.5 ? 'a' : 'b');
    }
  });
});
