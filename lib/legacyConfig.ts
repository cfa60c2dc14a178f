/**
 * Kokoro v0.19 shipped a `config.json` without the keys v1.0 added: its phoneme vocab and its
 * ALBERT settings lived in the Python code, and the iSTFTNet settings sat under `decoder`.
 * These fill them in so that a v0.19 model loads through the v1.0 path. Taken from the v0.19
 * release's code; not verified against v0.19 files (none are available to this project).
 */

/** v0.19's symbol table: id = position (0 is the pad). v1.0 reassigned some of these ids. */
export function legacyVocab(): Record<string, number> {
  const pad = '$';
  const punctuation = ';:,.!?¡¿—…"«»“” ';
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const ipa = 'ɑɐɒæɓʙβɔɕçɗɖðʤəɘɚɛɜɝɞɟʄɡɠɢʛɦɧħɥʜɨɪʝɭɬɫɮʟɱɯɰŋɳɲɴøɵɸθœɶʘɹɺɾɻʀʁɽʂʃʈʧʉʊʋⱱʌɣɤʍχʎʏʑʐʒʔʡʕʢǀǁǂǃˈˌːˑʼʴʰʱʲʷˠˤ˞↓↑→↗↘\'̩\'ᵻ';
  const symbols = [pad, ...punctuation, ...letters, ...ipa];
  const vocab: Record<string, number> = {};
  symbols.forEach((symbol, id) => {
    if (symbol !== pad) vocab[symbol] = id; // a repeated symbol keeps its last id, as in the original
  });
  return vocab;
}

/** The ALBERT of every Kokoro release (PL-BERT's settings). */
export const KOKORO_ALBERT = {
  hidden_size: 768, num_attention_heads: 12, intermediate_size: 2048, max_position_embeddings: 512,
  num_hidden_layers: 12, dropout: 0.1,
};

/** Returns a config with v1.0's keys, filling those a v0.19 config lacks. */
export function withLegacyDefaults(raw: Record<string, unknown>): Record<string, unknown> {
  const config = { ...raw };
  const decoder = config.decoder as Record<string, unknown> | undefined;
  if (config.istftnet === undefined && decoder && decoder.type === 'istftnet') {
    const { type: _type, ...istftnet } = decoder;
    config.istftnet = istftnet;
  }
  config.plbert ??= { ...KOKORO_ALBERT };
  config.vocab ??= legacyVocab();
  config.text_encoder_kernel_size ??= 5;
  return config;
}
