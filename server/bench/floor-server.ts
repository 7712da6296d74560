// Runs in: node (bench child process). The floor the store server is measured against: bare
// Fastify 5 + better-sqlite3 with the store database's settings, one route that inserts a row
// and writes the SSE frame to every monitor, nothing else. Whatever the store server costs above
// this is the price of its own code (auth, validation, cart rules, plugins).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { serveChild } from './child.js';

serveChild(async () => {
  const dataDir = process.argv[2]!;
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE scans (
    id INTEGER PRIMARY KEY, session TEXT NOT NULL, code TEXT NOT NULL, count INTEGER NOT NULL, at INTEGER NOT NULL
  ) STRICT`);
  const insert = db.prepare('INSERT INTO scans (session, code, count, at) VALUES (?, ?, ?, ?)');

  const monitors = new Set<ServerResponse>();
  // Per-session scan count kept in memory: the floor has no cart to read it back from.
  const counts = new Map<string, number>();
  const app = Fastify({ logger: false });

  // Nothing at all: the machine's own round trip between two processes, for the soak to print.
  app.get('/ping', () => 'ok');

  app.get('/events', (request, reply) => {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    raw.write(': ok\n\n');
    monitors.add(raw);
    request.raw.on('close', () => monitors.delete(raw));
  });

  app.post<{ Body: { code: string } }>(
    '/scan',
    {
      // A schema like every real route has: JSON parsing and validation are part of the floor.
      schema: {
        body: {
          type: 'object',
          required: ['code'],
          additionalProperties: false,
          properties: { code: { type: 'string', minLength: 1, maxLength: 2048 } },
        },
      },
    },
    async (request) => {
      const session = (request.headers.authorization ?? '').slice('Bearer '.length);
      const count = (counts.get(session) ?? 0) + 1;
      counts.set(session, count);
      const at = Date.now();
      insert.run(session, request.body.code, count, at);
      const frame = `event: cart.activity\ndata: ${JSON.stringify({ session: session.slice(0, 8), code: request.body.code, count, at: new Date(at).toISOString() })}\n\n`;
      for (const monitor of monitors) monitor.write(frame);
      return { ok: true, count };
    },
  );

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    message: { url: `http://127.0.0.1:${port}` },
    async close() {
      for (const monitor of monitors) monitor.end();
      await app.close();
      db.close();
    },
  };
});
