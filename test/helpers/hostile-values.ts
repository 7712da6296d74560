// Runs in: node (tests, bench). What an attacker types into a form or a URL, as fast-check
// arbitraries, and JSON-schema-driven generators of well-shaped values to break one field of.
import fc from 'fast-check';

/** A JSON schema as @fastify/swagger prints it (OpenAPI 3.0 flavour). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  $ref?: string;
  nullable?: boolean;
}

const LONG = 'A'.repeat(5_000);
/** Past the servers' 64 KiB body limit once quoted into JSON: must be a 413, not a crash. */
export const OVERSIZED = 'Z'.repeat(70 * 1024);

export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uDBFFy',
  '\u202Egnp.exe',
  '\u200F\u200E\u061C',
  'e' + '\u0301'.repeat(500),
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '\uFEFF',
  '\u2028\u2029',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'Ω≈ç√∫˜µ≤≥÷',
  '바나나우유',
  LONG,
  "' OR 1=1 --",
  "'; DROP TABLE orders; --",
  '" OR ""="',
  '1; SELECT * FROM sqlite_master',
  "%' UNION SELECT token_hash FROM shopper_sessions --",
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f',
  '%00',
  '%',
  '%zz',
  '.',
  '..',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '{{7*7}}',
  '${7*7}',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '0x1F',
  '9007199254740993',
  'null',
  'true',
  '[]',
  '{}',
  '\r\nX-Injected: 1',
  'tok_visa',
  '4111111111111111',
  'https://station.test/q/TEST-001/MILK-1?s=AAAAAAAAAAAAAAAA',
  'https://evil.test/q/OTHER-01/MILK-1?s=0123456789abcdef',
];

export const HOSTILE_NUMBERS: readonly number[] = [
  -0,
  0,
  -1,
  1.5,
  0.1 + 0.2,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  2 ** 31,
  2 ** 63,
  1e21,
  Number.MIN_VALUE,
];

/** JSON texts JSON.stringify cannot produce: literals, nesting bombs, duplicate and poisoned keys. */
export const HOSTILE_JSON_TEXTS: readonly string[] = [
  '{"__proto__":{"isAdmin":true,"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"a":1,"a":2}',
  '[' .repeat(20_000) + ']'.repeat(20_000),
  '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
  '1e999',
  '-1e999',
  '-0',
  'NaN',
  'Infinity',
  'null',
  'true',
  '"just a string"',
  '[]',
  '{}',
  '{"quantity":1e999}',
  '{"quantity":-0}',
  '{"quantity":1.0}',
  '{"amount":100000000000000000000000}',
  '{',
  '{"a":}',
  "{'a':1}",
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '\uFEFF{}',
  '\u0000',
  '',
];

export const CONTENT_TYPES: readonly (string | undefined)[] = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/json, text/plain',
  '*/*',
  undefined,
];

export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => s + '\u0000' + s) },
  );

/** Any JSON value, biased towards the edges: wrong types for every field type. */
export const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: hostileString() },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], { __proto__: null }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__":{"polluted":1}}') as unknown) },
    { weight: 1, arbitrary: fc.constant({ constructor: { prototype: { polluted: 1 } } }) },
  );

/** Values some fields should take from the world under test (real SKUs, own order ids…). */
export type ValuePool = Record<string, () => readonly unknown[]>;

function resolveRef(ref: string, root: { components?: { schemas?: Record<string, JsonSchema> } }): JsonSchema {
  const name = ref.replace(/^#\/components\/schemas\//, '');
  return root.components?.schemas?.[name] ?? {};
}

/**
 * fast-check cannot generate from look-arounds, so they are dropped; a generated string that then
 * misses the exact pattern or length passes through as it is (a filter could spin forever on a
 * new route's schema, and a near-valid value is still a fair fuzz input).
 */
function patternArbitrary(pattern: string, minLength = 0, maxLength = Infinity): fc.Arbitrary<string> {
  let generatable = pattern.replace(/\(\?[=!][^)]*\)/g, '');
  // `^[…]+$` with a length range: the range goes into the regex.
  if ((minLength > 0 || maxLength < Infinity) && /[+*]\$$/.test(generatable)) {
    const upper = Math.min(maxLength, Math.max(minLength, 1) + 40);
    generatable = generatable.replace(/[+*]\$$/, `{${minLength},${upper}}$`);
  }
  try {
    return fc.stringMatching(new RegExp(generatable));
  } catch {
    return fc.string({ minLength, maxLength: Math.min(maxLength, 32) });
  }
}

/**
 * Values that satisfy `schema` (as far as fast-check can: patterns are honoured, formats mostly);
 * `pool` biases named fields towards values the server knows, so requests reach past "not found".
 */
export function validValue(schema: JsonSchema, root: object, pool: ValuePool = {}, field = '', depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) return validValue(resolveRef(schema.$ref, root), root, pool, field, depth);
  const known = field && pool[field] ? pool[field]() : [];
  const from = (arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
    known.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary }) : arbitrary;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return from(fc.oneof(...alternatives.map((s) => validValue(s, root, pool, field, depth))));
  if (schema.allOf?.[0]) return validValue(schema.allOf[0], root, pool, field, depth);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (schema.pattern) return from(patternArbitrary(schema.pattern, schema.minLength, schema.maxLength));
      if (schema.format === 'date-time') return from(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
      return from(fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 24, 24) }));
    }
    case 'integer':
      return from(fc.integer({ min: schema.minimum ?? -1_000, max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER) }));
    case 'number':
      return from(fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true }));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schema.items ? validValue(schema.items, root, pool, field, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      return fc.array(items, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    }
    case 'object':
    default: {
      if (!schema.properties && type !== 'object') return fc.jsonValue({ maxDepth: 2 });
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) shape[name] = validValue(property, root, pool, name, depth + 1);
      const record = fc.record(shape, { requiredKeys: Object.keys(properties).filter((k) => required.has(k)) });
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object' && !schema.properties) {
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
      }
      return record;
    }
  }
}

/** Every path to a value inside `value` (objects and arrays), root excluded. */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(path);
      pathsOf(child, path, out);
    }
  }
  return out;
}

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'extra'; key: string; value: unknown };

function mutate(value: unknown, pick: number, mutation: Mutation): unknown {
  const copy = structuredClone(value) as unknown;
  const paths = pathsOf(copy);
  if (mutation.kind === 'extra') {
    const holders = [[], ...paths].filter((p) => {
      const target = p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], copy);
      return target && typeof target === 'object' && !Array.isArray(target);
    });
    const path = holders[pick % Math.max(holders.length, 1)] ?? [];
    const target = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], copy);
    if (target && typeof target === 'object') {
      // defineProperty: a real own "__proto__" key, as JSON.parse makes it, not a prototype change.
      Object.defineProperty(target, mutation.key, { value: mutation.value, enumerable: true, configurable: true, writable: true });
    }
    return copy;
  }
  if (paths.length === 0) return mutation.kind === 'replace' ? mutation.value : undefined;
  const path = paths[pick % paths.length]!;
  const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], copy) as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    parent[last] = mutation.value;
  }
  return copy;
}

/** Stands for a nesting bomb inside an otherwise valid body; see deepText. */
export const DEEP_MARKER = '\u0000deep\u0000';
/** 10,000 levels in 20 KB: deeper than any recursive walk of a parsed body survives. */
export const deepText = (): string => '['.repeat(10_000) + ']'.repeat(10_000);

/** A valid body with one field (anywhere, free-form payloads included) holding DEEP_MARKER. */
export function deepValue(schema: JsonSchema, root: object, pool: ValuePool = {}): fc.Arbitrary<unknown> {
  return fc.tuple(validValue(schema, root, pool), fc.nat()).map(([value, pick]) => mutate(value, pick, { kind: 'replace', value: DEEP_MARKER }));
}

/** A well-shaped value with exactly one thing wrong: a field replaced, dropped, or one added. */
export function brokenValue(schema: JsonSchema, root: object, pool: ValuePool = {}): fc.Arbitrary<unknown> {
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 4, arbitrary: hostileValue().map((value) => ({ kind: 'replace' as const, value })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('__proto__', 'constructor', 'isAdmin', 'storeId', 'extra', 'sessionId'), hostileValue())
        .map(([key, value]) => ({ kind: 'extra' as const, key, value })),
    },
  );
  return fc.tuple(validValue(schema, root, pool), fc.nat(), mutation).map(([value, pick, m]) => mutate(value, pick, m));
}
