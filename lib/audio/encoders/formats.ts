/** The response formats of OpenAI's speech API. */
export const RESPONSE_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export interface FormatInfo {
  contentType: string;
  /** File extension, without the dot. */
  extension: string;
  /** ffmpeg's encoder and muxer for the format; undefined: encoded by this package. */
  ffmpeg?: { encoder: string; muxer: string; args: string[] };
}

/**
 * How each format is made. Opus goes in Ogg and AAC in ADTS: both containers can be written
 * front to back into a pipe, unlike MP4, so every format streams.
 */
export const FORMATS: Record<ResponseFormat, FormatInfo> = {
  wav: { contentType: 'audio/wav', extension: 'wav' },
  pcm: { contentType: 'audio/pcm', extension: 'pcm' },
  mp3: { contentType: 'audio/mpeg', extension: 'mp3', ffmpeg: { encoder: 'libmp3lame', muxer: 'mp3', args: ['-b:a', '96k'] } },
  opus: { contentType: 'audio/ogg', extension: 'opus', ffmpeg: { encoder: 'libopus', muxer: 'ogg', args: ['-b:a', '48k', '-page_duration', '100000'] } },
  aac: { contentType: 'audio/aac', extension: 'aac', ffmpeg: { encoder: 'aac', muxer: 'adts', args: ['-b:a', '96k'] } },
  flac: { contentType: 'audio/flac', extension: 'flac', ffmpeg: { encoder: 'flac', muxer: 'flac', args: [] } },
};

export function isResponseFormat(value: unknown): value is ResponseFormat {
  return typeof value === 'string' && (RESPONSE_FORMATS as readonly string[]).includes(value);
}
