// Runs in: node (bench child process). The soak's station (server/bench/soak-station.ts) in a
// process of its own, so its memory is its own; a small control port lets the bench drive the
// simulated radio and readers and read the process's memory after a full GC.
import http from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { serveChild } from './child.js';
import { inMemoryCounts, SOAK_PIN, startSoakStation } from './soak-station.js';

// A heap sample taken between collections says more about garbage timing than about growth.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

serveChild(async () => {
  const [dataDir, centralUrl, storeKey, products, kiosks] = process.argv.slice(2);
  const soak = await startSoakStation({ dataDir: dataDir!, centralUrl: centralUrl!, storeKey: storeKey!, products: Number(products), kiosks: Number(kiosks) });
  const control = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      void (async () => {
        const input = body ? (JSON.parse(body) as Record<string, string>) : {};
        if (req.url === '/beacon') await soak.devices.beacon(input.address!, input.secret!, input.uuid!);
        else if (req.url === '/beacon/stop') await soak.devices.stopBeacon(input.address!);
        else if (req.url === '/tap') await soak.devices.tap(input.readerId!, input.tag!);
        else if (req.url === '/memory' || req.url === '/memory?gc=0') {
          // Without a GC the heap figure is mostly garbage timing; only RSS and counts then.
          if (req.url === '/memory') {
            gc();
            const { rss, heapUsed } = process.memoryUsage();
            return { rss, heapUsed, counts: await inMemoryCounts(soak.server.app, soak.radio) };
          }
          return { rss: process.memoryUsage.rss(), counts: await inMemoryCounts(soak.server.app, soak.radio) };
        } else throw new Error(`no control route ${req.url}`);
        return {};
      })().then(
        (answer) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    });
  });
  // The bench keeps its sockets open between commands: an idle timeout shorter than the
  // client's would reset a socket just as the client reuses it (ECONNRESET on a stop-beacon).
  control.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const address = control.address();
  const controlUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    message: { url: soak.server.url, controlUrl, pin: SOAK_PIN, labels: soak.labels, skus: soak.skus, tags: soak.tags },
    async close() {
      control.closeAllConnections();
      control.close();
      await soak.close();
    },
  };
});
