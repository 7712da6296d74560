// Runs in: node (vitest). Central's approval profiles on SQLite and PostgreSQL: signed enrolment
// and lookup by contact, sealed at rest (no contact or answer in any row, nor in the SQLite
// file's bytes), the chain-wide lockout after 2 failed dialogues in 24 h, and refusals.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestCentral, describeDialects, type TestCentral } from './helpers.js';

const PROFILE_KEY = randomBytes(32);
const CONTACT = '010-9876-5432';
const ANSWERS = ['haeundae busan', 'dubu the dog', 'sunrise elementary'];

function profile(answers = ANSWERS) {
  return {
    lang: 'en',
    deviceHash: randomBytes(32).toString('base64url'),
    questions: answers.map((answer, i) => ({
      questionId: i === 2 ? 'custom-3' : ['q.birth_city', 'q.first_pet'][i]!,
      ...(i === 2 ? { text: 'Which school did my sister go to?' } : {}),
      salt: randomBytes(16).toString('base64url'),
      hash: randomBytes(32).toString('base64url'),
      embedding: Buffer.from(Float32Array.from([0.25, -0.5, 0.75, 0.125]).buffer).toString('base64url'),
      answer,
    })),
  };
}

describeDialects('central approval profiles', (dialect) => {
  let c: TestCentral;
  beforeEach(async () => {
    c = await createTestCentral(dialect, { profileKey: PROFILE_KEY });
  });
  afterEach(async () => {
    await c.close();
  });

  it('enrols once per contact, answers the profile under any spelling of it, and seals everything but ids', async () => {
    const body = profile();
    const created = await c.signed('POST', '/v1/profiles', { contact: CONTACT, profile: body });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ enrolled: true, enrolledAt: new Date(c.clock.now()).toISOString() });
    const again = await c.signed('POST', '/v1/profiles', { contact: '+82 10 9876 5432', profile: profile(['x', 'y', 'z']) });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('profile_exists');

    const found = await c.signed('POST', '/v1/profiles/lookup', { contact: '01098765432' });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual({
      profile: { ...body, enrolledAt: new Date(c.clock.now()).toISOString(), enrolStoreId: c.storeId },
      lockout: { locked: false, until: null, failures: [] },
      purchases: [],
    });
    expect((await c.signed('POST', '/v1/profiles/lookup', { contact: 'nobody@example.com' })).json()).toEqual({
      profile: null,
      lockout: { locked: false, until: null, failures: [] },
      purchases: [],
    });

    const rows = JSON.stringify(await c.db.central.db.selectFrom('shopper_profiles').selectAll().execute());
    for (const secret of [...ANSWERS, '98765432', 'sister', body.deviceHash, body.questions[0]!.salt]) expect(rows).not.toContain(secret);
    if (dialect === 'sqlite') {
      const dir = (c.db.central.description.match(/^SQLite (.*)\/central\.db$/) ?? [])[1]!;
      const bytes = Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
      for (const secret of [...ANSWERS, '01098765432', '010-9876-5432', 'sister']) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
  });

  it("keeps an enrolled shopper's purchases of the last 30 days, sealed, and ignores unenrolled ones", async () => {
    await c.signed('POST', '/v1/profiles', { contact: CONTACT, profile: profile() });
    const items = [{ sku: 'MILK-1', name: '바나나우유', nameEn: 'Banana milk' }];
    expect((await c.signed('POST', '/v1/profiles/purchases', { contact: CONTACT, orderId: 'order-1', items })).json()).toEqual({ recorded: true });
    // A retried report of one order is kept once.
    await c.signed('POST', '/v1/profiles/purchases', { contact: CONTACT, orderId: 'order-1', items });
    expect((await c.signed('POST', '/v1/profiles/purchases', { contact: 'stranger@example.com', orderId: 'order-2', items })).json()).toEqual({ recorded: false });
    const at = new Date(c.clock.now()).toISOString();
    expect((await c.signed('POST', '/v1/profiles/lookup', { contact: CONTACT })).json<{ purchases: unknown[] }>().purchases).toEqual([{ ...items[0], at, storeId: c.storeId }]);
    const rows = JSON.stringify(await c.db.central.db.selectFrom('shopper_purchases').selectAll().execute());
    expect(rows).not.toContain('MILK-1');
    expect(rows).not.toContain('Banana');
    expect(await c.db.central.db.selectFrom('shopper_purchases').selectAll().execute()).toHaveLength(1);
    c.clock.advance(30 * 24 * 60 * 60 * 1000);
    expect((await c.signed('POST', '/v1/profiles/lookup', { contact: CONTACT })).json<{ purchases: unknown[] }>().purchases).toEqual([]);
    const bad = await c.signed('POST', '/v1/profiles/purchases', { contact: CONTACT, orderId: 'order-3', items: [] });
    expect(bad.statusCode).toBe(400);
  });

  it('locks approval chain-wide after 2 failed dialogues in 24 h, and lifts it 24 h after the second', async () => {
    const first = await c.signed('POST', '/v1/profiles/failures', { contact: CONTACT, orderId: 'order-1' });
    expect(first.json()).toEqual({ locked: false, until: null, failures: [{ at: new Date(c.clock.now()).toISOString(), storeId: c.storeId }] });
    // A retried report of the same order counts once.
    expect((await c.signed('POST', '/v1/profiles/failures', { contact: CONTACT, orderId: 'order-1' })).json<{ failures: unknown[] }>().failures).toHaveLength(1);

    const other = (await c.admin('POST', '/admin/stores', { storeId: 'BUSAN-0002', name: '해운대점', address: '부산 해운대구 1' })).json<{ storeKey: string }>();
    c.clock.advance(60 * 60 * 1000);
    const second = await c.signed('POST', '/v1/profiles/failures', { contact: '+82 10-9876-5432', orderId: 'order-9' }, {}, { storeId: 'BUSAN-0002', key: other.storeKey });
    const secondAt = c.clock.now();
    expect(second.json()).toMatchObject({ locked: true, until: new Date(secondAt - 60 * 60 * 1000 + 24 * 60 * 60 * 1000).toISOString() });
    expect(second.json<{ failures: { storeId: string }[] }>().failures.map((f) => f.storeId)).toEqual(['BUSAN-0002', c.storeId]);
    expect((await c.signed('POST', '/v1/profiles/lockout', { contact: CONTACT })).json()).toMatchObject({ locked: true });

    c.clock.advance(23 * 60 * 60 * 1000);
    expect((await c.signed('POST', '/v1/profiles/lockout', { contact: CONTACT })).json()).toMatchObject({ locked: false, failures: [{ storeId: 'BUSAN-0002' }] });
    expect((await c.signed('POST', '/v1/profiles/lockout', { contact: 'other@example.com' })).json()).toMatchObject({ locked: false, failures: [] });
  });

  it('refuses unsigned callers, bad input with a 4xx, and answers 503 without a profile key', async () => {
    const unsigned = await c.app.inject({ method: 'POST', url: '/v1/profiles/lookup', payload: { contact: CONTACT } });
    expect(unsigned.statusCode).toBe(401);
    const bodies: unknown[] = [
      { contact: 'not a contact', profile: profile() },
      { contact: CONTACT, profile: { ...profile(), questions: profile().questions.slice(0, 2) } },
      { contact: CONTACT, profile: { ...profile(), extra: 1 } },
      { contact: CONTACT, profile: { ...profile(), questions: profile().questions.map((q) => ({ ...q, hash: 'short' })) } },
      { contact: CONTACT },
    ];
    for (const body of bodies) {
      const response = await c.signed('POST', '/v1/profiles', body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(['invalid_request', 'contact_invalid']).toContain(response.json().error.code);
    }
    expect((await c.signed('POST', '/v1/profiles/failures', { contact: CONTACT, orderId: 'bad id!' })).statusCode).toBe(400);

    const keyless = await createTestCentral(dialect);
    try {
      const response = await keyless.signed('POST', '/v1/profiles/lookup', { contact: CONTACT });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('profiles_unavailable');
    } finally {
      await keyless.close();
    }
  });

  it('cannot open a sealed profile moved to another shopper’s row', async () => {
    await c.signed('POST', '/v1/profiles', { contact: CONTACT, profile: profile() });
    await c.signed('POST', '/v1/profiles', { contact: 'thief@example.com', profile: profile(['a', 'b', 'c']) });
    const rows = await c.db.central.db.selectFrom('shopper_profiles').select(['ref', 'sealed']).execute();
    const [victim, thief] = rows;
    await c.db.central.db.updateTable('shopper_profiles').set({ sealed: victim!.sealed }).where('ref', '=', thief!.ref).execute();
    const stolen = await c.signed('POST', '/v1/profiles/lookup', { contact: 'thief@example.com' });
    const victimOpened = await c.signed('POST', '/v1/profiles/lookup', { contact: CONTACT });
    // One of the two rows was the victim's: it still opens; the moved box does not.
    const statuses = [stolen.statusCode, victimOpened.statusCode].sort();
    expect(statuses).toEqual([200, 500]);
    expect([stolen.body, victimOpened.body].find((b) => b.includes('internal'))).not.toContain('haeundae');
  });
});
