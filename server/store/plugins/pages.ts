// Runs in: node. Serves the built Vue apps (dist/renderer) with their history-mode fallbacks.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { body } from '../errors.js';

export type AppName = 'shopper' | 'monitor' | 'kiosk';

export interface RendererPages {
  send(reply: FastifyReply, app: AppName, status?: number): FastifyReply;
}

export async function registerPages(app: FastifyInstance, rendererDir: string | undefined): Promise<RendererPages> {
  const built = rendererDir !== undefined && existsSync(join(rendererDir, 'shopper', 'index.html'));
  // Read on every request (a small file): a rebuild while the server runs must not leave it
  // serving a shell that points at deleted assets.
  const html = (name: AppName): string => readFileSync(join(rendererDir!, name, 'index.html'), 'utf8');
  const pages: RendererPages = {
    send(reply, name, status = 200) {
      if (!built) {
        return reply
          .code(503)
          .send(body('apps_not_built', 'The station apps are not built: run npm run build.'));
      }
      return reply.code(status).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html(name));
    },
  };

  if (built) {
    await app.register(fastifyStatic, {
      root: rendererDir,
      prefix: '/',
      wildcard: false,
      index: false,
      // The build writes .br/.gz beside each asset (build/scripts/precompress.mjs): phones get
      // the compressed bytes, and nothing is compressed per request.
      preCompressed: true,
      // Hashed asset names never change content; the HTML shells are served with no-cache.
      setHeaders: (reply, path) => {
        if (path.includes('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/shop/'));
  for (const [prefix, name] of [
    ['/shop', 'shopper'],
    ['/monitor', 'monitor'],
    ['/kiosk', 'kiosk'],
  ] as const) {
    app.get(prefix, { schema: { hide: true } }, (_request, reply) => reply.redirect(`${prefix}/`));
    app.get(`${prefix}/*`, { schema: { hide: true } }, (_request, reply) => pages.send(reply, name));
  }
  return pages;
}
