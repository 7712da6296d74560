// Runs in: node (bench child process). A staff monitor in a process of its own: it follows one
// event stream and stamps each frame on the machine's monotonic clock as it arrives, then hands
// the frames to the bench in batches. In a store the monitor is its own PC; in the bench process
// its frames would wait behind the 500 simulated phones' work, and that wait was in every
// scan → monitor time the soak reported.
import { serveChild } from './child.js';
import { HttpClient } from './http.js';
import { monotonicMs } from './load.js';
import type { MonitorBatch } from './remote-monitor.js';

serveChild(async () => {
  const [, url, path, headersJson, batchEveryMs] = process.argv.slice(2);
  const client = new HttpClient(url!, 1);
  let pending: MonitorBatch['frames'] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const batch: MonitorBatch = { frames: pending };
    pending = [];
    process.send?.(batch);
  };
  const stream = await client.openEvents(path!, JSON.parse(headersJson!) as Record<string, string>, (type, data) => {
    pending.push([type, data, monotonicMs()]);
  });
  const timer = setInterval(flush, Number(batchEveryMs));
  process.on('message', (message) => {
    if (message !== 'flush') return;
    flush();
    process.send?.({ flushed: true });
  });
  return {
    message: { url: url! },
    async close() {
      clearInterval(timer);
      stream.close();
      client.close();
    },
  };
});
