import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: browser tests and server tests must not starve each other.
    maxWorkers: 2,
    // expect.poll's 1 s default is shorter than a browser page's first WebSocket handshake
    // takes here while the other worker runs a browser too (CI failed on it); a condition that
    // holds sooner still passes as soon as it holds.
    expect: { poll: { timeout: 10_000 } },
  },
});
