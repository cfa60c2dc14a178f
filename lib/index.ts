/**
 * kokoro-native: Kokoro-82M text-to-speech for Node.js on libtorch.
 * @packageDocumentation
 */
export { KModel, MAX_TOKENS, SAMPLE_RATE, SAMPLES_PER_FRAME } from './KModel.js';
export type { Device, InferOptions, InferResult, KModelLoadOptions, Precision, VoiceInput } from './KModel.js';
export { readConfig, type KokoroConfig } from './config.js';
export { ErrorCode, KokoroError } from './errors.js';
export { readVoicePackFile, type VoicePack } from './voices.js';
export { runtimeInfo, type RuntimeInfo } from './runtime.js';
export { ModelManager, type ModelManagerOptions } from './ModelManager.js';
export type { BatchOptions, EngineOptions, EngineStats, FirstAudioOptions } from './engineOptions.js';
export { KokoroModel, type KokoroModelOptions, type ForwardOptions, type GenerateOptions, type GenerateResult, type GenerationStream, type Voice } from './KokoroModel.js';
export { LANGUAGES, resolveLanguage, type LanguageCode, type LanguageInfo } from './languages.js';
export type { Pipeline, PhonemizeOptions } from './pipeline.js';
export type { Lexicon } from './lexicon.js';
export { normalizeText, type NormalizationOptions, type NormalizedText } from './normalize.js';
export type { TimedSpan } from './timestamps.js';
export { defaultModelsDir, MODEL_VERSIONS, type ModelVersion } from './paths.js';
export { parseVoiceSpec } from './voiceLibrary.js';
export { AudioStreamWriter, WavFileWriter, encodeSamples, wavHeader, type AudioFormat, type SampleFormat } from './audio/wav.js';
export { downloadModel, HUB_REPO, type DownloadOptions, type DownloadProgress } from './download.js';
export { createServer, KokoroServer } from './server/server.js';
export type { ServerOptions } from './server/options.js';
export { OPENAI_VOICES } from './server/voices.js';
export { ServiceError, ServiceErrorCode } from './server/errors.js';
export { createEncoder, RESPONSE_FORMATS, type AudioEncoder, type ResponseFormat } from './audio/encoders/index.js';
export { createWorker, SpeechWorker, type SpeechWorkerOptions } from './worker/worker.js';
export { SpeechProducer, type ProducerOptions } from './worker/producer.js';
export type { SpeechJobData, SpeechJobResult } from './worker/jobs.js';
