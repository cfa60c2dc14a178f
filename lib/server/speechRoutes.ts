import { Transform, type Readable } from 'node:stream';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { FORMATS } from '../audio/encoders/index.js';
import { parseSpeechBody, type SpeechParams } from './request.js';
import type { KokoroServer } from './server.js';
import { startSynthesis, type Synthesis } from './synthesis.js';

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** `POST /v1/audio/speech` and `POST /v1/audio/captioned_speech`. */
export function registerSpeechRoutes(server: KokoroServer): void {
  const { metrics, options } = server;

  /**
   * Runs one synthesis under the server's limits: admission (429), timeout, cancellation when
   * the client goes away, metrics. `respond` sends the answer once the first audio exists.
   */
  async function synthesize(request: FastifyRequest, reply: FastifyReply, params: SpeechParams, timings: boolean,
    respond: (synthesis: Synthesis, output: Readable, finished: Promise<void>) => Promise<FastifyReply>): Promise<FastifyReply> {
    const began = performance.now();
    const model = await server.readyModel();
    let synthesis: Synthesis | undefined;
    const active = server.track(() => synthesis?.encoder.destroy());
    const onClose = () => { if (!reply.raw.writableFinished) active.cancel('client_disconnect'); };
    reply.raw.on('close', onClose);
    let release: (() => void) | undefined;
    const signal = active.controller.signal;
    try {
      release = await server.admission.acquire(signal);
      const run = await startSynthesis(model, params, { signal, ffmpegPath: options.ffmpegPath, timings });
      synthesis = run;
      // Cancelled while starting: stop now rather than at the next chunk.
      if (signal.aborted) run.encoder.destroy();
      const synthBegan = performance.now();
      const finished = run.done.then((summary) => {
        metrics.audioSeconds.inc(summary.audioSeconds);
        if (summary.audioSeconds > 0) metrics.realtimeFactor.observe((performance.now() - synthBegan) / 1000 / summary.audioSeconds);
      }).finally(() => {
        metrics.chunks.inc(run.summary.produced);
        release?.();
        release = undefined;
      });
      finished.catch(() => {});
      reply.raw.once('finish', () => metrics.latency.observe({ route: request.routeOptions.url ?? '' }, (performance.now() - began) / 1000));
      try {
        await run.started;
      } catch (error) {
        throw signal.aborted ? signal.reason : error;
      }
      let first = true;
      const timed = run.encoder.output.pipe(new Transform({
        transform(chunk: Buffer, _encoding, done) {
          if (first) {
            first = false;
            metrics.timeToFirstByte.observe((performance.now() - began) / 1000);
          }
          done(null, chunk);
        },
      }));
      run.encoder.output.once('error', (error) => timed.destroy(error));
      return await respond(run, timed, finished.catch((error: unknown) => { throw signal.aborted ? signal.reason : error; }));
    } catch (error) {
      release?.();
      throw error;
    } finally {
      const cleanUp = () => { active.finish(); reply.raw.off('close', onClose); };
      if (reply.raw.writableFinished || reply.raw.destroyed) cleanUp();
      else reply.raw.once('close', cleanUp);
    }
  }

  server.app.post('/v1/audio/speech', async (request, reply) => {
    const params = parseSpeechBody(request.body, server.catalog, options);
    return synthesize(request, reply, params, false, async (run, output, finished) => {
      void reply.header('content-type', run.encoder.contentType)
        .header('content-disposition', `inline; filename="speech.${FORMATS[params.format].extension}"`);
      if (params.stream) {
        // Audio goes out as it is made (chunked transfer); a failure after the first byte cuts the stream.
        finished.catch((error: unknown) => output.destroy(error as Error));
        return reply.send(output);
      }
      const [bytes] = await Promise.all([collect(output), finished]);
      return reply.send(run.encoder.finalize(bytes));
    });
  });

  server.app.post('/v1/audio/captioned_speech', async (request, reply) => {
    const params = parseSpeechBody(request.body, server.catalog, options);
    return synthesize(request, reply, params, true, async (run, output, finished) => {
      const [bytes] = await Promise.all([collect(output), finished]);
      return reply.type('application/json').send({
        audio: run.encoder.finalize(bytes).toString('base64'),
        audio_format: params.format,
        content_type: run.encoder.contentType,
        duration: run.summary.audioSeconds,
        phonemes: run.summary.phonemes,
        timestamps: run.summary.words,
      });
    });
  });
}
