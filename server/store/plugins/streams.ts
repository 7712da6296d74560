// Runs in: node. The plumbing every event stream of the station shares (monitor, kiosk, phone).
// Open streams never end by themselves: they are closed when the server shuts down, or a
// connected monitor, kiosk or phone would hold the process open.
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface StreamRegistry {
  /**
   * Keeps `reply`'s stream open after the handler returns, closes it on shutdown, and runs
   * `cleanups` (unsubscribes) once it closes, whoever closed it.
   */
  hold(reply: FastifyReply, ...cleanups: (() => void)[]): void;
}

export function streamsClosedOnShutdown(app: FastifyInstance): StreamRegistry {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of open) close();
  });
  return {
    hold(reply, ...cleanups) {
      const close = () => reply.sse.close();
      open.add(close);
      reply.sse.onClose(() => {
        for (const cleanup of cleanups) cleanup();
        open.delete(close);
      });
      reply.sse.keepAlive();
    },
  };
}

/**
 * A sender that writes one frame at a time, in the order asked: listeners fire synchronously,
 * a write is async, and a frame must never overtake the one before it. A closed stream drops
 * the rest silently (its cleanups unsubscribe it).
 */
export function inOrder<T>(send: (item: T) => Promise<void>): (item: T) => void {
  let chain = Promise.resolve();
  return (item) => {
    chain = chain.then(() => send(item)).catch(() => undefined);
  };
}

/**
 * Holds `reply`'s writes until the event loop has handled everything that is ready now, then
 * sends them in one socket write. A busy station emits an event per scan, order and presence proof:
 * written one by one, each costs a send system call (the scan path's largest single cost);
 * batched per loop turn, a monitor receives them at the same moment for a fraction of it.
 * Call the returned function before each write.
 */
export function batchedPerLoopTurn(reply: FastifyReply): () => void {
  let corked = false;
  const flush = (): void => {
    corked = false;
    reply.raw.uncork();
  };
  return () => {
    if (corked) return;
    corked = true;
    reply.raw.cork();
    setImmediate(flush);
  };
}
