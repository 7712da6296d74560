// Runs in: node (tests, bench). The schema-aware hostile-input fuzzer: reads a server's own
// OpenAPI document, generates broken requests for every route and caller, and checks what the
// contract promises (CONTRACT.md "HTTP"): no 5xx, the error shape on every refusal, and no
// database change from a refused request.
import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { TEST_PIN } from './station.js';
import {
  brokenValue,
  CONTENT_TYPES,
  DEEP_MARKER,
  deepText,
  deepValue,
  HOSTILE_JSON_TEXTS,
  hostileString,
  hostileValue,
  OVERSIZED,
  validValue,
  type JsonSchema,
  type ValuePool,
} from './hostile-values.js';
import {
  centralChanges,
  centralSnapshot,
  changedTables,
  labelUrl,
  RENDERER_BUILT,
  storeChanges,
  storeSnapshot,
  type Caller,
  type HostileWorld,
} from './hostile-world.js';

export type ServerName = 'store' | 'central';

export interface Param {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

export interface Route {
  method: string;
  path: string;
  summary: string;
  params: Param[];
  query: Param[];
  headers: Param[];
  body?: JsonSchema;
  bodyRequired: boolean;
  /** text/event-stream: a request that passes auth and negotiation never ends. */
  sse: boolean;
  /** Who the route is for, from its tag (store) or security scheme (central). */
  audience: string;
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  summary?: string;
  tags?: string[];
  security?: Record<string, unknown>[];
  parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
}

export const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;

export async function openApi(app: FastifyInstance): Promise<OpenApiDoc> {
  const response = await app.inject({ method: 'GET', url: '/docs/json' });
  if (response.statusCode !== 200) throw new Error(`/docs/json: ${response.statusCode}`);
  return response.json() as OpenApiDoc;
}

/** Every documented route; the SSE ones say so in their summary (the document has no better flag). */
export function routesOf(doc: OpenApiDoc): Route[] {
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const params = op.parameters ?? [];
      const pick = (where: string) =>
        params.filter((p) => p.in === where).map((p) => ({ name: p.name, schema: p.schema, required: p.required ?? false }));
      routes.push({
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? '',
        params: pick('path'),
        query: pick('query'),
        headers: pick('header'),
        body: op.requestBody?.content['application/json']?.schema,
        bodyRequired: op.requestBody?.required ?? false,
        sse: /text\/event-stream/.test(op.summary ?? ''),
        audience: Object.keys(op.security?.[0] ?? {})[0] ?? op.tags?.[0] ?? 'ops',
      });
    }
  }
  return routes.sort((a, b) => routeKey(a).localeCompare(routeKey(b)));
}

export interface FuzzRequest {
  route: string;
  caller: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** How the request was built, for the failure report. */
  recipe: string;
}

/** A URL can only carry well-formed UTF-16: lone surrogates go in as U+FFFD (the body carries them raw). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const enc = (s: string): string => encodeURIComponent(s.replace(LONE_SURROGATE, '\uFFFD'));

type Part<T> = fc.Arbitrary<{ value: T; recipe: string }>;

const tag = <T>(recipe: string, arbitrary: fc.Arbitrary<T>): Part<T> => arbitrary.map((value) => ({ value, recipe }));

function objectOf(params: Param[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    required: params.filter((p) => p.required).map((p) => p.name),
  };
}

function pathValue(param: Param, doc: OpenApiDoc, pool: ValuePool): Part<string> {
  return fc.oneof(
    { weight: 3, arbitrary: tag('valid', validValue(param.schema, doc, pool, param.name).map(String)) },
    { weight: 3, arbitrary: tag('hostile', hostileString().map((s) => enc(s))) },
    {
      weight: 1,
      arbitrary: tag(
        'raw',
        fc.constantFrom('..', '.', '%2e%2e', '..%2f..%2f', '%00', '%', '%zz', '%C0%AE', 'a/b', '%2F', '~', '*', '$', 'ü', '%F0%9F%92%A9', '%EF%BF%BF'),
      ),
    },
    { weight: 1, arbitrary: tag('long', fc.constantFrom('A'.repeat(2_000), '9'.repeat(400))) },
  );
}

function queryPart(route: Route, doc: OpenApiDoc, pool: ValuePool): Part<string> {
  const encode = (value: unknown): string => {
    if (!value || typeof value !== 'object') return `q=${enc(String(value))}`;
    return Object.entries(value)
      .map(([k, v]) => `${enc(k)}=${enc(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`)
      .join('&');
  };
  const schema = objectOf(route.query);
  const names = route.query.map((q) => q.name).concat(['q', 'limit', 'after', '__proto__']);
  return fc.oneof(
    { weight: 3, arbitrary: tag('none', fc.constant('')) },
    { weight: route.query.length > 0 ? 3 : 0, arbitrary: tag('valid', validValue(schema, doc, pool).map(encode)) },
    { weight: route.query.length > 0 ? 4 : 1, arbitrary: tag('broken', brokenValue(schema, doc, pool).map(encode)) },
    {
      weight: 2,
      arbitrary: tag(
        'raw',
        fc.oneof(
          fc.constantFrom(
            '__proto__[polluted]=1',
            'constructor[prototype][polluted]=1',
            'a=1&a=2&a=3',
            'limit=1e999',
            'limit=Infinity',
            'after=-Infinity',
            'limit=-0',
            'limit=NaN',
            'limit=0x10',
            'after=-1',
            'after=9007199254740993',
            'state[]=placed',
            'state=placed&state=cancelled',
            '%',
            '%zz=%zz',
            '=&=&=',
            '&&&',
            'format=csv&format=json',
            'from=2026-02-30&to=2026-13-01',
          ),
          fc.tuple(fc.constantFrom(...names), hostileString()).map(([k, v]) => `${k}=${enc(v)}`),
        ),
      ),
    },
  );
}

interface BodyPart {
  payload?: string;
  contentType?: string;
}

function bodyPart(route: Route, doc: OpenApiDoc, pool: ValuePool): Part<BodyPart> {
  const json = (value: unknown): BodyPart => ({ payload: JSON.stringify(value) ?? 'null', contentType: 'application/json' });
  const hasBody = route.body !== undefined;
  return fc.oneof(
    { weight: hasBody ? 1 : 6, arbitrary: tag('none', fc.constant<BodyPart>({})) },
    { weight: hasBody ? 3 : 0, arbitrary: tag('valid', validValue(route.body ?? {}, doc, pool).map(json)) },
    { weight: hasBody ? 6 : 0, arbitrary: tag('broken', brokenValue(route.body ?? {}, doc, pool).map(json)) },
    { weight: 2, arbitrary: tag('random', hostileValue().map(json)) },
    {
      weight: 2,
      arbitrary: tag(
        'text',
        fc.tuple(fc.constantFrom(...HOSTILE_JSON_TEXTS), fc.constantFrom(...CONTENT_TYPES)).map(([payload, contentType]) => ({ payload, contentType })),
      ),
    },
    {
      weight: 1,
      arbitrary: tag(
        'oversized',
        fc.constantFrom<BodyPart>(
          { payload: JSON.stringify({ sku: OVERSIZED }), contentType: 'application/json' },
          { payload: OVERSIZED, contentType: 'text/plain' },
        ),
      ),
    },
    {
      weight: hasBody ? 1 : 0,
      arbitrary: tag(
        'deep-field',
        deepValue(route.body ?? {}, doc, pool).map((v) => ({
          payload: (JSON.stringify(v) ?? 'null').replace(JSON.stringify(DEEP_MARKER), deepText()),
          contentType: 'application/json',
        })),
      ),
    },
    {
      weight: hasBody ? 1 : 0,
      arbitrary: tag('wrong-type', validValue(route.body ?? {}, doc, pool).chain((v) => fc.constantFrom(...CONTENT_TYPES).map((contentType) => ({ payload: JSON.stringify(v), contentType })))),
    },
  );
}

const PRINTABLE = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');

function headerPart(route: Route, doc: OpenApiDoc, pool: ValuePool): Part<Record<string, string>> {
  const required = Object.fromEntries(route.headers.map((h) => [h.name, h]));
  const documented: fc.Arbitrary<Record<string, string>> = fc.record(
    Object.fromEntries(
      Object.entries(required).map(([name, h]) => [
        name,
        fc.oneof({ weight: 5, arbitrary: fc.uuid() }, { weight: 1, arbitrary: validValue(h.schema, doc, pool, name).map(String) }, { weight: 1, arbitrary: hostileString().map(PRINTABLE) }),
      ]),
    ),
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, string>>;
  const extra = fc.oneof(
    { weight: 5, arbitrary: fc.constant<Record<string, string>>({}) },
    { weight: 1, arbitrary: fc.constantFrom('text/html', 'application/json', '*/*', 'text/event-stream', 'image/png, */*;q=0').map((accept) => ({ accept })) },
    { weight: 1, arbitrary: hostileString().map((s) => ({ authorization: `Bearer ${PRINTABLE(s)}`, 'x-device-id': PRINTABLE(s) })) },
    { weight: 1, arbitrary: hostileString().map((s) => ({ cookie: `omni_staff=${PRINTABLE(s).replace(/;/g, '')}; omni_kiosk=${enc(s)}` })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('x-omni-store', 'x-omni-timestamp', 'x-omni-nonce', 'x-omni-signature', 'idempotency-key', 'content-length', 'transfer-encoding'), hostileString())
        .map(([name, value]) => ({ [name]: PRINTABLE(value) })),
    },
  );
  return fc.tuple(documented, extra).map(([a, b]) => ({ value: { ...a, ...b }, recipe: Object.keys(b).join('+') || 'plain' }));
}

/** Callers that never get past authentication of any route: SSE routes may stream to them safely. */
const NEVER_AUTHENTICATED = new Set(['anonymous', 'stolenToken', 'forgedCookies', 'wrongAdmin', 'forgedStore']);
/** Accept headers that refuse text/event-stream: an authenticated SSE request then ends in a 406. */
const REFUSES_SSE = ['application/json', 'text/html', 'text/event-stream;q=0', 'image/png'];

/** Callers a route is meant for: most requests come as them, so they reach validation and past it. */
const AUDIENCE: Record<string, readonly string[]> = {
  shopper: ['shopperA', 'shopperB'],
  staff: ['staff'],
  kiosk: ['kiosk'],
  admin: ['admin'],
  storeSignature: ['storeX', 'storeY'],
};

export function requestArbitrary(route: Route, doc: OpenApiDoc, callers: readonly Caller[], pool: ValuePool): fc.Arbitrary<Omit<FuzzRequest, 'headers'> & { extra: Record<string, string>; callerIndex: number }> {
  const params = route.params.map((p) => pathValue(p, doc, pool));
  const meant = callers.map((c, i) => (AUDIENCE[route.audience]?.includes(c.name) ? i : -1)).filter((i) => i >= 0);
  return fc
    .record({
      callerIndex: fc.oneof(
        { weight: meant.length > 0 ? 3 : 0, arbitrary: meant.length > 0 ? fc.constantFrom(...meant) : fc.constant(0) },
        { weight: 2, arbitrary: fc.nat({ max: callers.length - 1 }) },
      ),
      params: fc.tuple(...params),
      query: queryPart(route, doc, pool),
      body: bodyPart(route, doc, pool),
      headers: headerPart(route, doc, pool),
      sseAccept: fc.constantFrom(...REFUSES_SSE),
      methodCase: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 1),
    })
    .map((r) => {
      let path = route.path;
      route.params.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, r.params[i]!.value);
      });
      const url = r.query.value ? `${path}?${r.query.value}` : path;
      const caller = callers[r.callerIndex]!;
      const extra: Record<string, string> = { ...r.headers.value };
      if (r.body.value.contentType) extra['content-type'] = r.body.value.contentType;
      if (route.sse && !NEVER_AUTHENTICATED.has(caller.name)) extra.accept = r.sseAccept;
      return {
        route: routeKey(route),
        caller: caller.name,
        callerIndex: r.callerIndex,
        // A lower-case method is what some clients send; Fastify must still answer in shape.
        method: r.methodCase ? route.method.toLowerCase() : route.method,
        url,
        extra,
        payload: r.body.value.payload,
        recipe: `params=${r.params.map((p) => p.recipe).join(',') || '-'} query=${r.query.recipe} body=${r.body.recipe} headers=${r.headers.recipe}`,
      };
    });
}

export interface Violation {
  kind: '5xx' | 'shape' | 'db-change' | 'hung' | 'threw';
  detail: string;
  request: FuzzRequest;
  status?: number;
  body?: string;
}

export interface FuzzReport {
  server: ServerName;
  requests: number;
  routes: number;
  byStatus: Record<string, number>;
  /** Requests light-my-request itself refused to build (not a server answer). */
  unsendable: number;
  violations: Violation[];
  /** Violations of an issue reported but not fixable here (see KNOWN_OPEN), counted apart. */
  knownOpen: Record<string, number>;
  ms: number;
}

/**
 * Violations whose fix belongs to a file other people are editing right now: reported to them,
 * tolerated here so the rest stays guarded. Each entry disappears by itself once fixed (nothing
 * matches any more); remove it then.
 */
export const KNOWN_OPEN: { server: ServerName; name: string; matches(v: Violation): boolean }[] = [
  {
    server: 'store',
    name: 'dist/renderer is not built (npm run build): page routes answer 503 apps_not_built',
    matches: (v) => !RENDERER_BUILT && v.kind === '5xx' && v.status === 503 && (v.body ?? '').includes('apps_not_built'),
  },
];

/** What a refusal may legitimately write, and why. Anything else changing is a violation. */
export const REFUSAL_MAY_WRITE: Record<ServerName, Record<string, string>> = {
  store: {},
  central: {
    request_nonces: 'a correctly signed request spends its nonce even when refused later: that is the replay defence',
    idempotency_keys: 'a final refusal is kept under its Idempotency-Key so a retry gets the same answer (Stripe semantics)',
  },
};

function isErrorShape(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    return typeof parsed?.error?.code === 'string' && typeof parsed.error.message === 'string' && parsed.error.code.length > 0;
  } catch {
    return false;
  }
}

function seedFor(seed: number, key: string): number {
  return (seed ^ createHash('sha256').update(key).digest().readInt32LE(0)) | 0;
}

export function storePool(world: HostileWorld): ValuePool {
  const station = world.t.station;
  return {
    sku: () => ['MILK-1', 'SNK-2', 'RAMEN-3', 'USD-4', 'NOPE-404'],
    id: () => [world.orders.paidA, world.orders.declinedA, world.kiosk.id, randomUUID()],
    orderId: () => [world.orders.paidA, randomUUID()],
    code: () => [
      labelUrl('https://station.test', station.labelKey, station.config.storeId, 'MILK-1'),
      labelUrl('https://station.test', station.labelKey, 'OTHER-01', 'MILK-1'),
      labelUrl('https://station.test', station.labelKey, station.config.storeId, 'NOPE-404'),
    ],
    deviceId: () => [world.shopperA.deviceId, world.shopperB.deviceId, 'dev-new-device-01'],
    kioskId: () => [world.kiosk.id],
    nonce: () => [world.pairingNonce()],
    token: () => [world.kiosk.token, 'tok_test_visa_4242', 'tok_decline_insufficient_funds'],
    pin: () => [TEST_PIN, '000000'],
    storeId: () => [station.config.storeId, 'OTHER-01'],
    s: () => ['AAAAAAAAAAAAAAAA'],
  };
}

export function centralPool(world: HostileWorld): ValuePool {
  return {
    id: () => [world.payments.x, world.payments.y, randomUUID()],
    // X's key is never rotated by the fuzzer: the station's own client holds it.
    storeId: () => [world.storeY.storeId, 'FUZZ-ROT1', 'NOPE-0000'],
    token: () => ['tok_visa', 'tok_mastercard', 'tok_decline_insufficient_funds'],
    currency: () => ['KRW', 'USD'],
    from: () => ['2026-11-01', '2000-01-01'],
    to: () => ['2026-12-31', '1999-01-01'],
  };
}

/** Callers whose credentials a successful request may have spent: refreshed before going on. */
const DESTRUCTIVE = /^(DELETE \/api\/staff\/session|POST \/api\/staff\/kiosks\/\{id\}\/link|DELETE \/api\/staff\/kiosks\/\{id\}|POST \/admin\/stores\/\{storeId\}\/key)$/;

export interface FuzzOptions {
  seed: number;
  perRoute: number;
  /** Per-request ceiling: anything slower is reported as hung (an SSE stream that slipped through). */
  timeoutMs?: number;
  /** Only these routes ("METHOD path"); all when unset. */
  only?: (key: string) => boolean;
  /** Stops between requests (the bench's Ctrl-C); the report then covers what ran. */
  signal?: AbortSignal;
}

export async function fuzzServer(world: HostileWorld, server: ServerName, options: FuzzOptions): Promise<FuzzReport> {
  const app: FastifyInstance = server === 'store' ? world.t.app : world.central.app;
  const doc = await openApi(app);
  const routes = routesOf(doc).filter((r) => !options.only || options.only(routeKey(r)));
  const pool = server === 'store' ? storePool(world) : centralPool(world);
  const allowed = new Set(Object.keys(REFUSAL_MAY_WRITE[server]));
  const report: FuzzReport = { server, requests: 0, routes: routes.length, byStatus: {}, unsendable: 0, violations: [], knownOpen: {}, ms: 0 };
  const started = performance.now();

  // Both databases are watched in both phases: a station refusal must not have charged at central.
  // Each is hashed again only after something wrote to it (total_changes moved).
  const centralMayWrite = new Set(Object.keys(REFUSAL_MAY_WRITE.central));
  let storeSnap = storeSnapshot(world);
  let centralSnap = await centralSnapshot(world, centralMayWrite);
  const fresh = async (): Promise<void> => {
    if (storeChanges(world) !== storeSnap.changes) storeSnap = storeSnapshot(world);
    if ((await centralChanges(world)) !== centralSnap.changes) centralSnap = await centralSnapshot(world, centralMayWrite);
  };

  for (const route of routes) {
    const callers = server === 'store' ? world.storeCallers() : world.centralCallers();
    const samples = fc.sample(requestArbitrary(route, doc, callers, pool), { seed: seedFor(options.seed, routeKey(route)), numRuns: options.perRoute });
    for (const [i, sample] of samples.entries()) {
      if (options.signal?.aborted) break;
      // Callers are rebuilt every few requests: a fuzzed sign-out or revocation must not blind the rest.
      if (i % 20 === 0) await world.heal();
      const caller = (server === 'store' ? world.storeCallers() : world.centralCallers())[sample.callerIndex]!;
      const headers = { ...caller.headers(sample.method.toUpperCase(), sample.url, sample.payload), ...sample.extra };
      const request: FuzzRequest = { route: sample.route, caller: sample.caller, method: sample.method, url: sample.url, headers, payload: sample.payload, recipe: sample.recipe };
      await fresh();
      let response: { statusCode: number; body: string; headers: Record<string, unknown> };
      let timer: NodeJS.Timeout | undefined;
      try {
        const injected = app.inject({
          method: request.method as 'GET',
          url: request.url,
          headers,
          ...(request.payload === undefined ? {} : { payload: request.payload }),
        });
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), options.timeoutMs ?? 10_000);
        });
        const result = await Promise.race([injected, timeout]);
        if (result === 'timeout') {
          report.violations.push({ kind: 'hung', detail: `no answer in ${options.timeoutMs ?? 10_000} ms`, request });
          report.requests++;
          continue;
        }
        response = result;
      } catch (error) {
        // light-my-request refuses some header values before anything reaches the server.
        if (error instanceof Error && /header|Invalid character|ERR_INVALID/i.test(`${error.message} ${(error as { code?: string }).code ?? ''}`)) {
          report.unsendable++;
          continue;
        }
        report.violations.push({ kind: 'threw', detail: String(error), request });
        continue;
      } finally {
        clearTimeout(timer);
      }
      report.requests++;
      const status = response.statusCode;
      report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
      const keep = { request, status, body: response.body.slice(0, 300) };
      if (status >= 500) report.violations.push({ kind: '5xx', detail: `status ${status}`, ...keep });
      if (status >= 400) {
        // Page routes answer a browser (Accept: text/html) with the app shell and the true status.
        const page = /text\/html/.test(headers.accept ?? '') && /^text\/html/.test(String(response.headers['content-type'] ?? ''));
        if (!page && !isErrorShape(response.body)) report.violations.push({ kind: 'shape', detail: 'refusal not in the {"error":{"code","message"}} shape', ...keep });
        const changed: string[] = [];
        if (storeChanges(world) !== storeSnap.changes) {
          const after = storeSnapshot(world);
          changed.push(...changedTables(storeSnap, after, server === 'store' ? allowed : new Set()).map((t) => `store.${t}`));
          storeSnap = after;
        }
        if ((await centralChanges(world)) !== centralSnap.changes) {
          const after = await centralSnapshot(world, centralMayWrite);
          changed.push(...changedTables(centralSnap, after).map((t) => `central.${t}`));
          centralSnap = after;
        }
        if (changed.length > 0) report.violations.push({ kind: 'db-change', detail: `refused request changed ${changed.join(', ')}`, ...keep });
      } else if (status < 300 && DESTRUCTIVE.test(sample.route)) {
        if (sample.route.startsWith('POST /admin/stores')) {
          const rotated = JSON.parse(response.body) as { storeId: string; storeKey: string };
          for (const keys of [world.storeX, world.storeY]) if (keys.storeId === rotated.storeId) keys.storeKey = rotated.storeKey;
        }
        await world.heal();
      }
    }
  }
  report.ms = performance.now() - started;
  report.violations = report.violations.filter((v) => {
    const known = KNOWN_OPEN.find((k) => k.server === server && k.matches(v));
    if (known) report.knownOpen[known.name] = (report.knownOpen[known.name] ?? 0) + 1;
    return !known;
  });
  return report;
}

export function formatViolations(report: FuzzReport, seed: number, max = 15): string {
  const lines = report.violations.slice(0, max).map((v) => {
    const r = v.request;
    const payload = r.payload === undefined ? '' : ` payload=${JSON.stringify(r.payload.slice(0, 160))}`;
    return `- [${v.kind}] ${r.route} as ${r.caller}: ${r.method} ${r.url.slice(0, 200)} (${r.recipe})${payload} → ${v.status ?? '-'} ${v.body ?? ''} :: ${v.detail}`;
  });
  return [`${report.violations.length} violation(s) on the ${report.server} server, seed ${seed} (replay: OMNI_FUZZ_SEED=${seed})`, ...lines].join('\n');
}
