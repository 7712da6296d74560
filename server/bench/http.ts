// Runs in: node (bench process). The load generator's HTTP side, on node:http with a keep-alive
// agent. Not fetch: on the 2-core box this was built on, Node 20's fetch spent ~1 ms of client CPU
// per request and topped out near 740 requests/s against the floor, so it measured itself, not
// the server. node:http costs ~130 µs a request; undici's Pool (~140 µs) would be a new dependency.
import http, { type IncomingHttpHeaders } from 'node:http';

export interface HttpResult {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
}

export class HttpClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    readonly baseUrl: string,
    maxSockets = 512,
  ) {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:') throw new Error(`the bench speaks plain HTTP on loopback, not ${url.protocol}`);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    // One socket per concurrent shopper, kept open: connection set-up is not what is measured.
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(path: string, init: { method?: string; headers?: Record<string, string>; json?: unknown } = {}): Promise<HttpResult> {
    const payload = init.json === undefined ? undefined : JSON.stringify(init.json);
    const headers: Record<string, string | number> = { ...init.headers };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: this.host, port: this.port, path, method: init.method ?? 'GET', headers, agent: this.agent },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Opens a text/event-stream and hands each event's type and data to `onEvent`. */
  openEvents(path: string, headers: Record<string, string>, onEvent: (type: string, data: string) => void): Promise<MonitorConnection> {
    return new Promise((resolve, reject) => {
      // Its own agent-less socket: a stream that never ends must not hold a pooled one.
      const req = http.get(
        { host: this.host, port: this.port, path, headers: { accept: 'text/event-stream', ...headers }, agent: false },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            req.destroy();
            reject(new Error(`monitor ${path}: HTTP ${res.statusCode}`));
            return;
          }
          resolve(new MonitorConnection(req, res, onEvent));
        },
      );
      req.on('error', reject);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export class MonitorConnection {
  events = 0;
  private buffer = '';
  private closed = false;

  constructor(
    private readonly req: http.ClientRequest,
    res: http.IncomingMessage,
    private readonly onEvent: (type: string, data: string) => void,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.feed(chunk));
    res.on('error', () => undefined);
    req.on('error', () => undefined);
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let start = 0;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n', start)) >= 0) {
      this.dispatch(this.buffer.slice(start, end));
      start = end + 2;
    }
    this.buffer = this.buffer.slice(start);
  }

  private dispatch(block: string): void {
    let type = 'message';
    let data: string | undefined;
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) {
        const value = line.slice(line[5] === ' ' ? 6 : 5);
        data = data === undefined ? value : `${data}\n${value}`;
      }
    }
    if (data === undefined || this.closed) return; // comments and heartbeats
    this.events++;
    this.onEvent(type, data);
  }

  close(): void {
    this.closed = true;
    this.req.destroy();
  }
}
