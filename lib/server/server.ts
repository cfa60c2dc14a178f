import { createHash, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';

import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

import type { KokoroModel } from '../KokoroModel.js';
import { ModelManager } from '../ModelManager.js';
import { MODEL_VERSIONS, defaultModelsDir } from '../paths.js';
import { ServiceError, ServiceErrorCode, toErrorReply } from './errors.js';
import { AdmissionControl } from './limits.js';
import { ServerMetrics, type CancelReason } from './metrics.js';
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from './options.js';
import { registerInfoRoutes } from './infoRoutes.js';
import { registerSpeechRoutes } from './speechRoutes.js';
import { VoiceCatalog } from './voices.js';

/** A request's cancellation handle: the server aborts it on timeout, disconnect or shutdown. */
export interface ActiveRequest {
  controller: AbortController;
  cancel(reason: CancelReason): void;
  finish(): void;
}

/**
 * The OpenAI-compatible speech server. `listen()` starts it; the model loads in the background
 * (`/ready` answers 503 until it is loaded); `close()` shuts it down gracefully.
 */
export class KokoroServer {
  readonly app: FastifyInstance;
  readonly options: ResolvedServerOptions;
  readonly admission: AdmissionControl;
  readonly metrics: ServerMetrics;
  readonly catalog: VoiceCatalog;
  private readonly manager: ModelManager | undefined;
  private model: KokoroModel | undefined;
  private modelLoad: Promise<KokoroModel> | undefined;
  private readonly active = new Set<ActiveRequest>();
  private closing: Promise<void> | undefined;

  constructor(options: ServerOptions = {}) {
    this.options = resolveServerOptions(options);
    this.admission = new AdmissionControl(this.options.maxConcurrent, this.options.maxQueue);
    this.metrics = new ServerMetrics(this.admission, () => this.model);
    if (this.options.model) {
      this.model = this.options.model;
      this.modelLoad = Promise.resolve(this.model);
    } else {
      this.manager = new ModelManager({ modelsDir: this.options.modelsDir, device: this.options.device, threads: this.options.threads });
    }
    // The voices a request may name: those of the models folder (also for a model given as an option).
    const modelsDir = this.manager?.modelsDir ?? this.options.modelsDir ?? defaultModelsDir();
    this.catalog = new VoiceCatalog(join(modelsDir, MODEL_VERSIONS['v1.0'].folder, 'voices'));
    this.app = Fastify({
      logger: this.options.logger,
      bodyLimit: this.options.bodyLimitBytes,
      // Slow senders cannot hold a connection open for ever.
      requestTimeout: 30_000,
      return503OnClosing: true,
      forceCloseConnections: 'idle',
    });
    this.configure();
  }

  private configure(): void {
    const app = this.app;
    if (this.options.cors !== false) {
      void app.register(cors, { origin: this.options.cors === true ? true : this.options.cors });
    }
    const keys = this.options.apiKeys.map((k) => createHash('sha256').update(k).digest());
    app.addHook('onRequest', async (request) => {
      if (keys.length === 0 || !request.url.startsWith('/v1/')) return;
      const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
      const given = match ? createHash('sha256').update(match[1]!.trim()).digest() : undefined;
      if (!given || !keys.some((k) => timingSafeEqual(k, given))) {
        throw new ServiceError(ServiceErrorCode.Unauthorized,
          match ? 'invalid API key' : 'missing API key: send Authorization: Bearer <key>', 401);
      }
    });
    app.addHook('onResponse', async (request, reply) => {
      this.metrics.requests.inc({ route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
    });
    app.setErrorHandler((error, request, reply) => this.sendError(reply, error, request));
    app.setNotFoundHandler((request, reply) => this.sendError(reply,
      new ServiceError(ServiceErrorCode.NotFound, `no route ${request.method} ${request.url.split('?')[0]}`, 404), request));
    registerInfoRoutes(this);
    registerSpeechRoutes(this);
  }

  /** Answers an error as OpenAI-style JSON with its KOKORO_* code (or cuts a stream already begun). */
  sendError(reply: FastifyReply, error: unknown, request?: FastifyRequest): FastifyReply {
    const { status, body, retryAfterSeconds } = toErrorReply(error);
    if (status >= 500) request?.log.error({ err: error }, 'request failed');
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return reply;
    }
    if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds));
    this.metrics.rejected.inc({ code: body.error.code });
    return reply.code(status).type('application/json').send(body);
  }

  /** The model; throws 503 while it loads (or when loading failed). */
  async readyModel(): Promise<KokoroModel> {
    if (this.closing) throw new ServiceError(ServiceErrorCode.ShuttingDown, 'the server is shutting down', 503);
    if (this.model) return this.model;
    throw new ServiceError(ServiceErrorCode.NotReady, 'the model is still loading; retry shortly (GET /ready says when)', 503, 1);
  }

  get isModelLoaded(): boolean {
    return !!this.model;
  }

  get isReady(): boolean {
    return !!this.model && !this.closing && !this.admission.saturated;
  }

  /** Loads the model (once). */
  loadModel(): Promise<KokoroModel> {
    this.modelLoad ??= this.manager!.getModel('v1.0').then((model) => { this.model = model; return model; });
    return this.modelLoad;
  }

  /** Registers a request for cancellation on timeout, client disconnect and shutdown. */
  track(onCancel: (reason: CancelReason) => void): ActiveRequest {
    const controller = new AbortController();
    let cancelled = false;
    const entry: ActiveRequest = {
      controller,
      cancel: (reason) => {
        if (cancelled || controller.signal.aborted) return;
        cancelled = true;
        this.metrics.cancelled.inc({ reason });
        onCancel(reason);
        controller.abort(reason === 'timeout'
          ? new ServiceError(ServiceErrorCode.Timeout, `the request took longer than the server's limit of ${this.options.requestTimeoutMs} ms`, 504)
          : new ServiceError(ServiceErrorCode.ShuttingDown, `request cancelled (${reason})`, 503));
      },
      finish: () => { clearTimeout(timer); this.active.delete(entry); },
    };
    const timer = setTimeout(() => entry.cancel('timeout'), this.options.requestTimeoutMs);
    this.active.add(entry);
    return entry;
  }

  /** Starts listening and loading the model; resolves to the address once listening. */
  async listen(): Promise<string> {
    const address = await this.app.listen({ host: this.options.host, port: this.options.port });
    this.loadModel().catch((error: unknown) => {
      this.app.log.error({ err: error }, 'model failed to load');
      this.modelLoad = undefined;
    });
    return address;
  }

  /** Resolves once the model is loaded (rejects when it cannot be). */
  async whenReady(): Promise<void> {
    await this.loadModel();
  }

  /** The port it listens on. */
  get port(): number {
    const address = this.app.server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  /**
   * Graceful shutdown: stops accepting, lets in-flight requests finish within `shutdownTimeoutMs`,
   * cancels what is left, then frees the model.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = this.app.close();
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, this.options.shutdownTimeoutMs).unref());
      await Promise.race([closed, deadline]);
      for (const entry of [...this.active]) entry.cancel('shutdown');
      this.app.server.closeAllConnections?.();
      await closed;
      await this.manager?.dispose();
    })();
    return this.closing;
  }
}

/** An OpenAI-compatible speech server over a Kokoro model; call `listen()` to start it. */
export function createServer(options: ServerOptions = {}): KokoroServer {
  return new KokoroServer(options);
}
