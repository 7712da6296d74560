// Runs in: node. Open event streams never end by themselves: close them when the server shuts
// down, or a connected monitor, kiosk or phone would hold the process open.
import type { FastifyInstance } from 'fastify';

export function streamsClosedOnShutdown(app: FastifyInstance): { track(close: () => void): () => void } {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of open) close();
  });
  return {
    track(close) {
      open.add(close);
      return () => open.delete(close);
    },
  };
}
