import type { VoicePack } from './voices.js';

/** Default budget of a model's voice cache: about 120 official packs (522 KB each). */
export const DEFAULT_VOICE_CACHE_BYTES = 64 * 1024 * 1024;

interface Entry { pending: Promise<VoicePack>; bytes: number }

/**
 * Voice packs (files and mixes) by key, bounded by bytes: once the loaded packs pass the budget
 * the least recently used go. One per model, shared by its {@link KModel} and the
 * {@link KokoroModel} around it. Loads in flight are shared and never evicted; failed ones are
 * forgotten.
 */
export class VoiceCache {
  private readonly entries = new Map<string, Entry>();   // iteration order = least recent first
  private total = 0;

  constructor(readonly maxBytes: number = DEFAULT_VOICE_CACHE_BYTES) {}

  /** Bytes of the packs held now. */
  get bytes(): number {
    return this.total;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string, load: () => Promise<VoicePack>): Promise<VoicePack> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.pending;
    }
    const entry: Entry = { pending: load(), bytes: 0 };
    this.entries.set(key, entry);
    entry.pending.then((pack) => {
      if (this.entries.get(key) !== entry) return;
      entry.bytes = pack.data.byteLength;
      this.total += entry.bytes;
      this.evict();
    }, () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.pending;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.total <= this.maxBytes) return;
      if (entry.bytes === 0) continue;   // still loading
      this.entries.delete(key);
      this.total -= entry.bytes;
    }
  }
}
