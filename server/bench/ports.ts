// Runs in: node (bench and test processes). A TCP port free on the loopback right now, for a
// child service that must be restarted on the same port (a kill -9 trial, a PostgreSQL cluster).
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    server.on('error', reject);
  });
}
