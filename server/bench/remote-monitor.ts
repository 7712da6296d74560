// Runs in: node (bench process). Follows a server's event stream from a child process
// (server/bench/monitor-child.ts), so that frame arrival times are taken where the bench's own
// load cannot delay them. Times are on monotonicMs(), the clock every process on the machine shares.
import { startChildServer } from './child.js';

/** What the monitor child sends: each frame's type, data and arrival on monotonicMs(). */
export interface MonitorBatch {
  frames: [type: string, data: string, receivedAt: number][];
}

export interface RemoteMonitor {
  /** Hands over every frame received so far, then stops the child. */
  close(): Promise<void>;
}

export async function openRemoteMonitor(
  url: string,
  path: string,
  headers: Record<string, string>,
  onEvent: (type: string, data: string, receivedAt: number) => void,
  // Often enough that the bench's end-of-run drain sees the last frames; rarely enough that the
  // batches are not a wake-up per frame for the bench process.
  options: { cpuProfDir?: string; batchEveryMs?: number } = {},
): Promise<RemoteMonitor> {
  let flushed: (() => void) | undefined;
  const child = await startChildServer<object>(new URL('./monitor-child.ts', import.meta.url), [url, path, JSON.stringify(headers), String(options.batchEveryMs ?? 50)], {
    name: 'monitor',
    cpuProfDir: options.cpuProfDir,
    onMessage(message) {
      const batch = message as Partial<MonitorBatch> & { flushed?: boolean };
      for (const [type, data, receivedAt] of batch.frames ?? []) onEvent(type, data, receivedAt);
      if (batch.flushed) flushed?.();
    },
  });
  return {
    async close() {
      await new Promise<void>((resolve) => {
        flushed = resolve;
        child.send('flush');
        // A child that died cannot answer; its frames are gone either way.
        setTimeout(resolve, 2_000).unref();
      });
      await child.stop();
    },
  };
}
