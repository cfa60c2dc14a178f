/**
 * The playground page served at `/`: plain HTML and a little script, no build step. It streams
 * mp3 into the audio element through Media Source Extensions where the browser has them, and
 * otherwise plays the whole file once it has arrived.
 */
export const PLAYGROUND_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kokoro-native playground</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  textarea { width: 100%; height: 7rem; font: inherit; }
  label { display: inline-block; margin: .4rem 1rem .4rem 0; }
  pre { white-space: pre-wrap; background: #f4f4f4; padding: .5rem; min-height: 1.5rem; }
  table { border-collapse: collapse; } td, th { padding: 0 .8rem 0 0; text-align: left; }
  #status { color: #555; }
</style>
</head>
<body>
<h1>kokoro-native</h1>
<textarea id="text">Hello! This is Kokoro, speaking from Node.js. Every sentence streams as soon as it is made.</textarea>
<div>
  <label>Voice or mix <input id="voice" list="voices" value="af_heart" size="22"></label>
  <datalist id="voices"></datalist>
  <label>Language <select id="lang"><option value="">the voice's</option></select></label>
  <label>Speed <input id="speed" type="number" value="1" min="0.25" max="4" step="0.05" style="width:4rem"></label>
  <label>Format <select id="format"><option>mp3</option><option>wav</option><option>opus</option><option>aac</option><option>flac</option><option>pcm</option></select></label>
  <label>API key <input id="key" type="password" size="12" placeholder="if required"></label>
</div>
<p><button id="speak">Speak</button> <button id="timings-button">Word timings</button> <span id="status"></span></p>
<audio id="audio" controls></audio>
<h3>Phonemes</h3><pre id="phonemes"></pre>
<h3>Word timings</h3><table id="timings"><thead><tr><th>word</th><th>start (s)</th><th>end (s)</th><th>phonemes</th></tr></thead><tbody></tbody></table>
<script>
const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };
function headers() {
  const h = { 'content-type': 'application/json' };
  if ($('key').value) h.authorization = 'Bearer ' + $('key').value;
  return h;
}
function request(extra) {
  const body = { model: 'kokoro', input: $('text').value, voice: $('voice').value, speed: Number($('speed').value), response_format: $('format').value };
  if ($('lang').value) body.lang_code = $('lang').value;
  return Object.assign(body, extra);
}
async function post(path, body) {
  const response = await fetch(path, { method: 'POST', headers: headers(), body: JSON.stringify(body) });
  if (!response.ok) {
    const error = await response.json().catch(() => ({ error: { message: response.statusText, code: '' } }));
    throw new Error(error.error.message + ' [' + error.error.code + ']');
  }
  return response;
}
function wavHeader(bytes) {
  const h = new DataView(new ArrayBuffer(44));
  const text = (o, s) => [...s].forEach((c, i) => h.setUint8(o + i, c.charCodeAt(0)));
  text(0, 'RIFF'); h.setUint32(4, 36 + bytes, true); text(8, 'WAVE'); text(12, 'fmt ');
  h.setUint32(16, 16, true); h.setUint16(20, 1, true); h.setUint16(22, 1, true); h.setUint32(24, 24000, true);
  h.setUint32(28, 48000, true); h.setUint16(32, 2, true); h.setUint16(34, 16, true); text(36, 'data'); h.setUint32(40, bytes, true);
  return h.buffer;
}
const TYPES = { mp3: 'audio/mpeg', wav: 'audio/wav', opus: 'audio/ogg', aac: 'audio/aac', flac: 'audio/flac', pcm: 'audio/wav' };
async function streamIntoAudio(response, format) {
  const audio = $('audio');
  const reader = response.body.getReader();
  let received = 0;
  if (format === 'mp3' && window.MediaSource && MediaSource.isTypeSupported('audio/mpeg')) {
    const source = new MediaSource();
    audio.src = URL.createObjectURL(source);
    await new Promise((resolve) => source.addEventListener('sourceopen', resolve, { once: true }));
    const buffer = source.addSourceBuffer('audio/mpeg');
    let playing = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
      buffer.appendBuffer(value);
      await new Promise((resolve) => buffer.addEventListener('updateend', resolve, { once: true }));
      status('streaming: ' + received + ' bytes');
      if (!playing) { playing = true; audio.play().catch(() => {}); }
    }
    source.endOfStream();
    return received;
  }
  const parts = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
    parts.push(value);
    status('receiving: ' + received + ' bytes');
  }
  if (format === 'pcm') parts.unshift(new Uint8Array(wavHeader(received)));
  audio.src = URL.createObjectURL(new Blob(parts, { type: TYPES[format] }));
  audio.play().catch(() => {});
  return received;
}
async function speak() {
  $('speak').disabled = true;
  try {
    status('synthesizing…');
    const lang = $('lang').value || ($('voice').value.match(/^[a-z]/) || ['a'])[0];
    const phonemes = post('/v1/audio/phonemes', { input: $('text').value, lang_code: lang }).then((r) => r.json())
      .then((p) => { $('phonemes').textContent = p.phonemes; }).catch(() => {});
    const format = $('format').value;
    const received = await streamIntoAudio(await post('/v1/audio/speech', request({ stream: true })), format);
    await phonemes;
    status('done: ' + received + ' bytes of ' + format);
  } catch (error) {
    status('error: ' + error.message);
  } finally {
    $('speak').disabled = false;
  }
}
async function timings() {
  try {
    status('timing words…');
    const result = await (await post('/v1/audio/captioned_speech', request({ stream: false, response_format: 'wav' }))).json();
    const body = $('timings').querySelector('tbody');
    body.textContent = '';
    for (const w of result.timestamps) {
      const row = body.insertRow();
      for (const cell of [w.word, w.start_time.toFixed(3), w.end_time.toFixed(3), w.phonemes]) row.insertCell().textContent = cell;
    }
    $('phonemes').textContent = result.phonemes;
    status('word timings: ' + result.timestamps.length + ' words');
  } catch (error) {
    status('error: ' + error.message);
  }
}
$('speak').addEventListener('click', speak);
$('timings-button').addEventListener('click', timings);
fetch('/v1/audio/voices', { headers: headers() }).then((r) => r.json()).then((v) => {
  for (const name of [...v.voices, ...Object.keys(v.openai_voices)]) $('voices').append(new Option(name));
  for (const l of v.languages) $('lang').append(new Option(l.name + ' (' + l.code + ')', l.code));
}).catch(() => {});
</script>
</body>
</html>
`;
