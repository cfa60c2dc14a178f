import { ErrorCode, KokoroError } from '../errors.js';
import { LANGUAGES, resolveLanguage } from '../languages.js';
import { MODEL_NAMES } from './request.js';
import { PLAYGROUND_HTML } from './playground.js';
import type { KokoroServer } from './server.js';
import { OPENAI_VOICES } from './voices.js';

const CREATED = Math.floor(Date.UTC(2025, 0, 27) / 1000); // Kokoro v1.0's release

/** Models, voices, phonemes, health, readiness, metrics and the playground. */
export function registerInfoRoutes(server: KokoroServer): void {
  const { app, options } = server;

  app.get('/v1/models', async () => ({
    object: 'list',
    data: MODEL_NAMES.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'kokoro-native' })),
  }));

  app.get('/v1/audio/voices', async () => ({
    voices: server.catalog.list(),
    details: server.catalog.entries(),
    openai_voices: OPENAI_VOICES,
    languages: LANGUAGES.map((l) => ({ code: l.code, name: l.name, aliases: l.aliases })),
  }));

  app.post('/v1/audio/phonemes', async (request) => {
    const body = (request.body ?? {}) as { input?: unknown; text?: unknown; lang_code?: unknown; language?: unknown };
    const input = body.input ?? body.text;
    if (typeof input !== 'string' || input.trim() === '') throw new KokoroError(ErrorCode.InvalidArgument, 'input must be a non-empty string');
    if (input.length > options.maxInputChars) {
      throw new KokoroError(ErrorCode.InputTooLong, `input has ${input.length} characters; this server accepts at most ${options.maxInputChars}`);
    }
    const langCode = body.lang_code ?? body.language ?? 'a';
    if (typeof langCode !== 'string') throw new KokoroError(ErrorCode.InvalidArgument, 'lang_code must be a string');
    const lang = resolveLanguage(langCode).code;
    const model = await server.readyModel();
    const phonemes = await model.phonemize(input, lang);
    const vocab = model.kmodel.config.vocab;
    return { phonemes, tokens: [...phonemes].map((symbol) => vocab[symbol]!), lang_code: lang };
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    const state = { model: server.isModelLoaded, running: server.admission.running, queued: server.admission.queued };
    if (server.isReady) return { status: 'ready', ...state };
    return reply.code(503).send({ status: server.isModelLoaded ? 'saturated' : 'loading', ...state });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await server.metrics.registry.metrics();
    return reply.type(server.metrics.registry.contentType).send(text);
  });

  if (options.playground) {
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PLAYGROUND_HTML));
  }
}
