import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KokoroError } from '../../lib/errors.js';
import { englishLexiconPath } from '../../lib/lexicon.js';
import { loadBinding } from '../../lib/native/loadBinding.js';
import { createPipeline, type Pipeline } from '../../lib/pipeline.js';
import { hasShared, sharedDir } from '../helpers/fixtures.js';

// The English front end: misaki's lexicons (shipped in data/lexicon), its lookup rules rebuilt
// natively, espeak-ng for unknown words. Cases are our own; expected phonemes are the lexicon's.

let us: Pipeline;
let gb: Pipeline;
beforeAll(async () => {
  us = await createPipeline('en-us');
  gb = await createPipeline('en-gb');
});

/** Phonemes of `text` with a lexicon written on the spot (word → phonemes, gold then silver). */
let scratch: string;
beforeAll(() => { scratch = mkdtempSync(join(tmpdir(), 'kokoro-lexicon-')); });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
async function withLexicon(text: string, gold: Record<string, string>, silver: Record<string, string> = {},
  british = false): Promise<string> {
  const section = (name: string, entries: Record<string, string>) => {
    const keys = Object.keys(entries).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return [`@${name} ${keys.length}`, ...keys.map((k) => `${k}\t${entries[k]}`)];
  };
  const file = join(scratch, `lexicon-${Math.random().toString(36).slice(2)}.lexicon`);
  writeFileSync(file, [`KOKORO-LEXICON 1 test`, ...section('gold', gold), ...section('silver', silver)].join('\n') + '\n');
  return loadBinding().phonemize(text, british ? 'b' : 'a', { lexicon: file });
}

describe('lexicon lookup', () => {
  it('reads words as the dialect lexicon writes them', async () => {
    expect(await us.phonemize('hello')).toBe('həlˈO');
    expect(await gb.phonemize('hello')).toBe('həlˈQ');
    expect(await us.phonemize('tomato')).toBe('təmˈAɾO'.replace('ɾ', 'T'));
    expect(await gb.phonemize('tomato')).toBe('təmˈɑːtQ');
  });

  it('looks in gold before silver, and in silver for what gold lacks', async () => {
    const gold = { word: 'wˈɜɹd' };
    const silver = { word: 'wˈɔɹd', other: 'ˈʌðəɹ' };
    expect(await withLexicon('word other', gold, silver)).toBe('wˈɜɹd ˈʌðəɹ');
  });

  it('finds a Capitalized word under its lower-case entry and a lower-case word under its Capitalized one', async () => {
    expect(await withLexicon('Apple', { apple: 'ˈæpᵊl' })).toBe('ˈæpᵊl');
    expect(await withLexicon('paris', { Paris: 'pˈæɹɪs' })).toBe('pˈæɹɪs');
  });

  it('stresses capitalized and shouted words as the official front end does', async () => {
    expect(await us.phonemize('of')).toBe('ʌv');
    expect(await us.phonemize('Of')).toBe('ˌʌv');      // Capitalized: gains a secondary stress
    expect(await gb.phonemize('Of')).toBe('ˌɒv');
    expect(await withLexicon('HOUSE', { house: 'hˌWs' })).toBe('hˈWs'); // ALL CAPS: secondary becomes primary
  });

  it('spells acronyms out letter by letter, with the main stress on the last letter', async () => {
    expect(await us.phonemize('FBI')).toBe('ˌɛfbˌiˈI');
    expect(await gb.phonemize('FBI')).toBe('ˌɛfbˌiːˈI');
    expect(await us.phonemize('U.S.', { normalization: false })).toBe('jˌuˈɛs');
    // An acronym the lexicon knows as a word is read as that word.
    expect(await us.phonemize('NASA')).toBe('nˈæsə');
    expect(await gb.phonemize('NASA')).toBe('nˈasə');
  });
});

describe('heteronyms', () => {
  it('picks the verb after to, modals and subject pronouns, the noun after determiners', async () => {
    expect(await us.phonemize('They record a record.')).toBe('ðˌA ɹəkˈɔɹd ɐ ɹˈɛkəɹd.');
    expect(await gb.phonemize('They record a record.')).toBe('ðˌA ɹɪkˈɔːd ɐ ɹˈɛkɔːd.');
    expect(await us.phonemize('We will object to the object.')).toBe("wˌi wɪl əbʤˈɛkt tə ði ˈɑbʤəkt.");
    expect(await us.phonemize('I live in a live show')).toMatch(/^ˌI lˈɪv .* lˈIv ʃˈO$/);
  });

  it('uses the stressed form of a function word when a pause follows', async () => {
    expect(await us.phonemize('by the river')).toMatch(/^bI /);
    expect(await us.phonemize('Walk on by.')).toMatch(/bˈI\.$/);
  });

  it('reads "used to" as the past habit, "is used to" as the passive', async () => {
    expect(await us.phonemize('We used to run.')).toContain('jˈust tə');
    expect(await us.phonemize('It is used to cut.')).toContain('jˈuzd tə');
    expect(await gb.phonemize('We used to run.')).toContain('jˈuːst tə');
  });
});

describe('context rules', () => {
  it('reads "the" as ði before a vowel and ðə before a consonant', async () => {
    expect(await us.phonemize('the apple the pear')).toBe('ði ˈæpᵊl ðə pˈɛɹ');
    expect(await us.phonemize('the hour')).toMatch(/^ði /);
    expect(await gb.phonemize('the egg the cat')).toMatch(/^ði .* ðə /);
  });

  it('reduces a and an, and reads "to" by what follows', async () => {
    expect(await us.phonemize('a cat and an owl')).toMatch(/^ɐ kˈæt .* ɐn /);
    expect(await us.phonemize('Plan A.')).toBe('plˈæn ˈA.');
    expect(await us.phonemize('go to it')).toContain('tʊ ɪt');
    expect(await us.phonemize('go to bed')).toContain('tə bˈɛd');
    expect(await us.phonemize('where to?')).toMatch(/ tu\?$/);
    expect(await gb.phonemize('where to?')).toMatch(/ tuː\?$/);
  });

  it('reads the pronoun I with secondary stress, "am" reduced before a vowel, "in" stressed before a pause', async () => {
    expect(await us.phonemize('I am in.')).toBe('ˌI ɐm ˈɪn.');
    expect(await us.phonemize('I am.')).toBe('ˌI æm.');
    expect(await us.phonemize('in a box')).toMatch(/^ɪn ɐ /);
  });
});

describe('morphology for words the lexicon lacks', () => {
  const gold = { abort: 'əbˈɔɹt', wish: 'wˈɪʃ', jump: 'ʤˈʌmp', fade: 'fˈAd', hop: 'hˈɑp', pet: 'pˈɛt', berry: 'bˈɛɹi', raid: 'ɹˈAd' };
  it('-s and -es voice after the stem: s after voiceless, ᵻz after sibilants, z otherwise', async () => {
    expect(await withLexicon('jumps wishes berries fades', gold)).toBe('ʤˈʌmps wˈɪʃᵻz bˈɛɹiz fˈAdz');
    expect(await withLexicon('wishes', { wish: 'wˈɪʃ' }, {}, true)).toBe('wˈɪʃɪz');
  });

  it('-ed: t after voiceless, ᵻd after d, the American flap after t between vowels', async () => {
    expect(await withLexicon('jumped raided faded aborted petted', gold)).toBe('ʤˈʌmpt ɹˈAdᵻd fˈAdᵻd əbˈɔɹTᵻd pˈɛTᵻd');
    expect(await withLexicon('aborted', { abort: 'əbˈɔːt' }, {}, true)).toBe('əbˈɔːtɪd');
  });

  it('-ing, with doubled consonants and dropped e, and the flap in American', async () => {
    expect(await withLexicon('jumping hopping fading petting', gold)).toBe('ʤˈʌmpɪŋ hˈɑpɪŋ fˈAdɪŋ pˈɛTɪŋ');
    expect(await withLexicon('petting', { pet: 'pˈɛt' }, {}, true)).toBe('pˈɛtɪŋ');
  });

  it('-ing keeps an American syllabic l; British makes an l spelled consonant + le the onset, except after t and s', async () => {
    const us = { hobble: 'hˈɑbᵊl', tickle: 'tˈɪkᵊl', bottle: 'bˈɑTᵊl', nestle: 'nˈɛsᵊl', barrel: 'bˈɛɹᵊl' };
    expect(await withLexicon('hobbling tickling bottling nestling barreling', us))
      .toBe('hˈɑbᵊlɪŋ tˈɪkᵊlɪŋ bˈɑTᵊlɪŋ nˈɛsᵊlɪŋ bˈɛɹᵊlɪŋ');
    const gb = { hobble: 'hˈɒbᵊl', tickle: 'tˈɪkᵊl', bottle: 'bˈɒtᵊl', nestle: 'nˈɛsᵊl', label: 'lˈAbᵊl' };
    expect(await withLexicon('hobbling tickling bottling nestling labelling', gb, {}, true))
      .toBe('hˈɒblɪŋ tˈɪklɪŋ bˈɒtᵊlɪŋ nˈɛsᵊlɪŋ lˈAbᵊlɪŋ');
    // -s and -ed add no vowel: the l stays syllabic.
    expect(await withLexicon('hobbles hobbled', gb, {}, true)).toBe('hˈɒbᵊlz hˈɒbᵊld');
  });

  it('-ing takes the silent-e stem where the spelling points to it, when the lexicon has both', async () => {
    // A soft c or r/l + g before i, and -thing/-sing of a verb in -the/-se next to a noun or plural.
    const stems = { farc: 'fˈɑɹk', farce: 'fˈɑɹs', berg: 'bˈɜɹɡ', berge: 'bˈɜɹʤ', wreath: 'ɹˈiθ', wreathe: 'ɹˈið',
      dens: 'dˈɛnz', dense: 'dˈɛns', kiss: 'kˈɪs', kisse: 'kˈɪsi', sing: 'sˈɪŋ', singe: 'sˈɪnʤ' };
    expect(await withLexicon('farcing berging wreathing densing kissing singing', stems))
      .toBe('fˈɑɹsɪŋ bˈɜɹʤɪŋ ɹˈiðɪŋ dˈɛnsɪŋ kˈɪsɪŋ sˈɪŋɪŋ');
    const british = { wreath: 'ɹˈiːθ', wreathe: 'ɹˈiːð', dens: 'dˈɛnz', dense: 'dˈɛns' };
    expect(await withLexicon('wreathing densing', british, {}, true)).toBe('ɹˈiːðɪŋ dˈɛnsɪŋ');
    // Without the e-stem in the lexicon, the bare stem still serves.
    expect(await withLexicon('wreathing', { wreath: 'ɹˈiθ' })).toBe('ɹˈiθɪŋ');
  });

  it('-ing turns a syllabic n written with its own vowel into ə + n', async () => {
    expect(await withLexicon('softening', { soften: 'sˈɔfᵊn' })).toBe('sˈɔfənɪŋ');
    expect(await withLexicon('softening', { soften: 'sˈɒfᵊn' }, {}, true)).toBe('sˈɒfənɪŋ');
    expect(await withLexicon('softens', { soften: 'sˈɔfᵊn' })).toBe('sˈɔfᵊnz');
  });

  it('American -ing makes a full ə l after a consonant, spelled consonant + le, syllabic', async () => {
    const stems = { gamble: 'ɡˈæmbəl', sparkle: 'spˈɑɹkəl', travel: 'tɹˈævəl', idle: 'ˈIdəl' };
    expect(await withLexicon('gambling sparkling traveling idling', stems))
      .toBe('ɡˈæmbᵊlɪŋ spˈɑɹkᵊlɪŋ tɹˈævəlɪŋ ˈIdᵊlɪŋ');
    // Only -ing adds the vowel that the l becomes syllabic before; British keeps its rule.
    expect(await withLexicon('gambles gambled', stems)).toBe('ɡˈæmbəlz ɡˈæmbəld');
    expect(await withLexicon('gambling', { gamble: 'ɡˈambəl' }, {}, true)).toBe('ɡˈambəlɪŋ');
  });

  it('British -ing: a final full vowel two syllables after the main stress gains a secondary stress', async () => {
    const stems = { educate: 'ˈɛdjʊkAt', organise: 'ˈɔːɡənIz', earmark: 'ˈɪəmɑːk', translate: 'tɹanslˈAt' };
    expect(await withLexicon('educating organising earmarking translating', stems, {}, true))
      .toBe('ˈɛdjʊkˌAtɪŋ ˈɔːɡənˌIzɪŋ ˈɪəmɑːkɪŋ tɹanslˈAtɪŋ');
    // American stems carry their own secondary stress; an unmarked one is left as it is.
    expect(await withLexicon('educating organizing', { educate: 'ˈɛʤəkAt', organize: 'ˈɔɹɡənˌIz' }))
      .toBe('ˈɛʤəkATɪŋ ˈɔɹɡənˌIzɪŋ');
  });

  it('British -ing links a centring diphthong spelled with r through ɹ', async () => {
    // espeak-ng's readings (stˈiəɹɪŋ, məʧˈʊəɹɪŋ) differ in other sounds: these are stem + ɪŋ.
    expect(await withLexicon('steering maturing', { steer: 'stˈɪə', mature: 'mətjˈʊə' }, {}, true))
      .toBe('stˈɪəɹɪŋ mətjˈʊəɹɪŋ');
  });

  it('-ing takes espeak-ng’s whole-word reading when it differs from stem + ɪŋ only in stress or reduced-vowel spelling', async () => {
    // espeak-ng reads these dᵻpɹˈIvɪŋ, bˈIpæsɪŋ, kwˈɔɹəlɪŋ (same sounds), bˈæɹəlɪŋ and ʤˈʌmpɪŋ.
    const us = { deprive: 'dəpɹˈIv', bypass: 'bˈIpˌæs', quarrel: 'kwˈɔɹᵊl', barrel: 'bˈɛɹᵊl', jump: 'ʤˈʌmp' };
    expect(await withLexicon('depriving bypassing quarreling barreling jumping', us))
      .toBe('dᵻpɹˈIvɪŋ bˈIpæsɪŋ kwˈɔɹəlɪŋ bˈɛɹᵊlɪŋ ʤˈʌmpɪŋ');
    // -s and -ed stay stem + suffix; a form the lexicon has is read as it writes it.
    expect(await withLexicon('deprives deprived', us)).toBe('dəpɹˈIvz dəpɹˈIvd');
    expect(await withLexicon('depriving', { ...us, depriving: 'dəpɹˈIvɪŋ' })).toBe('dəpɹˈIvɪŋ');
    // British espeak-ng: ʌpdˈAtɪŋ, kwˈɒɹəlɪŋ (same sounds), ˈiəmɑːkɪŋ and stˈiəɹɪŋ (other sounds).
    const gb = { update: 'ˈʌpdAt', quarrel: 'kwˈɒɹᵊl', earmark: 'ˈɪəmɑːk', steer: 'stˈɪə' };
    expect(await withLexicon('updating quarrelling earmarking steering', gb, {}, true))
      .toBe('ʌpdˈAtɪŋ kwˈɒɹəlɪŋ ˈɪəmɑːkɪŋ stˈɪəɹɪŋ');
    expect(await withLexicon('updates quarrelled', gb, {}, true)).toBe('ˈʌpdAts kwˈɒɹᵊld');
  });

  it('-ing compares the two readings across the flap’s spellings, unstressed i or ɛ against a reduced vowel, and n or ŋ before k/ɡ', async () => {
    // espeak-ng reads these sˈɑlvATɪŋ (the stem's ɾ-less flap written T), ɹᵻkˈæstɪŋ (re- reduced)
    // and kəŋkˈʌsɪŋ (the nasal assimilated).
    const us = { solvate: 'sˈɑlvˌAt', recast: 'ɹikˈæst', concuss: 'kənkˈʌs' };
    expect(await withLexicon('solvating recasting concussing', us)).toBe('sˈɑlvATɪŋ ɹᵻkˈæstɪŋ kəŋkˈʌsɪŋ');
    // A stressed ɛ is not reducible, and other sounds still keep stem + ɪŋ.
    expect(await withLexicon('recasting feting presaging', { recast: 'ɹˈɛkæst', fete: 'fˈɛt', presage: 'pɹisˈAʤ' }))
      .toBe('ɹˈɛkæstɪŋ fˈɛTɪŋ pɹisˈAʤɪŋ');
    // -s and -ed are untouched.
    expect(await withLexicon('recasts concussed', us)).toBe('ɹikˈæsts kənkˈʌst');
    // British espeak-ng: ɛŋɡˈʌlfɪŋ, ɪŋɡɹˈAnɪŋ.
    expect(await withLexicon('engulfing ingraining', { engulf: 'ɪnɡˈʌlf', ingrain: 'ɪnɡɹˈAn' }, {}, true))
      .toBe('ɛŋɡˈʌlfɪŋ ɪŋɡɹˈAnɪŋ');
  });

  it("-'s possessives, plural possessives and curly apostrophes", async () => {
    expect(await us.phonemize("John's")).toBe('ʤˈɑnz');
    expect(await us.phonemize('John’s')).toBe('ʤˈɑnz');
    expect(await withLexicon("cats'", { cats: 'kˈæts' })).toBe('kˈæts');
    expect(await us.phonemize('don’t')).toBe(await us.phonemize("don't"));
  });
});

describe('compounds and unknown words', () => {
  it('reads hyphenated words part by part with one main stress', async () => {
    expect(await us.phonemize('well-known')).toBe('wˌɛlnˈOn');
    expect(await gb.phonemize('well-known')).toBe('wˌɛlnˈQn');
  });

  it('splits camelCase words at the case change', async () => {
    expect(await withLexicon('blueSky', { blue: 'blˈu', Sky: 'skˈI' })).toBe('blˌuskˈI');
  });

  it('falls back to espeak-ng for words no rule can read, in the model’s symbols', async () => {
    const phonemes = await us.phonemize('Zyxqorpian');
    expect(phonemes.length).toBeGreaterThan(3);
    expect(phonemes).not.toMatch(/[a-z]*[ɚɐː^]/u);
    expect(await withLexicon('zebra', {})).toMatch(/z.*b/);
  });

  it('writes one ɹ where espeak-ng writes an r-coloured vowel and a linking r, as the lexicon does', async () => {
    // espeak-ng's American reading of these is ...ɚɹɪŋ (official mapping: əɹɹɪŋ).
    expect(await withLexicon('wondering neighboring', {})).toBe('wˈʌndəɹɪŋ nˈAbəɹɪŋ');
    expect(await withLexicon('wondering', {}, {}, true)).toBe('wˈʌndəɹɪŋ');
    // A written rr in the lexicon keeps both.
    expect(await withLexicon('interracial', { interracial: 'ˌɪntəɹɹˈAʃᵊl' })).toBe('ˌɪntəɹɹˈAʃᵊl');
  });
});

describe('punctuation', () => {
  it('keeps quotes, parentheses and dashes inside a sentence as the model’s tokens', async () => {
    expect(await us.phonemize('He said "yes" (twice) - then left.')).toMatch(/^hˌi sˈɛd “jˈɛs” \(twˈIs\) — ðˈɛn lˈɛft\.$/);
    expect(await us.phonemize('Wait—what?')).toMatch(/—.*\?$/);
    expect(await gb.phonemize('one; two: three… four!')).toMatch(/;.*:.*….*!$/);
  });
});

describe('text normalization before the G2P', () => {
  it('is on by default, each family switchable, all of it off with false', async () => {
    expect(await us.phonemize('It costs $5.')).toBe('ˌɪt kˈɔsts fˈIv dˈɑləɹz.');
    expect(await gb.phonemize('It costs £5.')).toBe('ˌɪt kˈɒsts fˈIv pˈWndz.');
    expect(await us.phonemize('It costs $5.', { normalization: { currency: false } })).not.toContain('dˈɑləɹz');
    expect(await us.phonemize('Dr. Smith', { normalization: false })).toMatch(/\. smˈɪθ$/);
    expect(await us.phonemize('Dr. Smith')).toBe('dˈɑktəɹ smˈɪθ');
  });

  it('leaves pronunciation markup and the user lexicon alone', async () => {
    expect(await us.phonemize('[Kokoro](/kˈOkəɹO/) at 5 pm', { lexicon: { pm: 'pˈiˈɛm' } })).toMatch(/^kˈOkəɹO æt fˈIv /);
  });

  it('rejects an unknown normalization family', async () => {
    await expect(us.phonemize('x', { normalization: { colours: false } as never })).rejects.toMatchObject({ code: 'KOKORO_INVALID_ARGUMENT' });
  });
});

describe('pronunciation control', () => {
  it('reads inline markup with the given phonemes', async () => {
    expect(await us.phonemize('Say [Kokoro](/kˈOkəɹO/) now.')).toBe('sˈA kˈOkəɹO nˈW.');
    expect(await gb.phonemize('[tomato](/təmˈAtO/)')).toBe('təmˈAtO');
    // A link without phonemes reads its text.
    expect(await us.phonemize('[hello](world)')).toBe('həlˈO');
  });

  it('applies a per-request lexicon, exact spelling first, then lower case', async () => {
    const lexicon = { Kokoro: 'kˈOkəɹO', tomato: 'təmˈɑtO' };
    expect(await us.phonemize('Kokoro and Tomato', { lexicon })).toBe('kˈOkəɹO ænd təmˈɑtO');
  });

  it('applies a pipeline-wide lexicon, with the request’s entries over it', async () => {
    const pipeline = await createPipeline('b', { lexicon: { Kokoro: 'kˈQkəɹQ', hello: 'hˈɛlQ' } });
    expect(await pipeline.phonemize('Kokoro hello')).toBe('kˈQkəɹQ hˈɛlQ');
    expect(await pipeline.phonemize('Kokoro hello', { lexicon: { hello: 'hˈɪlQ' } })).toBe('kˈQkəɹQ hˈɪlQ');
  });

  it('rejects a malformed lexicon with KOKORO_INVALID_ARGUMENT naming the entry', async () => {
    await expect(us.phonemize('x', { lexicon: { word: 42 } as never })).rejects.toThrow(/"word"/);
    await expect(us.phonemize('x', { lexicon: { 'two words': 'x' } })).rejects.toBeInstanceOf(KokoroError);
    await expect(createPipeline('a', { lexicon: [] as never })).rejects.toMatchObject({ code: 'KOKORO_INVALID_ARGUMENT' });
  });
});

describe('lexicon files', () => {
  it('reports a missing or malformed lexicon as a typed error naming the file', async () => {
    await expect(loadBinding().phonemize('hi', 'a', { lexicon: join(scratch, 'absent.lexicon') }))
      .rejects.toMatchObject({ code: 'KOKORO_FILE_NOT_FOUND', message: expect.stringContaining('absent.lexicon') });
    const bad = join(scratch, 'bad.lexicon');
    writeFileSync(bad, 'not a lexicon\n');
    await expect(loadBinding().phonemize('hi', 'a', { lexicon: bad })).rejects.toMatchObject({ code: 'KOKORO_BAD_FORMAT' });
    const unsorted = join(scratch, 'unsorted.lexicon');
    writeFileSync(unsorted, 'KOKORO-LEXICON 1 x\n@gold 2\nzz\tz\naa\ta\n@silver 0\n');
    await expect(loadBinding().phonemize('hi', 'a', { lexicon: unsorted })).rejects.toMatchObject({ code: 'KOKORO_BAD_FORMAT' });
  });

  it('ships both dialects', () => {
    expect(englishLexiconPath(false)).toMatch(/en-us\.lexicon$/);
    expect(englishLexiconPath(true)).toMatch(/en-gb\.lexicon$/);
  });
});

describe.skipIf(!hasShared)('shipped lexicon', () => {
  it('is what tools/build-lexicon.mjs generates from misaki’s lexicons (regenerate it after changing either)', async () => {
    // @ts-expect-error plain JS module of the repository's tools
    const { formatLexicon } = await import('../../tools/lexicon-format.mjs');
    for (const [dialect, prefix, british] of [['en-us', 'us', false], ['en-gb', 'gb', true]] as const) {
      const read = (tier: string) => JSON.parse(readFileSync(join(sharedDir as string, 'data', 'misaki-lexicon', `${prefix}_${tier}.json`), 'utf8'));
      const expected = (formatLexicon as (d: string, g: unknown, s: unknown) => string)(dialect, read('gold'), read('silver'));
      expect(readFileSync(englishLexiconPath(british), 'utf8') === expected, `${dialect} lexicon is stale`).toBe(true);
    }
  }, 60_000);
});
