import { describe, expect, it } from 'vitest';

import { ErrorCode, KokoroError, LANGUAGES, parseVoiceSpec, resolveLanguage } from '../../lib/index.js';

describe('language codes', () => {
  it('resolves every code and alias of the official pipeline', () => {
    const expected: Record<string, string> = {
      a: 'a', 'en-us': 'a', en: 'a', b: 'b', 'en-gb': 'b', e: 'e', es: 'e', f: 'f', 'fr-fr': 'f', fr: 'f',
      h: 'h', hi: 'h', i: 'i', it: 'i', j: 'j', ja: 'j', p: 'p', 'pt-br': 'p', z: 'z', zh: 'z', cmn: 'z',
      'EN-US': 'a', en_gb: 'b',
    };
    for (const [alias, code] of Object.entries(expected)) expect(resolveLanguage(alias).code).toBe(code);
    expect(LANGUAGES.map((l) => l.code).join('')).toBe('abefhijpz');
  });

  it('rejects an unknown code with a typed error listing the valid ones', () => {
    let caught: unknown;
    try {
      resolveLanguage('klingon');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KokoroError);
    expect((caught as KokoroError).code).toBe(ErrorCode.UnsupportedLanguage);
    expect((caught as KokoroError).message).toContain('klingon');
    expect((caught as KokoroError).message).toContain('en-us');
  });
});

describe('voice specs', () => {
  it('parses names, mixes and weights', () => {
    expect(parseVoiceSpec('af_heart')).toEqual([{ voice: 'af_heart', weight: 1 }]);
    expect(parseVoiceSpec('af_bella+af_sky')).toEqual([{ voice: 'af_bella', weight: 1 }, { voice: 'af_sky', weight: 1 }]);
    expect(parseVoiceSpec('af_bella(2)+af_sky(0.5)')).toEqual([{ voice: 'af_bella', weight: 2 }, { voice: 'af_sky', weight: 0.5 }]);
    expect(() => parseVoiceSpec('af_bella++af_sky')).toThrow(KokoroError);
    expect(() => parseVoiceSpec('af_bella(0)')).toThrow(/positive/);
    for (const bad of ['af_bella(-0.5)', 'af_bella()', 'af_bella( )', 'af_bella(1e7)', 'af_bella(1e400)', 'af_bella(1.2.3)']) {
      expect(() => parseVoiceSpec(bad), bad).toThrow(/positive/);
    }
    expect(parseVoiceSpec('af_bella(1e-3)+af_sky( 2 )')).toEqual([{ voice: 'af_bella', weight: 1e-3 }, { voice: 'af_sky', weight: 2 }]);
    // Other text in parentheses is part of a name (a voice file may be called that).
    expect(parseVoiceSpec('my voice (copy)')).toEqual([{ voice: 'my voice (copy)', weight: 1 }]);
  });
});
