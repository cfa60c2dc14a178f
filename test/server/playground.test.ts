import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KokoroServer, ModelManager } from '../../lib/index.js';
import { hasFfmpeg } from '../helpers/audio.js';
import { hasShared } from '../helpers/fixtures.js';
import { startServer, tinyModel } from '../helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn('[playground test] skipped: needs Debian chromium at /usr/bin/chromium (apt-get install chromium)');

describe.skipIf(!hasShared || !hasChromium)('playground in headless Chromium', () => {
  let manager: ModelManager;
  let server: KokoroServer;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  const profile = mkdtempSync(join(tmpdir(), 'kokoro-chromium-'));

  beforeAll(async () => {
    let shared;
    ({ manager, ...shared } = await tinyModel());
    ({ server, url } = await startServer(shared));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await server?.close();
    await manager?.dispose();
    rmSync(profile, { recursive: true, force: true });
  });

  async function speak(format: string): Promise<void> {
    await page.selectOption('#format', format);
    await page.click('#speak');
    await page.waitForFunction(() => /^(done|error)/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 60_000 });
    expect(await page.textContent('#status')).toMatch(/^done: \d+ bytes/);
  }

  it('loads, lists the voices and languages', async () => {
    await page.goto(url);
    expect(await page.title()).toBe('kokoro-native playground');
    await page.waitForFunction(() => document.querySelectorAll('#voices option').length > 10);
    expect(await page.$$eval('#lang option', (options) => options.map((o) => (o as HTMLOptionElement).value))).toContain('j');
  });

  it('synthesizes WAV into the audio element and shows the phonemes', async () => {
    await page.fill('#text', 'Hello from the browser. It works.');
    await speak('wav');
    await page.waitForFunction(() => {
      const audio = document.getElementById('audio') as HTMLAudioElement;
      return audio.readyState >= 1 && audio.duration > 1;
    }, undefined, { timeout: 20_000 });
    expect(await page.textContent('#phonemes')).toContain('həlˈO');
  });

  it.skipIf(!hasFfmpeg)('streams MP3 through Media Source into the audio element', async () => {
    await page.fill('#text', 'Streaming into the page. Sentence after sentence. Until the end.');
    await speak('mp3');
    const buffered = await page.evaluate(() => {
      const audio = document.getElementById('audio') as HTMLAudioElement;
      return { src: audio.src, end: audio.buffered.length ? audio.buffered.end(audio.buffered.length - 1) : 0 };
    });
    expect(buffered.src).toMatch(/^blob:/);
    expect(buffered.end).toBeGreaterThan(1);
  });

  it('shows word timings', async () => {
    await page.fill('#text', 'Hello world. Good day.');
    await page.click('#timings-button');
    await page.waitForFunction(() => document.querySelectorAll('#timings tbody tr').length > 0, undefined, { timeout: 30_000 });
    expect(await page.$$eval('#timings tbody tr td:first-child', (cells) => cells.map((c) => c.textContent))).toEqual(['Hello', 'world.', 'Good', 'day.']);
  });
});
