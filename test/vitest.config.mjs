import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native code runs in forked workers: a crash fails one file, not the runner.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    // The suite compares against float32 references: bf16 ('auto' on CPUs with native bf16) is
    // tested where a test asks for it (test/model/precision.test.ts).
    env: { KOKORO_PRECISION: process.env.KOKORO_PRECISION ?? 'fp32' },
  },
});
