// Runs in: node (bench process). The scan hot path's HTTP/1.1 client: plain keep-alive sockets,
// each request written as one string and each answer read by its content-length. On this 2-core
// box node:http cost the generator ~250 µs of CPU a scan (half a core at 2,000 scans/s, more than
// the floor server itself), and every millisecond the generator takes from the cores lands in the
// latency it measures, for both servers. wrk and autocannon are built the same way.
import net from 'node:net';
import type { HttpResult } from './http.js';

interface Waiter {
  resolve(result: HttpResult): void;
  reject(error: Error): void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

class KeepAliveSocket {
  private buffered: Buffer | undefined;
  private waiter: Waiter | undefined;
  closed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly onFree: (connection: KeepAliveSocket) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    const fail = (error: Error) => {
      this.closed = true;
      this.waiter?.reject(error);
      this.waiter = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
  }

  send(request: string, waiter: Waiter): void {
    this.waiter = waiter;
    this.socket.write(request);
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    const buffer = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    const headerEnd = buffer.indexOf(HEADER_END);
    if (headerEnd < 0) {
      this.buffered = buffer;
      return;
    }
    const head = buffer.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      // Every answer the bench reads carries a length; anything else is a bench bug to see at once.
      this.waiter?.reject(new Error(`answer without content-length: ${head.split('\r\n')[0]}`));
      this.waiter = undefined;
      this.destroy();
      return;
    }
    const bodyStart = headerEnd + HEADER_END.length;
    const end = bodyStart + Number(length[1]);
    if (buffer.length < end) {
      this.buffered = buffer;
      return;
    }
    this.buffered = undefined;
    const waiter = this.waiter;
    this.waiter = undefined;
    const result: HttpResult = { status: Number(head.slice(9, 12)), body: buffer.toString('utf8', bodyStart, end), headers: {} };
    if (/\r\nconnection: *close/i.test(head)) this.destroy();
    else this.onFree(this);
    waiter?.resolve(result);
  }
}

export class LeanHttpClient {
  private readonly idle: KeepAliveSocket[] = [];
  private readonly all = new Set<KeepAliveSocket>();
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string) {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:') throw new Error(`the bench speaks plain HTTP on loopback, not ${url.protocol}`);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
  }

  /** POSTs `json` to `path`; one request per connection at a time, connections reused. */
  post(path: string, headers: Record<string, string>, json: unknown): Promise<HttpResult> {
    const body = JSON.stringify(json);
    let request = `POST ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
    for (const name in headers) request += `${name}: ${headers[name]}\r\n`;
    request += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => this.take().send(request, { resolve, reject }));
  }

  close(): void {
    for (const connection of this.all) connection.destroy();
    this.all.clear();
    this.idle.length = 0;
  }

  private take(): KeepAliveSocket {
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (!connection.closed) return connection;
      this.all.delete(connection);
    }
    // Writes made before the connection is up are queued by the socket itself.
    const connection = new KeepAliveSocket(net.connect(this.port, this.host), (free) => this.idle.push(free));
    this.all.add(connection);
    return connection;
  }
}
