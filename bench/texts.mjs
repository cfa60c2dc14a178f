// Prose for the stream benches: four sentences repeated, so that every stream gets a text of the
// length asked for and streams with different offsets start with different sentences.
const SENTENCES = [
  'The morning train left the station a little after seven, carrying commuters into the city.',
  'Most of them read the news on their phones, while a few stared out at the passing fields.',
  'Nobody noticed the old man in the corner seat, who was quietly sketching the faces around him.',
  'By the time the train reached the river, he had filled three pages with careful drawings.',
];

/** A text of at least `chars` characters, starting at sentence `offset`. */
export function benchText(chars, offset) {
  let out = '';
  for (let i = offset; out.length < chars; i++) out += (out ? ' ' : '') + SENTENCES[i % SENTENCES.length];
  return out;
}
